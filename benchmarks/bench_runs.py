"""Benchmark: a month of payment runs for N households, beside plain inserts and sepaxml alone.

    python benchmarks/bench_runs.py [--households 50000] [--database-url URL] [--output PATH]

N households (default 50,000), each with rent, health insurance, energy and water (monthly), an expected benefit on
the 25th, a receipt of EUR 2,000 and weekly leefgeld on Wednesdays, enrolled with bulk inserts. Then one month of
runs: a weekly run on each Monday from 30 November to 28 December 2026 (five runs; the first pays water due
20 November, the period's first day, and rent and health insurance due 1 December, the third energy, the fourth water,
each pays that week's leefgeld), each prepared by
the scheduler, approved by a finance user and exported to pain.001 (split at 100,000 transfers per file).

Beside it, the baselines the goals are stated against:

* ``plain_insert_same_indexes``: the same, into a scratch table that also has payment_items' UNIQUE constraints and
  indexes (what exactly-once costs any insert), reported beside the goal's ratio;
* ``plain_insert``: inserting the same number of payment rows (items and shortfalls of all runs) into a scratch table
  of the same shape with one plain ``executemany`` per run;
* ``sepaxml_alone``: ``SepaTransfer.add_payment`` for the same transfers and one ``export(validate=False)`` per file;
* ``sepaxml_alone_collector_paused``: the same with Python's cycle collector paused, as our export runs it (see
  :mod:`budgetbeheer.bulk`): the like-for-like baseline, reported beside the goal's ratio.

Time is wall-clock; memory is the growth of the process's peak RSS over the RSS before the step (KiB). Without
``--database-url`` a fresh SQLite file in a temporary directory is used; with a PostgreSQL URL a fresh database
``bbbench_<pid>`` is created next to the one named and dropped afterwards. Results go to
``benchmarks/results/runs-<dialect>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import fresh_database, generated_ibans, peak_rss_kib, rss_kib
from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import make_url

from budgetbeheer.audit.service import Actor
from budgetbeheer.bulk import cycle_collector_paused
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.db.migrate import upgrade
from budgetbeheer.ledger.models import Account, Posting, Transaction
from budgetbeheer.ledger.service import BANK, ensure_system_accounts, money_identity
from budgetbeheer.payments import service
from budgetbeheer.payments.runs.service import batch_summary
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, FixedCostAmount, Household
from budgetbeheer.tables.payments import BankFile, PaymentItem
from budgetbeheer.users.service import actor_for, create_user

START = date(2026, 11, 20)
RUN_DATES = [date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 28)]
MANAGED_IBAN = "NL46BNGH0285160126"
CREDITORS = [
    ("rent", "Woonstichting De Linde", "NL91ABNA0417164300", 1, 650_00),
    ("health_insurance", "Zorgverzekeraar Zuid", "NL39RABO0300065264", 1, 150_00),
    ("energy", "Energie Direct", "NL20INGB0001234567", 15, 100_00),
    ("water", "Waterbedrijf Oost", "NL69INGB0123456789", 20, 30_00),
]
RESULTS = Path(__file__).parent / "results"


class Timer:
    def __init__(self) -> None:
        self.steps: dict[str, dict[str, float]] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        before = rss_kib()
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        peak = peak_rss_kib()
        entry = self.steps.setdefault(name, {"seconds": 0.0, "peak_rss_growth_kib": 0})
        entry["seconds"] = round(entry["seconds"] + seconds, 3)
        entry["peak_rss_growth_kib"] = max(entry["peak_rss_growth_kib"], max(0, peak - before))
        print(f"  {name}: {seconds:.2f} s", flush=True)


def build_households(session: Any, count: int) -> None:
    """Households, accounts, fixed costs, income and one receipt each, with bulk inserts (no per-row ORM)."""
    now = datetime.now(UTC)
    ensure_system_accounts(session)
    creditor_ids = {}
    for category, name, iban, _day, _amount in CREDITORS:
        creditor = Creditor(name=name, iban=iban, bic=None, default_category=category, reference_required=False,
                            reference_kind="free_text", active=True, created_at=now)
        session.add(creditor)
        session.flush()
        creditor_ids[category] = creditor.id
    ibans = generated_ibans(997, first_account=2_000_000)
    households = [
        {"id": n, "iban": ibans[n % len(ibans)], "account_holder": f"Huishouden {n}", "benefit_start_date": START,
         "period_start": START, "period_end": date(2027, 5, 19), "status": "active", "leefgeld_frequency": "weekly",
         "leefgeld_day": 3, "buffer_cents": 25_00, "created_at": now, "created_by": "bench"}
        for n in range(1, count + 1)
    ]
    session.execute(insert(Household), households)
    session.execute(insert(Account), [
        {"id": 100 + n, "code": f"household:{n}", "name": f"Huishouden {n}", "kind": "liability", "household_id": n,
         "created_at": now} for n in range(1, count + 1)
    ])
    costs, amounts = [], []
    cost_id = 0
    for n in range(1, count + 1):
        for category, _name, _iban, day, amount in CREDITORS:
            cost_id += 1
            costs.append({"id": cost_id, "household_id": n, "category": category,
                          "creditor_id": creditor_ids[category], "frequency": "monthly", "due_day": day,
                          "reference": f"klant {n}", "start_date": START, "end_date": None, "created_at": now})
            amounts.append({"fixed_cost_id": cost_id, "amount_cents": amount + n % 7, "effective_from": START,
                            "created_at": now, "created_by": "bench"})
    session.execute(insert(FixedCost), costs)
    session.execute(insert(FixedCostAmount), amounts)
    session.execute(insert(ExpectedIncome), [
        {"household_id": n, "kind": "benefit", "amount_cents": 2000_00, "day": 25, "start_date": START,
         "end_date": None, "created_at": now} for n in range(1, count + 1)
    ])
    book_receipts(session, count, START)
    session.commit()


def book_receipts(session: Any, count: int, day: date) -> None:
    """One benefit of EUR 2,000 for every household, as one balanced ledger transaction (bank against funds)."""
    bank = ensure_system_accounts(session)[BANK]
    postings = [{"transaction_id": 0, "account_id": bank, "amount_cents": 2000_00 * count}]
    postings += [{"transaction_id": 0, "account_id": 100 + n, "amount_cents": -2000_00} for n in range(1, count + 1)]
    if session.get_bind().dialect.name == "postgresql":
        transaction_id = int(session.scalar(text("SELECT nextval('ledger_transaction_id_seq')")))
    else:
        transaction_id = int(session.scalar(select(func.coalesce(func.max(Transaction.id), 0) + 1)))
    for posting in postings:
        posting["transaction_id"] = transaction_id
        posting["business_date"] = day
    session.execute(insert(Posting), postings)
    session.execute(insert(Transaction).values(
        id=transaction_id, business_date=day, recorded_at=datetime.now(UTC), kind="receipt",
        description=f"Uitkeringen {day.isoformat()} (benchmark)", booked_by="bench", idempotency_key=None,
        reverses_id=None, household_id=None,
    ))
    session.commit()


def scratch_table(*, with_indexes: bool = False) -> Table:
    """A table of payment_items' columns; ``with_indexes`` adds the same UNIQUE constraints and indexes."""
    metadata = MetaData()
    name = "bench_plain_items_indexed" if with_indexes else "bench_plain_items"
    table = Table(
        name, metadata,
        Column("id", Integer, primary_key=True), Column("batch_id", Integer), Column("household_id", Integer),
        Column("kind", String(32)), Column("fixed_cost_id", Integer), Column("creditor_id", Integer),
        Column("creditor_name", String(140)), Column("iban", String(34)), Column("bic", String(11)),
        Column("amount_cents", Integer), Column("due_date", Date), Column("reference_kind", String(20)),
        Column("reference", String(140)), Column("remittance", String(140)), Column("end_to_end_id", String(35)),
        Column("obligation_key", String(80)), Column("reason", Text), Column("status", String(16)),
        Column("hold_reason", Text),
    )
    if with_indexes:
        table.append_constraint(UniqueConstraint("end_to_end_id"))
        table.append_constraint(UniqueConstraint("obligation_key"))
        for column in ("batch_id", "household_id"):
            Index(f"ix_{name}_{column}", table.c[column])
    return table


