"""What a form or a JSON body gives the household use cases, as types.

The values are still as typed by a person or sent by a client ("650,00", "2026-03-01", "12" for a day): each use
case validates them field by field (:mod:`budgetbeheer.validation`), so one
:class:`~budgetbeheer.errors.ValidationError` names every bad field (the 422 the form and the API show). The types say
which fields a use case reads and what shape they come in; every field may be missing (``total=False``), because
saying that it is missing is the validation's job.
"""

from __future__ import annotations

from typing import TypedDict

Whole = int | str
"""A whole number as JSON sends it (12) or a form types it ("12")."""

Amount = str | int
"""An amount as text ("650.00", "650,00"); JSON may send whole euros as a number."""


class PersonData(TypedDict, total=False):
    bsn: str
    first_name: str
    last_name: str
    date_of_birth: str


class LeefgeldData(TypedDict, total=False):
    frequency: str
    day: Whole
    buffer: Amount


class AddressData(TypedDict, total=False):
    street: str | None
    postal_code: str | None
    city: str | None


class IntakeData(TypedDict, total=False):
    """:func:`~budgetbeheer.households.intake.enrol_household`."""

    persons: list[PersonData]
    iban: str
    account_holder: str
    benefit_start_date: str
    leefgeld: LeefgeldData
    address: AddressData
    caseworker_id: Whole | None


class CreditorData(TypedDict, total=False):
    """:func:`~budgetbeheer.households.creditors.create_creditor`, and a new creditor given with a fixed cost."""

    name: str
    iban: str
    bic: str | None
    default_category: str | None
    reference_kind: str
    reference_required: bool | str
    street_name: str | None
    building_number: str | None
    postal_code: str | None
    town_name: str | None
    country: str | None


class FixedCostData(TypedDict, total=False):
    """:func:`~budgetbeheer.households.fixed_costs.add_fixed_cost`: a creditor from the register (``creditor_id``) or
    a new one (``creditor``)."""

    category: str
    creditor_id: Whole | None
    creditor: CreditorData
    amount: Amount
    frequency: str
    due_day: Whole
    reference: str | None
    start_date: str | None
    end_date: str | None


class AmountChangeData(TypedDict, total=False):
    """:func:`~budgetbeheer.households.fixed_costs.change_fixed_cost_amount`."""

    amount: Amount
    effective_from: str
    reason: str | None


class IncomeData(TypedDict, total=False):
    """:func:`~budgetbeheer.households.income.add_expected_income`."""

    kind: str
    amount: Amount
    day: Whole
    frequency: str
    start_date: str | None
    end_date: str | None


class ReceiptData(TypedDict, total=False):
    """:func:`~budgetbeheer.households.receipts.book_receipt`; a CSV line has the same fields."""

    household_id: Whole
    amount: Amount
    date: str
    kind: str
    reference: str | None
    confirm_duplicate: bool | str
