"""Issue 15, "one language at a time" and "names, not numbers": stored texts in the reader's language, the language
kept with the user, times on the Dutch clock, audit actions in words, households by name, the manual receipt's
confirm step."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import budgetbeheer
from budgetbeheer.audit.labels import ACTION_LABELS, action_label
from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.planning import DueObligation, leefgeld_amount, plan_run
from budgetbeheer.errors import Message
from budgetbeheer.households.read import household_labels, mask_name
from budgetbeheer.i18n import Cents, Said, format_date, render, restored, shown, stored, translate
from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.reports.reports import AUDIT_COLUMNS
from budgetbeheer.tables.access import Scope
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.users.models import User
from tests.conftest import TEST_PASSWORD
from tests.factories import enrol

PACKAGE = Path(budgetbeheer.__file__).resolve().parent


def test_finding_voor_is_for_on_the_signals_page_not_before() -> None:
    """"Before:" for "Voor:": the audit export's column said "Voor" (before) and won over the signals page's "Voor"
    (for whom). Each Dutch text now has one English text in all the catalogues together."""
    assert translate("Voor", "en") == "For"
    assert {c.key: c.label for c in AUDIT_COLUMNS}["before"] == "Voor de wijziging"
    seen: dict[str, str] = {}
    twice: list[str] = []
    for module in pkgutil.walk_packages(budgetbeheer.__path__, "budgetbeheer."):
        if module.name.endswith(".texts_en"):
            for dutch, english in getattr(importlib.import_module(module.name), "EN", {}).items():
                if seen.setdefault(dutch, english) != english:
                    twice.append(f"{module.name}: {dutch!r} is {english!r} and {seen[dutch]!r}")
    assert not twice, twice


def test_a_stored_text_keeps_its_id_and_is_shown_in_the_readers_language() -> None:
    message = Message("De periode eindigt op %(end)s (over %(days)s dagen). Vraag zo nodig een verlenging aan, of "
                      "bereid de overdracht voor.", end=date(2026, 12, 31), days=27)
    dutch, msgid, params = stored(message)
    assert dutch.startswith("De periode eindigt op 31-12-2026 (over 27 dagen).")
    assert msgid == message.msgid and params == {"end": {"date": "2026-12-31"}, "days": 27}
    assert shown(dutch, msgid, params, "en").startswith("The period ends on 2026-12-31 (in 27 days).")
    assert shown("oude zin", None, None, "en") == "oude zin"  # a row from before: its stored sentence
    reason = Said("%(label)s: betaald; saldo %(before)s → %(after)s",
                  label=Message("%(category)s %(amount)s, vervalt %(due)s", category=Message("huur"),
                                amount=Cents(65000), due=date(2027, 1, 1)),
                  before=Cents(100000), after=Cents(35000))
    assert reason == "huur € 650,00, vervalt 01-01-2027: betaald; saldo € 1.000,00 → € 350,00"
    again = restored(*stored(reason))
    assert translate(again, "en") == "rent €650.00, due 2027-01-01: paid; balance €1,000.00 → €350.00"
    assert render("%(a)s", {"a": Cents(-5)}, "nl") == "-€ 0,05"


def test_finding_times_are_shown_on_the_dutch_clock() -> None:
    """05:55 UTC was shown at 06:55 Dutch time; in summer the difference is two hours."""
    assert format_date(datetime(2026, 12, 4, 5, 55, tzinfo=UTC), "nl") == "04-12-2026 06:55"
    assert format_date(datetime(2026, 7, 1, 5, 55, tzinfo=UTC), "en") == "2026-07-01 07:55"


def test_signals_page_shows_the_signal_in_english_and_the_old_one_as_stored(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    household = enrol(session)
    raise_signal(session, kind="period_ending", household_id=household.id, dedup_key="t:1",
                 message=Message("De periode eindigt op %(end)s (over %(days)s dagen). Vraag zo nodig een verlenging "
                                 "aan, of bereid de overdracht voor.", end=date(2026, 12, 31), days=27))
    raise_signal(session, kind="period_ending", household_id=household.id, dedup_key="t:2",
                 message="Een oude zin zonder id.")
    session.commit()
    stored_row = session.scalar(select(Signal).where(Signal.dedup_key == "t:1"))
    assert stored_row is not None and stored_row.message_id and stored_row.message.startswith("De periode eindigt")
    login("kim", "caseworker", language="en")
    page = client.get("/signals").get_data(as_text=True)
    assert "The period ends on 2026-12-31 (in 27 days)." in page and "De periode eindigt" not in page
    assert "Een oude zin zonder id." in page
    assert f"{household.id} · A. Haddad" in page  # the household by number and name


def test_finding_language_choice_is_kept_at_the_next_log_in(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    user = login("lena", "caseworker")
    assert client.post("/language/en", data={"next": "/"}).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).language == "en"  # type: ignore[union-attr]
    change = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.language_changed"))
    assert change is not None and change.entity_id == str(user.id)
    client.post("/logout")
    with client.session_transaction() as cookie:
        cookie.clear()  # another browser: nothing remembered there
    assert client.post("/login", data={"username": "lena", "password": TEST_PASSWORD}).status_code == 302
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_finding_audit_page_shows_actions_in_words_not_keys(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    login("bea", "admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "Ingelogd" in visible and "login.succeeded" not in visible
    assert 'data-action="login.succeeded"' in page  # the key stays in the data
    assert "Tijdstip (UTC)" not in page
    client.post("/language/en", data={"next": "/"})
    assert "Logged in" in client.get("/admin/audit").get_data(as_text=True)


def test_every_audit_action_in_the_code_has_a_dutch_label() -> None:
    actions: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
                    "record", "Change"}:
                for arg in node.args[:3]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.fullmatch(
                            r"[a-z_]+\.[a-z_]+", arg.value):
                        actions.add(arg.value)
    assert len(actions) > 50
    assert sorted(actions - set(ACTION_LABELS)) == []
    assert translate(action_label("nieuw.iets"), "nl") == "Andere handeling (nieuw.iets)"


def test_households_are_named_and_masked_outside_the_readers_team(session: Session) -> None:
    household = enrol(session)
    session.flush()
    assert household_labels(session, [household.id, None], Scope.everything()) == {household.id: "A. Haddad"}
    assert household_labels(session, [household.id], Scope("een-ander-team", 1)) == {household.id: "A. H."}
    assert mask_name("Jan van der Berg") == "J. v. d. B."


def test_finding_manual_receipt_shows_the_household_before_it_is_booked(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    household = enrol(session)
    session.commit()
    login("fenna", "finance")
    form = {"household_id": str(household.id), "amount": "25,00", "date": "2026-11-28", "kind": "allowance"}
    preview = client.post("/households/receipts/manual", data=form)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert f"Boekt op huishouden {household.id}: A. Haddad" in text
    assert f'name="confirmed_household" value="{household.id}"' in text
    assert session.scalar(select(func.count(Receipt.id))) == 0  # nothing booked yet
    other = client.post("/households/receipts/manual", data=form | {"confirmed_household": "999"})
    assert other.status_code == 200 and session.scalar(select(func.count(Receipt.id))) == 0  # another id: again
    booked = client.post("/households/receipts/manual", data=form | {"confirmed_household": str(household.id)})
    assert booked.status_code == 302 and session.scalar(select(func.count(Receipt.id))) == 1


def test_a_payment_runs_reasons_say_what_their_message_ids_say() -> None:
    """The run writes its reasons out in Dutch the cheap way (f-strings) next to their message id: both must agree,
    and the English is complete (no Dutch word left)."""
    rent = DueObligation(1, Category.RENT, 65000, date(2027, 1, 1))
    energy = DueObligation(2, Category.ENERGY, 90000, date(2027, 1, 2))
    water = DueObligation(3, Category.WATER, 2000, date(2027, 1, 3))
    reasons: list[str] = []
    for balance, paydays, kept, income in ((100000, [date(2027, 1, 1)], None, date(2027, 1, 25)),
                                           (10000, [date(2027, 1, 1), date(2027, 1, 8)], date(2027, 1, 20), None),
                                           (200000, [date(2027, 1, 1), date(2027, 1, 8)], date(2027, 1, 20),
                                            date(2027, 1, 25)),
                                           (100000, [date(2027, 1, 1)], None, None)):
        plan = plan_run(balance, [rent, energy, water], next_income_date=income, kept_through=kept,
                        buffer_cents=5000, leefgeld_frequency="weekly", leefgeld_paydays=paydays)
        reasons += [p.reason for p in plan.payments] + [s.reason for s in plan.shortfalls]
        if plan.leefgeld is not None:
            reasons.append(plan.leefgeld.reason)
    reasons += [leefgeld_amount(1234, 0, 0, final=True).reason, leefgeld_amount(-5, 0, 0, final=True).reason]
    assert len(reasons) > 10
    for reason in reasons:
        assert isinstance(reason, Said), reason
        assert render(reason.msgid, reason.params, "nl") == reason
        english = translate(reason, "en")
        assert english != reason and not {"saldo", "betaald", "vervalt", "lasten", "niet"} & set(english.split()), english
