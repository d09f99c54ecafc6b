"""Every list that can grow is paged (issue 16): a batch's items in the API (``page``/``per_page``, ``total_items``),
the batch list (``page``/``per_page`` answer ``items`` and ``total``; without them the old plain list)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from tests.factories import RUN_DATE, payable_household

MANAGED_IBAN = "NL46BNGH0285160126"


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(managed_account_iban=MANAGED_IBAN)


def test_a_batch_and_the_batch_list_in_pages(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    for n in range(3):
        payable_household(session, holder=f"Huis {n}")
    session.commit()
    fatima = api_token("fatima", "finance")
    created = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=fatima)
    batch = created.get_json()["data"]
    assert batch["total_items"] == 15 == len(batch["items"]) and batch["page"] == 1  # small: every item at once
    url = f"/api/v1/batches/{batch['id']}"
    pages = [client.get(f"{url}?per_page=4&page={page}", headers=fatima).get_json()["data"] for page in (1, 2, 3, 4, 5)]
    assert [len(p["items"]) for p in pages] == [4, 4, 4, 3, 0]
    assert {p["total_items"] for p in pages} == {15} and {p["per_page"] for p in pages} == {4}
    ids = [item["id"] for p in pages for item in p["items"]]
    assert ids == sorted(ids) == [item["id"] for item in batch["items"]]  # each item once, in id order
    assert pages[0]["total_held"] == 0 and pages[0]["total_shortfalls"] == 0
    assert client.get(f"{url}?per_page=0", headers=fatima).status_code == 422
    assert client.get(f"{url}?page=x", headers=fatima).status_code == 422

    old = client.get("/api/v1/batches", headers=fatima).get_json()["data"]
    assert isinstance(old, list) and old[0]["id"] == batch["id"] and "items" not in old[0]
    paged = client.get("/api/v1/batches?page=1&per_page=10", headers=fatima).get_json()["data"]
    assert paged["total"] == 1 and paged["items"] == old and (paged["page"], paged["per_page"]) == (1, 10)
    assert client.get("/api/v1/batches?page=2&per_page=10", headers=fatima).get_json()["data"]["items"] == []


def test_signals_and_extension_requests_in_pages(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]], login: Callable[..., Any]
) -> None:
    from budgetbeheer.lifecycle.signals import NewSignal, raise_signals

    raise_signals(session, [NewSignal("bank_difference", None, f"Verschil {n}", f"bank_difference:test:{n}")
                            for n in range(130)])
    session.commit()
    finance = api_token("fatima", "finance")
    old = client.get("/api/v1/signals", headers=finance).get_json()["data"]
    assert isinstance(old, list) and len(old) == 130
    first = client.get("/api/v1/signals?per_page=50", headers=finance).get_json()["data"]
    last = client.get("/api/v1/signals?page=3&per_page=50", headers=finance).get_json()["data"]
    assert (first["total"], len(first["items"]), len(last["items"]), last["page"]) == (130, 50, 30, 3)
    assert [s["id"] for s in first["items"]] == [s["id"] for s in old[:50]]
    supervisor = api_token("sanne", "supervisor")
    extensions = client.get("/api/v1/extensions?page=1", headers=supervisor).get_json()["data"]
    assert extensions == {"items": [], "total": 0, "page": 1, "per_page": 50}

    login("frank", "finance")
    page_one = client.get("/signals").get_data(as_text=True)
    page_two = client.get("/signals?page=2").get_data(as_text=True)
    assert page_one.count('data-testid="signal-bank_difference"') == 100
    assert page_two.count('data-testid="signal-bank_difference"') == 30
    assert "Pagina 1 van 2" in page_one and 'rel="next"' in page_one


def test_households_in_pages_of_the_clients_size(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    for n in range(5):
        payable_household(session, holder=f"Huis {n}")
    session.commit()
    caseworker = api_token("karin", "caseworker")
    pages = [client.get(f"/api/v1/households?per_page=2&page={page}", headers=caseworker).get_json()["data"]
             for page in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1] and {p["total"] for p in pages} == {5}
    assert {p["per_page"] for p in pages} == {2} == {p["page_size"] for p in pages}
