"""A creditor's postal address as the bank file carries it (pain.001 ``Cdtr/PstlAdr``), and when it is required.

The EPC rulebook (2023 onwards) requires the payee's address when the payee's bank lies in a SEPA country outside
the European Economic Area (Switzerland, the United Kingdom, Monaco, San Marino, Andorra, Vatican City, ...). BNG
Bank accepts structured addresses only in pain.001.001.09; pain.001.001.03 carries the address as two ``AdrLine``
and ``Ctry``. Pure rules: no database, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

STREET_MAX: Final = 70
"""``StrtNm``: Max70Text (pain.001.001.09 PostalAddress24)."""
BUILDING_MAX: Final = 16
"""``BldgNb``: Max16Text."""
POSTAL_CODE_MAX: Final = 16
"""``PstCd``: Max16Text."""
TOWN_MAX: Final = 35
"""``TwnNm``: Max35Text."""
ADDRESS_LINE_MAX: Final = 70
"""``AdrLine`` (pain.001.001.03 PostalAddress6): Max70Text, at most two lines in the EPC guidelines."""

EEA_COUNTRIES: Final = frozenset({
    # the 27 EU member states
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    # the EFTA members of the EEA
    "IS", "LI", "NO",
    # parts of the EU with an IBAN country code of their own: Åland, French Guiana, Guadeloupe, Martinique,
    # Mayotte, Réunion, Saint Martin (French part)
    "AX", "GF", "GP", "MQ", "YT", "RE", "MF",
})
"""IBAN country codes inside the European Economic Area. Every other SEPA country (CH, GB, GG, JE, IM, GI, MC, SM, AD,
VA, PM, BL, ...) needs the payee's address in a transfer."""


def needs_address(iban: str) -> bool:
    """Whether a transfer to ``iban`` (compact or with spaces) must carry the payee's postal address: its country
    (the IBAN's first two letters) lies outside the EEA."""
    return iban.strip()[:2].upper() not in EEA_COUNTRIES


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A structured address; ``town_name`` and ``country`` (ISO 3166 alpha-2) at least when any part is given."""

    street_name: str | None = None
    building_number: str | None = None
    postal_code: str | None = None
    town_name: str | None = None
    country: str | None = None

    @property
    def complete(self) -> bool:
        """Town and country are there: enough for a bank file."""
        return bool(self.town_name and self.country)

    def lines(self) -> tuple[str, ...]:
        """The address as at most two unstructured lines (pain.001.001.03 ``AdrLine``): street and number, postal
        code and town. Empty parts are left out; each line is cut at :data:`ADDRESS_LINE_MAX` by the caller's
        cleaning."""
        first = " ".join(part for part in (self.street_name, self.building_number) if part)
        second = " ".join(part for part in (self.postal_code, self.town_name) if part)
        return tuple(line for line in (first, second) if line)

    def one_line(self) -> str:
        """For pages and CSV files: ``Bahnhofstrasse 1, 8001 Zürich, CH``; "" when there is nothing."""
        parts = [*self.lines(), self.country or ""]
        return ", ".join(part for part in parts if part)
