"""Reads for the queue: the unmatched lines found by search and filters, and the households a line is likely for
(the suggestions finance picks from before assigning a line with :func:`budgetbeheer.bank.service.assign_line`). The
one place suggestions are made: the queue page and ``GET /bank-lines/{id}/suggestions`` both call
:func:`suggestions`.

A suggestion says why: the payer's IBAN is the household's own IBAN, the text names its client number
(``klantnummer 123``, the household's number), a name of the household is in the text or the payer's name, or the
amount is one of the household's expected incomes that day. Each reason weighs; the three best households per line
are given (the API asks for five), an ended household after an active one of the same weight. Nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from budgetbeheer.bank.matching import CLIENT_NUMBER, INCOME_WORDS
from budgetbeheer.errors import Message
from budgetbeheer.tables.bank import BankLine, LineState
from budgetbeheer.tables.households import ExpectedIncome, Household, Person
from budgetbeheer.tables.states import HouseholdStatus

TOP = 3
WEIGHTS = {"client_number": 8, "iban": 6, "name": 3, "amount": 1}
CODES = {"client_number": "reference", "iban": "iban", "name": "name", "amount": "amount"}
"""The reason as the API names it (``why``)."""
DIRECTIONS = ("all", "credit", "debit")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_AMOUNT = re.compile(r"^[-+]?(?:€\s*)?\d{1,3}(?:\.\d{3})*(?:,\d{1,2})?$|^[-+]?(?:€\s*)?\d+(?:[.,]\d{1,2})?$")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue page asks for: free text (name, IBAN, text or an amount), credits or debits, a date range."""

    query: str = ""
    direction: str = "all"
    date_from: date | None = None
    date_to: date | None = None


