"""Household tables.

``Person.active_bsn`` holds the BSN while the household's period has not ended and NULL afterwards; its UNIQUE
constraint is how the database guarantees that a BSN is in only one running household.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budgetbeheer.db.base import Base, BigId, UtcDateTime, one_of
from budgetbeheer.domain.schedule import Frequency, LeefgeldFrequency
from budgetbeheer.tables.states import CreditorStatus, HouseholdStatus, values
from budgetbeheer.users.models import DEFAULT_TEAM, TEAM_MAX_LENGTH


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    iban: Mapped[str] = mapped_column(String(34))
    account_holder: Mapped[str] = mapped_column(String(140))
    address_street: Mapped[str | None] = mapped_column(String(200))
    address_postal_code: Mapped[str | None] = mapped_column(String(10))
    address_city: Mapped[str | None] = mapped_column(String(100))
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team: Mapped[str] = mapped_column(String(TEAM_MAX_LENGTH), default=DEFAULT_TEAM, server_default=DEFAULT_TEAM,
                                      index=True)
    """The team whose caseworkers see and change this household: the caseworker's team (set at intake, and again
    when a correction gives the household another caseworker)."""
    benefit_start_date: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default=HouseholdStatus.ACTIVE.value, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    leefgeld_frequency: Mapped[str] = mapped_column(String(16), default=LeefgeldFrequency.MONTHLY.value)
    leefgeld_day: Mapped[int] = mapped_column(Integer, default=1)
    buffer_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(120))
    reopened_for_payout_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """Set when money for the household came back after it had ended (a returned payment): from then on the payment
    runs pay it no fixed cost, only its balance as final leefgeld (the handover already listed what is unpaid)."""

    persons: Mapped[list[Person]] = relationship(
        back_populates="household", order_by="Person.id", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint(one_of("status", values(HouseholdStatus)), name="status"),
        CheckConstraint(one_of("leefgeld_frequency", values(LeefgeldFrequency)), name="leefgeld_frequency"),
        CheckConstraint("buffer_cents >= 0", name="buffer"),
        CheckConstraint("period_end >= period_start", name="period"),
    )


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    bsn: Mapped[str] = mapped_column(String(9), index=True)
    active_bsn: Mapped[str | None] = mapped_column(String(9), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date | None] = mapped_column(Date)
    """The person's own period (the law extends per person); NULL: the household's period. The household's period is
    the span of its persons' periods (:mod:`budgetbeheer.households.persons`)."""
    period_end: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    """The day the person left the household (their last day in it); their BSN is released then."""
    leave_reason: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship(back_populates="persons")

    __table_args__ = (
        CheckConstraint("period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
                        name="person_period"),
    )


class Creditor(Base):
    __tablename__ = "creditors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(140))
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    street_name: Mapped[str | None] = mapped_column(String(70))
    """The creditor's structured address (pain.001.001.09 ``PstlAdr``): street, number, postal code, town and
    country (ISO 3166 alpha-2). Country and town at least; required for a creditor outside the EEA."""
    building_number: Mapped[str | None] = mapped_column(String(16))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    town_name: Mapped[str | None] = mapped_column(String(35))
    country: Mapped[str | None] = mapped_column(String(2))
    default_category: Mapped[str | None] = mapped_column(String(32))
    reference_required: Mapped[bool] = mapped_column(Boolean, default=False)
    reference_kind: Mapped[str] = mapped_column(String(20), default="free_text")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16), default=CreditorStatus.CONFIRMED.value, index=True)
    """:class:`~budgetbeheer.tables.states.CreditorStatus`: ``pending`` until a finance user confirms it (four eyes);
    nothing is paid to a creditor that is not ``confirmed``."""
    added_by: Mapped[str | None] = mapped_column(String(100))
    """Who added it (NULL: before migration 0017); the one who confirms it is someone else."""
    added_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    name_flag: Mapped[str | None] = mapped_column(Text)
    """Why its name was flagged on entry (Dutch): confusable with another creditor's name, or the same name with
    another IBAN (:mod:`budgetbeheer.domain.payee_names`). Shown on the register and the batch page."""
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("name", "iban"),
        CheckConstraint(one_of("status", values(CreditorStatus)), name="creditor_status"),
    )


class FixedCost(Base):
    """A vaste last: what a household owes a creditor, on a schedule. Its amount lives in :class:`FixedCostAmount`."""

    __tablename__ = "fixed_costs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    frequency: Mapped[str] = mapped_column(String(16))
    due_day: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(140))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("fixed_costs.id"), unique=True)
    """A change of creditor, reference, due day or frequency from a date ends the old fixed cost the day before and
    starts this one: the history is the chain of ``replaces_id``."""

    amounts: Mapped[list[FixedCostAmount]] = relationship(order_by="FixedCostAmount.effective_from", lazy="selectin")

    __table_args__ = (
        CheckConstraint("due_day BETWEEN 1 AND 31", name="due_day"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )


class FixedCostAmount(Base):
    """The amount of a fixed cost from a date on; a change adds a row, the history stays."""

    __tablename__ = "fixed_cost_amounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    fixed_cost_id: Mapped[int] = mapped_column(ForeignKey("fixed_costs.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    effective_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(120))

    __table_args__ = (
        UniqueConstraint("fixed_cost_id", "effective_from"),
        CheckConstraint("amount_cents > 0", name="positive"),
    )


class ExpectedIncome(Base):
    __tablename__ = "expected_incomes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    payer_iban: Mapped[str | None] = mapped_column(String(34))
    """Matching rule for the bank statement: the payer's IBAN (UWV, SVB, Toeslagen, the benefit administration)."""
    match_words: Mapped[str | None] = mapped_column(String(200))
    """Matching rule: words (or a client number) that must all be in the remittance text, separated by spaces."""
    amount_tolerance_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """Matching rule: how far the amount on the bank may differ from the expected amount."""
    frequency: Mapped[str] = mapped_column(String(16), default="monthly", server_default="monthly")
    """How often it comes (the fixed costs' frequencies: kinderbijslag comes quarterly)."""
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("expected_incomes.id"), unique=True)
    """A new amount from a date ends the old expectation the day before and starts this one."""

    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="positive"),
        CheckConstraint("day BETWEEN 1 AND 31", name="day"),
        CheckConstraint(one_of("frequency", values(Frequency)), name="income_frequency"),
    )


class Receipt(Base):
    """Money that arrived for a household (or that could not be matched yet: ``household_id`` NULL)."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(140))
    source: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    ledger_transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    rebooked_from_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"), unique=True)
    """This receipt books again, to the right household, one that was booked to the wrong one (reversed by
    ``reversal_transaction_id``); UNIQUE: a receipt is rebooked once."""
    reversal_transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transactions.id"))
    rebook_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (CheckConstraint("amount_cents > 0", name="positive"),)


class LeefgeldChange(Base):
    """Leefgeld frequency, day and buffer from a later date: applied to the household on that day by the daily job
    (:func:`budgetbeheer.households.details.apply_due_leefgeld_changes`); until then the runs pay as before."""

    __tablename__ = "leefgeld_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    effective_from: Mapped[date] = mapped_column(Date, index=True)
    leefgeld_frequency: Mapped[str] = mapped_column(String(16))
    leefgeld_day: Mapped[int] = mapped_column(Integer)
    buffer_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint(one_of("leefgeld_frequency", values(LeefgeldFrequency)), name="change_frequency"),
        CheckConstraint("buffer_cents >= 0", name="change_buffer"),
    )
