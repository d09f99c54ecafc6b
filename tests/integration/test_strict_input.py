"""Issue 17, the strict reader at the edges: every misread or 500 the probe found is a field error now, on SQLite and
PostgreSQL alike, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.cli import main
from budgetbeheer.tables.households import FixedCost, Household, Receipt
from tests.factories import enrol, fixed_cost_data, intake_data, person_data

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
def finance(api_token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return api_token("fien", "finance", "caseworker")


def written(session: Session) -> tuple[int, ...]:
    session.rollback()
    result = tuple(int(session.scalar(select(func.count()).select_from(m)) or 0)
                   for m in (Household, FixedCost, Receipt, AuditEntry))
    session.rollback()
    return result


def receipt(household_id: int, **change: Any) -> dict[str, Any]:
    return {"household_id": household_id, "amount": "1500.00", "date": "2026-12-01", "kind": "benefit",
            "reference": "UWV december"} | change


# ------------------------------------------------------------------------------------------------------- amounts


@pytest.mark.parametrize("amount", ["1,000.00", "1.000", "1e5", "1_000", "١٠٠", "１００", "1e100", "1e400", "NaN"])
def test_receipt_amounts_that_were_misread_are_refused_naming_amount(
    client: FlaskClient, session: Session, finance: dict[str, str], household_id: int, amount: str
) -> None:
    before = written(session)
    response = client.post("/api/v1/receipts", json=receipt(household_id, amount=amount), headers=finance)
    assert response.status_code == 422, response.get_json()
    assert "amount" in response.get_json()["error"]["fields"]
    assert written(session) == before


def test_a_fixed_cost_of_1_000_00_is_refused_with_how_to_write_it(
    client: FlaskClient, session: Session, finance: dict[str, str], household_id: int
) -> None:
    response = client.post(f"/api/v1/households/{household_id}/fixed-costs",
                           json=fixed_cost_data(amount="1,000.00"), headers=finance)
    assert response.status_code == 422
    assert "1000.00" in response.get_json()["error"]["fields"]["amount"]


def test_a_huge_json_number_as_amount_is_a_field_error(
    client: FlaskClient, finance: dict[str, str], household_id: int
) -> None:
    body = json.dumps(receipt(household_id)).replace('"1500.00"', "1" + "0" * 400)
    response = client.post("/api/v1/receipts", data=body, content_type="application/json", headers=finance)
    assert response.status_code == 422
    assert "amount" in response.get_json()["error"]["fields"]


# ------------------------------------------------------------------------------------------------- ids and pages


@pytest.mark.parametrize("path", [f"/api/v1/households/{2**64}", f"/api/v1/households/{2**63}",
                                  f"/api/v1/batches/{10**30}", "/api/v1/households/١٢"])
def test_ids_beyond_64_bits_in_paths_are_404_not_500(
    client: FlaskClient, finance: dict[str, str], path: str
) -> None:
    response = client.get(path, headers=finance)
    assert response.status_code == 404
    assert "error" in response.get_json()


@pytest.mark.parametrize("query", [f"page={10**30}", "page=-1", "page=0", "page=abc", f"page={2**63}"])
def test_page_beyond_the_database_is_422_naming_page(
    client: FlaskClient, finance: dict[str, str], query: str
) -> None:
    response = client.get(f"/api/v1/households?{query}", headers=finance)
    assert response.status_code == 422, response.get_json()
    assert "page" in response.get_json()["error"]["fields"]


def test_a_huge_page_that_fits_is_an_empty_page(client: FlaskClient, finance: dict[str, str]) -> None:
    response = client.get("/api/v1/households?page=99999999", headers=finance)
    assert response.status_code == 200
    assert response.get_json()["data"]["items"] == []


def test_a_household_id_beyond_64_bits_in_a_body_is_a_field_error(
    client: FlaskClient, finance: dict[str, str]
) -> None:
    response = client.post("/api/v1/receipts", json=receipt(2**64), headers=finance)
    assert response.status_code == 422
    assert "household_id" in response.get_json()["error"]["fields"]


# ---------------------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize("raw", ["20261201", "2026-W49-2", "1900-01-01", "2099-01-01"])
def test_receipt_dates_in_other_forms_or_far_away_are_refused(
    client: FlaskClient, session: Session, finance: dict[str, str], household_id: int, raw: str
) -> None:
    before = written(session)
    response = client.post("/api/v1/receipts", json=receipt(household_id, date=raw), headers=finance)
    assert response.status_code == 422
    assert "date" in response.get_json()["error"]["fields"]
    assert written(session) == before


def test_a_receipt_date_before_2000_says_the_range(
    client: FlaskClient, finance: dict[str, str], household_id: int
) -> None:
    response = client.post("/api/v1/receipts", json=receipt(household_id, date="1999-12-31"), headers=finance)
    assert response.get_json()["error"]["fields"]["date"] == "Kies een datum van 2000-01-01 tot en met 2026-12-04."


@pytest.mark.parametrize("start", ["1900-01-01", "2099-01-01", "20261201"])
def test_benefit_start_in_1900_or_2099_is_refused(
    client: FlaskClient, session: Session, finance: dict[str, str], start: str
) -> None:
    before = written(session)
    response = client.post("/api/v1/households", json=intake_data() | {"benefit_start_date": start}, headers=finance)
    assert response.status_code == 422
    assert "benefit_start_date" in response.get_json()["error"]["fields"]
    assert written(session) == before


# ----------------------------------------------------------------------------------------------------------- text


@pytest.mark.parametrize("character", ["\x00", "\x07", "\u202e", "\u2066", "\u200b", "\ufeff"])
def test_control_and_bidi_characters_in_text_are_refused_on_every_database(
    client: FlaskClient, session: Session, finance: dict[str, str], household_id: int, character: str
) -> None:
    before = written(session)
    response = client.post("/api/v1/receipts", json=receipt(household_id, reference=f"UWV{character}dec"),
                           headers=finance)
    assert response.status_code == 422, response.get_json()
    assert "reference" in response.get_json()["error"]["fields"]
    response = client.post("/api/v1/households", headers=finance, json=intake_data(
        persons=[person_data(first_name=f"Am{character}al")]))
    assert response.status_code == 422
    assert "persons.0.first_name" in response.get_json()["error"]["fields"]
    assert written(session) == before


def test_nul_in_a_query_is_a_field_error(client: FlaskClient, finance: dict[str, str]) -> None:
    response = client.get("/api/v1/households?query=a%00b", headers=finance)
    assert response.status_code == 422
    assert "query" in response.get_json()["error"]["fields"]


def test_nul_in_a_form_field_is_refused(client: FlaskClient, login: Callable[..., Any], session: Session) -> None:
    login("fenna", "finance")
    before = written(session)
    response = client.post("/households/creditors", data={"name": "Mitros\x00", "iban": "NL91ABNA0417164300"})
    assert response.status_code == 422
    assert written(session) == before


# ----------------------------------------------------------------------------------------------------- JSON bodies


def test_json_nested_5000_deep_is_422_not_500(client: FlaskClient, finance: dict[str, str]) -> None:
    body = '{"household_id": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post("/api/v1/receipts", data=body, content_type="application/json", headers=finance)
    assert response.status_code == 422
    assert "body" in response.get_json()["error"]["fields"]


def test_json_nested_40_deep_is_422(client: FlaskClient, finance: dict[str, str]) -> None:
    body = '{"a": ' + "[" * 40 + "]" * 40 + "}"
    response = client.post("/api/v1/receipts", data=body, content_type="application/json", headers=finance)
    assert response.status_code == 422


def test_a_json_body_over_a_megabyte_is_413(client: FlaskClient, finance: dict[str, str], household_id: int) -> None:
    body = json.dumps(receipt(household_id, reference="x" * (1024 * 1024)))
    response = client.post("/api/v1/receipts", data=body, content_type="application/json", headers=finance)
    assert response.status_code == 413
    assert "error" in response.get_json()


# ----------------------------------------------------------------------------------------------- required fields


@pytest.mark.parametrize("kind", ["", None])
def test_an_empty_kind_on_a_receipt_is_refused_not_booked_as_benefit(
    client: FlaskClient, session: Session, finance: dict[str, str], household_id: int, kind: str | None
) -> None:
    before = written(session)
    response = client.post("/api/v1/receipts", json=receipt(household_id, kind=kind), headers=finance)
    assert response.status_code == 422
    assert "kind" in response.get_json()["error"]["fields"]
    assert written(session) == before


# ------------------------------------------------------------------------------------------------------------ CSV


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, session: Session) -> Callable[..., Any]:
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")

    def invoke(content: bytes) -> Any:
        session.commit()
        path = tmp_path / "receipts.csv"
        path.write_bytes(content)
        return CliRunner().invoke(main, ["receipts", "import", str(path)])

    return invoke


def test_csv_with_a_repeated_column_is_refused(run: Callable[..., Any], session: Session, household_id: int) -> None:
    result = run(f"household_id,amount,date,kind,amount\n{household_id},1.00,2026-12-01,benefit,1000.00\n".encode())
    assert result.exit_code != 0
    assert "amount" in result.stderr and "meer dan eens" in result.stderr
    assert written(session)[2] == 0


def test_csv_in_utf16_without_bom_says_so(run: Callable[..., Any], session: Session, household_id: int) -> None:
    text = f"household_id,amount,date,kind\n{household_id},10.00,2026-12-01,benefit\n"
    for content in (text.encode("utf-16-le"), text.encode("utf-16-be"), text.encode("utf-16")):
        result = run(content)
        assert result.exit_code != 0
        assert "UTF-16" in result.stderr
        assert "ontbreken" not in result.stderr
    assert written(session)[2] == 0


def test_an_error_in_a_multi_line_record_names_its_first_line(
    run: Callable[..., Any], session: Session, household_id: int
) -> None:
    content = (f"household_id,amount,date,kind,reference\n{household_id},10.00,2026-12-01,benefit,ok\n"
               f'{household_id},"1,000.00",2026-12-01,benefit,"twee\nregels\nlang"\n').encode()
    result = run(content)
    assert result.exit_code != 0
    assert "regel 3: amount" in result.stderr
    assert "regel 5" not in result.stderr


def test_a_201_character_key_in_a_csv_is_a_line_error(
    run: Callable[..., Any], session: Session, household_id: int
) -> None:
    content = (f"household_id,amount,date,kind,reference,idempotency_key\n"
               f"{household_id},10.00,2026-12-01,benefit,,{'k' * 201}\n").encode()
    result = run(content)
    assert result.exit_code != 0
    assert "regel 2: idempotency_key" in result.stderr
    assert "Traceback" not in result.stderr
    assert written(session)[2] == 0


def test_a_nul_in_a_csv_cell_is_refused(run: Callable[..., Any], session: Session, household_id: int) -> None:
    content = f"household_id,amount,date,kind,reference\n{household_id},10.00,2026-12-01,benefit,a\x00b\n".encode()
    result = run(content)
    assert result.exit_code != 0
    assert "regel 2: reference" in result.stderr
    assert written(session)[2] == 0


def test_csv_amounts_in_the_documented_forms_only(run: Callable[..., Any], session: Session, household_id: int) -> None:
    refused = run(f'household_id,amount,date,kind\n{household_id},"1,000.00",2026-12-01,benefit\n'.encode())
    assert refused.exit_code != 0 and "1000.00" in refused.stderr
    booked = run(f'household_id,amount,date,kind\n{household_id},"1.780,30",2026-12-01,benefit\n'
                 f"{household_id},45.50,2026-12-02,allowance\n".encode())
    assert booked.exit_code == 0, booked.stderr
    session.rollback()
    assert sorted(session.scalars(select(Receipt.amount_cents))) == [4550, 178030]
    session.rollback()


# ------------------------------------------------------------------------------------------------------------ CLI


@pytest.mark.parametrize("args", [["runs", "prepare", "--date", "20261207"], ["runs", "prepare", "--date", "2026-W50-1"],
                                  ["jobs", "run", "payments.prepare_runs", "--date", "20261207"],
                                  ["batches", "settle", str(2**64), "--as", "fien"],
                                  ["batches", "export", "99999999999999999999999", "--out", "x.xml"]])
def test_commands_read_dates_and_ids_strictly(cli: Callable[..., Any], args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------------- the property, through the API


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.one_of(st.text(max_size=30), st.integers(), st.floats()),
       day=st.one_of(st.text(max_size=20), st.dates().map(date.isoformat)),
       household=st.one_of(st.text(max_size=25), st.integers(min_value=-(2**70), max_value=2**70)),
       reference=st.one_of(st.none(), st.text(max_size=160)))
def test_random_receipt_fields_give_an_answer_in_the_envelope_never_a_500(
    client: FlaskClient, finance: dict[str, str], household_id: int, amount: Any, day: str, household: Any,
    reference: str | None,
) -> None:
    body = {"household_id": household, "amount": amount, "date": day, "kind": "benefit", "reference": reference}
    response = client.post("/api/v1/receipts", json=body, headers=finance)
    assert response.status_code in (201, 409, 422), response.get_json()
    if response.status_code >= 400:
        assert set(response.get_json()["error"]) == {"message", "fields"}
