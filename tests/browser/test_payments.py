"""One finance user prepares a run, a second approves it and downloads the bank file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from budgetbeheer.payments.sepa.schema import validate_xml
from budgetbeheer.users.models import User
from tests.factories import RUN_DATE, payable_household


@pytest.fixture(autouse=True)
def before_the_run() -> Any:
    """The run of RUN_DATE is prepared before that day (an execution date in the past is refused)."""
    with time_machine.travel("2026-11-27 09:00 +01:00", tick=True):
        yield


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(managed_account_iban="NL46BNGH0285160126")


def test_prepare_then_a_second_finance_user_approves_and_downloads(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None]
) -> None:
    payable_household(session)
    session.commit()
    make_user("fatima", "finance")
    make_user("frank", "finance")

    browser_login("fatima")
    page.get_by_role("link", name="Betaalruns").first.click()
    page.get_by_label("Uitvoeringsdatum").fill(RUN_DATE.isoformat())
    page.get_by_role("button", name="Voorbereiden").click()
    assert page.get_by_test_id("batch-status").inner_text() == "voorgesteld"
    assert "€ 1.034,00" in page.get_by_test_id("batch-total").inner_text()
    assert page.get_by_role("link", name="Goedkeuren").count() == 0
    batch_url = page.url
    page.get_by_role("button", name="Uitloggen").click()

    browser_login("frank")
    page.goto(batch_url)
    page.get_by_role("link", name="Goedkeuren").click()
    page.get_by_role("button", name="Ja, goedkeuren").click()
    assert page.get_by_test_id("batch-status").inner_text() == "goedgekeurd"
    assert "frank" in page.get_by_test_id("approvals").inner_text()
    page.get_by_role("button", name="Bankbestand maken").click()
    assert page.get_by_test_id("batch-status").inner_text() == "bankbestand gemaakt"
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    path = info.value.path()
    with open(path, "rb") as handle:
        content = handle.read()
    assert validate_xml(content, "pain.001.001.09") == []  # the default version
    assert b"<CtrlSum>1034.00</CtrlSum>" in content
