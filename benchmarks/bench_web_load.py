"""Benchmark: the main pages and API reads under load, against gunicorn as in the README's production section.

    python benchmarks/bench_web_load.py [--database-url postgresql://postgres@127.0.0.1:5432/bbbench_web]
        [--households 50000] [--users 20] [--seconds 60] [--workers 4] [--think 1-3]

A bounded script of its own (threads and the standard library's ``http.client``; no load-testing tool needed):

1. builds a database of its own (``bbbench_web_<pid>`` on the server of ``--database-url``, dropped afterwards): the
   households of ``bench_runs.py``'s builder with a person each (names of letters, for the searches), a month of
   payment runs (the five Monday runs from 30 November 2026,
   each approved), the day's signals (``lifecycle.raise_signals`` for 1 December), and a user ``lasttest`` with every
   reading role (finance, caseworker, supervisor, accountant) and an API token;
2. starts ``gunicorn --workers W --bind 127.0.0.1:PORT 'budgetbeheer.web.wsgi:app'`` on it;
3. runs ``--users`` threads for ``--seconds`` seconds, each logged in once (its own cookie), going round the pages:
   start page (worklist), households list and a search, a household page, a batch page, signals, the reports page,
   and the API reads (households search, a household, a page of a batch's items, a page of signals, the batch list).
   After each answer a user waits ``--think`` seconds, as a person reads a page before the next click: by default a
   random 1 to 3 s (so 20 users ask about 10 pages a second together); ``--think 0`` asks again at once (a closed
   loop: on a small machine that measures the queue in front of the CPU more than the pages);
4. before the users, asks each batch page once (timed apart: that first view computes the batch's sums and keeps
   them, as the first look after a run was prepared or approved does);
5. prints p50/p95/p99 (ms), requests and errors per page, writes ``benchmarks/results/web-<dialect>.json``, stops
   gunicorn and drops the database.

An error is any answer other than 200 or a failed connection. Other work on the machine shares its CPU with the
server, the database and the load threads: the load average at start and end is recorded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULTS = Path(__file__).parent / "results"
USERNAME = "lasttest"
PASSWORD = "lasttest-wachtwoord-16"  # noqa: S105 (a benchmark's own database)
ROLES = ("finance", "caseworker", "supervisor", "accountant")


def build(url: str, households: int) -> dict[str, Any]:
    """The database: households, a month of runs, the day's signals, the load user and its token."""
    from datetime import date

    from bench_runs import MANAGED_IBAN, RUN_DATES, book_receipts, build_households

    from budgetbeheer.audit.service import Actor
    from budgetbeheer.composition import registry
    from budgetbeheer.config import Settings
    from budgetbeheer.db.engine import make_engine, make_session_factory
    from budgetbeheer.db.migrate import upgrade
    from budgetbeheer.lifecycle.signals import raise_all
    from budgetbeheer.payments import service
    from budgetbeheer.users.service import actor_for, create_token, create_user

    registry()
    upgrade(url)
    engine = make_engine(url)
    session = make_session_factory(engine)()
    settings = Settings(environment="test", database_url=url, secret_key="bench",  # noqa: S106 (benchmark only)
                        managed_account_iban=MANAGED_IBAN, approval_threshold_cents=10**15)
    started = time.perf_counter()
    build_households(session, households)
    add_persons(session, households)
    system = Actor.system("bench")
    approver = create_user(session, system, username="frank", roles=["finance"], password=PASSWORD)
    user = create_user(session, system, username=USERNAME, roles=list(ROLES), password=PASSWORD)
    session.commit()
    batches = []
    for day in RUN_DATES:
        if day == date(2026, 12, 28):
            book_receipts(session, households, date(2026, 12, 25))
        batch, _ = service.prepare_run(session, Actor.system("scheduler"), day, settings)
        session.commit()
        service.approve(session, actor_for(approver), batch.id)
        session.commit()
        batches.append(batch.id)
    raise_all(session, date(2026, 12, 1))
    token = create_token(session, system, user, label="load")
    session.commit()
    session.close()
    engine.dispose()
    return {"batches": batches, "token": token, "build_seconds": round(time.perf_counter() - started, 1)}


