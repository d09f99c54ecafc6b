"""Which passed paydays are closed for a household: read from the live batches before a run (rule 6 of
:mod:`budgetbeheer.domain.planning`). The read side builds it; the plan and the household figures ask it."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

from budgetbeheer.domain.planning import open_paydays_from
from budgetbeheer.payments.runs.context import RunContext
from budgetbeheer.payments.runs.model import _ONE_DAY


class ClosedPaydays:
    """Which paydays that have passed are closed for a household, read from the live batches before this run.

    Rule 6 of :mod:`.planning`: a payday that has passed is closed when an earlier live run covered it (executed on
    or after the payday's execution date) and that run counts for the household. A run counts when it was prepared
    at or after the household's enrolment; for a payday before the day of enrolment every run counts (such a payday
    is never paid afterwards, unless no run at all covered it: then the first run after intake is its own run). So the
    database proves which paydays are closed; nothing is recorded for a payday that paid nothing.

    Cheap per household: a household enrolled before the latest earlier run was prepared shares one answer; only
    those enrolled later (``enrolled_later``, with their ``created_at``) are looked at one by one. Preparation and
    enrolment times are compared as the driver gives them (ISO text on SQLite, datetimes on PostgreSQL).
    """

    __slots__ = ("_context", "_covered_all", "_latest_executed", "_lead", "_prepared", "_run_date", "enrolled_later",
                 "open_all")

    def __init__(self, rows: Iterable[tuple[Any, Any]], run_date: date, lead_business_days: int,
                 context: RunContext | None = None) -> None:
        self._context = context = context or RunContext()
        as_date = context.parse_date
        runs = sorted(((prepared, executed if type(executed) is date else as_date(executed))
                       for prepared, executed in rows), key=lambda prepared_and_executed: prepared_and_executed[0])
        self._prepared = [prepared for prepared, _ in runs]
        latest: list[date] = []
        for _, executed in reversed(runs):
            latest.append(executed if not latest or executed > latest[-1] else latest[-1])
        latest.reverse()
        self._latest_executed = latest
        """``latest[i]``: the latest execution date among the runs prepared at or after ``_prepared[i]``."""
        self._run_date = run_date
        self._lead = lead_business_days
        self._covered_all: date | None = None
        self.open_all: date | None = None
        """The first open payday of a household for which every earlier run counts (None: every payday is open)."""
        self.enrolled_later: dict[int, Any] = {}
        if runs:
            self._covered_all = context.covered(max(executed for _, executed in runs), lead_business_days)
            self.open_all = open_paydays_from(run_date, self._covered_all)

    def open_from(self, household_id: int) -> date | None:
        """The first payday still open for the household; None: every payday is."""
        created_at = self.enrolled_later.get(household_id)
        if created_at is None:
            return self.open_all  # enrolled before the latest earlier run was prepared: every earlier run counts
        index = bisect_left(self._prepared, created_at)
        own = self._context.covered(self._latest_executed[index], self._lead) if index < len(self._prepared) else None
        before_intake = self._intake_day(created_at) - _ONE_DAY
        covered_all = cast(date, self._covered_all)
        covered = covered_all if covered_all < before_intake else before_intake
        if own is not None and own > covered:
            covered = own
        return open_paydays_from(self._run_date, covered)

    def _intake_day(self, created_at: Any) -> date:
        """The day a household was enrolled, from ``households.created_at`` as the driver gives it (UTC)."""
        if isinstance(created_at, datetime):
            return created_at.date()
        return self._context.parse_date(str(created_at)[:10])
