"""The file a refusal names. The readers (:mod:`budgetbeheer.bank.xmlsafe`) get the file's bytes and call it
:data:`UPLOAD`; at the edge (API, command, page) that placeholder becomes the real filename, or, when the client sent
none, the message is worded without a name ("Het bestand is geen XML.", "In het bestand heeft ...").

The English of a message worded without a name is made from the English of the message with one
(:func:`nameless_catalogue`), so each text is written once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from budgetbeheer.errors import BudgetbeheerError, Message

UPLOAD = "(upload)"
"""What the readers call a file they got as bytes."""

_DUTCH = ((re.compile(r"\b([Hh]et (?:zip-)?bestand|[Hh]et statusrapport) %\(name\)s"), r"\1"),
          (re.compile(r"%\(name\)s"), "het bestand"))
_ENGLISH = ((re.compile(r"\b([Tt]he (?:zip )?file|[Tt]he status report) %\(name\)s"), r"\1"),
            (re.compile(r"%\(name\)s"), "the file"))


def _without_name(text: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def nameless(msgid: str) -> str:
    """The Dutch message id worded without the file's name."""
    return _without_name(msgid, _DUTCH)


def nameless_catalogue(english: Mapping[str, str]) -> dict[str, str]:
    """English for the nameless form of every message of ``english`` that names a file."""
    return {nameless(nl): _without_name(en, _ENGLISH) for nl, en in english.items() if "%(name)s" in nl}


def _named(message: Message, filename: str | None) -> Message:
    shown = message.params.get("name")
    if isinstance(shown, str) and shown.startswith(UPLOAD + "/"):  # a member of a zip: "(upload)/mei.xml"
        member = shown[len(UPLOAD) + 1:]
        return Message(message.msgid, **(message.params | {"name": f"{filename}/{member}" if filename else member}))
    if shown != UPLOAD:
        return message
    if filename:
        return Message(message.msgid, **(message.params | {"name": filename}))
    return Message(nameless(message.msgid), **{k: v for k, v in message.params.items() if k != "name"})


def for_file(error: BudgetbeheerError, filename: str | None) -> BudgetbeheerError:
    """``error`` with the readers' placeholder replaced by ``filename`` (or worded without a name); the same object,
    to re-raise."""
    name = (filename or "").strip() or None
    error.message = _named(error.message, name)
    error.fields = {field: _named(why, name) for field, why in error.fields.items()}
    return error
