"""Benchmark: what recovering advances on receipt (the special feature's ``ReceiptsBooked`` handler) costs the bulk
receipt booking of a bank statement.

    PYTHONPATH=. BUDGETBEHEER_ENV=test python benchmarks/bench_advance_hook.py [--receipts 20000]

N households (bench_runs' bulk builder) on a fresh SQLite file each time; N receipts booked with
:func:`budgetbeheer.households.receipts.book_receipts_in_bulk` (one ``ReceiptsBooked`` for the lot), three ways: without the
handler, with it and no open advance, with it and an open advance (recovered from the benefit) on 1% of the
households. Wall-clock time of the booking and its commit.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date

import time_machine
from bench_runs import build_households
from sqlalchemy.orm import Session

from budgetbeheer import events
from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.db.base import utcnow
from budgetbeheer.db.engine import make_engine
from budgetbeheer.db.migrate import upgrade
from budgetbeheer.households.receipts import book_receipts_in_bulk
from budgetbeheer.special.advances import recover_from_receipt, recover_from_receipts
from budgetbeheer.tables.payments import Advance

CASES = (("without handler", False, 0), ("with handler, no open advance", True, 0),
         ("with handler, 1% with an open advance", True, 100))


def run(count: int) -> None:
    handlers = registry().handlers()
    for label, with_handler, every in CASES:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            build_households(session, count)
            if every:
                session.add_all([Advance(household_id=n, amount_cents=100_00, open_cents=100_00,
                                         granted_on=date(2026, 12, 1), reason="bench", created_by="bench",
                                         created_at=utcnow(), ledger_transaction_id=1, recovery_type="next_income",
                                         recovery_kind="benefit") for n in range(1, count + 1, every)])
                session.commit()
            session.info[events.BUS_KEY] = events.EventBus(
                [(kind, handler) for kind, handler in handlers if with_handler or handler not in (recover_from_receipt, recover_from_receipts)])
            wanted = [({"household_id": n, "amount": "12.34", "date": "2026-12-15", "kind": "benefit",
                        "reference": f"r{n}"}, f"k{n}") for n in range(1, count + 1)]
            started = time.perf_counter()
            book_receipts_in_bulk(session, Actor.system("bench"), wanted, source="api")
            session.commit()
            print(f"{label}: {count} receipts in {time.perf_counter() - started:.2f} s", flush=True)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=20_000)
    arguments = parser.parse_args()
    with time_machine.travel("2026-12-20 09:00 +0000", tick=True):
        run(arguments.receipts)


if __name__ == "__main__":
    main()
