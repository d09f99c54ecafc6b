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
from budgetbeheer.clock import LOCAL_ZONE
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
    if isinstance(message, Said) and not params:  # a stored text that remembers its id (see below)
        return render(message.msgid, message.params, language)
    if isinstance(message, Message):
        msgid, all_params = message.msgid, {**message.params, **params}
    else:
        msgid, all_params = message, dict(params)
    all_params = {  # a parameter that is itself a text (a status, an action) is translated too; a date or an
        # amount (:class:`Cents`) is written the reader's way
        name: translate(value, language) if isinstance(value, Message) else _shown(value, language)
        for name, value in all_params.items()
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
        if value.tzinfo is not None:  # a stored moment (UTC) is shown on the Dutch clock
            value = value.astimezone(LOCAL_ZONE)
        return value.strftime("%d-%m-%Y %H:%M") if language == "nl" else value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%d-%m-%Y") if language == "nl" else value.strftime("%Y-%m-%d")


# ------------------------------------------------------------------------------------- texts stored with their id
# A signal's text and a payment's reason are stored as a message id with parameters (columns ``message_id`` and
# ``message_params``), next to the Dutch sentence (the fallback for rows from before, and what the API and exports
# give). A page renders the id in the reader's language, with amounts and dates in the reader's format.


class Cents(int):
    """An amount (in cents) among a stored text's parameters: shown as euros in the reader's language."""

    __slots__ = ()


class Said(str):
    """A Dutch text that remembers its message id and parameters, so it can be stored as both and shown in another
    language. It is the Dutch sentence in every other respect (compares, joins and prints as one); a text built from
    it (``said + "..."``) is a plain ``str`` again."""

    __slots__ = ("msgid", "params")
    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, **params: object) -> Said:
        text = super().__new__(cls, render(msgid, params, "nl"))
        text.msgid = msgid
        text.params = params
        return text

    @classmethod
    def known(cls, text: str, msgid: str, **params: object) -> Said:
        """``text`` (already written out in Dutch, the cheap way a payment run does it for many households) with the
        ``msgid`` and ``params`` it says; the two must agree (the tests render the id and compare)."""
        said = str.__new__(cls, text)
        said.msgid = msgid
        said.params = params
        return said

    def message(self) -> Message:
        return Message(self.msgid, **self.params)


_eur = lru_cache(maxsize=65_536)(format_eur)
"""Remembered: a payment run writes the same amounts and balances in many households' reasons."""


@lru_cache(maxsize=4096)
def _day(value: date, language: str) -> str:
    return format_date(value, language)


def _shown(value: object, language: str) -> object:
    kind = type(value)
    if kind is Cents:
        return _eur(int(value), language)  # type: ignore[call-overload]
    if kind is date:
        return _day(value, language)
    if isinstance(value, (Said, Message)):
        return render(value.msgid, value.params, language)
    if isinstance(value, (date, datetime)):
        return format_date(value, language)
    return value


def render(msgid: str, params: dict[str, object], language: str) -> str:
    """``msgid`` in ``language`` with ``params`` filled in, each in the reader's format (:class:`Cents`, dates, texts
    that are themselves messages)."""
    text = english_catalogue().get(msgid, msgid) if language == "en" else msgid
    if not params:
        return text
    try:
        return text % {name: _shown(value, language) for name, value in params.items()}
    except (KeyError, ValueError, TypeError):
        return text


def _encode(value: object) -> object:
    if isinstance(value, Cents):
        return {"cents": int(value)}
    if isinstance(value, (Said, Message)):
        return {"msgid": value.msgid, "params": {name: _encode(v) for name, v in value.params.items()}}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, (int, str, float, bool)):
        return value
    return str(value)


def _decode(value: object) -> object:
    if isinstance(value, dict):
        if "cents" in value:
            return Cents(int(value["cents"]))
        if "date" in value:
            return date.fromisoformat(str(value["date"]))
        if "datetime" in value:
            return datetime.fromisoformat(str(value["datetime"]))
        if "msgid" in value:
            params = value.get("params") or {}
            return Message(str(value["msgid"]), **{str(k): _decode(v) for k, v in dict(params).items()})
    return value


def stored(text: Message | str) -> tuple[str, str | None, dict[str, object] | None]:
    """``(Dutch sentence, message id, JSON parameters)`` for storing ``text``; a plain ``str`` has no id."""
    if isinstance(text, Message):
        return render(text.msgid, text.params, "nl"), text.msgid, {n: _encode(v) for n, v in text.params.items()}
    if isinstance(text, Said):
        return str.__str__(text), text.msgid, {n: _encode(v) for n, v in text.params.items()}
    return text, None, None


def shown(fallback: str | None, msgid: str | None, params: object, language: str) -> str:
    """A stored text in the reader's language: the message id rendered when there is one, else the stored sentence
    (rows from before the ids were stored)."""
    if not msgid:
        return fallback or ""
    decoded = {str(k): _decode(v) for k, v in dict(params).items()} if isinstance(params, dict) else {}
    return render(msgid, decoded, language)


def restored(fallback: str, msgid: str | None, params: object) -> str:
    """A stored text as a :class:`Said` (shown in the reader's language by :func:`translate` and the ``t`` filter)
    when it has a message id, else the stored sentence."""
    if not msgid:
        return fallback
    decoded = {str(k): _decode(v) for k, v in dict(params).items()} if isinstance(params, dict) else {}
    return Said(msgid, **decoded)
