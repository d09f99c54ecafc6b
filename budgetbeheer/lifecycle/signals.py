"""Signals: something a person must look at, with who must act (caseworker, finance or supervisor).

Each detector is idempotent: a signal's ``dedup_key`` names what it is about (``shortfall:<fixed cost>:<due date>``,
and ``…:<attempt>`` from the second attempt on), and the UNIQUE constraint on it means raising the same signal twice
stores it once. A signal is closed by a person ("done", with a note); the same situation does not come back as a new
signal. A new situation is a new signal: an instalment paid late, returned by the bank and then short again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, Change, record, record_many
from budgetbeheer.bulk import cycle_collector_paused
from budgetbeheer.db.base import table_of, utcnow
from budgetbeheer.db.bulk_write import id_in, in_chunks, insert_rows, next_ids
from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.domain.forecast import BENEFIT_EARLY_DAYS, Uncovered
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.fields import as_whole_number
from budgetbeheer.households.forecasts import all_figures
from budgetbeheer.i18n import Cents, stored
from budgetbeheer.payments.arrears import (
    attempts,
    live_payments,
    obligation_key,
    short_instalments,
)
from budgetbeheer.payments.return_reasons import holds_iban, reason_message
from budgetbeheer.payments.runs.context import RunContext, due_dates_in
from budgetbeheer.payments.runs.model import fixed_cost_key
from budgetbeheer.payments.runs.read import date_reader, driver_rows
from budgetbeheer.tables.access import EVERYTHING, Scope
from budgetbeheer.tables.households import ExpectedIncome, Household, Receipt
from budgetbeheer.tables.lifecycle import ExtensionRequest, Signal
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.tables.states import (
    ITEM_BOOKED,
    ExtensionStatus,
    HouseholdStatus,
    ItemStatus,
    SignalRole,
    SignalState,
    values,
)

KINDS: dict[str, tuple[str, str]] = {
    "shortfall": ("Vaste last niet betaald", "caseworker"),
    "income_missing": ("Inkomen niet ontvangen", "caseworker"),
    "returned_payment": ("Betaling teruggekomen", "finance"),
    "period_ending": ("Periode eindigt binnen 4 weken", "caseworker"),
    "extension_waiting": ("Verlengingsverzoek wacht", "supervisor"),
    "extension_decide": ("Verlenging: beslis vóór de einddatum", "supervisor"),
    "forecast_uncovered": ("Saldo dekt een vaste last niet", "caseworker"),
    "payment_after_end": ("Goedgekeurde betaling na het einde", "finance"),
    "iban_held": ("IBAN tegengehouden na een teruggekomen betaling", "finance"),
    "bank_difference": ("Bank en boeken verschillen", "finance"),
    "statement_gap": ("Bankafschrift ontbreekt", "finance"),
    "ended_household_money": ("Geld voor een beëindigd huishouden", "finance"),
    "receipt_not_on_bank": ("Aangekondigde ontvangst niet op de bank", "finance"),
}
"""Kind → (Dutch label, role that must act)."""

PERIOD_ENDING_DAYS = 28
EXTENSION_WAITING_WORKING_DAYS = 5
INCOME_LOOKBACK_DAYS = 45
ROLES = values(SignalRole)


def _dutch_date(d: date) -> str:
    return f"{d:%d-%m-%Y}"


def raise_signal(
    session: Session,
    *,
    kind: str,
    household_id: int | None,
    message: Message | str,
    dedup_key: str,
    role: str | None = None,
    actor: Actor | None = None,
) -> Signal | None:
    """Store a signal unless one with the same ``dedup_key`` exists, with its audit entry. Returns the new signal, or
    ``None``. Without an ``actor`` the signal counts as raised by ``system:signals``."""
    if kind not in KINDS:
        raise ValueError(f"unknown signal kind {kind!r}")
    if session.scalar(select(Signal.id).where(Signal.dedup_key == dedup_key)) is not None:
        return None
    dutch, message_id, message_params = stored(message)
    signal = Signal(
        household_id=household_id,
        kind=kind,
        message=dutch,
        message_id=message_id,
        message_params=message_params,
        role=role or KINDS[kind][1],
        state=SignalState.OPEN,
        dedup_key=dedup_key[:160],
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(signal)
    except IntegrityError:
        return None  # raised at the same moment by another process
    record(session, actor or Actor.system("signals"), "signal.raised", "signal", signal.id,
           after={"kind": kind, "household_id": household_id, "role": signal.role, "dedup_key": signal.dedup_key})
    return signal


@dataclass(frozen=True)
class NewSignal:
    """One signal for :func:`raise_signals`: what :func:`raise_signal` takes."""

    kind: str
    household_id: int | None
    message: Message | str
    """A :class:`~budgetbeheer.errors.Message` (stored with its id, shown in the reader's language) or a sentence."""
    dedup_key: str
    role: str | None = None


def raise_signals(session: Session, signals: Sequence[NewSignal], actor: Actor | None = None) -> int:
    """Store many signals at once, each unless one with its ``dedup_key`` exists (or comes earlier in
    ``signals``), with their audit entries; the number stored. For the bulk paths (a statement's returns). A signal
    raised with the same key by another process at the same moment makes this use case fail, to be tried again."""
    for signal in signals:
        if signal.kind not in KINDS:
            raise ValueError(f"unknown signal kind {signal.kind!r}")
    taken = _taken_keys(session, [signal.dedup_key[:160] for signal in signals])
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for signal in signals:
        key = signal.dedup_key[:160]
        if key in taken:
            continue
        taken.add(key)
        dutch, message_id, message_params = stored(signal.message)
        rows.append({"household_id": signal.household_id, "kind": signal.kind, "message": dutch,
                     "message_id": message_id, "message_params": message_params,
                     "role": signal.role or KINDS[signal.kind][1], "state": SignalState.OPEN, "dedup_key": key,
                     "created_at": now})
    if not rows:
        return 0
    session.flush()
    ids = next_ids(session, table_of(Signal), len(rows))
    for signal_id, row in zip(ids, rows, strict=True):
        row["id"] = signal_id
    insert_rows(session, table_of(Signal), rows)
    record_many(session, actor or Actor.system("signals"), [
        Change("signal.raised", "signal", signal_id, after={"kind": row["kind"], "household_id": row["household_id"],
                                                            "role": row["role"], "dedup_key": row["dedup_key"]})
        for signal_id, row in zip(ids, rows, strict=True)])
    return len(rows)


def raise_new(session: Session, signals: Sequence[NewSignal]) -> int:
    """:func:`raise_signals` for the daily detectors, in a savepoint: should another process raise one of the same
    signals at the same moment (the UNIQUE ``dedup_key`` refuses the insert), they are raised one by one instead
    (:func:`raise_signal`, which skips the one taken), so the job never fails on it."""
    if not signals:
        return 0
    try:
        with session.begin_nested():
            return raise_signals(session, signals)
    except IntegrityError:
        return sum(1 for signal in signals
                   if raise_signal(session, kind=signal.kind, household_id=signal.household_id, message=signal.message,
                                   dedup_key=signal.dedup_key, role=signal.role) is not None)


def _taken_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` (each at most 160 characters) a signal already has, open or closed."""
    taken: set[str] = set()
    for chunk in in_chunks(session, keys):
        taken.update(session.scalars(select(Signal.dedup_key).where(id_in(session, Signal.dedup_key, chunk))))
    return taken


def _open_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` name an open signal."""
    found: set[str] = set()
    for chunk in in_chunks(session, keys):
        found.update(session.scalars(select(Signal.dedup_key).where(id_in(session, Signal.dedup_key, chunk),
                                                                    Signal.state == SignalState.OPEN)))
    return found


# ---------------------------------------------------------------------------------------------------------- detectors


def detect_shortfalls(session: Session, today: date) -> int:
    """Raise a signal for each unpaid instalment (:mod:`budgetbeheer.payments.arrears`: a run recorded a shortfall and
    no live payment exists) due in the last 45 days, once per instalment and attempt
    (:func:`~budgetbeheer.payments.arrears.attempts`: a payment that was booked, came back and then fell short again
    is a new attempt; a run that finds it short again the next day is not); and close the open ones whose instalment
    has been paid since (:func:`close_paid_shortfalls`). While a signal of an earlier attempt is still open, that one
    says it: no second one."""
    rows = [row for row in short_instalments(session, due_from=today - timedelta(days=INCOME_LOOKBACK_DAYS))
            if row.unpaid]
    attempt_of = attempts(session, rows)
    earlier_open = _open_keys(session, [shortfall_key(row.fixed_cost_id, row.due_date, n) for row in rows
                                        for n in range(1, attempt_of[row.key])])
    taken = _taken_keys(session, [shortfall_key(row.fixed_cost_id, row.due_date, attempt_of[row.key]) for row in rows])
    wanted: list[NewSignal] = []
    for row in rows:
        attempt = attempt_of[row.key]
        if shortfall_key(row.fixed_cost_id, row.due_date, attempt) in taken:
            continue  # raised before: no message to make (raise_new would skip it)
        label = (Message(LABELS_NL[Category(row.category)]) if row.category in {c.value for c in Category}
                 else row.category)
        if attempt == 1:
            message = Message(
                "%(label)s van %(amount)s met vervaldag %(due)s is niet betaald: het saldo was te laag in de "
                "betaalrun van %(run)s.",
                label=label, amount=Cents(row.amount_cents), due=row.due_date, run=row.first_short_on)
        else:
            if any(shortfall_key(row.fixed_cost_id, row.due_date, n) in earlier_open for n in range(1, attempt)):
                continue
            message = Message(
                "%(label)s van %(amount)s met vervaldag %(due)s is opnieuw niet betaald: de eerdere betaling is "
                "teruggekomen of geannuleerd, en het saldo was te laag in de betaalrun van %(run)s.",
                label=label, amount=Cents(row.amount_cents), due=row.due_date, run=row.last_short_on)
        wanted.append(NewSignal("shortfall", row.household_id, message,
                                shortfall_key(row.fixed_cost_id, row.due_date, attempt)))
    count = raise_new(session, wanted)
    close_paid_shortfalls(session)
    return count


def shortfall_key(fixed_cost_id: int, due: date, attempt: int = 1) -> str:
    """``shortfall:<fixed cost>:<due date>`` for an instalment's first attempt, ``…:<attempt>`` from the second on
    (the keys of signals raised before attempts were counted stay valid)."""
    key = f"shortfall:{fixed_cost_id}:{due.isoformat()}"
    return key if attempt == 1 else f"{key}:{attempt}"


def close_paid_shortfalls(session: Session) -> int:
    """Close every open shortfall signal whose instalment has been paid: a later run paid it and its batch was
    approved (the item is approved or settled). Approval is the moment the money leaves the household's funds and
    nothing in the batch can change any more; the caseworker has nothing left to do. (Should the bank return the
    payment, finance gets a signal of its own and the next run tries the instalment again.) Closed by
    ``system:signals`` with the note "betaald in betaalrun N op <uitvoeringsdatum>" and an audit entry. Returns how
    many were closed."""
    wanted: dict[str, list[int]] = {}
    for signal_id, dedup_key in session.execute(
        select(Signal.id, Signal.dedup_key).where(Signal.kind == "shortfall", Signal.state == SignalState.OPEN)
    ):
        _, fixed_cost, due = [*str(dedup_key).split(":"), "", ""][:3]  # any attempt: the instalment is paid
        try:
            wanted.setdefault(obligation_key(int(fixed_cost), date.fromisoformat(due)), []).append(int(signal_id))
        except ValueError:
            continue  # not a key this detector wrote
    if not wanted:
        return 0
    actor = Actor.system("signals")
    closed = 0
    for key, (_item, batch_id, paid_on, status) in sorted(live_payments(session, wanted).items()):
        if status not in ITEM_BOOKED:
            continue
        for signal_id in wanted[key]:
            signal = session.scalar(select(Signal).where(Signal.id == signal_id).with_for_update()
                                    .execution_options(populate_existing=True))
            if signal is None or signal.state != SignalState.OPEN:
                continue  # closed by a person in the meantime
            note = f"betaald in betaalrun {batch_id} op {_dutch_date(paid_on)}"
            signal.state = SignalState.DONE
            signal.done_by = actor.name
            signal.done_at = utcnow()
            signal.note = note
            session.flush()
            record(session, actor, "signal.done", "signal", signal.id, before={"state": SignalState.OPEN},
                   after={"state": SignalState.DONE, "kind": signal.kind, "household_id": signal.household_id,
                          "batch_id": batch_id}, reason=note)
            closed += 1
    return closed


def detect_missing_income(session: Session, today: date, late_days: int) -> int:
    """Expected income not received ``late_days`` days after its day (a receipt of any kind counts from
    :data:`~budgetbeheer.domain.forecast.BENEFIT_EARLY_DAYS` days before, the window in which the runs take a
    benefit receipt for the expected benefit come early).

    For all households at once: the expected incomes of the active households in one query, and per household and
    kind its latest receipt up to ``today`` in another; an expected day is received when that latest receipt is dated
    on or after ``day − BENEFIT_EARLY_DAYS``."""
    window_from = today - timedelta(days=INCOME_LOOKBACK_DAYS)
    window_to = today - timedelta(days=late_days) + timedelta(days=1)
    as_date = date_reader(session, RunContext())
    latest = {
        (int(household_id), str(kind)): as_date(received_on)
        for household_id, kind, received_on in driver_rows(session,
            select(Receipt.household_id, Receipt.kind, func.max(Receipt.received_on))
            .where(Receipt.received_on <= today,
                   Receipt.received_on >= window_from - timedelta(days=BENEFIT_EARLY_DAYS))
            .group_by(Receipt.household_id, Receipt.kind))
    }
    dates_in = cache(due_dates_in)
    early = timedelta(days=BENEFIT_EARLY_DAYS)
    missing: list[tuple[str, int, str, int, date]] = []
    for income_id, household_id, kind, cents, day_of_month, frequency, start, end, period_start, period_end in (
        driver_rows(session, select(
            ExpectedIncome.id, ExpectedIncome.household_id, ExpectedIncome.kind, ExpectedIncome.amount_cents,
            ExpectedIncome.day, ExpectedIncome.frequency, ExpectedIncome.start_date, ExpectedIncome.end_date,
            Household.period_start, Household.period_end)
        .join(Household, Household.id == ExpectedIncome.household_id)
        .where(Household.status == HouseholdStatus.ACTIVE)
        .order_by(ExpectedIncome.id))
    ):
        low = max(window_from, as_date(period_start))
        high = min(window_to, as_date(period_end) + timedelta(days=1))
        received = latest.get((int(household_id), str(kind)))
        for day in dates_in(str(frequency), int(day_of_month), as_date(start), None if end is None else as_date(end),
                            low, high):
            if received is not None and received >= day - early:
                continue
            missing.append((f"income_missing:{income_id}:{day.isoformat()}", int(household_id), str(kind),
                            int(cents), day))
    # The signals already raised (on an earlier day, or earlier today) are looked up first: no message is made
    # for them (raise_new looks the rest up again, in case another process raised one meanwhile).
    taken = _taken_keys(session, [key for key, *_ in missing])
    wanted = [
        NewSignal("income_missing", household_id, Message(
            "Verwacht inkomen (%(kind)s, %(amount)s) op %(day)s is %(days)s dagen later nog niet ontvangen. "
            "Neem contact op met de uitkerende instantie of overweeg een voorschot.",
            kind=kind, amount=Cents(cents), day=day, days=(today - day).days), key)
        for key, household_id, kind, cents, day in missing if key not in taken
    ]
    return raise_new(session, wanted)


def detect_returned_payments(session: Session, today: date) -> int:
    """A signal for finance for every returned payment that has none yet (raised at the return itself; this catches
    the ones that were not). Only the returned items without their signal are read (an anti-join on the key), not
    every returned item ever."""
    key = literal("returned_payment:") + cast(PaymentItem.id, String)
    items = session.scalars(
        select(PaymentItem)
        .where(PaymentItem.status == ItemStatus.RETURNED,
               ~select(Signal.id).where(Signal.dedup_key == key).exists())
        .order_by(PaymentItem.id)
    )
    return raise_new(session, [
        returned_payment_signal(item) for item in items
        if not (item.return_reason_code and holds_iban(item.return_reason_code))
        # a held IBAN has its own signals (kind iban_held) for the caseworker and finance
    ])


def returned_payment_signal(item: Any, *, paid_out_to_household: bool = False) -> NewSignal:
    """The signal for finance that a payment came back (for a reason that does not hold the IBAN)."""
    if paid_out_to_household:
        next_step = Message("Het huishouden is al beëindigd: het geld wordt met de volgende betaalrun als laatste "
                            "leefgeld aan het huishouden betaald, niet opnieuw aan de schuldeiser.")
    else:
        next_step = Message("Het geld staat weer op het saldo van het huishouden; de volgende betaalrun betaalt "
                            "opnieuw.")
    facts = {"amount": Cents(item.amount_cents), "creditor": item.creditor_name, "iban": item.iban,
             "next_step": next_step}
    message = (
        Message("De betaling van %(amount)s aan %(creditor)s (%(iban)s) is teruggekomen met %(code)s. %(next_step)s",
                code=reason_message(item.return_reason_code), **facts)
        if item.return_reason_code else
        Message("De betaling van %(amount)s aan %(creditor)s (%(iban)s) is teruggekomen. %(next_step)s", **facts)
    )
    return NewSignal(kind="returned_payment", household_id=item.household_id, message=message,
                     dedup_key=f"returned_payment:{item.id}")


def signal_returned_payment(session: Session, item: Any, *, paid_out_to_household: bool = False) -> Signal | None:
    """:func:`returned_payment_signal`, raised at the return itself and again (stored once) by the daily detector."""
    wanted = returned_payment_signal(item, paid_out_to_household=paid_out_to_household)
    return raise_signal(session, kind=wanted.kind, household_id=wanted.household_id, message=wanted.message,
                        dedup_key=wanted.dedup_key)


def detect_period_ending(session: Session, today: date) -> int:
    horizon = today + timedelta(days=PERIOD_ENDING_DAYS)
    wanted: list[NewSignal] = []
    for household_id, period_end in session.execute(
        select(Household.id, Household.period_end)
        .where(Household.status == HouseholdStatus.ACTIVE, Household.period_end >= today, Household.period_end <= horizon)
        .order_by(Household.id)
    ):
        message = Message(
            "De periode eindigt op %(end)s (over %(days)s dagen). Vraag zo nodig een verlenging aan, of bereid de "
            "overdracht voor.", end=period_end, days=(period_end - today).days)
        wanted.append(NewSignal("period_ending", household_id, message,
                                f"period_ending:{household_id}:{period_end.isoformat()}"))
    return raise_new(session, wanted)


def working_days_between(start: date, end: date) -> int:
    """Monday-Friday days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    days = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def detect_waiting_extensions(session: Session, today: date) -> int:
    wanted: list[NewSignal] = []
    for row in session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.status == ExtensionStatus.PENDING).order_by(ExtensionRequest.id)
    ):
        waited = working_days_between(row.requested_at.date(), today)
        if waited <= EXTENSION_WAITING_WORKING_DAYS:
            continue
        message = Message(
            "Verlengingsverzoek %(id)s (%(months)s maanden, gevraagd door %(who)s) wacht al %(days)s werkdagen op "
            "een besluit.", id=row.id, months=row.months, who=row.requested_by, days=waited)
        wanted.append(NewSignal("extension_waiting", row.household_id, message, f"extension_waiting:{row.id}"))
    return raise_new(session, wanted)