def plain_insert(engine: Any, rows_per_run: list[int], timer: Timer, *, with_indexes: bool = False) -> None:
    table = scratch_table(with_indexes=with_indexes)
    step = "plain_insert_same_indexes" if with_indexes else "plain_insert"
    table.metadata.create_all(engine)
    counter = 0
    for run, count in enumerate(rows_per_run):
        rows = []
        for _ in range(count):
            counter += 1
            rows.append({"batch_id": run, "household_id": counter % 50_000, "kind": "rent", "fixed_cost_id": counter,
                         "creditor_id": 1, "creditor_name": "Woonstichting De Linde", "iban": "NL91ABNA0417164300",
                         "bic": None, "amount_cents": 650_00, "due_date": date(2026, 12, 1),
                         "reference_kind": "free_text", "reference": f"klant {counter}", "remittance": "huur 12-2026",
                         "end_to_end_id": f"BB-{counter}", "obligation_key": f"fc:{counter}:2026-12-01",
                         "reason": "huur € 650,00, vervalt 01-12-2026: betaald; saldo € 2.000,00 → € 1.350,00",
                         "status": "proposed", "hold_reason": None})
        with timer.step(step), engine.begin() as connection:
            connection.execute(table.insert(), rows)
    table.metadata.drop_all(engine)


