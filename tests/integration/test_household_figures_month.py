"""Issue 10, finding 6: one truth per household. After each step of a month the five figures (balance, planned, in
transit, reserved, available) are the hand-computed ones, and the household page ("Saldo" box, reserved list,
statement), the statement API (running balance, ``held``), the forecast's starting point, the handover and
``GET /api/v1/households/{id}`` all show the same figures at the same moment.

The month (worked out by hand): period from 1 March 2027; rent 600.00 on the 1st and energy 120.00 on the 5th, both
from April; the benefit of 1,500.00 expected on the 15th; monthly leefgeld on the 20th; buffer 50.00.

1. 1 Mar, intake: nothing yet; the buffer is reserved and not covered (50.00).
2. 15 Mar, the benefit: 1,500.00; reserved until the next benefit (15 Apr): rent 600 + energy 120 + buffer 50 = 770;
   available 730.
3. 18 Mar, the run for payday 20 March proposes 730.00 leefgeld: planned 730, available 0.
4. Approved: the 730.00 leaves the funds (balance 770) and is in transit.  5. Exported, sent, settled: 0 in transit.
6. 25 Mar, the rent rises to 700.00 from April: reserved 870, 100.00 not covered.
7. 25 Mar, the run for 30 March (after Easter) pays the rent 700.00: planned, then approved (booked on 30 March, in
   transit): balance 70, reserved energy 120 + buffer 50, still 100.00 not covered.
8. 1 Apr, the run for the energy (due 5 April): it does not fit in 70.00: a shortfall, in arrears. The rent settles.
9. 20 Apr, the benefit arrives five days late: 1,570.00; reserved the energy in arrears 120, May's rent 700 and
   energy 120, buffer 50 = 990; available 580. That day's run pays the energy late and 580.00 leefgeld.
10. 29 Apr and 3 May: May's rent and energy are paid; 13 May the benefit comes two days early: it is not expected
    again on the 15th, so the next run (14 May) keeps everything up to the June benefit (Tuesday 15 June, first used
    by the run of the 16th: due up to the 17th): June's rent and energy and the buffer, available 680.

The figures follow the run the scheduler prepares next (the next TARGET2 business day), so at every step their
``available`` is the leefgeld that run computes from the same state (``plan_items``), and the forecast's first run
(the same run) computes it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from budgetbeheer.households import fixed_costs, read
from budgetbeheer.households.figures import HouseholdFigures, household_figures
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.lifecycle.signals import detect_shortfalls
from budgetbeheer.money import cents_to_str, format_eur
from budgetbeheer.payments import service as payments
from budgetbeheer.payments.runs.service import plan_items
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import PaymentBatch
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.conftest import TEST_PASSWORD
from tests.factories import CASEWORKER, enrol, fixed_cost, income, person_data, receipt


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


def _testid(page: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">(?:<strong>)?([^<]*)<', page)
    assert match is not None, name
    return match.group(1).strip()


class Month:
    def __init__(self, session: Session, client: FlaskClient, headers: dict[str, str], household_id: int,
                 settings: Settings) -> None:
        self.session, self.client, self.headers, self.household_id = session, client, headers, household_id
        self.settings = settings

    def check(self, today: date, balance: int, planned: int, in_transit: int, reserved: int, available: int,
              uncovered: int = 0) -> HouseholdFigures:
        """The hand figures, and every place that shows them agrees at this moment."""
        session, hid = self.session, self.household_id
        session.commit()
        figures = household_figures(session, hid, today)
        assert (figures.balance_cents, figures.planned_cents, figures.in_transit_cents, figures.reserved_cents,
                figures.available_cents, figures.uncovered_cents) == (balance, planned, in_transit, reserved,
                                                                      available, uncovered)
        assert balance == planned + reserved + available - uncovered
        identity = money_identity(session)
        assert identity.holds and identity.in_transit == in_transit and identity.households == balance
        assert read.household_view(session, hid, today).balance_cents == balance
        statement = read.statement(session, hid, today=today)
        assert statement.closing_cents == balance
        assert sum(line.amount_cents for line in statement.held) == reserved
        forecast = read.household_forecast(session, hid, today)
        assert forecast.opening_balance_cents == balance - planned
        # The next run computes the same leefgeld from the same state, and so does the forecast's first run.
        worked = plan_items(session, figures.next_run_on, self.settings, household_ids=[hid],
                            with_leefgeld=True).leefgeld.get(hid)
        first_run = next(day for day in forecast.days if day.date == figures.next_run_on)
        if worked is not None:
            assert (worked.balance_cents, worked.leefgeld.available_cents) == (balance - planned, available)
            assert first_run.leefgeld is not None and first_run.leefgeld.available_cents == available
        session.commit()

        expected = {"balance": cents_to_str(balance), "planned": cents_to_str(planned),
                    "in_transit": cents_to_str(in_transit), "reserved": cents_to_str(reserved),
                    "available": cents_to_str(available), "uncovered": cents_to_str(uncovered)}
        view = self.client.get(f"/api/v1/households/{hid}", headers=self.headers).get_json()["data"]
        assert view["balance"] == expected["balance"]
        assert {key: view["figures"][key] for key in expected} == expected
        api_statement = self.client.get(f"/api/v1/households/{hid}/statement", headers=self.headers).get_json()["data"]
        assert api_statement["closing_balance"] == expected["balance"]
        assert sum(int(line["amount"].replace(".", "")) for line in api_statement["held"]) == reserved
        assert {key: api_statement["figures"][key] for key in expected} == expected
        handover = self.client.get(f"/api/v1/households/{hid}/handover", headers=self.headers).get_json()["data"]
        assert handover["balance"] == expected["balance"]
        assert {key: handover["figures"][key] for key in expected} == expected
        api_forecast = self.client.get(f"/api/v1/households/{hid}/forecast", headers=self.headers).get_json()["data"]
        assert api_forecast["opening_balance"] == cents_to_str(balance - planned)

        response = self.client.post("/login", data={"username": "kees", "password": TEST_PASSWORD})
        assert response.status_code == 302  # a session does not last a fortnight of time travel
        page = self.client.get(f"/households/{hid}").get_data(as_text=True)
        shown = {name: _testid(page, testid) for name, testid in (
            ("balance", "balance"), ("planned", "figure-planned"), ("reserved", "figure-reserved"),
            ("available", "figure-available"), ("in_transit", "figure-in-transit"),
            ("closing", "statement-closing"))}
        assert shown == {"balance": format_eur(balance), "planned": format_eur(planned),
                         "reserved": format_eur(reserved), "available": format_eur(available),
                         "in_transit": format_eur(in_transit), "closing": format_eur(balance)}
        assert (f"= {format_eur(balance - planned)}." in page)  # the forecast's starting point
        assert ('data-testid="figure-uncovered"' in page) == bool(uncovered)
        return figures


def test_one_truth_per_household_through_a_month(session: Session, client: FlaskClient, settings: Settings,
                                                 make_user: Callable[..., User],
                                                 api_token: Callable[..., dict[str, str]],
                                                 login: Callable[..., User]) -> None:
    preparer = actor_for(make_user("fenna", "finance"))
    approver = actor_for(make_user("frank", "finance"))
    with time_machine.travel(at(date(2027, 3, 1)), tick=False) as traveller:
        headers = api_token("karin", "caseworker")
        login("kees", "caseworker")
        household = enrol(session, CASEWORKER, start=date(2027, 3, 1),
                          persons=[person_data(bsn="111222333", date_of_birth="1990-04-01")],
                          iban="NL91ABNA0417164300", leefgeld={"frequency": "monthly", "day": 20, "buffer": "50.00"})
        rent = fixed_cost(session, household.id, "rent", CASEWORKER, start=date(2027, 3, 20), amount="600.00",
                          creditor={"name": "Woonstad", "iban": "NL20INGB0001234567"}, reference="huur")
        fixed_cost(session, household.id, "energy", CASEWORKER, start=date(2027, 4, 1), amount="120.00", due_day=5,
                   creditor={"name": "Energie Direct", "iban": "NL44RABO0123456789"}, reference="energie")
        income(session, household.id, CASEWORKER, amount="1500.00", day=15)
        month = Month(session, client, headers, household.id, settings)

        def receive(day: date, amount: str) -> None:
            receipt(session, household.id, amount, day, CASEWORKER)

        def run(day: date, *, approve: bool = True) -> PaymentBatch:
            batch, _ = payments.prepare_run(session, preparer, day, settings)
            if approve and batch.item_count:
                payments.approve(session, approver, batch.id)
            return batch

        def to_bank(batch: PaymentBatch, on: date) -> None:
            payments.export(session, approver, batch.id, settings)
            payments.mark_sent(session, approver, batch.id)
            payments.settle(session, approver, batch.id, on)

        day = date(2027, 3, 1)
        start = month.check(day, 0, 0, 0, 50_00, 0, uncovered=50_00)  # 1. intake
        assert [line.kind for line in start.reserved] == ["buffer"]

        day = date(2027, 3, 15)
        traveller.move_to(at(day))
        receive(day, "1500.00")  # 2. the benefit
        month.check(day, 1500_00, 0, 0, 770_00, 730_00)
        assert read.household_forecast(session, household.id, day).first_uncovered is None
        page = client.get(f"/households/{household.id}").get_data(as_text=True)
        assert ("Gereserveerd in de betaalrun van 16-03-2027: vaste lasten t/m 19-04-2027, tot het volgende inkomen "
                "(15-04-2027) gebruikt kan worden") in page  # the run of Tuesday 16 March keeps what it keeps

        day = date(2027, 3, 18)
        traveller.move_to(at(day))
        leefgeld = run(day, approve=False)  # 3. proposed
        assert leefgeld.total_cents == 730_00
        month.check(day, 1500_00, 730_00, 0, 770_00, 0)
        payments.approve(session, approver, leefgeld.id)  # 4. approved
        month.check(day, 770_00, 0, 730_00, 770_00, 0)
        day = date(2027, 3, 19)
        traveller.move_to(at(day))
        payments.export(session, approver, leefgeld.id, settings)  # 5. exported: still on its way
        month.check(day, 770_00, 0, 730_00, 770_00, 0)
        payments.mark_sent(session, approver, leefgeld.id)
        payments.settle(session, approver, leefgeld.id, day)  # settled
        month.check(day, 770_00, 0, 0, 770_00, 0)

        day = date(2027, 3, 25)
        traveller.move_to(at(day))
        fixed_costs.change_fixed_cost_amount(session, CASEWORKER, rent.id, {"amount": "700.00",
                                                                        "effective_from": "2027-04-01"})
        month.check(day, 770_00, 0, 0, 870_00, 0, uncovered=100_00)  # 6. the rent rises
        rent_run = run(date(2027, 3, 30), approve=False)  # 7. the run after Easter, prepared on Thursday
        assert rent_run.total_cents == 700_00
        month.check(day, 770_00, 700_00, 0, 170_00, 0, uncovered=100_00)
        payments.approve(session, approver, rent_run.id)  # booked on its execution date, 30 March
        month.check(day, 70_00, 0, 700_00, 170_00, 0, uncovered=100_00)

        day = date(2027, 4, 1)
        traveller.move_to(at(day))
        short = run(day)  # 8. the energy does not fit: a shortfall
        assert short.item_count == 0
        detect_shortfalls(session, day)
        to_bank(rent_run, day)
        figures = month.check(day, 70_00, 0, 0, 170_00, 0, uncovered=100_00)
        assert [(a.category, a.due_date, a.amount_cents) for a in figures.arrears] == [
            ("energy", date(2027, 4, 5), 120_00)]
        assert [(line.kind, line.in_arrears) for line in figures.reserved] == [("energy", True), ("buffer", False)]

        day = date(2027, 4, 20)
        traveller.move_to(at(day))
        receive(day, "1500.00")  # 9. the benefit, five days late
        late = month.check(day, 1570_00, 0, 0, 990_00, 580_00)
        assert [(line.kind, line.due_date, line.overdue, line.in_arrears) for line in late.reserved] == [
            ("rent", date(2027, 5, 1), False, False), ("energy", date(2027, 4, 5), True, True),
            ("energy", date(2027, 5, 5), False, False), ("buffer", None, False, False)]  # in the order a run pays
        assert read.household_forecast(session, household.id, day).first_uncovered is None
        paying = run(day, approve=False)
        assert paying.total_cents == 120_00 + 580_00
        month.check(day, 1570_00, 700_00, 0, 870_00, 0)
        payments.approve(session, approver, paying.id)
        paid = month.check(day, 870_00, 0, 700_00, 870_00, 0)
        assert paid.arrears == ()
        signal = session.scalar(select(Signal).where(Signal.kind == "shortfall"))
        assert signal is not None and signal.state == "done"
        assert signal.note == f"betaald in betaalrun {paying.id} op 20-04-2027"
        to_bank(paying, day)

        for day in (date(2027, 4, 29), date(2027, 5, 3)):  # 10. May's rent and energy
            traveller.move_to(at(day))
            to_bank(run(day), day)
        day = date(2027, 5, 13)
        traveller.move_to(at(day))
        month.check(day, 50_00, 0, 0, 50_00, 0)
        receive(day, "1500.00")  # two days early
        early = month.check(day, 1550_00, 0, 0, 870_00, 680_00)
        assert (early.next_run_on, early.next_income, early.reserved_through) == (
            date(2027, 5, 14), date(2027, 6, 15), date(2027, 6, 17))
        assert early.reserved_until == date(2027, 6, 18)
        forecast = read.household_forecast(session, household.id, day)
        assert next(d for d in forecast.days if d.date == date(2027, 5, 15)).income_cents == 0
        assert next(d for d in forecast.days if d.date == date(2027, 6, 15)).income_cents == 1500_00
