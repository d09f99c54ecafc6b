"""What the benchmarks share: memory readings, generated test IBANs and a fresh database to run in."""

from __future__ import annotations

import json
import os
import platform
import resource
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from budgetbeheer.db.engine import normalise_url


def rss_kib() -> int:
    """Current resident set size in KiB (Linux), falling back to the peak when /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return peak_rss_kib()


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def generated_ibans(count: int, first_account: int) -> list[str]:
    """``count`` valid Dutch test IBANs (bank INGB), account numbers from ``first_account`` on."""
    from schwifty import IBAN

    return [str(IBAN.generate("NL", bank_code="INGB", account_code=str(first_account + i))) for i in range(count)]


@contextmanager
def fresh_database(url: str | None, name: str) -> Iterator[str]:
    """A database of the benchmark's own: without ``url`` a SQLite file in a temporary folder; with a PostgreSQL URL
    the database ``name`` created fresh on that server (and dropped afterwards); any other URL as it is. The shared
    ``test`` and ``postgres`` databases are refused."""
    if url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "postgresql":
        yield url
        return
    if name in ("test", "postgres"):
        raise SystemExit(f"refusing to use the database {name!r}: name one of your own, e.g. .../bench_bank")
    admin = create_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def run_facts(load_at_start: list[float]) -> dict[str, Any]:
    """What every result file records of the run: the machine, the load average at start and end, when."""
    return {
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
