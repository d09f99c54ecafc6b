"""Issue 17: every POST form a user can reach on the web pages, submitted twice in the browser (both submits at the
server before either answer is in), has one effect and answers no 5xx.

- A form that creates carries a one-time submission token (``once_per_submission``): the second submit shows the
  first one's result.
- A state transition (approve, reject, confirm, done, cancel, ...) answers the second submit as "already done" (the
  page again with a message, or 409), never with a second booking or a second audit entry of the action.

Each test sets up the state a form needs with the services (``tests.factories``), opens the page that holds the form,
sends it twice with :func:`send_twice`, and counts the rows and the audit entries of the action
(:func:`audit_actions`, read with a fresh transaction). Not covered: log-in, log-out, the language switch and the
log-in steps (second factor, OpenID Connect); see the README ("Dubbel versturen").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import simulate
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.households.fixed_costs import add_fixed_cost
from budgetbeheer.ledger.service import BANK, account_id, balance
from budgetbeheer.lifecycle.ending import advance_endings, end_period
from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.payments import service
from budgetbeheer.payments.service import prepare_run
from budgetbeheer.tables.access import BreakGlass
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, Household, Person, Receipt
from budgetbeheer.tables.lifecycle import ExtensionRequest
from budgetbeheer.tables.payments import Advance, BankFile, IbanChange, OneOffPayment, PaymentBatch, PaymentItem
from budgetbeheer.users.models import ApiToken, RoleGrant, User
from budgetbeheer.users.service import actor_for, create_token, create_user, update_user
from tests.conftest import TEST_PASSWORD
from tests.factories import (
    MONTHLY_LEEFGELD,
    RUN_DATE,
    batch,
    bsn,
    creditor,
    enrol,
    fixed_cost_data,
    household,
    iban,
    payable_household,
    receipt,
)

SUBMIT_TWICE = """form => Promise.all([1, 2].map(() => fetch(form.action || location.href,
    {method: "POST", body: new FormData(form), credentials: "same-origin"}))).then(rs => rs.map(r => r.url))"""
"""The form sent twice at once by the page itself, as a double click does when the browser sends both (a plain
``requestSubmit()`` twice lets Chromium drop the first navigation before it is sent)."""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(managed_account_iban="NL46BNGH0285160126")  # the bank file's debtor account


def count(session: Session, model: type) -> int:
    session.rollback()
    result = int(session.scalar(select(func.count()).select_from(model)) or 0)
    session.rollback()
    return result


def fill(page: Any, field: str, value: str) -> None:
    page.locator(f'[id="f-{field}"]').fill(value)


def submit_twice(page: Any, button: str, url: str) -> None:
    """Two submits of the form, both at the server before either answer is in; then the page shows where they went."""
    form = page.get_by_role("button", name=button).locator("xpath=ancestor::form")
    landed = form.evaluate(SUBMIT_TWICE)
    assert landed[0] == landed[1]  # the second submit shows the first one's result
    page.goto(landed[1])
    page.wait_for_url(url)


def test_double_submits_of_the_household_fixed_cost_creditor_and_receipt_forms_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
) -> None:
    make_user("karin", "caseworker", "finance")
    session.commit()
    browser_login("karin")

    page.goto("/households/new")
    fill(page, "persons.0.bsn", "111222333")
    fill(page, "persons.0.first_name", "Samir")
    fill(page, "persons.0.last_name", "Haddad")
    fill(page, "persons.0.date_of_birth", "1986-02-03")
    page.get_by_label("IBAN van het huishouden").fill("NL20 INGB 0001 2345 67")
    page.get_by_label("Naam rekeninghouder").fill("S. Haddad")
    fill(page, "benefit_start_date", date.today().replace(day=1).isoformat())
    submit_twice(page, "Inschrijven", "**/households/*")
    assert count(session, Household) == 1
    household_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    page.goto(f"/households/{household_id}/fixed-costs/new")
    page.get_by_label("Soort vaste last").select_option("rent")
    page.get_by_label("Naam nieuwe schuldeiser").fill("Woonstad Rotterdam")
    page.get_by_label("IBAN nieuwe schuldeiser").fill("NL91ABNA0417164300")
    fill(page, "amount", "725,00")
    page.get_by_label("Vervaldag (dag van de maand)").fill("1")
    submit_twice(page, "Vaste last opslaan", f"**/households/{household_id}")
    assert count(session, FixedCost) == 1

    creditors = count(session, Creditor)
    page.goto("/households/creditors")
    fill(page, "name", "Zilveren Kruis")
    fill(page, "iban", "NL20INGB0001234567")
    submit_twice(page, "Toevoegen", "**/households/creditors")
    assert count(session, Creditor) == creditors + 1

    page.goto("/households/receipts")
    fill(page, "household_id", str(household_id))
    fill(page, "amount", "1350,00")
    fill(page, "date", date.today().isoformat())
    fill(page, "reference", "UWV")
    page.get_by_role("button", name="Controleren").click()  # the confirm step names the household first
    page.get_by_test_id("receipt-preview").wait_for()
    submit_twice(page, "Ontvangst boeken", f"**/households/{household_id}")
    assert count(session, Receipt) == 1



# ------------------------------------------------------------------------------------------- every other form (helpers)

SEND_TWICE = """button => Promise.all([1, 2].map(() => fetch(button.form.action || location.href,
    {method: "POST", body: new FormData(button.form, button.name ? button : null), credentials: "same-origin"})))
    .then(rs => rs.map(r => ({url: r.url, status: r.status})))"""
"""As :data:`SUBMIT_TWICE`, from the form's submit button (its ``name=value`` sent along, as a click sends it); the
final status and address of each answer (redirects followed)."""

READS = frozenset({"household.viewed", "household.bsn_searched", "user.logged_in"})
"""Audit entries of reading: the page each answer lands on may write one per answer."""


def audit_actions(session: Session) -> Counter[str]:
    """How many audit entries of each action the trail holds (a fresh transaction: entries are chained at commit)."""
    session.rollback()
    rows = session.execute(select(AuditEntry.action, func.count()).group_by(AuditEntry.action)).all()
    session.rollback()
    return Counter({str(action): int(n) for action, n in rows})


def send_twice(page: Any, button: Any) -> list[dict[str, Any]]:
    """The button's form sent twice at once; neither answer is a 5xx. Then the page shows where the second went."""
    answers: list[dict[str, Any]] = button.evaluate(SEND_TWICE)
    assert all(answer["status"] < 500 for answer in answers), answers
    page.goto(answers[1]["url"])
    return answers


