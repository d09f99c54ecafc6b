"""What a SEPA credit transfer file is made of: the debtor, the transfers, the files, the text changes, the limits.

Plain frozen dataclasses and constants; no checks (:mod:`.checks`), no XML (:mod:`.bundle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, get_args

from budgetbeheer.domain.address import PostalAddress
from budgetbeheer.domain.references import ReferenceKind
from budgetbeheer.errors import BudgetbeheerError

SchemaVersion = Literal["pain.001.001.03", "pain.001.001.09"]
SUPPORTED_VERSIONS: Final[tuple[str, ...]] = get_args(SchemaVersion)
DEFAULT_VERSION: Final[SchemaVersion] = "pain.001.001.09"
"""BNG Bank accepts structured addresses only in .09 (since November 2025); .03 stays possible by setting."""

MIN_AMOUNT_CENTS: Final = 1
MAX_AMOUNT_CENTS: Final = 99_999_999_999
"""EUR 999,999,999.99, the largest amount the EPC rulebook allows in one credit transfer."""
MAX_PER_FILE: Final = 100_000
"""BNG Bank refuses files with more transactions."""
MAX_BYTES: Final = 3_000_000
"""Rabobank Internet Banking Professional takes files of at most 3 MB (about 11,000 transfers)."""
MIN_BYTES: Final = 10_000
"""A smaller file limit could not hold even one transfer with its header."""
MAX_MSG_ID_BASE: Final = 27
"""Leaves room for ``-<file>-<block>`` within the 35 characters of a PmtInfId (up to 999 files and 999 blocks)."""

_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class BankFileInvalid(BudgetbeheerError):
    """The pain.001 we produced does not validate against its XSD or does not add up. A bug on our side: nothing
    may be sent to the bank."""


@dataclass(frozen=True, slots=True)
class DebtorAccount:
    """The municipality's own account that pays. ``bic`` is derived from the IBAN when not given."""

    name: str
    iban: str
    bic: str | None = None


@dataclass(frozen=True, slots=True)
class Transfer:
    """One credit transfer.

    ``end_to_end_id`` is ours, unique per payment and stored, so that status reports and statements can be matched
    back; it must already be a clean EPC identifier (at most 35 characters). ``reference_kind``/``reference`` follow
    :mod:`budgetbeheer.domain.references`. The text the creditor sees (``Ustrd``) is the free-text reference followed by
    ``remittance_text``; with a structured reference only the reference is sent. ``category_purpose`` is an ISO
    external category purpose code such as ``SUPP`` or ``BENE``.
    """

    end_to_end_id: str
    creditor_name: str
    creditor_iban: str
    creditor_bic: str | None
    amount_cents: int
    reference_kind: ReferenceKind = ReferenceKind.NONE
    reference: str = ""
    remittance_text: str = ""
    category_purpose: str | None = None
    instruction_id: str | None = None
    creditor_address: PostalAddress | None = None
    """Written as ``Cdtr/PstlAdr``: structured in .09, ``Ctry`` and two ``AdrLine`` in .03. Required (town and
    country) when the IBAN lies outside the EEA (:func:`budgetbeheer.domain.address.needs_address`)."""


@dataclass(frozen=True, slots=True)
class TextChange:
    """A text that went to the bank differently from how it was given (``end_to_end_id`` None: the debtor)."""

    end_to_end_id: str | None
    field: str
    before: str
    after: str
    truncated: bool


@dataclass(frozen=True, slots=True)
class BankFile:
    """One pain.001 file, ready for upload."""

    filename: str
    content: bytes
    sha256: str
    msg_id: str
    count: int
    control_sum_cents: int
    version: str
    end_to_end_ids: tuple[str, ...]
    changes: tuple[TextChange, ...]
    blocks: tuple[SentBlock, ...] = ()
    """The file's payment-information blocks as written (its PmtInfIds, their payments and totals)."""


@dataclass(frozen=True, slots=True)
class SentBlock:
    """One ``PmtInf`` block of a file we wrote: what a statement's batch booking of it is matched against."""

    payment_information_id: str
    end_to_end_ids: tuple[str, ...]
    total_cents: int


_Address: TypeAlias = tuple[str, str, str, str, str]
"""``(street_name, building_number, postal_code, town_name, country)`` after EPC cleaning; "" for a missing part."""
_Prepared: TypeAlias = tuple[
    str, str | None, str, str, str | None, int, str | None, str | None, str, str | None, _Address | None
]
"""A transfer after validation and cleaning, exactly what goes into the XML: ``(end_to_end_id, instruction_id, name,
iban, bic, amount_cents, issuer, structured_ref, unstructured, category_purpose, address)``, read with the indexes
below.

A plain tuple on purpose: holding only strings, ints and None, it is soon no longer tracked by the garbage collector,
where 100,000s of NamedTuples or dataclass instances would be walked by every full collection during the export
(sepaxml's own included), and cost three to ten times as much to build."""
_E2E: Final = 0
_INSTRUCTION_ID: Final = 1
_NAME: Final = 2
_IBAN: Final = 3
_BIC: Final = 4
_AMOUNT: Final = 5
_ISSUER: Final = 6
_STRUCTURED: Final = 7
_UNSTRUCTURED: Final = 8
_PURPOSE: Final = 9
_ADDRESS: Final = 10

