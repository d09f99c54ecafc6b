"""Reads on the shared tables that more than one feature needs (features do not import each other downwards for
these: they sit here, below all of them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.domain.period import extend_period_end
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.lifecycle import ExtensionRequest
from budgetbeheer.tables.payments import OneOffPayment, PaymentItem
from budgetbeheer.tables.states import ExtensionStatus, OneOffStatus


def pending_extension_ends(session: Session, household_ids: Iterable[int] | None = None) -> dict[int, date]:
    """Per household with a pending request, the end its period would have once the request is approved.

    The payment run reads it once per run (one indexed query): such a household gets no final payout, and the money
    for its fixed costs up to this end (or the next income) is kept out of the leefgeld."""
    query = (
        select(ExtensionRequest.household_id, ExtensionRequest.months, Household.period_start, Household.period_end)
        .join(Household, Household.id == ExtensionRequest.household_id)
        .where(ExtensionRequest.status == ExtensionStatus.PENDING, Household.ended_on.is_(None))
    )
    if household_ids is not None:
        query = query.where(ExtensionRequest.household_id.in_(list(household_ids)))
    return {
        household_id: extend_period_end(start, end, months)
        for household_id, months, start, end in session.execute(query)
    }


def waiting_one_off_cents_by_household(session: Session) -> dict[int, int]:
    """:func:`waiting_one_off_cents` of every household that has any, in one query (the daily signals' figures)."""
    live = select(PaymentItem.id).where(PaymentItem.obligation_key == OneOffPayment.obligation_key)
    return {int(household_id): int(cents) for household_id, cents in session.execute(
        select(OneOffPayment.household_id, func.sum(OneOffPayment.amount_cents))
        .where(OneOffPayment.status == OneOffStatus.APPROVED, ~live.exists())
        .group_by(OneOffPayment.household_id))}


def waiting_one_off_cents(session: Session, household_id: int, *, leave_out: int | None = None) -> int:
    """What the household's approved one-off payments that no live payment has taken yet add up to: the next run
    pays them before the leefgeld (the household's figures keep it back, a new one-off payment cannot use it)."""
    live = select(PaymentItem.id).where(PaymentItem.obligation_key == OneOffPayment.obligation_key)
    query = select(OneOffPayment.amount_cents).where(
        OneOffPayment.household_id == household_id, OneOffPayment.status == OneOffStatus.APPROVED, ~live.exists())
    if leave_out is not None:
        query = query.where(OneOffPayment.id != leave_out)
    return sum(int(cents) for cents in session.scalars(query))