def step_twice(page: Any, session: Session, button: Any) -> None:
    """A confirmation step (what will happen; nothing written) sent twice: both answer the step's page, nothing is
    audited but reading; then the step is taken once, by a click, to go on."""
    before = audit_actions(session)
    answers = button.evaluate(SEND_TWICE)
    assert [answer["status"] for answer in answers] == [200, 200], answers
    assert not [action for action in audit_actions(session) - before if action not in READS]
    button.click()


def once(session: Session, before: Counter[str], *actions: str, **more: int) -> Counter[str]:
    """Since ``before``: each of ``actions`` audited exactly once and no other change audited twice (but for ``more``:
    an action one effect audits that many times, its dots as ``__``)."""
    added = audit_actions(session) - before
    for action in actions:
        assert added[action] == 1, (action, added)
    times = {action.replace("__", "."): n for action, n in more.items()}
    assert all(n == times.get(action, 1) for action, n in added.items() if action not in READS), added
    return added


def form_of(action: str) -> str:
    """The selector of the form that posts to ``action`` (a path; ``""``: the form that posts to its own page)."""
    return f'form[action="{action}"]' if action else 'main form[method="post"]:not([action])'


def button_of(page: Any, action: str, name: str | None = None) -> Any:
    """The submit button of the form that posts to ``action`` (see :func:`form_of`; ``name``: its words, if it has
    several)."""
    form = page.locator(form_of(action)).first
    buttons = form.locator('button[type="submit"], button:not([type]), input[type="submit"]')
    return buttons.filter(has_text=name).first if name else buttons.first


