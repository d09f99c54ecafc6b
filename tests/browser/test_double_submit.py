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
from datetime import date
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.payments.service import prepare_run
from budgetbeheer.tables.households import Creditor, FixedCost, Household, Receipt
from budgetbeheer.tables.payments import PaymentBatch
from budgetbeheer.users.models import User
from tests.factories import RUN_DATE, payable_household

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


def once(session: Session, before: Counter[str], *actions: str) -> Counter[str]:
    """Since ``before``: each of ``actions`` audited exactly once and no other change audited twice."""
    added = audit_actions(session) - before
    for action in actions:
        assert added[action] == 1, (action, added)
    assert all(n == 1 for action, n in added.items() if action not in READS), added
    return added


def button_of(page: Any, action: str, name: str | None = None) -> Any:
    """The submit button of the form that posts to ``action`` (a path; ``name``: its words, if it has several)."""
    form = page.locator(f'form[action="{action}"]').first
    buttons = form.locator('button[type="submit"], button:not([type]), input[type="submit"]')
    return buttons.filter(has_text=name).first if name else buttons.first


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
        page.get_by_role("button", name="Afgeschreven door de bank…").click()
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
