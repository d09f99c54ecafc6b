"""Issue 15, "Errors that help" and "Confirm what cannot be undone" (SQLite and PostgreSQL).

Errors: the server answers a bad form with the form again (422), what was typed kept, nothing written, and an error
summary at the top whose links name each field in words ("Bedrag: vul een bedrag in.", not "Vul dit veld in." and
not "amount: ..."); each field's message inline, linked with ``aria-describedby``. Confirmations: the first POST
writes nothing and says what will happen; the confirmed POST (``confirm=1``) acts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.lifecycle import extensions
from budgetbeheer.payments import service as payments
from budgetbeheer.tables.households import FixedCost, FixedCostAmount, Household, Receipt
from budgetbeheer.tables.lifecycle import ExtensionRequest
from budgetbeheer.tables.payments import PaymentBatch
from budgetbeheer.tables.states import ExtensionStatus
from budgetbeheer.users.models import ApiToken, User
from budgetbeheer.users.service import actor_for, create_token
from tests.factories import MONTHLY_LEEFGELD, RUN_DATE, enrol, fixed_cost, payable_household

SUMMARY = re.compile(r'<div class="flash error error-summary" role="alert" tabindex="-1" id="error-summary"'
                     r'[^>]*>\s*<h2>[^<]+</h2>\s*<ul>(.*?)</ul>', re.S)


def summary_links(html: str) -> list[tuple[str, str]]:
    """The error summary's links as (target id, text); fails when the page has no summary."""
    found = SUMMARY.search(html)
    assert found is not None, html[:3000]
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', found.group(1))


def audit_count(session: Session) -> int:
    session.rollback()
    count = int(session.scalar(select(func.count(AuditEntry.id))) or 0)
    session.rollback()
    return count


# ----------------------------------------------------------------------------------------------- errors that help


