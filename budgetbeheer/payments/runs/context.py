"""What one payment run remembers while it runs, and nothing beyond it.

A run at 50,000 households asks the same questions over and over (the same schedule in the same window, the same
benefit, the same IBAN, the same remittance text), so the answers are remembered, but only in a :class:`RunContext`
that :func:`~.service.plan_items` (and :func:`~.service.first_open_payday`) create for one run and drop afterwards:
no answer outlives its run, so a run never depends on what an earlier run in the same process happened to ask, and
the process does not keep 100,000s of entries between runs. The functions remembered are plain and pure; they are
defined here without a cache so that a test can call them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any, cast

from budgetbeheer.domain.calendar import last_due_date_covered
from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.domain.forecast import IncomeExpectation, next_income_date
from budgetbeheer.domain.planning import kept_through
from budgetbeheer.domain.references import MAX_FREE_TEXT, ReferenceKind, validate_reference
from budgetbeheer.domain.schedule import Frequency, due_dates, leefgeld_paydays
from budgetbeheer.errors import ValidationError
from budgetbeheer.payments.runs.model import _FREE_TEXT, _ONE_DAY, _IncomeRow, iban_problem


def reference_of(kind: str, reference: str | None, required: bool) -> tuple[str, str, str | None]:
    """``(kind, normalised reference, hold reason or None)`` for a fixed cost's reference."""
    text = (reference or "").strip()
    if not text:
        if required:
            return ReferenceKind.NONE.value, "", "de schuldeiser vraagt een betalingskenmerk, maar er is er geen"
        return ReferenceKind.NONE.value, "", None
    if kind == ReferenceKind.NONE.value:
        kind = ReferenceKind.FREE_TEXT.value
    if kind == _FREE_TEXT and len(text) <= MAX_FREE_TEXT and " ".join(text.split()) == text:
        return kind, text, None  # what validate_reference gives for free text that is already normalised
    try:
        return kind, validate_reference(kind, text), None
    except ValidationError as error:
        why = error.fields.get("reference", error.message)
        return kind, text[:140], f"betalingskenmerk {text!r} klopt niet: {why}"


def due_dates_in(
    frequency: str, due_day: int, start: date, end: date | None, window_from: date, window_to: date
) -> tuple[date, ...]:
    """:func:`~budgetbeheer.domain.schedule.due_dates` as a tuple (many households share a schedule and a
    window: the run remembers it)."""
    return tuple(due_dates(frequency, due_day, start, end, window_from, window_to))


def paydays_in(frequency: str, day: int, window_from: date, window_to: date) -> tuple[date, ...]:
    return tuple(leefgeld_paydays(frequency, day, window_from, window_to))


def remittance(kind: str, due: date) -> str:
    return f"{LABELS_NL[Category(kind)]} {due:%m-%Y}"


def leefgeld_remittance(final: bool, due: date) -> str:
    return f"{'Leefgeld (eindafrekening)' if final else 'Leefgeld'} {due:%d-%m-%Y}"


class RunContext:
    """The remembered answers of one run, each per distinct argument (unbounded: a run's own data bounds them).

    Built from closures over each other, never over the context itself, so dropping the context frees everything
    at once, without waiting for the cycle collector (which the run pauses).
    """

    __slots__ = ("covered", "due_dates", "iban_problem", "income", "leefgeld_remittance", "next_income",
                 "parse_date", "paydays", "reference", "remittance")

    def __init__(self) -> None:
        parse_date: Callable[[str], date] = cache(date.fromisoformat)
        income: Callable[[str, int, int, date, date | None, Frequency], IncomeExpectation] = cache(IncomeExpectation)
        """One shared (immutable) expectation per distinct row: many households expect the same benefit."""

        def as_date(value: Any) -> date:
            return parse_date(value) if type(value) is str else cast(date, value)

        def next_income(
            incomes: tuple[_IncomeRow, ...], after: date, benefit_received_on: date | None, lead_business_days: int
        ) -> tuple[date | None, date | None]:
            """``(next income, the day after the last due date kept for it)``: :func:`next_income_date` and
            :func:`~budgetbeheer.domain.planning.kept_through`, remembered per distinct set of expected incomes
            (hashing the plain rows is cheap); ``(None, None)`` when no income is expected."""
            found = next_income_date(
                [
                    income(kind, int(cents), day, as_date(start), None if end is None else as_date(end),
                           Frequency(frequency))
                    for kind, cents, day, start, end, frequency in incomes
                ],
                after,
                benefit_received_on=benefit_received_on,
            )
            return (None, None) if found is None else (found, kept_through(found, lead_business_days) + _ONE_DAY)

        self.parse_date = parse_date
        """``date.fromisoformat``: SQLite gives every date as ISO text, and a run reads the same few dates often."""
        self.income = income
        self.next_income: Callable[[tuple[_IncomeRow, ...], date, date | None, int], tuple[date | None, date | None]]
        self.next_income = cache(next_income)
        self.iban_problem: Callable[[str], str | None] = cache(iban_problem)
        self.reference: Callable[[str, str | None, bool], tuple[str, str, str | None]] = cache(reference_of)
        self.due_dates: Callable[[str, int, date, date | None, date, date], tuple[date, ...]] = cache(due_dates_in)
        self.paydays: Callable[[str, int, date, date], tuple[date, ...]] = cache(paydays_in)
        self.covered: Callable[[date, int], date] = cache(last_due_date_covered)
        self.remittance: Callable[[str, date], str] = cache(remittance)
        self.leefgeld_remittance: Callable[[bool, date], str] = cache(leefgeld_remittance)
