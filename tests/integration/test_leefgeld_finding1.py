"""Issue 10, finding 1: a stale payday released the whole benefit as leefgeld. The hand-worked cases, through the API.

Every step goes through the JSON API as the people would do it: a caseworker enrols the household, the benefit system
posts the receipt (``POST /api/v1/receipts``), finance prepares each run by hand (``POST /api/v1/payment-runs``) and a
second finance user approves it. The clock is moved to the day each step happens (a run is prepared on the business
day before its execution date). The lead time is the default two TARGET2 business days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient

from tests.factories import fixed_cost_data, income_data, intake_data, person_data, receipt_data

RENT = fixed_cost_data("rent", start=date(2026, 8, 1), amount="600.00", reference="Huur Kerkstraat 1",
                       creditor={"name": "Woonstad Zuidoever", "iban": "NL20INGB0001234567"})
HEALTH = fixed_cost_data("health_insurance", start=date(2026, 8, 1), amount="150.00", reference="Polis 4455667",
                         creditor={"name": "Zorgverzekeraar Zuid", "iban": "NL39RABO0300065264"})


class Desk:
    """The API as the caseworker, the benefit system and two finance users see it, with the clock in hand."""

    def __init__(self, client: FlaskClient, api_token: Callable[..., dict[str, str]],
                 traveller: time_machine.Coordinates) -> None:
        self.client = client
        self.traveller = traveller
        self.caseworker = api_token("karin", "caseworker")
        self.benefit_system = api_token("uitkering", "finance")
        self.preparer = api_token("fatima", "finance")
        self.approver = api_token("frank", "finance")
        self.household_id = 0
        self._minute = 0

    def on(self, day: date) -> None:
        """Move the clock to ``day`` (each call a minute later in the morning, so that every step has its moment)."""
        self._minute += 1
        self.traveller.move_to(datetime(day.year, day.month, day.day, 8, self._minute % 60, tzinfo=UTC))

    def call(self, method: str, url: str, headers: dict[str, str], body: dict[str, Any] | None = None,
             expected: int = 201) -> Any:
        response = self.client.open(f"/api/v1{url}", method=method, json=body, headers=headers)
        assert response.status_code == expected, response.get_data(as_text=True)
        return response.get_json()["data"]

    def enrol(self, *, start: str, leefgeld: dict[str, Any], benefit_day: int, costs: tuple[dict[str, Any], ...]
              = (RENT, HEALTH)) -> int:
        household = self.call("POST", "/households", self.caseworker, intake_data(
            start=date.fromisoformat(start), persons=[person_data(bsn="111222333", date_of_birth="1990-04-01")],
            iban="NL91ABNA0417164300", leefgeld=leefgeld))
        self.household_id = household["id"]
        for cost in costs:
            added = self.call("POST", f"/households/{self.household_id}/fixed-costs", self.caseworker, cost)
            if added["creditor"]["status"] == "pending":  # new from the caseworker: finance confirms it (issue 14)
                self.call("POST", f"/creditors/{added['creditor_id']}/confirm", self.approver, expected=200)
        self.call("POST", f"/households/{self.household_id}/expected-income", self.caseworker,
                  income_data(amount="1200.00", day=benefit_day))
        return self.household_id

    def benefit(self, received: date) -> None:
        """The benefit system posts EUR 1,200 bijstand received on ``received`` (on that day)."""
        self.on(received)
        headers = self.benefit_system | {"Idempotency-Key": f"bijstand-{received.isoformat()}"}
        self.call("POST", "/receipts", headers, receipt_data(self.household_id, "1200.00", received,
                                                             reference=f"bijstand {received:%Y-%m}"))

    def run(self, execution_date: date, prepared_on: date) -> dict[str, Any]:
        """Finance prepares the run on ``prepared_on``; a second finance user approves it when it pays anything."""
        self.on(prepared_on)
        batch = self.call("POST", "/payment-runs", self.preparer, {"execution_date": execution_date.isoformat()})
        if batch["count"]:
            self.call("POST", f"/batches/{batch['id']}/approve", self.approver, expected=200)
        return dict(batch)

    def paid(self, batch: dict[str, Any]) -> list[tuple[str, str, str]]:
        """``(kind, amount, due date or payday)`` of this household's payments in ``batch``."""
        return [(i["kind"], i["amount"], i["due_date"]) for i in batch["items"] if i["household_id"] == self.household_id]

    def short(self, batch: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [(s["category"], s["amount"], s["due_date"]) for s in batch["shortfalls"]
                if s["household_id"] == self.household_id]

    def leefgeld_reason(self, batch: dict[str, Any]) -> str:
        return next(str(i["reason"]) for i in batch["items"]
                    if i["household_id"] == self.household_id and i["kind"] == "leefgeld")

    def balance(self) -> str:
        return str(self.call("GET", f"/households/{self.household_id}", self.caseworker, expected=200)["balance"])


@pytest.fixture
def desk(client: FlaskClient, api_token: Callable[..., dict[str, str]]) -> Iterator[Desk]:
    with time_machine.travel(datetime(2026, 6, 24, 8, 0, tzinfo=UTC), tick=False) as traveller:
        yield Desk(client, api_token, traveller)


def rent_and_health(due: str) -> list[tuple[str, str, str]]:
    return [("rent", "600.00", due), ("health_insurance", "150.00", due)]


@pytest.mark.parametrize("enrolled", [date(2026, 6, 25), date(2026, 7, 10)], ids=["before-payday", "after-payday"])
def test_finding_1_monthly_leefgeld_on_the_1st_benefit_on_the_24th_pays_rent_and_health_then_450(
    desk: Desk, enrolled: date
) -> None:
    """Monthly leefgeld on the 1st, buffer 0; bijstand EUR 1,200 expected on the 25th (25 July 2026 is a Saturday, so
    it arrives on Friday 24 July); rent 600 and health insurance 150 due on the 1st from 1 August.

    By hand:

    * Run 29 June (prepared 26 June) covers payday 1 July (its execution date is 29 June). Nothing is on the account:
      no leefgeld, and payday 1 July is *closed* (it passed with nothing to pay). The household is either in that
      run (enrolled 25 June) or was enrolled after it (10 July): a payday before intake is never paid afterwards.
    * 24 July: EUR 1,200 arrives.
    * Run 28 July (prepared 27 July) covers due dates up to 30 July: no fixed cost, and no payday (1 July is closed,
      1 August's execution date is 30 July). It pays nothing. (It used to pay EUR 1,200 "for payday 1 July",
      reserving only the costs due before 25 July.)
    * Run 30 July (prepared 29 July) covers due dates up to 3 August: rent 600 and health insurance 150 due
      1 August, and payday 1 August. The next benefit that this money does not include is the one of 25 August; it
      can first be used by the run of 26 August, so every instalment with an execution date up to 25 August (due up
      to 27 August) must be paid from what is here: rent and health insurance of 1 August, EUR 750.
      Leefgeld = 1,200 - 750 - buffer 0 = EUR 450.00 for payday 1 August, the only payday up to 27 August.
    * 25 August: EUR 1,200 arrives. Run 28 August (prepared 27 August) pays rent and health insurance due
      1 September and 1,200 - 750 = EUR 450.00 for payday 1 September: the same every month.
    """
    desk.on(min(enrolled, date(2026, 6, 25)))
    if enrolled < date(2026, 6, 26):
        desk.enrol(start="2026-07-01", leefgeld={"frequency": "monthly", "day": 1, "buffer": "0.00"}, benefit_day=25)
    run = desk.run(date(2026, 6, 29), prepared_on=date(2026, 6, 26))
    assert desk.paid(run) == [] and desk.short(run) == []
    if enrolled > date(2026, 6, 26):
        desk.on(enrolled)
        desk.enrol(start="2026-07-01", leefgeld={"frequency": "monthly", "day": 1, "buffer": "0.00"}, benefit_day=25)

    desk.benefit(date(2026, 7, 24))
    run = desk.run(date(2026, 7, 28), prepared_on=date(2026, 7, 27))
    assert desk.paid(run) == [] and desk.short(run) == []

    run = desk.run(date(2026, 7, 30), prepared_on=date(2026, 7, 29))
    assert desk.paid(run) == [*rent_and_health("2026-08-01"), ("leefgeld", "450.00", "2026-08-01")]
    assert desk.short(run) == []
    reason = desk.leefgeld_reason(run)
    assert "saldo € 1.200,00" in reason and "€ 750,00" in reason and "= € 450,00" in reason, reason
    assert "25-08-2026" in reason, reason
    assert desk.balance() == "0.00"

    desk.benefit(date(2026, 8, 25))
    run = desk.run(date(2026, 8, 28), prepared_on=date(2026, 8, 27))
    assert desk.paid(run) == [*rent_and_health("2026-09-01"), ("leefgeld", "450.00", "2026-09-01")]
    assert desk.short(run) == []


def test_finding_1_benefit_on_the_20th_the_household_does_not_stay_a_month_behind(desk: Desk) -> None:
    """As above, with the benefit expected and received on the 20th (Monday 20 July, Thursday 20 August).

    By hand:

    * Run 29 June: nothing on the account, payday 1 July closed.
    * 20 July: EUR 1,200 arrives. Run 22 July (prepared 21 July) covers due dates up to 24 July: no fixed cost, no
      open payday: nothing. (It used to pay the whole EUR 1,200 for payday 1 July, counting the reservation to the
      benefit of 20 July that had already arrived; the rent of 1 August then fell short and was paid late from the
      August benefit, and so on every month.)
    * Run 30 July: rent and health insurance due 1 August; the next benefit not in the balance is that of 20 August,
      first usable by the run of 21 August, so everything with an execution date up to 20 August (due up to
      24 August) is kept: EUR 750. Leefgeld for payday 1 August = 1,200 - 750 = EUR 450.00.
    * 20 August: EUR 1,200 arrives. Run 21 August (prepared 20 August) covers due dates up to 25 August: nothing.
      Run 28 August: rent and health insurance due 1 September and EUR 450.00 for payday 1 September, on time.
    """
    desk.on(date(2026, 6, 25))
    desk.enrol(start="2026-07-01", leefgeld={"frequency": "monthly", "day": 1, "buffer": "0.00"}, benefit_day=20)
    assert desk.paid(desk.run(date(2026, 6, 29), prepared_on=date(2026, 6, 26))) == []

    desk.benefit(date(2026, 7, 20))
    run = desk.run(date(2026, 7, 22), prepared_on=date(2026, 7, 21))
    assert desk.paid(run) == [] and desk.short(run) == []
    run = desk.run(date(2026, 7, 30), prepared_on=date(2026, 7, 29))
    assert desk.paid(run) == [*rent_and_health("2026-08-01"), ("leefgeld", "450.00", "2026-08-01")]
    assert desk.short(run) == []

    desk.benefit(date(2026, 8, 20))
    run = desk.run(date(2026, 8, 21), prepared_on=date(2026, 8, 20))
    assert desk.paid(run) == [] and desk.short(run) == []
    run = desk.run(date(2026, 8, 28), prepared_on=date(2026, 8, 27))
    assert desk.paid(run) == [*rent_and_health("2026-09-01"), ("leefgeld", "450.00", "2026-09-01")]
    assert desk.short(run) == []
    assert desk.balance() == "0.00"


def test_finding_1_weekly_leefgeld_and_a_run_finance_prepares_by_hand_on_an_off_day(desk: Desk) -> None:
    """Weekly leefgeld on Wednesdays, buffer 0; bijstand EUR 1,200 expected and received on the 23rd (Thursday
    23 July; 23 August is a Sunday); rent 600 and health insurance 150 due on the 1st from 1 August. Finance runs
    payments by hand on Mondays and Thursdays, and once prepares an extra run for Friday 24 July.

    By hand:

    * Run Monday 20 July covers payday Wednesday 22 July (execution date 20 July): nothing on the account, so no
      leefgeld, and the payday is closed. Run Thursday 23 July (prepared on the 22nd, before the benefit) pays nothing.
    * 23 July: EUR 1,200 arrives.
    * The extra run for Friday 24 July (prepared on the 23rd, after the benefit) covers due dates up to 28 July: no
      fixed cost and no open payday (22 July passed and is closed; 29 July's execution date is 27 July). It pays
      nothing. (It used to pay the whole EUR 1,200 "for payday 22 July", counting to the benefit of 23 July.)
    * Run Monday 27 July covers payday 29 July. The next benefit not in the balance is that of Sunday 23 August,
      first usable by the run of Tuesday 25 August, so everything with an execution date up to Monday 24 August is
      paid from this money: rent and health insurance due 1 August (EUR 750) and the paydays 29 July and 5, 12, 19
      and 26 August (26 August's execution date is 24 August): five paydays share 1,200 - 750 = 450, EUR 90.00 each.
    * Run Thursday 30 July pays rent and health insurance due 1 August. Run Monday 3 August: the balance is
      1,200 - 90 - 750 = 360 over the four paydays left: EUR 90.00 for 5 August.
    """
    desk.on(date(2026, 7, 13))
    desk.enrol(start="2026-07-15", leefgeld={"frequency": "weekly", "day": 3, "buffer": "0.00"}, benefit_day=23)
    assert desk.paid(desk.run(date(2026, 7, 20), prepared_on=date(2026, 7, 17))) == []
    assert desk.paid(desk.run(date(2026, 7, 23), prepared_on=date(2026, 7, 22))) == []

    desk.benefit(date(2026, 7, 23))
    off_day = desk.run(date(2026, 7, 24), prepared_on=date(2026, 7, 23))
    assert desk.paid(off_day) == [] and desk.short(off_day) == []

    run = desk.run(date(2026, 7, 27), prepared_on=date(2026, 7, 24))
    assert desk.paid(run) == [("leefgeld", "90.00", "2026-07-29")]
    assert "week 1 van 5" in desk.leefgeld_reason(run)
    run = desk.run(date(2026, 7, 30), prepared_on=date(2026, 7, 29))
    assert desk.paid(run) == rent_and_health("2026-08-01") and desk.short(run) == []
    run = desk.run(date(2026, 8, 3), prepared_on=date(2026, 7, 31))
    assert desk.paid(run) == [("leefgeld", "90.00", "2026-08-05")]
    assert "week 1 van 4" in desk.leefgeld_reason(run)
    assert desk.balance() == "270.00"


def test_finding_1_a_payday_no_run_covered_is_paid_by_the_first_run_after_intake(desk: Desk) -> None:
    """The one case where a payday before intake is still paid: no run at all covered it before the household was
    enrolled, so the first run after intake is that payday's own run (as it is for every household after days
    without runs). Monthly leefgeld on the 1st, benefit received 24 July, enrolled 10 July, no run before 28 July.

    By hand: run 28 July is the first run since payday 1 July's execution date (29 June), so it pays that payday.
    The next benefit not in the balance is that of 25 August, so rent and health insurance due 1 August (EUR 750)
    are kept, and 1,200 - 750 = 450 is shared by the paydays up to 27 August: 1 July and 1 August, EUR 225.00 each.
    Run 30 July pays rent and health insurance and, for payday 1 August, 975 - 750 = EUR 225.00.
    """
    desk.on(date(2026, 7, 10))
    desk.enrol(start="2026-07-01", leefgeld={"frequency": "monthly", "day": 1, "buffer": "0.00"}, benefit_day=25)
    desk.benefit(date(2026, 7, 24))
    run = desk.run(date(2026, 7, 28), prepared_on=date(2026, 7, 27))
    assert desk.paid(run) == [("leefgeld", "225.00", "2026-07-01")]
    assert "betaaldag 1 van 2" in desk.leefgeld_reason(run)
    run = desk.run(date(2026, 7, 30), prepared_on=date(2026, 7, 29))
    assert desk.paid(run) == [*rent_and_health("2026-08-01"), ("leefgeld", "225.00", "2026-08-01")]
    assert desk.short(run) == []
    assert desk.balance() == "0.00"
