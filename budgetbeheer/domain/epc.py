"""Cleaning text into the EPC basic character set for SEPA files.

The EPC (SEPA) basic set is ``a-z A-Z 0-9 / - ? : ( ) . , ' + space``. Dutch banks reject or mangle anything else.
Each character outside the set is handled in this order:

1. an explicit table below (``ß -> ss``, ``Ø -> O``, ``Æ -> AE``, ``& -> +``, ``@ -> (at)``, ``€ -> EUR``, quotes
   -> ``'``, brackets -> ``( )``, ...);
2. Unicode NFKD decomposition without the combining marks (``Zoë -> Zoe``, ``Ç -> C``, ``ﬁ -> fi``, ``½ -> 1/2``);
3. a Latin transliteration of other scripts (``Олег -> Oleg``) via ``text_unidecode`` (a dependency of sepaxml);
4. whitespace and control characters (tab, newline, NUL, no-break space, ...) become a space;
5. anything else (an emoji, a symbol without a transliteration) becomes ``.``.

Runs of spaces are then collapsed, the text is trimmed and cut to its limit: names 70, unstructured remittance 140,
identifiers 35. Identifiers additionally lose spaces (-> ``-``), may not start or end with ``/`` and may not contain
``//`` (collapsed to one ``/``).

Every function returns :class:`Cleaned` with ``changed`` set when the text differs from the input, so the caller can
keep a trace of what was actually sent to the bank.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from text_unidecode import unidecode  # type: ignore[import-untyped]

NAME_MAX = 70
REMITTANCE_MAX = 140
IDENTIFIER_MAX = 35

ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
REPLACEMENT = "."
"""What a character becomes when nothing better is known."""

_ALLOWED_TEXT = re.compile(r"[a-zA-Z0-9/\-?:().,'+ ]*")
_CLEAN_TEXT = re.compile(r"(?:[a-zA-Z0-9/\-?:().,'+]+(?: [a-zA-Z0-9/\-?:().,'+]+)*)?")
"""Text that cleaning leaves as it is: EPC characters only, no leading, trailing or double spaces."""
_SPACES = re.compile(r" {2,}")
_SLASHES = re.compile(r"/{2,}")
_IDENTIFIER = re.compile(r"[a-zA-Z0-9\-?:().,'+]+(?:/[a-zA-Z0-9\-?:().,'+]+)*")

TABLE: dict[str, str] = {
    # letters NFKD does not decompose
    "\N{LATIN SMALL LETTER SHARP S}": "ss",
    "\N{LATIN CAPITAL LETTER SHARP S}": "SS",
    "\N{LATIN CAPITAL LETTER O WITH STROKE}": "O",
    "\N{LATIN SMALL LETTER O WITH STROKE}": "o",
    "\N{LATIN CAPITAL LETTER AE}": "AE",
    "\N{LATIN SMALL LETTER AE}": "ae",
    "\N{LATIN CAPITAL LIGATURE OE}": "OE",
    "\N{LATIN SMALL LIGATURE OE}": "oe",
    "\N{LATIN CAPITAL LETTER ETH}": "D",
    "\N{LATIN SMALL LETTER ETH}": "d",
    "\N{LATIN CAPITAL LETTER D WITH STROKE}": "D",
    "\N{LATIN SMALL LETTER D WITH STROKE}": "d",
    "\N{LATIN CAPITAL LETTER THORN}": "TH",
    "\N{LATIN SMALL LETTER THORN}": "th",
    "\N{LATIN CAPITAL LETTER L WITH STROKE}": "L",
    "\N{LATIN SMALL LETTER L WITH STROKE}": "l",
    "\N{LATIN CAPITAL LETTER H WITH STROKE}": "H",
    "\N{LATIN SMALL LETTER H WITH STROKE}": "h",
    "\N{LATIN SMALL LETTER DOTLESS I}": "i",
    "\N{LATIN SMALL LETTER KRA}": "k",
    "\N{LATIN CAPITAL LETTER ENG}": "N",
    "\N{LATIN SMALL LETTER ENG}": "n",
    "\N{LATIN SMALL LETTER LONG S}": "s",
    # ASCII punctuation outside the set
    "&": "+",
    "@": "(at)",
    "#": "nr.",
    "%": "pct",
    "_": "-",
    "!": ".",
    ";": ",",
    "*": ".",
    "=": ":",
    '"': "'",
    "`": "'",
    "\\": "/",
    "|": "/",
    "~": "-",
    "^": ".",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    "<": "(",
    ">": ")",
    "$": "USD",
    # typography and currency
    "\N{EURO SIGN}": "EUR",
    "\N{POUND SIGN}": "GBP",
    "\N{ACUTE ACCENT}": "'",
    "\N{LEFT SINGLE QUOTATION MARK}": "'",
    "\N{RIGHT SINGLE QUOTATION MARK}": "'",
    "\N{SINGLE LOW-9 QUOTATION MARK}": "'",
    "\N{SINGLE HIGH-REVERSED-9 QUOTATION MARK}": "'",
    "\N{LEFT DOUBLE QUOTATION MARK}": "'",
    "\N{RIGHT DOUBLE QUOTATION MARK}": "'",
    "\N{DOUBLE LOW-9 QUOTATION MARK}": "'",
    "\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}": "'",
    "\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}": "'",
    "\N{SINGLE LEFT-POINTING ANGLE QUOTATION MARK}": "'",
    "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}": "'",
    "\N{EN DASH}": "-",
    "\N{EM DASH}": "-",
    "\N{HYPHEN}": "-",
    "\N{NON-BREAKING HYPHEN}": "-",
    "\N{MINUS SIGN}": "-",
    "\N{FRACTION SLASH}": "/",
    "\N{BULLET}": ".",
    "\N{MIDDLE DOT}": ".",
    "\N{DEGREE SIGN}": ".",
    "\N{SECTION SIGN}": "par.",
}


class Cleaned(NamedTuple):
    text: str
    """The text as it goes to the bank."""
    changed: bool
    """The text differs from the input in any way (characters, spaces, length)."""
    truncated: bool
    """The text was cut to its limit: part of it is not sent at all."""


@lru_cache(maxsize=4096)
def _clean_char(ch: str) -> str:
    if ch in ALLOWED:
        return ch
    if ch in TABLE:
        return TABLE[ch]
    category = unicodedata.category(ch)
    if category[0] in "CZ":
        return " "
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if decomposed and decomposed != ch:
        replaced = "".join(_clean_char(c) for c in decomposed)
        if replaced.strip(" ."):
            return replaced
    transliterated = str(unidecode(ch))
    if transliterated and transliterated != ch and transliterated.isascii():
        replaced = "".join(TABLE.get(c, c) if c in TABLE or c in ALLOWED else "" for c in transliterated).strip()
        if replaced and all(c in ALLOWED for c in replaced):
            return replaced
    return REPLACEMENT


def is_epc_text(text: str) -> bool:
    """True when every character of ``text`` is in the EPC basic set."""
    return _ALLOWED_TEXT.fullmatch(text) is not None


def _to_basic_set(text: str) -> str:
    if not is_epc_text(text):
        text = "".join(_clean_char(ch) for ch in text)
    return _SPACES.sub(" ", text).strip()


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[:limit].rstrip(), True


def clean_text(text: str, limit: int) -> Cleaned:
    """Bring ``text`` into the EPC basic set and cut it to ``limit`` characters."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if is_clean_text(text, limit):  # the common case: nothing to do
        return Cleaned(text, False, False)
    cleaned, truncated = _cut(_to_basic_set(text), limit)
    return Cleaned(cleaned, cleaned != text, truncated)