FIRST_NAMES = ("Amal", "Yusuf", "Rania", "Omar", "Hiba", "Samir", "Dina", "Karim", "Lina", "Tarek")


def last_name(household: int) -> str:
    """A last name of letters only, one per household (``Haddad`` and a suffix spelling the number in letters), so a
    search for it finds one household: the API refuses digits in a search (a BSN never goes in a URL)."""
    letters, number = "", household
    while number:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return f"Haddad-{letters or 'a'}"


def bsn_for(household: int) -> str:
    """A BSN that passes the 11-check, one per household."""
    base = 100_000_000 + household * 100
    while True:
        digits = [int(c) for c in f"{base:09d}"]
        if sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) % 11 == digits[8]:
            return f"{base:09d}"
        base += 1


def add_persons(session: Any, households: int) -> None:
    """One person per household (the builder of ``bench_runs.py`` makes none): the lists and searches show names."""
    from datetime import date

    from sqlalchemy import insert

    from budgetbeheer.tables.households import Person

    session.execute(insert(Person), [
        {"id": n, "household_id": n, "bsn": bsn_for(n), "active_bsn": bsn_for(n), "first_name": FIRST_NAMES[n % 10],
         "last_name": last_name(n), "date_of_birth": date(1980 + n % 30, 1 + n % 12, 1 + n % 28)}
        for n in range(1, households + 1)
    ])
    session.commit()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    # Production, except the two-step code finance users log in with (the load user is one): its users log in with
    # their password only, as the log-in itself is not what is measured.
    env = dict(os.environ, BUDGETBEHEER_DATABASE_URL=url, BUDGETBEHEER_SECRET_KEY="bench-secret-key-" + "x" * 40,
               BUDGETBEHEER_ENV="production", BUDGETBEHEER_REQUIRE_TOTP_FOR="")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "budgetbeheer.web.wsgi:app"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped: " + (process.stderr.read() if process.stderr else b"").decode()[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


class Client:
    """One user: a keep-alive connection, its session cookie (web) or its token (API)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None, *, api: bool = False) -> tuple[int, str]:
        headers = {"Accept-Language": "nl"}
        if api:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def log_in(self) -> None:
        _, page = self.request("GET", "/login")
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page)
        fields = {"username": USERNAME, "password": PASSWORD}
        if found:
            fields["csrf_token"] = found.group(1)
        status, _ = self.request("POST", "/login", urllib.parse.urlencode(fields))
        if status != 302:
            raise SystemExit(f"log-in answered {status}")


def pages() -> list[tuple[str, str, bool]]:
    """``(name, path, api)``: the pages the users go round; ids chosen per request (``{name}``: one household's last
    name, letters only)."""
    return [
        ("start page", "/", False),
        ("households list", "/households/", False),
        ("households search", "/households/?q={name}", False),
        ("household page", "/households/{household}", False),
        ("batch page", "/batches/{batch}", False),
        ("signals", "/signals", False),
        ("reports page", "/reports/", False),
        ("api households search", "/api/v1/households?query={name}", True),
        ("api household", "/api/v1/households/{household}", True),
        ("api batch items page", "/api/v1/batches/{batch}?page={page}&per_page=500", True),
        ("api signals page", "/api/v1/signals?page=1&per_page=50", True),
        ("api batch list", "/api/v1/batches?page=1&per_page=50", True),
    ]


def warm(port: int, batches: list[int]) -> dict[str, float]:
    """Each batch page once before the users start, timed: the first view after a batch changed computes its sums
    and keeps them (``budgetbeheer.payments.summary``); the load measures the views after it, as a finance user's
    second look and everyone else's."""
    client = Client(port, "")
    client.log_in()
    timings = {}
    for batch in batches:
        started = time.perf_counter()
        status, _ = client.request("GET", f"/batches/{batch}")
        if status != 200:
            raise SystemExit(f"batch page {batch} answered {status}")
        timings[str(batch)] = round((time.perf_counter() - started) * 1000, 1)
    return timings


