"""Issue 10, finding 7: the handover overview tells the truth.

By hand: rent 600.00 and energy 250.00 are due on the 1st from 1 January 2027; no income is expected, so nothing is
paid as leefgeld before the end. 650.00 arrives on 28 December and on 28 January.

- 30 Dec (the run for 1 January): rent paid, 50.00 left; energy (250.00) does not fit.
- 28 Jan (the run for 1 February): 700.00: February's rent paid first, 100.00 left; January's and February's energy
  do not fit.
- The period is ended on 15 February (bijstand stopped). That day's final run: the energy still does not fit; the
  100.00 left is paid to the household as final leefgeld.

So the overview of 16 February says: rent paid twice (the last instalment 1 February, 600.00); energy never paid,
with two unpaid instalments (1 January and 1 February, 250.00 each, 500.00) and what to do about them; 100.00 paid
to the household's account on 15 February; the caseworker's name and how to reach them; the date.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from budgetbeheer.lifecycle import ending, handover
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.conftest import TEST_PASSWORD
from tests.factories import CASEWORKER, MONTHLY_LEEFGELD, batch, enrol, fixed_cost, person_data, receipt

CONTACT = "bel 14 030 (werkdagen 9-17 uur) of mail ontzorgen@voorbeeld.nl"
INTERNAL = ("Betaalrun", "goedgekeurd", "onderweg", "Ontvangst", "Tegenboeking", "payment_batch")


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(environment="test", database_url=db_url, secret_key="test-secret-key", instance_dir=tmp_path,
                    contact_line=CONTACT)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


def pdf_text(content: bytes) -> str:
    """The letter's text as a reader gets it (pypdf), Arabic presentation forms folded to their letters."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


