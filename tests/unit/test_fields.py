"""The one reading of input values (budgetbeheer.fields): dates, whole numbers, IBANs, spreadsheet cells."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from budgetbeheer.fields import as_whole_number, check_iban, neutralise_formula, parse_iso_date, starts_like_formula


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-02", date(2026, 12, 2)),
        ("  2026-12-02 ", date(2026, 12, 2)),
        (date(2026, 2, 28), date(2026, 2, 28)),
        ("2026-02-30", None),
        ("02-12-2026", None),
        ("", None),
        (None, None),
        (20261202, None),
        (datetime(2026, 12, 2, 9, 0), None),
    ],
)
def test_parse_iso_date(raw: object, expected: date | None) -> None:
    assert parse_iso_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(12, 12), (" 12 ", 12), ("0", 0), ("-3", None), ("1.5", None), (1.0, None), (True, None), ("١٢", None), ("", None)],
)
def test_as_whole_number(raw: object, expected: int | None) -> None:
    assert as_whole_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "compact", "problem"),
    [
        ("NL91 abna 0417 1643 00", "NL91ABNA0417164300", ""),
        ("NL92ABNA0417164300", "", "checksum"),
        ("NL91ABNA041716430", "", "length"),
        ("XX91ABNA0417164300", "", "country"),
        ("NL91-ABNA", "", "structure"),
        ("BR1500000000000010932840814P2", "", "sepa"),
    ],
)
def test_check_iban(raw: str, compact: str, problem: str) -> None:
    result = check_iban(raw)
    assert (result.compact, result.problem, result.ok) == (compact, problem, not problem)


@pytest.mark.parametrize("text", ["=1+1", "+31", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_guard_quotes_what_a_spreadsheet_would_run(text: str) -> None:
    assert starts_like_formula(text)
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["Huur", "NL91ABNA0417164300", "", "12,50", "'quoted"])
def test_formula_guard_leaves_plain_text_alone(text: str) -> None:
    assert not starts_like_formula(text)
    assert neutralise_formula(text) == text


def test_amount_in_force_takes_the_last_change_on_or_before_the_day() -> None:
    from budgetbeheer.domain.schedule import amount_in_force

    changes = [(date(2026, 1, 1), 60000), (date(2026, 7, 1), 62500)]
    assert amount_in_force(changes, date(2025, 12, 31)) is None
    assert amount_in_force(changes, date(2026, 1, 1)) == 60000
    assert amount_in_force(changes, date(2026, 6, 30)) == 60000
    assert amount_in_force(changes, date(2026, 7, 1)) == 62500
    assert amount_in_force([], date(2026, 7, 1)) is None
