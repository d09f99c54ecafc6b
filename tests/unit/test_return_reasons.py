"""The return reason table: which codes hold the IBAN, how codes are read, and that docs/returns.md lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetbeheer.payments.return_reasons import (
    RETURN_REASONS,
    describe,
    english_texts,
    holds_iban,
    normalise_code,
    reason_for,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "returns.md"

ACCOUNT_WRONG_OR_CLOSED = {"AC01", "AC03", "AC04", "AC06", "AC07", "AC09", "AC14", "AG01", "BE01", "BE06", "CNOR",
                           "MD07"}


def test_the_codes_the_bank_sends_for_sepa_credit_transfers_are_all_there() -> None:
    sepa = {"AC01", "AC04", "AC06", "AC13", "AG01", "AG02", "AM04", "AM05", "BE04", "MD07", "MS02", "MS03", "RC01",
            "RR01", "RR02", "RR03", "RR04", "FF01", "DUPL", "TECH", "CUST", "CNOR", "DNOR", "FOCR", "ERIN", "FRAD"}
    assert sepa <= set(RETURN_REASONS)


def test_exactly_the_codes_saying_the_payees_account_is_wrong_or_closed_hold_the_iban() -> None:
    assert {code for code, reason in RETURN_REASONS.items() if reason.holds_iban} == ACCOUNT_WRONG_OR_CLOSED


@pytest.mark.parametrize("code", ["AM04", "MS03", "MS02", "AC13", "AC02", "RC01", "BE04", "RR03", "TECH", "DUPL"])
def test_codes_about_our_side_the_file_or_a_refusal_are_retried(code: str) -> None:
    assert not holds_iban(code)


def test_each_entry_is_a_four_character_code_with_an_iso_name_and_both_languages() -> None:
    for code, reason in RETURN_REASONS.items():
        assert reason.code == code and re.fullmatch(r"[A-Z0-9]{4}", code)
        assert reason.iso_name and reason.iso_name[0].isupper() and " " not in reason.iso_name
        assert reason.nl and reason.en and reason.nl != reason.en


@pytest.mark.parametrize(("raw", "expected"), [
    ("AC04", "AC04"), (" ac04 ", "AC04"), ("md07", "MD07"), ("AC4", None), ("AC-4", None), ("AC045", None),
    ("", None), (None, None), (1234, None), ("ÄC04", None),
])
def test_codes_are_read_case_and_space_insensitively(raw: object, expected: str | None) -> None:
    assert normalise_code(raw) == expected


def test_an_unknown_code_is_accepted_and_retried() -> None:
    reason = reason_for("zz99")
    assert (reason.code, reason.holds_iban, reason.nl) == ("ZZ99", False, "onbekende redencode")
    assert describe("ZZ99", "en") == "ZZ99 (unknown reason code)"


def test_describe_gives_the_code_with_its_meaning() -> None:
    assert describe("ac04") == "AC04 (rekening opgeheven)"
    assert describe("AC04", "en") == "AC04 (account closed)"


def test_every_dutch_description_has_its_english() -> None:
    texts = english_texts()
    assert all(texts[reason.nl] == reason.en for reason in RETURN_REASONS.values())
    assert texts["onbekende redencode"] == "unknown reason code"


def test_docs_list_every_code_in_the_right_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    holding, retried = text.split("## Codes that are retried")
    holding = holding.split("## Codes that hold the IBAN")[1]
    retried = retried.split("\n## ")[0]
    row = re.compile(r"^\| ([A-Z0-9]{4}) \| (\w+) \|", re.MULTILINE)
    assert dict(row.findall(holding)) == {
        code: r.iso_name for code, r in RETURN_REASONS.items() if r.holds_iban}
    assert dict(row.findall(retried)) == {
        code: r.iso_name for code, r in RETURN_REASONS.items() if not r.holds_iban}