def fill_in(page: Any, action: str, **values: str) -> None:
    """Fill fields of the form that posts to ``action``, by their names."""
    for name, value in values.items():  # set as typed, also in a form that is folded away (``<details>``)
        page.locator(f'{form_of(action)} [name="{name}"]').first.evaluate("(e, v) => { e.value = v }", value)


def log_in_as(page: Any, browser_login: Callable[[str], None], username: str) -> None:
    page.context.clear_cookies()
    browser_login(username)


# ---------------------------------------------------------------------------------------------------- payment runs


def test_double_submits_of_a_payment_run_prepare_approve_export_sent_settle_and_cancel_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
    settings: Settings,
) -> None:
    with time_machine.travel("2026-11-27 09:00 +01:00", tick=True):
        payable_household(session)
        session.commit()
        make_user("fatima", "finance")
        make_user("frank", "finance")
        browser_login("fatima")

        page.goto("/batches/")
        page.get_by_label("Uitvoeringsdatum").fill(RUN_DATE.isoformat())
        before = audit_actions(session)
        send_twice(page, button_of(page, "/batches/"))
        once(session, before, "payment_batch.prepared")
        assert count(session, PaymentBatch) == 1
        batch_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

        log_in_as(page, browser_login, "frank")
        steps = [  # (the page with the form, the form's action, the action audited)
            (f"/batches/{batch_id}/approve", f"/batches/{batch_id}/approve", "payment_batch.approved"),
            (f"/batches/{batch_id}", f"/batches/{batch_id}/file", "payment_batch.exported"),
            (f"/batches/{batch_id}", f"/batches/{batch_id}/sent", "payment_batch.sent"),
        ]
        for where, action, audited in steps:
            page.goto(where)
            before = audit_actions(session)
            send_twice(page, button_of(page, action))
            once(session, before, audited)
        page.goto(f"/batches/{batch_id}")
        step_twice(page, session, page.get_by_role("button", name="Afgeschreven door de bank…"))
        before = audit_actions(session)
        send_twice(page, button_of(page, f"/batches/{batch_id}/settled"))
        once(session, before, "payment_batch.settled")
        assert page.get_by_test_id("batch-status").inner_text() == "afgeschreven"

        second, _ = prepare_run(session, Actor.system("test-finance"), date(2026, 12, 7), settings)
        second_id = second.id
        session.commit()
        page.goto(f"/batches/{second_id}/cancel")
        page.get_by_label("Reden").fill("verkeerde datum")
        before = audit_actions(session)
        send_twice(page, button_of(page, f"/batches/{second_id}/cancel"))
        once(session, before, "payment_batch.cancelled")


# ----------------------------------------------------------------------------------- one-off payments and advances


