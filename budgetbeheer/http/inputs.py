"""What every request's input must be before a view reads it (issue 17): bounded JSON, clean text everywhere.

:func:`check_request` runs before every view. It refuses, naming the field and writing nothing:

- a JSON body larger than :data:`MAX_JSON_BYTES` (413) or nested deeper than :data:`MAX_JSON_DEPTH` (422; Python's
  parser would otherwise raise ``RecursionError``, a 500);
- a character no text may hold (:data:`budgetbeheer.fields.FORBIDDEN_CHARACTERS`: NUL, BEL and other control
  characters, bidi overrides, zero-width characters) in any JSON string, form field or query parameter, on every
  database alike (PostgreSQL cannot store NUL; SQLite would store it silently). Line breaks and tabs are allowed in
  JSON strings and form fields (a reason, a note); each single-line field collapses them itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import g, request
from werkzeug.routing import IntegerConverter, Map

from budgetbeheer.errors import MalformedInput, Message, TooLarge, ValidationError
from budgetbeheer.fields import MAX_BIGINT, as_whole_number, forbidden_character
from budgetbeheer.validation import forbidden_character_message

MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
_PARSED = "budgetbeheer_json"


def check_request() -> None:
    """before_request: see the module docstring. The parsed JSON body is kept for :func:`parsed_json`."""
    _check_pairs(request.args.items(multi=True), multiline=False)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _check_pairs(request.form.items(multi=True), multiline=True)
        elif request.is_json:
            g.setdefault(_PARSED, _read_json())


def parsed_json() -> Any:
    """The request's JSON body as :func:`check_request` read it (None when the body is not JSON)."""
    if _PARSED not in g:
        g.setdefault(_PARSED, _read_json() if request.is_json else None)
    return g.get(_PARSED)


def _check_pairs(pairs: Iterable[tuple[str, str]], *, multiline: bool) -> None:
    fields: dict[str, Message] = {}
    for name, value in pairs:
        for text in (name, value):
            code = forbidden_character(text, multiline=multiline)
            if code is not None:
                fields.setdefault(_printable(name), forbidden_character_message(code))
    if fields:
        raise ValidationError(fields)


def _printable(name: str) -> str:
    return "".join(c if forbidden_character(c) is None else "?" for c in name)[:100] or "?"


def _read_json() -> Any:
    length = request.content_length
    if length is not None and length > MAX_JSON_BYTES:
        raise _too_large()
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BYTES:
        raise _too_large()
    if not data.strip():
        return None
    try:
        value = json.loads(data)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        raise MalformedInput(Message("De aanvraag is geen geldige JSON.")) from None
    _check_json(value)
    return value


def _too_large() -> TooLarge:
    return TooLarge(Message("De aanvraag is te groot (hoogstens %(maximum)s bytes JSON).", maximum=MAX_JSON_BYTES))


def _too_deep() -> ValidationError:
    return ValidationError({"body": Message("De JSON is te diep genest (hoogstens %(maximum)s niveaus).",
                                            maximum=MAX_JSON_DEPTH)})


def _check_json(value: Any) -> None:
    fields: dict[str, Message] = {}
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(item, dict):
            for key, child in item.items():
                name = f"{path}.{_printable(key)}" if path else _printable(key)
                code = forbidden_character(key)
                if code is not None:
                    fields.setdefault(name, forbidden_character_message(code))
                stack.append((child, name, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{index}" if path else str(index), depth + 1)
                         for index, child in enumerate(item))
        elif isinstance(item, str):
            code = forbidden_character(item, multiline=True)
            if code is not None:
                fields.setdefault(path or "body", forbidden_character_message(code))
    if fields:
        raise ValidationError(fields)


class DatabaseInteger(IntegerConverter):
    """``<int:...>`` in every route: ASCII digits only (``\\d`` would take ``١٢``) and at most the database's 64-bit
    integer, so an id beyond it answers 404 instead of ``bigint out of range`` (a 500)."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_BIGINT if max is None or max > MAX_BIGINT else max, signed)


def query_number(name: str, default: int, *, maximum: int = 1_000_000) -> int:
    """A whole-number query parameter (``page``, ``per_page``, ``limit``): ``default`` when missing or empty; a number
    above ``maximum`` (but within the database's integer) counts as ``maximum``; anything else (not ASCII digits,
    below 1, beyond the database's 64-bit integer) is a 422 naming it, never an ``OverflowError`` or an offset the
    database cannot take."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return default
    number = as_whole_number(raw)
    if number is None or number < 1:
        raise ValidationError({name: Message("Geef een heel getal van 1 tot en met %(maximum)s.", maximum=maximum)})
    return min(number, maximum)
