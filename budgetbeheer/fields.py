"""The one way to read a value a person or a file gives us: a date, a whole number, an IBAN, a spreadsheet cell.

Every form, API body, CSV import and bank-file check reads these through here, so "2026-13-01", " 12 ", "NL91 abna
0417 1643 00" and "=HYPERLINK(...)" mean the same thing everywhere. The functions only say what the value is or
what is wrong with it; the caller names the field and chooses the words (a form error, a hold reason, a file check).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from schwifty import IBAN
from schwifty import exceptions as iban_errors

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read by a spreadsheet as a formula (CSV injection)."""


def parse_iso_date(raw: object) -> date | None:
    """A ``date`` given as a date or as ``YYYY-MM-DD`` text (surrounding spaces ignored); None for anything else.

    A ``datetime`` is not a date here: a business date never carries a time."""
    if isinstance(raw, datetime):
        return None
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def as_whole_number(raw: object) -> int | None:
    """An ``int`` or a string of ASCII digits as ``int``; ``None`` for anything else (``bool`` and ``float`` too)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None


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
