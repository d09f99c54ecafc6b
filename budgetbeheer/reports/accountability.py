"""The accountability report for the funder: households and persons in ontzorgen, person-months, what was paid per
kind, extensions, advances, returns, receipts, arrears, and the closing balances, per month and for the range."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.ledger.service import ADVANCES, BANK, IN_TRANSIT, MUNICIPALITY_ACCOUNTS, UNMATCHED
from budgetbeheer.payments import arrears
from budgetbeheer.reports import queries
from budgetbeheer.reports.bank import RECONCILIATION_COLUMNS, latest_reconciliation
from budgetbeheer.reports.model import LEEFGELD, ONE_OFF, Column, ColumnType, Table
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.tables.states import ExtensionStatus


@dataclass
class Figures:
    """The accountability figures of one month or of the whole range."""

    label: str
    households_started: int = 0
    persons_started: int = 0
    households_active: int = 0
    persons_active: int = 0
    households_ended: int = 0
    persons_ended: int = 0
    person_months_exact: Fraction = Fraction(0)
    extensions_asked: int = 0
    extensions_approved: int = 0
    extensions_rejected: int = 0
    extension_months_added: int = 0
    paid: dict[str, int] = field(default_factory=dict)
    payments_count: int = 0
    advances_count: int = 0
    advances_amount: int = 0
    """Advances granted."""
    advances_recovered_count: int = 0
    advances_recovered_amount: int = 0
    """Recovered from receipts and final payouts."""
    advances_written_off_count: int = 0
    advances_written_off_amount: int = 0
    advances_open_count: int = 0
    """Advances with something still open at the end of the month or range (a stock, like the unpaid arrears)."""
    advances_open_amount: int = 0
    shortfalls_count: int = 0
    """Distinct instalments unpaid at some moment in the month or range (each once, however many runs tried)."""
    shortfalls_amount: int = 0
    arrears_paid_late_count: int = 0
    """Of those, paid late by a run executed in the month or range."""
    arrears_paid_late_amount: int = 0
    arrears_unpaid_count: int = 0
    """Of those, still unpaid at the end of the month or range (a stock: the range's figure is not a sum of months)."""
    arrears_unpaid_amount: int = 0
    returns_count: int = 0
    returns_amount: int = 0
    receipts_count: int = 0
    receipts_amount: int = 0

    @property
    def person_months(self) -> Decimal:
        exact = self.person_months_exact
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def fixed_costs_paid(self) -> int:
        return sum(cents for kind, cents in self.paid.items() if kind not in (LEEFGELD, ONE_OFF))

    @property
    def total_paid(self) -> int:
        return sum(self.paid.values())

    def set_arrears(self, summary: arrears.ArrearsSummary) -> None:
        self.shortfalls_count, self.shortfalls_amount = summary.unpaid_during.count, summary.unpaid_during.amount_cents
        self.arrears_paid_late_count = summary.paid_late.count
        self.arrears_paid_late_amount = summary.paid_late.amount_cents
        self.arrears_unpaid_count = summary.unpaid_at_end.count
        self.arrears_unpaid_amount = summary.unpaid_at_end.amount_cents

    def add_money(self, other: Figures) -> None:
        """Add a month's flows (payments, advances, returns, receipts, extensions, person-months). The unpaid
        instalments are not added: one instalment may be unpaid in several months (see :meth:`set_arrears`)."""
        for kind, cents in other.paid.items():
            self.paid[kind] = self.paid.get(kind, 0) + cents
        for name in ("payments_count", "advances_count", "advances_amount", "advances_recovered_count",
                     "advances_recovered_amount", "advances_written_off_count", "advances_written_off_amount",
                     "returns_count", "returns_amount", "receipts_count", "receipts_amount", "extensions_asked",
                     "extensions_approved", "extensions_rejected", "extension_months_added"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.person_months_exact += other.person_months_exact


@dataclass
class Accountability:
    period: DateRange
    months: list[Figures]
    total: Figures
    ledger: dict[str, int]
    arrears: list[arrears.ShortInstalment] = field(default_factory=list)
    """Every instalment unpaid at some moment in the range, once (:mod:`budgetbeheer.payments.arrears`)."""

    @property
    def identity_holds(self) -> bool:
        led = self.ledger
        owed = led["households"] + led["in_transit"] + led["unmatched"] + led.get("municipality", 0)
        return led["bank"] == owed - led["advances"]


def _overlap_days(first: date, last: date, start: date, end: date) -> int:
    return max(0, (min(last, end) - max(first, start)).days + 1)


def accountability_figures(session: Session, period: DateRange) -> Accountability:
    months = period.months()
    figures = {m.label: Figures(m.label) for m in months}
    total = Figures(period.label())
    for first, last, households, persons in queries.household_periods(session, period):
        for month in months:
            row = figures[month.label]
            days = _overlap_days(first, last, month.start, month.end)
            if days:
                row.households_active += households
                row.persons_active += persons
                row.person_months_exact += Fraction(persons * days, month.days_in_month)
            if month.start <= first <= month.end:
                row.households_started += households
                row.persons_started += persons
            if month.start <= last <= month.end:
                row.households_ended += households
                row.persons_ended += persons
        total.households_active += households
        total.persons_active += persons
        if period.start <= first <= period.end:
            total.households_started += households
            total.persons_started += persons
        if period.start <= last <= period.end:
            total.households_ended += households
            total.persons_ended += persons
    for label, counts in queries.extensions_by_month(session, months).items():
        row = figures[label]
        row.extensions_asked = counts.get("asked", 0)
        row.extensions_approved = counts.get(ExtensionStatus.APPROVED, 0)
        row.extensions_rejected = counts.get(ExtensionStatus.REJECTED, 0)
        row.extension_months_added = counts.get("months_added", 0)
    for label, kind, count, cents in queries.paid_by_month_and_kind(session, months):
        row = figures[label]
        row.paid[str(kind)] = row.paid.get(str(kind), 0) + int(cents)
        row.payments_count += int(count)
    for source, count_attr, amount_attr in (
        (queries.advances_by_month, "advances_count", "advances_amount"),
        (lambda s, m: queries.advance_recoveries_by_month(s, m, written_off=False), "advances_recovered_count",
         "advances_recovered_amount"),
        (lambda s, m: queries.advance_recoveries_by_month(s, m, written_off=True), "advances_written_off_count",
         "advances_written_off_amount"),
        (queries.returned_by_month, "returns_count", "returns_amount"),
        (queries.receipts_by_month, "receipts_count", "receipts_amount"),
    ):
        for label, (count, cents) in source(session, months).items():
            setattr(figures[label], count_attr, count)
            setattr(figures[label], amount_attr, cents)
    for month in months:
        total.add_money(figures[month.label])
        row = figures[month.label]
        row.advances_open_count, row.advances_open_amount = queries.advances_open_on(session, month.end)
    total.advances_open_count, total.advances_open_amount = queries.advances_open_on(session, period.end)
    short = arrears.short_instalments(session, through=period.end)
    for month in months:
        figures[month.label].set_arrears(arrears.summarise(short, month.start, month.end))
    total.set_arrears(arrears.summarise(short, period.start, period.end))
    raw = queries.closing_by_group(session, period.end)
    ledger = {
        "bank": raw.get(BANK, 0),
        "households": -raw.get("households", 0),
        "in_transit": -raw.get(IN_TRANSIT, 0),
        "unmatched": -raw.get(UNMATCHED, 0),
        "advances": raw.get(ADVANCES, 0),
    }
    municipality = -sum(raw.get(code, 0) for code in MUNICIPALITY_ACCOUNTS)
    if municipality:  # money assigned from the bank queue that is no household's (bank charges, a top-up)
        ledger["municipality"] = municipality
    return Accountability(period, [figures[m.label] for m in months], total, ledger,
                          arrears.in_range(short, period.start, period.end))


ACCOUNTABILITY_COLUMNS: tuple[Column, ...] = (
    Column("period", "Periode"),
    Column("households_started", "Huishoudens gestart", ColumnType.INT),
    Column("persons_started", "Personen gestart", ColumnType.INT),
    Column("households_active", "Huishoudens actief", ColumnType.INT),
    Column("persons_active", "Personen actief", ColumnType.INT),
    Column("households_ended", "Huishoudens beëindigd", ColumnType.INT),
    Column("persons_ended", "Personen beëindigd", ColumnType.INT),
    Column("person_months", "Persoonsmaanden ontzorgd", ColumnType.DECIMAL),
    Column("extensions_asked", "Verlengingen gevraagd", ColumnType.INT),
    Column("extensions_approved", "Verlengingen toegekend", ColumnType.INT),
    Column("extensions_rejected", "Verlengingen afgewezen", ColumnType.INT),
    Column("extension_months_added", "Maanden verlengd", ColumnType.INT),
    *(Column(f"paid_{category}", f"Betaald: {LABELS_NL[category]}", ColumnType.AMOUNT) for category in Category),
    Column("paid_fixed_costs", "Betaald: vaste lasten totaal", ColumnType.AMOUNT),
    Column("paid_leefgeld", "Betaald: leefgeld", ColumnType.AMOUNT),
    Column("paid_one_off", "Betaald: incidentele betalingen", ColumnType.AMOUNT),
    Column("paid_total", "Betaald: totaal", ColumnType.AMOUNT),
    Column("payments_count", "Aantal betalingen", ColumnType.INT),
    Column("advances_count", "Voorschotten (aantal)", ColumnType.INT),
    Column("advances_amount", "Voorschotten (bedrag)", ColumnType.AMOUNT),
    Column("advances_recovered_count", "Voorschotten terugontvangen (aantal)", ColumnType.INT),
    Column("advances_recovered_amount", "Voorschotten terugontvangen (bedrag)", ColumnType.AMOUNT),
    Column("advances_written_off_count", "Voorschotten afgeschreven (aantal)", ColumnType.INT),
    Column("advances_written_off_amount", "Voorschotten afgeschreven (bedrag)", ColumnType.AMOUNT),
    Column("advances_open_count", "Voorschotten open aan het eind (aantal)", ColumnType.INT),
    Column("advances_open_amount", "Voorschotten open aan het eind (bedrag)", ColumnType.AMOUNT),
    Column("shortfalls_count", "Onbetaalde termijnen (aantal, elk één keer)", ColumnType.INT),
    Column("shortfalls_amount", "Onbetaalde termijnen (bedrag)", ColumnType.AMOUNT),
    Column("arrears_paid_late_count", "…waarvan later betaald (aantal)", ColumnType.INT),
    Column("arrears_paid_late_amount", "…waarvan later betaald (bedrag)", ColumnType.AMOUNT),
    Column("arrears_unpaid_count", "…waarvan nog onbetaald aan het eind (aantal)", ColumnType.INT),
    Column("arrears_unpaid_amount", "…waarvan nog onbetaald aan het eind (bedrag)", ColumnType.AMOUNT),
    Column("returns_count", "Teruggekomen betalingen (aantal)", ColumnType.INT),
    Column("returns_amount", "Teruggekomen betalingen (bedrag)", ColumnType.AMOUNT),
    Column("receipts_count", "Ontvangsten (aantal)", ColumnType.INT),
    Column("receipts_amount", "Ontvangsten (bedrag)", ColumnType.AMOUNT),
)
LEDGER_COLUMNS = (
    Column("as_of", "Stand op", ColumnType.DATE),
    Column("bank", "Beheerrekening (bank)", ColumnType.AMOUNT),
    Column("households", "Tegoed huishoudens", ColumnType.AMOUNT),
    Column("in_transit", "Betalingen onderweg", ColumnType.AMOUNT),
    Column("unmatched", "Niet-toegewezen ontvangsten", ColumnType.AMOUNT),
    Column("advances", "Uitstaande voorschotten", ColumnType.AMOUNT),
    Column("identity_holds", "Bank = huishoudens + onderweg + niet-toegewezen − voorschotten", ColumnType.BOOL),
)


def figures_row(figures: Figures) -> tuple[Any, ...]:
    return (
        figures.label,
        figures.households_started,
        figures.persons_started,
        figures.households_active,
        figures.persons_active,
        figures.households_ended,
        figures.persons_ended,
        figures.person_months,
        figures.extensions_asked,
        figures.extensions_approved,
        figures.extensions_rejected,
        figures.extension_months_added,
        *(figures.paid.get(str(category), 0) for category in Category),
        figures.fixed_costs_paid,
        figures.paid.get(LEEFGELD, 0),
        figures.paid.get(ONE_OFF, 0),
        figures.total_paid,
        figures.payments_count,
        figures.advances_count,
        figures.advances_amount,
        figures.advances_recovered_count,
        figures.advances_recovered_amount,
        figures.advances_written_off_count,
        figures.advances_written_off_amount,
        figures.advances_open_count,
        figures.advances_open_amount,
        figures.shortfalls_count,
        figures.shortfalls_amount,
        figures.arrears_paid_late_count,
        figures.arrears_paid_late_amount,
        figures.arrears_unpaid_count,
        figures.arrears_unpaid_amount,
        figures.returns_count,
        figures.returns_amount,
        figures.receipts_count,
        figures.receipts_amount,
    )


ARREARS_COLUMNS = (
    Column("household_id", "Huishouden", ColumnType.INT),
    Column("fixed_cost_id", "Vaste last", ColumnType.INT),
    Column("category", "Categorie"),
    Column("creditor", "Schuldeiser"),
    Column("due_date", "Vervaldatum", ColumnType.DATE),
    Column("amount", "Bedrag", ColumnType.AMOUNT),
    Column("first_short_on", "Eerste tekort (uitvoeringsdatum)", ColumnType.DATE),
    Column("runs_short", "Betaalruns met tekort", ColumnType.INT),
    Column("paid_on", "Later betaald (uitvoeringsdatum)", ColumnType.DATE),
    Column("unpaid_at_end", "Nog onbetaald aan het eind", ColumnType.BOOL),
)


def arrears_rows(result: Accountability) -> list[tuple[Any, ...]]:
    end = result.period.end
    return [
        (row.household_id, row.fixed_cost_id, row.category, row.creditor_name, row.due_date, row.amount_cents,
         row.first_short_on, row.runs_short, row.paid_on if row.paid_on is not None and row.paid_on <= end else None,
         row.unpaid_on(end))
        for row in result.arrears
    ]


def accountability_tables(result: Accountability) -> list[Table]:
    led = result.ledger
    return [
        Table("months", "Verantwoording per maand", ACCOUNTABILITY_COLUMNS, [figures_row(f) for f in result.months]),
        Table("totals", "Verantwoording over de periode", ACCOUNTABILITY_COLUMNS, [figures_row(result.total)]),
        Table(
            "ledger",
            "Aansluiting met de boekhouding",
            LEDGER_COLUMNS,
            [(result.period.end, led["bank"], led["households"], led["in_transit"], led["unmatched"], led["advances"],
              result.identity_holds)],
        ),
        Table("arrears", "Onbetaalde termijnen (elk één keer)", ARREARS_COLUMNS, arrears_rows(result)),
    ]


def accountability(session: Session, period: DateRange) -> list[Table]:
    return [*accountability_tables(accountability_figures(session, period)),
            Table("bank", "Aansluiting met de bank (laatste afschrift in de periode)", RECONCILIATION_COLUMNS,
                  latest_reconciliation(session, period))]
