"""Every Dutch text that a person can see has an English entry in the merged catalogue.

The texts are found by reading the source: ``_("...")`` and ``Message("...")`` in Python, ``_("...")`` in templates,
and the labels handed to the form macros (``field(...)``/``select(...)``) and to ``back(...)``. Texts built with
f-strings (payment reasons, ledger descriptions) are data, not interface, and are not matched.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, Text, func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.base import Base
from budgetbeheer.demo import DEMO_PASSWORD, load_demo
from budgetbeheer.domain.calendar import next_business_day
from budgetbeheer.i18n import english_catalogue, translate
from budgetbeheer.lifecycle.jobs import raise_signals
from budgetbeheer.payments.service import prepare_run
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.lifecycle import Signal

PACKAGE = Path(__file__).resolve().parents[2] / "budgetbeheer"
TEMPLATES = PACKAGE / "web" / "templates"

_STRING = r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\''
TEMPLATE_CALL = re.compile(r"(?<![\w.])_\(\s*(?:" + _STRING + r")\s*[,)]")
MACRO_LABEL = re.compile(r'(?<![\w.])(?:field|select)\(\s*"[^"]*"\s*,\s*(?:' + _STRING + r")")
MACRO_HINT = re.compile(r"hint=(?:" + _STRING + r")")
BACK_LABEL = re.compile(r"(?<![\w.])back\([^()]*(?:\([^()]*\))?[^()]*,\s*(?:" + _STRING + r")\s*\)")
TEMPLATE_LIST = re.compile(r'\(\s*"[a-z_]+"\s*,\s*"([A-Z][^"]*)"\s*\)')
"""Label pairs like ("pending", "Wachten op besluit") in templates' loops, translated with _(label)."""


def _literal(match: re.Match[str]) -> str:
    raw = match.group(1) if match.group(1) is not None else match.group(2)
    quote = '"' if match.group(1) is not None else "'"
    return str(ast.literal_eval(quote + raw + quote))


