"""The reason codes a bank gives when a SEPA credit transfer comes back (ISO 20022 external return and status reason
codes, as the EPC SCT rulebook and the Dutch banks use them in camt.053 ``RtrInf/Rsn/Cd`` and pain.002
``StsRsnInf/Rsn/Cd``).

One question decides what the payment run does next: does the code say that the *payee's account* cannot receive the
money (wrong, closed, blocked, holder deceased, account of a kind that cannot be credited)? Then paying the same IBAN
again can only come back again: the IBAN is held (:mod:`budgetbeheer.payments.iban_holds`) until finance or the
caseworker corrects it. Any other code (our own account, the file, the amount, the payee's name or address, a refusal,
a technical problem) is retried to the same IBAN by the next run. ``docs/returns.md`` gives the reasoning per code.

A code the table does not know is accepted (banks use more codes than SEPA lists) and treated as "retry".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from budgetbeheer.errors import Message


@dataclass(frozen=True)
class ReturnReason:
    """One reason code with its ISO name, what it means in Dutch and English, and whether the payee's account is
    wrong or closed (``holds_iban``)."""

    code: str
    iso_name: str
    nl: str
    en: str
    holds_iban: bool


def _table(*reasons: ReturnReason) -> Mapping[str, ReturnReason]:
    table = {reason.code: reason for reason in reasons}
    if len(table) != len(reasons):  # pragma: no cover - a code listed twice is a mistake in this file
        raise ValueError("a return reason code is listed twice")
    return MappingProxyType(table)


RETURN_REASONS: Mapping[str, ReturnReason] = _table(
    # The payee's account cannot receive the money: hold the IBAN.
    ReturnReason("AC01", "IncorrectAccountNumber", "rekeningnummer (IBAN) onjuist",
                 "account number (IBAN) incorrect", True),
    ReturnReason("AC03", "InvalidCreditorAccountNumber", "rekeningnummer van de ontvanger ongeldig",
                 "creditor account number invalid", True),
    ReturnReason("AC04", "ClosedAccountNumber", "rekening opgeheven", "account closed", True),
    ReturnReason("AC06", "BlockedAccount", "rekening geblokkeerd", "account blocked", True),
    ReturnReason("AC07", "ClosedCreditorAccountNumber", "rekening van de ontvanger opgeheven",
                 "creditor account closed", True),
    ReturnReason("AC09", "InvalidAccountCurrency", "rekening is geen eurorekening",
                 "account currency invalid (not a euro account)", True),
    ReturnReason("AC14", "InvalidCreditorAccountType", "soort rekening van de ontvanger kan dit niet ontvangen",
                 "creditor account type cannot receive this payment", True),
    ReturnReason("AG01", "TransactionForbidden", "transactie niet toegestaan op deze rekening",
                 "transaction forbidden on this type of account", True),
    ReturnReason("BE01", "InconsistentWithEndCustomer", "naam past niet bij het rekeningnummer",
                 "name does not match the account number", True),
    ReturnReason("BE06", "UnknownEndCustomer", "rekeninghouder onbekend bij de bank",
                 "account holder unknown at the bank", True),
    ReturnReason("CNOR", "CreditorBankIsNotRegistered", "bank van de ontvanger niet bereikbaar via SEPA",
                 "creditor bank not registered (not reachable through SEPA)", True),
    ReturnReason("MD07", "EndCustomerDeceased", "rekeninghouder overleden", "account holder deceased", True),
    # Anything else: the IBAN is not in doubt; the next run pays again.
    ReturnReason("AC02", "InvalidDebtorAccountNumber", "rekeningnummer van de betaler (beheerrekening) ongeldig",
                 "debtor account number (managed account) invalid", False),
    ReturnReason("AC05", "ClosedDebtorAccountNumber", "rekening van de betaler (beheerrekening) opgeheven",
                 "debtor account (managed account) closed", False),
    ReturnReason("AC13", "InvalidDebtorAccountType", "soort rekening van de betaler ongeldig",
                 "debtor account type invalid", False),
    ReturnReason("AG02", "InvalidBankOperationCode", "bankcode van de opdracht ongeldig",
                 "bank operation code invalid", False),
    ReturnReason("AM04", "InsufficientFunds", "onvoldoende saldo op de beheerrekening",
                 "insufficient funds on the managed account", False),
    ReturnReason("AM05", "Duplication", "dubbele betaling", "duplicate payment", False),
    ReturnReason("BE04", "MissingCreditorAddress", "adres van de ontvanger ontbreekt", "creditor address missing",
                 False),
    ReturnReason("CUST", "RequestedByCustomer", "op verzoek van de opdrachtgever", "requested by the customer", False),
    ReturnReason("DNOR", "DebtorBankIsNotRegistered", "bank van de betaler niet bereikbaar via SEPA",
                 "debtor bank not registered", False),
    ReturnReason("DUPL", "DuplicatePayment", "dubbele betaling", "duplicate payment", False),
    ReturnReason("ERIN", "ERIOptionNotSupported", "extra gegevens niet ondersteund",
                 "extended remittance information not supported", False),
    ReturnReason("FF01", "InvalidFileFormat", "bestandsformaat ongeldig", "invalid file format", False),
    ReturnReason("FOCR", "FollowingCancellationRequest", "teruggestort na een verzoek tot annuleren",
                 "returned following a cancellation request", False),
    ReturnReason("FRAD", "FraudulentOrigin", "vermoeden van fraude", "fraudulent origin suspected", False),
    ReturnReason("MD06", "RefundRequestByEndCustomer", "terugboeking op verzoek", "refund requested", False),
    ReturnReason("MS02", "NotSpecifiedReasonCustomerGenerated", "door de ontvanger geweigerd (geen reden)",
                 "refused by the payee (no reason given)", False),
    ReturnReason("MS03", "NotSpecifiedReasonAgentGenerated", "door de bank geweigerd (geen reden)",
                 "refused by the bank (no reason given)", False),
    ReturnReason("NARR", "Narrative", "reden in de toelichting", "reason given as text", False),
    ReturnReason("RC01", "BankIdentifierIncorrect", "BIC onjuist", "bank identifier (BIC) incorrect", False),
    ReturnReason("RR01", "MissingDebtorAccountOrIdentification", "rekening of identificatie van de betaler ontbreekt",
                 "debtor account or identification missing", False),
    ReturnReason("RR02", "MissingDebtorNameOrAddress", "naam of adres van de betaler ontbreekt",
                 "debtor name or address missing", False),
    ReturnReason("RR03", "MissingCreditorNameOrAddress", "naam of adres van de ontvanger ontbreekt",
                 "creditor name or address missing", False),
    ReturnReason("RR04", "RegulatoryReason", "wettelijke reden", "regulatory reason", False),
    ReturnReason("SL01", "SpecificServiceOfferedByDebtorAgent", "dienst van de bank van de betaler",
                 "specific service offered by the debtor agent", False),
    ReturnReason("TECH", "TechnicalProblem", "technisch probleem", "technical problem", False),
    ReturnReason("TM01", "InvalidCutOffTime", "na de uiterste aanlevertijd ontvangen", "received after the cut-off time",
                 False),
)
"""Code → :class:`ReturnReason`, the codes of the SEPA credit transfer rulebook and the ISO codes banks use next to
them."""

UNKNOWN_NL = "onbekende redencode"
UNKNOWN_EN = "unknown reason code"


def normalise_code(raw: object) -> str | None:
    """``raw`` as a reason code (four letters or digits, upper case), or None when it cannot be one."""
    if not isinstance(raw, str):
        return None
    code = raw.strip().upper()
    return code if len(code) == 4 and code.isascii() and code.isalnum() else None


def reason_for(code: str) -> ReturnReason:
    """The table's entry, or an entry for an unknown code that does not hold the IBAN (the next run pays again)."""
    found = RETURN_REASONS.get(code.upper())
    if found is not None:
        return found
    return ReturnReason(code.upper(), "", UNKNOWN_NL, UNKNOWN_EN, False)


def holds_iban(code: str) -> bool:
    """True when the code says the payee's account is wrong or closed, so that the same IBAN must not be paid again."""
    return reason_for(code).holds_iban


def describe(code: str, language: str = "nl") -> str:
    """``AC04 (rekening opgeheven)``: the code with what it means, for messages and booking texts."""
    reason = reason_for(code)
    return f"{reason.code} ({reason.en if language == 'en' else reason.nl})"


def reason_message(code: str) -> Message:
    """:func:`describe` as a message, shown in the reader's language."""
    reason = reason_for(code)
    return Message("%(code)s (%(meaning)s)", code=reason.code, meaning=Message(reason.nl))


def english_texts() -> dict[str, str]:
    """The Dutch descriptions with their English, for the translation catalogue."""
    texts = {reason.nl: reason.en for reason in RETURN_REASONS.values()}
    texts[UNKNOWN_NL] = UNKNOWN_EN
    return texts
