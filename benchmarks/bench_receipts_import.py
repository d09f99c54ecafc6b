"""Benchmark: a receipts CSV of 100,000 lines imported as ``budgetbeheer receipts import`` does, beside a plain insert
of the same rows.

    python benchmarks/bench_receipts_import.py [--households 50000] [--lines 100000] [--database-url URL]

``bench_runs.py``'s households (50,000 by default), then a CSV of ``--lines`` receipts without keys (household
``n``, an amount, a date in November 2026, benefit or allowance, a reference ``klant n/line``), every line different.

* ``import``: :func:`budgetbeheer.households.receipts.import_receipts_csv` as the command runs it: every line read and
  checked first, then booked in bulk and committed 5,000 at a time (the checkpoint the command gives), with the events
  and audit entries of a real import and the sequencer chaining them after each commit.
  ``first_commit_after_seconds`` is the reading and checking of every line plus the first chunk;
  ``chunk_seconds_max`` the longest of the other chunks (the longest the import holds SQLite's write lock at once).
* ``plain_insert`` (the floor): the rows the import writes — one receipt, one ledger transaction and its two postings
  per line — made in Python from the already-parsed lines and inserted with SQLAlchemy Core ``executemany`` into
  tables of the same columns without indexes, constraints or triggers, one transaction (as ``bench_runs.py``'s
  floor for the payment run). On PostgreSQL also ``plain_copy``: the same rows written with the import's own bulk
  writer (``COPY``), the fastest plain way there, for a second ratio.

Goal (issue 17): import ≤ 3× the floor. Time is wall-clock; the load average is recorded (other work may share the
machine). Results go to ``benchmarks/results/receipts-import-<dialect>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, MetaData, String, Table, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))

from bench_runs import RESULTS, Timer, build_households
from common import fresh_database, run_facts, write_result

from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.db.bulk_write import insert_rows
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.db.migrate import upgrade
from budgetbeheer.db.unit_of_work import checkpoint
from budgetbeheer.households.receipts import import_receipts_csv
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.tables import AuditEntry, PendingAuditEntry, Receipt


def csv_lines(households: int, lines: int) -> bytes:
    out = ["household_id,amount,date,kind,reference"]
    for line in range(lines):
        household = line % households + 1
        day = date(2026, 11, 1) + timedelta(days=line % 28)
        kind = "benefit" if line % 3 else "allowance"
        out.append(f"{household},{100 + line % 900}.{line % 100:02d},{day.isoformat()},{kind},klant {household}/{line}")
    return ("\n".join(out) + "\n").encode("utf-8")


def scratch_tables() -> tuple[MetaData, Table, Table, Table]:
    metadata = MetaData()
    receipts = Table(
        "bench_plain_receipts", metadata, Column("id", BigInteger), Column("household_id", Integer),
        Column("amount_cents", BigInteger), Column("received_on", Date), Column("kind", String(32)),
        Column("reference", String(140)), Column("source", String(16)), Column("idempotency_key", String(200)),
        Column("request_hash", String(64)), Column("ledger_transaction_id", BigInteger),
        Column("created_by", String(120)), Column("created_at", DateTime(timezone=True)))
    transactions = Table(
        "bench_plain_transactions", metadata, Column("id", BigInteger), Column("business_date", Date),
        Column("recorded_at", DateTime(timezone=True)), Column("kind", String(32)), Column("description", String(400)),
        Column("booked_by", String(120)), Column("household_id", Integer), Column("content_hash", String(64)))
    postings = Table(
        "bench_plain_postings", metadata, Column("transaction_id", BigInteger), Column("account_id", Integer),
        Column("amount_cents", BigInteger), Column("business_date", Date))
    return metadata, receipts, transactions, postings


def plain_insert(engine: Any, content: bytes, timer: Timer, *, copy: bool = False) -> None:
    """The floor: the rows one line writes, made from the lines and inserted plainly (``copy``: with the import's
    own bulk writer, ``COPY`` on PostgreSQL)."""
    metadata, receipts, transactions, postings = scratch_tables()
    metadata.create_all(engine)
    now = datetime.now(UTC)
    with timer.step("plain_copy" if copy else "plain_insert"), Session(engine) as session, session.begin():
        receipt_rows, transaction_rows, posting_rows = [], [], []
        for number, text in enumerate(content.decode("utf-8").splitlines()[1:], start=1):
            household, amount, day, kind, reference = text.split(",")
            cents = int(amount.replace(".", ""))
            on = date.fromisoformat(day)
            transaction_rows.append({"id": number, "business_date": on, "recorded_at": now, "kind": "receipt",
                                     "description": f"Ontvangst {kind}: {reference}", "booked_by": "bench",
                                     "household_id": int(household), "content_hash": "0" * 64})
            posting_rows.append({"transaction_id": number, "account_id": 1, "amount_cents": cents,
                                 "business_date": on})
            posting_rows.append({"transaction_id": number, "account_id": 100 + int(household),
                                 "amount_cents": -cents, "business_date": on})
            receipt_rows.append({"id": number, "household_id": int(household), "amount_cents": cents,
                                 "received_on": on, "kind": kind, "reference": reference, "source": "csv",
                                 "idempotency_key": f"csv:{number:064d}", "request_hash": "0" * 64,
                                 "ledger_transaction_id": number, "created_by": "bench", "created_at": now})
        for table, rows in ((transactions, transaction_rows), (postings, posting_rows), (receipts, receipt_rows)):
            if copy:
                insert_rows(session, table, rows)
            else:
                session.execute(table.insert(), rows)
    metadata.drop_all(engine)


def run(households: int, lines: int, url: str, timer: Timer) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    session = factory()
    with timer.step("build_households"):
        build_households(session, households)
    session.close()
    content = csv_lines(households, lines)
    plain_insert(engine, content, timer)
    if make_url(url).get_backend_name() == "postgresql":
        plain_insert(engine, content, timer, copy=True)
    session = factory()
    chunks: list[float] = []
    last = time.perf_counter()

    def committed(_booked: int, _of: int) -> None:
        nonlocal last
        checkpoint(session)
        now = time.perf_counter()
        chunks.append(round(now - last, 3))
        last = now

    with timer.step("import"):
        last = time.perf_counter()
        result = import_receipts_csv(session, Actor.system("receipts-import"), content, source="csv",
                                     checkpoint=committed)
        session.commit()
    booked = int(session.scalar(select(func.count()).select_from(Receipt).where(Receipt.source == "csv")) or 0)
    with timer.step("import_again"):  # every line already booked: nothing written
        again = import_receipts_csv(session, Actor.system("receipts-import"), content, source="csv",
                                    checkpoint=lambda _b, _o: checkpoint(session))
        session.commit()
    facts = {"booked": result.booked, "receipts_in_database": booked, "again_booked": again.booked,
             "again_already_booked": again.already_booked, "first_commit_after_seconds": chunks[0] if chunks else None,
             "chunk_seconds_max": max(chunks[1:], default=0.0), "chunks": len(chunks), "audit_entries": int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0),
             "audit_waiting": int(session.scalar(select(func.count()).select_from(PendingAuditEntry)) or 0),
             "money_identity_holds": money_identity(session).holds}
    session.close()
    engine.dispose()
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    registry()  # the features plugged in and the event bus built, as the CLI does
    timer = Timer()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with fresh_database(args.database_url, f"bbbench_receipts_{os.getpid()}") as url:
        dialect = make_url(url).get_backend_name()
        print(f"{args.households} households, {args.lines} lines on {dialect}", flush=True)
        facts = run(args.households, args.lines, url, timer)
    steps = timer.steps
    result = {
        "households": args.households, "lines": args.lines, "dialect": dialect, **facts, "steps": steps,
        "import_vs_plain_insert": round(steps["import"]["seconds"] / steps["plain_insert"]["seconds"], 2),
        "import_vs_plain_copy": (round(steps["import"]["seconds"] / steps["plain_copy"]["seconds"], 2)
                                 if "plain_copy" in steps else None),
        "goals": {"import_vs_plain_insert": 3.0},
        **run_facts(load_at_start),
    }
    output = args.output or RESULTS / f"receipts-import-{dialect}.json"
    write_result(output, result)
    print(json.dumps({k: result[k] for k in ("import_vs_plain_insert", "import_vs_plain_copy", "booked", "first_commit_after_seconds", "chunk_seconds_max", "steps")},
                     indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
