"""Benchmark: the whole day's jobs for N households, each beside a bulk read of the rows it needs.

    python benchmarks/bench_daily.py [--households 50000] [--database-url URL] [--output PATH] [--sample 300]

The households of ``bench_runs.py``'s builder (rent, health insurance, energy and water monthly, the benefit on the
25th, EUR 2,000 received, weekly leefgeld), with a day's worth of situations on top: every 10th household's rent is
EUR 1,900 (the money does not cover it: shortfalls in the runs, uncovered instalments in the forecast), every 20th
also expects an allowance on the 22nd that never came (missing income), every 100th household's period ends on
1 December 2026 (the day's ``end_periods`` moves it to ``ending``). The run of Monday 30 November is prepared and
approved first (history: live payments, shortfalls).

Then the day of Tuesday 1 December 2026, the jobs in their order (``budgetbeheer jobs run --date 2026-12-01``):
``lifecycle.end_periods``, ``payments.prepare_runs`` (the run of 2 December: the job's body,
``payments.service.prepare_run``, called directly, because the job skips an execution date that has passed on the
wall clock) and ``lifecycle.raise_signals``, each in its own transaction, committed. Beside each, in the same run:

* ``floor_*``: a bulk read of the rows that job needs, one plain ``SELECT`` per table fetched with the driver's cursor
  (nothing computed, nothing written), read once to warm the cache and timed the second time: the goal is each job
  ≤ 3× its floor;
* ``raise_signals_detectors_seconds`` (and ``…_again_…``): each detector's share of the signals job, timed while the
  job runs (the same day's job twice: the second raises nothing new, the ratio ``raise_signals_again_ratio``);
* ``per_household_forecast``: the forecast as the signals job made it before (``households.read.household_forecast``
  one household at a time) for ``--sample`` households, to give the "before" per household.

Time is wall-clock; memory is the growth of peak RSS over the RSS before the step (KiB). The load average at start
and end is recorded: other work may share the machine. Results go to ``benchmarks/results/daily-<dialect>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_runs import MANAGED_IBAN, Timer, build_households
from common import fresh_database
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url

from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.db.migrate import upgrade
from budgetbeheer.domain.calendar import add_business_days
from budgetbeheer.households.read import household_forecast
from budgetbeheer.lifecycle import jobs as lifecycle_jobs
from budgetbeheer.lifecycle import signals
from budgetbeheer.payments import service
from budgetbeheer.tables.households import ExpectedIncome, FixedCost, FixedCostAmount, Household
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.users.service import actor_for, create_user

DAY = date(2026, 12, 1)
HISTORY_RUN = date(2026, 11, 30)
RESULTS = Path(__file__).parent / "results"

FLOOR_SIGNALS = [
    "SELECT id, period_start, period_end, status, ended_on, leefgeld_frequency, leefgeld_day, buffer_cents,"
    " reopened_for_payout_at FROM households",
    "SELECT c.id, c.household_id, c.category, c.frequency, c.due_day, c.start_date, c.end_date, c.creditor_id,"
    " a.effective_from, a.amount_cents FROM fixed_costs c JOIN fixed_cost_amounts a ON a.fixed_cost_id = c.id",
    "SELECT household_id, kind, amount_cents, day, start_date, end_date FROM expected_incomes",
    "SELECT i.household_id, i.status, b.status, i.amount_cents, i.fixed_cost_id, i.due_date, i.obligation_key"
    " FROM payment_items i JOIN payment_batches b ON b.id = i.batch_id"
    " WHERE i.status IN ('proposed', 'approved', 'settled')",
    "SELECT a.household_id, SUM(p.amount_cents) FROM ledger_accounts a JOIN ledger_postings p ON p.account_id = a.id"
    " WHERE a.household_id IS NOT NULL GROUP BY a.household_id",
    "SELECT household_id, kind, MAX(received_on) FROM receipts GROUP BY household_id, kind",
    "SELECT fixed_cost_id, due_date, household_id, category, amount_cents, batch_id FROM shortfalls",
    "SELECT dedup_key FROM signals",
]
FLOOR_PREPARE = [
    *FLOOR_SIGNALS[:5],
    "SELECT id, name, iban, bic, reference_kind, reference_required, town_name, country FROM creditors",
    "SELECT household_id, MAX(received_on) FROM receipts WHERE kind = 'benefit' GROUP BY household_id",
]
FLOOR_END = [
    "SELECT id, status, period_end FROM households WHERE status IN ('active', 'ending')",
    "SELECT a.household_id, SUM(p.amount_cents) FROM ledger_accounts a JOIN ledger_postings p ON p.account_id = a.id"
    " WHERE a.household_id IS NOT NULL GROUP BY a.household_id",
    "SELECT household_id, months FROM extension_requests WHERE status = 'pending'",
]


def add_situations(session: Any, households: int) -> None:
    """The day's situations on top of the builder's households (see the module docstring)."""
    now = datetime.now(UTC)
    session.execute(
        update(FixedCostAmount).where(FixedCostAmount.fixed_cost_id.in_(
            select(FixedCost.id).where(FixedCost.category == "rent", FixedCost.household_id % 10 == 0)))
        .values(amount_cents=1900_00))
    session.execute(insert(ExpectedIncome), [
        {"household_id": n, "kind": "allowance", "amount_cents": 150_00, "day": 22, "start_date": date(2026, 11, 20),
         "end_date": None, "created_at": now} for n in range(20, households + 1, 20)
    ])
    session.execute(update(Household).where(Household.id % 100 == 0).values(period_end=DAY))
    session.commit()


DETECTORS = ("detect_shortfalls", "detect_missing_income", "detect_returned_payments", "detect_period_ending",
             "detect_waiting_extensions", "detect_uncovered")


@contextmanager
def detector_seconds() -> Iterator[dict[str, float]]:
    """Each detector of the signals job timed while the job runs (its share of the job's seconds); the job's own
    code is not changed, the module's functions are wrapped for the duration."""
    seconds: dict[str, float] = {}
    originals = {name: getattr(signals, name) for name in DETECTORS}

    def timed(name: str, detector: Callable[..., int]) -> Callable[..., int]:
        def run(*args: Any, **kwargs: Any) -> int:
            started = time.perf_counter()
            try:
                return detector(*args, **kwargs)
            finally:
                seconds[name] = round(time.perf_counter() - started, 3)
        return run

    for name, detector in originals.items():
        setattr(signals, name, timed(name, detector))
    try:
        yield seconds
    finally:
        for name, detector in originals.items():
            setattr(signals, name, detector)


def floor(session: Any, statements: list[str]) -> int:
    """The statements' rows fetched with the driver's cursor; how many rows."""
    connection = session.connection()
    cursor = connection.connection.driver_connection.cursor()
    rows = 0
    try:
        for statement in statements:
            cursor.execute(statement)
            rows += len(cursor.fetchall())
    finally:
        cursor.close()
    session.rollback()
    return rows


def run(households: int, url: str, timer: Timer, sample: int) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    settings = Settings(environment="test", database_url=url, secret_key="bench",  # noqa: S106 (benchmark only)
                        managed_account_iban=MANAGED_IBAN, approval_threshold_cents=10**15)
    session = factory()
    with timer.step("build_households"):
        build_households(session, households)
        add_situations(session, households)
    approver = create_user(session, Actor.system("bench"), username="frank", roles=["finance"],
                           password="bench-wachtwoord")  # noqa: S106
    session.commit()
    scheduler = Actor.system("scheduler")
    with timer.step("history_run_30_november"):
        batch, _ = service.prepare_run(session, scheduler, HISTORY_RUN, settings)
        session.commit()
        service.approve(session, actor_for(approver), batch.id)
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    facts: dict[str, Any] = {}

    floor(session, FLOOR_END)  # warm: the job after it finds the same pages in the cache
    with timer.step("floor_end_periods"):
        facts["floor_end_periods_rows"] = floor(session, FLOOR_END)
    with timer.step("end_periods"):
        facts["end_periods"] = lifecycle_jobs.end_periods(session, scheduler, DAY, settings)
        session.commit()
    floor(session, FLOOR_PREPARE)  # warm: the job after it finds the same pages in the cache
    with timer.step("floor_prepare_runs"):
        facts["floor_prepare_runs_rows"] = floor(session, FLOOR_PREPARE)
    with timer.step("prepare_runs"):
        batch, _ = service.prepare_run(session, scheduler, add_business_days(DAY, 1), settings)
        facts["prepare_runs"] = f"batch {batch.id}: {batch.item_count} payments"
        session.commit()
    floor(session, FLOOR_SIGNALS)  # warm: the job after it finds the same pages in the cache
    with timer.step("floor_raise_signals"):
        facts["floor_raise_signals_rows"] = floor(session, FLOOR_SIGNALS)
    with timer.step("raise_signals"), detector_seconds() as seconds:
        facts["raise_signals"] = lifecycle_jobs.raise_signals(session, scheduler, DAY, settings)
        session.commit()
    facts["raise_signals_detectors_seconds"] = seconds
    facts["signals"] = {str(kind): int(count) for kind, count in session.execute(
        select(Signal.kind, func.count(Signal.id)).group_by(Signal.kind))}
    with timer.step("raise_signals_again"), detector_seconds() as seconds:  # the same day twice: nothing new
        facts["raise_signals_again"] = lifecycle_jobs.raise_signals(session, scheduler, DAY, settings)
        session.commit()
    facts["raise_signals_again_detectors_seconds"] = seconds
    ids = list(session.scalars(select(Household.id).where(Household.status == "active").order_by(Household.id)
                               .limit(sample)))
    started = time.perf_counter()
    with timer.step("per_household_forecast"):
        for household_id in ids:
            household_forecast(session, household_id, DAY, lead_business_days=settings.lead_business_days)
    facts["per_household_forecast_ms"] = round((time.perf_counter() - started) * 1000 / max(1, len(ids)), 2)
    facts["per_household_sample"] = len(ids)
    session.close()
    engine.dispose()
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=300, help="households for the per-household forecast")
    args = parser.parse_args(argv)
    registry()
    timer = Timer()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with fresh_database(args.database_url, f"bbbench_daily_{os.getpid()}") as url:
        dialect = make_url(url).get_backend_name()
        print(f"{args.households} households on {dialect}", flush=True)
        facts = run(args.households, url, timer, args.sample)
    steps = timer.steps

    def seconds(name: str) -> float:
        return steps[name]["seconds"]

    jobs = ("end_periods", "prepare_runs", "raise_signals")
    result = {
        "households": args.households,
        "dialect": dialect,
        "day": DAY.isoformat(),
        **facts,
        "steps": steps,
        "day_total_seconds": round(sum(seconds(job) for job in jobs), 2),
        "ratios": {job: round(seconds(job) / max(seconds(f"floor_{job}"), 0.001), 2) for job in jobs},
        "raise_signals_again_ratio": round(seconds("raise_signals_again") / max(seconds("floor_raise_signals"),
                                                                                  0.001), 2),
        "raise_signals_per_household_ms": round(seconds("raise_signals") * 1000 / args.households, 3),
        "per_household_forecast_extrapolated_seconds": round(
            facts["per_household_forecast_ms"] * args.households / 1000, 1),
        "goals": {"day_total_seconds_at_50000": 60, "each_job_vs_floor": 3.0},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output = args.output or RESULTS / f"daily-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("day_total_seconds", "ratios", "raise_signals_again_ratio",
                                              "raise_signals_detectors_seconds",
                                              "raise_signals_again_detectors_seconds",
                                              "raise_signals_per_household_ms",
                                              "per_household_forecast_ms", "signals", "load_average")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

