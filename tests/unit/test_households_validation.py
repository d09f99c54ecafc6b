"""Pure checks: BSN, IBAN, amounts, dates, CSV reading, the forecast chart, form-row mapping."""

from __future__ import annotations

from datetime import date

import pytest

from budgetbeheer import validation as v
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.forecast import LeefgeldPlan, ObligationSchedule, forecast
from budgetbeheer.domain.schedule import Frequency
from budgetbeheer.errors import ValidationError
from budgetbeheer.households.common import missing_required_categories
from budgetbeheer.households.csvfile import read_csv


@pytest.mark.parametrize(("raw", "expected"), [("111222333", "111222333"), (" 1112.22.333 ", "111222333"),
                                               ("12345678", None), ("111222334", None), ("", None)])
def test_bsn(raw: str, expected: str | None) -> None:
    errors = v.Errors()
    assert v.bsn(errors, "bsn", raw) == expected
    assert ("bsn" in errors.fields) is (expected is None)


def test_mask_bsn() -> None:
    assert v.mask_bsn("123456789") == "*****6789"


@pytest.mark.parametrize(("raw", "ok"), [("nl91 abna 0417 1643 00", True), ("NL91ABNA0417164301", False),
                                         ("DE89370400440532013000", True), ("US64SVBKUS6S3300958879", False),
                                         ("BR1500000000000010932840814P2", False)])
def test_iban(raw: str, ok: bool) -> None:
    errors = v.Errors()
    result = v.iban(errors, "iban", raw)
    assert (result is not None) is ok
    if ok:
        assert str(result.compact) == "".join(raw.split()).upper()  # type: ignore[union-attr]


@pytest.mark.parametrize(("raw", "cents"), [("650.00", 65000), ("1.234,56", 123456), ("0", None), ("-1", None),
                                            ("1.005", None), ("100000.01", None), ("100000.00", 10000000)])
def test_amount(raw: str, cents: int | None) -> None:
    errors = v.Errors()
    assert v.amount(errors, "amount", raw) == cents
    assert ("amount" in errors.fields) is (cents is None)


@pytest.mark.parametrize(("raw", "ok"), [("1", True), ("31", True), ("0", False), ("32", False), ("x", False)])
def test_day_number(raw: str, ok: bool) -> None:
    errors = v.Errors()
    assert (v.day_number(errors, "due_day", raw, 1, 31) is not None) is ok


def test_missing_required_categories_in_priority_order() -> None:
    assert missing_required_categories(["rent", "other"]) == ["health_insurance", "energy", "water"]
    assert missing_required_categories(["rent", "health_insurance", "energy", "water"]) == []


def _fields(content: bytes) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        read_csv(content, ("a", "b"), ("c",))
    return {name: str(why) for name, why in caught.value.fields.items()}


def test_read_csv_good_with_bom_and_optional_column() -> None:
    rows = read_csv("\ufeffa,b,c\n1,2,3\n\n4,5,6\n".encode(), ("a", "b"), ("c",))
    assert rows == [(2, {"a": "1", "b": "2", "c": "3"}), (4, {"a": "4", "b": "5", "c": "6"})]


@pytest.mark.parametrize(
    ("content", "field", "text"),
    [
        (b"a\n1\n", "file", "b"),
        (b"a;b\n1;2\n", "file", "komma"),
        ("a,b\n1,\u00e9\n".encode("cp1252"), "file", "UTF-8"),
        (b"a,b,x\n1,2,3\n", "file", "x"),
        (b"a,b\n1,=1+1\n", "regel 2: b", "formule"),
        (b"a,b\n-1,2\n", "regel 2: a", "formule"),
        (b"a,b\n1,2,3\n", "regel 2", "3 kolommen"),
        (b"a,b\n", "file", "geen regels"),
    ],
)
def test_read_csv_refuses(content: bytes, field: str, text: str) -> None:
    fields = _fields(content)
    assert field in fields
    assert text in fields[field]


def test_forecast_chart_marks_first_uncovered_day() -> None:
    from budgetbeheer.households.web import forecast_chart

    result = forecast(0, date(2026, 3, 1), days=14, leefgeld=LeefgeldPlan("monthly", 1), period_end=date(2026, 8, 31))
    chart = forecast_chart(result)
    assert chart["uncovered"] is None
    assert len(chart["points"].split()) == 15
    rent = ObligationSchedule(1, Category.RENT, 50000, Frequency.MONTHLY, 5, date(2026, 3, 1))
    short = forecast(0, date(2026, 3, 1), days=14, leefgeld=LeefgeldPlan("monthly", 1), fixed_costs=[rent],
                     period_end=date(2026, 8, 31))
    assert short.first_uncovered is not None and short.first_uncovered.date == date(2026, 3, 5)
    marked = forecast_chart(short)
    assert marked["uncovered"] is not None
    assert marked["left"] < marked["uncovered"]["x"] < marked["right"]


def test_intake_form_rows_keep_their_numbers_in_errors() -> None:
    from werkzeug.datastructures import MultiDict

    from budgetbeheer.errors import Message
    from budgetbeheer.households.web import _remap_person_errors, intake_data

    data, rows = intake_data(MultiDict({"persons.2.bsn": "1", "persons.4.first_name": "A"}))
    assert rows == [2, 4] and len(data["persons"]) == 2
    remapped = _remap_person_errors({"persons.1.first_name": Message("x"), "iban": Message("y")}, rows)
    assert set(remapped) == {"persons.4.first_name", "iban"}


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("2026-05-10", True), ("2026-05-09", False), ("2027-03-01", True), ("2028-05-10", True), ("2028-05-11", False),
     ("2025-02-29", False), ("", False)],
)
def test_benefit_start_date_reaches_a_year_back_and_ahead(raw: str, ok: bool) -> None:
    errors = v.Errors()
    value = v.benefit_start_date(errors, "benefit_start_date", raw, date(2027, 5, 10))
    assert (value is not None) is ok
    assert ("benefit_start_date" in errors.fields) is (not ok)


def test_benefit_start_date_a_year_back_from_a_leap_day() -> None:
    errors = v.Errors()
    assert v.benefit_start_date(errors, "start", "2027-02-28", date(2028, 2, 29)) == date(2027, 2, 28)
    assert v.benefit_start_date(errors, "start", "2027-02-27", date(2028, 2, 29)) is None


def test_past_start_warning_says_what_a_past_start_means() -> None:
    assert v.past_start_warning(date(2027, 5, 10), date(2027, 11, 9), date(2027, 5, 10)) is None
    running = v.past_start_warning(date(2027, 3, 1), date(2027, 8, 31), date(2027, 5, 10))
    assert running is not None and running.params == {"start": "01-03-2027", "end": "31-08-2027",
                                                      "today": "10-05-2027"}
    assert "Vaste lasten tellen vanaf vandaag" in running.msgid
    over = v.past_start_warning(date(2026, 9, 30), date(2027, 3, 29), date(2027, 5, 10))
    assert over is not None and "al voorbij" in over.msgid
