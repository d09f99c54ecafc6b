"""Issue 17, every create is safe to retry: an ``Idempotency-Key`` on every POST, a receipt without a key refused when
an equal one was just booked, CSV lines keyed by their content, and a one-time token on the web forms that create."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.households.receipts import import_receipts_csv
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, Household, Receipt
from budgetbeheer.tables.requests import IdempotentRequest
from budgetbeheer.users.models import ApiToken, User
from tests.factories import creditor_data, enrol, fixed_cost_data, income_data, intake_data

TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def household_id(session: Session) -> int:
    household = enrol(session, Actor.system("test"), start=date(2026, 11, 25), today=date(2026, 12, 3))
    session.commit()
    return household.id


@pytest.fixture
def staff(api_token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return api_token("fien", "finance", "caseworker")


def count(session: Session, model: type) -> int:
    session.rollback()
    result = int(session.scalar(select(func.count()).select_from(model)) or 0)
    session.rollback()
    return result


def receipt(household_id: int, **change: Any) -> dict[str, Any]:
    return {"household_id": household_id, "amount": "1500.00", "date": "2026-12-01", "kind": "benefit",
            "reference": "UWV december"} | change


# ------------------------------------------------------------------------------------------ API: Idempotency-Key


CREATES = [
    ("fixed cost", "/api/v1/households/{id}/fixed-costs", lambda: fixed_cost_data(start=date(2026, 12, 3)),
     FixedCost),
    ("expected income", "/api/v1/households/{id}/expected-income", income_data, ExpectedIncome),
    ("creditor", "/api/v1/creditors", lambda: creditor_data(name="Woonstichting Anders"), Creditor),
    ("household", "/api/v1/households", lambda: intake_data(start=date(2026, 12, 1)), Household),
    ("receipt", "/api/v1/receipts", None, Receipt),
]


@pytest.mark.parametrize(("what", "path", "body", "model"), CREATES, ids=[c[0] for c in CREATES])
def test_a_create_sent_twice_with_one_key_has_one_effect_and_the_first_answer(
    client: FlaskClient, session: Session, staff: dict[str, str], household_id: int, what: str, path: str,
    body: Callable[[], dict[str, Any]] | None, model: type,
) -> None:
    data = body() if body is not None else receipt(household_id)
    url = path.format(id=household_id)
    headers = {**staff, "Idempotency-Key": f"retry-{what}"}
    before = count(session, model)
    first = client.post(url, json=data, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = client.post(url, json=dict(reversed(list(data.items()))), headers=headers)  # key order does not matter
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count(session, model) == before + 1
    other = client.post(url, json=data | {"reference": "iets anders"}, headers=headers)
    assert other.status_code == 409
    assert "Idempotency-Key" in other.get_json()["error"]["fields"]
    assert count(session, model) == before + 1


def test_a_fixed_cost_sent_three_times_with_one_key_is_stored_once(
    client: FlaskClient, session: Session, staff: dict[str, str], household_id: int
) -> None:
    """Finding 1: the retry that paid the creditor twice. With a key, one fixed cost."""
    data = fixed_cost_data(start=date(2026, 12, 3))
    for _ in range(3):
        response = client.post(f"/api/v1/households/{household_id}/fixed-costs", json=data,
                               headers={**staff, "Idempotency-Key": "rent-2026-12"})
        assert response.status_code in (200, 201)
    assert count(session, FixedCost) == 1


def test_keys_belong_to_their_sender(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], household_id: int
) -> None:
    one, two = api_token("kim", "caseworker"), api_token("kees", "caseworker")
    data = income_data()
    url = f"/api/v1/households/{household_id}/expected-income"
    assert client.post(url, json=data, headers={**one, "Idempotency-Key": "k1"}).status_code == 201
    assert client.post(url, json=data, headers={**two, "Idempotency-Key": "k1"}).status_code == 201
    assert count(session, ExpectedIncome) == 2


def test_a_refused_create_keeps_no_key(
    client: FlaskClient, session: Session, staff: dict[str, str], household_id: int
) -> None:
    url = f"/api/v1/households/{household_id}/expected-income"
    headers = {**staff, "Idempotency-Key": "fix-and-retry"}
    assert client.post(url, json=income_data(amount="1,000.00"), headers=headers).status_code == 422
    assert client.post(url, json=income_data(), headers=headers).status_code == 201
    assert count(session, IdempotentRequest) == 1


@pytest.mark.parametrize("key", ["", " ", "k" * 201, "sleutel\x00", "sleutél"])
def test_a_bad_key_is_a_field_error(
    client: FlaskClient, session: Session, staff: dict[str, str], household_id: int, key: str
) -> None:
    response = client.post(f"/api/v1/households/{household_id}/expected-income", json=income_data(),
                           headers={**staff, "Idempotency-Key": key})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["error"]["fields"]
    assert count(session, ExpectedIncome) == 0


def test_two_requests_with_one_key_at_once_have_one_effect(
    client: FlaskClient, session: Session, engine: Any, staff: dict[str, str], household_id: int, dialect: str,
) -> None:
    """PostgreSQL: the second request's claim waits on the first's uncommitted row, then replays its answer."""
    if dialect != "postgresql":
        pytest.skip("SQLite lets one writer in at a time (BEGIN IMMEDIATE); the race needs PostgreSQL")
    from budgetbeheer.db.engine import make_session_factory
    from budgetbeheer.http.idempotency import claim

    other = make_session_factory(engine)()
    row, claimed = claim(other, "fien", "api:race", "POST x", "0" * 64)
    assert claimed
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(client.post(
        f"/api/v1/households/{household_id}/expected-income", json=income_data(),
        headers={**staff, "Idempotency-Key": "race"})))
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive()  # waiting on the other transaction's row
    row.status, row.response = 201, '{"data": {"id": 0}}'
    other.commit()
    other.close()
    thread.join(timeout=30)
    assert answers and answers[0].status_code == 409  # another body (hash) with the same key: nothing written
    assert count(session, ExpectedIncome) == 0


# ----------------------------------------------------------------------------------------- receipts without a key


def test_a_receipt_without_a_key_sent_twice_is_refused_the_second_time(
    client: FlaskClient, session: Session, staff: dict[str, str], household_id: int
) -> None:
    """Finding 2: 201, 201. Now 201, then 409 with a sentence, unless confirmed."""
    assert client.post("/api/v1/receipts", json=receipt(household_id), headers=staff).status_code == 201
    twice = client.post("/api/v1/receipts", json=receipt(household_id), headers=staff)
    assert twice.status_code == 409
    assert "confirm_duplicate" in twice.get_json()["error"]["fields"]
    assert "al geboekt" in twice.get_json()["error"]["message"]
    assert count(session, Receipt) == 1
    confirmed = client.post("/api/v1/receipts", json=receipt(household_id, confirm_duplicate=True), headers=staff)
    assert confirmed.status_code == 201
    assert count(session, Receipt) == 2
    other_day = client.post("/api/v1/receipts", json=receipt(household_id, date="2026-12-02"), headers=staff)
    assert other_day.status_code == 201


def test_two_equal_receipts_without_a_key_at_once_book_one(
    client: FlaskClient, session: Session, engine: Any, staff: dict[str, str], household_id: int, dialect: str,
) -> None:
    """PostgreSQL: the first booking holds the household's row lock; the second waits, then sees it and answers 409."""
    if dialect != "postgresql":
        pytest.skip("SQLite lets one writer in at a time (BEGIN IMMEDIATE); the race needs PostgreSQL")
    from budgetbeheer.db.engine import make_session_factory
    from budgetbeheer.households.receipts import book_receipt

    other = make_session_factory(engine)()
    book_receipt(other, Actor("other-request"), receipt(household_id), duplicate_days=7)  # type: ignore[arg-type]
    other.flush()
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(
        client.post("/api/v1/receipts", json=receipt(household_id), headers=staff)))
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive()  # waiting on the household's lock
    other.commit()
    other.close()
    thread.join(timeout=30)
    assert answers and answers[0].status_code == 409, answers[0].get_json()
    assert count(session, Receipt) == 1