def sepaxml_alone(
    transfers_per_file: list[list[tuple[str, str, int, str]]], timer: Timer, *, collector_paused: bool = False
) -> None:
    from sepaxml import SepaTransfer

    step = "sepaxml_alone_collector_paused" if collector_paused else "sepaxml_alone"
    for transfers in transfers_per_file:
        with timer.step(step), cycle_collector_paused() if collector_paused else nullcontext():
            sepa = SepaTransfer({"name": "Gemeente Voorbeeld", "IBAN": MANAGED_IBAN, "BIC": "BNGHNL2G",
                                 "batch": True, "currency": "EUR"}, schema="pain.001.001.03", clean=False)
            for e2e, iban, amount, name in transfers:
                sepa.add_payment({"name": name, "IBAN": iban, "amount": amount, "execution_date": date(2026, 12, 1),
                                  "description": "huur 12-2026", "endtoend_id": e2e})
            sepa.export(validate=False)


def run(households: int, url: str, timer: Timer) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    settings = Settings(environment="test", database_url=url, secret_key="bench",  # noqa: S106 (benchmark only)
                        managed_account_iban=MANAGED_IBAN,
                        approval_threshold_cents=10**15)
    session = factory()
    with timer.step("build_households"):
        build_households(session, households)
    approver = create_user(session, Actor.system("bench"), username="frank", roles=["finance"],
                           password="bench-wachtwoord")  # noqa: S106
    session.commit()
    scheduler = Actor.system("scheduler")
    batches = []
    rows_per_run = []
    for day in RUN_DATES:
        if day == date(2026, 12, 28):
            book_receipts(session, households, date(2026, 12, 25))
        with timer.step("prepare"):
            batch, _ = service.prepare_run(session, scheduler, day, settings)
            session.commit()
        batches.append(batch.id)
        rows_per_run.append(batch.item_count + int(batch_summary(session, batch)["shortfalls"]))  # type: ignore[call-overload]
    for batch_id in batches:
        with timer.step("approve"):
            service.approve(session, actor_for(approver), batch_id)
            session.commit()
    files_per_batch = []
    for batch_id in batches:
        with timer.step("export"):
            service.export(session, actor_for(approver), batch_id, settings)
            session.commit()
        files_per_batch.append(session.scalars(select(BankFile.transaction_count).where(BankFile.batch_id == batch_id))
                               .all())
    identity = money_identity(session)
    items = session.execute(select(PaymentItem.batch_id, PaymentItem.end_to_end_id, PaymentItem.iban,
                                   PaymentItem.amount_cents, PaymentItem.creditor_name)
                            .where(PaymentItem.status == "approved").order_by(PaymentItem.id)).all()
    session.close()
    plain_insert(engine, rows_per_run, timer)
    plain_insert(engine, rows_per_run, timer, with_indexes=True)
    chunks: list[list[tuple[str, str, int, str]]] = []
    by_batch: dict[int, list[tuple[str, str, int, str]]] = {}
    for batch_id, e2e, iban, amount, name in items:
        by_batch.setdefault(batch_id, []).append((e2e, iban, amount, name))
    for batch_id in batches:
        rows = by_batch.get(batch_id, [])
        chunks += [rows[i:i + 100_000] for i in range(0, len(rows), 100_000)]
    del items, by_batch
    sepaxml_alone(chunks, timer)
    sepaxml_alone(chunks, timer, collector_paused=True)
    engine.dispose()
    return {
        "transfers": sum(len(c) for c in chunks),
        "rows_inserted_by_prepare": sum(rows_per_run),
        "runs": [d.isoformat() for d in RUN_DATES],
        "files_per_batch": files_per_batch,
        "money_identity_holds": identity.holds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    registry()  # the features plugged in and the event bus built, as the CLI does
    timer = Timer()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with fresh_database(args.database_url, f"bbbench_{os.getpid()}") as url:
        dialect = make_url(url).get_backend_name()
        print(f"{args.households} households on {dialect}", flush=True)
        facts = run(args.households, url, timer)
    steps = timer.steps
    ratio: Callable[[str, str], float] = lambda a, b: round(steps[a]["seconds"] / steps[b]["seconds"], 2)  # noqa: E731
    result = {
        "households": args.households,
        "dialect": dialect,
        **facts,
        "steps": steps,
        "prepare_vs_plain_insert": ratio("prepare", "plain_insert"),
        "prepare_vs_plain_insert_same_indexes": ratio("prepare", "plain_insert_same_indexes"),
        "export_vs_sepaxml_alone": ratio("export", "sepaxml_alone"),
        "export_vs_sepaxml_alone_collector_paused": ratio("export", "sepaxml_alone_collector_paused"),
        "goals": {"prepare_vs_plain_insert": 3.0, "export_vs_sepaxml_alone": 1.5},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output = args.output or RESULTS / f"runs-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("prepare_vs_plain_insert", "export_vs_sepaxml_alone", "steps")},
                     indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