def detect_uncovered(session: Session, today: date, lead_business_days: int = 2) -> int:
    """A signal when the household's forecast (the payment runs the scheduler will make) finds a fixed cost the
    money will not cover; once per instalment. Every active household's forecast at once
    (:func:`budgetbeheer.households.forecasts.all_figures`: the same forecast as
    :func:`~budgetbeheer.households.read.household_forecast`, read with one query per table)."""
    found: list[tuple[int, Uncovered]] = []
    with cycle_collector_paused():  # hundreds of thousands of small values, none cyclic (see budgetbeheer.bulk)
        found.extend(all_figures(session, today, lead_business_days=lead_business_days).uncovered())
    paid = _already_paid(session, [fixed_cost_key(u.obligation_id, u.due_date) for _, u in found])
    wanted: list[NewSignal] = []
    for household_id, uncovered in found:
        if fixed_cost_key(uncovered.obligation_id, uncovered.due_date) in paid:
            continue
        message = Message(
            "Volgens de prognose is er in de betaalrun van %(run)s niet genoeg saldo voor %(label)s (%(amount)s, "
            "vervaldag %(due)s).", run=uncovered.date, label=Message(LABELS_NL[uncovered.category]),
            amount=Cents(uncovered.amount_cents), due=uncovered.due_date)
        wanted.append(NewSignal("forecast_uncovered", household_id, message,
                                f"forecast_uncovered:{uncovered.obligation_id}:{uncovered.due_date.isoformat()}"))
    return raise_new(session, wanted)


