"""Languages: Dutch first, English available.

Message ids are the Dutch texts themselves. Each feature package may hold ``texts_en.py`` with a dict ``EN`` that maps
Dutch message ids to English; :func:`english_catalogue` merges them. Flask-Babel chooses the locale and formats dates
and numbers; :func:`translate` is used by templates (``_``), views and the CLI.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime
from functools import lru_cache

import budgetbeheer
from budgetbeheer.errors import Message
from budgetbeheer.money import format_eur

LANGUAGES = ("nl", "en")


@lru_cache(maxsize=1)
def english_catalogue() -> dict[str, str]:
    catalogue: dict[str, str] = {}
    for module in pkgutil.walk_packages(budgetbeheer.__path__, "budgetbeheer."):
        if module.name.endswith(".texts_en"):
            catalogue.update(getattr(importlib.import_module(module.name), "EN", {}))
    return catalogue


def translate(message: Message | str, language: str = "nl", **params: object) -> str:
    if isinstance(message, Message):
        msgid, all_params = message.msgid, {**message.params, **params}
    else:
        msgid, all_params = message, dict(params)
    all_params = {  # a parameter that is itself a text (a status, an action) is translated too
        name: translate(value, language) if isinstance(value, Message) else value for name, value in all_params.items()
    }
    text = english_catalogue().get(msgid, msgid) if language == "en" else msgid
    if all_params:
        try:
            return text % all_params
        except (KeyError, ValueError, TypeError):
            return text
    return text


def format_money(cents: int | None, language: str = "nl") -> str:
    if cents is None:
        return ""
    return format_eur(cents, language)


def format_date(value: date | datetime | None, language: str = "nl") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M") if language == "nl" else value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%d-%m-%Y") if language == "nl" else value.strftime("%Y-%m-%d")
