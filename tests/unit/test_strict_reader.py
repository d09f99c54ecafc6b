"""The one strict reader (issue 17): amounts, dates, ids and text in the documented forms only, every other input
a field error (never another exception, never a misread value)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetbeheer import validation as v
from budgetbeheer.errors import Message
from budgetbeheer.fields import MAX_BIGINT, as_whole_number, forbidden_character, page_number, parse_iso_date
from budgetbeheer.i18n import translate
from budgetbeheer.money import MAX_ANY_CENTS, AmountError, parse_amount


@pytest.mark.parametrize(
    ("raw", "cents"),
    [("1234.56", 123456), ("1234,56", 123456), ("1.234,56", 123456), ("1.234.567,89", 123456789), ("0,5", 50),
     ("12.5", 1250), ("€ 12,34", 1234), ("€12", 1200), (" 99.99 ", 9999), ("650", 65000), (650, 65000),
     (Decimal("1.50"), 150)],
)
def test_the_documented_forms_are_read(raw: object, cents: int) -> None:
    assert parse_amount(raw, maximum_cents=None) == cents


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("1,000.00", "Schrijf 1000.00 of 1.000,00"),  # was booked as EUR 1.00
        ("1,000", "Schrijf 1000.00 of 1.000,00"),
        ("1.000", "schrijf dan 1000.00 of 1.000,00"),  # was booked as EUR 1.00
        ("12.345.678", "12345678.00"),
        ("1e5", "Schrijf een bedrag als 1234.56"),  # was booked as 100,000.00
        ("1E5", "Schrijf een bedrag als 1234.56"),
        ("1_000", "Schrijf een bedrag als 1234.56"),
        ("١٢٣", "Schrijf een bedrag als 1234.56"),  # Arabic-Indic digits
        ("１２３", "Schrijf een bedrag als 1234.56"),  # full-width digits
        ("NaN", "Schrijf een bedrag als 1234.56"),
        ("Infinity", "Schrijf een bedrag als 1234.56"),
        ("1e100", "Schrijf een bedrag als 1234.56"),  # was a 500
        ("1e400", "Schrijf een bedrag als 1234.56"),
        ("+5", "Schrijf een bedrag als 1234.56"),
        ("1.001", "niet eenduidig"),
        ("1.2345", "hoogstens twee decimalen"),
        ("9" * 60, "te lang"),
    ],
)
def test_ambiguous_and_foreign_amounts_are_refused_with_how_to_write_them(raw: str, hint: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(raw, maximum_cents=None)
    assert hint in str(refused.value)


def test_every_amount_message_reads_in_english() -> None:
    for raw in ("1,000.00", "1.000", "1e5", "9" * 60):
        with pytest.raises(AmountError) as refused:
            parse_amount(raw)
        english = translate(refused.value.message, "en")
        assert english != str(refused.value.message), raw


def test_a_huge_number_is_too_high_whatever_its_type() -> None:
    for raw in (10**30, Decimal("1E+100"), "9" * 30):
        with pytest.raises(AmountError):
            parse_amount(raw, maximum_cents=None)
    assert parse_amount(MAX_ANY_CENTS // 100, maximum_cents=None) == MAX_ANY_CENTS


@pytest.mark.parametrize("raw", ["20261125", "2026-W48-3", "2026-334", "2026-11-25T00:00", "２０２６-11-25",
                                 "0001-01-01", "9999-12-31", " 2026-1-5"])
def test_only_yyyy_mm_dd_is_a_date(raw: str) -> None:
    assert parse_iso_date(raw) is None  # Python 3.11's date.fromisoformat reads the first three


def test_a_date_outside_the_fields_range_names_the_range() -> None:
    errors = v.Errors()
    assert v.iso_date(errors, "date", "1900-01-01", earliest=date(2000, 1, 1), latest=date(2026, 12, 4)) is None
    assert errors.fields["date"] == Message("Kies een datum van %(earliest)s tot en met %(latest)s.",
                                            earliest="2000-01-01", latest="2026-12-04")


@pytest.mark.parametrize(("raw", "expected"), [(str(MAX_BIGINT), MAX_BIGINT), (str(MAX_BIGINT + 1), None),
                                               (2**64, None), ("9" * 40, None), ("١٢", None), (12, 12)])
def test_whole_numbers_stay_within_the_databases_integer(raw: object, expected: int | None) -> None:
    assert as_whole_number(raw) == expected


def test_page_numbers() -> None:
    assert page_number(None) == 1
    assert page_number("3") == 3
    assert page_number("0") is None
    assert page_number("9" * 30) is None


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\u202e", "\u2066", "\u200b", "\u200d",
                                       "\ufeff", "\x85"])
def test_control_bidi_and_zero_width_characters_are_refused_naming_the_field(character: str) -> None:
    errors = v.Errors()
    assert v.text(errors, "reference", f"UWV{character}maart") is None
    assert "reference" in errors.fields
    assert f"U+{ord(character):04X}" in str(errors.fields["reference"])


def test_tab_and_line_breaks_only_where_text_may_have_lines() -> None:
    assert forbidden_character("a\nb") == "U+000A"
    assert forbidden_character("a\nb\tc", multiline=True) is None
    assert v.text(v.Errors(), "reason", "eerste regel\ntweede  regel", multiline=True, maximum=200) == \
        "eerste regel\ntweede regel"


# ------------------------------------------------------------------------------- the property: never an exception


READ = settings(max_examples=300, deadline=None)
NASTY = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,-+eE_ €\u00a0١２\x00"),
    st.from_regex(r"-?[0-9]{1,25}([.,][0-9]{0,4})?", fullmatch=True),
    st.integers(), st.floats(allow_nan=True), st.decimals(allow_nan=True), st.none(), st.booleans(),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)


@READ
@given(raw=NASTY)
def test_an_amount_is_a_value_or_a_field_error(raw: object) -> None:
    errors = v.Errors()
    cents = v.amount(errors, "amount", raw)
    assert (cents is None) == ("amount" in errors.fields)
    if cents is not None:
        assert 0 < cents <= 100_000_00
        assert isinstance(raw, (int, str, Decimal))


@READ
@given(raw=st.one_of(NASTY, st.dates().map(date.isoformat), st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True)))
def test_a_date_is_a_value_or_a_field_error(raw: object) -> None:
    errors = v.Errors()
    value = v.iso_date(errors, "date", raw, earliest=date(2000, 1, 1), latest=date(2030, 1, 1))
    assert (value is None) == ("date" in errors.fields)
    if value is not None:
        assert date(2000, 1, 1) <= value <= date(2030, 1, 1)


@READ
@given(raw=st.one_of(NASTY, st.integers(min_value=-(2**70), max_value=2**70).map(str)))
def test_an_id_is_a_bounded_number_or_none(raw: object) -> None:
    value = as_whole_number(raw)
    assert value is None or -MAX_BIGINT <= value <= MAX_BIGINT
    page = page_number(raw if isinstance(raw, str) else None)
    assert page is None or 1 <= page <= 1_000_000


@READ
@given(raw=st.one_of(NASTY, st.text(alphabet=st.characters(codec="utf-8"))))
def test_text_is_clean_or_a_field_error(raw: object) -> None:
    errors = v.Errors()
    value = v.text(errors, "name", raw, required=False, maximum=50)
    if value is not None:
        assert not errors
        assert forbidden_character(value) is None
        assert len(value) <= 50
