"""The bank feature's JSON (interface.md "Bank statements and status reports"), shared by the API and ``--json``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.bank import service
from budgetbeheer.bank.matching import Outcome
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.bank import BankLine, BankStatement, StatusReportRecord


def _amount(cents: int | None) -> str | None:
    return None if cents is None else cents_to_str(cents)


def statement_json(session: Session, statement: BankStatement, outcome: Outcome | None = None,
                   *, with_lines: bool = False) -> dict[str, Any]:
    numbers = service.statement_summary(session, statement, outcome)
    figures = numbers.pop("reconciliation")
    data: dict[str, Any] = {
        "id": statement.id,
        "account_iban": statement.account_iban,
        "statement_id": statement.statement_id,
        "sequence_number": statement.sequence_number,
        "from": statement.from_date.isoformat() if statement.from_date else None,
        "to": statement.to_date.isoformat() if statement.to_date else None,
        "opening_balance": _amount(statement.opening_balance_cents),
        "closing_balance": _amount(statement.closing_balance_cents),
        "entries": statement.entry_count,
        "credits": _amount(statement.credits_cents),
        "debits": _amount(statement.debits_cents),
        **numbers,
        "ledger_bank_balance": _amount(figures.ledger_bank_balance_cents),
        "difference": _amount(figures.difference_cents),
        "announced_not_received": _amount(figures.announced_not_received_cents),
        "unexplained": _amount(figures.unexplained_cents),
        "in_transit": _amount(figures.in_transit_cents),
    }
    if with_lines:
        data["lines"] = [line_json(line) for line in service.lines_of(session, statement.id)]
    return data


def line_json(line: BankLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "statement": line.statement_id,
        "booking_date": line.booking_date.isoformat(),
        "value_date": line.value_date.isoformat() if line.value_date else None,
        "amount": cents_to_str(line.amount_cents),
        "counterparty_name": line.counterparty_name,
        "counterparty_iban": line.counterparty_iban,
        "remittance": line.remittance,
        "end_to_end_id": line.end_to_end_id,
        "bank_reference": line.bank_reference,
        "state": line.state,
        "matched_to": {"type": line.matched_type, "id": line.matched_id} if line.matched_type else None,
        "reason": line.reason,
    }


def import_json(session: Session, result: service.StatementImport) -> dict[str, Any]:
    """One statement: its summary; a zip of several: the first's summary plus ``statements``."""
    shaped = [statement_json(session, s, result.outcomes.get(s.id)) for s in result.statements]
    data = dict(shaped[0])
    if len(shaped) > 1:
        data["statements"] = shaped
    return data


def status_report_json(stored: StatusReportRecord) -> dict[str, Any]:
    return {"id": stored.id, "message_id": stored.message_id, "original_message_id": stored.original_message_id,
            "group_status": stored.group_status, "accepted": stored.accepted,
            "rejected_items": stored.rejected_items, "unknown": stored.unknown}
