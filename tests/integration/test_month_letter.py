"""Issue 15: the monthly letter for a household ("wat is er deze maand betaald met uw geld"): true to the cent, in
Dutch, English and Arabic, as a tagged PDF, addressed to the adults."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pypdf
import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from budgetbeheer.errors import ValidationError
from budgetbeheer.lifecycle import month_letter
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, payable_household

NOVEMBER = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def in_december() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False):
        yield


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages)).split())


def _paid_november(session: Session, settings: Settings, make_user: Callable[..., User]) -> int:
    household = payable_household(session)
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        batch(session, settings, RUN_DATE, actor_for(make_user("fenna", "finance")),
              actor_for(make_user("frank", "finance")))
    session.commit()
    return household.id


def test_every_booking_of_the_month_is_a_line_and_they_add_up(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    household_id = _paid_november(session, settings, make_user)
    data = month_letter.month_letter(session, household_id, NOVEMBER, municipality="Gemeente Voorbeeld")
    assert data.received and data.paid and data.leefgeld
    assert data.opening_cents + sum(line.amount_cents for line in data.lines) == data.closing_cents
    assert all(line.party for line in data.paid)  # every payment names its creditor
    assert data.last_day == date(2026, 11, 30)


@pytest.mark.parametrize(("language", "words"), [
    ("nl", ("Uw geld in november 2026", "Betaald voor uw vaste lasten", "Leefgeld naar uw rekening")),
    ("en", ("Your money in November 2026", "Paid for your fixed costs", "Leefgeld to your account")),
    ("ar", ("أموالكم في نوفمبر", "ما دُفع لمصاريفكم الثابتة", "مصروف المعيشة إلى حسابكم")),
])
def test_the_letter_in_each_language_through_the_page(
    client: FlaskClient, session: Session, settings: Settings, make_user: Callable[..., User],
    login: Callable[..., User], language: str, words: tuple[str, ...]
) -> None:
    household_id = _paid_november(session, settings, make_user)
    login("karin", "caseworker")
    answer = client.get(f"/households/{household_id}/month-letter.pdf?month=2026-11&lang={language}")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    text = _text(answer.data)
    assert all(word in text for word in words), text[:400]
    reader = pypdf.PdfReader(io.BytesIO(answer.data))
    assert reader.trailer["/Root"]["/Lang"] == language and "/StructTreeRoot" in reader.trailer["/Root"]


def test_a_month_that_is_not_a_month_is_refused_with_the_field(client: FlaskClient, session: Session,
                                                               login: Callable[..., User]) -> None:
    household = payable_household(session)
    session.commit()
    login("karin", "caseworker")
    assert client.get(f"/households/{household.id}/month-letter.pdf?month=2026-13").status_code == 422
    with pytest.raises(ValidationError) as refused:
        month_letter.parse_month("11-2026", date(2026, 12, 2))
    assert "month" in refused.value.fields
    assert month_letter.parse_month("", date(2026, 12, 2)) == date(2026, 12, 1)