def test_an_equal_receipt_after_the_window_is_booked(
    client: FlaskClient, session: Session, staff: dict[str, str], household_id: int
) -> None:
    assert client.post("/api/v1/receipts", json=receipt(household_id, date="2026-11-30"), headers=staff).status_code == 201
    with time_machine.travel(datetime(2026, 12, 11, 10, 0, tzinfo=UTC), tick=True):
        again = client.post("/api/v1/receipts", json=receipt(household_id, date="2026-11-30"), headers=staff)
    assert again.status_code == 201
    assert count(session, Receipt) == 2


# ---------------------------------------------------------------------------------------------------------- CSV


HEADER = "household_id,amount,date,kind,reference\n"


def test_the_same_csv_re_saved_with_crlf_books_nothing_again(session: Session, household_id: int) -> None:
    lines = [f"{household_id},1500.00,2026-12-01,benefit,UWV december", f'{household_id},"45,50",2026-12-02,allowance,']
    first = import_receipts_csv(session, Actor.system("t"), (HEADER + "\n".join(lines) + "\n").encode())
    assert (first.booked, first.already_booked) == (2, 0)
    resaved = ("\ufeff" + HEADER.replace("\n", "\r\n") + "\r\n".join(f"{line}  " for line in lines) + "\r\n")
    again = import_receipts_csv(session, Actor.system("t"), resaved.encode())
    assert (again.booked, again.already_booked) == (0, 2)
    session.commit()
    assert count(session, Receipt) == 2