def _already_paid(session: Session, keys: Sequence[str]) -> set[str]:
    """The forecast starts from the balance, which no longer holds an instalment already approved for payment; such
    an instalment is not uncovered: which of the obligation ``keys`` a payment item carries."""
    found: set[str] = set()
    for chunk in in_chunks(session, keys):
        found.update(str(key) for key in session.scalars(
            select(PaymentItem.obligation_key).where(id_in(session, PaymentItem.obligation_key, chunk))))
    return found


def raise_all(session: Session, today: date, *, income_late_days: int = 5,
              lead_business_days: int = 2) -> dict[str, int]:
    """Run every detector for ``today``; returns how many new signals each raised."""
    return {
        "shortfall": detect_shortfalls(session, today),
        "income_missing": detect_missing_income(session, today, income_late_days),
        "returned_payment": detect_returned_payments(session, today),
        "period_ending": detect_period_ending(session, today),
        "extension_waiting": detect_waiting_extensions(session, today),
        "forecast_uncovered": detect_uncovered(session, today, lead_business_days),
    }


# --------------------------------------------------------------------------------------------------------- the inbox


@dataclass(frozen=True)
class Viewer:
    """Whose inbox: a user's id and roles, and the households they reach (signals follow the household: a
    caseworker or supervisor sees and closes only the signals of their team's households)."""

    user_id: int | None
    roles: frozenset[str]
    households: Scope = EVERYTHING

    def reaches(self, household_id: int | None, session: Session) -> bool:
        return household_id is None or self.households.covers(session, household_id)


