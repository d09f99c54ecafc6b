"""Benchmark: a month's bank statement for N households imported and matched, beside lxml's parse floor.

    python benchmarks/bench_bank.py [--households 50000] [--database-url URL] [--output PATH]

N households (default 50,000) enrolled with bench_runs' bulk builder (rent, health insurance, energy, water, weekly
leefgeld, EUR 2,000 each). The first two weekly runs of the month (30 November and 7 December 2026: rent, health
insurance, water and two weeks of leefgeld, five transfers per household, 250,000 for 50,000) are prepared, approved
and exported by the service. Then half of the month's income is announced: one receipt per household booked through
:func:`budgetbeheer.households.receipts.book_receipts_in_bulk` (source ``api``: what the API's
``book_receipt`` books, 5,000 at a time). The bank's statement
(:mod:`budgetbeheer.bank.simulate`, written streaming by :mod:`budgetbeheer.bank.statement_writer`) has:

* one debit entry per payment-information block, alternately BNG-style (``Btch`` only, no details: matched by
  ``PmtInfId``) and ING-style (``Btch`` plus a ``TxDtls`` per transfer: matched by EndToEndId);
* 1% of the transfers back as returns (reason codes AC04, MD07, MS03, AM04 in turn), three days later;
* 2 × N credits: N confirming the announced receipts (same amount, no client number in the text), N unannounced
  with ``klantnummer <household>`` in the text (booked to that household).

Measured: ``import_match``: :func:`budgetbeheer.bank.service.import_statements` plus the commit; ``parse_floor``:
``lxml.etree.iterparse`` alone over the same bytes (every element's end, each cleared), just before the import (the
goal's floor); ``parse_floor_after``: the same floor once more after the import, to show how much the floor itself
moves within one run (``import_match_vs_parse_floor_after``; not the goal's ratio). Time is wall-clock; memory
is the growth of the peak RSS (VmHWM, reset before each step through ``/proc/self/clear_refs``) over the RSS before
the step. The clock stands at 28 December 2026 (``time_machine``, ticking). Without ``--database-url`` a fresh SQLite file in a temporary directory is used; with a PostgreSQL URL the
database it names is created fresh (and dropped afterwards; the database ``test`` is refused). Results go to
``benchmarks/results/bank-<dialect>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import time_machine
from bench_runs import MANAGED_IBAN, RUN_DATES, build_households
from common import fresh_database, generated_ibans, rss_kib
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import service as bank
from budgetbeheer.bank import simulate
from budgetbeheer.bank.model import Entry, Statement
from budgetbeheer.bank.statement_writer import write_statement
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine, make_session_factory, normalise_url
from budgetbeheer.db.migrate import upgrade
from budgetbeheer.households.receipts import book_receipts_in_bulk
from budgetbeheer.ledger.service import BANK, account_id, balance, money_identity
from budgetbeheer.payments import service
from budgetbeheer.tables.bank import BankLine, LineState
from budgetbeheer.tables.payments import BankFile, PaymentItem
from budgetbeheer.users.service import actor_for, create_user

RESULTS = Path(__file__).parent / "results"
INCOME_DAY = date(2026, 12, 24)
RETURN_CODES = ("AC04", "MD07", "MS03", "AM04")
MONTH_END = "2026-12-28 09:00 +01:00"  # the clock of the whole benchmark: after the income day and the returns


def peak_kib() -> int:
    """The peak RSS since the last :func:`reset_peak` (VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0  # pragma: no cover


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def server_cpu_seconds(pid: int | None) -> float:
    """The CPU time (user + system) the PostgreSQL backend ``pid`` has used so far (it runs on this machine); 0
    without one."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def measured(steps: dict[str, dict[str, float]], name: str, server_pid: int | None = None) -> Iterator[None]:
    """Wall-clock time and peak RSS growth of a step; also the CPU time it used in this process and, with
    ``server_pid``, in the database's backend (what the machine's load does not stretch as it stretches the clock)."""
    gc.collect()
    reset_peak()
    before = rss_kib()
    server_before = server_cpu_seconds(server_pid)
    cpu_started = time.process_time()
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    steps[name] = {"seconds": round(seconds, 3), "peak_rss_growth_kib": max(0, peak_kib() - before),
                   "cpu_seconds": round(time.process_time() - cpu_started, 3)}
    if server_pid is not None:
        steps[name]["server_cpu_seconds"] = round(server_cpu_seconds(server_pid) - server_before, 3)
    print(f"  {name}: {seconds:.2f} s, peak RSS +{steps[name]['peak_rss_growth_kib'] // 1024} MiB", flush=True)


def announced_amount(household: int) -> int:
    return 1000_00 + household  # a benefit of its own size: one announced receipt per amount


def unannounced_amount(household: int) -> int:
    return 150_00 + household % 997


def prepare(session: Any, households: int, settings: Settings, folder: Path) -> tuple[Path, dict[str, Any]]:
    """The books and the bank's file: households, two runs exported, announced receipts, the statement."""
    started = time.perf_counter()
    build_households(session, households)
    finance = [actor_for(create_user(session, Actor.system("bench"), username=name, roles=["finance"],
                                     password="bench-wachtwoord"))  # noqa: S106 (benchmark only)
               for name in ("fatima", "frank")]
    session.commit()
    opening = balance(session, account_id(session, BANK), date(2026, 11, 29))
    scheduler = Actor.system("scheduler")
    batch_ids = []
    for day in RUN_DATES[:2]:
        batch, _ = service.prepare_run(session, scheduler, day, settings)
        session.commit()
        service.approve(session, finance[1], batch.id)
        session.commit()
        service.export(session, finance[1], batch.id, settings)
        session.commit()
        batch_ids.append(batch.id)
    print(f"  runs prepared, approved and exported: {time.perf_counter() - started:.1f} s", flush=True)
    for first in range(1, households + 1, 5000):  # as the API books them, 5,000 at a time
        book_receipts_in_bulk(session, finance[0], [
            ({"household_id": n, "amount": f"{announced_amount(n) / 100:.2f}", "date": INCOME_DAY.isoformat(),
              "kind": "benefit", "reference": f"UWV uitkering 12-2026 {n}"}, f"bench-announced:{n}")
            for n in range(first, min(first + 5000, households + 1))], source="api")
        session.commit()
    print(f"  announced receipts booked: {time.perf_counter() - started:.1f} s", flush=True)
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id.in_(batch_ids))
                                 .order_by(BankFile.id)))
    blocks = [block for content in files for block in simulate.read_pain001(content)]
    transfers = sum(len(b.transfers) for b in blocks)
    debits: list[Entry] = []
    for number, block in enumerate(blocks):
        debits += simulate.debit_entries([block], shape="BNG" if number % 2 == 0 else "ING")
    returns = {t.end_to_end_id: RETURN_CODES[i % len(RETURN_CODES)]
               for i, t in enumerate(t for b in blocks for t in b.transfers) if i % 100 == 50}
    payers = generated_ibans(97, first_account=7_000_000)
    credits = [simulate.Credit(announced_amount(n), INCOME_DAY, "UWV", "NL18BNGH0285001234",
                               f"UWV uitkering 12-2026 betalingskenmerk {9_000_000 + n}") for n in range(1, households + 1)]
    credits += [simulate.Credit(unannounced_amount(n), INCOME_DAY, f"Werkgever {n % 97}", payers[n % 97],
                                f"Loon 12-2026 klantnummer {n}") for n in range(1, households + 1)]
    entries = sorted([*debits, *simulate.return_entries(blocks, returns), *simulate.credit_entries(credits)],
                     key=lambda entry: entry.booking_date)
    statement = Statement(
        kind="camt.053.001.02", message_id="BENCH-2026-12-MSG", statement_id="BENCH-2026-12", sequence_number=12,
        created_at=None, account_iban=MANAGED_IBAN, currency="EUR", from_date=entries[0].booking_date,
        to_date=entries[-1].booking_date, opening_balance_cents=opening,
        closing_balance_cents=opening + sum(e.amount_cents for e in entries), closing_date=entries[-1].booking_date,
        entries=(),
    )
    path = folder / "afschrift.xml"
    write_statement(path, statement, shape="ING", entries=iter(entries))
    facts = {"transfers": transfers, "blocks": len(blocks),
             "blocks_bng_style": sum(1 for e in debits if not e.transfers),
             "blocks_ing_style": sum(1 for e in debits if e.transfers), "returns": len(returns),
             "credits": len(credits), "credits_announced": households, "credits_with_client_number": households,
             "entries": len(entries), "file_bytes": path.stat().st_size}
    del files, blocks, debits, credits, entries, returns
    print(f"  statement written ({facts['file_bytes'] / 2**20:.0f} MiB, {facts['entries']} entries): "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return path, facts


def parse_floor(content: bytes) -> int:
    """lxml alone: every element's end, each cleared (the least any reader of this file must pay)."""
    count = 0
    for _event, element in etree.iterparse(io.BytesIO(content), events=("end",), resolve_entities=False,
                                           load_dtd=False, no_network=True):
        element.clear()
        count += 1
    return count


def run(households: int, url: str, steps: dict[str, dict[str, float]], folder: Path,
        profile: Path | None = None) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    settings = Settings(environment="test", database_url=url, secret_key="bench",  # noqa: S106 (benchmark only)
                        managed_account_iban=MANAGED_IBAN, approval_threshold_cents=10**15)
    session = factory()
    path, facts = prepare(session, households, settings, folder)
    importer = actor_for(create_user(session, Actor.system("bench"), username="ilse", roles=["finance"],
                                     password="bench-wachtwoord"))  # noqa: S106 (benchmark only)
    session.commit()
    session.close()
    content = path.read_bytes()
    with measured(steps, "parse_floor"):
        elements = parse_floor(content)
    session = factory()
    server_pid = (int(session.scalar(select(func.pg_backend_pid())) or 0) or None
                  if session.get_bind().dialect.name == "postgresql" else None)
    profiler = cProfile.Profile() if profile is not None else None
    with measured(steps, "import_match", server_pid):
        if profiler is not None:
            profiler.enable()
        result = bank.import_statements(session, importer, content, settings, path.name)
        session.commit()
        if profiler is not None:
            profiler.disable()
    if profiler is not None and profile is not None:
        profiler.dump_stats(profile)
    with measured(steps, "parse_floor_after"):  # the floor again: how much it moves within one run (not the goal's)
        parse_floor(content)
    del content
    stored = result.statements[0]
    outcome = result.outcomes[stored.id]
    summary = bank.statement_summary(session, stored, outcome)
    figures = summary["reconciliation"]
    states = dict(session.execute(select(BankLine.state, func.count(BankLine.id)).group_by(BankLine.state)).all())
    items = dict(session.execute(select(PaymentItem.status, func.count(PaymentItem.id))
                                 .group_by(PaymentItem.status)).all())
    lines = outcome.matched + outcome.unmatched
    facts.update({
        "elements": elements,
        "lines": lines,
        "lines_matched": outcome.matched,
        "lines_unmatched": outcome.unmatched,
        "matched_without_a_person": round(outcome.matched / lines, 4) if lines else None,
        "line_states": {str(k): v for k, v in states.items()},
        "settled_items": outcome.settled_items, "returned_items": outcome.returned_items,
        "receipts_confirmed": outcome.receipts_confirmed, "receipts_booked": outcome.receipts_booked,
        "item_statuses": {str(k): v for k, v in items.items()},
        "reconciliation_difference_cents": figures.difference_cents,
        "money_identity_holds": money_identity(session).holds,
    })
    assert states.get(LineState.UNMATCHED, 0) == outcome.unmatched
    session.close()
    engine.dispose()
    return facts


def _database_name(url: str | None) -> str:
    """The database a PostgreSQL URL names (the benchmark makes it fresh), ``bench_bank`` when it names none."""
    return (make_url(normalise_url(url)).database if url else None) or "bench_bank"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats of the import step here")
    args = parser.parse_args(argv)
    registry()  # the features plugged in and the event bus built, as the CLI does
    steps: dict[str, dict[str, float]] = {}
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with (fresh_database(args.database_url, _database_name(args.database_url)) as url,
          tempfile.TemporaryDirectory() as folder,
          time_machine.travel(MONTH_END, tick=True)):
        dialect = make_url(url).get_backend_name()
        print(f"{args.households} households on {dialect}", flush=True)
        facts = run(args.households, url, steps, Path(folder), args.profile)
    result = {
        "households": args.households,
        "dialect": dialect,
        **facts,
        "steps": steps,
        "import_match_vs_parse_floor": round(steps["import_match"]["seconds"] / steps["parse_floor"]["seconds"], 2),
        "import_match_vs_parse_floor_after": round(steps["import_match"]["seconds"]
                                                   / steps["parse_floor_after"]["seconds"], 2),
        # CPU seconds of the import (this process and the database's backend) per CPU second of the floor: how much
        # work the import is, whatever the load stretched the clock by (not the goal's ratio)
        "import_match_cpu_vs_parse_floor_cpu": round(
            (steps["import_match"]["cpu_seconds"] + steps["import_match"].get("server_cpu_seconds", 0))
            / steps["parse_floor"]["cpu_seconds"], 2),
        "import_match_peak_rss_growth_mib": round(steps["import_match"]["peak_rss_growth_kib"] / 1024),
        "goals": {"import_match_vs_parse_floor": 3.0, "import_match_peak_rss_growth_mib": 512,
                  "matched_without_a_person": 0.99},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output = args.output or RESULTS / f"bank-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("import_match_vs_parse_floor", "import_match_vs_parse_floor_after",
                                             "import_match_cpu_vs_parse_floor_cpu",
                                             "import_match_peak_rss_growth_mib",
                                             "matched_without_a_person", "steps")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
