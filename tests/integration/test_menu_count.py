"""The menu's count of open signals (issue 16): counted at most once a minute per user, not on every page; at once on
the signals page and after the user closes a signal."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.users.models import User
from tests.factories import household


def _menu_count(client: FlaskClient, path: str = "/households/") -> int:
    page = client.get(path)
    assert page.status_code == 200
    found = re.search(r'<span class="badge warn" aria-label="(\d+) open">', page.get_data(as_text=True))
    return int(found.group(1)) if found else 0


def _raise(session: Session, household_id: int, number: int) -> int:
    signal = raise_signal(session, kind="shortfall", household_id=household_id, message=f"signaal {number}",
                          dedup_key=f"menu:{number}")
    assert signal is not None
    session.commit()
    return signal.id


def test_the_menu_count_is_kept_a_minute_and_fresh_on_the_signals_page_and_after_closing(
    session: Session, client: FlaskClient, login: Callable[..., User]
) -> None:
    household_id = household(session).id
    first = _raise(session, household_id, 1)
    session.commit()
    login("karin", "caseworker")
    assert _menu_count(client) == 1
    _raise(session, household_id, 2)
    assert _menu_count(client) == 1  # kept: not counted again within the minute
    assert _menu_count(client, "/signals") == 2  # the signals page counts, and the menu shows its count
    assert _menu_count(client) == 2
    with client.session_transaction() as cookie:  # a minute later
        key, count, at = cookie["menu_signals"]
        cookie["menu_signals"] = [key, count, at - 61]
    _raise(session, household_id, 3)
    assert _menu_count(client) == 3
    closed = client.post(f"/signals/{first}/done", data={"note": "opgelost"})
    assert closed.status_code == 302
    assert _menu_count(client) == 2  # the user closed one: counted again
