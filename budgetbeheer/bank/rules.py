"""Matching rules per expected income: how a credit on the statement is recognised as this household's income.

A caseworker or finance user keeps, per expected income, the payer's IBAN (UWV, SVB, Belastingdienst Toeslagen, the
municipality's own benefit administration), words or a client number that must be in the remittance text, and how
far the amount may differ from the expected amount (like Huishoudboekje's search terms). A credit that no announced
receipt and no ``klantnummer`` explains is booked to the household whose rules it meets — when exactly one
household's do; several: it waits in the queue with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.errors import Message, NotFound
from budgetbeheer.tables.households import ExpectedIncome, Household
from budgetbeheer.tables.states import HouseholdStatus


@dataclass(frozen=True)
class RuleMatch:
    household_id: int
    income_id: int
    kind: str


def _snapshot(income: ExpectedIncome) -> dict[str, Any]:
    return {"payer_iban": income.payer_iban, "match_words": income.match_words,
            "amount_tolerance_cents": income.amount_tolerance_cents}


def set_match_rule(session: Session, actor: Actor, household_id: int, income_id: int,
                   data: Mapping[str, Any]) -> ExpectedIncome:
    """Set (or clear, with empty values) the rule of one expected income; 422 naming the field, audited."""
    income = session.get(ExpectedIncome, income_id)
    if income is None or income.household_id != household_id:
        raise NotFound(Message("Verwacht inkomen %(id)s van huishouden %(household)s bestaat niet.", id=income_id,
                               household=household_id))
    errors = v.Errors()
    raw_iban = data.get("payer_iban")
    payer = v.iban(errors, "payer_iban", raw_iban) if raw_iban not in (None, "") else None
    words = v.text(errors, "match_words", data.get("match_words"), required=False, maximum=200)
    tolerance = v.amount(errors, "amount_tolerance", data.get("amount_tolerance"), allow_zero=True)
    if tolerance is not None and tolerance > income.amount_cents:
        errors.add("amount_tolerance", Message("De marge is groter dan het verwachte bedrag."))
    errors.raise_if_any()
    before = _snapshot(income)
    income.payer_iban = payer.compact if payer is not None else None
    income.match_words = " ".join(words.split()).lower() if words else None
    income.amount_tolerance_cents = tolerance or 0
    session.flush()
    record(session, actor, "expected_income.match_rule_set", "expected_income", income.id, before=before,
           after=_snapshot(income))
    return income


@dataclass(frozen=True, slots=True)
class _Rule:
    household_id: int
    income_id: int
    kind: str
    payer_iban: str | None
    words: tuple[str, ...]
    amount_cents: int
    tolerance_cents: int


class RuleBook:
    """Every rule of the households in ontzorgen, read once (on first use) for a whole statement: what
    which one household's rules a credit meets (None: none, or more than one), without a query per credit."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_payer: dict[str | None, list[_Rule]] | None = None

    def _load(self) -> dict[str | None, list[_Rule]]:
        by_payer: dict[str | None, list[_Rule]] = {}
        query = (
            select(ExpectedIncome).join(Household, Household.id == ExpectedIncome.household_id)
            .where(Household.status != HouseholdStatus.ENDED,
                   (ExpectedIncome.payer_iban.is_not(None)) | (ExpectedIncome.match_words.is_not(None)))
            .order_by(ExpectedIncome.id)
        )
        for income in self._session.scalars(query):
            rule = _Rule(income.household_id, income.id, income.kind, income.payer_iban,
                         tuple((income.match_words or "").split()), income.amount_cents, income.amount_tolerance_cents)
            by_payer.setdefault(rule.payer_iban, []).append(rule)
        return by_payer

    def match(self, amount_cents: int, counterparty_iban: str | None, text: str) -> RuleMatch | None:
        if self._by_payer is None:
            self._by_payer = self._load()
        payer = "".join((counterparty_iban or "").split()).upper()
        lowered = text.lower()
        found: dict[int, RuleMatch] = {}
        candidates = [*self._by_payer.get(payer, ()), *self._by_payer.get(None, ())] if payer else \
            self._by_payer.get(None, [])
        for rule in sorted(candidates, key=lambda r: r.income_id):
            if rule.words and not all(word in lowered for word in rule.words):
                continue
            if abs(amount_cents - rule.amount_cents) > rule.tolerance_cents:
                continue
            found.setdefault(rule.household_id, RuleMatch(rule.household_id, rule.income_id, rule.kind))
        return next(iter(found.values())) if len(found) == 1 else None