def is_clean_text(text: str, limit: int) -> bool:
    """True when :func:`clean_text` would return ``text`` unchanged: EPC characters only, no leading, trailing or
    double spaces, at most ``limit`` characters (a quick test for the common case)."""
    return len(text) <= limit and _CLEAN_TEXT.fullmatch(text) is not None


def clean_name(text: str) -> Cleaned:
    """A debtor or creditor name (``Nm``): at most 70 characters."""
    return clean_text(text, NAME_MAX)


def clean_remittance(text: str) -> Cleaned:
    """Unstructured remittance information (``Ustrd``): at most 140 characters."""
    return clean_text(text, REMITTANCE_MAX)


def clean_identifier(text: str, limit: int = IDENTIFIER_MAX) -> Cleaned:
    """An identifier (MsgId, PmtInfId, EndToEndId, InstrId): at most 35 characters, no spaces, no ``//``, and not
    starting or ending with ``/``."""
    if limit < 1:
        raise ValueError("limit must be positive")
    cleaned = _to_basic_set(text).replace(" ", "-")
    cleaned = _SLASHES.sub("/", cleaned).strip("/")
    cleaned, truncated = _cut(cleaned, limit)
    cleaned = cleaned.strip("/")
    return Cleaned(cleaned, cleaned != text, truncated)


def is_epc_identifier(text: str, limit: int = IDENTIFIER_MAX) -> bool:
    """True when ``text`` is already a valid identifier: cleaning it would change nothing, and it is not empty."""
    return len(text) <= limit and _IDENTIFIER.fullmatch(text) is not None
