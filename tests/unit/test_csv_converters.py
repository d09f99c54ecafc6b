"""The CSV writer's per-column converters (chosen once per table, for speed) write every cell as ``csv_value`` does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from budgetbeheer.reports.export import csv_converter, csv_value
from budgetbeheer.reports.model import Column, ColumnType

VALUES: list[Any] = [0, 1, -1, 65000, -65099, 10**12, "tekst", "=SOM(A1)", "+31", "-5", "@x", "\tx", "\rx", "",
                     "a;b", date(2026, 12, 1), "2026-12-01", datetime(2026, 12, 1, 7, 5, 3, tzinfo=UTC),
                     "2026-12-01 07:05:03.000000", True, False, Decimal("1.50"), 3.0]


@pytest.mark.parametrize("dutch", [False, True])
@pytest.mark.parametrize("kind", list(ColumnType))
def test_each_converter_writes_what_csv_value_writes(kind: ColumnType, dutch: bool) -> None:
    column = Column("c", "C", kind)
    convert = csv_converter(column, dutch)
    compared = 0
    for value in VALUES:
        try:
            expected = csv_value(column, value, dutch)
        except (TypeError, ValueError, AttributeError):
            with pytest.raises((TypeError, ValueError, AttributeError)):
                convert(value)
            continue
        assert convert(value) == expected, (kind, value)
        compared += 1
    assert compared >= 10
