"""Benchmark: the journal CSV and the hledger export, each beside ``csv.writer`` writing the same rows read the same way.

    python benchmarks/bench_exports.py [--households 50000] [--months 12] [--database-url URL]

The books of ``bench_reports.py``'s generator (per household and month a receipt and a payment, per month a
settlement: 2 × N × months + months transactions, twice as many postings). Each step runs in a child process of its
own, so its peak memory (growth of ``ru_maxrss`` over the RSS after start-up) is its own:

* ``journal``: the journal report as CSV, as ``GET /reports/journal?format=csv`` and ``budgetbeheer reports journal``
  write it (``reports.export.export_report``);
* ``floor_journal``: the same rows read the same way (``reports.queries.journal_rows``), written by ``csv.writer`` as
  they come (``writerows``, no formatting): the goal is ``journal`` ≤ 3× this;
* ``hledger``: ``budgetbeheer ledger export --format hledger`` (``reports.hledger.write_journal``);
* ``floor_hledger``: the rows it reads (``reports.queries.hledger_transactions``: each transaction and its postings),
  read the same way and written by ``csv.writer``: the goal is ``hledger`` ≤ 3× this.

Without ``--database-url`` an SQLite file in a temporary folder is used; with a PostgreSQL URL a fresh database
``bbbench_exports_<pid>`` next to it (dropped afterwards). Results go to ``benchmarks/results/exports-<dialect>.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import fresh_database, peak_rss_kib, rss_kib

RESULTS = Path(__file__).parent / "results"
RANGE = ("2026-01-01", "2026-12-31")
STEPS = ("floor_journal", "journal", "floor_hledger", "hledger")


def measure(url: str, name: str, out: str) -> dict[str, Any]:
    """Child process: one step; its time and peak memory."""
    import openpyxl  # noqa: F401  (imported before the baseline, like the rest of the code)

    from budgetbeheer.audit.service import Actor
    from budgetbeheer.db.base import utcnow
    from budgetbeheer.db.engine import make_engine, make_session_factory
    from budgetbeheer.reports import queries
    from budgetbeheer.reports.export import export_report
    from budgetbeheer.reports.hledger import write_journal
    from budgetbeheer.reports.model import parse_period

    engine = make_engine(url, sqlite_begin="DEFERRED")
    session = make_session_factory(engine)()
    period = parse_period(*RANGE)
    baseline = rss_kib()
    started = time.perf_counter()
    rows = 0
    if name == "floor_journal":
        with open(out, "w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target, lineterminator="\r\n")
            for row in queries.journal_rows(session, period):
                writer.writerow(row)
                rows += 1
    elif name == "journal":
        spool, _, _ = export_report(session, Actor.system("bench"), name="journal", period=period, fmt="csv",
                                    municipality="Benchmark", exported_by="bench", note=False)
        with spool, open(out, "wb") as target:
            shutil.copyfileobj(spool, target)
    elif name == "floor_hledger":
        with open(out, "w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target, lineterminator="\r\n")
            for transaction, postings in queries.hledger_transactions(session):
                writer.writerow(transaction)
                writer.writerows(postings)
                rows += 1 + len(postings)
    elif name == "hledger":
        with open(out, "w", encoding="utf-8") as target:
            rows = write_journal(session, target, generated_at=utcnow(), municipality="Benchmark")
    seconds = time.perf_counter() - started
    peak = peak_rss_kib()
    session.rollback()
    session.close()
    engine.dispose()
    return {"seconds": round(seconds, 3), "peak_rss_growth_mib": round((peak - baseline) / 1024, 1),
            "output_bytes": os.path.getsize(out), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--measure", nargs=3, metavar=("URL", "NAME", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0

    from bench_reports import generate
    from sqlalchemy.engine import make_url

    from budgetbeheer.db.migrate import upgrade

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    folder = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    try:
        with fresh_database(args.database_url, f"bbbench_exports_{os.getpid()}") as url:
            dialect = make_url(url).get_backend_name()
            upgrade(url)
            print(f"generating {args.households} households x {args.months} months on {dialect} ...", flush=True)
            data = generate(url, args.households, args.months)
            print(json.dumps(data), flush=True)
            steps: dict[str, Any] = {}
            for name in STEPS:
                out = folder / f"{name}.out"
                result = subprocess.run([sys.executable, __file__, "--measure", url, name, str(out)],
                                        capture_output=True, text=True, check=True)
                steps[name] = json.loads(result.stdout.strip().splitlines()[-1])
                print(name, steps[name], flush=True)
                out.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    postings = int(data.get("postings", 0)) or 1
    result = {
        "dialect": dialect,
        "households": args.households,
        "months": args.months,
        "data": data,
        "steps": steps,
        "journal_vs_floor": round(steps["journal"]["seconds"] / steps["floor_journal"]["seconds"], 2),
        "hledger_vs_floor": round(steps["hledger"]["seconds"] / steps["floor_hledger"]["seconds"], 2),
        "journal_us_per_posting": round(steps["journal"]["seconds"] * 1e6 / postings, 2),
        "goals": {"journal_vs_floor": 3.0, "hledger_vs_floor": 3.0},
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output = args.output or RESULTS / f"exports-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("journal_vs_floor", "hledger_vs_floor", "journal_us_per_posting")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
