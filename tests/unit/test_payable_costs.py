"""Which fixed costs a run may still pay after returns (payments.runs.plan._payable_costs), without a database."""

from __future__ import annotations

from datetime import date

import pytest

from budgetbeheer.domain.categories import Category
from budgetbeheer.payments.runs.model import _Cost, _HouseholdRow, _Payee
from budgetbeheer.payments.runs.plan import _payable_costs

HELD = "NL91ABNA0417164300"
FINE = "NL20INGB0001234567"
PAYEES = {1: _Payee.of("Woonstichting", HELD, None, "free_text", False),
          2: _Payee.of("Energie Direct", FINE, None, "free_text", False)}
COSTS = [_Cost(10, Category.RENT, 1, "monthly", 1, date(2026, 12, 1), None, None, [(date(2026, 12, 1), 650_00)]),
         _Cost(11, Category.ENERGY, 2, "monthly", 1, date(2026, 12, 1), None, None, [(date(2026, 12, 1), 100_00)])]


def household(status: str, household_id: int = 7) -> _HouseholdRow:
    return _HouseholdRow(household_id, "NL44RABO0123456789", "A. Haddad", date(2026, 11, 25), date(2027, 5, 24),
                         status, None, "weekly", 3, 0)


@pytest.mark.parametrize(("status", "final", "reopened", "expected"), [
    ("active", False, False, [10, 11]),  # running: the held rent stays planned (and is held out with the reason)
    ("active", True, False, [11]),  # a forced final payout pays nothing to a held IBAN
    ("ending", False, False, [11]),  # final settlement: the rent's money goes to the household
    ("ending", False, True, []),  # reopened after it ended: no fixed cost at all, only final leefgeld
])
def test_payable_costs(status: str, final: bool, reopened: bool, expected: list[int]) -> None:
    held = {HELD: "IBAN tegengehouden"}
    costs = _payable_costs(household(status), COSTS, PAYEES, held, {7} if reopened else set(), {7} if final else set())
    assert [cost.id for cost in costs] == expected


def test_nothing_is_left_out_without_holds_or_reopened_households() -> None:
    assert _payable_costs(household("ending"), COSTS, PAYEES, {}, set(), set()) == COSTS
