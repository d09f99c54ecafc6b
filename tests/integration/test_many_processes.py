"""Many app servers, one database (issue 16, goal 5), on PostgreSQL: two app processes and two scheduler processes,
started at the same moment against one database, give one payment run per date, one receipt per idempotency key,
no lost writes, and each daily job once per day with one signal per situation. The processes share nothing but the
database: the UNIQUE constraints and row locks of PostgreSQL do the coordination, not the app (the schedulers here
run the day's jobs without the lease, as two would when a lease expired mid-run)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import household_balance
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.lifecycle import JobRun, Signal
from budgetbeheer.tables.payments import PaymentBatch
from budgetbeheer.users.models import User
from budgetbeheer.users.service import create_token
from tests.factories import CASEWORKER, payable_household

DAY = date(2026, 11, 27)  # a Friday: the scheduler prepares the run of Monday 30 November
RUN_DATE = date(2026, 11, 30)
MOMENT = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
RECEIPTS_EACH = 10
MANAGED_IBAN = "NL46BNGH0285160126"


def _settings(url: str) -> Settings:
    return Settings(environment="test", database_url=url, secret_key="test-secret-key",
                    managed_account_iban=MANAGED_IBAN)


def app_process(url: str, token: str, household_id: int, number: int, start: Any, results: Any) -> None:
    """One app server: the same payment run and the same receipt as the other, and receipts of its own."""
    import time_machine

    from budgetbeheer.web.app import create_app

    with time_machine.travel(MOMENT, tick=True):
        app = create_app(_settings(url), TESTING=True, WTF_CSRF_ENABLED=False)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        start.wait(60)
        answers = [client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()},
                               headers=headers).status_code]
        shared = {**headers, "Idempotency-Key": "same-receipt-from-the-benefit-system"}
        body = {"household_id": household_id, "amount": "75.00", "date": DAY.isoformat(), "kind": "allowance"}
        answers.append(client.post("/api/v1/receipts", json=body, headers=shared).status_code)
        for n in range(RECEIPTS_EACH):
            own = {**headers, "Idempotency-Key": f"process-{number}-receipt-{n}"}
            answers.append(client.post("/api/v1/receipts", json={**body, "amount": "1.00"}, headers=own).status_code)
        app.extensions["budgetbeheer_engine"].dispose()
    results.put(("app", number, answers))


def scheduler_process(url: str, number: int, start: Any, results: Any) -> None:
    """One scheduler: the day's jobs (end periods, prepare the run, raise the signals), without the lease."""
    import time_machine

    from budgetbeheer.composition import registry
    from budgetbeheer.db.engine import make_engine, make_session_factory
    from budgetbeheer.jobs import run_due

    with time_machine.travel(MOMENT, tick=True):
        jobs = registry().jobs.all()
        engine = make_engine(url)
        start.wait(60)
        outcomes = run_due(make_session_factory(engine), _settings(url), DAY, jobs)
        engine.dispose()
    results.put(("scheduler", number, [(o.job, o.outcome) for o in outcomes]))


def test_two_app_processes_and_two_schedulers_against_one_database(
    db_url: str, session: Session, make_user: Callable[..., User], settings: Settings
) -> None:
    if make_url(db_url).get_backend_name() != "postgresql":
        pytest.skip("many processes against one database: PostgreSQL (SQLite serves one machine, one writer)")
    short = payable_household(session, balance="100.00", holder="Krap")  # rent falls short: a shortfall signal
    household = payable_household(session, holder="Ruim")
    user = make_user("bento", "finance", "caseworker")
    token = create_token(session, CASEWORKER, user, label="test")
    session.commit()

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    results = context.Queue()
    processes = [context.Process(target=app_process, args=(db_url, token, household.id, n, start, results))
                 for n in (1, 2)]
    processes += [context.Process(target=scheduler_process, args=(db_url, n, start, results)) for n in (1, 2)]
    for process in processes:
        process.start()
    answers = [results.get(timeout=240) for _ in processes]
    for process in processes:
        process.join(60)
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    session.commit()

    apps = [a for kind, _, a in answers if kind == "app"]
    assert all(set(a[2:]) == {201} for a in apps)  # every receipt of its own booked
    assert sorted(a[1] for a in apps) == [200, 201]  # the shared receipt: booked once, the same answer again
    assert sorted(a[0] for a in apps) in ([200, 201], [200, 200])  # one run for the date (the scheduler's maybe)
    assert session.scalar(select(func.count(PaymentBatch.id)).where(PaymentBatch.execution_date == RUN_DATE)) == 1

    receipts = session.scalars(select(Receipt).where(Receipt.household_id == household.id)).all()
    assert len(receipts) == 1 + 1 + 2 * RECEIPTS_EACH  # the factory's, the shared one once, every own one
    assert household_balance(session, household.id) == sum(r.amount_cents for r in receipts)  # nothing approved

    schedulers = [dict(o) for kind, _, o in answers if kind == "scheduler"]
    for job in ("lifecycle.end_periods", "payments.prepare_runs", "lifecycle.raise_signals"):
        # one ran it; the other found it done (skipped), or, when it looked after the first had finished, found
        # nothing due for the day and did not list it
        outcomes = sorted(s.get(job, "not due") for s in schedulers)
        assert outcomes in (["skipped", "succeeded"], ["not due", "succeeded"]), job
        rows = session.scalars(select(JobRun).where(JobRun.job_name == job, JobRun.run_for == DAY)).all()
        assert [row.outcome for row in rows] == ["succeeded"], job
    keys = session.scalars(select(Signal.dedup_key)).all()
    assert len(keys) == len(set(keys)) and any(k.startswith("shortfall:") for k in keys)
    assert any(s.household_id == short.id for s in session.scalars(select(Signal)))
