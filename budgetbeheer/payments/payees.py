"""The batch review by payee (issue 14, finding 4): the creditor payments of a batch grouped by creditor **and** IBAN,
never by name alone, so two IBANs under one name are two lines, and each line flagged where a reviewer must look.

A line is flagged when its creditor's name was flagged on entry (``Creditor.name_flag``: the same name as another
creditor with another IBAN, or a name confusable with another's), when the batch pays the same name (case and spaces
aside) to another IBAN too, or when the batch pays a name that looks like this one but is not the same
(:mod:`budgetbeheer.domain.payee_names`). Read only; the batch page shows the lines flagged first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.domain.payee_names import name_key, skeleton
from budgetbeheer.tables.households import Creditor
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.tables.states import ITEM_NOT_PAYING

MAX_LINES = 200
"""Lines the batch page shows (flagged first, then the largest totals)."""


@dataclass(frozen=True, slots=True)
class PayeeLine:
    """The payments of one batch to one creditor and IBAN: how many, how much, and why to look (empty: nothing)."""

    creditor_id: int | None
    name: str
    iban: str
    count: int
    total_cents: int
    flags: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


class PayeeRow(NamedTuple):
    """One creditor and IBAN of a batch as summed from its items (what the flags are derived from)."""

    creditor_id: int | None
    name: str
    iban: str
    payments: int
    total_cents: int


def payee_rows(session: Session, batch_id: int) -> list[PayeeRow]:
    """The batch's payments to creditors (not leefgeld: that is per household) summed per creditor, name and IBAN as
    the items carry them, by creditor id, name and IBAN."""
    rows = session.execute(
        select(PaymentItem.creditor_id, PaymentItem.creditor_name, PaymentItem.iban, func.count(PaymentItem.id),
               func.sum(PaymentItem.amount_cents))
        .where(PaymentItem.batch_id == batch_id, PaymentItem.status.not_in(ITEM_NOT_PAYING),
               PaymentItem.creditor_id.is_not(None))
        .group_by(PaymentItem.creditor_id, PaymentItem.creditor_name, PaymentItem.iban)
    ).all()
    found = [PayeeRow(None if c is None else int(c), str(n), str(i), int(k), int(t or 0)) for c, n, i, k, t in rows]
    found.sort(key=lambda row: (row.creditor_id or 0, row.name, row.iban))
    return found


def totals_by_payee(session: Session, batch_id: int, limit: int = MAX_LINES,
                    rows: list[PayeeRow] | None = None) -> list[PayeeLine]:
    """The batch's payments to creditors, one line per creditor, name and IBAN (:func:`payee_rows`, or ``rows`` when
    the caller has them: the batch's kept summary), with the flags of the module docstring; flagged lines first, then
    by total."""
    if rows is None:
        rows = payee_rows(session, batch_id)
    ids = {row.creditor_id for row in rows if row.creditor_id is not None}
    stored: dict[int, str] = {
        cid: flag for cid, flag in session.execute(select(Creditor.id, Creditor.name_flag).where(
            Creditor.id.in_(ids), Creditor.name_flag.is_not(None))) if flag
    } if ids else {}
    ibans_by_key: dict[str, set[str]] = {}
    names_by_look: dict[str, set[str]] = {}
    for _, name, iban, _, _ in rows:
        ibans_by_key.setdefault(name_key(name), set()).add(iban)
        names_by_look.setdefault(skeleton(name), set()).add(name_key(name))
    lines = []
    for creditor_id, name, iban, count, total in rows:
        flags: list[str] = []
        if creditor_id is not None and creditor_id in stored:
            flags.append(stored[creditor_id])
        others = ibans_by_key[name_key(name)] - {iban}
        if others:
            flags.append("Deze betaalrun betaalt dezelfde naam ook aan een ander IBAN: " + ", ".join(sorted(others))
                         + ".")
        alike = names_by_look[skeleton(name)] - {name_key(name)}
        if alike:
            flags.append("Deze betaalrun betaalt ook aan een naam die hierop lijkt maar andere tekens heeft.")
        lines.append(PayeeLine(creditor_id, str(name), str(iban), int(count), int(total or 0), tuple(flags)))
    lines.sort(key=lambda line: (not line.flagged, -line.total_cents, line.name, line.iban))
    return lines[:limit]