def test_double_submits_of_one_off_payments_and_advances_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
) -> None:
    household = enrol(session, start=clock.today() - timedelta(days=3), leefgeld=MONTHLY_LEEFGELD)
    household_id = household.id
    receipt(session, household_id, "400.00", clock.today(), reference="bijstand")
    ggd = creditor(session, category="other", name="GGD Regio", iban="NL02ABNA0123456789")
    ggd_id = ggd.id
    session.commit()
    make_user("karin", "caseworker")
    make_user("fatima", "finance")
    browser_login("karin")

    page.goto(f"/households/{household_id}/one-off-payments/new")
    page.get_by_label("Bedrag (euro)").fill("85,50")
    page.get_by_label("Schuldeiser", exact=True).select_option(str(ggd_id))
    page.get_by_label("Reden").fill("GGD-rekening inentingen")
    before = audit_actions(session)
    send_twice(page, page.get_by_role("button", name="Aanvragen"))
    once(session, before, "one_off_payment.requested")
    assert count(session, OneOffPayment) == 1
    first = session.scalars(select(OneOffPayment.id)).one()
    session.rollback()

    log_in_as(page, browser_login, "fatima")
    page.goto(f"/households/{household_id}")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/one-off-payments/{first}/approve"))
    once(session, before, "one_off_payment.approved")
    page.goto(f"/households/{household_id}")
    before = audit_actions(session)
    fill_in(page, f"/one-off-payments/{first}/reject", note="toch niet nodig")
    send_twice(page, button_of(page, f"/one-off-payments/{first}/reject"))  # approved, not yet in a run
    once(session, before, "one_off_payment.rejected")

    page.goto(f"/households/{household_id}/advances/new")
    page.get_by_label("Bedrag (euro)").fill("350")
    page.get_by_label("Reden").fill("Huurtoeslag komt pas over acht weken")
    before = audit_actions(session)
    send_twice(page, page.get_by_role("button", name="Verstrekken"))
    once(session, before, "advance.granted")
    assert count(session, Advance) == 1

    end_period(session, Actor.system("test"), household_id, end_date=clock.today().isoformat(), reason="verhuisd")
    advance_endings(session, Actor.system("test"), clock.today())
    session.commit()
    make_user("frank", "finance")  # four eyes: not who granted it
    log_in_as(page, browser_login, "frank")
    page.goto(f"/households/{household_id}")
    advance_id = session.scalars(select(Advance.id)).one()
    session.rollback()
    fill_in(page, f"/advances/{advance_id}/write-off", reason="niet terug te halen")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/advances/{advance_id}/write-off"))
    once(session, before, "advance.written_off")


# -------------------------------------------------------------------------------------- creditors and IBAN changes


def test_double_submits_of_the_creditor_register_and_iban_change_forms_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
    tmp_path: Path,
) -> None:
    karin = actor_for(make_user("karin", "caseworker"))
    make_user("fatima", "finance")
    make_user("frank", "finance")
    household = enrol(session)
    household_id = household.id
    waiting = [add_fixed_cost(session, karin, household_id, fixed_cost_data(
        category, creditor={"name": name, "iban": iban()})).creditor_id
        for category, name in (("energy", "Energie Nieuw"), ("water", "Water Nieuw"))]
    session.commit()
    browser_login("frank")

    page.goto("/households/creditors")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/households/creditors/{waiting[0]}/confirm"))
    once(session, before, "creditor.confirmed")
    fill_in(page, f"/households/creditors/{waiting[1]}/reject", reason="onbekende partij")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/households/creditors/{waiting[1]}/reject"))
    once(session, before, "creditor.rejected")

    fill_in(page, "/households/creditors/address", **{
        "creditor_id": str(waiting[0]), "address.street_name": "Stationsplein", "address.building_number": "1",
        "address.postal_code": "3511 ED", "address.town_name": "Utrecht", "address.country": "NL"})
    before = audit_actions(session)
    send_twice(page, button_of(page, "/households/creditors/address"))
    once(session, before, "creditor.address_changed")

    csv = tmp_path / "register.csv"
    csv.write_text(f"name,iban\nBibliotheek Oost,{iban()}\n", encoding="utf-8")
    page.locator('form[action="/households/creditors/upload"] input[type="file"]').set_input_files(csv)
    creditors = count(session, Creditor)
    before = audit_actions(session)
    send_twice(page, button_of(page, "/households/creditors/upload"))
    once(session, before, "creditor.created")
    assert count(session, Creditor) == creditors + 1

    fill_in(page, "/iban-changes/creditors", creditor_id=str(waiting[0]), iban=iban("ABNA"), reason="nieuwe bank")
    before = audit_actions(session)
    send_twice(page, button_of(page, "/iban-changes/creditors"))
    once(session, before, "iban_change.proposed")
    assert count(session, IbanChange) == 1
    change = session.scalars(select(IbanChange.id)).one()
    session.rollback()

    log_in_as(page, browser_login, "fatima")  # four eyes: not who proposed it
    page.goto("/households/creditors")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/iban-changes/{change}/confirm"))
    once(session, before, "iban_change.confirmed", "creditor.iban_changed")

    page.goto(f"/households/{household_id}")
    fill_in(page, f"/iban-changes/households/{household_id}", iban=iban("RABO"), account_holder="S. Haddad",
            reason="nieuwe rekening")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/iban-changes/households/{household_id}"))
    once(session, before, "iban_change.proposed")
    assert count(session, IbanChange) == 2
    change = session.scalars(select(IbanChange.id).order_by(IbanChange.id.desc()).limit(1)).one()
    session.rollback()

    log_in_as(page, browser_login, "frank")
    page.goto(f"/households/{household_id}")
    fill_in(page, f"/iban-changes/{change}/reject", note="niet van de rekeninghouder")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/iban-changes/{change}/reject"))
    once(session, before, "iban_change.rejected")


