"""The reports an accountant exports: each a set of tables for a date range ``[start, end]`` (both inclusive).

A :class:`Report` knows nothing of file formats; :mod:`budgetbeheer.reports.export` writes it as JSON, CSV or XLSX.
Tables of unbounded length (journal, statement, audit) hold generators that read the database page by page, so a
report is written in one pass with bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import verify
from budgetbeheer.errors import Message, NotFound
from budgetbeheer.reports import queries
from budgetbeheer.reports.accountability import accountability
from budgetbeheer.reports.bank import bank_reconciliation
from budgetbeheer.reports.model import (
    PAID_KINDS,
    Column,
    ColumnType,
    Report,
    Table,
)
from budgetbeheer.reports.queries import DateRange

# --- journal, trial balance, statement -------------------------------------------------------------------------------

JOURNAL_COLUMNS = (
    Column("transaction_id", "Boeking", ColumnType.INT),
    Column("business_date", "Boekdatum", ColumnType.DATE),
    Column("recorded_at", "Vastgelegd (UTC)", ColumnType.DATETIME),
    Column("kind", "Soort"),
    Column("account", "Rekening"),
    Column("household_id", "Huishouden", ColumnType.INT),
    Column("amount", "Bedrag (debet +, credit −)", ColumnType.AMOUNT),
    Column("description", "Omschrijving"),
    Column("booked_by", "Geboekt door"),
    Column("reverses_id", "Tegenboeking van", ColumnType.INT),
)


def journal(session: Session, period: DateRange) -> list[Table]:
    def rows() -> Iterator[tuple[Any, ...]]:
        for row in queries.journal_rows(session, period):
            yield tuple(row[1:])

    return [Table("postings", "Journaalposten", JOURNAL_COLUMNS, rows())]


TRIAL_BALANCE_COLUMNS = (
    Column("account", "Rekening"),
    Column("name", "Naam"),
    Column("kind", "Soort"),
    Column("household_id", "Huishouden", ColumnType.INT),
    Column("opening", "Beginsaldo (debet +)", ColumnType.AMOUNT),
    Column("debit", "Debet", ColumnType.AMOUNT),
    Column("credit", "Credit", ColumnType.AMOUNT),
    Column("closing", "Eindsaldo (debet +)", ColumnType.AMOUNT),
)
TRIAL_BALANCE_TOTAL_COLUMNS = (
    Column("opening", "Beginsaldo (debet +)", ColumnType.AMOUNT),
    Column("debit", "Debet", ColumnType.AMOUNT),
    Column("credit", "Credit", ColumnType.AMOUNT),
    Column("closing", "Eindsaldo (debet +)", ColumnType.AMOUNT),
    Column("balanced", "In evenwicht", ColumnType.BOOL),
)


@dataclass(frozen=True)
class TrialBalanceLine:
    account: str
    name: str
    kind: str
    household_id: int | None
    opening: int
    debit: int
    credit: int

    @property
    def closing(self) -> int:
        return self.opening + self.debit - self.credit


def trial_balance_lines(session: Session, period: DateRange) -> list[TrialBalanceLine]:
    return [
        TrialBalanceLine(code, name, kind, household_id, int(opening), int(debit), int(credit))
        for code, name, kind, household_id, opening, debit, credit in queries.trial_balance_rows(session, period)
    ]


def trial_balance(session: Session, period: DateRange) -> list[Table]:
    lines = trial_balance_lines(session, period)
    totals = (
        sum(line.opening for line in lines),
        sum(line.debit for line in lines),
        sum(line.credit for line in lines),
        sum(line.closing for line in lines),
    )
    balanced = totals[0] == 0 and totals[3] == 0 and totals[1] == totals[2]
    return [
        Table(
            "accounts",
            "Proef- en saldibalans",
            TRIAL_BALANCE_COLUMNS,
            [(ln.account, ln.name, ln.kind, ln.household_id, ln.opening, ln.debit, ln.credit, ln.closing) for ln in lines],
        ),
        Table("totals", "Totalen", TRIAL_BALANCE_TOTAL_COLUMNS, [(*totals, balanced)]),
    ]


STATEMENT_COLUMNS = (
    Column("household_id", "Huishouden", ColumnType.INT),
    Column("business_date", "Boekdatum", ColumnType.DATE),
    Column("transaction_id", "Boeking", ColumnType.INT),
    Column("kind", "Soort"),
    Column("description", "Omschrijving"),
    Column("amount", "Bedrag (bij +, af −)", ColumnType.AMOUNT),
    Column("balance", "Saldo", ColumnType.AMOUNT),
)
OPENING_KIND = "opening"


def statement(session: Session, period: DateRange, household_id: int | None = None) -> list[Table]:
    accounts = queries.statement_accounts(session, household_id)
    if household_id is not None and not accounts:
        raise NotFound(Message("Huishouden %(id)s heeft geen rekening.", id=household_id))

    def rows() -> Iterator[tuple[Any, ...]]:
        for chunk_start in range(0, len(accounts), 500):
            chunk = accounts[chunk_start:chunk_start + 500]
            movements = queries.statement_movements(session, [account for _, account in chunk])
            pending = next(movements, None)
            for hid, _ in chunk:
                balance = 0
                while pending is not None and pending[0] == hid and pending[1] < period.start:
                    balance += int(pending[5])
                    pending = next(movements, None)
                yield (hid, period.start, None, OPENING_KIND, "Beginsaldo", None, balance)
                while pending is not None and pending[0] == hid:
                    if pending[1] <= period.end:
                        balance += int(pending[5])
                        yield (hid, pending[1], pending[2], pending[3], pending[4], int(pending[5]), balance)
                    pending = next(movements, None)

    return [Table("movements", "Rekeningoverzicht per huishouden", STATEMENT_COLUMNS, rows())]


# --- payments and extensions ----------------------------------------------------------------------------------------

PAYMENTS_MONTH_COLUMNS = (
    Column("month", "Maand"),
    Column("kind", "Soort (categorie of leefgeld)"),
    Column("count", "Aantal", ColumnType.INT),
    Column("amount", "Bedrag", ColumnType.AMOUNT),
)
PAYMENTS_KIND_COLUMNS = (
    Column("kind", "Soort (categorie of leefgeld)"),
    Column("count", "Aantal", ColumnType.INT),
    Column("amount", "Bedrag", ColumnType.AMOUNT),
)
PAYMENTS_CREDITOR_COLUMNS = (
    Column("creditor", "Schuldeiser"),
    Column("iban", "IBAN"),
    Column("count", "Aantal", ColumnType.INT),
    Column("amount", "Bedrag", ColumnType.AMOUNT),
)


def payments(session: Session, period: DateRange) -> list[Table]:
    by_month = [(m, k, int(n), int(c)) for m, k, n, c in queries.paid_by_month_and_kind(session, period.months())]
    totals: dict[str, list[int]] = {}
    for _, kind, count, cents in by_month:
        entry = totals.setdefault(kind, [0, 0])
        entry[0] += count
        entry[1] += cents
    order = {kind: index for index, kind in enumerate(PAID_KINDS)}
    kind_rows = [(k, v[0], v[1]) for k, v in sorted(totals.items(), key=lambda item: (order.get(item[0], 99), item[0]))]
    kind_rows.append(("totaal", sum(v[0] for v in totals.values()), sum(v[1] for v in totals.values())))
    creditors = [(name, iban, int(n), int(c)) for name, iban, n, c in queries.paid_by_creditor(session, period)]
    return [
        Table("by_month", "Betaald per maand en categorie", PAYMENTS_MONTH_COLUMNS, by_month),
        Table("by_kind", "Betaald per categorie in de periode", PAYMENTS_KIND_COLUMNS, kind_rows),
        Table("by_creditor", "Betaald per schuldeiser", PAYMENTS_CREDITOR_COLUMNS, creditors),
    ]


EXTENSION_COLUMNS = (
    Column("id", "Verzoek", ColumnType.INT),
    Column("household_id", "Huishouden", ColumnType.INT),
    Column("requested_at", "Gevraagd op (UTC)", ColumnType.DATETIME),
    Column("requested_by", "Gevraagd door"),
    Column("months", "Maanden", ColumnType.INT),
    Column("reason_category", "Reden (categorie)"),
    Column("reason", "Toelichting"),
    Column("status", "Besluit"),
    Column("decided_at", "Besloten op (UTC)", ColumnType.DATETIME),
    Column("decided_by", "Besloten door"),
    Column("decision_note", "Notitie bij besluit"),
    Column("end_before", "Einddatum vóór", ColumnType.DATE),
    Column("end_after", "Einddatum na", ColumnType.DATE),
)


def extensions(session: Session, period: DateRange) -> list[Table]:
    rows = [
        (r.id, r.household_id, r.requested_at, r.requested_by, r.months, r.reason_category, r.reason_text, r.status,
         r.decided_at, r.decided_by, r.decision_note, r.end_before, r.end_after)
        for r in queries.extension_rows(session, period)
    ]
    return [Table("requests", "Verlengingsverzoeken", EXTENSION_COLUMNS, rows)]


# --- audit ----------------------------------------------------------------------------------------------------------

AUDIT_COLUMNS = (
    Column("id", "Nummer", ColumnType.INT),
    Column("recorded_at", "Tijdstip (UTC)"),
    Column("actor", "Wie"),
    Column("action", "Actie"),
    Column("entity_type", "Soort gegeven"),
    Column("entity_id", "Gegeven"),
    Column("reason", "Reden"),
    Column("before", "Voor de wijziging"),
    Column("after", "Na de wijziging"),
    Column("request_id", "Verzoek"),
    Column("client_address", "Adres"),
    Column("entry_hash", "Hash (SHA-256)"),
)
VERIFICATION_COLUMNS = (
    Column("intact", "Keten intact", ColumnType.BOOL),
    Column("entries", "Regels gecontroleerd", ColumnType.INT),
    Column("first_bad_id", "Eerste foute regel", ColumnType.INT),
    Column("problem", "Probleem"),
)


def audit(session: Session, period: DateRange) -> list[Table]:
    result = verify(session)
    return [
        Table("entries", "Auditlog", AUDIT_COLUMNS, (tuple(row) for row in queries.audit_rows(session, period))),
        Table("verification", "Controle van de hele keten", VERIFICATION_COLUMNS,
              [(result.ok, result.count, result.first_bad_id, result.problem)]),
    ]


# --- registry -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportKind:
    name: str
    title: str
    build: Callable[..., list[Table]]
    permission: str = "reports.read"


REPORTS: dict[str, ReportKind] = {
    kind.name: kind
    for kind in (
        ReportKind("journal", "Journaal", journal),
        ReportKind("trial-balance", "Proef- en saldibalans", trial_balance),
        ReportKind("statement", "Rekeningoverzichten", statement),
        ReportKind("payments", "Betalingen", payments),
        ReportKind("extensions", "Verlengingen", extensions),
        ReportKind("accountability", "Verantwoording", accountability),
        ReportKind("bank-reconciliation", "Aansluiting bank en boeken", bank_reconciliation),
        ReportKind("audit", "Auditlog", audit, permission="audit.read"),
    )
}


def report_kind(name: str) -> ReportKind:
    kind = REPORTS.get(name)
    if kind is None:
        raise NotFound(Message("Rapport %(name)s bestaat niet. Kies uit %(known)s.", name=name,
                               known=", ".join(REPORTS)))
    return kind


def build_report(
    session: Session,
    name: str,
    period: DateRange,
    *,
    municipality: str,
    exported_by: str,
    household_id: int | None = None,
) -> Report:
    kind = report_kind(name)
    tables = kind.build(session, period, household_id) if name == "statement" else kind.build(session, period)
    return Report(name, kind.title, period, municipality, exported_by, tables)
