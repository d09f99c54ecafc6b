"""Demo households: families and singles with creditors, expected income, fixed costs and one benefit receipt each.

Idempotent: a household is recognised by its first person's BSN, a creditor by name and IBAN, a receipt by its key.
The IBANs are made-up account numbers at real Dutch banks with correct check digits (computed with schwifty); the
BSNs are made up and pass the 11-check.
"""

from __future__ import annotations

from collections.abc import Iterator

from schwifty import IBAN
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.nl import bsn as stdnum_bsn

from budgetbeheer import clock
from budgetbeheer.audit.service import Actor
from budgetbeheer.domain.period import add_months, day_in_month
from budgetbeheer.households.creditors import get_or_create_creditor
from budgetbeheer.households.fixed_costs import add_fixed_cost
from budgetbeheer.households.income import add_expected_income
from budgetbeheer.households.intake import enrol_household
from budgetbeheer.households.receipts import book_receipt
from budgetbeheer.tables.households import Person
from budgetbeheer.users.models import User


def demo_iban(bank: str, account: str) -> str:
    return str(IBAN.generate("NL", bank_code=bank, account_code=account))


def demo_bsn(seed: int) -> str:
    """The first valid BSN from ``seed`` (8 digits) followed by a check digit."""
    for candidate in range(seed, seed + 100):
        for last in range(10):
            number = f"{candidate:08d}{last}"
            if stdnum_bsn.is_valid(number):
                return number
    raise ValueError(seed)


# name, (bank, account), category, reference kind, reference required
CREDITORS = [
    ("Woonstad Rotterdam", ("INGB", "0006543210"), "rent", "free_text", False),
    ("Ymere", ("ABNA", "0412345678"), "rent", "free_text", False),
    ("Mitros", ("RABO", "0300512345"), "rent", "free_text", False),
    ("Eneco", ("INGB", "0003456789"), "energy", "betalingskenmerk", True),
    ("Vattenfall", ("ABNA", "0598765432"), "energy", "free_text", False),
    ("Vitens", ("BNGH", "0285012345"), "water", "betalingskenmerk", True),
    ("Evides Waterbedrijf", ("RABO", "0123456789"), "water", "free_text", False),
    ("Zilveren Kruis", ("INGB", "0001122334"), "health_insurance", "betalingskenmerk", True),
    ("CZ Zorgverzekeringen", ("ABNA", "0433221100"), "health_insurance", "free_text", False),
    ("Menzis", ("RABO", "0155667788"), "health_insurance", "free_text", False),
    ("Belastingsamenwerking Regio", ("BNGH", "0285099999"), "municipal_taxes", "free_text", False),
    ("Gemeentelijke Kredietbank", ("BNGH", "0285077777"), "loan_repayment", "free_text", False),
]

# (persons [(first, last, born)], months since start, benefit, benefit day, leefgeld (frequency, day, buffer),
#  fixed costs [(category, creditor, amount, due day, reference)], city)
HOUSEHOLDS = [
    ([("Ahmad", "Al-Hassan", "1984-03-12"), ("Rania", "Al-Hassan", "1988-07-02"), ("Yousef", "Al-Hassan", "2012-01-20"),
      ("Lina", "Al-Hassan", "2016-09-05")], 1, "1985.40", 25, ("weekly", 1, "25.00"),
     [("rent", "Woonstad Rotterdam", "742.15", 1, "huur contract 20881"), ("energy", "Eneco", "165.00", 28, "5000056789012345"),
      ("water", "Evides Waterbedrijf", "31.50", 15, "klant 774411"), ("health_insurance", "Zilveren Kruis", "298.90", 1,
      "6770012345678901"), ("loan_repayment", "Gemeentelijke Kredietbank", "75.00", 5, "inrichtingskrediet 2026-014")],
     "Rotterdam"),
    ([("Tesfay", "Gebremedhin", "1996-11-30")], 2, "1254.20", 25, ("weekly", 3, "10.00"),
     [("rent", "Ymere", "520.00", 1, "huur 55012"), ("health_insurance", "CZ Zorgverzekeringen", "142.50", 1, "polis 88812"),
      ("energy", "Vattenfall", "85.00", 20, "contract 3321")], "Amsterdam"),
    ([("Mariam", "Tekle", "1991-05-14"), ("Selam", "Tekle", "2019-02-11")], 3, "1640.00", 25, ("monthly", 27, "30.00"),
     [("rent", "Mitros", "610.40", 1, "huur 1022"), ("water", "Vitens", "28.75", 31, "1000000000000006"),
      ("health_insurance", "Menzis", "139.95", 1, "relatie 90012")], "Utrecht"),
    ([("Ahmad Shah", "Rahimi", "1979-08-08"), ("Farzana", "Rahimi", "1983-01-16"), ("Omid", "Rahimi", "2008-04-30"),
      ("Mursal", "Rahimi", "2011-12-12"), ("Ali", "Rahimi", "2018-06-06")], 0, "2240.80", 25, ("weekly", 5, "40.00"),
     [("rent", "Woonstad Rotterdam", "815.00", 1, "huur contract 20999"), ("energy", "Eneco", "210.00", 28, "5000056789012345"),
      ("water", "Evides Waterbedrijf", "38.20", 15, "klant 774599"), ("health_insurance", "Zilveren Kruis", "301.80", 1,
      "6770012345678901"), ("municipal_taxes", "Belastingsamenwerking Regio", "41.00", 28, "aanslag 2026-55120")],
     "Rotterdam"),
    ([("Mehmet", "Yıldız", "1975-02-27"), ("Ayşe", "Yıldız", "1978-10-09")], 4, "1780.30", 25, ("monthly", 1, "20.00"),
     [("rent", "Ymere", "690.00", 1, "huur 56001"), ("energy", "Vattenfall", "130.00", 20, "contract 4410"),
      ("health_insurance", "CZ Zorgverzekeringen", "285.00", 1, "polis 77120")], "Amsterdam"),
    ([("Abdulrahman", "Al-Sanaani", "1993-09-19")], 1, "1254.20", 25, ("weekly", 1, "10.00"),
     [("rent", "Mitros", "480.00", 1, "huur 1099"), ("water", "Vitens", "22.10", 31, "1000000000000006")], "Utrecht"),
    ([("Reza", "Hosseini", "1987-12-01"), ("Shirin", "Karimi", "1989-03-23")], 2, "1780.30", 25, ("monthly", 27, "25.00"),
     [("rent", "Woonstad Rotterdam", "705.00", 31, "huur contract 21005"), ("energy", "Eneco", "150.00", 28,
      "5000056789012345"), ("water", "Evides Waterbedrijf", "30.00", 15, "klant 775010"),
      ("health_insurance", "Menzis", "279.90", 1, "relatie 90555")], "Rotterdam"),
    ([("Hodan", "Abdi", "1990-06-17"), ("Ayaan", "Abdi", "2015-03-03"), ("Farah", "Abdi", "2017-11-21")], 5, "1640.00",
     25, ("weekly", 2, "15.00"),
     [("rent", "Ymere", "575.00", 1, "huur 57010"), ("health_insurance", "CZ Zorgverzekeringen", "140.00", 1,
      "polis 78001"), ("energy", "Vattenfall", "110.00", 20, "contract 5120"), ("water", "Vitens", "25.00", 31,
      "1000000000000006")], "Amsterdam"),
    ([("Olena", "Kovalenko", "1986-04-04"), ("Dmytro", "Kovalenko", "2014-08-15")], 1, "1640.00", 25,
     ("monthly", 1, "20.00"),
     [("rent", "Mitros", "640.00", 1, "huur 1133"), ("health_insurance", "Menzis", "139.95", 1, "relatie 90777"),
      ("energy", "Vattenfall", "120.00", 20, "contract 6001")], "Utrecht"),
]


