"""Pure parts of the reports: neutralisation, value formatting, ranges, journal text, charts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from budgetbeheer import clock
from budgetbeheer.errors import ValidationError
from budgetbeheer.fields import neutralise_formula as neutralise
from budgetbeheer.reports import charts
from budgetbeheer.reports.export import check_format, csv_value, json_value, write_csv
from budgetbeheer.reports.hledger import account_name, sanitise, transaction_lines
from budgetbeheer.reports.model import Column, ColumnType, Table, parse_period
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.reports.web import last_quarter

TEXT = Column("t", "t")
AMOUNT = Column("a", "a", ColumnType.AMOUNT)


@pytest.mark.parametrize("dangerous", ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_dangerous_first_characters_get_a_quote(dangerous: str) -> None:
    assert neutralise(dangerous) == "'" + dangerous
    assert csv_value(TEXT, dangerous, dutch=False) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["huur januari", "1+1", "a=b", "", "'quoted", " =space"])
def test_harmless_text_is_left_alone(harmless: str) -> None:
    assert neutralise(harmless) == harmless


def test_amounts_are_numbers_in_both_csv_dialects_and_strings_in_json() -> None:
    assert csv_value(AMOUNT, -65000, dutch=False) == "-650.00"
    assert csv_value(AMOUNT, -65000, dutch=True) == "-650,00"
    assert csv_value(AMOUNT, 5, dutch=True) == "0,05"
    assert json_value(AMOUNT, -65000) == "-650.00"
    assert csv_value(Column("d", "d", ColumnType.DECIMAL), Decimal("12.04"), dutch=True) == "12,04"
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert json_value(Column("m", "m", ColumnType.DATETIME), moment) == "2026-03-01T12:00:00Z"


def test_csv_has_a_header_row_and_neutralised_cells() -> None:
    table = Table("x", "x", (TEXT, AMOUNT), [("=cmd", -100), ("gewoon", 2500)])
    out = io.BytesIO()
    write_csv(table, out, dutch=True)
    assert out.getvalue().decode("utf-8-sig").splitlines() == ["t;a", "'=cmd;-1,00", "gewoon;25,00"]


def test_period_must_be_two_iso_dates_in_order() -> None:
    assert parse_period("2026-01-01", "2026-03-31") == DateRange(date(2026, 1, 1), date(2026, 3, 31))
    with pytest.raises(ValidationError) as missing:
        parse_period("", "gisteren")
    assert set(missing.value.fields) == {"from", "to"}
    with pytest.raises(ValidationError) as reversed_:
        parse_period("2026-02-01", "2026-01-31")
    assert set(reversed_.value.fields) == {"to"}
    with pytest.raises(ValidationError):
        parse_period("2020-01-01", "2026-01-31")
    with pytest.raises(ValidationError):
        check_format("pdf")
    assert check_format(None) == "json" and check_format("CSV-NL") == "csv-nl"


def test_months_are_clipped_to_the_range() -> None:
    months = DateRange(date(2026, 1, 15), date(2026, 3, 10)).months()
    assert [(m.label, m.start, m.end, m.days_in_month) for m in months] == [
        ("2026-01", date(2026, 1, 15), date(2026, 1, 31), 31),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), 28),
        ("2026-03", date(2026, 3, 1), date(2026, 3, 10), 31),
    ]
    assert [m.label for m in DateRange(date(2025, 12, 1), date(2026, 1, 1)).months()] == ["2025-12", "2026-01"]


def test_local_days_become_utc_bounds() -> None:
    lower, upper = clock.day_bounds_utc(date(2026, 1, 1), date(2026, 3, 31))
    assert lower == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert upper == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # summer time from 29 March


def test_last_quarter() -> None:
    assert last_quarter(date(2026, 5, 20)) == DateRange(date(2026, 1, 1), date(2026, 3, 31))
    assert last_quarter(date(2026, 1, 1)) == DateRange(date(2025, 10, 1), date(2025, 12, 31))


def test_journal_names_and_text_are_safe_for_hledger() -> None:
    assert account_name("bank", "asset") == "assets:bank"
    assert account_name("household:12", "liability") == "liabilities:households:12"
    assert account_name("in_transit", "liability") == "liabilities:in_transit"
    assert account_name("odd code!", "asset") == "assets:odd_code_"
    assert sanitise("huur ; januari\n| 2026\t*") == "huur januari 2026"
    assert sanitise("\n") == "-"
    lines = transaction_lines(
        (7, date(2026, 1, 5), datetime(2026, 1, 5, 9, tzinfo=UTC), "receipt", "bijstand;\njanuari", "km", None),
        [(7, "bank", "asset", 120000), (7, "household:1", "liability", -120000)],
    )
    assert lines[0] == "2026-01-05 (7) bijstand januari"
    assert lines[2].split() == ["assets:bank", "EUR", "1200.00"]
    assert lines[3].split() == ["liabilities:households:1", "EUR", "-1200.00"]


def test_charts_are_valid_svg_with_title_desc_and_escaped_text() -> None:
    svg = charts.bar_chart("c1", "Betaald <per> maand", "beschrijving & meer", ["2026-01", "2026-02"],
                           [charts.Series("huur", [65000, 0]), charts.Series("<b>", [100, 200])], stacked=True)
    root = etree.fromstring(str(svg).encode())
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.findtext(f"{ns}title") == "Betaald <per> maand"
    assert root.findtext(f"{ns}desc") == "beschrijving & meer"
    assert len(root.findall(f"{ns}rect")) == 3 + 2  # three bars with a value, two legend keys
    assert len(root.findall(f"{ns}defs/{ns}pattern")) == 2  # one fill (colour and hatching) per series
    line = charts.line_chart("c2", "t", "d", ["a", "b", "c"], [charts.Series("n", [1, 5, 3])])
    assert len(etree.fromstring(str(line).encode()).findall(f"{ns}circle")) == 3 + 1  # the points, the legend key
    empty = charts.bar_chart("c3", "t", "d", [], [], stacked=False)
    assert etree.fromstring(str(empty).encode()).get("id") == "c3"


def test_a_category_keeps_its_look_in_every_chart_and_range() -> None:
    """Issue 15: stable colours per category; the same hatching in the chart and its legend."""
    rent, water = charts.Series("huur", [1], key="rent"), charts.Series("water", [1], key="water")
    assert charts.look(rent, 0) == charts.look(rent, 5)  # its place in the chart does not matter
    only_water = charts.bar_chart("a", "t", "d", ["m"], [water], stacked=True)
    both = charts.bar_chart("b", "t", "d", ["m"], [rent, water], stacked=True)
    ns = "{http://www.w3.org/2000/svg}"

    def fill_of_water(svg: object, chart_id: str, index: int) -> tuple[str | None, str | None]:
        root = etree.fromstring(str(svg).encode())
        pattern = root.find(f"{ns}defs/{ns}pattern[@id='{chart_id}-fill-{index}']")
        assert pattern is not None
        hatch = pattern.find(f"{ns}path")
        return pattern.find(f"{ns}rect").get("fill"), None if hatch is None else hatch.get("d")

    assert fill_of_water(only_water, "a", 0) == fill_of_water(both, "b", 1)


def test_series_differ_by_more_than_colour() -> None:
    """Issue 15: a legend that does not rely on colour alone: every series of a chart has its own hatching (bars)
    and its own dash or marker (lines)."""
    series = [charts.Series(key, [1], key=key) for key in charts.STABLE_KEYS[:4]]
    looks = [charts.look(item, n) for n, item in enumerate(series)]
    assert len({look.hatch for look in looks}) == 4
    assert len({(look.dash, look.marker) for look in looks}) == 4


def test_the_reasons_the_application_writes_in_the_audit_trail_are_shown_in_the_readers_language() -> None:
    """Issue 15: the trail keeps its Dutch reason (it is in the hash chain); a page shows it in the reader's
    language, and what a person typed stays as typed."""
    from budgetbeheer.audit.labels import reason_text
    from budgetbeheer.i18n import translate

    written = reason_text("ontvangst 12 omgeboekt naar huishouden 7: verkeerd nummer")
    assert translate(written, "en") == "receipt 12 rebooked to household 7: verkeerd nummer"
    assert translate(written, "nl") == "ontvangst 12 omgeboekt naar huishouden 7: verkeerd nummer"
    assert translate(reason_text("Periode van huishouden 3 eindigt op 31-05-2027"), "en") == \
        "The period of household 3 ends on 31-05-2027"
    assert reason_text("door de klant gevraagd") == "door de klant gevraagd"
    assert reason_text(None) == ""
