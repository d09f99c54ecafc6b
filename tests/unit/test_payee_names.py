"""The pure payee-name checks (issue 14, finding 4): the same name, a confusable name, a name that mixes scripts."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from budgetbeheer.domain.payee_names import (
    CONFUSABLE,
    MIXED_SCRIPT,
    SAME_NAME_OTHER_IBAN,
    KnownPayee,
    flags_text,
    mixes_scripts,
    name_flags,
    name_key,
    skeleton,
)
from budgetbeheer.lifecycle import handover
from budgetbeheer.payments.sepa.checks import forbidden_in

ENECO = KnownPayee(1, "Eneco", "NL20INGB0001234567")
VATTENFALL = KnownPayee(2, "Vattenfall", "NL69INGB0123456789")
REGISTER = [ENECO, VATTENFALL]


def kinds(name: str, iban: str) -> list[tuple[str, int | None]]:
    return [(flag.kind, flag.other.id if flag.other else None) for flag in name_flags(name, iban, REGISTER)]


def test_finding4_cyrillic_e_looks_like_latin_e_and_mixes_scripts() -> None:
    cyrillic = "\u0415neco"  # "Еneco": CYRILLIC CAPITAL LETTER IE, then Latin
    assert cyrillic != "Eneco" and skeleton(cyrillic) == skeleton("Eneco")
    assert mixes_scripts(cyrillic) and not mixes_scripts("Eneco B.V.")
    assert kinds(cyrillic, "NL02ABNA0123456789") == [(CONFUSABLE, 1), (MIXED_SCRIPT, None)]
    # with Eneco's own IBAN it is still a look-alike name
    assert (CONFUSABLE, 1) in kinds(cyrillic, ENECO.iban)


def test_finding4_the_same_name_with_another_iban_is_flagged_case_and_spaces_aside() -> None:
    assert name_key("  ENECO ") == name_key("eneco")
    assert kinds("ENECO ", "NL02ABNA0123456789") == [(SAME_NAME_OTHER_IBAN, 1)]
    text = flags_text(name_flags("Eneco", "NL02ABNA0123456789", REGISTER))
    assert text is not None and "NL20INGB0001234567" in text and "ander IBAN" in text


@pytest.mark.parametrize("name", ["VattenfaII", "Vattenfa1l", "Vattenfal\u217c", "Vàttenfall", "Ｖａｔｔｅｎｆａｌｌ"])
def test_finding4_ascii_and_compatibility_look_alikes_are_confusable(name: str) -> None:
    assert kinds(name, "NL02ABNA0123456789") == [(CONFUSABLE, 2)], name


@pytest.mark.parametrize("name", ["Eneco", "Woonstichting De Linde", "Vattenfal", "Energie Direct", "Олег Петров"])
def test_finding4_ordinary_names_raise_no_flag(name: str) -> None:
    iban = ENECO.iban if name == "Eneco" else "NL02ABNA0123456789"
    assert name_flags(name, iban, REGISTER) == [], name
    assert flags_text([]) is None


@pytest.mark.parametrize("text", ["Eneco\x00", "Ene\x07co", "\u202eocenE", "Ene\u200bco", "\ufeffEneco",
                                  "Eneco\u2066", "Eneco\x85"])
def test_finding4_the_bank_file_check_finds_control_bidi_and_zero_width_characters(text: str) -> None:
    assert forbidden_in(text) is not None
    assert forbidden_in("Eneco B.V. – Zoë") is None and forbidden_in(None) is None


def test_finding4_the_handover_pdf_never_carries_a_control_or_bidi_character_of_a_stored_name() -> None:
    cost = handover.HandoverCost("rent", "huur", "Woonstad \x85Zuid\u202eoever", "NL20INGB0001234567", None, 65_000,
                                 "monthly", 1, "Huur\u200b 1", first_due_yourself=date(2026, 9, 1))
    data = handover.Handover(
        household_id=7, names=["Amal Haddad"], iban="NL91ABNA0417164300", account_holder="A. Haddad",
        period_start=date(2026, 3, 1), period_end=date(2026, 8, 31), status="ending", stops_on=date(2026, 9, 1),
        costs=[cost], balance_cents=0, municipality="Gemeente Voorbeeld", made_on=date(2026, 9, 2),
        caseworker="Karin de Vries", contact="bel 14 030", payouts=(), leefgeld_paid_cents=0)
    content = handover.handover_pdf(data)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Woonstad ?Zuid?oever" in text and "\x85" not in text and "\u202e" not in text
    assert "Huur? 1" in text
