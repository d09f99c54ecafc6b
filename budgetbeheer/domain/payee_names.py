"""Payee names that could deceive whoever reviews a payment (issue 14, finding 4): pure functions, no database.

Two names are the **same** when they are equal ignoring case and spaces (``name_key``): ``Eneco`` and ``ENECO  ``.
Two names are **confusable** when they look alike on screen but differ (``skeleton``): each character that the
Unicode confusables table (``confusable-homoglyphs``, Unicode TR 39) knows as a homoglyph of a Latin character is read
as that character (the Cyrillic ``Е`` of ``Еneco`` as the Latin ``E``, the digit ``0`` as ``O``), compatibility forms
are folded (NFKC) and accents dropped. A name that mixes scripts (Latin and Cyrillic in one name) is suspicious on its
own, before a look-alike exists.

:func:`name_flags` says, for a new name and IBAN, what a person must see: the register's creditors it is the same as
(with another IBAN) or confusable with, and whether it mixes scripts. The caller decides what a flag does (the
register: the creditor waits for finance's confirmation, :mod:`budgetbeheer.households.creditors`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from confusable_homoglyphs import confusables  # type: ignore[import-untyped]

_LATIN = ["latin"]
_ASCII_LOOKALIKES = str.maketrans({"I": "l", "1": "l", "|": "l", "0": "o"})
"""Look-alikes within ASCII that the table leaves alone when Latin is preferred (``VattenfaII``, ``Ene0co``); as
in the TR 39 skeleton."""
_ASCII_PAIRS = (("rn", "m"), ("vv", "w"))
"""Two letters that read as one (``Prirna`` for ``Prima``, ``VVoonbron`` for ``Woonbron``)."""


def name_key(name: str) -> str:
    """``name`` as the register compares names: case-folded, spaces collapsed (``" ENECO  b.v."`` -> ``"eneco b.v."``)."""
    return " ".join(name.split()).casefold()


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """What ``name`` looks like: every homoglyph of a Latin character read as that character, compatibility forms
    folded, accents dropped, case folded and spaces collapsed. Two names with the same skeleton look alike."""
    folded = unicodedata.normalize("NFKC", name)
    characters = []
    for character in folded:
        found = confusables.is_confusable(character, greedy=False, preferred_aliases=_LATIN)
        if found:
            latin = [glyph["c"] for glyph in found[0]["homoglyphs"] if glyph["c"].isascii()]
            characters.append(latin[0] if latin else character)
        else:
            characters.append(character)
    decomposed = unicodedata.normalize("NFKD", "".join(characters).translate(_ASCII_LOOKALIKES))
    plain = name_key("".join(character for character in decomposed if not unicodedata.combining(character)))
    for pair, single in _ASCII_PAIRS:
        plain = plain.replace(pair, single)
    return plain


def mixes_scripts(name: str) -> bool:
    """Whether ``name`` holds letters of more than one script (``Еneco``: Cyrillic and Latin). Digits, spaces and
    punctuation belong to no script."""
    return bool(confusables.is_mixed_script(name))


@dataclass(frozen=True, slots=True)
class KnownPayee:
    """A creditor already in the register, as :func:`name_flags` compares it."""

    id: int
    name: str
    iban: str


@dataclass(frozen=True, slots=True)
class NameFlag:
    """Why a name must be looked at: ``kind`` ``same_name_other_iban``, ``confusable`` or ``mixed_script``;
    ``other`` the register's creditor it resembles (None for ``mixed_script``)."""

    kind: str
    other: KnownPayee | None = None

    def text_nl(self) -> str:
        """The flag in Dutch, as the register, the batch page and the audit trail show it."""
        if self.kind == SAME_NAME_OTHER_IBAN and self.other is not None:
            return (f"Dezelfde naam als schuldeiser {self.other.id} \u201c{self.other.name}\u201d, maar een ander IBAN "
                    f"(daar: {self.other.iban}).")
        if self.kind == CONFUSABLE and self.other is not None:
            return (f"De naam lijkt op die van schuldeiser {self.other.id} \u201c{self.other.name}\u201d "
                    f"({self.other.iban}), maar bevat andere tekens (bijvoorbeeld letters uit een ander schrift).")
        return "De naam mengt letters uit verschillende schriften (bijvoorbeeld Latijns en Cyrillisch)."


SAME_NAME_OTHER_IBAN = "same_name_other_iban"
CONFUSABLE = "confusable"
MIXED_SCRIPT = "mixed_script"


def name_flags(name: str, iban: str, register: Iterable[KnownPayee]) -> list[NameFlag]:
    """The flags of a creditor ``name`` with ``iban`` against the creditors in ``register`` (the creditor itself, same
    name and same IBAN, raises none): the same name (case and spaces aside) with another IBAN; a name that looks like
    another's but is not the same; a name that mixes scripts. At most one flag per creditor of the register."""
    key, look = name_key(name), skeleton(name)
    flags: list[NameFlag] = []
    for other in register:
        if other.name == name and other.iban == iban:
            continue
        other_key = name_key(other.name)
        if other_key == key:
            if other.iban != iban:
                flags.append(NameFlag(SAME_NAME_OTHER_IBAN, other))
        elif skeleton(other.name) == look:
            flags.append(NameFlag(CONFUSABLE, other))
    if mixes_scripts(name):
        flags.append(NameFlag(MIXED_SCRIPT))
    return flags


def flags_text(flags: Iterable[NameFlag]) -> str | None:
    """The flags as one Dutch text (None: no flag)."""
    texts = [flag.text_nl() for flag in flags]
    return " ".join(texts) if texts else None
