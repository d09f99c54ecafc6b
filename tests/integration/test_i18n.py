"""Every Dutch text that a person can see has an English entry in the merged catalogue.

The texts are found by reading the source: ``_("...")`` and ``Message("...")`` in Python, ``_("...")`` in templates,
and the labels handed to the form macros (``field(...)``/``select(...)``) and to ``back(...)``. Texts built with
f-strings (payment reasons, ledger descriptions) are data, not interface, and are not matched.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from budgetbeheer.i18n import english_catalogue, translate

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
