"""What the benchmarks share: memory readings and generated test IBANs."""

from __future__ import annotations

import resource


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