def test_a_file_imported_before_content_keys_is_not_booked_again(session: Session, household_id: int) -> None:
    """A receipt booked with the old key ``csv:<file hash>:<line>`` still counts as booked."""
    import hashlib

    from budgetbeheer.households.receipts import book_receipt

    content = (HEADER + f"{household_id},1500.00,2026-12-01,benefit,UWV december\n").encode()
    book_receipt(session, Actor.system("t"), receipt(household_id),
                 idempotency_key=f"csv:{hashlib.sha256(content).hexdigest()}:2", source="csv")
    result = import_receipts_csv(session, Actor.system("t"), content)
    assert (result.booked, result.already_booked) == (0, 1)


def test_identical_lines_without_keys_in_one_file_are_refused_naming_both(session: Session, household_id: int) -> None:
    from budgetbeheer.errors import ValidationError

    line = f"{household_id},45.50,2026-12-02,allowance,zorgtoeslag\n"
    with pytest.raises(ValidationError) as refused:
        import_receipts_csv(session, Actor.system("t"), (HEADER + line + line.replace("45.50", '"45,50"')).encode())
    assert "regel 3: line" in refused.value.fields
    assert "regel 2" in str(refused.value.fields["regel 3: line"])
    session.rollback()
    assert count(session, Receipt) == 0


def test_identical_lines_with_their_own_keys_are_two_receipts(session: Session, household_id: int) -> None:
    content = (HEADER.replace("\n", ",idempotency_key\n")
               + f"{household_id},45.50,2026-12-02,allowance,zorgtoeslag,a-1\n"
               + f"{household_id},45.50,2026-12-02,allowance,zorgtoeslag,a-2\n").encode()
    assert import_receipts_csv(session, Actor.system("t"), content).booked == 2


# ---------------------------------------------------------------------------------------------------------- web


def token_of(page: str) -> str:
    found = re.search(r'name="submission_token" value="([^"]+)"', page)
    assert found, "the form carries no one-time submission token"
    return found.group(1)


def test_the_fixed_cost_form_submitted_twice_stores_one(
    client: FlaskClient, login: Callable[..., User], session: Session, household_id: int
) -> None:
    login("karin", "caseworker")
    token = token_of(client.get(f"/households/{household_id}/fixed-costs/new").get_data(as_text=True))
    form = {"category": "rent", "creditor.name": "Mitros", "creditor.iban": "NL91ABNA0417164300",
            "amount": "712,40", "frequency": "monthly", "due_day": "1", "start_date": "2026-12-03",
            "submission_token": token}
    first = client.post(f"/households/{household_id}/fixed-costs/new", data=form)
    second = client.post(f"/households/{household_id}/fixed-costs/new", data=form)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert count(session, FixedCost) == 1
    page = client.get(second.location).get_data(as_text=True)
    assert "al verstuurd" in page