# ------------------------------------------------------------------------------------ signals, extensions, ending


def test_double_submits_of_signals_extensions_and_ending_a_period_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
) -> None:
    karin = make_user("karin", "caseworker")
    make_user("tara", "supervisor")
    household = enrol(session, start=clock.today() - timedelta(days=40), leefgeld=MONTHLY_LEEFGELD)
    household_id = household.id
    household.caseworker_id = karin.id
    signal_ids = [signal.id for n in range(3) if (signal := raise_signal(
        session, kind="shortfall", household_id=household_id, message="Huur niet betaald",
        dedup_key=f"double:{n}")) is not None]
    session.commit()
    browser_login("karin")

    page.goto("/signals")
    fill_in(page, f"/signals/{signal_ids[0]}/done", note="Met de verhuurder gebeld")
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/signals/{signal_ids[0]}/done"))
    once(session, before, "signal.done")
    page.goto("/signals")
    for signal_id in signal_ids[1:]:
        page.get_by_label(f"Signaal {signal_id} kiezen").check()
    page.get_by_label("Aangevinkte signalen afhandelen met één notitie").fill("Betalingsregeling getroffen")
    before = audit_actions(session)
    send_twice(page, page.get_by_test_id("bulk-done").get_by_role("button", name="Afgehandeld"))
    assert (audit_actions(session) - before)["signal.done"] == 2  # one per signal, not one more per submit

    def ask_extension() -> None:
        page.goto(f"/households/{household_id}/extensions/new")
        page.get_by_label("Aantal maanden (1 tot en met 12)").fill("2")
        page.get_by_label("Soort reden").select_option("language_course")
        page.get_by_label("Toelichting (minstens 10 tekens)").fill("Het taalexamen is pas in oktober")
        before = audit_actions(session)
        send_twice(page, page.get_by_role("button", name="Aanvragen"))
        once(session, before, "extension.requested")

    ask_extension()
    assert count(session, ExtensionRequest) == 1
    page.goto(f"/households/{household_id}/period")
    withdraw = session.scalars(select(ExtensionRequest.id)).one()
    session.rollback()
    before = audit_actions(session)
    send_twice(page, button_of(page, f"/extensions/{withdraw}/withdraw"))
    once(session, before, "extension.withdrawn")
    ask_extension()
    assert count(session, ExtensionRequest) == 2

    log_in_as(page, browser_login, "tara")
    page.goto("/extensions")
    page.get_by_label("Toelichting bij het besluit").fill("Akkoord, taal gaat voor")
    step_twice(page, session, page.get_by_role("button", name="Goedkeuren…"))
    before = audit_actions(session)
    send_twice(page, page.get_by_role("button", name="Ja, goedkeuren"))
    once(session, before, "extension.approved", "household.period_extended")

    log_in_as(page, browser_login, "karin")
    page.goto(f"/households/{household_id}/end")
    fill(page, "date", clock.today().isoformat())
    fill(page, "reason", "verhuisd naar een andere gemeente")
    step_twice(page, session, page.get_by_role("button", name="Verder: controleren wat er gebeurt"))
    before = audit_actions(session)
    send_twice(page, page.get_by_test_id("end-confirm").locator('button[type="submit"]'))
    once(session, before, "household.period_ended_early")


# ------------------------------------------------------------------------------------------------------ households

