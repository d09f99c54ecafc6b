"""Signals: filter by kind and household, close several at once with one note, see who closed what; through the API
and the page (issue 13)."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.states import SignalState
from tests.factories import household


def _signals(session: Session) -> tuple[int, int, list[int]]:
    first, second = household(session).id, household(session).id
    ids = []
    for number, (kind, household_id) in enumerate((("shortfall", first), ("income_missing", first),
                                                   ("shortfall", second), ("period_ending", second))):
        signal = raise_signal(session, kind=kind, household_id=household_id, message=f"signaal {number}",
                              dedup_key=f"test:{number}")
        assert signal is not None
        ids.append(signal.id)
    session.commit()
    return first, second, ids


def test_api_filters_and_closes_several_with_one_note(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    first, second, ids = _signals(session)
    karin, fatima = api_token("karin", "caseworker"), api_token("fatima", "finance")
    shortfalls = client.get("/api/v1/signals?kind=shortfall", headers=karin).get_json()["data"]
    assert sorted(s["id"] for s in shortfalls) == [ids[0], ids[2]]
    mine = client.get(f"/api/v1/signals?household_id={first}", headers=karin).get_json()["data"]
    assert sorted(s["id"] for s in mine) == [ids[0], ids[1]]
    both = client.get(f"/api/v1/signals?household_id={second}&kind=shortfall", headers=karin).get_json()["data"]
    assert [s["id"] for s in both] == [ids[2]]
    bad = client.get("/api/v1/signals?kind=nonsense&household_id=abc", headers=karin)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"kind", "household_id"}

    assert client.post("/api/v1/signals/done", json={"ids": [ids[0], ids[2]]}, headers=karin).status_code == 422
    assert client.post("/api/v1/signals/done", json={"ids": [], "note": "x"}, headers=karin).status_code == 422
    # A finance user cannot close a caseworker's signals: refused, and nothing closed.
    assert client.post("/api/v1/signals/done", json={"ids": [ids[0]], "note": "x"}, headers=fatima).status_code == 404
    closed = client.post("/api/v1/signals/done", json={"ids": [ids[0], ids[2]], "note": "huur nabetaald"},
                         headers=karin)
    assert closed.status_code == 200, closed.get_json()
    assert [(s["id"], s["state"], s["done_by"], s["note"]) for s in closed.get_json()["data"]] == [
        (ids[0], "done", "karin", "huur nabetaald"), (ids[2], "done", "karin", "huur nabetaald")]
    # All or none: one already closed refuses the lot, saying who closed it.
    again = client.post("/api/v1/signals/done", json={"ids": [ids[1], ids[2]], "note": "nog eens"}, headers=karin)
    assert again.status_code == 409 and "karin" in again.get_json()["error"]["message"]
    session.expire_all()
    assert session.get(Signal, ids[1]).state == SignalState.OPEN  # type: ignore[union-attr]
    done = client.get("/api/v1/signals?state=done", headers=karin).get_json()["data"]
    assert sorted((s["id"], s["done_by"]) for s in done) == [(ids[0], "karin"), (ids[2], "karin")]
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "signal.done")) == 2


def test_page_filters_and_closes_several_with_one_note(
    session: Session, client: FlaskClient, login: Callable[..., object]
) -> None:
    first, _second, ids = _signals(session)
    login("karin", "caseworker")
    page = client.get("/signals?kind=shortfall")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-signal-id="{ids[0]}"' in html and f'data-signal-id="{ids[2]}"' in html
    assert f'data-signal-id="{ids[1]}"' not in html
    page = client.get(f"/signals?household_id={first}").get_data(as_text=True)
    assert f'data-signal-id="{ids[1]}"' in page and f'data-signal-id="{ids[2]}"' not in page
    assert client.get("/signals?household_id=x").status_code == 422
    response = client.post("/signals/done", data={"ids": [str(ids[0]), str(ids[1])], "note": "gebeld, opgelost"})
    assert response.status_code == 302
    session.expire_all()
    closed = [session.get(Signal, i) for i in ids]
    assert [(s.state, s.done_by, s.note) for s in closed if s is not None][:2] == [
        ("done", "karin", "gebeld, opgelost"), ("done", "karin", "gebeld, opgelost")]
    done_page = client.get("/signals?state=done").get_data(as_text=True)
    assert done_page.count('data-testid="closed-by"') == 2 and "gebeld, opgelost" in done_page
