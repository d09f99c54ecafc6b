"""A CSV line's key is ``csv:`` and its receipt's request hash: built directly for speed, it must stay the very text
``json.dumps`` wrote before, or lines imported earlier would be booked again."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.households.receipts import ReceiptInput


def _as_before(receipt: ReceiptInput) -> str:
    canonical = json.dumps([receipt.household_id, receipt.amount_cents, receipt.received_on.isoformat(),
                            receipt.kind, receipt.reference or ""], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@given(st.integers(1, 2**63 - 1), st.integers(1, 10**15), st.dates(date(2000, 1, 1), date(2100, 1, 1)),
       st.sampled_from(["benefit", "allowance", "child_benefit", "wages", "other"]),
       st.one_of(st.none(), st.text(max_size=140)))
def test_the_request_hash_is_the_one_json_gave(household: int, cents: int, on: date, kind: str,
                                               reference: str | None) -> None:
    receipt = ReceiptInput(household, cents, on, kind, reference)
    assert receipt.request_hash() == _as_before(receipt)


def test_a_known_line_keeps_its_key() -> None:
    receipt = ReceiptInput(12, 178030, date(2026, 3, 25), "benefit", "UWV maart \u00e9\"\\")
    assert receipt.request_hash() == _as_before(receipt)
