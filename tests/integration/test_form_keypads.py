"""Phones' keypads and autofill on the forms (issue 15, "Reflow": no number keypad on phones, 6 serious
`autocomplete-valid` on /households/new). The field macro wrote its extra attributes escaped
(``inputmode="&quot;numeric&quot;"``), so no phone showed a number keypad and autocomplete held an invalid token."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from budgetbeheer.users.models import User
from tests.factories import enrol

# the autocomplete tokens the forms use (all valid in the HTML standard's autofill grammar)
VALID_AUTOCOMPLETE = {"off", "given-name", "family-name", "street-address", "postal-code", "address-level2",
                      "new-password", "username", "current-password", "one-time-code"}


class Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "input" and found.get("type") not in ("hidden", "checkbox", "radio", "file") and "name" in found:
            self.inputs.setdefault(found["name"], found)


def inputs_of(client: FlaskClient, path: str) -> dict[str, dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    parser = Inputs()
    parser.feed(response.get_data(as_text=True))
    assert parser.inputs, path
    for name, attrs in parser.inputs.items():
        for key, value in attrs.items():
            assert '"' not in value, f"{path} {name}: {key}={value!r} (an attribute written escaped)"
        token = attrs.get("autocomplete", "off").split()[-1]
        assert token in VALID_AUTOCOMPLETE, f"{path} {name}: autocomplete={attrs['autocomplete']!r}"
    return parser.inputs


def test_finding_reflow_the_intake_form_gives_number_keypads_and_valid_autocomplete(
    client: FlaskClient, login: Callable[..., User]
) -> None:
    login("karin", "caseworker")
    fields = inputs_of(client, "/households/new")
    assert fields["persons.0.bsn"]["inputmode"] == "numeric" and fields["persons.0.bsn"]["autocomplete"] == "off"
    assert fields["persons.0.first_name"]["autocomplete"] == "section-person0 given-name"
    assert fields["persons.1.last_name"]["autocomplete"] == "section-person1 family-name"
    assert fields["persons.0.date_of_birth"]["type"] == "date"
    assert fields["iban"]["autocomplete"] == "off"
    assert fields["leefgeld.day"]["inputmode"] == "numeric"
    assert fields["leefgeld.buffer"]["inputmode"] == "decimal"
    assert fields["benefit_start_date"]["type"] == "date"


def test_finding_reflow_amounts_and_days_on_the_household_forms(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    caseworker = login("karin", "caseworker")
    household = enrol(session, caseworker_id=caseworker.id)
    session.commit()
    cost = inputs_of(client, f"/households/{household.id}/fixed-costs/new")
    assert cost["amount"]["inputmode"] == "decimal" and cost["due_day"]["inputmode"] == "numeric"
    assert cost["creditor.iban"]["autocomplete"] == "off" and cost["start_date"]["type"] == "date"
    income = inputs_of(client, f"/households/{household.id}/income/new")
    assert income["amount"]["inputmode"] == "decimal" and income["day"]["inputmode"] == "numeric"
    corrections = inputs_of(client, f"/households/{household.id}/corrections")
    assert corrections["bsn"]["inputmode"] == "numeric" and corrections["buffer"]["inputmode"] == "decimal"
    assert corrections["first_name"]["autocomplete"] == "given-name"


def test_finding_reflow_the_manual_receipt_takes_a_decimal_amount(
    client: FlaskClient, login: Callable[..., User]
) -> None:
    login("fatima", "finance")
    receipt = inputs_of(client, "/households/receipts")
    assert receipt["amount"]["inputmode"] == "decimal" and receipt["household_id"]["inputmode"] == "numeric"
    assert receipt["date"]["type"] == "date"
