"""Access by team and by need (issue 14, finding 3): caseworkers reach their team's households only, another team's
household opens with a stated reason (break the glass, audited), signals follow the household, receipts and batches
are finance's, supervisors see what an extension decision needs and no BSN."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.db.engine import make_engine
from budgetbeheer.db.migrate import downgrade, upgrade
from budgetbeheer.lifecycle import extensions
from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.tables.access import BREAK_GLASS_MINUTES, BreakGlass
from budgetbeheer.tables.households import ExpectedIncome, Household, Receipt
from budgetbeheer.tables.lifecycle import ExtensionRequest, Signal
from budgetbeheer.tables.states import ExtensionStatus, SignalState
from budgetbeheer.users.models import User
from budgetbeheer.users.service import create_token, create_user
from tests.conftest import TEST_PASSWORD
from tests.factories import MONTHLY_LEEFGELD, enrol, fixed_cost, fixed_cost_data, person_data

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
NORTH_BSN, SOUTH_BSN = "111222333", "123456782"


@dataclass
class World:
    north: User  # caseworker, team noord
    south: User  # caseworker, team zuid
    north_household: int
    south_household: int
    headers: dict[str, dict[str, str]]


def _user(session: Session, username: str, *roles: str, team: str | None = None) -> User:
    return create_user(session, Actor.system("test"), username=username, roles=roles, password=TEST_PASSWORD,
                       team=team)


@pytest.fixture
def world(session: Session) -> World:
    north = _user(session, "noor", "caseworker", team="noord")
    south = _user(session, "zara", "caseworker", team="zuid")
    boss = _user(session, "tara", "supervisor", team="noord")
    fenna = _user(session, "fenna", "finance")
    ada = _user(session, "ada", "accountant")
    households = []
    for user, number, name in ((north, NORTH_BSN, "Noord"), (south, SOUTH_BSN, "Zuid")):
        household = enrol(session, Actor(name=user.username, user_id=user.id), start=date(2026, 11, 1),
                          today=NOW.date(), leefgeld=MONTHLY_LEEFGELD,
                          persons=[person_data(bsn=number, first_name="Amal", last_name=name)])
        households.append(household.id)
    headers = {user.username: {"Authorization": f"Bearer {create_token(session, Actor.system('test'), user)}"}
               for user in (north, south, boss, fenna, ada)}
    session.commit()
    return World(north, south, households[0], households[1], headers)


def _count(session: Session, model: type) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_finding3_intake_gives_the_household_its_caseworkers_team(session: Session, world: World) -> None:
    teams = dict(session.execute(select(Household.id, Household.team)).tuples().all())
    assert teams == {world.north_household: "noord", world.south_household: "zuid"}


def test_finding3_a_caseworker_lists_and_searches_only_their_teams_households(
    client: FlaskClient, world: World
) -> None:
    noor = world.headers["noor"]
    listed = client.get("/api/v1/households", headers=noor).get_json()["data"]
    assert [row["id"] for row in listed["items"]] == [world.north_household] and listed["total"] == 1
    assert client.get("/api/v1/households?query=zuid", headers=noor).get_json()["data"]["total"] == 0
    by_bsn = client.post("/api/v1/households/search", json={"bsn": SOUTH_BSN}, headers=noor).get_json()["data"]
    assert by_bsn["total"] == 0 and by_bsn["items"] == []  # another team's file is not in the list...
    assert by_bsn["other_teams"] == [{"id": world.south_household}]  # ...only its number, to break the glass for
    everything = client.get("/api/v1/households", headers=world.headers["fenna"]).get_json()["data"]
    assert everything["total"] == 2  # finance reads every household (receipts, bank queue)
    assert client.get("/api/v1/households", headers=world.headers["ada"]).get_json()["data"]["total"] == 2


OTHER_TEAM_READS = ["/api/v1/households/{id}", "/api/v1/households/{id}/statement", "/api/v1/households/{id}/forecast",
                    "/api/v1/households/{id}/handover", "/api/v1/households/{id}/extensions",
                    "/api/v1/households/{id}/one-off-payments", "/api/v1/households/{id}/history"]


@pytest.mark.parametrize("path", OTHER_TEAM_READS)
def test_finding3_another_teams_household_is_refused_with_the_way_to_break_the_glass(
    client: FlaskClient, session: Session, world: World, path: str
) -> None:
    response = client.get(path.format(id=world.south_household), headers=world.headers["noor"])
    if response.status_code == 404 and path.endswith("/history"):
        pytest.skip("no history route on the API")
    assert response.status_code == 403, response.get_json()
    assert "break_glass_reason" in response.get_json()["error"]["fields"]
    own = client.get(path.format(id=world.north_household), headers=world.headers["noor"])
    assert own.status_code == 200, own.get_json()


def test_finding3_a_caseworker_changes_nothing_of_another_teams_household(
    client: FlaskClient, session: Session, world: World
) -> None:
    noor = world.headers["noor"]
    before = _count(session, ExpectedIncome), _count(session, ExtensionRequest)
    income = client.post(f"/api/v1/households/{world.south_household}/expected-income", headers=noor,
                         json={"kind": "benefit", "amount": "1500.00", "day": 25})
    extension = client.post(f"/api/v1/households/{world.south_household}/extensions", headers=noor,
                            json={"months": 2, "reason_category": "health", "reason": "Ziekenhuisopname in april"})
    assert (income.status_code, extension.status_code) == (403, 403)
    assert (_count(session, ExpectedIncome), _count(session, ExtensionRequest)) == before


def test_finding3_every_change_route_refuses_another_teams_household_and_writes_nothing(
    client: FlaskClient, session: Session, world: World
) -> None:
    cost = fixed_cost(session, world.south_household, start=date(2026, 11, 1))
    session.commit()
    south, cost_id = world.south_household, cost.id
    calls = [
        ("POST", f"/api/v1/households/{south}/fixed-costs", fixed_cost_data("energy", start=date(2026, 12, 1))),
        ("POST", f"/api/v1/fixed-costs/{cost_id}/amounts", {"amount": "700.00", "from": "2026-12-01"}),
        ("PATCH", f"/api/v1/households/{south}", {"address": {"street": "Elders 1"}}),
        ("POST", f"/api/v1/households/{south}/iban-changes", {"iban": "NL91ABNA0417164300", "account_holder": "X",
                                                              "reason": "nieuwe rekening"}),
        ("POST", f"/api/v1/households/{south}/one-off-payments", {"amount": "50.00", "reason": "bril"}),
        ("POST", f"/api/v1/households/{south}/end", {"date": "2026-12-31", "reason": "verhuisd"}),
    ]
    before = _count(session, AuditEntry)
    for method, path, body in calls:
        response = client.open(path, method=method, json=body,
                               headers={**world.headers["noor"], "Idempotency-Key": f"k-{path}"})
        assert response.status_code == 403, (path, response.get_json())
    assert _count(session, AuditEntry) == before  # nothing changed, nothing written


def test_finding3_a_caseworker_cannot_withdraw_another_teams_extension_request(
    client: FlaskClient, session: Session, world: World
) -> None:
    row = extensions.request_extension(session, Actor(name="zara", user_id=world.south.id), world.south_household,
                                       months=2, reason_category="health", reason_text="Ziekenhuisopname in april")
    session.commit()
    refused = client.post(f"/api/v1/extensions/{row.id}/withdraw", headers=world.headers["noor"], json={})
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(ExtensionRequest, row.id).status == ExtensionStatus.PENDING  # type: ignore[union-attr]
    listed = client.get("/api/v1/extensions", headers=world.headers["noor"]).get_json()["data"]
    assert listed == []


def test_finding3_signals_follow_the_household(client: FlaskClient, session: Session, world: World) -> None:
    theirs = raise_signal(session, kind="shortfall", household_id=world.south_household, message="tekort zuid",
                          dedup_key="test:south")
    ours = raise_signal(session, kind="shortfall", household_id=world.north_household, message="tekort noord",
                        dedup_key="test:north")
    assert theirs is not None and ours is not None
    theirs_id = theirs.id
    session.commit()
    noor = world.headers["noor"]
    seen = client.get("/api/v1/signals?scope=role", headers=noor).get_json()["data"]
    assert [s["id"] for s in seen] == [ours.id]
    assert client.post(f"/api/v1/signals/{theirs_id}/done", json={"note": "gedaan"}, headers=noor).status_code == 403
    assert client.post("/api/v1/signals/done", json={"ids": [theirs_id], "note": "gedaan"},
                       headers=noor).status_code == 404
    session.expire_all()
    assert session.get(Signal, theirs_id).state == SignalState.OPEN  # type: ignore[union-attr]


def test_finding3_break_the_glass_takes_a_reason_opens_for_a_while_and_is_audited(
    client: FlaskClient, session: Session, world: World
) -> None:
    noor, path = world.headers["noor"], f"/api/v1/households/{world.south_household}"
    with time_machine.travel(NOW, tick=False) as traveller:
        for body in ({}, {"break_glass_reason": "   "}):
            refused = client.post(f"{path}/break-glass", json=body, headers=noor)
            assert refused.status_code == 422 and "break_glass_reason" in refused.get_json()["error"]["fields"]
        assert _count(session, BreakGlass) == 0
        opened = client.post(f"{path}/break-glass", headers=noor,
                             json={"break_glass_reason": "Collega ziek; huurachterstand moet vandaag weg"})
        assert opened.status_code == 201, opened.get_json()
        shown = client.get(path, headers=noor)
        assert shown.status_code == 200 and shown.get_json()["data"]["persons"][0]["bsn"] == SOUTH_BSN
        session.rollback()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.break_glass")).one()
        assert (entry.actor, entry.entity_id, entry.reason) == (
            "noor", str(world.south_household), "Collega ziek; huurachterstand moet vandaag weg")
        assert client.get("/api/v1/households", headers=noor).get_json()["data"]["total"] == 2
        assert client.get(path, headers=world.headers["zara"]).status_code == 200  # their own, of course
        traveller.move_to(NOW + timedelta(minutes=BREAK_GLASS_MINUTES + 1))
        assert client.get(path, headers=noor).status_code == 403  # the glass closes again


def test_finding3_the_web_page_of_another_teams_household_offers_the_glass(
    client: FlaskClient, session: Session, world: World
) -> None:
    assert client.post("/login", data={"username": "noor", "password": TEST_PASSWORD}).status_code == 302
    page = client.get(f"/households/{world.south_household}")
    text = page.get_data(as_text=True)
    assert page.status_code == 403 and 'data-testid="break-glass"' in text and SOUTH_BSN not in text
    index = client.get("/households/").get_data(as_text=True)
    assert "Noord" in index and "Zuid" not in index
    searched = client.post("/households/search", data={"q": SOUTH_BSN}).get_data(as_text=True)
    assert f'data-testid="other-team-{world.south_household}"' in searched and "Zuid" not in searched
    missing = client.post(f"/households/{world.south_household}/break-glass", data={"break_glass_reason": ""})
    assert missing.status_code == 422 and 'id="e-break_glass_reason"' in missing.get_data(as_text=True)
    opened = client.post(f"/households/{world.south_household}/break-glass",
                         data={"break_glass_reason": "Telefoon van de verhuurder, collega afwezig"})
    assert opened.status_code == 302
    assert client.get(f"/households/{world.south_household}").status_code == 200


def test_finding3_caseworkers_book_no_receipts(client: FlaskClient, session: Session, world: World) -> None:
    before = _count(session, Receipt)
    body = {"household_id": world.north_household, "amount": "1500.00", "date": "2026-11-24", "kind": "benefit"}
    refused = client.post("/api/v1/receipts", json=body, headers={**world.headers["noor"], "Idempotency-Key": "r1"})
    assert refused.status_code == 403
    assert _count(session, Receipt) == before
    booked = client.post("/api/v1/receipts", json=body, headers={**world.headers["fenna"], "Idempotency-Key": "r1"})
    assert booked.status_code == 201, booked.get_json()


def test_finding3_caseworkers_read_no_batches_but_their_households_payments(
    client: FlaskClient, world: World
) -> None:
    assert client.get("/api/v1/batches", headers=world.headers["noor"]).status_code == 403
    assert client.get("/api/v1/batches/1", headers=world.headers["noor"]).status_code == 403
    assert client.get("/api/v1/batches", headers=world.headers["fenna"]).status_code == 200
    assert client.post("/login", data={"username": "noor", "password": TEST_PASSWORD}).status_code == 302
    assert client.get("/batches/").status_code == 403
    page = client.get(f"/households/{world.north_household}")
    assert page.status_code == 200 and 'data-testid="household-payments"' in page.get_data(as_text=True)


def test_finding3_supervisors_see_what_the_decision_needs_not_the_file(
    client: FlaskClient, session: Session, world: World
) -> None:
    extensions.request_extension(session, Actor(name="noor", user_id=world.north.id), world.north_household,
                                 months=2, reason_category="health", reason_text="Ziekenhuisopname in april")
    extensions.request_extension(session, Actor(name="zara", user_id=world.south.id), world.south_household,
                                 months=1, reason_category="health", reason_text="Revalidatie duurt langer")
    session.commit()
    tara = world.headers["tara"]
    assert client.get(f"/api/v1/households/{world.north_household}", headers=tara).status_code == 403
    assert client.get("/api/v1/households", headers=tara).status_code == 403
    listed = client.get("/api/v1/extensions", headers=tara).get_json()["data"]
    assert [row["household_id"] for row in listed] == [world.north_household]  # their team's
    assert listed[0]["household"] == {"name": "A. Haddad", "period": {"start": "2026-11-01", "end": "2027-04-30"},
                                      "balance": "0.00"}  # what the decision needs, and no BSN
    assert NORTH_BSN not in str(listed)
    assert client.post("/login", data={"username": "tara", "password": TEST_PASSWORD}).status_code == 302
    page = client.get("/extensions").get_data(as_text=True)
    assert "Ziekenhuisopname in april" in page and "Revalidatie" not in page
    assert 'data-testid="extension-balance"' in page and "A. Haddad" in page
    assert NORTH_BSN not in page and NORTH_BSN[-4:] not in page
    assert client.get(f"/households/{world.north_household}").status_code == 403


def test_finding3_a_new_caseworker_brings_the_household_to_their_team(
    client: FlaskClient, session: Session, world: World
) -> None:
    changed = client.patch(f"/api/v1/households/{world.north_household}", headers=world.headers["noor"],
                           json={"caseworker_id": world.south.id, "reason": "verhuisd naar zuid"})
    assert changed.status_code == 200, changed.get_json()
    session.expire_all()
    assert session.get(Household, world.north_household).team == "zuid"  # type: ignore[union-attr]
    assert client.get(f"/api/v1/households/{world.north_household}", headers=world.headers["noor"]).status_code == 403
    assert client.get(f"/api/v1/households/{world.north_household}", headers=world.headers["zara"]).status_code == 200


def test_finding3_users_create_takes_a_team(cli: Callable[..., object], session: Session) -> None:
    result = cli("users", "create", "--username", "wim", "--role", "caseworker", "--team", "West")
    assert getattr(result, "exit_code", 0) == 0, getattr(result, "output", result)
    default = cli("users", "create", "--username", "bert", "--role", "caseworker")
    assert getattr(default, "exit_code", 0) == 0
    bad = cli("users", "create", "--username", "piet", "--role", "caseworker", "--team", "west side!")
    assert getattr(bad, "exit_code", 0) != 0
    session.rollback()
    assert dict(session.execute(select(User.username, User.team)).tuples().all()) == {"wim": "west", "bert": "standaard"}


def test_finding3_the_admin_form_sets_a_team(client: FlaskClient, session: Session,
                                             login: Callable[..., User]) -> None:
    login("bea", "admin")
    created = client.post("/admin/users/new", data={"username": "kim", "password": TEST_PASSWORD,
                                                    "roles": "caseworker", "team": "oost"})
    assert created.status_code == 302, created.get_data(as_text=True)
    session.rollback()
    kim = session.scalars(select(User).where(User.username == "kim")).one()
    assert kim.team == "oost"
    moved = client.post(f"/admin/users/{kim.id}", data={"roles": "caseworker", "is_active": "on", "team": "noord"})
    assert moved.status_code == 302
    session.expire_all()
    assert session.get(User, kim.id).team == "noord"  # type: ignore[union-attr]


def test_finding3_the_worklist_counts_only_the_teams_households(
    client: FlaskClient, session: Session, world: World
) -> None:
    nobodys = enrol(session, start=date(2026, 11, 1), today=NOW.date(), leefgeld=MONTHLY_LEEFGELD)
    nobodys.team = "zuid"  # a household of the other team that has no caseworker (once everybody's to see)
    for household_id, key in ((nobodys.id, "south"), (world.north_household, "north")):
        raise_signal(session, kind="shortfall", household_id=household_id, message="tekort", dedup_key=f"t:{key}")
    extensions.request_extension(session, Actor(name="zara", user_id=world.south.id), world.south_household,
                                 months=1, reason_category="health", reason_text="Revalidatie duurt langer")
    session.commit()
    mine = client.get("/api/v1/worklist", headers=world.headers["noor"]).get_json()["data"]["caseworker"]
    counts = {item["key"]: item["count"] for item in mine["items"]}
    assert counts["open_signals"] == 1 and counts["short_or_income_missing"] == 1
    boss = client.get("/api/v1/worklist", headers=world.headers["tara"]).get_json()["data"]["supervisor"]
    assert {item["key"]: item["count"] for item in boss["items"]} == {"extensions": 0}  # zuid's request is not hers


def test_finding3_the_migration_puts_existing_users_and_households_in_the_default_team(db_url: str) -> None:
    downgrade(db_url, "0015_signals_inbox_index")
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, username, display_name, is_active, language, failed_login_count, created_at, "
            "session_version) VALUES (901, 'oud', 'Oud', true, 'nl', 0, :now, 1)"), {"now": NOW})
        connection.execute(text(
            "INSERT INTO households (id, iban, account_holder, benefit_start_date, period_start, period_end, status, "
            "leefgeld_frequency, leefgeld_day, buffer_cents, created_at, created_by) VALUES (902, 'NL44RABO0123456789', "
            "'A. Oud', :day, :day, :end, 'active', 'monthly', 1, 0, :now, 'test')"),
            {"day": date(2026, 11, 1), "end": date(2027, 4, 30), "now": NOW})
    upgrade(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT team FROM users WHERE id = 901")).scalar_one() == "standaard"
        assert connection.execute(text("SELECT team FROM households WHERE id = 902")).scalar_one() == "standaard"
    engine.dispose()


def test_finding3_opening_a_file_with_full_bsns_is_logged(client: FlaskClient, session: Session, world: World) -> None:
    own = world.north_household
    assert client.get(f"/api/v1/households/{own}", headers=world.headers["noor"]).status_code == 200
    assert client.post("/login", data={"username": "noor", "password": TEST_PASSWORD}).status_code == 302
    assert client.get(f"/households/{own}").status_code == 200
    assert client.get(f"/households/{own}/corrections").status_code == 200
    session.rollback()
    viewed = [(e.actor, e.entity_id, e.auth_method, json.loads(e.after_json or "{}")["channel"]) for e in
              session.scalars(select(AuditEntry).where(AuditEntry.action == "household.viewed").order_by(AuditEntry.id))]
    assert viewed == [("noor", str(own), "token", "api"), ("noor", str(own), "session", "web"),
                      ("noor", str(own), "session", "web:corrections")]
