"""Every page each demo role can open: one h1, a title, a language, a label for every input, th with scope.

Cheap: the HTML is parsed with the standard library, no browser. The pages are the GET routes without parameters
that the role may open, plus a household's pages and a batch's pages.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.demo import DEMO_PASSWORD, load_demo
from budgetbeheer.domain.calendar import next_business_day
from budgetbeheer.payments.service import prepare_run
from budgetbeheer.tables.households import Household

ROLES = {"caseworker": "klantmanager", "finance": "financien2", "supervisor": "teamleider",
         "accountant": "accountant", "admin": "beheerder"}
SKIP_ENDPOINTS = {"static", "auth.login", "reports.download",
                  "second_step.code", "second_step.enrol", "oidc.callback"}  # need a pending log-in or the provider
LABELLED = ("input", "select", "textarea")
NOT_LABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageFacts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.lang = ""
        self.title = ""
        self._in_title = False
        self.markup_in_title = 0
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self._label_depth = 0
        self._in_thead = False
        self.th_without_scope = 0
        self.current_nav = 0
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags[tag] += 1
        if self._in_title:  # a title is plain text: markup there shows as raw HTML in the tab (issue 15)
            self.markup_in_title += 1
        if "id" in a:
            self.ids[a["id"]] += 1
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in LABELLED and a.get("type", "text") not in NOT_LABELLED_TYPES:
            self.controls.append({**a, "tag": tag, "wrapped": "yes" if self._label_depth else ""})
        elif tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        elif tag == "a" and a.get("aria-current") == "page":
            self.current_nav += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._label_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def unlabelled(self) -> list[str]:
        return [
            f"<{c['tag']} name={c.get('name')!r} id={c.get('id')!r}>"
            for c in self.controls
            if not (c["wrapped"] or c.get("id") in self.label_for or c.get("aria-label") or c.get("aria-labelledby"))
        ]


def check_page(html: str, where: str) -> list[str]:
    facts = PageFacts()
    facts.feed(html)
    problems = []
    if facts.tags["h1"] != 1:
        problems.append(f"{where}: {facts.tags['h1']} h1 elements")
    if not facts.title.strip():
        problems.append(f"{where}: no <title>")
    if facts.markup_in_title or "<" in facts.title:
        problems.append(f"{where}: markup in <title>: {facts.title.strip()!r}")
    if facts.lang not in ("nl", "en"):
        problems.append(f"{where}: <html lang={facts.lang!r}>")
    if facts.unlabelled():
        problems.append(f"{where}: inputs without a label: {facts.unlabelled()}")
    if facts.th_without_scope:
        problems.append(f"{where}: {facts.th_without_scope} th without scope")
    duplicated = [i for i, n in facts.ids.items() if n > 1]
    if duplicated:
        problems.append(f"{where}: ids used twice: {duplicated}")
    return problems


def test_the_checker_finds_what_it_looks_for() -> None:
    bad = "<html><head></head><body><h1>a</h1><h1>b</h1><input name=x><table><tr><th>k</th></tr></table></body></html>"
    problems = " ".join(check_page(bad, "bad"))
    for expected in ("2 h1", "no <title>", "lang=''", "without a label", "th without scope"):
        assert expected in problems
    assert "markup in <title>" in " ".join(check_page('<html lang="nl"><title>t<a href="/">x</a></title><h1>a</h1>'
                                                       "</html>", "title"))
    good = ('<html lang="nl"><title>t</title><h1>a</h1><label for="f">F</label><input id="f">'
            '<label>G <input name="g"></label><input type="hidden" name="h"><th scope="col">k</th></html>')
    assert check_page(good, "good") == []


def pages_for(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint not in SKIP_ENDPOINTS
        and not rule.rule.startswith("/api/")
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_reachable_page_has_one_h1_a_title_a_language_and_labels(
    app: Flask, client: FlaskClient, session: Session, settings: Settings, language: str
) -> None:
    for _ in load_demo(session, registry().demo_loaders):
        pass
    session.commit()
    run_date = next_business_day(date.today())
    batch, _ = prepare_run(session, Actor.system("test"), run_date, settings)
    session.commit()
    household_id = session.scalar(select(Household.id).order_by(Household.id))
    per_household = ["", "/fixed-costs/new", "/income/new", "/extensions/new", "/end", "/period", "/handover"]
    extra = [f"/households/{household_id}{suffix}" for suffix in per_household]
    extra += [f"/batches/{batch.id}", f"/batches/{batch.id}/approve", f"/batches/{batch.id}/cancel", "/admin/users/1"]

    problems: list[str] = []
    seen: set[str] = set()
    for role, username in ROLES.items():
        client.post("/logout")
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
        if language == "en":
            client.post("/language/en", data={"next": "/"})
        opened = 0
        for path in pages_for(app) + extra:
            response = client.get(path)
            if response.status_code in (403, 404) or "text/html" not in response.content_type:
                continue
            assert response.status_code in (200, 422), (username, path, response.status_code)
            html = response.get_data(as_text=True)
            assert f'<html lang="{language}">' in html, (username, path)
            problems += check_page(html, f"{username} {path}")
            if path in ("/households/", "/batches/", "/admin/users", "/signals") and 'aria-current="page"' not in html:
                problems.append(f"{username} {path}: the menu does not mark the current page")
            opened += 1
            seen.add(path)
        assert opened >= 3, (username, opened)
    assert not problems, "\n".join(problems)
    assert {"/households/", "/batches/", "/admin/users", "/reports/", f"/batches/{batch.id}"} <= seen

