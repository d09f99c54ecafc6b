from __future__ import annotations

import csv
import io
import zlib
from datetime import date

import pytest

from budgetbeheer.lifecycle import handover
from budgetbeheer.lifecycle.signals import working_days_between


def sample() -> handover.Handover:
    return handover.Handover(
        household_id=7, names=["Amal Haddad"], iban="NL91ABNA0417164300", account_holder="A. Haddad",
        period_start=date(2026, 3, 1), period_end=date(2026, 8, 31), status="ending", stops_on=date(2026, 9, 1),
        costs=[handover.HandoverCost("rent", "huur", "Woonstad Zuidoever", "NL20INGB0001234567", "INGBNL2A", 65_000,
                                     "monthly", 1, "Huur Kerkstraat 1"),
               handover.HandoverCost("energy", "energie", "Énergie Société", "NL44RABO0123456789", None, 12_050,
                                     "four_weekly", 5, None)],
        statement={"from": "2026-08-01", "to": "2026-08-31", "opening_balance": "100.00", "movements": [
            {"date": "2026-08-15", "description": "Bijstand augustus – €", "amount": "1500.00", "balance": "1600.00"}]},
        balance_cents=0, municipality="Gemeente Voorbeeld",
    )


def test_creditors_csv_names_every_creditor_with_iban_amount_and_reference() -> None:
    rows = list(csv.DictReader(io.StringIO(handover.creditors_csv(sample()))))
    assert [(r["creditor"], r["iban"], r["amount"], r["reference"]) for r in rows] == [
        ("Woonstad Zuidoever", "NL20INGB0001234567", "650.00", "Huur Kerkstraat 1"),
        ("Énergie Société", "NL44RABO0123456789", "120.50", ""),
    ]
    assert all(r["last_day_paid_by_municipality"] == "2026-08-31" for r in rows)


def test_plain_language_intro_and_when() -> None:
    lines = handover.intro_lines(sample())
    assert lines[0] == "Vanaf 01-09-2026 betaalt de gemeente uw vaste lasten niet meer."
    assert all(len(line.split()) <= 20 for line in lines)  # short sentences (B1)
    assert sample().costs[0].when == "elke maand, uiterlijk op dag 1"
    assert sample().costs[1].when == "elke 4 weken"


@pytest.mark.skipif(handover.dejavu_font() is None, reason="DejaVu fonts not installed")
def test_pdf_with_dejavu_embeds_the_font() -> None:
    content = handover.handover_pdf(sample())
    assert content.startswith(b"%PDF") and b"DejaVuSans" in content


def test_pdf_with_core_helvetica_transliterates() -> None:
    content = handover.handover_pdf(sample(), font=None)
    assert content.startswith(b"%PDF") and b"Helvetica" in content
    text = b"".join(zlib.decompress(part.split(b"stream\n", 1)[1].rsplit(b"endstream", 1)[0].strip())
                    for part in content.split(b"/FlateDecode")[1:] if b"stream\n" in part)
    assert b"EUR 650,00" in text and "Société".encode("latin-1") in text
    assert handover.transliterate("€ 5 – ł") == "EUR 5 - l"


def test_working_days_skip_weekends() -> None:
    assert working_days_between(date(2026, 6, 1), date(2026, 6, 8)) == 5