def test_rent_paid_twice_and_energy_never_paid(session: Session, client: FlaskClient, settings: Settings,
                                               make_user: Callable[..., User],
                                               api_token: Callable[..., dict[str, str]]) -> None:
    preparer = actor_for(make_user("fenna", "finance"))
    approver = actor_for(make_user("frank", "finance"))
    with time_machine.travel(at(date(2026, 12, 28)), tick=False) as traveller:
        karin = make_user("karin", "caseworker")
        headers = api_token("kees", "caseworker")
        household = enrol(session, CASEWORKER, start=date(2027, 1, 1), iban="NL91ABNA0417164300",
                          persons=[person_data(bsn="111222333", date_of_birth="1990-04-01")],
                          leefgeld=MONTHLY_LEEFGELD, caseworker_id=karin.id)
        for category, creditor, iban, amount in (("rent", "Woonstad", "NL20INGB0001234567", "600.00"),
                                                 ("energy", "Energie Direct", "NL44RABO0123456789", "250.00")):
            fixed_cost(session, household.id, category, CASEWORKER, start=date(2027, 1, 1), amount=amount,
                       creditor={"name": creditor, "iban": iban}, reference=f"klant {category}")
        session.commit()

        def receive(day: date) -> None:
            receipt(session, household.id, "650.00", day, CASEWORKER)

        def run(day: date) -> None:
            traveller.move_to(at(day))
            batch(session, settings, day, preparer, approver)
            session.commit()

        receive(date(2026, 12, 28))
        run(date(2026, 12, 30))
        traveller.move_to(at(date(2027, 1, 28)))
        receive(date(2027, 1, 28))
        run(date(2027, 1, 28))
        traveller.move_to(at(date(2027, 2, 15)))
        ending.end_period(session, CASEWORKER, household.id, end_date="2027-02-15", reason="bijstand gestopt")
        run(date(2027, 2, 15))
        traveller.move_to(at(date(2027, 2, 16)))

        data = handover.handover_data(session, household.id, municipality="Gemeente Voorbeeld",
                                      contact=CONTACT, lead_business_days=settings.lead_business_days)
        rent, energy = data.costs
        assert (rent.category, [(i.due_date, i.amount_cents) for i in rent.paid], rent.unpaid) == (
            "rent", [(date(2027, 1, 1), 600_00), (date(2027, 2, 1), 600_00)], ())
        assert (energy.category, energy.paid, [(i.due_date, i.amount_cents) for i in energy.unpaid]) == (
            "energy", (), [(date(2027, 1, 1), 250_00), (date(2027, 2, 1), 250_00)])
        assert data.arrears_cents == 500_00 and data.balance_cents == 0
        assert data.payouts == (handover.Payout("paid", 100_00, date(2027, 2, 15)),)
        assert (data.caseworker, data.made_on, data.stops_on) == ("Karin", date(2027, 2, 16), date(2027, 2, 16))
        assert rent.first_due_yourself == date(2027, 3, 1) and energy.first_due_yourself == date(2027, 3, 1)

        body = client.get(f"/api/v1/households/{household.id}/handover", headers=headers).get_json()["data"]
        assert body["date"] == "2027-02-16" and body["payments_stop_on"] == "2027-02-16"
        by_category = {c["category"]: c for c in body["fixed_costs"]}
        assert [p["due_date"] for p in by_category["rent"]["paid"]] == ["2027-01-01", "2027-02-01"]
        assert by_category["rent"]["last_paid"] == {"due_date": "2027-02-01", "amount": "600.00",
                                                    "paid_on": "2027-01-28"}
        assert by_category["rent"]["unpaid"] == [] and by_category["energy"]["paid"] == []
        assert by_category["energy"]["last_paid"] is None
        assert by_category["energy"]["unpaid"] == [{"due_date": "2027-01-01", "amount": "250.00"},
                                                   {"due_date": "2027-02-01", "amount": "250.00"}]
        assert body["arrears_total"] == "500.00"
        assert body["payouts"] == [{"state": "paid", "amount": "100.00", "on": "2027-02-15"}]
        assert body["caseworker"] == {"name": "Karin", "contact": CONTACT}
        assert body["balance"] == "0.00" and "statement" not in body
        text = " ".join(body["text"] + by_category["rent"]["text"] + by_category["energy"]["text"])
        assert by_category["rent"]["text"][:2] == ["De gemeente betaalde deze rekening 2 keer, samen € 1.200,00.",
                                                   "De laatste betaling was voor de rekening van 01-02-2027 (€ 600,00)."]
        assert by_category["energy"]["text"][:3] == ["De gemeente heeft deze rekening niet betaald.",
                                                     "Nog niet betaald: de rekening van 01-01-2027, € 250,00.",
                                                     "Nog niet betaald: de rekening van 01-02-2027, € 250,00."]
        assert "Wat moet u doen? Bel of mail Energie Direct. Zeg dat dit bedrag nog openstaat." in text
        assert "Vraag om een betalingsregeling." in text
        assert "Let op: 2 rekeningen zijn nog niet betaald. Samen is dat € 500,00." in text
        assert "Op 15-02-2027 maakten wij € 100,00 over naar uw rekening NL91ABNA0417164300." in text
        assert "Uw klantmanager is Karin." in text and CONTACT in text
        assert "tot en met" not in text and not any(word in text for word in INTERNAL)

        client.post("/login", data={"username": "karin", "password": TEST_PASSWORD})
        whole = client.get(f"/households/{household.id}/handover").get_data(as_text=True)
        page = whole[whole.index('<main id="content"'):whole.index("</main>")]  # the overview, not the menu
        assert 'data-testid="handover-arrears"' in page and "Energie Direct" in page and "€ 500,00" in page
        assert "De gemeente heeft deze rekening niet betaald." in page
        assert "De gemeente betaalde deze rekening 2 keer, samen € 1.200,00." in page
        assert "16-02-2027" in page and "Uw klantmanager is Karin." in page and CONTACT in page
        assert "De gemeente betaalde van" not in page and not any(word in page for word in INTERNAL)
        rows = {r["category"]: r for r in csv.DictReader(io.StringIO(
            client.get(f"/households/{household.id}/handover-creditors.csv").get_data(as_text=True)))}
        assert (rows["rent"]["instalments_paid"], rows["rent"]["last_instalment_paid"],
                rows["rent"]["unpaid_instalments"]) == ("2", "2027-02-01", "0")
        assert (rows["energy"]["instalments_paid"], rows["energy"]["unpaid_amount"],
                rows["energy"]["unpaid_due_dates"]) == ("0", "500.00", "2027-01-01 2027-02-01")
        pdf = client.get(f"/households/{household.id}/handover.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        plain = pdf_text(handover.handover_pdf(data))
        assert "Nog niet betaald" in plain and "Energie Direct" in plain and "Karin" in plain
        assert "Datum: 16-02-2027" in plain and "Betaalrun" not in plain
        arabic = client.get(f"/households/{household.id}/handover.pdf?lang=ar")
        assert arabic.status_code == 200 and "overdracht-" in arabic.headers["Content-Disposition"]
        assert "لم يُدفع بعد" in pdf_text(arabic.data) and "Energie Direct" in pdf_text(arabic.data)
        english = [handover.text(m, "en") for m in handover.cost_lines(energy)]
        assert english[0] == "The municipality did not pay this bill."
        assert data.stops_on - timedelta(days=1) == data.period_end
