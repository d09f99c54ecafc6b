"""One exception tree for the whole service.

Domain code raises these; only the web layer and the CLI map them to an HTTP status or an exit code and to the text a
person reads. Messages are Dutch message ids (see :mod:`budgetbeheer.i18n`) with ``%(name)s`` parameters, translated at
the edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Message:
    """A translatable text: a Dutch message id plus its parameters."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.msgid)


MessageLike = Message | str


class BudgetbeheerError(Exception):
    """Base of every error this service raises on purpose."""

    def __init__(self, message: MessageLike, fields: Mapping[str, MessageLike] | None = None) -> None:
        self.message = message if isinstance(message, Message) else Message(message)
        self.fields: dict[str, Message] = {
            name: (why if isinstance(why, Message) else Message(why)) for name, why in (fields or {}).items()
        }
        super().__init__(str(self.message))


class MalformedInput(BudgetbeheerError):
    """The request cannot be read at all (not JSON, wrong type of body, missing file). HTTP 400."""


class TooLarge(BudgetbeheerError):
    """The request's body is larger than the endpoint reads (a JSON body above its limit). HTTP 413."""


class ValidationError(BudgetbeheerError):
    """One or more values are invalid; ``fields`` names each offending field. Nothing was written. HTTP 422."""

    def __init__(self, fields: Mapping[str, MessageLike], message: MessageLike | None = None) -> None:
        super().__init__(message or Message("De invoer is niet geldig."), fields)


class NotFound(BudgetbeheerError):
    """The thing asked for does not exist (or the user may not know it exists). HTTP 404."""


class Conflict(BudgetbeheerError):
    """The action conflicts with the current state: four-eyes, wrong status, duplicate. HTTP 409."""


class PermissionDenied(BudgetbeheerError):
    """The user lacks the role for this action. HTTP 403."""


class NotAuthenticated(BudgetbeheerError):
    """No valid session or token. HTTP 401."""


class LedgerError(BudgetbeheerError):
    """A booking would break the ledger's rules (unbalanced, zero amount, reversing twice)."""


class AuditTrailBroken(BudgetbeheerError):
    """Verification found an edited, deleted, inserted or reordered audit entry."""