def test_finding2_the_summary_names_the_field_in_words_and_the_form_keeps_what_was_typed(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    user = login("karin", "caseworker")
    household = enrol(session, actor_for(user), start=date(2026, 3, 1))
    session.commit()
    before = audit_count(session)
    response = client.post(f"/households/{household.id}/fixed-costs/new", data={
        "category": "rent", "creditor.name": "Mitros", "creditor.iban": "NL91ABNA0417164300", "amount": "",
        "frequency": "monthly", "due_day": "31", "reference": "huur maart", "start_date": "2026-03-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    links = summary_links(html)
    assert ("f-amount", "Bedrag: vul een bedrag in.") in links
    assert all(not text.startswith(("Vul dit veld in", "amount:")) for _, text in links)
    assert 'aria-invalid="true" aria-describedby="h-amount e-amount"' in html and 'id="e-amount"' in html
    assert 'value="huur maart"' in html and 'value="31"' in html and 'value="Mitros"' in html  # kept
    assert audit_count(session) == before
    assert session.scalar(select(func.count(FixedCost.id))) == 0
    session.rollback()
    # The intake: a person's field is named by the person's row, in words.
    response = client.post("/households/new", data={"persons.0.bsn": "1234567890", "persons.0.first_name": "Hamid"})
    assert response.status_code == 422
    links = summary_links(response.get_data(as_text=True))
    assert ("f-persons.0.bsn", "Persoon 1, BSN: een BSN heeft 9 cijfers.") in links
    assert any(text.startswith("IBAN: ") for _, text in links)
    assert 'value="Hamid"' in response.get_data(as_text=True)
    assert audit_count(session) == before


def test_finding2_the_summary_in_english_names_the_field_in_english(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    household = enrol(session, actor_for(login("kate", "caseworker", language="en")), start=date(2026, 3, 1))
    session.commit()
    client.post("/language/en", data={"next": "/"})
    response = client.post(f"/households/{household.id}/income/new", data={"kind": "benefit", "amount": "",
                                                                             "day": "40"})
    assert response.status_code == 422
    texts = [text for _, text in summary_links(response.get_data(as_text=True))]
    assert any(text.startswith("Amount: ") for text in texts), texts
    assert any(text.startswith("Day of the month: ") for text in texts), texts


def test_finding3_a_wrong_new_amount_keeps_the_form_open_with_what_was_typed(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    household = enrol(session, actor_for(login("karin", "caseworker")), start=date(2026, 3, 1))
    cost = fixed_cost(session, household.id, "rent", start=date(2026, 3, 1), amount="650.00")
    session.commit()
    cost_id, before = cost.id, audit_count(session)
    amounts = session.scalar(select(func.count(FixedCostAmount.id)))
    session.rollback()
    response = client.post(f"/households/fixed-costs/{cost_id}/amount",
                           data={"amount": "zeshonderd", "effective_from": "2026-07-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    links = summary_links(html)
    assert links and links[0][0] == f"amount-{cost_id}" and links[0][1].startswith("Nieuw bedrag: ")
    assert "amount: " not in html
    assert '<details class="change-amount" open>' in html
    assert f'id="amount-{cost_id}" name="amount" type="text" size="8" inputmode="decimal" aria-required="true" ' \
           f'value="zeshonderd" aria-invalid="true" aria-describedby="e-amount-{cost_id}"' in html
    assert 'value="2026-07-01"' in html
    assert audit_count(session) == before
    assert session.scalar(select(func.count(FixedCostAmount.id))) == amounts


def test_finding3_a_refused_correction_shows_its_form_again_open_and_named(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    household = enrol(session, actor_for(login("karin", "caseworker")), start=date(2026, 3, 1))
    session.commit()
    household_id, before = household.id, audit_count(session)
    response = client.post(f"/households/{household_id}/corrections/details",
                           data={"city": "Deventer", "leefgeld_frequency": "monthly", "leefgeld_day": "40",
                                 "buffer": "veel", "reason": "verhuisd"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422  # not a redirect with "address.postal_code: ..." at the top
    links = summary_links(html)
    assert links and all(target.startswith("hd-") for target, _ in links), links
    assert any(target == "hd-buffer" and text.startswith("Buffer: ") for target, text in links), links
    assert '<details open><summary>Adres, klantmanager of leefgeld wijzigen</summary>' in html
    assert 'value="veel"' in html and 'value="Deventer"' in html and 'value="verhuisd"' in html
    assert "buffer:" not in html and "leefgeld.buffer" not in html
    assert audit_count(session) == before


def test_finding4_receipts_csv_errors_by_line_and_the_dutch_excel_format(
    client: FlaskClient, session: Session, login: Callable[..., User], make_user: Callable[..., User]
) -> None:
    household = enrol(session, actor_for(make_user("karin", "caseworker")), start=date(2026, 3, 1))
    session.commit()
    login("fenna", "finance")
    before = audit_count(session)

    def upload(content: bytes, file_format: str = "csv") -> tuple[int, str]:
        response = client.post("/households/receipts", data={"format": file_format,
                                                              "file": (io.BytesIO(content), "ontvangsten.csv")},
                               content_type="multipart/form-data")
        return response.status_code, response.get_data(as_text=True)

    semicolons = f"household_id;amount;date;kind\n{household.id};45,50;02-03-2026;benefit\n".encode()
    status, html = upload(semicolons)
    assert status == 422
    assert ("f-file", "CSV-bestand: dit bestand gebruikt puntkomma's als scheidingsteken (zo slaat Nederlandse "
            "Excel een CSV op). Gebruik komma's, of kies het formaat 'Nederlandse Excel (puntkomma)'.") in \
        [(target, text.replace("&#39;", "'")) for target, text in summary_links(html)]
    mixed = f"household_id,amount,date,kind\n{household.id};45,50;2026-03-02;benefit\n".encode()
    status, html = upload(mixed)
    assert status == 422 and "Regel 2 is met puntkomma" in html and "1 kolommen" not in html
    bad_lines = (f"household_id,amount,date,kind\n{household.id},45.50,2026-03-02,benefit\n"
                 f"{household.id},,2026-03-02,benefit\n{household.id},10.00,2026-13-01,benefit\n").encode()
    status, html = upload(bad_lines)
    assert status == 422
    assert summary_links(html)[0][0] == "f-file"  # the summary links to a field that exists
    listed = re.search(r'<ul class="field-error" id="e-file-lines" data-testid="import-errors">(.*?)</ul>', html)
    assert listed is not None and 'aria-describedby="e-file e-file-lines"' in html
    items = re.findall(r"<li>([^<]+)</li>", listed.group(1))
    assert items[0] == "Regel 3, Bedrag: vul een bedrag in."
    assert items[1].startswith("Regel 4, Datum: ")
    assert audit_count(session) == before and session.scalar(select(func.count(Receipt.id))) == 0
    session.rollback()
    status, html = upload(semicolons, "csv-nl")  # the same file, the Dutch Excel format chosen: booked
    assert status == 302, html
    booked = session.scalars(select(Receipt)).one()
    assert (booked.amount_cents, booked.received_on) == (4550, date(2026, 3, 2))
    session.rollback()
    status, html = upload(bad_lines, "csv-nl")
    assert status == 422 and "Kies het formaat &#39;CSV (komma)&#39;" in html


def test_finding5_ending_a_period_has_no_default_date_and_names_the_field(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    household = enrol(session, actor_for(login("karin", "caseworker")), start=date(2026, 3, 1))
    session.commit()
    form = client.get(f"/households/{household.id}/end").get_data(as_text=True)
    assert re.search(r'<input id="f-date" name="date" type="date" value=""', form), form
    before = audit_count(session)
    for url in (f"/households/{household.id}/end/confirm", f"/households/{household.id}/end"):
        response = client.post(url, data={"date": "", "reason": "Werk gevonden bij de bakker"})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert summary_links(html) == [("f-date", "Laatste dag van het ontzorgen: vul de laatste dag in (JJJJ-MM-DD).")]
        assert "Werk gevonden bij de bakker" in html  # kept
    assert audit_count(session) == before


# ----------------------------------------------------------------------------------------- confirm what cannot be undone


def test_finding6_ending_a_period_asks_first_and_ends_when_confirmed(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    household = enrol(session, actor_for(login("karin", "caseworker")), start=date(2026, 3, 1))
    session.commit()
    household_id, before = household.id, audit_count(session)
    form = {"date": "2026-06-15", "reason": "Werk gevonden bij de bakker"}
    step = client.post(f"/households/{household_id}/end/confirm", data=form)
    html = step.get_data(as_text=True)
    assert step.status_code == 200
    assert "Vanaf 16-06-2026 betaalt de gemeente geen vaste lasten meer" in html
    assert '<input type="hidden" name="confirm" value="1">' in html and 'value="2026-06-15"' in html
    unconfirmed = client.post(f"/households/{household_id}/end", data=form)  # the real POST without confirm=1
    assert unconfirmed.status_code == 200 and "Ja, periode beëindigen" in unconfirmed.get_data(as_text=True)
    assert audit_count(session) == before
    assert session.scalar(select(Household.ended_on).where(Household.id == household_id)) is None
    session.rollback()
    done = client.post(f"/households/{household_id}/end", data=form | {"confirm": "1"})
    assert done.status_code == 302
    session.rollback()
    assert session.scalar(select(Household.ended_on).where(Household.id == household_id)) == date(2026, 6, 15)


def test_finding6_the_supervisors_decision_asks_first_and_decides_when_confirmed(
    client: FlaskClient, session: Session, login: Callable[..., User], make_user: Callable[..., User]
) -> None:
    caseworker = actor_for(make_user("karin", "caseworker"))
    household = enrol(session, caseworker, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    row = extensions.request_extension(session, caseworker, household.id, months="2",
                                       reason_category="language_course", reason_text="Het taalexamen is in oktober")
    session.commit()
    request_id = row.id
    login("tara", "supervisor")
    before = audit_count(session)
    empty = client.post(f"/extensions/{request_id}/decision/confirm", data={"decision": "approve", "note": " "})
    assert empty.status_code == 422
    assert summary_links(empty.get_data(as_text=True)) == [
        (f"note-{request_id}", "Toelichting: schrijf een korte toelichting bij het besluit.")]
    step = client.post(f"/extensions/{request_id}/decision/confirm", data={"decision": "approve", "note": "Akkoord"})
    html = step.get_data(as_text=True)
    assert step.status_code == 200
    assert "De periode wordt verlengd tot en met 31-10-2026." in html
    rejecting = client.post(f"/extensions/{request_id}/decision", data={"decision": "reject", "note": "Nee"})
    assert rejecting.status_code == 200 and "De periode eindigt op 31-08-2026" in rejecting.get_data(as_text=True)
    assert audit_count(session) == before
    assert session.get(ExtensionRequest, request_id).status == ExtensionStatus.PENDING  # type: ignore[union-attr]
    session.rollback()
    done = client.post(f"/extensions/{request_id}/decision", data={"decision": "approve", "note": "Akkoord",
                                                                   "confirm": "1"})
    assert done.status_code == 302
    session.rollback()
    assert session.get(ExtensionRequest, request_id).status == ExtensionStatus.APPROVED  # type: ignore[union-attr]
    assert session.get(Household, household.id).period_end == date(2026, 10, 31)  # type: ignore[union-attr]


def test_finding6_revoking_a_token_asks_first_for_the_owner_and_for_an_admin(
    client: FlaskClient, session: Session, login: Callable[..., User], make_user: Callable[..., User]
) -> None:
    owner = login("karin", "caseworker")
    create_token(session, actor_for(owner), owner, label="rapportage")
    create_token(session, actor_for(owner), owner, label="koppeling")
    session.commit()
    first, second = session.scalars(select(ApiToken.id).order_by(ApiToken.id)).all()
    before = audit_count(session)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert f'action="/account/tokens/{first}/revoke/confirm"' in page
    for url in (f"/account/tokens/{first}/revoke/confirm", f"/account/tokens/{first}/revoke"):
        step = client.post(url)
        assert step.status_code == 200
        assert "krijgt vanaf nu geen toegang meer" in step.get_data(as_text=True)
    assert audit_count(session) == before
    assert session.get(ApiToken, first).revoked_at is None  # type: ignore[union-attr]
    session.rollback()
    assert client.post(f"/account/tokens/{first}/revoke", data={"confirm": "1"}).status_code == 302
    assert session.get(ApiToken, first).revoked_at is not None  # type: ignore[union-attr]
    session.rollback()
    client.post("/logout")
    login("bea", "admin")
    step = client.post(f"/admin/tokens/{second}/revoke")
    assert step.status_code == 200 and "Karin (karin)" in step.get_data(as_text=True)
    assert session.get(ApiToken, second).revoked_at is None  # type: ignore[union-attr]
    session.rollback()
    assert client.post(f"/admin/tokens/{second}/revoke", data={"confirm": "1"}).status_code == 302
    assert session.get(ApiToken, second).revoked_at is not None  # type: ignore[union-attr]


def test_finding6_debited_by_the_bank_asks_first_and_cancel_stands_apart(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User],
    make_user: Callable[..., User]
) -> None:
    preparer = actor_for(make_user("frank", "finance"))
    payable_household(session)
    batch, _ = payments.prepare_run(session, preparer, RUN_DATE, settings)
    session.commit()
    batch_id = batch.id
    approver = login("fatima", "finance")
    page = client.get(f"/batches/{batch_id}").get_data(as_text=True)
    actions = page[page.index('<div class="actions">'):page.index("</div>", page.index('<div class="actions">'))]
    assert 'class="button danger apart"' in actions  # "Annuleren" looks different and stands apart
    payments.approve(session, actor_for(approver), batch_id)
    session.commit()
    page = client.get(f"/batches/{batch_id}").get_data(as_text=True)
    actions = page[page.index('<div class="actions">'):page.index("</div>", page.index('<div class="actions">'))]
    assert actions.index("Bankbestand maken") < actions.index("Annuleren")  # after the primary action
    payments.export(session, actor_for(approver), batch_id, settings)
    payments.mark_sent(session, actor_for(approver), batch_id)
    session.commit()
    before = audit_count(session)
    for url in (f"/batches/{batch_id}/settled/confirm", f"/batches/{batch_id}/settled"):
        step = client.post(url)
        assert step.status_code == 200
        assert "gaan van &#39;betalingen onderweg&#39; naar de bankrekening" in step.get_data(as_text=True)
    assert audit_count(session) == before
    assert session.get(PaymentBatch, batch_id).status == "sent"  # type: ignore[union-attr]
    session.rollback()
    assert client.post(f"/batches/{batch_id}/settled", data={"confirm": "1"}).status_code == 302
    assert session.get(PaymentBatch, batch_id).status == "settled"  # type: ignore[union-attr]


def test_the_api_is_unchanged_an_api_client_confirms_by_calling(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]]
) -> None:
    household = enrol(session, Actor.system("test"), start=date(2026, 3, 1))
    session.commit()
    ended = client.post(f"/api/v1/households/{household.id}/end", json={"date": "2026-06-15", "reason": "Werk"},
                        headers=api_token("case", "caseworker"))
    assert ended.status_code == 200, ended.get_json()
    session.rollback()
    assert session.scalar(select(Household.ended_on).where(Household.id == household.id)) == date(2026, 6, 15)
