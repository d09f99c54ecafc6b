"""The whole ledger as a plain-text journal that hledger (and ledger) read, so an auditor can check it with their tool.

Accounts: ``assets:bank``, ``assets:advances``, ``liabilities:in_transit``, ``liabilities:unmatched``,
``liabilities:households:<id>``. Amounts are ``EUR 650.00`` with the ledger's sign (debit positive), so
``hledger bal`` shows the same closing balances as the trial balance. Written transaction by transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.ledger.models import Account, AccountKind
from budgetbeheer.ledger.service import ADVANCES, BANK, IN_TRANSIT, UNMATCHED
from budgetbeheer.money import cents_to_str
from budgetbeheer.reports import queries

COMMODITY = "EUR"
SYSTEM_NAMES = {
    BANK: "assets:bank",
    ADVANCES: "assets:advances",
    IN_TRANSIT: "liabilities:in_transit",
    UNMATCHED: "liabilities:unmatched",
}
_UNSAFE_ACCOUNT = re.compile(r"[^A-Za-z0-9_:.-]")
_UNSAFE_TEXT = re.compile(r"[\x00-\x1f\x7f;|#*!]")


def account_name(code: str, kind: str) -> str:
    if code in SYSTEM_NAMES:
        return SYSTEM_NAMES[code]
    if code.startswith("household:"):
        return "liabilities:households:" + _UNSAFE_ACCOUNT.sub("_", code.split(":", 1)[1])
    top = "assets" if kind == AccountKind.ASSET else "liabilities"
    return f"{top}:{_UNSAFE_ACCOUNT.sub('_', code)}"


def sanitise(text: str) -> str:
    """One line, without the characters that start a comment, a note or a status mark in a journal; spaces collapsed."""
    cleaned = _UNSAFE_TEXT.sub(" ", text)
    return " ".join(cleaned.split()) or "-"


def amount(cents: int) -> str:
    return f"{COMMODITY} {cents_to_str(cents)}"


def transaction_lines(transaction: Any, postings: Iterable[Any],
                      names: dict[tuple[str, str], str] | None = None) -> list[str]:
    """One transaction's lines; ``names`` remembers each account's journal name over one export (a year of books
    names the same accounts over and over)."""
    names = {} if names is None else names
    transaction_id, business_date, recorded_at, kind, description, booked_by, reverses_id = transaction
    recorded = recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(recorded_at, datetime) else ""
    lines = [f"{business_date.isoformat()} ({transaction_id}) {sanitise(description)}"]
    note = f"    ; kind: {sanitise(kind)}, booked_by: {sanitise(booked_by)}, recorded_at: {recorded}"
    if reverses_id is not None:
        note += f", reverses: {reverses_id}"
    lines.append(note)
    for _, code, account_kind, cents in postings:
        name = names.get((code, account_kind))
        if name is None:
            name = names[code, account_kind] = account_name(code, account_kind)
        lines.append(f"    {name:<40}  {amount(int(cents)):>18}")
    lines.append("")
    return lines


def journal_lines(session: Session, generated_at: datetime, municipality: str) -> Iterator[str]:
    yield f"; budgetbeheer ledger of {sanitise(municipality)}, exported {generated_at.astimezone(UTC).isoformat()}"
    yield "; amounts: debit positive, credit negative (assets grow with debits, liabilities with credits)"
    yield ""
    yield f"commodity {COMMODITY} 1000.00"
    for code, kind in session.execute(select(Account.code, Account.kind).order_by(Account.id)):
        yield f"account {account_name(code, kind)}"
    yield ""
    names: dict[tuple[str, str], str] = {}
    for transaction, postings in queries.hledger_transactions(session):
        yield from transaction_lines(transaction, postings, names)


def write_journal(session: Session, out: IO[str], *, generated_at: datetime, municipality: str) -> int:
    """Write the journal; returns the number of transactions."""
    count = 0
    for line in journal_lines(session, generated_at, municipality):
        if line[:1].isdigit():
            count += 1
        out.write(line + "\n")
    return count
