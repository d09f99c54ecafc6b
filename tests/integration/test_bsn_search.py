"""BSN search (issue 14, finding 6): a full BSN (the 11-check) or a name, never a suffix; ``%`` and ``_`` are
literal; every BSN search is audited; the BSN never appears in a URL (web: the form POSTs; API: digits in
``GET /households?query=`` are refused and ``POST /households/search`` takes ``{"bsn": ...}``)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, enrol, person_data

BSN = "111222333"
OTHER_BSN = "123456782"


@pytest.fixture
def households(session: Session, make_user: Callable[..., User]) -> list[int]:
    kim = make_user("kim", "caseworker")
    actor = Actor(name=kim.username, user_id=kim.id)
    ids = []
    for number, first, last in ((BSN, "Amal", "Haddad"), (OTHER_BSN, "Sara", "de_Vries")):
        ids.append(enrol(session, actor, start=date(2026, 11, 1), today=date(2026, 11, 25), leefgeld=MONTHLY_LEEFGELD,
                         persons=[person_data(bsn=number, first_name=first, last_name=last)]).id)
    session.commit()
    return ids


def _bsn_searches(session: Session) -> list[tuple[str, dict[str, Any], str]]:
    """``(actor, after, the entry's stored text)`` of each BSN search in the audit trail."""
    session.rollback()
    return [(e.actor, json.loads(e.after_json or "{}"), f"{e.after_json} {e.before_json} {e.entity_id} {e.reason}")
            for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "household.bsn_searched")
                                     .order_by(AuditEntry.id))]


@pytest.mark.parametrize("query", ["2333", "222333", "11122233", "111 222 333", "x2333"])
def test_finding6_the_api_list_refuses_digits_and_points_to_the_search(
    client: FlaskClient, api_token: Callable[..., dict[str, str]], households: list[int], query: str
) -> None:
    response = client.get("/api/v1/households", query_string={"query": query}, headers=api_token("kim2", "caseworker"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == {"query"} and "POST /api/v1/households/search" in error["fields"]["query"]


def test_finding6_the_api_search_takes_a_full_bsn_only_and_audits_it(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], households: list[int]
) -> None:
    headers = api_token("kim2", "caseworker")
    for partial in ("2333", "11122233", "111222334"):  # a suffix, 8 digits that are no BSN, a failed 11-check
        refused = client.post("/api/v1/households/search", json={"bsn": partial}, headers=headers)
        assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"bsn"}, partial
    assert client.post("/api/v1/households/search", json={"query": "2333"}, headers=headers).status_code == 422
    assert _bsn_searches(session) == []
    found = client.post("/api/v1/households/search", json={"bsn": BSN}, headers=headers).get_json()["data"]
    assert [row["id"] for row in found["items"]] == [households[0]] and found["items"][0]["bsns"] == ["*****2333"]
    none = client.post("/api/v1/households/search", json={"bsn": "100000009"}, headers=headers).get_json()["data"]
    assert none["total"] == 0
    by_name = client.post("/api/v1/households/search", json={"query": "haddad"}, headers=headers).get_json()["data"]
    assert [row["id"] for row in by_name["items"]] == [households[0]]
    entries = _bsn_searches(session)
    assert [(who, after["bsn"], after["found"]) for who, after, _ in entries] == [
        ("kim2", "*****2333", [households[0]]), ("kim2", "*****0009", [])]
    assert all(BSN not in stored for _, _, stored in entries)  # the trail is read more widely than the file


@pytest.mark.parametrize("wildcard", ["%", "\\", "a%", "s_r", "h%d", "_amal"])
def test_finding6_like_wildcards_match_themselves(
    client: FlaskClient, api_token: Callable[..., dict[str, str]], households: list[int], wildcard: str
) -> None:
    headers = api_token("kim2", "caseworker")
    found = client.get("/api/v1/households", query_string={"query": wildcard}, headers=headers).get_json()["data"]
    assert found["total"] == 0, wildcard
    literal = client.get("/api/v1/households", query_string={"query": "de_vries"}, headers=headers).get_json()["data"]
    assert [row["id"] for row in literal["items"]] == [households[1]]


def test_finding6_the_web_search_posts_the_bsn_and_no_url_carries_it(
    client: FlaskClient, session: Session, login: Callable[..., User], households: list[int]
) -> None:
    login("kim2", "caseworker")
    index = client.get("/households/").get_data(as_text=True)
    assert re.search(r'<form method="post" role="search" action="/households/search"', index)
    suffix = client.get("/households/?q=2333")
    assert suffix.status_code == 422 and "*****2333" not in suffix.get_data(as_text=True)
    partial = client.post("/households/search", data={"q": "2333"})
    assert partial.status_code == 422 and 'id="e-q"' in partial.get_data(as_text=True)
    found = client.post("/households/search", data={"q": BSN})
    text = found.get_data(as_text=True)
    assert found.status_code == 200 and "*****2333" in text and "*****6782" not in text
    assert BSN not in text  # not echoed, not in a link, not in the form
    assert all(BSN not in url for url in re.findall(r'(?:href|action)="([^"]*)"', text))
    name = client.post("/households/search", data={"q": "Haddad"})
    assert name.status_code == 302 and name.headers["Location"].endswith("/households/?q=Haddad")
    entries = _bsn_searches(session)
    assert [(who, after["bsn"], after["channel"]) for who, after, _ in entries] == [("kim2", "*****2333", "web")]


def test_finding6_access_logs_mask_a_bsn_a_client_put_in_a_query_string(app: object) -> None:
    """Werkzeug logs ``"%s" %s %s`` with the request line; gunicorn a dict of atoms. The app installs the filter."""
    werkzeug = logging.getLogger("werkzeug")
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s', (
        "127.0.0.1", "04/Dec/2026 01:40:00", f"GET /api/v1/households?query={BSN}&page=1 HTTP/1.1", "422", "-"),
        None)
    assert all(f.filter(record) for f in werkzeug.filters)
    line = record.getMessage()
    assert BSN not in line and "query=*********&page=1" in line
    gunicorn = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(s)s",
                                 {"r": f"GET /households/?q={BSN} HTTP/1.1", "s": "422"}, None)
    assert all(f.filter(gunicorn) for f in logging.getLogger("gunicorn.access").filters)
    assert BSN not in gunicorn.getMessage()
    kept = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s", ("GET /households/123456789 HTTP/1.1",),
                             None)
    assert all(f.filter(kept) for f in werkzeug.filters) and "123456789" in kept.getMessage()  # a path id stays
