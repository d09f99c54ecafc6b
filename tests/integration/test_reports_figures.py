"""Every report on a small fixed data set, checked against figures computed by hand (see the comments in build_books).

The range is the first quarter of 2026, [2026-01-01, 2026-03-31], both ends inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.ledger import service as ledger
from budgetbeheer.reports.accountability import accountability_figures
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.reports.reports import build_report
from budgetbeheer.tables.households import Creditor, FixedCost, Receipt
from budgetbeheer.tables.lifecycle import ExtensionRequest
from budgetbeheer.tables.payments import Advance, PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.users.models import User
from budgetbeheer.users.service import create_user
from tests.factories import household_row

Q1 = DateRange(date(2026, 1, 1), date(2026, 3, 31))
FORMULA_DESCRIPTION = '=HYPERLINK("http://evil.example","klik")'
FORMULA_CREDITOR = "@Energie BV"


@dataclass
class Books:
    households: dict[str, int]
    transactions: dict[str, int]
    extensions: dict[str, int]
    accounts: dict[str, int]


def _at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build_books(session: Session) -> Books:
    """The fixed data set, as RAW rows (households through tests.factories.household_row): the reports must see
    exactly these rows, states intake cannot make (an ended household, batches in every status) included.

    Households (period first day .. last day, persons):
      H1 2025-12-15..2026-06-14, 2 persons;  H2 2026-02-10..2026-08-09, 3 persons;
      H3 2025-09-01..2026-02-28 but ended early on 2026-01-31, 1 person;  H4 2026-05-01..2026-10-31 (after Q1).
    Ledger (debit +): T1 2025-12-20 receipt H1 1000.00 (before Q1); T2 01-05 receipt H1 1200.00 (formula text);
      T3 01-06 H1 rent 650.00 to in transit; T4 01-08 in transit settled from bank 650.00; T5 02-12 receipt H2 900.00;
      T6 02-13 advance H2 300.00; T7 03-02 unmatched 50.00; T8 03-10 H1 leefgeld 300.00 to in transit;
      T11 03-15 receipt H2 10.00, T12 03-16 its reversal; T9 2026-04-02 receipt H1 999.99 (after Q1).
    """
    actor = Actor.system("test")
    caseworker = create_user(session, actor, username="km", roles=["caseworker"], password=None)
    supervisor = create_user(session, actor, username="tl", roles=["supervisor"], password=None)
    h1 = household_row(session, name="Een", start=date(2025, 12, 15), end=date(2026, 6, 14), persons=2,
                       account_name="Tegoed Een")
    h2 = household_row(session, name="Twee", start=date(2026, 2, 10), end=date(2026, 8, 9), persons=3,
                       account_name="Tegoed Twee")
    h3 = household_row(session, name="Drie", start=date(2025, 9, 1), end=date(2026, 2, 28), persons=1,
                       ended_on=date(2026, 1, 31), status="ended", account_name="Tegoed Drie")
    h4 = household_row(session, name="Vier", start=date(2026, 5, 1), end=date(2026, 10, 31), persons=1,
                       account_name="Tegoed Vier")
    bank = ledger.account_id(session, ledger.BANK)
    transit = ledger.account_id(session, ledger.IN_TRANSIT)
    unmatched = ledger.account_id(session, ledger.UNMATCHED)
    advances = ledger.account_id(session, ledger.ADVANCES)
    a1 = ledger.household_account_id(session, h1.id)
    a2 = ledger.household_account_id(session, h2.id)

    def move(key: str, debit: int, credit: int, cents: int, day: date, kind: str, text: str,
             household: int | None) -> int:
        transaction = ledger.transfer(session, debit_account_id=debit, credit_account_id=credit, amount_cents=cents,
                                      business_date=day, kind=kind, description=text, booked_by="test",
                                      household_id=household)
        transactions[key] = transaction.id
        return transaction.id

    transactions: dict[str, int] = {}
    move("T1", bank, a1, 1000_00, date(2025, 12, 20), "receipt", "bijstand december", h1.id)
    move("T2", bank, a1, 1200_00, date(2026, 1, 5), "receipt", FORMULA_DESCRIPTION, h1.id)
    move("T3", a1, transit, 650_00, date(2026, 1, 6), "payment", "huur januari", h1.id)
    move("T4", transit, bank, 650_00, date(2026, 1, 8), "settlement", "afschrift 8 januari", None)
    move("T5", bank, a2, 900_00, date(2026, 2, 12), "receipt", "bijstand februari", h2.id)
    move("T6", advances, a2, 300_00, date(2026, 2, 13), "advance", "voorschot zorgtoeslag", h2.id)
    move("T7", bank, unmatched, 50_00, date(2026, 3, 2), "receipt", "onbekende storting", None)
    move("T8", a1, transit, 300_00, date(2026, 3, 10), "payment", "leefgeld maart", h1.id)
    move("T11", bank, a2, 10_00, date(2026, 3, 15), "receipt", "dubbel geboekt", h2.id)
    transactions["T12"] = ledger.reverse(session, transactions["T11"], business_date=date(2026, 3, 16),
                                         booked_by="test", reason="dubbel").id
    move("T9", bank, a1, 999_99, date(2026, 4, 2), "receipt", "bijstand april", h1.id)

    def receipt(key: str, household: int | None, cents: int, day: date) -> None:
        session.add(Receipt(household_id=household, amount_cents=cents, received_on=day, kind="benefit",
                            source="api", ledger_transaction_id=transactions[key], created_by="test",
                            created_at=utcnow()))

    receipt("T1", h1.id, 1000_00, date(2025, 12, 20))
    receipt("T2", h1.id, 1200_00, date(2026, 1, 5))
    receipt("T5", h2.id, 900_00, date(2026, 2, 12))
    receipt("T7", None, 50_00, date(2026, 3, 2))
    receipt("T11", h2.id, 10_00, date(2026, 3, 15))
    receipt("T9", h1.id, 999_99, date(2026, 4, 2))
    session.add(Advance(household_id=h2.id, amount_cents=300_00, granted_on=date(2026, 2, 13), reason="zorgtoeslag",
                        created_by="test", created_at=utcnow(), ledger_transaction_id=transactions["T6"],
                        recovery_kind="allowance", open_cents=300_00))

    creditors = {}
    for name, iban in (("Woonstichting", "NL02ABNA0123456789"), ("Zorgverzekeraar", "NL20INGB0001234567"),
                       (FORMULA_CREDITOR, "NL39RABO0300065264"), ("Waterbedrijf", "NL44RABO0123456789")):
        creditor = Creditor(name=name, iban=iban, created_at=utcnow())
        session.add(creditor)
        session.flush()
        creditors[name] = creditor
    rent2 = FixedCost(household_id=h2.id, category="rent", creditor_id=creditors["Woonstichting"].id,
                      frequency="monthly", due_day=7, start_date=date(2026, 2, 10), created_at=utcnow())
    session.add(rent2)
    session.flush()

    def batch(day: date, status: str) -> PaymentBatch:
        row = PaymentBatch(execution_date=day, active_execution_date=None if status == "cancelled" else day,
                           status=status, prepared_by="fin", prepared_at=utcnow())
        session.add(row)
        session.flush()
        return row

    counter = iter(range(1, 100))

    def item(row: PaymentBatch, household: int, kind: str, creditor: str, cents: int, status: str) -> None:
        session.add(PaymentItem(batch_id=row.id, household_id=household, kind=kind,
                                creditor_name=creditor, iban=creditors[creditor].iban if creditor in creditors
                                else "NL91ABNA0417164300", amount_cents=cents, due_date=row.execution_date,
                                end_to_end_id=f"E2E-{next(counter)}", reason="test", status=status))

    b1 = batch(date(2026, 1, 6), "settled")
    item(b1, h1.id, "rent", "Woonstichting", 650_00, "settled")
    item(b1, h3.id, "energy", FORMULA_CREDITOR, 80_00, "settled")
    item(b1, h1.id, "leefgeld", "Een", 300_00, "returned")
    b2 = batch(date(2026, 2, 5), "cancelled")
    item(b2, h1.id, "rent", "Woonstichting", 650_00, "cancelled")
    session.add(Shortfall(batch_id=b2.id, household_id=h2.id, fixed_cost_id=rent2.id, category="rent",
                          amount_cents=700_00, due_date=date(2026, 2, 7), reason="tekort"))
    b3 = batch(date(2026, 3, 5), "approved")
    item(b3, h1.id, "rent", "Woonstichting", 650_00, "approved")
    item(b3, h2.id, "health_insurance", "Zorgverzekeraar", 140_00, "approved")
    item(b3, h2.id, "water", "Waterbedrijf", 25_00, "held")
    item(b3, h1.id, "leefgeld", "Een", 300_00, "approved")
    session.add(Shortfall(batch_id=b3.id, household_id=h2.id, fixed_cost_id=rent2.id, category="rent",
                          amount_cents=700_00, due_date=date(2026, 3, 7), reason="tekort"))
    b4 = batch(date(2026, 4, 3), "proposed")
    item(b4, h1.id, "rent", "Woonstichting", 650_00, "proposed")

    def extension(key: str, household: int, months: int, asked: datetime, status: str,
                  decided: datetime | None, users: tuple[User, User]) -> None:
        row = ExtensionRequest(household_id=household, months=months, reason_category="language_course",
                               reason_text="taalcursus loopt nog", status=status,
                               requested_by_user_id=users[0].id, requested_by=users[0].username, requested_at=asked,
                               decided_by_user_id=users[1].id if decided else None,
                               decided_by=users[1].username if decided else None, decided_at=decided)
        session.add(row)
        session.flush()
        extensions[key] = row.id

    extensions: dict[str, int] = {}
    pair = (caseworker, supervisor)
    extension("E1", h1.id, 3, _at(2026, 1, 20), "approved", _at(2026, 2, 3, 9), pair)
    extension("E2", h2.id, 2, _at(2026, 3, 5), "rejected", _at(2026, 3, 6), pair)
    # 23:30 UTC on 31 March is 01:30 on 1 April in the Netherlands (summer time): outside Q1.
    extension("E3", h1.id, 1, _at(2026, 3, 31, 23, 30), "pending", None, pair)
    record(session, actor, "test.note", "household", h1.id, after={"note": "-1+1"})
    session.commit()
    return Books(
        households={"H1": h1.id, "H2": h2.id, "H3": h3.id, "H4": h4.id},
        transactions=transactions,
        extensions=extensions,
        accounts={"bank": bank, "a1": a1, "a2": a2},
    )


def _report(session: Session, name: str, period: DateRange = Q1, **kwargs: Any) -> dict[str, list[tuple[Any, ...]]]:
    report = build_report(session, name, period, municipality="Gemeente Test", exported_by="tester", **kwargs)
    return {table.key: [tuple(row) for row in table.rows] for table in report.tables}


def test_trial_balance_matches_hand_computed_figures_and_sums_to_zero(session: Session) -> None:
    books = build_books(session)
    tables = _report(session, "trial-balance")
    by_account = {row[0]: row[4:] for row in tables["accounts"]}
    h1, h2, h3 = (f"household:{books.households[k]}" for k in ("H1", "H2", "H3"))
    # (opening, debit, credit, closing), debit positive
    assert by_account["bank"] == (1000_00, 2160_00, 660_00, 2500_00)
    assert by_account["in_transit"] == (0, 650_00, 950_00, -300_00)
    assert by_account["unmatched"] == (0, 0, 50_00, -50_00)
    assert by_account["advances"] == (0, 300_00, 0, 300_00)
    assert by_account[h1] == (-1000_00, 950_00, 1200_00, -1250_00)
    assert by_account[h2] == (0, 10_00, 1210_00, -1200_00)
    assert by_account[h3] == (0, 0, 0, 0)
    assert tables["totals"] == [(0, 4070_00, 4070_00, 0, True)]
    assert [row[0] for row in tables["accounts"]][:4] == ["advances", "bank", "in_transit", "unmatched"]


def test_journal_lists_every_posting_in_the_range_only(session: Session) -> None:
    books = build_books(session)
    rows = _report(session, "journal")["postings"]
    inside = {books.transactions[k] for k in ("T2", "T3", "T4", "T5", "T6", "T7", "T8", "T11", "T12")}
    assert {row[0] for row in rows} == inside
    assert len(rows) == 18
    assert sum(row[6] for row in rows) == 0
    receipt = [row for row in rows if row[0] == books.transactions["T2"]]
    assert {(row[4], row[6]) for row in receipt} == {("bank", 1200_00), (f"household:{books.households['H1']}",
                                                                         -1200_00)}
    assert all(row[5] == books.households["H1"] for row in receipt)
    assert receipt[0][7] == FORMULA_DESCRIPTION and receipt[0][8] == "test"
    reversal = [row for row in rows if row[0] == books.transactions["T12"]]
    assert {row[9] for row in reversal} == {books.transactions["T11"]}


def test_journal_pages_give_the_same_rows_as_one_page(session: Session) -> None:
    from budgetbeheer.reports import queries

    build_books(session)
    assert list(queries.journal_rows(session, Q1, page_size=4)) == list(queries.journal_rows(session, Q1))


def test_statement_gives_running_balances_per_household(session: Session) -> None:
    books = build_books(session)
    rows = _report(session, "statement")["movements"]
    h1, h2 = books.households["H1"], books.households["H2"]
    t = books.transactions
    assert [(r[2], r[5], r[6]) for r in rows if r[0] == h1] == [
        (None, None, 1000_00), (t["T2"], 1200_00, 2200_00), (t["T3"], -650_00, 1550_00), (t["T8"], -300_00, 1250_00)
    ]
    assert [(r[2], r[5], r[6]) for r in rows if r[0] == h2] == [
        (None, None, 0), (t["T5"], 900_00, 900_00), (t["T6"], 300_00, 1200_00), (t["T11"], 10_00, 1210_00),
        (t["T12"], -10_00, 1200_00)
    ]
    assert [r[6] for r in rows if r[0] == books.households["H4"]] == [0]
    one = _report(session, "statement", household_id=h2)["movements"]
    assert {r[0] for r in one} == {h2} and len(one) == 5


def test_payments_by_month_category_and_creditor(session: Session) -> None:
    build_books(session)
    tables = _report(session, "payments")
    assert tables["by_month"] == [
        ("2026-01", "energy", 1, 80_00), ("2026-01", "rent", 1, 650_00),
        ("2026-03", "health_insurance", 1, 140_00), ("2026-03", "leefgeld", 1, 300_00), ("2026-03", "rent", 1, 650_00),
    ]
    assert tables["by_kind"] == [
        ("rent", 2, 1300_00), ("health_insurance", 1, 140_00), ("energy", 1, 80_00), ("leefgeld", 1, 300_00),
        ("totaal", 5, 1820_00),
    ]
    assert tables["by_creditor"] == [
        ("Woonstichting", "NL02ABNA0123456789", 2, 1300_00), ("Zorgverzekeraar", "NL20INGB0001234567", 1, 140_00),
        (FORMULA_CREDITOR, "NL39RABO0300065264", 1, 80_00),
    ]


def test_extensions_report_lists_requests_asked_or_decided_in_the_range(session: Session) -> None:
    books = build_books(session)
    rows = _report(session, "extensions")["requests"]
    assert [(r[0], r[4], r[7], r[9]) for r in rows] == [
        (books.extensions["E1"], 3, "approved", "tl"), (books.extensions["E2"], 2, "rejected", "tl"),
    ]
    april = _report(session, "extensions", DateRange(date(2026, 4, 1), date(2026, 4, 30)))["requests"]
    assert [r[0] for r in april] == [books.extensions["E3"]]


def test_accountability_per_month_and_for_the_quarter(session: Session) -> None:
    build_books(session)
    result = accountability_figures(session, Q1)
    jan, feb, mar = result.months
    assert (jan.label, feb.label, mar.label) == ("2026-01", "2026-02", "2026-03")
    # started / active / ended (households, persons)
    assert (jan.households_started, jan.households_active, jan.persons_active, jan.households_ended,
            jan.persons_ended) == (0, 2, 3, 1, 1)
    assert (feb.households_started, feb.persons_started, feb.households_active, feb.persons_active,
            feb.households_ended) == (1, 3, 2, 5, 0)
    assert (mar.households_active, mar.persons_active) == (2, 5)
    # person-months: Jan 2 + 1; Feb 2 + 3 x 19/28; Mar 2 + 3
    assert jan.person_months == Decimal("3.00")
    assert feb.person_months == Decimal("4.04")
    assert mar.person_months == Decimal("5.00")
    total = result.total
    assert (total.households_started, total.persons_started, total.households_active, total.persons_active,
            total.households_ended, total.persons_ended) == (1, 3, 3, 6, 1, 1)
    assert total.person_months == Decimal("12.04")
    assert (jan.extensions_asked, feb.extensions_approved, feb.extension_months_added, mar.extensions_asked,
            mar.extensions_rejected) == (1, 1, 3, 1, 1)
    assert (total.extensions_asked, total.extensions_approved, total.extensions_rejected,
            total.extension_months_added) == (2, 1, 1, 3)
    assert jan.paid == {"rent": 650_00, "energy": 80_00} and jan.payments_count == 2
    assert (jan.returns_count, jan.returns_amount) == (1, 300_00)
    assert (feb.advances_count, feb.advances_amount, feb.total_paid) == (1, 300_00, 0)
    assert (jan.advances_open_count, feb.advances_open_amount, total.advances_open_amount) == (0, 300_00, 300_00)
    assert (total.advances_recovered_amount, total.advances_written_off_amount) == (0, 0)
    assert mar.paid == {"rent": 650_00, "health_insurance": 140_00, "leefgeld": 300_00}
    assert (mar.shortfalls_count, mar.shortfalls_amount) == (1, 700_00)
    assert (total.fixed_costs_paid, total.paid["leefgeld"], total.total_paid) == (1520_00, 300_00, 1820_00)
    assert (total.receipts_count, total.receipts_amount) == (4, 2160_00)
    assert result.ledger == {"bank": 2500_00, "households": 2450_00, "in_transit": 300_00, "unmatched": 50_00,
                             "advances": 300_00}
    assert result.identity_holds


def test_accountability_agrees_with_payments_and_trial_balance(session: Session) -> None:
    build_books(session)
    tables = _report(session, "accountability")
    payments = _report(session, "payments")
    columns = [c.key for c in build_report(session, "accountability", Q1, municipality="x",
                                           exported_by="x").tables[0].columns]
    totals = dict(zip(columns, tables["totals"][0], strict=True))
    assert totals["paid_total"] == payments["by_kind"][-1][2]
    assert totals["payments_count"] == payments["by_kind"][-1][1]
    assert sum(row[columns.index("paid_total")] for row in tables["months"]) == totals["paid_total"]
    balance = {row[0]: row[7] for row in _report(session, "trial-balance")["accounts"]}
    assert tables["ledger"][0][1] == balance["bank"]
    assert tables["ledger"][0][3] == -balance["in_transit"]


def test_audit_report_lists_entries_in_the_range_and_verifies_the_chain(session: Session) -> None:
    build_books(session)
    today = utcnow().date()
    tables = _report(session, "audit", DateRange(today - timedelta(days=1), today + timedelta(days=1)))
    actions = [row[3] for row in tables["entries"]]
    assert actions == ["user.created", "user.created", "test.note"]
    assert tables["verification"] == [(True, 3, None, None)]
    assert _report(session, "audit", DateRange(date(2000, 1, 1), date(2000, 1, 31)))["entries"] == []
