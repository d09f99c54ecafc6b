"""What needs each role today, read from the features' tables (nothing written).

- caseworker: the open signals of their households, periods ending within four weeks, households with a shortfall
  or missing income, and the changes they asked for that wait for someone else (one-off payments, IBAN changes,
  extension requests);
- finance: batches waiting for approval that they did not prepare, IBAN changes and one-off payments waiting for
  their confirmation (not their own), creditors waiting for confirmation (not the ones they added), the bank queue,
  and returned payments to look at;
- supervisor: pending extension requests, oldest first, with the household's forecast and the days left;
- accountant: the last bank statement's reconciliation and the audit trail (verified on the audit page).

Each :class:`Item` carries a count, the page it links to (an endpoint and its arguments, for the web and the API to
turn into a URL) and, where a list helps, its rows. "Their households" are those assigned to the caseworker or to
nobody, as in the signals inbox (:func:`budgetbeheer.lifecycle.signals.inbox_query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.clock import LOCAL_ZONE
from budgetbeheer.errors import Message
from budgetbeheer.households.read import household_forecast, household_labels
from budgetbeheer.lifecycle import signals
from budgetbeheer.money import cents_to_str, format_eur
from budgetbeheer.reports.bank import reconciliation_row
from budgetbeheer.tables.access import Scope
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState
from budgetbeheer.tables.households import Creditor, Household
from budgetbeheer.tables.lifecycle import ExtensionRequest, Signal
from budgetbeheer.tables.payments import BatchApproval, IbanChange, OneOffPayment, PaymentBatch
from budgetbeheer.tables.states import (
    BatchStatus,
    CreditorStatus,
    ExtensionStatus,
    HouseholdStatus,
    IbanChangeStatus,
    OneOffStatus,
    SignalState,
)

ENDING_WITHIN_DAYS = 28
"""A period ending within four weeks."""
MONEY_SIGNALS = ("shortfall", "income_missing", "forecast_uncovered")
"""The signals that say a household is short or its income did not come."""
RETURN_SIGNALS = ("returned_payment", "iban_held")
MAX_ROWS = 50
"""Rows listed under one item (the count says how many there are in all)."""
ROLES = ("caseworker", "finance", "supervisor", "accountant")


@dataclass(frozen=True)
class Link:
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    text: Message
    link: Link | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    key: str
    label: Message
    count: int
    link: Link
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True)
class Section:
    role: str
    items: tuple[Item, ...]

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


def _household_link(household_id: int) -> Link:
    return Link("households.show", {"household_id": household_id})


def _kind(kind: str) -> Message:
    """A signal's kind in words (the key stays in the row's data)."""
    return Message(signals.KINDS[kind][0]) if kind in signals.KINDS else Message(kind)


def _own(user_id: int, scope: Scope) -> Any:
    """The caseworker's households (or nobody's) within their team."""
    return and_(or_(Household.caseworker_id == user_id, Household.caseworker_id.is_(None)), scope.condition(Household.id))


def caseworker(session: Session, user_id: int, today: date, scope: Scope | None = None) -> Section:
    scope = scope or Scope.everything()
    viewer = signals.Viewer(user_id, frozenset({"caseworker"}), scope)
    open_signals = signals.open_count(session, viewer)
    until = today + timedelta(days=ENDING_WITHIN_DAYS)
    ending_query = select(Household.id, Household.account_holder, Household.period_end).where(
        Household.status == HouseholdStatus.ACTIVE, Household.period_end >= today, Household.period_end <= until,
        _own(user_id, scope))
    ending = session.execute(ending_query.order_by(Household.period_end, Household.id).limit(MAX_ROWS)).all()
    ending_count = int(session.scalar(select(func.count()).select_from(ending_query.subquery())) or 0)
    short_query = (
        select(Signal.household_id, func.count(Signal.id), func.min(Signal.kind), func.max(Signal.kind))
        .join(Household, Household.id == Signal.household_id)
        .where(Signal.state == SignalState.OPEN, Signal.kind.in_(MONEY_SIGNALS), _own(user_id, scope))
        .group_by(Signal.household_id)
    )
    short = session.execute(short_query.order_by(Signal.household_id).limit(MAX_ROWS)).all()
    # How many households: counted over the households with EXISTS, not over the grouped signals (a third of the time
    # at 50,000 households with as many open signals).
    short_count = int(session.scalar(select(func.count(Household.id)).where(
        _own(user_id, scope),
        select(Signal.id).where(Signal.household_id == Household.id, Signal.state == SignalState.OPEN,
                                Signal.kind.in_(MONEY_SIGNALS)).exists(),
    )) or 0)
    names = household_labels(session, [hid for hid, *_rest in short], scope)
    asked: list[Row] = []
    for row in session.scalars(select(OneOffPayment).where(
            OneOffPayment.requested_by_user_id == user_id, OneOffPayment.status == OneOffStatus.REQUESTED)
            .order_by(OneOffPayment.id)):
        asked.append(Row(Message("incidentele betaling %(amount)s (huishouden %(id)s)", amount=format_eur(row.amount_cents),
                                 id=row.household_id),
                         _household_link(row.household_id), {"kind": "one_off_payment", "id": row.id}))
    for change in session.scalars(select(IbanChange).where(
            IbanChange.proposed_by_user_id == user_id, IbanChange.status == IbanChangeStatus.PENDING)
            .order_by(IbanChange.id)):
        link = (_household_link(change.household_id) if change.household_id is not None
                else Link("households.creditors"))
        asked.append(Row(Message("IBAN-wijziging naar %(iban)s", iban=change.new_iban), link, {"kind": "iban_change", "id": change.id}))
    for request in session.scalars(select(ExtensionRequest).where(
            ExtensionRequest.requested_by_user_id == user_id, ExtensionRequest.status == ExtensionStatus.PENDING)
            .order_by(ExtensionRequest.id)):
        asked.append(Row(Message("verlenging met %(months)s maanden (huishouden %(id)s)", months=request.months,
                                 id=request.household_id),
                         _household_link(request.household_id), {"kind": "extension_request", "id": request.id}))
    return Section("caseworker", (
        Item("open_signals", Message("Open signalen van uw huishoudens"), open_signals, Link("lifecycle.signals")),
        Item("periods_ending", Message("Perioden die binnen vier weken eindigen"), ending_count,
             Link("households.index"),
             tuple(Row(Message("%(name)s — %(end)s (nog %(days)s dagen)", name=name, end=end,
                               days=(end - today).days), _household_link(hid),
                       {"household_id": hid, "period_end": end.isoformat(), "days_left": (end - today).days})
                   for hid, name, end in ending)),
        Item("short_or_income_missing", Message("Huishoudens met een tekort of inkomen dat niet kwam"), short_count,
             Link("lifecycle.signals", {"kind": "shortfall"}),
             tuple(Row(Message("huishouden %(id)s (%(name)s): %(count)s open signaal/signalen (%(kinds)s)", id=hid,
                               name=names.get(int(hid or 0), ""), count=count,
                               kinds=_kind(low) if low == high else Message("%(first)s, %(second)s", first=_kind(low),
                                                                    second=_kind(high))),
                       _household_link(int(hid or 0)), {"household_id": hid, "signals": count})
                   for hid, count, low, high in short)),
        Item("asked_by_me", Message("Wat u vroeg en dat op een ander wacht"), len(asked),
             Link("lifecycle.signals"), tuple(asked[:MAX_ROWS])),
    ))


def finance(session: Session, user_id: int) -> Section:
    approved_by_me = select(BatchApproval.id).where(BatchApproval.batch_id == PaymentBatch.id,
                                                    BatchApproval.approver_user_id == user_id)
    batches = list(session.scalars(select(PaymentBatch).where(  # a batch that waits for a second approver is not
        PaymentBatch.status == BatchStatus.PROPOSED, PaymentBatch.prepared_by_user_id.is_distinct_from(user_id),
        ~approved_by_me.exists())  # waiting for the first one any more
        .order_by(PaymentBatch.execution_date)))
    changes = list(session.scalars(select(IbanChange).where(
        IbanChange.status == IbanChangeStatus.PENDING, IbanChange.proposed_by_user_id.is_distinct_from(user_id))
        .order_by(IbanChange.id)))
    one_offs = list(session.scalars(select(OneOffPayment).where(
        OneOffPayment.status == OneOffStatus.REQUESTED, OneOffPayment.requested_by_user_id.is_distinct_from(user_id))
        .order_by(OneOffPayment.id)))
    creditors = list(session.scalars(select(Creditor).where(  # not the ones they added themselves (four eyes)
        Creditor.status == CreditorStatus.PENDING, Creditor.added_by_user_id.is_distinct_from(user_id))
        .order_by(Creditor.id).limit(MAX_ROWS + 1)))
    creditor_count = len(creditors) if len(creditors) <= MAX_ROWS else int(session.scalar(
        select(func.count(Creditor.id)).where(Creditor.status == CreditorStatus.PENDING,
                                              Creditor.added_by_user_id.is_distinct_from(user_id))) or 0)
    queue = int(session.scalar(select(func.count(BankLine.id)).where(BankLine.state == LineState.UNMATCHED)) or 0)
    returns = int(session.scalar(select(func.count(Signal.id)).where(
        Signal.state == SignalState.OPEN, Signal.kind.in_(RETURN_SIGNALS))) or 0)
    change_rows = tuple(
        Row(Message("IBAN %(old)s → %(new)s (door %(who)s)", old=change.old_iban, new=change.new_iban,
                    who=change.proposed_by),
            _household_link(change.household_id) if change.household_id is not None else Link("households.creditors"),
            {"kind": "iban_change", "id": change.id})
        for change in changes[:MAX_ROWS])
    names = household_labels(session, [row.household_id for row in one_offs[:MAX_ROWS]], Scope.everything())
    one_off_rows = tuple(
        Row(Message("incidentele betaling %(amount)s voor huishouden %(id)s (%(name)s, door %(who)s)",
                    amount=format_eur(row.amount_cents), id=row.household_id,
                    name=names.get(row.household_id, ""), who=row.requested_by), Link("special.one_offs_waiting"), {"kind": "one_off_payment", "id": row.id})
        for row in one_offs[:MAX_ROWS])
    return Section("finance", (
        Item("batches_to_approve", Message("Betaalruns die op uw goedkeuring wachten"), len(batches),
             Link("payments.batches"),
             tuple(Row(Message("%(date)s: %(count)s betalingen (door %(who)s)", date=b.execution_date,
                               count=b.item_count, who=b.prepared_by),
                       Link("payments.batch", {"batch_id": b.id}), {"batch_id": b.id}) for b in batches[:MAX_ROWS])),
        Item("to_confirm", Message("Wijzigingen en betalingen die op uw bevestiging wachten"),
             len(changes) + len(one_offs), Link("special.one_offs_waiting"), change_rows + one_off_rows),
        Item("creditors_to_confirm", Message("Schuldeisers die op bevestiging wachten"), creditor_count,
             Link("households.creditors"),
             tuple(Row(Message("%(name)s (%(iban)s), toegevoegd door %(who)s", name=c.name, iban=c.iban,
                               who=c.added_by or "?") if not c.name_flag else
                       Message("%(name)s (%(iban)s), toegevoegd door %(who)s: gemarkeerd", name=c.name, iban=c.iban,
                               who=c.added_by or "?"),
                       Link("households.creditors"), {"kind": "creditor", "id": c.id, "flagged": bool(c.name_flag)})
                   for c in creditors[:MAX_ROWS])),
        Item("bank_queue", Message("Afschriftregels in de wachtrij"), queue, Link("bank.queue")),
        Item("returns", Message("Teruggekomen betalingen en tegengehouden IBAN's"), returns,
             Link("lifecycle.signals", {"kind": "returned_payment", "scope": "role"})),
    ))


def supervisor(session: Session, today: date, lead_business_days: int, scope: Scope | None = None) -> Section:
    scope = scope or Scope.everything()
    pending: list[tuple[ExtensionRequest, Household]] = [(request, household) for request, household in session.execute(
        select(ExtensionRequest, Household).join(Household, Household.id == ExtensionRequest.household_id)
        .where(ExtensionRequest.status == ExtensionStatus.PENDING, scope.condition(Household.id))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id))]
    rows = []
    for request, household in pending[:MAX_ROWS]:
        forecast = household_forecast(session, household.id, today, lead_business_days=lead_business_days)
        uncovered = forecast.first_uncovered
        days_left = max(0, (household.period_end - today).days)
        words = (Message("tekort vanaf de betaalrun van %(date)s", date=uncovered.date)
                 if uncovered is not None else
                 Message("gedekt; saldo over 8 weken %(amount)s", amount=format_eur(forecast.closing_balance_cents)))
        rows.append(Row(
            Message("%(name)s: %(months)s maanden, gevraagd %(on)s door %(who)s; nog %(days)s dagen; prognose: "
                    "%(forecast)s", name=household.account_holder, months=request.months,
                    on=request.requested_at.astimezone(LOCAL_ZONE).date(), who=request.requested_by, days=days_left, forecast=words),
            Link("lifecycle.extensions"),  # by need: the request with what its decision needs, not the file
            {"request_id": request.id, "household_id": household.id, "days_left": days_left,
             "requested_at": request.requested_at.isoformat(),
             "forecast": {"closing_balance": cents_to_str(forecast.closing_balance_cents),
                          "first_uncovered": uncovered.date.isoformat() if uncovered else None}}))
    return Section("supervisor", (
        Item("extensions", Message("Verlengingsverzoeken, oudste eerst"), len(pending), Link("lifecycle.extensions"),
             tuple(rows)),
    ))


def accountant(session: Session) -> Section:
    statement = session.scalar(select(BankStatement).order_by(BankStatement.closing_date.desc(),
                                                              BankStatement.id.desc()).limit(1))
    rows: tuple[Row, ...] = ()
    unexplained = 0
    if statement is not None:
        (_sid, iban, _seq, on, closing, books, difference, _announced, unexplained, _transit,
         waiting) = reconciliation_row(session, statement)
        rows = (Row(Message("%(iban)s op %(on)s: afschrift %(closing)s, boeken %(books)s, verschil %(difference)s, "
                            "onverklaard %(unexplained)s, %(waiting)s regels in de wachtrij", iban=iban,
                            on=on, closing=format_eur(closing), books=format_eur(books),
                            difference=format_eur(difference), unexplained=format_eur(unexplained), waiting=waiting),
                    Link("bank.statement", {"statement_id": statement.id}),
                    {"statement_id": statement.id, "on": on.isoformat(), "difference": cents_to_str(difference),
                     "unexplained": cents_to_str(unexplained)}),)
    entries = int(session.scalar(select(func.count(AuditEntry.id))) or 0)
    return Section("accountant", (
        Item("reconciliation", Message("Laatste aansluiting bank en boeken (onverklaard verschil)"),
             1 if unexplained else 0, Link("reports.index"), rows),
        Item("audit", Message("Auditlog: controleer de keten (de auditpagina verifieert alle regels)"), entries,
             Link("admin.audit")),
    ))


def worklist(session: Session, user_id: int, roles: frozenset[str], today: date, lead_business_days: int,
             scope: Scope | None = None) -> list[Section]:
    """The sections for the user's roles, in the order of :data:`ROLES`, within ``scope`` (the user's team)."""
    sections: list[Section] = []
    for role in ROLES:
        if role not in roles:
            continue
        if role == "caseworker":
            sections.append(caseworker(session, user_id, today, scope))
        elif role == "finance":
            sections.append(finance(session, user_id))
        elif role == "supervisor":
            sections.append(supervisor(session, today, lead_business_days, scope))
        else:
            sections.append(accountant(session))
    return sections
