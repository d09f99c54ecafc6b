"""Benchmark: sepaxml on its own versus our ``build_bank_files`` for N credit transfers.

    python benchmarks/bench_sepa.py [--n 100000] [--output benchmarks/results/sepa.json]

Each measurement runs in its own child process so that peak memory is not inherited from an earlier one:

* ``sepaxml``: ``SepaTransfer.add_payment`` N times and one ``export(validate=False)`` (no validation at all);
* ``ours``: ``build_bank_files`` (schwifty IBAN checks, EPC cleaning, reference checks, sepaxml, lxml repair of the
  XML, and lxml validation against the XSD), plus a separate timing of ``validate_xml`` on the result.

Time is wall-clock (``perf_counter``) in a run without tracemalloc. Memory is reported twice: the growth of the
process's peak RSS (``ru_maxrss``) over the RSS after the input was prepared, from the same timed run; and the peak of
Python allocations measured by ``tracemalloc`` in a second, untimed run (tracemalloc slows Python down a lot).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from common import generated_ibans, peak_rss_kib, rss_kib

EXECUTION = date(2027, 3, 25)
CREATED = datetime(2027, 3, 24, 9, 0, tzinfo=UTC)
DEBTOR_NAME = "Gemeente Voorbeeld"
DEBTOR_IBAN = "NL73BNGH0285050515"
DEBTOR_BIC = "BNGHNL2G"
DEFAULT_OUTPUT = Path(__file__).parent / "results" / "sepa.json"


def _run_sepaxml(n: int) -> dict[str, Any]:
    from sepaxml import SepaTransfer

    ibans = generated_ibans(1000, first_account=1_000_000)
    payments = [
        {
            "name": f"Crediteur {i % 997}",
            "IBAN": ibans[i % len(ibans)],
            "amount": 100 + i % 50_000,
            "execution_date": EXECUTION,
            "description": f"klant {i}",
            "endtoend_id": f"BB-{i}",
        }
        for i in range(n)
    ]
    config = {"name": DEBTOR_NAME, "IBAN": DEBTOR_IBAN, "BIC": DEBTOR_BIC, "batch": True, "currency": "EUR"}
    rss_before = rss_kib()
    started = time.perf_counter()
    sepa = SepaTransfer(dict(config), schema="pain.001.001.03", clean=False)
    for payment in payments:
        sepa.add_payment(dict(payment))
    added = time.perf_counter()
    content: bytes = sepa.export(validate=False)
    finished = time.perf_counter()
    return {
        "add_seconds": round(added - started, 3),
        "export_seconds": round(finished - added, 3),
        "total_seconds": round(finished - started, 3),
        "bytes": len(content),
        "files": 1,
        "peak_rss_growth_mib": round((peak_rss_kib() - rss_before) / 1024, 1),
    }


def _run_ours(n: int) -> dict[str, Any]:
    from budgetbeheer.domain.references import ReferenceKind, make_betalingskenmerk
    from budgetbeheer.payments.sepa.bundle import build_bank_files
    from budgetbeheer.payments.sepa.model import DebtorAccount, Transfer
    from budgetbeheer.payments.sepa.schema import validate_xml

    ibans = generated_ibans(1000, first_account=1_000_000)
    transfers = [
        Transfer(
            end_to_end_id=f"BB-{i}",
            creditor_name=f"Crediteur {i % 997}",
            creditor_iban=ibans[i % len(ibans)],
            creditor_bic=None,
            amount_cents=100 + i % 50_000,
            reference_kind=ReferenceKind.BETALINGSKENMERK if i % 2 else ReferenceKind.FREE_TEXT,
            reference=make_betalingskenmerk(str(i)) if i % 2 else f"klant {i}",
        )
        for i in range(n)
    ]
    debtor = DebtorAccount(DEBTOR_NAME, DEBTOR_IBAN, DEBTOR_BIC)
    rss_before = rss_kib()
    started = time.perf_counter()
    files = build_bank_files(debtor, transfers, EXECUTION, "BENCH-1", created_at=CREATED)
    finished = time.perf_counter()
    peak_growth = peak_rss_kib() - rss_before
    validate_started = time.perf_counter()
    problems = [validate_xml(f.content, f.version) for f in files]
    validate_finished = time.perf_counter()
    assert not any(problems), problems
    return {
        "total_seconds": round(finished - started, 3),
        "lxml_validation_seconds": round(validate_finished - validate_started, 3),
        "bytes": sum(len(f.content) for f in files),
        "files": len(files),
        "peak_rss_growth_mib": round(peak_growth / 1024, 1),
    }


def _tracemalloc_peak(scenario: str, n: int) -> dict[str, Any]:
    tracemalloc.start()
    run = _run_sepaxml if scenario == "sepaxml" else _run_ours
    run(n)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"tracemalloc_peak_mib": round(peak / 2**20, 1)}


def _child(scenario: str, n: int, traced: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", scenario, "--n", str(n)]
    if traced:
        command.append("--tracemalloc")
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100_000, help="number of credit transfers (default 100000)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--child", choices=["sepaxml", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        if args.tracemalloc:
            print(json.dumps(_tracemalloc_peak(args.child, args.n)))
        else:
            run = _run_sepaxml if args.child == "sepaxml" else _run_ours
            print(json.dumps(run(args.n)))
        return 0

    results: dict[str, Any] = {
        "n": args.n,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "sepaxml": version("sepaxml"),
            "lxml": version("lxml"),
            "schwifty": version("schwifty"),
            "load_average_before": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        },
    }
    for scenario in ("sepaxml", "ours"):
        print(f"{scenario}: timing {args.n} transfers ...", file=sys.stderr)
        measured = _child(scenario, args.n, traced=False)
        print(f"{scenario}: tracemalloc run ...", file=sys.stderr)
        measured.update(_child(scenario, args.n, traced=True))
        results[scenario] = measured
    results["ours_over_sepaxml"] = round(results["ours"]["total_seconds"] / results["sepaxml"]["total_seconds"], 2)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
