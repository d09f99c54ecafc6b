"""Issue 14, finding 4 (payee control), on SQLite and PostgreSQL: a creditor added outside the register waits for
finance's confirmation (four eyes) and is paid nothing until then; a look-alike name, or the same name with another
IBAN, is flagged on entry and on the batch page; control characters and bidi overrides are refused on entry and by
the bank file; the batch review groups by creditor and IBAN."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from alembic.script import ScriptDirectory
from flask.testing import FlaskClient
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine
from budgetbeheer.db.migrate import alembic_config, downgrade, upgrade
from budgetbeheer.errors import Conflict, PermissionDenied, ValidationError
from budgetbeheer.households.creditors import (
    confirm_creditor,
    create_creditor,
    load_creditors_csv,
    reject_creditor,
)
from budgetbeheer.households.fixed_costs import add_fixed_cost
from budgetbeheer.payments import service as payments
from budgetbeheer.payments.payees import totals_by_payee
from budgetbeheer.tables.households import Creditor
from budgetbeheer.tables.payments import BankFile, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from budgetbeheer.worklist.service import finance as finance_worklist
from tests.conftest import TEST_PASSWORD
from tests.factories import (
    RUN_DATE,
    START,
    enrol,
    fixed_cost,
    fixed_cost_data,
    iban,
    payable_household,
)

ENECO_IBAN = "NL20INGB0001234567"
OTHER_IBAN = "NL02ABNA0123456789"
CYRILLIC_ENECO = "\u0415neco"  # "Еneco": the first letter is CYRILLIC CAPITAL LETTER IE
NEXT_DATE = date(2026, 12, 1)
BAD_CHARACTERS = ["\x00", "\x07", "\x1b", "\x85", "\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200d",
                  "\ufeff"]


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, Actor]:
    return {name: actor_for(make_user(name, role)) for name, role in (
        ("karin", "caseworker"), ("fatima", "finance"), ("frank", "finance"), ("fleur", "finance"))}


def _items(session: Session, batch_id: int) -> dict[str, PaymentItem]:
    return {item.kind: item for item in session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch_id))}


def _audit(session: Session, action: str, entity_id: int) -> list[AuditEntry]:
    session.commit()  # audit entries get their place in the chain when their transaction commits
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                         AuditEntry.entity_id == str(entity_id))))


def test_finding4_a_creditor_added_with_a_fixed_cost_waits_for_finance_and_gets_nothing_until_confirmed(
    session: Session, settings: Settings, people: dict[str, Actor],
) -> None:
    household = payable_household(session, costs={"rent": "650.00"})
    cost = add_fixed_cost(session, people["karin"], household.id, fixed_cost_data(
        "energy", start=START, amount="100.00", creditor={"name": "Energie Nieuw", "iban": iban()}))
    creditor = session.get(Creditor, cost.creditor_id)
    assert creditor is not None
    assert (creditor.status, creditor.added_by, creditor.name_flag) == ("pending", "karin", None)
    [created] = _audit(session, "creditor.created", creditor.id)
    assert created.actor == "karin" and "wacht op bevestiging" in (created.reason or "")
    session.commit()

    first, _ = payments.prepare_run(session, people["fatima"], RUN_DATE, settings)
    session.commit()
    items = _items(session, first.id)
    assert items["rent"].status == "proposed"
    energy = items["energy"]
    assert (energy.status, energy.obligation_key) == ("held", None)
    assert "wacht op bevestiging door financiën" in (energy.hold_reason or "")
    assert first.total_cents == sum(i.amount_cents for i in items.values() if i.status != "held")

    with pytest.raises(PermissionDenied, match="medewerker financiën"):  # a caseworker never confirms
        confirm_creditor(session, people["karin"], creditor.id)
    session.rollback()
    with pytest.raises(PermissionDenied):  # nor does a system actor (the scheduler, a script)
        confirm_creditor(session, Actor.system("scheduler"), creditor.id)
    session.rollback()
    confirmed = confirm_creditor(session, people["frank"], creditor.id)
    assert (confirmed.status, confirmed.decided_by) == ("confirmed", "frank")
    [entry] = _audit(session, "creditor.confirmed", creditor.id)
    assert entry.actor == "frank" and '"added_by":"karin"' in (entry.after_json or "")
    session.commit()
    with pytest.raises(Conflict, match="wacht niet op bevestiging"):
        confirm_creditor(session, people["fleur"], creditor.id)
    session.rollback()

    second, _ = payments.prepare_run(session, people["fatima"], NEXT_DATE, settings)
    session.commit()
    paid = _items(session, second.id)["energy"]
    assert (paid.status, paid.creditor_id, paid.amount_cents, paid.due_date) == (
        "proposed", creditor.id, 100_00, date(2026, 12, 1))


def test_finding4_a_finance_user_who_adds_a_creditor_outside_the_register_does_not_confirm_it_and_a_rejected_one_is_never_paid(
    session: Session, settings: Settings, people: dict[str, Actor],
) -> None:
    household = payable_household(session, costs={"rent": "650.00"})
    cost = add_fixed_cost(session, people["fatima"], household.id, fixed_cost_data(
        "energy", start=START, creditor={"name": "Energie Anders", "iban": iban()}))
    creditor_id = cost.creditor_id
    session.commit()
    with pytest.raises(Conflict, match="vier ogen"):
        confirm_creditor(session, people["fatima"], creditor_id)
    session.rollback()
    with pytest.raises(ValidationError) as refused:
        reject_creditor(session, people["frank"], creditor_id, "  ")
    assert set(refused.value.fields) == {"reason"}
    session.rollback()
    rejected = reject_creditor(session, people["frank"], creditor_id, "IBAN hoort niet bij dit energiebedrijf")
    assert (rejected.status, rejected.active) == ("rejected", False)
    [entry] = _audit(session, "creditor.rejected", creditor_id)
    assert entry.reason == "IBAN hoort niet bij dit energiebedrijf"
    session.commit()

    batch, _ = payments.prepare_run(session, people["fleur"], RUN_DATE, settings)
    session.commit()
    energy = _items(session, batch.id)["energy"]
    assert energy.status == "held" and "afgewezen door financiën" in (energy.hold_reason or "")


def test_finding4_register_creditors_confirmed_at_once_look_alikes_flagged_and_pending_through_the_api(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]],
) -> None:
    fatima, frank = api_token("fatima", "finance"), api_token("frank", "finance")
    karin, admin = api_token("karin", "caseworker"), api_token("adam", "admin")

    def post(headers: dict[str, str], body: dict[str, Any], status: int = 201) -> Any:
        response = client.post("/api/v1/creditors", headers=headers, json=body)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()["data"] if status < 400 else response.get_json()["error"]

    eneco = post(fatima, {"name": "Eneco", "iban": ENECO_IBAN})
    assert (eneco["status"], eneco["name_flag"], eneco["warnings"]) == ("confirmed", None, {})
    by_admin = post(admin, {"name": "Waterbedrijf Noord", "iban": iban()})
    assert by_admin["status"] == "confirmed"

    look_alike = post(fatima, {"name": CYRILLIC_ENECO, "iban": OTHER_IBAN})
    assert look_alike["status"] == "pending"
    assert f"schuldeiser {eneco['id']}" in look_alike["name_flag"] and "lijkt op" in look_alike["name_flag"]
    assert "gemarkeerd" in look_alike["warnings"]["name"]
    same_name = post(fatima, {"name": "ENECO", "iban": iban()})
    assert same_name["status"] == "pending" and "ander IBAN" in same_name["name_flag"]
    assert ENECO_IBAN in same_name["name_flag"]

    pending = client.get("/api/v1/creditors", headers=frank, query_string={"status": "pending"})
    assert [c["id"] for c in pending.get_json()["data"]] == sorted([look_alike["id"], same_name["id"]],
                                                                   key=lambda i: (i != same_name["id"], i))
    assert client.get("/api/v1/creditors", headers=frank, query_string={"status": "waiting"}).status_code == 422

    url = f"/api/v1/creditors/{look_alike['id']}"
    assert client.post(f"{url}/confirm", headers=karin).status_code == 403  # caseworkers do not confirm
    assert client.post(f"{url}/confirm", headers=admin).status_code == 403  # nor does an admin: it moves money
    own = client.post(f"{url}/confirm", headers=fatima)
    assert own.status_code == 409 and "vier ogen" in own.get_json()["error"]["message"]
    no_reason = client.post(f"{url}/reject", headers=frank, json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    rejected = client.post(f"{url}/reject", headers=frank, json={"reason": "Cyrillische E: niet Eneco"})
    assert rejected.status_code == 200 and rejected.get_json()["data"]["status"] == "rejected"
    confirmed = client.post(f"/api/v1/creditors/{same_name['id']}/confirm", headers=frank,
                            json={"reason": "tweede rekening van Eneco, gebeld"})
    body = confirmed.get_json()["data"]
    assert confirmed.status_code == 200 and (body["status"], body["decided_by"]) == ("confirmed", "frank")
    assert client.post(f"{url}/confirm", headers=frank).status_code == 409  # rejected stays rejected

    register = {c["id"] for c in client.get("/api/v1/creditors", headers=karin).get_json()["data"]}
    assert look_alike["id"] not in register and {eneco["id"], same_name["id"]} <= register
    assert [e.actor for e in _audit(session, "creditor.rejected", look_alike["id"])] == ["frank"]
    assert [e.actor for e in _audit(session, "creditor.confirmed", same_name["id"])] == ["frank"]


def test_finding4_a_caseworker_adding_a_fixed_cost_is_told_the_creditor_waits_and_finance_confirms_it_on_the_page(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], login: Callable[..., User],
) -> None:
    finance = api_token("fatima", "finance")
    assert client.post("/api/v1/creditors", headers=finance,
                       json={"name": "Eneco", "iban": ENECO_IBAN}).get_json()["data"]["status"] == "confirmed"
    household = enrol(session)
    session.commit()
    karin = api_token("karin", "caseworker")
    added = client.post(f"/api/v1/households/{household.id}/fixed-costs", headers=karin, json=fixed_cost_data(
        "energy", start=START, creditor={"name": CYRILLIC_ENECO, "iban": OTHER_IBAN}))
    assert added.status_code == 201, added.get_data(as_text=True)
    data = added.get_json()["data"]
    assert data["creditor"]["status"] == "pending" and "lijkt op" in data["creditor"]["name_flag"]
    assert "financiën" in data["warnings"]["creditor"]
    creditor_id = data["creditor_id"]

    login("frank", "finance")
    page = client.get("/households/creditors").get_data(as_text=True)
    assert 'data-testid="pending-creditors"' in page and f'data-creditor-id="{creditor_id}"' in page
    assert 'data-testid="name-flag"' in page
    assert {i.key: i.count for i in finance_worklist(session, _user_id(session, "frank")).items}[
        "creditors_to_confirm"] == 1
    response = client.post(f"/households/creditors/{creditor_id}/confirm", data={})
    assert response.status_code == 302
    session.expire_all()
    creditor = session.get(Creditor, creditor_id)
    assert creditor is not None and (creditor.status, creditor.decided_by) == ("confirmed", "frank")
    assert 'data-testid="pending-creditors-none"' in client.get("/households/creditors").get_data(as_text=True)


def _user_id(session: Session, username: str) -> int:
    found = session.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return int(found)


def test_finding4_finance_sees_the_creditors_to_confirm_on_the_worklist_but_not_the_ones_they_added(
    session: Session, people: dict[str, Actor],
) -> None:
    household = enrol(session)
    add_fixed_cost(session, people["fatima"], household.id, fixed_cost_data(
        "energy", start=START, creditor={"name": "Energie Nieuw", "iban": iban()}))
    session.commit()

    def item(username: str) -> Any:
        [found] = [i for i in finance_worklist(session, _user_id(session, username)).items
                   if i.key == "creditors_to_confirm"]
        return found

    assert item("fatima").count == 0
    waiting = item("frank")
    assert waiting.count == 1 and waiting.link.endpoint == "households.creditors"
    assert waiting.rows[0].detail["kind"] == "creditor"


@pytest.mark.parametrize("bad", BAD_CHARACTERS)
def test_finding4_control_bidi_and_zero_width_characters_are_refused_in_names_references_and_addresses(
    session: Session, people: dict[str, Actor], bad: str,
) -> None:
    before = session.scalar(select(func.count(Creditor.id)))
    with pytest.raises(ValidationError) as refused:
        create_creditor(session, people["fatima"], {"name": f"Ene{bad}co", "iban": ENECO_IBAN})
    assert set(refused.value.fields) == {"name"} and "U+" in str(refused.value.fields["name"])
    with pytest.raises(ValidationError) as refused:
        create_creditor(session, people["fatima"], {"name": "Eneco", "iban": ENECO_IBAN, "town_name": f"Rotter{bad}dam",
                                                    "country": "NL"})
    assert "town_name" in refused.value.fields
    with pytest.raises(ValidationError) as refused:
        load_creditors_csv(session, people["fatima"], f"name,iban\nEne{bad}co,{ENECO_IBAN}\n".encode())
    with pytest.raises(ValidationError) as refused:
        enrol(session, account_holder=f"A. Had{bad}dad")
    assert "account_holder" in refused.value.fields
    household = enrol(session)
    with pytest.raises(ValidationError) as refused:
        add_fixed_cost(session, people["karin"], household.id, fixed_cost_data(
            "energy", start=START, reference=f"klant {bad}12", creditor={"name": "Energie Direct", "iban": iban()}))
    assert "reference" in refused.value.fields
    session.rollback()
    assert session.scalar(select(func.count(Creditor.id))) == before


def test_finding4_the_forms_and_the_api_refuse_a_right_to_left_override_naming_the_field(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], login: Callable[..., User],
) -> None:
    finance = api_token("fatima", "finance")
    response = client.post("/api/v1/creditors", headers=finance, json={"name": "Eneco\u202eoc", "iban": ENECO_IBAN})
    assert response.status_code == 422 and "name" in response.get_json()["error"]["fields"]
    login("frank", "finance")
    page = client.post("/households/creditors", data={"name": "Ene\x07co", "iban": ENECO_IBAN})
    assert page.status_code == 422  # the request check of issue 17 (budgetbeheer.http.inputs) refuses it whole
    upload = client.post("/households/creditors/upload", data={
        "file": (io.BytesIO(f"name,iban\nEne\u200bco,{ENECO_IBAN}\n".encode()), "register.csv")})
    assert upload.status_code == 422
    assert session.scalar(select(func.count(Creditor.id))) == 0


def test_finding4_the_bank_file_refuses_a_stored_name_with_a_bidi_override_rather_than_send_other_text(
    session: Session, settings: Settings, people: dict[str, Actor],
) -> None:
    household = payable_household(session, costs={"rent": "650.00"})
    session.commit()
    # A name stored before the entry check (or written past the services): the file must not carry it.
    session.execute(update(Creditor).values(name="Woonstichting \u202eDe Linde"))
    session.commit()
    batch, _ = payments.prepare_run(session, people["fatima"], RUN_DATE, settings)
    for approver in ("frank", "fleur"):
        if payments.get_batch(session, batch.id).status == "proposed":
            payments.approve(session, people[approver], batch.id)
    session.commit()
    assert household.id and payments.get_batch(session, batch.id).status == "approved"
    with pytest.raises(ValidationError) as refused:
        payments.export(session, people["frank"], batch.id, settings)
    session.rollback()
    [why] = [m for f, m in refused.value.fields.items() if f.endswith("creditor_name")]
    assert "U+202E" in str(why)
    assert session.scalar(select(func.count(BankFile.id))) == 0


def test_finding4_the_batch_review_groups_by_creditor_and_iban_and_flags_two_ibans_under_one_name(
    client: FlaskClient, session: Session, settings: Settings, people: dict[str, Actor],
    login: Callable[..., User], api_token: Callable[..., dict[str, str]],
) -> None:
    first = create_creditor(session, people["fatima"], {"name": "Eneco", "iban": ENECO_IBAN})
    second = create_creditor(session, people["fatima"], {"name": "Eneco", "iban": OTHER_IBAN})
    assert (first.status, second.status) == ("confirmed", "pending")
    confirm_creditor(session, people["frank"], second.id)
    for creditor in (first, second):
        household = payable_household(session, costs={"rent": "650.00"})
        fixed_cost(session, household.id, "energy", start=START, amount="100.00", creditor_id=creditor.id)
    session.commit()
    batch, _ = payments.prepare_run(session, people["fatima"], RUN_DATE, settings)
    session.commit()

    lines = totals_by_payee(session, batch.id)
    eneco = [line for line in lines if line.name == "Eneco"]
    assert sorted((line.iban, line.count, line.total_cents) for line in eneco) == [
        (OTHER_IBAN, 1, 100_00), (ENECO_IBAN, 1, 100_00)]
    assert all(line.flagged for line in eneco)
    assert {line.iban for line in lines[:2]} == {ENECO_IBAN, OTHER_IBAN}  # flagged lines first
    assert any("ander IBAN" in flag for line in eneco for flag in line.flags)
    rent = [line for line in lines if line.name != "Eneco"]
    assert len(rent) == 1 and rent[0].count == 2 and not rent[0].flagged  # one creditor, one IBAN: one line

    login("fenna", "finance")
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    table = page.split('data-testid="totals-creditor"')[1].split("</table>")[0]
    assert ENECO_IBAN in table and OTHER_IBAN in table and table.count('data-flagged="1"') == 2
    assert table.count('data-testid="payee-flag"') >= 2

    confirm_page = client.get(f"/batches/{batch.id}/approve").get_data(as_text=True)
    assert 'data-testid="approve-flagged"' in confirm_page and "2 regel(s)" in confirm_page

    api = client.get(f"/api/v1/batches/{batch.id}", headers=api_token("frida", "finance")).get_json()["data"]
    assert [(p["iban"], p["amount"], bool(p["flags"])) for p in api["payees"] if p["creditor"] == "Eneco"] in (
        [(ENECO_IBAN, "100.00", True), (OTHER_IBAN, "100.00", True)],
        [(OTHER_IBAN, "100.00", True), (ENECO_IBAN, "100.00", True)])


def test_finding4_a_batch_with_a_look_alike_name_flags_both_lines(
    session: Session, settings: Settings, people: dict[str, Actor],
) -> None:
    eneco = create_creditor(session, people["fatima"], {"name": "Eneco", "iban": ENECO_IBAN})
    cyrillic = create_creditor(session, people["fatima"], {"name": CYRILLIC_ENECO, "iban": OTHER_IBAN})
    confirm_creditor(session, people["frank"], cyrillic.id, "gecontroleerd")
    for creditor in (eneco, cyrillic):
        household = payable_household(session, costs={})
        fixed_cost(session, household.id, "energy", start=START, amount="100.00", creditor_id=creditor.id)
    session.commit()
    batch, _ = payments.prepare_run(session, people["fatima"], RUN_DATE, settings)
    session.commit()
    lines = {line.creditor_id: line for line in totals_by_payee(session, batch.id)}
    assert lines[eneco.id].flagged and any("lijkt" in flag for flag in lines[eneco.id].flags)
    assert lines[cyrillic.id].flagged and any("lijkt op" in flag for flag in lines[cyrillic.id].flags)


def test_finding4_the_migration_confirms_every_creditor_already_in_the_register(db_url: str) -> None:
    # The revision before the payee-controls migration, found by its title (the number may change at a merge).
    scripts = ScriptDirectory.from_config(alembic_config(db_url))
    [ours] = [script for script in scripts.walk_revisions() if (script.doc or "").startswith("Payee controls")]
    assert isinstance(ours.down_revision, str)
    downgrade(db_url, ours.down_revision)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO creditors (name, iban, reference_required, reference_kind, active, created_at) "
                "VALUES ('Eneco', :iban, false, 'free_text', true, CURRENT_TIMESTAMP)"), {"iban": ENECO_IBAN})
        upgrade(db_url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT status FROM creditors")).scalars().all() == ["confirmed"]
    finally:
        engine.dispose()


def test_finding4_the_command_line_lists_and_confirms_a_pending_creditor_only_for_a_proven_finance_user(
    session: Session, people: dict[str, Actor], cli: Callable[..., Any],
) -> None:
    household = enrol(session)
    cost = add_fixed_cost(session, people["karin"], household.id, fixed_cost_data(
        "energy", start=START, creditor={"name": CYRILLIC_ENECO, "iban": OTHER_IBAN}))
    creditor_id = cost.creditor_id
    session.commit()
    listed = cli("creditors", "pending")
    assert listed.exit_code == 0 and f"{creditor_id}\t{CYRILLIC_ENECO}\t{OTHER_IBAN}\tkarin" in listed.output
    unproven = cli("creditors", "confirm", str(creditor_id), "--as", "frank")
    assert unproven.exit_code == 2 and "moet bewijzen" in unproven.output
    done = cli("creditors", "confirm", str(creditor_id), "--as", "frank", "--password-stdin",
               input=f"{TEST_PASSWORD}\n")
    assert done.exit_code == 0, done.output
    assert f"creditor {creditor_id}: confirmed" in done.output
    [entry] = _audit(session, "creditor.confirmed", creditor_id)
    assert (entry.actor, entry.auth_method) == ("frank", "cli-password")


def test_finding4_the_fixed_cost_form_warns_that_a_new_creditor_waits_and_flags_a_look_alike(
    client: FlaskClient, session: Session, people: dict[str, Actor], login: Callable[..., User],
) -> None:
    create_creditor(session, people["fatima"], {"name": "Eneco", "iban": ENECO_IBAN})
    household = enrol(session)
    session.commit()
    login("kees", "caseworker")
    form = {"category": "energy", "amount": "100,00", "frequency": "monthly", "due_day": "1",
            "start_date": START.isoformat(), "creditor.name": CYRILLIC_ENECO, "creditor.iban": OTHER_IBAN}
    response = client.post(f"/households/{household.id}/fixed-costs/new", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="flash warning"' in page
    assert "is gemarkeerd" in page and "lijkt op die van schuldeiser" in page
    options = client.get(f"/households/{household.id}/fixed-costs/new").get_data(as_text=True)
    assert f"{CYRILLIC_ENECO} ({OTHER_IBAN}) – wacht op bevestiging door financiën" in options
