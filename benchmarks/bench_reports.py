"""Benchmark: the accountant's reports on N households and a year of postings, beside hledger and ledger.

    python benchmarks/bench_reports.py [--households 50000] [--months 12] [--url postgresql://...]

Data (bulk inserts straight into the tables, in the order the triggers demand: postings, then the transaction row):
per household and month one benefit receipt (bank → household) and one payment (household → in transit) with its
payment item in that month's batch; per month one settlement (in transit → bank). That is 2 × N × months + months
transactions and twice as many postings. Without ``--url`` an SQLite file in a temporary folder is used; with a
PostgreSQL URL a database ``bbbench_reports`` is created next to it (and dropped afterwards).

The baseline for the trial balance is ``group-by``: one plain ``SELECT account_id, SUM(amount_cents) FROM
ledger_postings GROUP BY account_id`` over the same postings (rows fetched, nothing written); beside it
``trial-balance-query`` is the trial balance's own query (opening, debits and credits per account for the range, with
account names) and ``trial-balance`` the whole CSV report. The load average at start and end is recorded, because
other work may share the machine.

Each report is written as CSV (XLSX for the accountability report) in its own child process, so peak memory (the
growth of ``ru_maxrss`` over the RSS after start-up) is its own. Then the whole ledger is exported as an hledger
journal and ``hledger bal`` and ``ledger bal`` are timed on it (peak RSS from ``/usr/bin/time``). Results go to
``benchmarks/results/reports-<dialect>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import peak_rss_kib, rss_kib

RESULTS = Path(__file__).parent / "results"
REPORT_RANGE = ("2026-01-01", "2026-12-31")
CHUNK = 20_000


def _month_day(month: int, day: int) -> date:
    return date(2026, month, day)


def generate(url: str, households: int, months: int) -> dict[str, Any]:
    from sqlalchemy import func, insert, select

    from budgetbeheer.db.engine import make_engine, make_session_factory
    from budgetbeheer.ledger.models import Account, Posting, Transaction
    from budgetbeheer.ledger.service import ensure_system_accounts
    from budgetbeheer.tables.households import Household, Person
    from budgetbeheer.tables.payments import PaymentBatch, PaymentItem

    started = time.perf_counter()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    engine = make_engine(url)
    session = make_session_factory(engine)()
    system = ensure_system_accounts(session)
    session.commit()
    bank, transit = system["bank"], system["in_transit"]
    household_rows = [
        {"id": i, "iban": "NL91ABNA0417164300", "account_holder": f"Huishouden {i}", "benefit_start_date": now.date(),
         "period_start": _month_day(1 + i % 12, 1), "period_end": _month_day(1 + i % 12, 1).replace(year=2027),
         "status": "active", "leefgeld_frequency": "monthly", "leefgeld_day": 1, "buffer_cents": 0, "created_at": now,
         "created_by": "bench"}
        for i in range(1, households + 1)
    ]
    for start in range(0, households, CHUNK):
        session.execute(insert(Household), household_rows[start:start + CHUNK])
        session.execute(insert(Person), [
            {"household_id": row["id"], "bsn": f"{row['id'] * 10 + p:09d}", "active_bsn": f"{row['id'] * 10 + p:09d}",
             "first_name": "P", "last_name": str(row["id"]), "date_of_birth": date(1990, 1, 1)}
            for row in household_rows[start:start + CHUNK] for p in range(1 + row["id"] % 3)
        ])
        session.execute(insert(Account), [
            {"code": f"household:{row['id']}", "name": row["account_holder"], "kind": "liability",
             "household_id": row["id"], "created_at": now}
            for row in household_rows[start:start + CHUNK]
        ])
    session.commit()
    accounts = dict(session.execute(select(Account.household_id, Account.id).where(Account.household_id.is_not(None))).all())
    next_transaction = int(session.scalar(select(func.coalesce(func.max(Transaction.id), 0))) or 0) + 1
    next_item = 1
    transactions = 0
    for month in range(1, months + 1):
        batch = PaymentBatch(execution_date=_month_day(month, 5), active_execution_date=_month_day(month, 5),
                             status="settled", prepared_by="bench", prepared_at=now)
        session.add(batch)
        session.flush()
        month_total = 0
        ids = list(accounts.items())
        for start in range(0, len(ids), CHUNK):
            postings: list[dict[str, Any]] = []
            rows: list[dict[str, Any]] = []
            items: list[dict[str, Any]] = []
            for household_id, account in ids[start:start + CHUNK]:
                benefit = 1200_00 + household_id % 500
                rent = 650_00 + household_id % 300
                month_total += rent
                for kind, debit, credit, cents, day, text in (
                    ("receipt", bank, account, benefit, 1, "bijstand"),
                    ("payment", account, transit, rent, 5, "huur"),
                ):
                    on = _month_day(month, day)
                    postings += [{"transaction_id": next_transaction, "account_id": debit, "amount_cents": cents,
                                  "business_date": on},
                                 {"transaction_id": next_transaction, "account_id": credit, "amount_cents": -cents,
                                  "business_date": on}]
                    rows.append({"id": next_transaction, "business_date": _month_day(month, day), "recorded_at": now,
                                 "kind": kind, "description": f"{text} {month}", "booked_by": "bench",
                                 "household_id": household_id})
                    next_transaction += 1
                items.append({"batch_id": batch.id, "household_id": household_id, "kind": "rent",
                              "creditor_name": "Woonstichting", "iban": "NL02ABNA0123456789", "amount_cents": rent,
                              "due_date": _month_day(month, 7), "end_to_end_id": f"BENCH-{next_item}",
                              "reason": "huur", "status": "settled"})
                next_item += 1
            session.execute(insert(Posting), postings)
            session.execute(insert(Transaction), rows)
            session.execute(insert(PaymentItem), items)
            transactions += len(rows)
        session.execute(insert(Posting), [
            {"transaction_id": next_transaction, "account_id": transit, "amount_cents": month_total,
             "business_date": _month_day(month, 8)},
            {"transaction_id": next_transaction, "account_id": bank, "amount_cents": -month_total,
             "business_date": _month_day(month, 8)}])
        session.execute(insert(Transaction), [{"id": next_transaction, "business_date": _month_day(month, 8),
                                               "recorded_at": now, "kind": "settlement", "description": "afschrift",
                                               "booked_by": "bench", "household_id": None}])
        next_transaction += 1
        transactions += 1
        session.commit()
    if engine.dialect.name == "postgresql":
        session.execute(select(func.setval("ledger_transaction_id_seq", next_transaction)))
        session.commit()
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    session.close()
    engine.dispose()
    return {"seconds": round(time.perf_counter() - started, 1), "transactions": transactions,
            "postings": 2 * transactions, "households": households, "payment_items": next_item - 1}


def measure(url: str, name: str, out: str) -> dict[str, Any]:
    """Child process: write one report (or the hledger journal); print time and peak memory."""
    import openpyxl  # noqa: F401  (imported before the baseline, like the rest of the code)

    from budgetbeheer.audit.service import Actor
    from budgetbeheer.db.base import utcnow
    from budgetbeheer.db.engine import make_engine, make_session_factory
    from budgetbeheer.reports.export import export_report
    from budgetbeheer.reports.hledger import write_journal
    from budgetbeheer.reports.model import parse_period

    engine = make_engine(url, sqlite_begin="DEFERRED")
    session = make_session_factory(engine)()
    baseline = rss_kib()
    started = time.perf_counter()
    if name in ("group-by", "trial-balance-query"):
        from sqlalchemy import func, select

        from budgetbeheer.ledger.models import Posting
        from budgetbeheer.reports.queries import trial_balance_rows

        if name == "group-by":  # the baseline: one plain GROUP BY over the same postings, no date filter, no names
            rows = session.execute(select(Posting.account_id, func.sum(Posting.amount_cents))
                                   .group_by(Posting.account_id)).all()
        else:  # the trial balance's one query on its own (no CSV)
            rows = trial_balance_rows(session, parse_period(*REPORT_RANGE))
        with open(out, "w", encoding="utf-8") as target:
            target.write(f"{len(rows)}\n")
    elif name == "hledger-export":
        with open(out, "w", encoding="utf-8") as target:
            write_journal(session, target, generated_at=utcnow(), municipality="Benchmark")
    else:
        fmt = "xlsx" if name == "accountability" else "csv"
        spool, _, _ = export_report(session, Actor.system("bench"), name=name, period=parse_period(*REPORT_RANGE),
                                    fmt=fmt, municipality="Benchmark", exported_by="bench", note=False)
        with spool, open(out, "wb") as target:
            shutil.copyfileobj(spool, target)
    seconds = time.perf_counter() - started
    peak = peak_rss_kib()
    session.rollback()
    session.close()
    engine.dispose()
    return {"seconds": round(seconds, 3), "peak_rss_growth_mib": round((peak - baseline) / 1024, 1),
            "output_bytes": os.path.getsize(out)}


def run_tool(args: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        return {"error": result.stderr[-500:]}
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak_kib / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--url", default="", help="a PostgreSQL server URL; default: SQLite in a temporary folder")
    parser.add_argument("--skip-tools", action="store_true",
                        help="do not run hledger/ledger (their previous figures are kept in the result file)")
    parser.add_argument("--measure", nargs=3, metavar=("URL", "NAME", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from budgetbeheer.db.engine import normalise_url
    from budgetbeheer.db.migrate import upgrade

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    admin_url = ""
    if args.url:
        base = make_url(normalise_url(args.url))
        admin_url = base.render_as_string(hide_password=False)
        url = base.set(database="bbbench_reports").render_as_string(hide_password=False)
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql('DROP DATABASE IF EXISTS "bbbench_reports" WITH (FORCE)')
            connection.exec_driver_sql('CREATE DATABASE "bbbench_reports"')
        admin.dispose()
        dialect = "postgresql"
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        dialect = "sqlite"
    try:
        upgrade(url)
        print(f"generating {args.households} households x {args.months} months on {dialect} ...", flush=True)
        data = generate(url, args.households, args.months)
        print(json.dumps(data), flush=True)
        steps: dict[str, Any] = {}
        for name in ("group-by", "trial-balance-query", "trial-balance", "accountability", "payments", "extensions", "audit", "journal", "statement",
                     "hledger-export"):
            out = folder / f"{name}.out"
            result = subprocess.run([sys.executable, __file__, "--measure", url, name, str(out)],
                                    capture_output=True, text=True, check=True)
            steps[name] = json.loads(result.stdout.strip().splitlines()[-1])
            print(name, steps[name], flush=True)
        journal = str(folder / "hledger-export.out")
        tools: dict[str, Any] = {}
        RESULTS.mkdir(exist_ok=True)
        output = RESULTS / f"reports-{dialect}.json"
        if args.skip_tools:
            previous = json.loads(output.read_text()) if output.exists() else {}
            tools = {"skipped": True, "previous_run": previous.get("tools", {}),
                     "previous_run_data": previous.get("data", {})}
        for tool, command in (("hledger bal", ["hledger", "-f", journal, "bal"]),
                              ("ledger bal", ["ledger", "-f", journal, "bal"])):
            if args.skip_tools:
                break
            tools[tool] = run_tool(command) if shutil.which(command[0]) else {"error": f"{command[0]} not installed"}
            print(tool, tools[tool], flush=True)
        output.write_text(json.dumps({
            "dialect": dialect, "range": REPORT_RANGE, "data": data, "reports": steps, "tools": tools,
            "trial_balance_vs_group_by": {
                "query": round(steps["trial-balance-query"]["seconds"] / steps["group-by"]["seconds"], 2),
                "report_csv": round(steps["trial-balance"]["seconds"] / steps["group-by"]["seconds"], 2),
            },
            "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }, indent=2) + "\n", encoding="utf-8")
        print(f"written to {output}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if admin_url:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql('DROP DATABASE IF EXISTS "bbbench_reports" WITH (FORCE)')
            admin.dispose()


if __name__ == "__main__":
    main()