def load(session: Session, actor: Actor) -> Iterator[str]:
    creditors = {}
    for name, (bank, account), category, kind, required in CREDITORS:
        creditor, created = get_or_create_creditor(session, actor, {
            "name": name, "iban": demo_iban(bank, account), "default_category": category,
            "reference_kind": kind, "reference_required": required,
        })
        creditors[name] = creditor
        if created:
            yield f"creditor {name} ({creditor.iban})"
    caseworker = session.scalar(select(User).where(User.username == "klantmanager"))
    today = clock.today()
    seed = 21_450_000
    for index, (persons, months_ago, benefit, benefit_day, leefgeld, costs, city) in enumerate(HOUSEHOLDS):
        bsns = []
        for _ in persons:
            number = demo_bsn(seed)
            seed = int(number[:8]) + 37
            bsns.append(number)
        first, last, _born = persons[0]
        if session.scalar(select(Person.id).where(Person.bsn == bsns[0])) is not None:
            yield f"household {first} {last} exists"
            continue
        start = add_months(today.replace(day=1), -months_ago)
        household = enrol_household(session, actor, {
            "persons": [{"bsn": b, "first_name": f, "last_name": ln, "date_of_birth": d}
                        for b, (f, ln, d) in zip(bsns, persons, strict=True)],
            "iban": demo_iban(("INGB", "RABO", "ABNA", "SNSB", "ASNB", "KNAB", "TRIO", "INGB", "RABO")[index],
                              f"{(index + 1) * 1_113_579 + 40_000_000:010d}"),
            "account_holder": f"{first[0]}. {last}",
            "benefit_start_date": start.isoformat(),
            "leefgeld": {"frequency": leefgeld[0], "day": leefgeld[1], "buffer": leefgeld[2]},
            "address": {"street": f"Voorbeeldstraat {index * 7 + 3}", "postal_code": f"{3011 + index * 97} AB",
                        "city": city},
            "caseworker_id": caseworker.id if caseworker else None,
        })
        add_expected_income(session, actor, household.id, {
            "kind": "benefit", "amount": benefit, "day": benefit_day, "start_date": start.isoformat()})
        # The municipality takes the fixed costs over from next month's instalment on: what fell due before the demo
        # starts is not in this system (otherwise the first run would pay months of arrears from one benefit).
        costs_from = add_months(today.replace(day=1), 1)
        for category, creditor_name, amount, due_day, reference in costs:
            add_fixed_cost(session, actor, household.id, {
                "category": category, "creditor_id": creditors[creditor_name].id, "amount": amount,
                "frequency": "monthly", "due_day": due_day, "reference": reference,
                "start_date": costs_from.isoformat()})
        received = day_in_month(today.year, today.month, benefit_day)
        if received > today:
            received = add_months(received, -1)
        received = max(received, start)
        book_receipt(session, actor, {
            "household_id": household.id, "amount": benefit, "date": received.isoformat(), "kind": "benefit",
            "reference": f"Participatiewet {received:%m-%Y}"}, idempotency_key=f"demo:benefit:{bsns[0]}", source="demo")
        yield f"household {household.id}: {first} {last} ({len(persons)} person(s)), {len(costs)} fixed costs"