CORRECTIONS = [  # (action, fields, the action audited), one after the other on one household
    ("person", {"first_name": "Samira", "reason": "typfout in de voornaam"}, "person.corrected"),
    ("add-person", {"bsn": bsn(), "first_name": "Sara", "last_name": "Haddad", "date_of_birth": "2026-11-20", "from": "2026-11-28",
                    "reason": "geboren"}, "person.added"),
    ("details", {"city": "Utrecht", "reason": "verhuisd"}, "household.changed"),
    ("fixed-cost", {"reference": "Huur Nieuwstraat 3", "due_day": "2", "from": "2027-01-01",
                    "reason": "nieuw kenmerk"}, "fixed_cost.replaced"),
    ("settlement", {"type": "owed", "amount": "75,00", "date": "2027-01-15", "reason": "jaarafrekening"},
     "fixed_cost.settlement_owed"),
    ("income", {"amount": "1400,00", "from": "2027-01-01", "reason": "nieuw bedrag"}, "expected_income.replaced"),
    ("leave", {"date": "2026-12-31", "reason": "verhuist"}, "person.left"),
]


def test_double_submits_of_the_household_income_amount_correction_glass_and_receipt_forms_have_one_effect(
    page: Any, browser_login: Callable[[str], None], session: Session, tmp_path: Path,
) -> None:
    with time_machine.travel("2026-11-28 09:00 +01:00", tick=True):
        users = {name: create_user(session, Actor.system("test"), username=name, roles=roles, password=TEST_PASSWORD,
                                   team=team).id
                 for name, roles, team in (("noor", ("caseworker",), "noord"), ("zara", ("caseworker",), "zuid"),
                                           ("fatima", ("finance",), None))}
        noor = Actor(name="noor", user_id=users["noor"])
        household_id = household(session, noor, leefgeld=MONTHLY_LEEFGELD, balance="1500.00").id
        other = enrol(session, noor, leefgeld=MONTHLY_LEEFGELD).id
        session.commit()
        browser_login("noor")

        page.goto(f"/households/{household_id}/income/new")
        fill_in(page, "", kind="child_benefit", amount="280,00", day="1")
        before = audit_actions(session)
        send_twice(page, button_of(page, ""))
        once(session, before, "expected_income.added")

        page.goto(f"/households/{household_id}")
        rent = session.scalars(select(FixedCost.id).where(FixedCost.household_id == household_id)
                               .order_by(FixedCost.id).limit(1)).one()
        session.rollback()
        fill_in(page, f"/households/fixed-costs/{rent}/amount", amount="675,00", effective_from="2027-01-01")
        before = audit_actions(session)
        send_twice(page, button_of(page, f"/households/fixed-costs/{rent}/amount"))
        once(session, before, "fixed_cost.amount_changed")

        for action, fields, audited in CORRECTIONS:
            path = f"/households/{household_id}/corrections/{action}"
            page.goto(f"/households/{household_id}/corrections")
            fill_in(page, path, **fields)
            before = audit_actions(session)
            send_twice(page, button_of(page, path))
            once(session, before, audited)

        log_in_as(page, browser_login, "zara")  # another team's household: break the glass, once
        page.goto(f"/households/{other}")
        fill_in(page, f"/households/{other}/break-glass", break_glass_reason="Collega ziek; huur moet vandaag weg")
        before = audit_actions(session)
        send_twice(page, button_of(page, f"/households/{other}/break-glass"))
        once(session, before, "household.break_glass")
        assert count(session, BreakGlass) == 1
        page.goto("/households/")  # a search by BSN: a read, audited per search, nothing changed
        number = session.scalars(select(Person.bsn).where(Person.household_id == household_id)).first()
        session.rollback()
        fill_in(page, "/households/search", q=str(number))
        before = audit_actions(session)
        send_twice(page, button_of(page, "/households/search"))
        assert not [action for action in audit_actions(session) - before if action not in READS]

        log_in_as(page, browser_login, "fatima")
        page.goto(f"/households/{household_id}/corrections")
        wrong = session.scalars(select(Receipt.id).where(Receipt.household_id == household_id)).first()
        session.rollback()
        path = f"/households/{household_id}/corrections/rebook"
        fill_in(page, path, receipt_id=str(wrong), household_id=str(other), reason="verkeerd huishouden")
        before = audit_actions(session)
        send_twice(page, button_of(page, path))
        once(session, before, "receipt.rebooked")

        csv = tmp_path / "ontvangsten.csv"
        csv.write_text(f"household_id,amount,date,kind,reference\n{other},45.50,2026-11-27,benefit,UWV\n",
                       encoding="utf-8")
        page.goto("/households/receipts")
        page.locator('input[type="file"][name="file"]').set_input_files(csv)
        receipts = count(session, Receipt)
        before = audit_actions(session)
        send_twice(page, page.get_by_role("button", name="Inlezen en boeken"))
        once(session, before, "receipts.booked")  # one entry for the file
        assert count(session, Receipt) == receipts + 1


