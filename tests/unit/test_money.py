from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.money import AmountError, cents_to_str, format_eur, parse_amount, split_cents, split_evenly, to_cents


@pytest.mark.parametrize(
    ("raw", "cents"),
    [("650.00", 65000), ("650", 65000), ("650,5", 65050), ("1.234,56", 123456), ("€ 12,34", 1234),
     (Decimal("0.01"), 1), (12, 1200), (" 99.99 ", 9999)],
)
def test_parse_amount_accepts_dutch_and_api_notation(raw: object, cents: int) -> None:
    assert parse_amount(raw) == cents


@pytest.mark.parametrize("raw", ["0", "0.00", "-1.00", "1.001", "abc", "", "100000.01", 1.5, True, None, "NaN", "Infinity"])
def test_parse_amount_refuses_bad_amounts(raw: object) -> None:
    with pytest.raises(AmountError):
        parse_amount(raw)


def test_parse_amount_limits_are_configurable() -> None:
    assert parse_amount("0", allow_zero=True) == 0
    assert parse_amount("-5", allow_negative=True) == -500
    assert parse_amount("250000.00", maximum_cents=None) == 25_000_000


def test_formats() -> None:
    assert cents_to_str(65000) == "650.00"
    assert cents_to_str(-5) == "-0.05"
    assert format_eur(123456, "nl") == "€ 1.234,56"
    assert format_eur(123456, "en") == "€1,234.56"
    assert format_eur(-5, "nl") == "-€ 0,05"
    assert to_cents(Decimal("12.30")) == 1230
    with pytest.raises(ValueError):
        to_cents(Decimal("0.001"))


def test_split_uses_largest_remainder() -> None:
    assert split_evenly(100, 3) == [34, 33, 33]
    assert split_cents(1000, [1, 1, 1]) == [334, 333, 333]
    assert split_cents(-100, [1, 2]) == [-33, -67]


@given(st.integers(-10**9, 10**9), st.lists(st.integers(0, 1000), min_size=1, max_size=20).filter(lambda w: sum(w) > 0))
def test_split_parts_always_add_up(total: int, weights: list[int]) -> None:
    parts = split_cents(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
