"""Payment references: betalingskenmerk (Betaalvereniging/Currence rules), ISO 11649 RF, free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.domain.references import (
    ReferenceKind,
    betalingskenmerk_check_digit,
    detect_kind,
    format_reference,
    is_valid_betalingskenmerk,
    is_valid_iso11649,
    make_betalingskenmerk,
    suspicious_reference,
    validate_reference,
)
from budgetbeheer.errors import Message, ValidationError

# Worked example of the Betaalvereniging and XMLdation: weights from the right 2,4,8,5,10,9,7,3,6,1,2,4,8,5,10 over
# 000056789012345 give 215; 215 mod 11 = 6; 11 - 6 = 5.
VALID_16 = "5000056789012345"
WRONG_CHECK_16 = "4000056789012345"
# Betaalvereniging example for 14 digits: check digit 1, length code 2 (twelve digits follow).
VALID_14 = "12234534622567"


def reference_error(kind: ReferenceKind | str, text: str | None) -> Message:
    with pytest.raises(ValidationError) as info:
        validate_reference(kind, text)
    assert set(info.value.fields) == {"reference"}
    return info.value.fields["reference"]


# --- betalingskenmerk --------------------------------------------------------------------------------------------


def test_check_digit_of_the_published_16_digit_example() -> None:
    assert betalingskenmerk_check_digit("000056789012345") == 5


def test_check_digit_covers_the_length_code_for_shorter_references() -> None:
    assert betalingskenmerk_check_digit("2234534622567") == 1


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("000000000000001", 9),  # 1*2 = 2; 11 - 2 = 9
        ("000000000000010", 7),  # 1*4 = 4; 11 - 4 = 7
        ("000000000000015", 8),  # 1*4 + 5*2 = 14; 14 mod 11 = 3; 11 - 3 = 8
        ("000000000000005", 1),  # 5*2 = 10; 11 - 10 = 1
        ("000000000000006", 1),  # 6*2 = 12; 12 mod 11 = 1; 11 - 1 = 10, which becomes 1
        ("000000000000000", 0),  # 0; 11 - 0 = 11, which becomes 0
        ("000010000000000", 9),  # the 11th digit from the right has weight 2 again (the weights repeat)
        ("200000000000000", 2),  # the 15th digit has weight 10: 2*10 = 20; 20 mod 11 = 9; 11 - 9 = 2
    ],
)
def test_check_digit_hand_worked(payload: str, expected: int) -> None:
    assert betalingskenmerk_check_digit(payload) == expected


def test_valid_16_digit_betalingskenmerk_is_accepted_and_normalised() -> None:
    assert validate_reference(ReferenceKind.BETALINGSKENMERK, "5000 0567 8901 2345") == VALID_16
    assert validate_reference("betalingskenmerk", " 5000.0567-8901.2345 ") == VALID_16


def test_wrong_check_digit_is_refused_with_a_clear_dutch_message() -> None:
    message = reference_error(ReferenceKind.BETALINGSKENMERK, WRONG_CHECK_16)
    assert "controlecijfer" in message.msgid
    assert "acceptgiro" in message.msgid


def test_14_digit_example_with_length_code_is_valid() -> None:
    assert validate_reference(ReferenceKind.BETALINGSKENMERK, "12 2345 3462 2567") == VALID_14


def test_wrong_length_code_is_refused() -> None:
    # Same digits, but the length code says 3 digits follow instead of 12 (check digit recomputed to isolate the rule).
    body = "3234534622567"
    text = str(betalingskenmerk_check_digit(body)) + body
    message = reference_error(ReferenceKind.BETALINGSKENMERK, text)
    assert "lengtecode" in message.msgid
    assert message.params == {"length": 14, "expected": "2"}


@pytest.mark.parametrize(("length", "code"), [(9, "7"), (10, "8"), (11, "9"), (12, "0"), (13, "1"), (14, "2")])
def test_length_codes_per_length(length: int, code: str) -> None:
    reference = make_betalingskenmerk("1234567", length)
    assert len(reference) == length
    assert reference[1] == code
    assert is_valid_betalingskenmerk(reference)


def test_seven_digits_have_no_check() -> None:
    assert validate_reference(ReferenceKind.BETALINGSKENMERK, "1234567") == "1234567"
    assert validate_reference(ReferenceKind.BETALINGSKENMERK, "7654321") == "7654321"


@pytest.mark.parametrize("text", ["123456", "12345678", "123456789012345", "12345678901234567"])
def test_lengths_that_do_not_exist_are_refused(text: str) -> None:
    message = reference_error(ReferenceKind.BETALINGSKENMERK, text)
    assert message.params == {"length": len(text)}


@pytest.mark.parametrize("text", ["5000O56789012345", "abc", "5000-0567-8901-234x", "١٢٣٤٥٦٧"])
def test_non_digits_are_refused(text: str) -> None:
    assert "cijfers" in reference_error(ReferenceKind.BETALINGSKENMERK, text).msgid


def test_empty_betalingskenmerk_is_refused() -> None:
    assert reference_error(ReferenceKind.BETALINGSKENMERK, "  ").msgid == "Vul het betalingskenmerk in."


@given(number=st.integers(min_value=0, max_value=10**7 - 1), length=st.sampled_from([9, 10, 11, 12, 13, 14, 16]))
def test_made_references_validate_and_a_changed_check_digit_does_not(number: int, length: int) -> None:
    reference = make_betalingskenmerk(str(number), length)
    assert validate_reference(ReferenceKind.BETALINGSKENMERK, reference) == reference
    for other in "0123456789":
        if other != reference[0]:
            assert not is_valid_betalingskenmerk(other + reference[1:])


def test_make_betalingskenmerk_refuses_what_does_not_fit() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        make_betalingskenmerk("12345678", 9)
    with pytest.raises(ValueError, match="9-14 or 16"):
        make_betalingskenmerk("1", 15)


# --- ISO 11649 -----------------------------------------------------------------------------------------------------


def test_rf_reference_is_accepted_and_normalised() -> None:
    assert validate_reference(ReferenceKind.ISO11649, "RF18539007547034") == "RF18539007547034"
    assert validate_reference(ReferenceKind.ISO11649, "rf18 5390 0754 7034") == "RF18539007547034"
    assert is_valid_iso11649("RF18 5390 0754 7034")


def test_rf_reference_with_wrong_check_is_refused() -> None:
    assert "controlegetal" in reference_error(ReferenceKind.ISO11649, "RF19539007547034").msgid


@pytest.mark.parametrize("text", ["XX18539007547034", "RF18-5390!"])
def test_rf_reference_with_wrong_form_is_refused(text: str) -> None:
    assert "RF" in reference_error(ReferenceKind.ISO11649, text).msgid


def test_rf_reference_too_long_is_refused() -> None:
    assert "5 tot en met 25" in reference_error(ReferenceKind.ISO11649, "RF18" + "1" * 30).msgid


def test_empty_rf_reference_is_refused() -> None:
    assert reference_error(ReferenceKind.ISO11649, "").msgid == "Vul het RF-kenmerk in."


# --- free text and none ------------------------------------------------------------------------------------------


def test_free_text_is_trimmed_and_whitespace_collapsed() -> None:
    assert validate_reference(ReferenceKind.FREE_TEXT, "  huur\tmaart \n 2027 ") == "huur maart 2027"


def test_free_text_of_140_characters_is_accepted_and_141_refused() -> None:
    assert validate_reference(ReferenceKind.FREE_TEXT, "x" * 140) == "x" * 140
    message = reference_error(ReferenceKind.FREE_TEXT, "x" * 141)
    assert message.params == {"maximum": 140, "length": 141}


def test_empty_free_text_is_refused() -> None:
    assert "omschrijving" in reference_error(ReferenceKind.FREE_TEXT, " ").msgid


def test_none_gives_empty_and_refuses_text_that_would_be_dropped() -> None:
    assert validate_reference(ReferenceKind.NONE, None) == ""
    assert validate_reference(ReferenceKind.NONE, "  ") == ""
    assert "geen kenmerk" in reference_error(ReferenceKind.NONE, "factuur 12").msgid


def test_unknown_kind_is_a_validation_error() -> None:
    assert reference_error("acceptgiro", "1234567").params == {"kind": "acceptgiro"}


# --- detection ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (None, ReferenceKind.NONE),
        ("", ReferenceKind.NONE),
        ("   ", ReferenceKind.NONE),
        ("5000 0567 8901 2345", ReferenceKind.BETALINGSKENMERK),
        ("12 2345 3462 2567", ReferenceKind.BETALINGSKENMERK),
        ("1234567", ReferenceKind.BETALINGSKENMERK),
        ("RF18 5390 0754 7034", ReferenceKind.ISO11649),
        ("rf18539007547034", ReferenceKind.ISO11649),
        (WRONG_CHECK_16, ReferenceKind.FREE_TEXT),
        ("12345678", ReferenceKind.FREE_TEXT),
        ("RF19539007547034", ReferenceKind.FREE_TEXT),
        ("huur maart", ReferenceKind.FREE_TEXT),
    ],
)
def test_detect_kind(text: str | None, kind: ReferenceKind) -> None:
    assert detect_kind(text) is kind


def test_suspicious_reference_warns_about_a_mistyped_16_digit_kenmerk_and_rf() -> None:
    warning = suspicious_reference("4000 0567 8901 2345")
    assert warning is not None
    assert "controlecijfer" in warning.msgid
    rf_warning = suspicious_reference("RF19 5390 0754 7034")
    assert rf_warning is not None
    assert "controlegetal" in rf_warning.msgid
    assert suspicious_reference(VALID_16) is None
    assert suspicious_reference("klantnummer 12345678") is None
    assert suspicious_reference(None) is None


def test_structured_kinds() -> None:
    assert ReferenceKind.BETALINGSKENMERK.is_structured
    assert ReferenceKind.ISO11649.is_structured
    assert not ReferenceKind.FREE_TEXT.is_structured
    assert not ReferenceKind.NONE.is_structured


def test_format_reference_groups_as_on_an_acceptgiro() -> None:
    assert format_reference(ReferenceKind.BETALINGSKENMERK, VALID_16) == "5000 0567 8901 2345"
    assert format_reference(ReferenceKind.BETALINGSKENMERK, VALID_14) == "12 2345 3462 2567"
    assert format_reference(ReferenceKind.ISO11649, "RF18539007547034") == "RF18 5390 0754 7034"
    assert format_reference(ReferenceKind.FREE_TEXT, "huur") == "huur"