def think_times(spec: str) -> tuple[float, float]:
    """``--think``: ``1-3`` (a random pause between 1 and 3 s), ``2`` (always 2 s) or ``0`` (none: closed loop)."""
    low, _, high = spec.partition("-")
    try:
        pause = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError("give seconds, such as 2 or 1-3") from None
    if pause[0] < 0 or pause[1] < pause[0]:
        raise argparse.ArgumentTypeError("give seconds, such as 2 or 1-3")
    return pause


def load(port: int, token: str, households: int, batches: list[int], users: int,
         seconds: float, think: tuple[float, float] = (1.0, 3.0)) -> dict[str, Any]:
    timings: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    chosen = pages()

    def user(number: int) -> None:
        rng = random.Random(number)
        client = Client(port, token)
        client.log_in()
        index = number % len(chosen)
        time.sleep(rng.uniform(0, think[1]))  # the users do not all start at the same instant
        while time.monotonic() < stop_at:
            name, template, api = chosen[index % len(chosen)]
            index += 1
            path = template.format(household=rng.randint(1, households), batch=rng.choice(batches),
                                   page=rng.randint(1, max(1, households // 125)),
                                   name=urllib.parse.quote(last_name(rng.randint(1, households))))
            started = time.perf_counter()
            try:
                status, _ = client.request("GET", path, api=api)
            except (http.client.HTTPException, OSError):
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.setdefault(name, []).append(elapsed)
                if status != 200:
                    errors[name] = errors.get(name, 0) + 1
            pause = rng.uniform(*think)
            if pause and time.monotonic() + pause < stop_at:
                time.sleep(pause)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    result = {}
    for name, _, _ in chosen:
        values = sorted(timings.get(name, []))
        if not values:
            result[name] = {"requests": 0, "errors": errors.get(name, 0)}
            continue

        def at(share: float, values: list[float] = values) -> float:
            return round(values[min(len(values) - 1, int(share * len(values)))], 1)

        result[name] = {"requests": len(values), "errors": errors.get(name, 0), "p50_ms": at(0.50),
                        "p95_ms": at(0.95), "p99_ms": at(0.99)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None,
                        help="default: a SQLite file in a temporary folder; with a PostgreSQL URL a database of its own there")
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=think_times, default=(1.0, 3.0), metavar="SECONDS",
                        help="each user's pause after an answer, like a person reading the page: 1-3 (default, "
                             "random between 1 and 3 s), 2, or 0 (none: every user asks again at once)")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    from common import fresh_database
    from sqlalchemy.engine import make_url

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with fresh_database(args.database_url, f"bbbench_web_{os.getpid()}") as url:
        dialect = make_url(url).get_backend_name()
        print(f"building {args.households} households on {dialect} ...", flush=True)
        built = build(url, args.households)
        print(f"built in {built['build_seconds']} s; gunicorn with {args.workers} workers", flush=True)
        port = free_port()
        server = start_gunicorn(url, port, args.workers)
        try:
            first_views = warm(port, built["batches"])
            print("first views of the batch pages (their sums computed and kept): "
                  + ", ".join(f"{ms:.0f} ms" for ms in first_views.values()), flush=True)
            pages_result = load(port, built["token"], args.households, built["batches"], args.users, args.seconds,
                                think=args.think)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"{'page':<24} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, row in pages_result.items():
        print(f"{page:<24} {row['requests']:>8} {row['errors']:>6} {row.get('p50_ms', '-'):>8} "
              f"{row.get('p95_ms', '-'):>8} {row.get('p99_ms', '-'):>8}")
    result = {
        "dialect": dialect, "households": args.households, "users": args.users, "seconds": args.seconds,
        "workers": args.workers,
        "think_seconds": list(args.think), "first_batch_views_ms": first_views, "build_seconds": built["build_seconds"], "pages": pages_result,
        "worst_p95_ms": max((row.get("p95_ms", 0) for row in pages_result.values()), default=0),
        "errors": sum(row["errors"] for row in pages_result.values()),
        "goals": {"p95_ms": 300, "errors": 0},
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output = args.output or RESULTS / f"web-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