def test_the_household_form_submitted_twice_enrols_one(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    login("karin", "caseworker")
    token = token_of(client.get("/households/new").get_data(as_text=True))
    form = {"persons.0.bsn": "111222333", "persons.0.first_name": "Hamid", "persons.0.last_name": "Ahmadi",
            "persons.0.date_of_birth": "1985-06-01", "iban": "NL20 INGB 0001 2345 67", "account_holder": "H. Ahmadi",
            "benefit_start_date": "2026-12-01", "leefgeld.frequency": "monthly", "leefgeld.day": "1",
            "leefgeld.buffer": "0,00", "submission_token": token}
    first = client.post("/households/new", data=form)
    second = client.post("/households/new", data=form)
    assert first.status_code == 302, first.get_data(as_text=True)
    assert second.status_code == 302 and second.location == first.location
    assert count(session, Household) == 1


def test_the_manual_receipt_form_submitted_twice_books_one(
    client: FlaskClient, login: Callable[..., User], session: Session, household_id: int
) -> None:
    login("fenna", "finance")
    token = token_of(client.get("/households/receipts").get_data(as_text=True))
    form = {"household_id": str(household_id), "amount": "25,00", "date": "2026-12-02", "kind": "allowance",
            "reference": "zorgtoeslag", "submission_token": token, "confirmed_household": str(household_id)}
    first = client.post("/households/receipts/manual", data=form)
    second = client.post("/households/receipts/manual", data=form)
    assert first.status_code == second.status_code == 302
    assert count(session, Receipt) == 1
    # A new form (a new token) with the same receipt: refused unless ticked as a second receipt.
    form["submission_token"] = token_of(client.get("/households/receipts").get_data(as_text=True))
    refused = client.post("/households/receipts/manual", data=form)
    assert refused.status_code == 422
    assert 'name="confirm_duplicate"' in refused.get_data(as_text=True)
    form["submission_token"] = token_of(refused.get_data(as_text=True))
    confirmed = client.post("/households/receipts/manual", data=form | {"confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert count(session, Receipt) == 2


def test_the_receipts_upload_submitted_twice_books_once(
    client: FlaskClient, login: Callable[..., User], session: Session, household_id: int
) -> None:
    login("fenna", "finance")
    token = token_of(client.get("/households/receipts").get_data(as_text=True))
    content = f"household_id,amount,date,kind\n{household_id},1350.00,2026-12-01,benefit\n".encode()
    for _ in range(2):
        response = client.post("/households/receipts", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(content), "r.csv"), "submission_token": token})
        assert response.status_code == 302
    assert count(session, Receipt) == 1


def test_the_creditor_form_submitted_twice_adds_one(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    login("fenna", "finance")
    token = token_of(client.get("/households/creditors").get_data(as_text=True))
    form = {"name": "Mitros", "iban": "NL91ABNA0417164300", "reference_kind": "free_text", "submission_token": token}
    first = client.post("/households/creditors", data=form)
    second = client.post("/households/creditors", data=form)
    assert first.status_code == second.status_code == 302
    assert count(session, Creditor) == 1


def test_a_form_shown_again_with_errors_keeps_its_token_usable(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    login("fenna", "finance")
    token = token_of(client.get("/households/creditors").get_data(as_text=True))
    bad = client.post("/households/creditors", data={"name": "Mitros", "iban": "NL00", "submission_token": token})
    assert bad.status_code == 422
    good = client.post("/households/creditors", data={"name": "Mitros", "iban": "NL91ABNA0417164300",
                                                       "reference_kind": "free_text", "submission_token": token})
    assert good.status_code == 302
    assert count(session, Creditor) == 1


def test_the_new_api_token_form_submitted_twice_makes_one_and_the_second_lands_on_the_list(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    """Its success is a page of its own (the token, shown once), not a redirect: the second submit does not show
    that page again, nor make a second token (``lands_at``)."""
    login("karin", "caseworker")
    form = {"label": "rapportage", "submission_token": token_of(client.get("/account/tokens").get_data(as_text=True))}
    first = client.post("/account/tokens", data=form)
    second = client.post("/account/tokens", data=form)
    assert first.status_code == 200 and "Terug naar mijn API-tokens" in first.get_data(as_text=True)
    assert second.status_code == 302 and second.location.endswith("/account/tokens")
    assert count(session, ApiToken) == 1
    assert "al verstuurd" in client.get(second.location).get_data(as_text=True)


def test_openapi_offers_the_key_on_every_post_and_gives_the_limits(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    posts = [operation for path in document["paths"].values() for method, operation in path.items()
             if method == "post"]
    assert posts
    for operation in posts:
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])
        assert {"409", "413", "422"} <= set(operation["responses"])
    receipt_body = document["paths"]["/api/v1/receipts"]["post"]["requestBody"]["content"]["application/json"]
    properties = receipt_body["schema"]["properties"]
    assert properties["household_id"]["maximum"] == 2**63 - 1
    assert "pattern" in properties["amount"] and "pattern" in properties["date"]


def test_the_extension_request_form_submitted_twice_asks_once(
    client: FlaskClient, login: Callable[..., User], session: Session, household_id: int
) -> None:
    from budgetbeheer.tables.lifecycle import ExtensionRequest

    login("karin", "caseworker")
    token = token_of(client.get(f"/households/{household_id}/extensions/new").get_data(as_text=True))
    form = {"months": "3", "reason_category": "language_course", "reason": "Taalcursus loopt nog tot het voorjaar",
            "submission_token": token}
    first = client.post(f"/households/{household_id}/extensions/new", data=form)
    second = client.post(f"/households/{household_id}/extensions/new", data=form)
    assert first.status_code == second.status_code == 302, second.get_data(as_text=True)
    assert second.location == first.location
    assert count(session, ExtensionRequest) == 1


def test_keys_older_than_the_keeping_days_are_forgotten_by_the_daily_job(
    session: Session, settings: Settings
) -> None:
    """``http.forget_idempotent_requests``: keys and form tokens older than BUDGETBEHEER_IDEMPOTENCY_KEEP_DAYS go (the
    table does not grow for ever); younger ones stay and still answer a retry."""
    from budgetbeheer.composition import registry
    from budgetbeheer.db.base import utcnow

    now = utcnow()
    for days, key in ((31, "api:old"), (29, "api:young"), (0, "form:today")):
        session.add(IdempotentRequest(actor="fien", key=key, target="POST /api/v1/receipts", request_hash="0" * 64,
                                      status=201, response="{}", created_at=now - timedelta(days=days)))
    session.commit()
    job = registry().jobs.get("http.forget_idempotent_requests")
    detail = job.func(session, Actor.system("scheduler"), now.date(), settings.with_overrides(idempotency_keep_days=30))
    session.commit()
    assert detail is not None and detail.startswith("1 vergeten")
    assert sorted(session.scalars(select(IdempotentRequest.key))) == ["api:young", "form:today"]


def test_a_long_file_is_committed_in_steps_and_an_interrupted_import_is_finished_by_importing_it_again(
    session: Session, household_id: int, engine: Any,
) -> None:
    """Finding 10 and "no write stops the house": the lines are booked and committed a chunk at a time; a crash in
    the middle keeps the committed chunks, and the same file imported again books only the rest."""
    from budgetbeheer.db.engine import make_session_factory
    from budgetbeheer.db.unit_of_work import checkpoint
    from budgetbeheer.ledger.service import money_identity

    content = (HEADER + "".join(f"{household_id},{10 + n}.00,2026-12-01,other,regel {n}\n" for n in range(12))).encode()
    importing = make_session_factory(engine)()
    seen: list[tuple[int, int]] = []

    def crash_at_the_second_step(booked: int, of: int) -> None:
        seen.append((booked, of))
        if len(seen) == 2:
            raise KeyboardInterrupt  # the process killed before the second step's commit
        checkpoint(importing)

    with pytest.raises(KeyboardInterrupt):
        import_receipts_csv(importing, Actor.system("t"), content, checkpoint=crash_at_the_second_step, chunk=5)
    importing.rollback()
    importing.close()
    assert seen == [(5, 12), (10, 12)]
    assert count(session, Receipt) == 5  # the first step was committed, the second undone
    steps: list[tuple[int, int]] = []
    again = import_receipts_csv(session, Actor.system("t"), content,
                                checkpoint=lambda booked, of: (steps.append((booked, of)), checkpoint(session)),
                                chunk=5)
    session.commit()
    assert (again.booked, again.already_booked) == (7, 5) and steps == [(5, 7), (7, 7)]
    assert count(session, Receipt) == 12
    assert sorted(session.scalars(select(Receipt.reference))) == sorted(f"regel {n}" for n in range(12))
    assert money_identity(session).holds


def test_lines_booked_meanwhile_by_another_import_are_a_conflict_in_words(
    session: Session, household_id: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two imports of the same file at once: the one that loses the race on the receipts' UNIQUE keys is told so in
    words (409), not with a database error, and nothing of its step is booked."""
    from budgetbeheer.errors import Conflict
    from budgetbeheer.households import receipts

    content = (HEADER + f"{household_id},1500.00,2026-12-01,benefit,UWV december\n").encode()
    import_receipts_csv(session, Actor.system("t"), content)
    session.commit()
    monkeypatch.setattr(receipts, "_booked_keys", lambda *_args: {})  # as the other import saw it: not yet booked
    with pytest.raises(Conflict) as lost:
        import_receipts_csv(session, Actor.system("t"), content)
    assert "andere import" in str(lost.value.message) and "file" in lost.value.fields
    session.rollback()
    assert count(session, Receipt) == 1
