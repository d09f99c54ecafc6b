"""Cleaning text into the EPC basic character set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.domain.epc import (
    ALLOWED,
    IDENTIFIER_MAX,
    NAME_MAX,
    REMITTANCE_MAX,
    Cleaned,
    clean_identifier,
    clean_name,
    clean_remittance,
    clean_text,
    is_clean_text,
    is_epc_identifier,
    is_epc_text,
)


def test_the_brief_example() -> None:
    assert clean_name("Zoë & Ömer @ Ça") == Cleaned("Zoe + Omer (at) Ca", changed=True, truncated=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë", "Zoe"),
        ("Straße", "Strasse"),
        ("Øresund", "Oresund"),
        ("Æble", "AEble"),
        ("œuvre", "oeuvre"),
        ("Łódź", "Lodz"),
        ("Şükrü Çelik", "Sukru Celik"),
        ("François Müller-Lüdenscheidt", "Francois Muller-Ludenscheidt"),
        ("Ĳsselmeer", "IJsselmeer"),
        ("Олег Петров", "Oleg Petrov"),
        ("Ελλάδα", "Ellada"),
        ("ﬁets", "fiets"),
        ("½ jaar", "1/2 jaar"),
        ("wacht…", "wacht..."),
    ],
)
def test_letters_are_transliterated(text: str, expected: str) -> None:
    result = clean_name(text)
    assert result.text == expected
    assert result.changed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jansen & Zn", "Jansen + Zn"),
        ("info@woonstad.nl", "info(at)woonstad.nl"),
        ("Factuur #12", "Factuur nr.12"),
        ("50% korting!", "50pct korting."),
        ("klant_nr; 12", "klant-nr, 12"),
        (
            "\N{LEFT DOUBLE QUOTATION MARK}huur\N{RIGHT DOUBLE QUOTATION MARK} \N{LEFT SINGLE QUOTATION MARK}maart\N{RIGHT SINGLE QUOTATION MARK}",
            "'huur' 'maart'",
        ),
        ("2024\N{EN DASH}2025 \N{EM DASH} termijn", "2024-2025 - termijn"),
        ("€ 12,50", "EUR 12,50"),
        ("[a] {b} <c>", "(a) (b) (c)"),
        ("a\\b|c", "a/b/c"),
        ("x=1", "x:1"),
    ],
)
def test_punctuation_outside_the_set_becomes_a_documented_safe_character(text: str, expected: str) -> None:
    assert clean_remittance(text).text == expected


def test_control_characters_and_odd_spaces_become_one_space() -> None:
    assert clean_remittance("huur\tmaart\n2027\x00einde\u00a0x\u200by").text == "huur maart 2027 einde x y"


def test_unknown_symbols_become_a_dot_not_nothing() -> None:
    assert clean_remittance("top 👍").text == "top ."


def test_allowed_text_is_unchanged() -> None:
    text = "Huur maart 2027 - nr. 12/3 (voorschot): 'ok'? +1,"
    assert clean_remittance(text) == Cleaned(text, changed=False, truncated=False)
    assert is_epc_text(text)


def test_spaces_are_collapsed_and_trimmed_and_count_as_a_change() -> None:
    assert clean_name("  Jan   de  Vries ") == Cleaned("Jan de Vries", changed=True, truncated=False)


def test_names_are_cut_at_70_and_remittance_at_140() -> None:
    assert clean_name("a" * 71) == Cleaned("a" * NAME_MAX, changed=True, truncated=True)
    assert clean_name("a" * 70) == Cleaned("a" * 70, changed=False, truncated=False)
    assert clean_remittance("b" * 141).text == "b" * REMITTANCE_MAX
    assert clean_remittance("b" * 141).truncated


def test_cutting_does_not_leave_a_trailing_space() -> None:
    assert clean_name("a" * 69 + " bcd").text == "a" * 69


def test_transliteration_can_push_text_over_the_limit() -> None:
    result = clean_name("ß" * 40)
    assert result.text == "s" * NAME_MAX
    assert result.truncated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BB-2027-0001", "BB-2027-0001"),
        ("/BB/2027/", "BB/2027"),
        ("BB//2027", "BB/2027"),
        ("BB 2027 1", "BB-2027-1"),
        ("Zoë&1", "Zoe+1"),
        ("x" * 40, "x" * IDENTIFIER_MAX),
        ("x" * 34 + "/y", "x" * 34),
    ],
)
def test_identifiers(text: str, expected: str) -> None:
    assert clean_identifier(text).text == expected
    assert is_epc_identifier(expected)


@pytest.mark.parametrize("text", ["", "/a", "a/", "a//b", "a b", "x" * 36, "é", "a&b"])
def test_invalid_identifiers_are_recognised(text: str) -> None:
    assert not is_epc_identifier(text)


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        clean_text("x", 0)
    with pytest.raises(ValueError, match="positive"):
        clean_identifier("x", 0)


@given(text=st.text(), limit=st.integers(min_value=1, max_value=200))
def test_cleaned_text_is_always_sendable_and_cleaning_is_idempotent(text: str, limit: int) -> None:
    result = clean_text(text, limit)
    assert set(result.text) <= ALLOWED
    assert len(result.text) <= limit
    assert "  " not in result.text
    assert result.text == result.text.strip()
    assert result.changed == (result.text != text)
    again = clean_text(result.text, limit)
    assert again == Cleaned(result.text, changed=False, truncated=False)


@given(text=st.text())
def test_cleaned_identifier_is_valid_or_empty(text: str) -> None:
    result = clean_identifier(text)
    assert result.text == "" or is_epc_identifier(result.text)
    assert clean_identifier(result.text).text == result.text


@given(st.text(alphabet="ab Z09/-?:().,'+ \u00e9\t", max_size=30), st.integers(min_value=1, max_value=40))
def test_the_fast_path_for_clean_text_gives_what_full_cleaning_gives(text: str, limit: int) -> None:
    from budgetbeheer.domain import epc

    full, truncated = epc._cut(epc._to_basic_set(text), limit)
    assert epc.clean_text(text, limit) == (full, full != text, truncated)


@given(
    st.text(alphabet="ab Z09/-?:().,'+ \u00e9\t", max_size=30) | st.text(max_size=30),
    st.integers(min_value=1, max_value=40),
)
def test_is_clean_text_says_whether_cleaning_leaves_the_text_as_it_is(text: str, limit: int) -> None:
    assert is_clean_text(text, limit) == (clean_text(text, limit) == Cleaned(text, changed=False, truncated=False))
