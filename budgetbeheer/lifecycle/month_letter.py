"""The monthly letter for a household: what was done with its money this month ("wat is er deze maand betaald met uw
geld"), as a tagged PDF in Dutch, English or Arabic (:mod:`budgetbeheer.lifecycle.letters`).

True to the cent: every booking on the household's funds in the month (its statement,
:func:`budgetbeheer.households.read.statement`) is a line of the letter, so the balance at the start plus every line
is the balance at the end. A payment run's booking is shown per payment in it (the creditor, what for, the amount),
money in per receipt (what kind of income), and anything else (an advance, a returned payment, a correction) under a
plain name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.domain.planning import LEEFGELD
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.households.common import get_household
from budgetbeheer.households.income import INCOME_KIND_LABELS
from budgetbeheer.households.read import statement
from budgetbeheer.lifecycle.handover import adult_on, reach_us
from budgetbeheer.lifecycle.letters import TaggedLetter, letter_text
from budgetbeheer.money import format_eur
from budgetbeheer.payments.arrears import short_instalments
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.users.models import User

MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december")
OTHER_KINDS = {
    "advance": Message("Voorschot van de gemeente"),
    "payment_returned": Message("Een betaling kwam terug van de bank"),
    "returned_payment": Message("Een betaling kwam terug van de bank"),
    "reversal": Message("Correctie van een eerdere boeking"),
}
"""The plain name of a booking that is neither money in nor a payment run (by ledger transaction kind)."""


@dataclass(frozen=True)
class MonthLine:
    on: date
    what: Message
    party: str
    """Who paid or was paid (a creditor, the household's own account), empty when it says nothing."""
    amount_cents: int
    """From the household's side: money in positive."""


@dataclass(frozen=True)
class MonthLetter:
    household_id: int
    adults: tuple[str, ...]
    account_holder: str
    iban: str
    month: date
    """The first day of the month."""
    last_day: date
    opening_cents: int
    closing_cents: int
    received: tuple[MonthLine, ...]
    paid: tuple[MonthLine, ...]
    leefgeld: tuple[MonthLine, ...]
    other: tuple[MonthLine, ...]
    unpaid: tuple[MonthLine, ...]
    """Instalments due up to the month's end that no run could pay yet (not a booking: not in the sum)."""
    municipality: str
    made_on: date
    caseworker: str | None
    contact: str

    @property
    def lines(self) -> tuple[MonthLine, ...]:
        return self.received + self.paid + self.leefgeld + self.other


def parse_month(value: str | None, today: date) -> date:
    """``YYYY-MM`` (the month's first day); empty: this month. Anything else is a field error naming ``month``."""
    if not value:
        return today.replace(day=1)
    text = value.strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and text.isascii():
        year, month = int(text[:4]), int(text[5:])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    raise ValidationError({"month": Message("Geef een maand als JJJJ-MM, bijvoorbeeld 2026-11.")})


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _what(kind: str) -> Message:
    if kind in {c.value for c in Category}:
        return Message(LABELS_NL[Category(kind)])
    if kind == "one_off":
        return Message("eenmalige betaling")
    return Message("overig")


def month_letter(session: Session, household_id: int, month: date, *, municipality: str = "Gemeente",
                 contact: str = "", today: date | None = None) -> MonthLetter:
    today = today or clock.today()
    household = get_household(session, household_id)
    last = _month_end(month)
    booked = statement(session, household_id, month, last, today)
    transactions = [m.transaction_id for m in booked.movements]
    receipts = {r.ledger_transaction_id: r for r in session.scalars(
        select(Receipt).where(Receipt.ledger_transaction_id.in_(transactions)))} if transactions else {}
    items: dict[int, list[PaymentItem]] = {}
    if transactions:
        for item, approval in session.execute(
            select(PaymentItem, PaymentBatch.approval_transaction_id)
            .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
            .where(PaymentItem.household_id == household_id, PaymentBatch.approval_transaction_id.in_(transactions))
            .order_by(PaymentItem.id)
        ):
            if approval is not None:
                items.setdefault(int(approval), []).append(item)
    received: list[MonthLine] = []
    paid: list[MonthLine] = []
    leefgeld: list[MonthLine] = []
    other: list[MonthLine] = []
    for movement in booked.movements:
        receipt = receipts.get(movement.transaction_id)
        run = items.get(movement.transaction_id, [])
        if receipt is not None and movement.amount_cents == receipt.amount_cents:
            received.append(MonthLine(movement.date, Message(INCOME_KIND_LABELS.get(receipt.kind, "overig")), "",
                                      movement.amount_cents))
        elif run and -sum(i.amount_cents for i in run) == movement.amount_cents:
            for item in run:
                if item.kind == LEEFGELD:
                    leefgeld.append(MonthLine(movement.date, Message("leefgeld"), item.iban, -item.amount_cents))
                else:
                    paid.append(MonthLine(movement.date, _what(item.kind), item.creditor_name, -item.amount_cents))
        else:
            what = OTHER_KINDS.get(movement.kind)
            if what is None:
                what = (Message("Voorschot terugbetaald") if movement.kind.startswith("advance_")
                        else Message("Andere boeking"))
            other.append(MonthLine(movement.date, what, "", movement.amount_cents))
    unpaid = tuple(
        MonthLine(row.due_date, _what(row.category), row.creditor_name, -row.amount_cents)
        for row in short_instalments(session, household_id=household_id)
        if row.unpaid and row.due_date <= last)
    caseworker = session.get(User, household.caseworker_id) if household.caseworker_id else None
    return MonthLetter(
        household_id=household.id,
        adults=tuple(f"{p.first_name} {p.last_name}" for p in household.persons
                     if p.left_on is None and adult_on(p.date_of_birth, today)),
        account_holder=household.account_holder, iban=household.iban, month=month, last_day=last,
        opening_cents=booked.opening_cents,
        closing_cents=booked.opening_cents + sum(m.amount_cents for m in booked.movements),
        received=tuple(received), paid=tuple(paid), leefgeld=tuple(leefgeld), other=tuple(other), unpaid=unpaid,
        municipality=municipality, made_on=today, caseworker=caseworker.display_name if caseworker else None,
        contact=contact.strip(),
    )


def _d(value: date) -> str:
    return f"{value:%d-%m-%Y}"


def month_name(first: date, language: str, texts: str | None = None) -> str:
    return f"{letter_text(Message(MONTHS_NL[first.month - 1]), language, texts)} {first.year}"


def month_letter_pdf(data: MonthLetter, *, language: str = "nl", texts: str | None = None) -> bytes:
    """The letter as a tagged PDF in ``language`` (nl, en or ar), addressed to the adults of the household."""
    month = month_name(data.month, language, texts)
    title = Message("Uw geld in %(month)s", month=month)
    with TaggedLetter(title=letter_text(title, language, texts), language=language, texts=texts) as letter:
        letter.paragraph(data.municipality, size=10)
        letter.paragraph(Message("Datum: %(date)s", date=_d(data.made_on)), size=10)
        letter.title(title)
        letter.paragraph(Message("Voor: %(names)s", names=", ".join(data.adults) or data.account_holder))
        letter.paragraph(Message("In deze brief staat wat de gemeente in %(month)s met uw geld deed.", month=month))
        letter.paragraph(Message("Op %(date)s stond er %(amount)s voor u bij de gemeente.", date=_d(data.month),
                                 amount=format_eur(data.opening_cents)))
        letter.heading(Message("Ontvangen"))
        if data.received:
            letter.table(None, [Message("Datum"), Message("Wat"), Message("Bedrag")],
                         [[_d(line.on), line.what, format_eur(line.amount_cents)] for line in data.received],
                         widths=(0.25, 0.5, 0.25))
        else:
            letter.paragraph(Message("Deze maand kwam er geen geld binnen."))
        letter.heading(Message("Betaald voor uw vaste lasten"))
        if data.paid:
            letter.table(None, [Message("Datum"), Message("Aan wie"), Message("Wat"), Message("Bedrag")],
                         [[_d(line.on), line.party, line.what, format_eur(-line.amount_cents)] for line in data.paid],
                         widths=(0.2, 0.35, 0.25, 0.2))
        else:
            letter.paragraph(Message("Deze maand betaalde de gemeente geen vaste lasten voor u."))
        letter.heading(Message("Leefgeld naar uw rekening"))
        if data.leefgeld:
            letter.table(None, [Message("Datum"), Message("Naar rekening"), Message("Bedrag")],
                         [[_d(line.on), line.party, format_eur(-line.amount_cents)] for line in data.leefgeld],
                         widths=(0.25, 0.5, 0.25))
        else:
            letter.paragraph(Message("Deze maand kreeg u geen leefgeld."))
        if data.other:
            letter.heading(Message("Andere boekingen"))
            letter.table(None, [Message("Datum"), Message("Wat"), Message("Bedrag")],
                         [[_d(line.on), line.what, format_eur(line.amount_cents)] for line in data.other],
                         widths=(0.25, 0.5, 0.25))
        letter.paragraph(Message("Op %(date)s stond er %(amount)s voor u bij de gemeente.", date=_d(data.last_day),
                                 amount=format_eur(data.closing_cents)))
        letter.heading(Message("Wat moet u doen?"))
        if data.unpaid:
            letter.paragraph(Message("Deze rekeningen zijn nog niet betaald:"))
            letter.table(None, [Message("Rekening van"), Message("Wat"), Message("Bedrag")],
                         [[_d(line.on), line.what, format_eur(-line.amount_cents)] for line in data.unpaid],
                         widths=(0.25, 0.5, 0.25))
            letter.paragraph(Message("De gemeente betaalt ze zodra er genoeg geld is. Heeft u vragen? Neem dan "
                                     "contact met ons op."))
        else:
            letter.paragraph(Message("U hoeft niets te doen. Klopt er iets niet? Neem dan contact met ons op."))
        letter.heading(Message("Vragen?"))
        for message in reach_us(data.caseworker, data.contact, data.municipality):
            letter.paragraph(message)
        return letter.output()