def python_texts() -> dict[str, str]:
    """Every ``_("...")``/``Message("...")``/``Said("...")`` with a literal first argument, read with the parser (so texts split over
    several lines by implicit concatenation are found whole)."""
    texts: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name.startswith("texts_"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "Message", "Said"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                texts.setdefault(node.args[0].value, f"{path.relative_to(PACKAGE)}:{node.lineno}")
            elif (  # Said.known(dutch_text, msgid, ...): the message id is the second argument
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "known"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                texts.setdefault(node.args[1].value, f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return texts


def template_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for pattern in (TEMPLATE_CALL, MACRO_LABEL, MACRO_HINT, BACK_LABEL):
            for match in pattern.finditer(source):
                texts.setdefault(_literal(match), f"templates/{path.relative_to(TEMPLATES)}")
        for match in TEMPLATE_LIST.finditer(source):
            texts.setdefault(match.group(1), f"templates/{path.relative_to(TEMPLATES)}")
    return texts


def test_the_source_scan_finds_the_texts_it_should() -> None:
    found_py, found_html = python_texts(), template_texts()
    assert "Naar de inhoud" in found_html  # base.html, _("...")
    assert "Gebruikersnaam" in found_html  # a field(...) label in a template
    assert "Terug naar de betaalruns" in found_html  # a back(...) label
    assert "Wachten op besluit" in found_html  # a (value, label) pair
    assert any(path.startswith("households") for path in found_py.values())
    assert len(found_py) > 50 and len(found_html) > 150


@pytest.mark.parametrize("source", ["python", "templates"])
def test_every_visible_dutch_text_has_an_english_translation(source: str) -> None:
    texts = python_texts() if source == "python" else template_texts()
    catalogue = english_catalogue()
    missing = {text: where for text, where in texts.items() if not catalogue.get(text)}
    assert not missing, "no English for:\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


def test_translations_keep_their_placeholders() -> None:
    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = {
        dutch: english
        for dutch, english in english_catalogue().items()
        if set(placeholder.findall(dutch)) != set(placeholder.findall(english))
    }
    assert not wrong, wrong


def test_translate_uses_the_catalogue_and_fills_parameters() -> None:
    assert translate("Huishouden %(id)s", "en", id=7) == "Household 7"
    assert translate("Huishouden %(id)s", "nl", id=7) == "Huishouden 7"


# ------------------------------------------------------------------ every page in one language (issue 15, Language)

DUTCH_WORDS = frozenset({
    "de", "het", "een", "van", "niet", "betaald", "huishouden", "huishoudens", "voor", "met", "naar", "geen", "nog",
    "wordt", "zijn", "bij", "ontvangst", "ontvangsten", "betaling", "betalingen", "vaste", "lasten", "saldo",
    "periode", "verlenging", "signaal", "signalen", "bedrag", "datum", "terug", "opslaan", "wijzigen", "teruggekomen",
    "vervaldag", "betaalrun", "maanden", "dagen", "tot", "uit", "ook", "waarvan", "inkomen", "gebruiker", "handeling",
})
"""Common Dutch interface words: none may be on an English page outside names and data."""
ENGLISH_WORDS = frozenset({
    "the", "and", "not", "paid", "household", "households", "payment", "payments", "amount", "balance", "save",
    "with", "from", "signal", "signals", "income", "user", "succeeded", "failed", "changed", "created",
})
"""Common English interface words: none may be on a Dutch page outside names and data."""
DATA_COLUMNS_NOT_STRIPPED = {("signals", "message"), ("payment_items", "reason"), ("shortfalls", "reason"),
                             ("audit_entries", "action"), ("audit_entries", "entity_type")}
"""Stored texts the page must show in the reader's language (by their message id), so not counted as data."""
ROLES = {"caseworker": "klantmanager", "finance": "financien2", "supervisor": "teamleider",
         "accountant": "accountant", "admin": "beheerder"}
SKIP_ENDPOINTS = {"static", "auth.login", "reports.download", "second_step.code", "second_step.enrol",
                  "oidc.callback"}


class VisibleText(HTMLParser):
    """The text a person reads: text nodes outside script and style, without the attributes (keys, ids, URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def stored_strings(session: Any) -> list[str]:
    """Every text value in the database (names, IBANs, references, notes people typed...): data, not interface; the
    longest first, so a name is taken out whole."""
    found: set[str] = set()
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))
                   and (table.name, c.name) not in DATA_COLUMNS_NOT_STRIPPED]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            found.update(str(value) for value in row if value and len(str(value)) > 1)
    return sorted(found, key=len, reverse=True)


def foreign_words(text: str, data: list[str], words: frozenset[str]) -> list[str]:
    for value in data:  # whole values only: a short one (a language code) is not cut out of a word
        if len(value) > 2 and value in text:
            text = re.sub(r"(?<!\w)" + re.escape(value) + r"(?!\w)", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-zÀ-ÿ]+", text) if w.lower() in words})


def test_the_word_check_finds_a_dutch_word_but_not_in_data() -> None:
    assert foreign_words("Household of A. Haddad: niet betaald", ["A. Haddad"], DUTCH_WORDS) == ["betaald", "niet"]
    assert foreign_words("Rent paid to Woonstichting De Sleutel", ["Woonstichting De Sleutel"], DUTCH_WORDS) == []
    assert visible_text('<p title="de">Paid <code>login.succeeded</code><script>var de;</script></p>') == "Paid "


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "nl"])
def test_finding_language_every_page_is_in_one_language(
    app: Flask, client: FlaskClient, session: Session, settings: Settings, language: str
) -> None:
    """Issue 15 ("English mode is half Dutch"): each role's GET pages, with demo data, a payment run, its signals and
    the audit trail, in English hold no common Dutch interface word outside names and data, and in Dutch no common
    English one (keys like ``login.succeeded`` included)."""
    for _ in load_demo(session, registry().demo_loaders):
        pass
    session.commit()
    run_date = next_business_day(date.today())
    batch, _ = prepare_run(session, Actor.system("test"), run_date, settings)
    session.commit()
    raise_signals(session, Actor.system("test"), date.today(), settings)
    session.commit()
    assert session.scalar(select(func.count(Signal.id)).where(Signal.message_id.is_not(None)))
    household_id = session.scalar(select(Household.id).order_by(Household.id))
    per_household = ["", "/period", "/handover", "/corrections"]
    extra = [f"/households/{household_id}{suffix}" for suffix in per_household]
    extra += [f"/batches/{batch.id}", "/admin/audit", "/signals?state=all"]
    words = DUTCH_WORDS if language == "en" else ENGLISH_WORDS
    rules = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint not in SKIP_ENDPOINTS
                   and not rule.rule.startswith("/api/"))
    problems: list[str] = []
    opened = 0
    for username in ROLES.values():
        client.post("/logout")
        assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
        client.post(f"/language/{language}", data={"next": "/"})
        data = stored_strings(session)
        for path in rules + extra:
            response = client.get(path)
            if response.status_code in (403, 404) or "text/html" not in response.content_type:
                continue
            found = foreign_words(visible_text(response.get_data(as_text=True)), data, words)
            if found:
                problems.append(f"{username} {path}: {', '.join(found)}")
            opened += 1
    assert opened > 20
    assert not problems, "\n".join(problems)