def inbox_query(viewer: Viewer, *, state: str = SignalState.OPEN, scope: str = "mine", kind: str | None = None,
                household_id: int | None = None) -> Select[Any]:
    """Signals for the viewer's roles. ``scope="mine"``: a caseworker sees only the caseworker signals of households
    assigned to them (or to nobody); finance and supervisors see all of their role. ``scope="role"``: all of the role.
    ``kind`` and ``household_id`` narrow it to one kind of signal and one household.
    """
    roles = [role for role in ROLES if role in viewer.roles]
    query = select(Signal).where(Signal.role.in_(roles or ["-"]))
    if state in set(SignalState):
        query = query.where(Signal.state == state)
    if kind is not None:
        query = query.where(Signal.kind == kind)
    if household_id is not None:
        query = query.where(Signal.household_id == household_id)
    if not viewer.households.is_everything:
        query = query.where(or_(Signal.household_id.is_(None), viewer.households.condition(Signal.household_id)))
    if scope == "mine" and "caseworker" in roles:
        own = select(Household.id).where(
            or_(Household.caseworker_id == viewer.user_id, Household.caseworker_id.is_(None))
        )
        query = query.where(or_(Signal.role != "caseworker", Signal.household_id.in_(own),
                                Signal.household_id.is_(None)))
    return query


