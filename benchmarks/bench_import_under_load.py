"""Benchmark: the pages under load while a receipts CSV of 100,000 lines is imported (issue 17, "no write stops the
house"), beside the same load without it.

    python benchmarks/bench_import_under_load.py [--database-url postgresql://postgres@127.0.0.1:5432/x]
        [--households 50000] [--lines 100000] [--users 20] [--seconds 60] [--during-seconds 20] [--workers 4]

The database, gunicorn and the users of ``bench_web_load.py`` (its ``build``, ``start_gunicorn`` and ``load``: 50,000
households, a month of runs, the day's signals; 20 users round the main pages and API reads). The load runs twice:

1. ``quiet``: the users alone, for ``--seconds``;
2. ``during_import``: the users again while ``budgetbeheer receipts import FILE`` (another process, as an operator
   would start it) books ``--lines`` lines (``bench_receipts_import.py``'s CSV); the users start when the import
   does and go on for ``--during-seconds`` (default 20 s: 100,000 lines take about 26 s on PostgreSQL on an idle
   machine, so the whole window lies within the import; ``load_within_import`` in the results says whether it did).

It prints p50/p95/p99 per page for both and writes ``benchmarks/results/import-under-load-<dialect>.json`` with the
import's time, its exit status and whether the load window lay within the import. An error is any answer other than
200 or a failed connection. The load average at start and end is recorded: other work may share the machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULTS = Path(__file__).parent / "results"


def run_import(url: str, csv_path: Path, outcome: dict[str, Any]) -> None:
    command = Path(sys.executable).with_name("budgetbeheer")
    env = dict(os.environ, BUDGETBEHEER_DATABASE_URL=url, BUDGETBEHEER_ENV="production",
               BUDGETBEHEER_SECRET_KEY="bench-secret-key-" + "x" * 40)
    started = time.perf_counter()
    done = subprocess.run([str(command), "receipts", "import", str(csv_path)], env=env, capture_output=True,
                          check=False)
    outcome.update(seconds=round(time.perf_counter() - started, 1), exit=done.returncode,
                   said=done.stdout.decode("utf-8", "replace").strip()[-300:],
                   error=done.stderr.decode("utf-8", "replace").strip()[-600:] if done.returncode else "")


def table(name: str, pages: dict[str, Any]) -> None:
    print(f"-- {name}")
    print(f"{'page':<24} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, row in pages.items():
        print(f"{page:<24} {row['requests']:>8} {row['errors']:>6} {row.get('p50_ms', '-'):>8} "
              f"{row.get('p95_ms', '-'):>8} {row.get('p99_ms', '-'):>8}")


def worst(pages: dict[str, Any]) -> float:
    return max((row.get("p95_ms", 0) for row in pages.values()), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--during-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    import bench_web_load
    from bench_receipts_import import csv_lines
    from bench_web_load import build, free_port, load, start_gunicorn
    from common import fresh_database, run_facts, write_result
    from sqlalchemy.engine import make_url

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with fresh_database(args.database_url, f"bbbench_import_load_{os.getpid()}") as url, \
            tempfile.TemporaryDirectory() as folder:
        dialect = make_url(url).get_backend_name()
        print(f"building {args.households} households on {dialect} ...", flush=True)
        built = build(url, args.households)
        csv_path = Path(folder) / "receipts.csv"
        csv_path.write_bytes(csv_lines(args.households, args.lines))
        port = free_port()
        server = start_gunicorn(url, port, args.workers)
        try:
            if hasattr(bench_web_load, "warm"):  # the first views of the batch pages, timed apart
                bench_web_load.warm(port, built["batches"])
            print(f"quiet: {args.users} users for {args.seconds:.0f} s", flush=True)
            quiet = load(port, built["token"], args.households, built["batches"], args.users, args.seconds)
            outcome: dict[str, Any] = {}
            importer = threading.Thread(target=run_import, args=(url, csv_path, outcome))
            print(f"during the import of {args.lines} lines", flush=True)
            load_started = time.perf_counter()
            importer.start()
            during = load(port, built["token"], args.households, built["batches"], args.users, args.during_seconds)
            load_seconds = time.perf_counter() - load_started
            importer.join()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    table("quiet", quiet)
    table("during the import", during)
    print(f"import: {outcome}")
    result = {
        "dialect": dialect, "households": args.households, "lines": args.lines, "users": args.users,
        "seconds": args.seconds, "during_seconds": args.during_seconds, "workers": args.workers, "import": outcome,
        "load_seconds": round(load_seconds, 1),
        "load_within_import": outcome.get("seconds", 0) >= load_seconds,
        "quiet": {"pages": quiet, "worst_p95_ms": worst(quiet),
                  "errors": sum(row["errors"] for row in quiet.values())},
        "during_import": {"pages": during, "worst_p95_ms": worst(during),
                          "errors": sum(row["errors"] for row in during.values())},
        "goals": {"p95_ms": 300, "errors": 0},
        **run_facts(load_at_start),
    }
    output = args.output or RESULTS / f"import-under-load-{dialect}.json"
    write_result(output, result)
    return 0 if outcome.get("exit") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