# ------------------------------------------------------------------------------------------- users, tokens, TOTP


def test_double_submits_of_the_user_role_grant_token_and_totp_forms_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
) -> None:
    alice = actor_for(make_user("alice", "admin"))
    make_user("bob", "admin")
    kees = make_user("kees", "caseworker")
    kees_id = kees.id
    create_token(session, actor_for(kees), kees, label="koppeling")
    session.commit()
    browser_login("alice")

    page.goto("/admin/users/new")
    fill_in(page, "", username="nina", password="een-lang-wachtwoord-1")
    page.locator("#role-caseworker").check()
    users = count(session, User)
    before = audit_actions(session)
    send_twice(page, button_of(page, ""))
    once(session, before, "user.created")
    assert count(session, User) == users + 1
    nina = session.scalars(select(User.id).where(User.username == "nina")).one()
    session.rollback()

    page.goto(f"/admin/users/{nina}")
    page.locator("#role-caseworker").uncheck()
    page.locator("#role-finance").check()  # a money role: it waits for a second admin
    fill_in(page, "", display_name="Nina de Vries")
    before = audit_actions(session)
    send_twice(page, button_of(page, ""))
    once(session, before, "role_grant.requested")
    update_user(session, alice, kees_id, roles=["caseworker", "finance"])  # a second grant, to reject
    session.commit()
    grants = {grant.user_id: grant.id for grant in session.scalars(select(RoleGrant))}
    session.rollback()

    log_in_as(page, browser_login, "bob")  # four eyes: not who asked
    for user_id, decision, audited in ((nina, "confirm", "role_grant.confirmed"),
                                       (kees_id, "reject", "role_grant.rejected")):
        page.goto(f"/admin/users/{user_id}")
        before = audit_actions(session)
        send_twice(page, button_of(page, f"/admin/role-grants/{grants[user_id]}/{decision}"))
        once(session, before, audited)
    page.goto(f"/admin/users/{kees_id}")  # an admin revokes kees's token
    step_twice(page, session, page.get_by_role("button", name="Intrekken…"))
    before = audit_actions(session)
    send_twice(page, page.get_by_role("button", name="Ja, token intrekken"))
    once(session, before, "token.revoked")

    page.goto("/account/tokens")
    fill_in(page, "/account/tokens", label="rapportage")
    tokens = count(session, ApiToken)
    before = audit_actions(session)
    send_twice(page, button_of(page, "/account/tokens"))
    once(session, before, "token.created")
    assert count(session, ApiToken) == tokens + 1
    page.goto("/account/tokens")
    step_twice(page, session, page.get_by_role("button", name="Intrekken…"))
    before = audit_actions(session)
    send_twice(page, page.get_by_role("button", name="Ja, token intrekken"))
    once(session, before, "token.revoked")

    page.goto("/account/security")
    before = audit_actions(session)
    send_twice(page, button_of(page, "/account/security/totp"))
    once(session, before, "totp.enrolment_started")
    totp = pyotp.TOTP(page.get_by_test_id("totp-secret").inner_text().replace(" ", ""))
    fill_in(page, "/account/security/totp/confirm", code=totp.now())
    before = audit_actions(session)
    send_twice(page, button_of(page, "/account/security/totp/confirm"))
    once(session, before, "totp.enrolled")
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=31), tick=True):  # a code not used yet
        page.goto("/account/security")
        fill_in(page, "/account/security/totp/disable", code=totp.now())
        before = audit_actions(session)
        send_twice(page, button_of(page, "/account/security/totp/disable"))
        once(session, before, "totp.disabled")