def amount_cents(text: str) -> int | None:
    """``99``, ``99,50``, ``99.50``, ``€ 1.234,56`` as cents (sign left off); None when it is no amount."""
    raw = text.strip()
    if not raw or not _AMOUNT.match(raw):
        return None
    raw = raw.lstrip("+-").replace("€", "").strip()
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        raw = raw.replace(".", "")
    try:
        return int((Decimal(raw) * 100).to_integral_value())
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _conditions(wanted: QueueFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [BankLine.state == LineState.UNMATCHED]
    if wanted.direction == "credit":
        conditions.append(BankLine.amount_cents > 0)
    elif wanted.direction == "debit":
        conditions.append(BankLine.amount_cents < 0)
    if wanted.date_from is not None:
        conditions.append(BankLine.booking_date >= wanted.date_from)
    if wanted.date_to is not None:
        conditions.append(BankLine.booking_date <= wanted.date_to)
    query = wanted.query.strip()
    if query:
        cents = amount_cents(query)
        compact = "".join(query.split()).upper()
        texts = [BankLine.counterparty_name.icontains(query, autoescape=True),
                 BankLine.remittance.icontains(query, autoescape=True),
                 BankLine.counterparty_iban.icontains(compact, autoescape=True)]
        if cents is not None:
            texts.append(or_(BankLine.amount_cents == cents, BankLine.amount_cents == -cents))
        conditions.append(or_(*texts))
    return conditions


def queue(session: Session, wanted: QueueFilter, page: int, per_page: int) -> tuple[list[BankLine], int]:
    """The unmatched lines that fit ``wanted``, oldest first, one page, and how many fit in all."""
    conditions = _conditions(wanted)
    total = int(session.scalar(select(func.count(BankLine.id)).where(*conditions)) or 0)
    rows = list(session.scalars(select(BankLine).where(*conditions).order_by(BankLine.booking_date, BankLine.id)
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total


@dataclass
class Suggestion:
    household_id: int
    name: str
    status: str
    score: int = 0
    reasons: list[Message] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    account_holder: str = ""

    @property
    def ended(self) -> bool:
        return self.status == HouseholdStatus.ENDED

    def as_json(self) -> dict[str, Any]:
        """The API's shape: ``why`` the reasons' codes (``iban``, ``reference``, ``name``, ``amount``), ``reasons``
        the sentences (Dutch message ids, as on the page)."""
        return {"household_id": self.household_id, "account_holder": self.account_holder, "names": self.name,
                "status": self.status, "score": self.score, "why": list(dict.fromkeys(self.codes)),
                "reasons": [str(r) for r in self.reasons]}


def guessed_kind(line: BankLine) -> str:
    """The kind of income the text suggests (``kinderbijslag`` → child benefit, ...), else a benefit."""
    lowered = f"{line.remittance or ''} {line.counterparty_name or ''}".lower()
    return next((kind for word, kind in INCOME_WORDS if word in lowered), "benefit")


def _compact(iban: str | None) -> str:
    return "".join((iban or "").split()).upper()


def _words(text: str) -> set[str]:
    """The words of ``text`` (lower case, letters only, three or more) and runs of two or three of them, so that
    ``de Vries`` and ``van der Berg`` are found as well."""
    tokens = [w.lower() for w in _WORD.findall(text)]
    short = [w.lower() for w in re.findall(r"[^\W\d_]+", text, re.UNICODE)]
    runs = {" ".join(short[i:i + n]) for n in (2, 3) for i in range(len(short) - n + 1)}
    return set(tokens) | runs


def suggestions(session: Session, lines: Sequence[BankLine], top: int = TOP) -> dict[int, list[Suggestion]]:
    """The likely households of each credit line (a debit is not a household's money), at most ``top`` each, best
    first."""
    credits = [line for line in lines if line.amount_cents > 0]
    if not credits:
        return {}
    found: dict[int, dict[int, Suggestion]] = {line.id: {} for line in credits}
    texts = {line.id: f"{line.remittance or ''} {line.counterparty_name or ''}" for line in credits}

    def add(line_id: int, household_id: int, reason: str, why: Message) -> None:
        entry = found[line_id].setdefault(household_id, Suggestion(household_id, "", ""))
        entry.score += WEIGHTS[reason]
        entry.reasons.append(why)
        entry.codes.append(CODES[reason])

    ibans = {_compact(line.counterparty_iban) for line in credits if line.counterparty_iban}
    if ibans:
        by_iban: dict[str, list[int]] = {}
        for household_id, iban in session.execute(select(Household.id, Household.iban)
                                                  .where(Household.iban.in_(sorted(ibans)))):
            by_iban.setdefault(_compact(iban), []).append(household_id)
        for line in credits:
            for household_id in by_iban.get(_compact(line.counterparty_iban), []):
                add(line.id, household_id, "iban", Message("betaald vanaf de eigen rekening van het huishouden (%(iban)s)",
                                                           iban=_compact(line.counterparty_iban)))

    numbers = {line.id: [int(n) for n in CLIENT_NUMBER.findall(texts[line.id])] for line in credits}
    wanted_ids = sorted({n for ns in numbers.values() for n in ns})
    known = set(session.scalars(select(Household.id).where(Household.id.in_(wanted_ids)))) if wanted_ids else set()
    for line in credits:
        for number in dict.fromkeys(numbers[line.id]):
            if number in known:
                add(line.id, number, "client_number", Message("klantnummer %(number)s in de omschrijving",
                                                              number=number))

    words = {line.id: _words(texts[line.id]) for line in credits}
    every_word = sorted({w for ws in words.values() for w in ws})
    names: dict[str, set[int]] = {}
    for start in range(0, len(every_word), 500):
        chunk = every_word[start:start + 500]
        for household_id, last_name in session.execute(
            select(Person.household_id, func.lower(Person.last_name)).where(func.lower(Person.last_name).in_(chunk))
        ):
            names.setdefault(last_name, set()).add(household_id)
    for line in credits:
        for name in sorted(words[line.id] & names.keys()):
            for household_id in sorted(names[name]):
                add(line.id, household_id, "name", Message("de naam %(name)s staat in de omschrijving of bij de betaler",
                                                           name=name.title()))

    for line in credits:  # the payer's name against the household's account holder (the name on its own IBAN)
        payer = [w for w in re.split(r"\W+", (line.counterparty_name or "").lower()) if len(w) >= 4][:5]
        if not payer:
            continue
        for household_id, holder in session.execute(
            select(Household.id, Household.account_holder)
            .where(or_(*(Household.account_holder.icontains(w, autoescape=True) for w in payer)))
            .order_by(Household.id).limit(20)
        ):
            so_far = found[line.id].get(household_id)
            if so_far is None or "name" not in so_far.codes:
                add(line.id, household_id, "name", Message("de betaler heeft de naam van de rekeninghouder van het "
                                                           "huishouden (%(name)s)", name=holder))

    for line in credits:
        for household_id in session.scalars(
            select(ExpectedIncome.household_id).where(
                ExpectedIncome.amount_cents == line.amount_cents, ExpectedIncome.start_date <= line.booking_date,
                or_(ExpectedIncome.end_date.is_(None), ExpectedIncome.end_date >= line.booking_date))
            .distinct().order_by(ExpectedIncome.household_id).limit(20)
        ):
            add(line.id, household_id, "amount", Message("het bedrag is een verwacht inkomen van het huishouden"))

    ids = sorted({household_id for by in found.values() for household_id in by})
    described = _describe(session, ids) if ids else {}
    for by in found.values():
        for s in by.values():
            s.name, s.status, s.account_holder = described.get(s.household_id, ("", "", ""))
    chosen = {line_id: sorted(by.values(), key=lambda s: (-s.score, s.ended, s.household_id))[:top]
              for line_id, by in found.items()}
    return {line_id: ss for line_id, ss in chosen.items() if ss}


def _describe(session: Session, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Household id → (the names of its persons, its status, its account holder)."""
    names: dict[int, list[str]] = {}
    for household_id, first, last in session.execute(
        select(Person.household_id, Person.first_name, Person.last_name).where(Person.household_id.in_(ids))
        .order_by(Person.household_id, Person.id)
    ):
        names.setdefault(household_id, []).append(f"{first} {last}")
    rows = {i: (status, holder) for i, status, holder in session.execute(
        select(Household.id, Household.status, Household.account_holder).where(and_(Household.id.in_(ids))))}
    return {i: (", ".join(names.get(i, [])), str(rows.get(i, ("", ""))[0]), str(rows.get(i, ("", ""))[1] or ""))
            for i in ids}
