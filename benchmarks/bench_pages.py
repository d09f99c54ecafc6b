"""Benchmark: each main page and API read with one user, in process: how many queries it sends and how long it takes.

    python benchmarks/bench_pages.py [--database-url URL] [--households 50000] [--repeat 5] [--keep]

The same database as ``bench_web_load.py`` (its builder: households, a month of approved runs, the day's signals,
the user ``lasttest`` with every reading role and an API token). With ``--database-url`` naming a PostgreSQL database
that already holds that user, the database is used as it is (migrated first) and kept; otherwise a fresh one is built
(``bbbench_pages_<pid>``, dropped afterwards unless ``--keep``). Each page is asked once to warm up, then
``--repeat`` times; it prints the queries of one request and the median and slowest milliseconds, and writes
``benchmarks/results/pages-<dialect>.json``. The pages are those of the load script (``bench_web_load.pages()``),
with fixed ids: household 1, the last batch, a search for one name.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

RESULTS = Path(__file__).parent / "results"


def _has_load_user(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT 1 FROM users WHERE username = 'lasttest'")).first())
    except Exception:
        return False
    finally:
        engine.dispose()


def measure(url: str, households: int, repeat: int) -> dict[str, Any]:
    from bench_web_load import PASSWORD, USERNAME, last_name, pages
    from sqlalchemy import event, select

    from budgetbeheer.config import Settings
    from budgetbeheer.db.migrate import upgrade
    from budgetbeheer.tables.payments import PaymentBatch
    from budgetbeheer.users.service import create_token
    from budgetbeheer.web.app import create_app

    upgrade(url)
    settings = Settings(environment="test", database_url=url, secret_key="bench-secret-key-" + "x" * 40)
    app = create_app(settings, TESTING=True, WTF_CSRF_ENABLED=False)
    engine = app.extensions["budgetbeheer_engine"]
    sessions = app.extensions["budgetbeheer_sessions"]
    with sessions() as session:
        from budgetbeheer.audit.service import Actor
        from budgetbeheer.users.models import User

        user = session.scalar(select(User).where(User.username == USERNAME))
        token = create_token(session, Actor.system("bench"), user, label="pages")
        batch = int(session.scalar(select(PaymentBatch.id).order_by(PaymentBatch.id.desc()).limit(1)) or 1)
        session.commit()
    queries = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args: Any) -> None:
        queries[0] += 1

    client = app.test_client()
    answer = client.post("/login", data={"username": USERNAME, "password": PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"log-in answered {answer.status_code}")
    result: dict[str, Any] = {}
    for name, template, api in pages():
        path = template.format(household=1, batch=batch, page=1,
                               name=urllib.parse.quote(last_name(households // 2)))
        headers = {"Authorization": f"Bearer {token}"} if api else {}
        timings = []
        for attempt in range(repeat + 1):
            queries[0] = 0
            started = time.perf_counter()
            answer = client.get(path, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{name} ({path}) answered {answer.status_code}")
            if attempt:
                timings.append(elapsed)
        result[name] = {"path": path, "queries": queries[0], "median_ms": round(statistics.median(timings), 1),
                        "max_ms": round(max(timings), 1)}
        print(f"{name:<24} {queries[0]:>7} {result[name]['median_ms']:>9} {result[name]['max_ms']:>9}", flush=True)
    engine.dispose()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep a database this run built")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    from contextlib import nullcontext

    from bench_web_load import build
    from common import fresh_database
    from sqlalchemy.engine import make_url

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    reuse = args.database_url is not None and _has_load_user(args.database_url)
    context = nullcontext(args.database_url) if reuse or args.keep else fresh_database(
        args.database_url, f"bbbench_pages_{os.getpid()}")
    with context as url:
        assert url is not None
        dialect = make_url(url).get_backend_name()
        if not reuse:
            print(f"building {args.households} households on {dialect} ...", flush=True)
            build(url, args.households)
        print(f"{'page':<24} {'queries':>7} {'median ms':>9} {'max ms':>9}")
        pages_result = measure(url, args.households, args.repeat)
    result = {
        "dialect": dialect, "households": args.households, "repeat": args.repeat, "pages": pages_result,
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output = args.output or RESULTS / f"pages-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
