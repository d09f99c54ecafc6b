from __future__ import annotations

import csv
import io
from datetime import date

from budgetbeheer.errors import Message
from budgetbeheer.i18n import translate
from budgetbeheer.lifecycle import handover
from budgetbeheer.lifecycle.signals import working_days_between


def sample() -> handover.Handover:
    """Rent paid twice (the last instalment 1 August), energy never paid (the 5 August instalment is still open)."""
    rent = handover.HandoverCost(
        "rent", "huur", "Woonstad Zuidoever", "NL20INGB0001234567", "INGBNL2A", 65_000, "monthly", 1,
        "Huur Kerkstraat 1",
        paid=(handover.Instalment(date(2026, 7, 1), 65_000, date(2026, 6, 29)),
              handover.Instalment(date(2026, 8, 1), 65_000, date(2026, 7, 30))),
        first_due_yourself=date(2026, 9, 1))
    energy = handover.HandoverCost(
        "energy", "energie", "Énergie Société", "NL44RABO0123456789", None, 12_050, "four_weekly", 5, None,
        unpaid=(handover.Instalment(date(2026, 8, 5), 12_050),), first_due_yourself=date(2026, 9, 2))
    return handover.Handover(
        household_id=7, names=["Amal Haddad"], iban="NL91ABNA0417164300", account_holder="A. Haddad",
        period_start=date(2026, 3, 1), period_end=date(2026, 8, 31), status="ending", stops_on=date(2026, 9, 1),
        costs=[rent, energy], balance_cents=0, municipality="Gemeente Voorbeeld", made_on=date(2026, 9, 2),
        caseworker="Karin de Vries", contact="bel 14 030, op werkdagen van 9 tot 17 uur",
        payouts=(handover.Payout("paid", 21_000, date(2026, 8, 31)),), leefgeld_paid_cents=151_000,
    )


def test_creditors_csv_names_every_creditor_with_iban_amount_reference_and_what_is_open() -> None:
    rows = list(csv.DictReader(io.StringIO(handover.creditors_csv(sample()))))
    assert [(r["creditor"], r["iban"], r["amount"], r["reference"]) for r in rows] == [
        ("Woonstad Zuidoever", "NL20INGB0001234567", "650.00", "Huur Kerkstraat 1"),
        ("Énergie Société", "NL44RABO0123456789", "120.50", ""),
    ]
    assert all(r["last_day_paid_by_municipality"] == "2026-08-31" for r in rows)
    assert [(r["instalments_paid"], r["last_instalment_paid"], r["unpaid_instalments"], r["unpaid_amount"],
             r["unpaid_due_dates"]) for r in rows] == [("2", "2026-08-01", "0", "0.00", ""),
                                                      ("0", "", "1", "120.50", "2026-08-05")]
    assert "betalingsregeling" in rows[1]["message"] and "betalingsregeling" not in rows[0]["message"]


def _text(messages: list[Message]) -> list[str]:
    return [translate(m, "nl") for m in messages]


def test_plain_language_says_what_was_paid_and_what_is_open() -> None:
    data = sample()
    lines = _text(handover.intro_lines(data))
    assert lines[0] == "Vanaf 01-09-2026 betaalt de gemeente uw vaste lasten niet meer."
    assert "Let op: 1 rekening is nog niet betaald. Dat is € 120,50." in lines
    assert not any("tot en met" in line for line in lines)
    rent, energy = data.costs
    assert _text(handover.cost_lines(rent))[:2] == [
        "De gemeente betaalde deze rekening 2 keer, samen € 1.300,00.",
        "De laatste betaling was voor de rekening van 01-08-2026 (€ 650,00).",
    ]
    energy_lines = _text(handover.cost_lines(energy))
    assert energy_lines[:2] == ["De gemeente heeft deze rekening niet betaald.",
                                "Nog niet betaald: de rekening van 05-08-2026, € 120,50."]
    assert any("betalingsregeling" in line for line in energy_lines)
    assert _text(handover.money_lines(data))[0] == (
        "Op 31-08-2026 maakten wij € 210,00 over naar uw rekening NL91ABNA0417164300.")
    assert _text(handover.contact_lines(data))[1:] == [
        "Uw klantmanager is Karin de Vries.", "Zo bereikt u ons: bel 14 030, op werkdagen van 9 tot 17 uur"]
    everything = [*lines, *_text(handover.cost_lines(rent)), *energy_lines, *_text(handover.money_lines(data)),
                  *_text(handover.contact_lines(data))]
    assert all(len(sentence.split()) <= 20 for line in everything for sentence in line.split(". "))  # B1
    assert rent.when == "elke maand, uiterlijk op dag 1"
    assert energy.when == "elke 4 weken"
    english = translate(handover.cost_lines(energy)[0], "en")
    assert english != energy_lines[0] and "not" in english


def test_working_days_skip_weekends() -> None:
    assert working_days_between(date(2026, 6, 1), date(2026, 6, 8)) == 5