def inbox(session: Session, viewer: Viewer, *, state: str = SignalState.OPEN, scope: str = "mine",
          limit: int = 500, offset: int = 0, kind: str | None = None,
          household_id: int | None = None) -> list[Signal]:
    """The viewer's signals, newest first: ``limit`` of them from ``offset`` on (a page), of one ``kind`` or one
    household when given."""
    query = inbox_query(viewer, state=state, scope=scope, kind=kind, household_id=household_id).order_by(
        Signal.created_at.desc(), Signal.id.desc())
    return list(session.scalars(query.offset(offset).limit(limit)))


def inbox_total(session: Session, viewer: Viewer, *, state: str = SignalState.OPEN, scope: str = "mine",
                kind: str | None = None, household_id: int | None = None) -> int:
    """How many signals :func:`inbox` has for the viewer over all pages."""
    query = inbox_query(viewer, state=state, scope=scope, kind=kind, household_id=household_id)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def open_count(session: Session, viewer: Viewer) -> int:
    query = inbox_query(viewer, state=SignalState.OPEN, scope="mine")
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _done_note(note: object) -> str:
    text = note.strip() if isinstance(note, str) else ""
    if not text:
        raise ValidationError({"note": Message("Schrijf op wat u heeft gedaan.")})
    if len(text) > 2000:
        raise ValidationError({"note": Message("Gebruik hoogstens %(maximum)s tekens.", maximum=2000)})
    return text