# ------------------------------------------------------------------------------------------------------------ bank


def test_double_submits_of_the_bank_upload_assign_undo_return_and_match_rule_forms_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
    settings: Settings, tmp_path: Path,
) -> None:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=True):
        finance = actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))
        household_id = payable_household(session, holder="Haddad").id
        approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
        service.export(session, finance[1], approved.id, settings)
        session.commit()
        row = session.get(Household, household_id)
        assert row is not None
        files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
        made = simulate.statement(
            files, account_iban=settings.managed_account_iban,
            opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 29)),
            credits=[simulate.Credit(4_250, date(2026, 12, 2), "A Haddad", row.iban, "terug van de huur"),
                     simulate.Credit(1_000, date(2026, 12, 2), "Onbekend", iban("ABNA"), "rente")],
        )
        path = tmp_path / "afschrift.xml"
        path.write_bytes(statement_bytes(made))
        session.commit()
        browser_login("fatima")

        page.goto("/bank/")
        page.locator('form[action="/bank/upload"] input[type="file"]').set_input_files(path)
        before = audit_actions(session)
        send_twice(page, button_of(page, "/bank/upload"))
        once(session, before, "bank_statement.imported")
        assert count(session, BankStatement) == 1

        lines = {line.amount_cents: line.id for line in session.scalars(
            select(BankLine).where(BankLine.state == LineState.UNMATCHED))}
        session.rollback()
        page.goto("/bank/queue")
        before = audit_actions(session)
        send_twice(page, page.get_by_role("button", name=f"Toewijzen aan huishouden {household_id}"))
        once(session, before, "bank_line.assigned")
        page.goto("/bank/queue")
        fill_in(page, f"/bank/lines/{lines[1_000]}/assign", reason="rente van de bank")
        form = page.locator(f'form[action="/bank/lines/{lines[1_000]}/assign"][data-testid="account-form"]')
        before = audit_actions(session)
        send_twice(page, form.locator('button[type="submit"]'))
        once(session, before, "bank_line.assigned")

        statement_id = session.scalars(select(BankStatement.id)).one()
        session.rollback()
        page.goto(f"/bank/statements/{statement_id}")
        fill_in(page, f"/bank/lines/{lines[4_250]}/unassign", reason="verkeerd huishouden")
        before = audit_actions(session)
        send_twice(page, button_of(page, f"/bank/lines/{lines[4_250]}/unassign"))
        once(session, before, "bank_line.unassigned")

        rent = session.scalars(select(PaymentItem.end_to_end_id).where(
            PaymentItem.batch_id == approved.id, PaymentItem.kind == "rent")).one()
        session.rollback()
        page.goto("/bank/returns")
        fill_in(page, "/bank/returns", payment=rent, reason_code="AC04", date="2026-12-02")
        step_twice(page, session, page.get_by_role("button", name="Controleren"))
        before = audit_actions(session)
        send_twice(page, page.get_by_test_id("return-confirm").get_by_role("button", name="Terugboeking vastleggen"))
        once(session, before, "payment_item.returned", signal__raised=2)  # AC04 holds the IBAN: two signals

        income = session.scalars(select(ExpectedIncome.id).where(ExpectedIncome.household_id == household_id)).one()
        session.rollback()
        page.goto(f"/bank/match-rules?household_id={household_id}")
        path_ = f"/bank/match-rules/{household_id}/{income}"
        fill_in(page, path_, payer_iban="NL02ABNA0123456789", match_words="UWV bijstand")
        before = audit_actions(session)
        send_twice(page, button_of(page, path_))
        once(session, before, "expected_income.match_rule_set")
