"""Issue 10, findings 3 and 5: a quarter of daily payment runs records the same unpaid instalment again every day;
the accountability report counts each unpaid instalment once, split into "paid late" and "still unpaid at the end",
and the "not paid" signal closes itself when a later run pays the instalment and its batch is approved.

The quarter, worked out by hand (rent 600.00 and energy 150.00 due on the 1st from 1 January 2027, no expected
income, so no leefgeld; runs on every TARGET2 business day from 28 December 2026, each approved):

- 28 Dec: 700.00 received. The first run for 1 January (30 Dec) pays the rent; energy (150.00) does not fit in 100.00.
- 20 Jan: 1,000.00 received. That day's run pays January's energy (late): 950.00 left.
- 28 Jan: February's rent and energy paid: 200.00 left.
- 25 Feb: March's rent (600.00) does not fit; March's energy does (skip and continue): 50.00 left.
- 10 Mar: 300.00 received: 350.00, still short for the rent.
- 30 Mar: April's rent does not fit either; April's energy does: 200.00 left.

Distinct unpaid instalments in Q1: January energy (150.00, paid late in January), March rent and April rent
(600.00 each, unpaid at the end of March): 3 instalments, 1,350.00, though the runs recorded dozens of shortfalls.
A second household with money enough never falls short.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.config import Settings
from budgetbeheer.domain.calendar import is_business_day
from budgetbeheer.lifecycle.signals import detect_shortfalls
from budgetbeheer.payments import service as payments
from budgetbeheer.reports.accountability import accountability_figures
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import CASEWORKER, MONTHLY_LEEFGELD, batch, enrol, fixed_cost, person_data, receipt

Q1 = DateRange(date(2027, 1, 1), date(2027, 3, 31))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)


@dataclass
class Quarter:
    short: int
    rich: int
    costs: dict[str, int]


def _household(session: Session, name: str) -> int:
    """Rent 600.00 and energy 150.00 due on the 1st from 1 January 2027, no expected income (so no leefgeld)."""
    household = enrol(session, CASEWORKER, start=date(2027, 1, 1),
                      persons=[person_data(first_name=name, last_name="Test", date_of_birth="1990-01-01")],
                      iban="NL91ABNA0417164300", account_holder=f"{name} Test", leefgeld=MONTHLY_LEEFGELD)
    return household.id


def _costs(session: Session, household_id: int, start: date = date(2027, 1, 1), rent: str = "600.00",
           energy: str = "150.00") -> dict[str, int]:
    return {category: fixed_cost(session, household_id, category, CASEWORKER, start=start, amount=amount,
                                 creditor={"name": creditor, "iban": iban}, reference=f"{category} {household_id}").id
            for category, creditor, iban, amount in (("rent", "Woonstad", "NL20INGB0001234567", rent),
                                                     ("energy", "Energie Direct", "NL44RABO0123456789", energy))}


def run_quarter(session: Session, settings: Settings, make_user: Callable[..., User]) -> Iterator[Quarter]:
    preparer = actor_for(make_user("fenna", "finance"))
    approver = actor_for(make_user("frank", "finance"))
    with time_machine.travel(at(date(2026, 12, 28)), tick=False) as traveller:
        short = _household(session, "Amal")
        rich = _household(session, "Bilal")
        costs = _costs(session, short)
        _costs(session, rich)
        session.commit()
        receipts = {date(2026, 12, 28): [(short, "700.00"), (rich, "5000.00")], date(2027, 1, 20): [(short, "1000.00")],
                    date(2027, 3, 10): [(short, "300.00")]}
        day = date(2026, 12, 28)
        while day <= Q1.end:
            traveller.move_to(at(day))
            for household_id, amount in receipts.get(day, []):
                receipt(session, household_id, amount, day)
            if is_business_day(day):
                batch(session, settings, day, preparer, approver)
            detect_shortfalls(session, day)
            session.commit()
            day += timedelta(days=1)
        yield Quarter(short, rich, costs)


@pytest.fixture
def quarter(session: Session, settings: Settings, make_user: Callable[..., User]) -> Iterator[Quarter]:
    yield from run_quarter(session, settings, make_user)


def test_a_quarter_of_daily_runs_counts_each_unpaid_instalment_once(session: Session, quarter: Quarter) -> None:
    in_q1 = (select(func.count(Shortfall.id), func.sum(Shortfall.amount_cents))
             .join(PaymentBatch, PaymentBatch.id == Shortfall.batch_id)
             .where(PaymentBatch.execution_date >= Q1.start, PaymentBatch.execution_date <= Q1.end))
    rows, cents = session.execute(in_q1).one()
    assert rows > 30 and cents > 10 * 1350_00  # what the report used to add up: one row per run

    result = accountability_figures(session, Q1)
    total = result.total
    assert (total.shortfalls_count, total.shortfalls_amount) == (3, 1350_00)
    assert (total.arrears_paid_late_count, total.arrears_paid_late_amount) == (1, 150_00)
    assert (total.arrears_unpaid_count, total.arrears_unpaid_amount) == (2, 1200_00)
    by_month = [(f.label, f.shortfalls_count, f.shortfalls_amount, f.arrears_paid_late_amount,
                 f.arrears_unpaid_amount) for f in result.months]
    assert by_month == [("2027-01", 1, 150_00, 150_00, 0), ("2027-02", 1, 600_00, 0, 600_00),
                        ("2027-03", 2, 1200_00, 0, 1200_00)]
    listed = sorted((a.household_id, a.category, a.due_date, a.amount_cents, a.paid_on is not None)
                    for a in result.arrears)
    assert listed == [(quarter.short, "energy", date(2027, 1, 1), 150_00, True),
                      (quarter.short, "rent", date(2027, 3, 1), 600_00, False),
                      (quarter.short, "rent", date(2027, 4, 1), 600_00, False)]
    january_energy = next(a for a in result.arrears if a.category == "energy")
    assert (january_energy.first_short_on, january_energy.paid_on) == (date(2026, 12, 30), date(2027, 1, 20))
    assert january_energy.runs_short > 10


def test_every_format_and_the_page_show_the_distinct_count(client: FlaskClient, quarter: Quarter,
                                                           api_token: Callable[..., dict[str, str]],
                                                           login: Callable[..., User]) -> None:
    headers = api_token("anton", "accountant")
    query = {"from": Q1.start.isoformat(), "to": Q1.end.isoformat()}
    data = json.loads(client.get("/api/v1/reports/accountability", query_string=query, headers=headers)
                      .get_data())["data"]
    total = data["tables"]["totals"][0]
    assert (total["shortfalls_count"], total["shortfalls_amount"], total["arrears_paid_late_count"],
            total["arrears_paid_late_amount"], total["arrears_unpaid_count"], total["arrears_unpaid_amount"]) == (
        3, "1350.00", 1, "150.00", 2, "1200.00")
    assert [(r["category"], r["due_date"], r["amount"], r["paid_on"], r["unpaid_at_end"])
            for r in data["tables"]["arrears"]] == [("energy", "2027-01-01", "150.00", "2027-01-20", False),
                                                    ("rent", "2027-03-01", "600.00", None, True),
                                                    ("rent", "2027-04-01", "600.00", None, True)]
    dutch = client.get("/api/v1/reports/accountability", headers=headers,
                       query_string={**query, "format": "csv-nl", "table": "totals"}).get_data().decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(dutch), delimiter=";"))
    assert (row["Onbetaalde termijnen (aantal, elk één keer)"], row["Onbetaalde termijnen (bedrag)"],
            row["…waarvan nog onbetaald aan het eind (bedrag)"]) == ("3", "1350,00", "1200,00")
    plain = client.get("/api/v1/reports/accountability", headers=headers,
                       query_string={**query, "format": "csv", "table": "arrears"}).get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(plain)))) == 3
    book = load_workbook(io.BytesIO(client.get("/api/v1/reports/accountability", headers=headers,
                                               query_string={**query, "format": "xlsx"}).get_data()))
    sheet = book["Verantwoording over de periode"]
    labels = [cell.value for cell in sheet[1]]
    values = [cell.value for cell in sheet[2]]
    assert values[labels.index("Onbetaalde termijnen (aantal, elk één keer)")] == 3
    assert values[labels.index("…waarvan nog onbetaald aan het eind (bedrag)")] == 1200
    assert book["Onbetaalde termijnen"].max_row == 4
    login("anna", "accountant")
    page = client.get("/reports/accountability", query_string=query).get_data(as_text=True)
    assert "Onbetaalde termijnen (aantal, elk één keer)" in page and "€ 1.350,00" in page
    assert "…waarvan later betaald (bedrag)" in page


def test_the_not_paid_signal_closes_itself_when_a_later_run_pays_it(session: Session, quarter: Quarter) -> None:
    signals = session.scalars(select(Signal).where(Signal.kind == "shortfall").order_by(Signal.id)).all()
    assert [s.dedup_key for s in signals] == [
        f"shortfall:{quarter.costs['energy']}:2027-01-01", f"shortfall:{quarter.costs['rent']}:2027-03-01",
        f"shortfall:{quarter.costs['rent']}:2027-04-01"]  # one per instalment, not one per run
    energy, march, april = signals
    paying = session.scalar(select(PaymentItem.batch_id).where(
        PaymentItem.fixed_cost_id == quarter.costs["energy"], PaymentItem.due_date == date(2027, 1, 1)))
    assert (energy.state, energy.done_by, energy.note) == ("done", "system:signals",
                                                           f"betaald in betaalrun {paying} op 20-01-2027")
    assert energy.done_at is not None and energy.done_at.date() == date(2027, 1, 20)
    assert (march.state, april.state) == ("open", "open")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "signal.done",
                                                    AuditEntry.entity_id == str(energy.id)))
    assert entry is not None and entry.actor == "system:signals" and entry.reason == energy.note


def test_a_late_payment_returned_and_then_short_again_is_a_new_signal_once(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    """Rent 650.00 and energy 100.00 due 1 February 2027, no expected income (so no leefgeld), runs by hand:

    - run of 28 January: nothing on the account, both short: two signals.
    - 29 January 100.00 in; run of 1 February pays the energy late (the rent does not fit): its signal closes.
    - 2 February 600.00 in; run of 3 February: the rent (650.00) still does not fit in 600.00.
    - 4 February the bank returns the energy payment (MS03, not an account problem): 700.00 on the account.
    - run of 5 February pays the rent first (priority) and the energy does not fit in the 50.00 left: short again.
      That is a new situation (the payment came back), so a new signal, ``…:2``; the runs of 8 and 9 February find it
      short again and raise nothing more. 9 February 50.00 in; the run of 10 February pays it and the new signal
      closes itself.
    """
    preparer = actor_for(make_user("fenna", "finance"))
    approver = actor_for(make_user("frank", "finance"))
    with time_machine.travel(at(date(2027, 1, 4)), tick=False) as traveller:
        household = _household(session, "Amal")
        costs = _costs(session, household, date(2027, 2, 1), rent="650.00", energy="100.00")
        session.commit()
        energy_key = f"shortfall:{costs['energy']}:2027-02-01"

        def on(day: date, amount: str | None = None) -> None:
            traveller.move_to(at(day))
            if amount:
                receipt(session, household, amount, day)

        def run(day: date) -> PaymentBatch:
            prepared = batch(session, settings, day, preparer, approver)
            detect_shortfalls(session, day)
            session.commit()
            return prepared

        def energy_signals() -> list[tuple[str, str]]:
            return [(s.dedup_key, s.state) for s in session.scalars(
                select(Signal).where(Signal.kind == "shortfall", Signal.dedup_key.like(f"{energy_key}%"))
                .order_by(Signal.id))]

        on(date(2027, 1, 28))
        run(date(2027, 1, 28))
        assert energy_signals() == [(energy_key, "open")]
        on(date(2027, 1, 29), "100.00")
        on(date(2027, 2, 1))
        late = run(date(2027, 2, 1))
        assert energy_signals() == [(energy_key, "done")]
        payments.export(session, approver, late.id, settings)
        payments.mark_sent(session, approver, late.id)
        payments.settle(session, approver, late.id, date(2027, 2, 1))
        on(date(2027, 2, 2), "600.00")
        run(date(2027, 2, 3))
        on(date(2027, 2, 4))
        item = session.scalar(select(PaymentItem).where(PaymentItem.batch_id == late.id,
                                                        PaymentItem.fixed_cost_id == costs["energy"]))
        assert item is not None
        payments.return_item(session, approver, item.id, "MS03", date(2027, 2, 4))
        detect_shortfalls(session, date(2027, 2, 4))  # returned, not yet short again: no signal yet
        session.commit()
        assert energy_signals() == [(energy_key, "done")]
        on(date(2027, 2, 5))
        again = run(date(2027, 2, 5))
        assert [(i.kind, i.amount_cents) for i in session.scalars(
            select(PaymentItem).where(PaymentItem.batch_id == again.id))] == [("rent", 650_00)]
        assert energy_signals() == [(energy_key, "done"), (f"{energy_key}:2", "open")]
        new = session.scalar(select(Signal).where(Signal.dedup_key == f"{energy_key}:2"))
        assert new is not None and "opnieuw niet betaald" in new.message and "05-02-2027" in new.message
        for day in (date(2027, 2, 8), date(2027, 2, 9)):
            on(day)
            run(day)
        assert energy_signals() == [(energy_key, "done"), (f"{energy_key}:2", "open")]  # not one per run
        on(date(2027, 2, 9), "50.00")
        on(date(2027, 2, 10))
        paid = run(date(2027, 2, 10))
        assert energy_signals() == [(energy_key, "done"), (f"{energy_key}:2", "done")]
        new = session.scalar(select(Signal).where(Signal.dedup_key == f"{energy_key}:2"))
        assert new is not None and new.note == f"betaald in betaalrun {paid.id} op 10-02-2027"