MAX_AT_ONCE = 500
"""The most signals closed with one note."""


def mark_many_done(session: Session, actor: Actor, signal_ids: object, note: object,
                   viewer: Viewer | None = None) -> list[Signal]:
    """Close several signals with one note, all or none: an id that is not the viewer's signal, or a signal already
    closed (saying by whom), refuses the lot. Each closed signal keeps who closed it, when, and the note."""
    text = _done_note(note)
    if not isinstance(signal_ids, list) or not signal_ids or len(signal_ids) > MAX_AT_ONCE:
        raise ValidationError({"ids": Message("Kies 1 tot en met %(maximum)s signalen.", maximum=MAX_AT_ONCE)})
    ids: list[int] = []
    for raw in signal_ids:
        number = as_whole_number(raw)
        if number is None or not 0 < number < 2**63:
            raise ValidationError({"ids": Message("Geef de nummers van de signalen.")})
        if number not in ids:
            ids.append(number)
    return [mark_done(session, actor, signal_id, text, viewer=viewer) for signal_id in sorted(ids)]


def mark_done(session: Session, actor: Actor, signal_id: int, note: object, viewer: Viewer | None = None) -> Signal:
    """Close a signal with a note saying what was done."""
    text = _done_note(note)
    signal = session.scalar(select(Signal).where(Signal.id == signal_id).with_for_update())
    if signal is None or (viewer is not None and (signal.role not in viewer.roles
                                                  or not viewer.reaches(signal.household_id, session))):
        raise NotFound(Message("Signaal %(id)s bestaat niet.", id=signal_id))
    if signal.state == SignalState.DONE:
        raise Conflict(Message("Dit signaal is al afgehandeld door %(who)s.", who=signal.done_by or "?"))
    signal.state = SignalState.DONE
    signal.done_by = actor.name
    signal.done_at = utcnow()
    signal.note = text
    session.flush()
    record(session, actor, "signal.done", "signal", signal.id, before={"state": SignalState.OPEN},
           after={"state": SignalState.DONE, "kind": signal.kind, "household_id": signal.household_id}, reason=text)
    return signal


def signal_json(signal: Signal) -> dict[str, Any]:
    return {
        "id": signal.id,
        "kind": signal.kind,
        "household_id": signal.household_id,
        "message": signal.message,
        "message_id": signal.message_id,
        "message_params": signal.message_params,
        "role": signal.role,
        "state": signal.state,
        "created_at": signal.created_at.isoformat(),
        "done_by": signal.done_by,
        "done_at": signal.done_at.isoformat() if signal.done_at else None,
        "note": signal.note,
    }


def kinds_of(signals: Iterable[Signal]) -> list[str]:
    return [s.kind for s in signals]
