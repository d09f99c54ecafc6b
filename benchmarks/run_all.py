"""Every benchmark in turn (``make benchmark``), each in its own process, with one ``--households`` for all.

    python benchmarks/run_all.py [--households 50000] [--database-url postgresql://...] [--only daily,exports]

``--households`` goes to each benchmark that takes it (a quick run: ``--households 2000``); ``--database-url`` (a
PostgreSQL server) to each that can run there, each in a database of its own. A quick run writes its results to
``benchmarks/results/quick/`` so the committed full-size figures stay as they are. The load test
(``bench_web_load.py``) runs 20 users for 60 s at full size and 5 users for 10 s in a quick run. Benchmarks are
never part of ``make test``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL = 50_000


def commands(households: int, url: str | None, quick_folder: Path | None) -> dict[str, list[str]]:
    def out(name: str) -> list[str]:
        return ["--output", str(quick_folder / name)] if quick_folder else []

    dialect = "postgresql" if url else "sqlite"
    on_url = ["--database-url", url] if url else []
    quick = households < FULL
    found = {
        "runs": ["bench_runs.py", "--households", str(households), *on_url, *out(f"runs-{dialect}.json")],
        "daily": ["bench_daily.py", "--households", str(households), *on_url, *out(f"daily-{dialect}.json")],
        "exports": ["bench_exports.py", "--households", str(households), *on_url, *out(f"exports-{dialect}.json")],
        "bank": ["bench_bank.py", "--households", str(households), *on_url, *out(f"bank-{dialect}.json")],
        "receipts": ["bench_receipts_import.py", "--households", str(households),
                     "--lines", str(min(100_000, households * 2)), *on_url, *out(f"receipts-import-{dialect}.json")],
        "sepa": ["bench_sepa.py", "--n", str(min(100_000, households * 2)), *out("sepa.json")],
        "web": ["bench_web_load.py", "--households", str(households), *on_url,
                *(["--users", "5", "--seconds", "10"] if quick else []), *out(f"web-{dialect}.json")],
    }
    if not quick:  # bench_reports writes its own results file and takes --url
        found["reports"] = ["bench_reports.py", "--households", str(households), *(["--url", url] if url else [])]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=FULL)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--only", default="", help="comma-separated: runs, daily, exports, bank, receipts, sepa, web, reports")
    args = parser.parse_args(argv)
    quick_folder = HERE / "results" / "quick" if args.households < FULL else None
    if quick_folder:
        quick_folder.mkdir(parents=True, exist_ok=True)
    chosen = {name for name in args.only.split(",") if name}
    failed = []
    for name, command in commands(args.households, args.database_url, quick_folder).items():
        if chosen and name not in chosen:
            continue
        print(f"== {name}: {' '.join(command)}", flush=True)
        started = time.perf_counter()
        status = subprocess.call([sys.executable, str(HERE / command[0]), *command[1:]])
        print(f"== {name}: exit {status} after {time.perf_counter() - started:.0f} s", flush=True)
        if status:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
