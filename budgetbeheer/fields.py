"""The one way to read a value a person or a file gives us: a date, a whole number, an IBAN, a spreadsheet cell.

Every form, API body, CSV import and bank-file check reads these through here, so "2026-13-01", " 12 ", "NL91 abna
0417 1643 00" and "=HYPERLINK(...)" mean the same thing everywhere. The functions only say what the value is or
what is wrong with it; the caller names the field and chooses the words (a form error, a hold reason, a file check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from schwifty import IBAN
from schwifty import exceptions as iban_errors

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read by a spreadsheet as a formula (CSV injection)."""


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

EARLIEST_DATE: Final = date(1900, 1, 1)
LATEST_DATE: Final = date(2199, 12, 31)
"""No business date is read outside these (a date of birth reaches back to 1900; a year like 0001 or 9999 is a typing
error, and months added to it would leave the calendar). Each field narrows the range further
(:func:`budgetbeheer.validation.iso_date`)."""

MAX_BIGINT: Final = 2**63 - 1
"""The database's largest integer (PostgreSQL ``BIGINT``, SQLite ``INTEGER``): ids, pages and counts stay below."""


def parse_iso_date(raw: object) -> date | None:
    """A ``date`` given as a date or as ``YYYY-MM-DD`` text (surrounding spaces ignored); None for anything else.

    Only that form: Python's ``date.fromisoformat`` also reads ``20261125`` and ``2026-W48-3``, which no form or file
    here means. A ``datetime`` is not a date here: a business date never carries a time."""
    if isinstance(raw, datetime):
        return None
    if isinstance(raw, date):
        return raw if EARLIEST_DATE <= raw <= LATEST_DATE else None
    if isinstance(raw, str):
        text = raw.strip()
        if not _ISO_DATE.fullmatch(text):
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return None
        return value if EARLIEST_DATE <= value <= LATEST_DATE else None
    return None


def as_whole_number(raw: object) -> int | None:
    """An ``int`` or a string of ASCII digits as ``int``; ``None`` for anything else (``bool`` and ``float`` too),
    and for a number beyond the database's 64-bit integer (:data:`MAX_BIGINT`)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if -MAX_BIGINT <= raw <= MAX_BIGINT else None
    if isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text) <= 19:
            number = int(text)
            return number if number <= MAX_BIGINT else None
    return None


def page_number(raw: object, default: int = 1, *, maximum: int = 1_000_000) -> int | None:
    """``page``/``per_page`` of a query: ASCII digits, 1 through ``maximum``; ``default`` when missing or empty;
    None when given otherwise (the caller answers 422 naming the parameter)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    number = as_whole_number(raw)
    if number is None or not 1 <= number <= maximum:
        return None
    return number


FORBIDDEN_CHARACTERS: Final = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2028", "\u2029"]
)
"""Characters no text field stores: C0 and C1 control characters (NUL, BEL, ESC, ...; tab and line breaks are
handled per field), DEL, the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069, which make a text
read otherwise than it is stored), zero-width characters (U+200B-U+200D, U+FEFF) and the Unicode line and paragraph
separators. Refused on every database alike (PostgreSQL cannot store NUL; SQLite would)."""


_FORBIDDEN_IN_MULTILINE = re.compile("[" + re.escape("".join(sorted(FORBIDDEN_CHARACTERS))) + "]")
_FORBIDDEN_IN_LINE = re.compile("[" + re.escape("".join(sorted(FORBIDDEN_CHARACTERS | {"\t", "\n", "\r"}))) + "]")


def forbidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` a text field may not hold, as ``U+0000``; None when it is clean. Tab, CR and
    LF are allowed only where ``multiline`` text is. (One compiled character class: a CSV of 100,000 lines asks this
    of every cell.)"""
    found = (_FORBIDDEN_IN_MULTILINE if multiline else _FORBIDDEN_IN_LINE).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


@dataclass(frozen=True, slots=True)
class IbanCheck:
    """The outcome of :func:`check_iban`: the compact IBAN when it is usable, else what is wrong with it."""

    compact: str
    problem: str
    """"" when usable; else one of ``checksum``, ``length``, ``country``, ``structure``, ``sepa``."""

    @property
    def ok(self) -> bool:
        return not self.problem


def check_iban(raw: str) -> IbanCheck:
    """Whether ``raw`` (spaces and case do not matter) is an IBAN we can pay to: a correct checksum and length for
    its country, in the SEPA zone. (The bulk paths cache the answer per run.)"""
    try:
        iban = IBAN("".join(raw.split()).upper())
    except iban_errors.InvalidChecksumDigits:
        return IbanCheck("", "checksum")
    except iban_errors.InvalidLength:
        return IbanCheck("", "length")
    except iban_errors.InvalidCountryCode:
        return IbanCheck("", "country")
    except ValueError:
        return IbanCheck("", "structure")
    if not iban.in_sepa_zone:
        return IbanCheck("", "sepa")
    return IbanCheck(str(iban.compact), "")


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def neutralise_formula(text: str) -> str:
    """Prefix a single quote to text a spreadsheet would read as a formula; anything else unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
