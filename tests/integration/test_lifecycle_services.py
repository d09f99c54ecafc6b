"""Extensions, ending and signals as services on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.errors import Conflict, NotFound, ValidationError
from budgetbeheer.ledger.service import BANK, account_id, household_account_id, transfer
from budgetbeheer.lifecycle import ending, extensions, signals
from budgetbeheer.tables.households import Person
from budgetbeheer.tables.lifecycle import ExtensionRequest, Signal
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import MONTHLY_LEEFGELD, enrol, household_row


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, Actor]:
    return {
        "case": actor_for(make_user("case", "caseworker")),
        "boss": actor_for(make_user("boss", "supervisor")),
        "boss2": actor_for(make_user("boss2", "supervisor", "caseworker")),
    }


def test_request_approve_moves_the_end_by_the_same_rule_and_audits(session: Session, people: dict[str, Actor]) -> None:
    # Raw: an end (27 Feb) that is not the intake's rule, to show that an extension counts from the start.
    household = household_row(session, start=date(2026, 8, 31), end=date(2027, 2, 27))
    session.commit()
    request = extensions.request_extension(session, people["case"], household.id, months=1,
                                           reason_category="language_course", reason_text="Taalcursus loopt nog door")
    session.commit()
    assert request.status == "pending" and request.end_before == date(2027, 2, 27)
    decided = extensions.decide_extension(session, people["boss"], request.id, decision="approve", note="Akkoord")
    session.commit()
    session.refresh(household)
    # 31 Aug + 7 months ends 30 Mar (counted from the start, not 27 Feb + 1 month).
    assert household.period_end == date(2027, 3, 30)
    assert (decided.status, decided.end_before, decided.end_after) == ("approved", date(2027, 2, 27), date(2027, 3, 30))
    second = extensions.request_extension(session, people["case"], household.id, months="2",
                                          reason_category="health", reason_text="Ziekenhuisopname in april")
    extensions.decide_extension(session, people["boss"], second.id, decision="approve", note="Ja")
    session.commit()
    session.refresh(household)
    assert household.period_end == date(2027, 5, 30)
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("extension.requested") == 2 and actions.count("extension.approved") == 2
    assert actions.count("household.period_extended") == 2
    timeline = extensions.period_timeline(session, household.id, today=date(2027, 1, 1))
    assert [e.kind for e in timeline.events] == ["start", "extension", "extension", "end"]
    assert timeline.original_end == date(2027, 2, 27) and timeline.end == date(2027, 5, 30)


def test_bad_requests_name_every_field_and_write_nothing(session: Session, people: dict[str, Actor]) -> None:
    household = enrol(session, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    for months in (0, 13, "x", 1.5, True):
        with pytest.raises(ValidationError) as caught:
            extensions.request_extension(session, people["case"], household.id, months=months,
                                         reason_category="cake", reason_text="te kort")
        assert set(caught.value.fields) == {"months", "reason_category", "reason"}
    with pytest.raises(ValidationError) as caught:
        extensions.request_extension(session, people["case"], household.id, months=12, reason_category="debts",
                                     reason_text="   123456789   ")
    assert set(caught.value.fields) == {"reason"}
    session.rollback()
    assert session.scalar(select(ExtensionRequest.id)) is None
    with pytest.raises(NotFound):
        extensions.request_extension(session, people["case"], 9999, months=1, reason_category="debts",
                                     reason_text="Schuldhulp loopt nog")


def test_four_eyes_deciding_twice_withdraw_and_one_pending_at_a_time(session: Session, people: dict[str, Actor]) -> None:
    household = enrol(session, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    own = extensions.request_extension(session, people["boss2"], household.id, months=3, reason_category="other",
                                       reason_text="Gezin net herenigd en verhuisd")
    session.commit()
    with pytest.raises(Conflict):
        extensions.request_extension(session, people["case"], household.id, months=1, reason_category="other",
                                     reason_text="Nog een verzoek erbij")
    session.rollback()
    with pytest.raises(Conflict):
        extensions.decide_extension(session, people["boss2"], own.id, decision="approve", note="zelf")
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        extensions.decide_extension(session, people["boss"], own.id, decision="maybe", note="")
    assert set(caught.value.fields) == {"decision", "note"}
    session.rollback()
    extensions.decide_extension(session, people["boss"], own.id, decision="reject", note="Niet nodig")
    session.commit()
    with pytest.raises(Conflict):
        extensions.decide_extension(session, people["boss"], own.id, decision="approve", note="toch wel")
    session.rollback()
    session.refresh(household)
    assert household.period_end == date(2026, 8, 31)
    again = extensions.request_extension(session, people["case"], household.id, months=1, reason_category="debts",
                                         reason_text="Schuldhulp loopt nog")
    extensions.withdraw_extension(session, people["case"], again.id)
    session.commit()
    assert again.status == "withdrawn"
    with pytest.raises(Conflict):
        extensions.withdraw_extension(session, people["case"], again.id)


def test_ending_early_refuses_bad_dates_and_blocks_extensions(session: Session, people: dict[str, Actor]) -> None:
    household = enrol(session, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    with pytest.raises(ValidationError) as caught:
        ending.end_period(session, people["case"], household.id, end_date="2026-02-28", reason="")
    assert set(caught.value.fields) == {"date", "reason"}
    with pytest.raises(ValidationError) as caught:
        ending.end_period(session, people["case"], household.id, end_date="2026-09-01", reason="Werk gevonden")
    assert "date" in caught.value.fields
    session.rollback()
    pending = extensions.request_extension(session, people["case"], household.id, months=1,
                                           reason_category="debts", reason_text="Schuldhulp loopt nog")
    ending.end_period(session, people["case"], household.id, end_date="2026-05-15", reason="Werk gevonden",
                      today=date(2026, 5, 20))
    session.commit()
    session.refresh(household)
    assert (household.status, household.period_end, household.ended_on) == ("ending", date(2026, 5, 15),
                                                                            date(2026, 5, 15))
    assert pending.status == "withdrawn"
    with pytest.raises(Conflict):
        extensions.request_extension(session, people["case"], household.id, months=1, reason_category="debts",
                                     reason_text="Schuldhulp loopt nog")
    with pytest.raises(Conflict):
        ending.end_period(session, people["case"], household.id, end_date="2026-05-16", reason="nog eens")


def test_advance_endings_goes_ending_then_ended_at_zero_and_releases_the_bsn(session: Session) -> None:
    household = enrol(session, start=date(2026, 1, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    transfer(session, debit_account_id=account_id(session, BANK),
             credit_account_id=household_account_id(session, household.id), amount_cents=1000,
             business_date=date(2026, 6, 1), kind="receipt", description="test", booked_by="test")
    session.commit()
    actor = Actor.system("test")
    assert ending.advance_endings(session, actor, date(2026, 6, 29)).ending == []
    result = ending.advance_endings(session, actor, date(2026, 6, 30))
    assert result.ending == [household.id] and result.ended == []
    assert ending.advance_endings(session, actor, date(2026, 7, 1)).ended == []  # still EUR 10 held
    transfer(session, debit_account_id=household_account_id(session, household.id),
             credit_account_id=account_id(session, BANK), amount_cents=1000, business_date=date(2026, 7, 1),
             kind="payout", description="test", booked_by="test")
    assert ending.advance_endings(session, actor, date(2026, 7, 2)).ended == [household.id]
    session.commit()
    session.refresh(household)
    assert household.status == "ended" and household.ended_on == date(2026, 6, 30)
    assert session.scalars(select(Person.active_bsn).where(Person.household_id == household.id)).all() == [None]
    assert ending.advance_endings(session, actor, date(2026, 7, 3)) == ending.EndingResult([], [])


def test_signals_are_raised_once_and_closed_with_a_note(session: Session, people: dict[str, Actor],
                                                        make_user: Callable[..., User]) -> None:
    case_user = session.get(User, people["case"].user_id)
    other = make_user("other", "caseworker")
    mine = enrol(session, start=date(2026, 1, 1), leefgeld=MONTHLY_LEEFGELD,
                 caseworker_id=case_user.id if case_user else None)
    session.commit()
    theirs = enrol(session, start=date(2026, 1, 5), leefgeld=MONTHLY_LEEFGELD, caseworker_id=other.id)
    session.commit()
    today = date(2026, 6, 10)
    assert signals.detect_period_ending(session, today) == 2
    assert signals.detect_period_ending(session, today) == 0
    request = extensions.request_extension(session, people["case"], mine.id, months=1, reason_category="debts",
                                           reason_text="Schuldhulp loopt nog")
    request.requested_at = datetime(2026, 6, 1, 9, tzinfo=UTC)  # a Monday; 10 June is 7 working days later
    session.commit()
    assert signals.detect_waiting_extensions(session, date(2026, 6, 8)) == 0
    assert signals.detect_waiting_extensions(session, today) == 1
    session.commit()
    case_viewer = signals.Viewer(case_user.id if case_user else None, frozenset({"caseworker"}))
    mine_signals = signals.inbox(session, case_viewer)
    assert [(s.kind, s.household_id) for s in mine_signals] == [("period_ending", mine.id)]
    assert {s.household_id for s in signals.inbox(session, case_viewer, scope="role")} == {mine.id, theirs.id}
    boss_viewer = signals.Viewer(people["boss"].user_id, frozenset({"supervisor"}))
    assert signals.open_count(session, boss_viewer) == 1
    waiting = signals.inbox(session, boss_viewer)[0]
    with pytest.raises(ValidationError):
        signals.mark_done(session, people["boss"], waiting.id, "  ")
    with pytest.raises(NotFound):
        signals.mark_done(session, people["case"], waiting.id, "gedaan", viewer=case_viewer)
    signals.mark_done(session, people["boss"], waiting.id, "Besloten", viewer=boss_viewer)
    session.commit()
    assert signals.open_count(session, boss_viewer) == 0
    with pytest.raises(Conflict):
        signals.mark_done(session, people["boss"], waiting.id, "nog eens")
    session.rollback()
    assert session.scalar(select(Signal.note).where(Signal.id == waiting.id)) == "Besloten"
    assert signals.working_days_between(date(2026, 6, 5), date(2026, 6, 8)) == 1  # Friday → Monday
    assert signals.working_days_between(date(2026, 6, 8), date(2026, 6, 8) - timedelta(days=1)) == 0


def test_a_period_that_ran_its_course_is_not_shown_as_ended_early(session: Session, people: dict[str, Actor]) -> None:
    household = enrol(session, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    ending.advance_endings(session, Actor.system("scheduler"), date(2026, 9, 1))  # zero balance: ending, then ended
    session.flush()
    assert household.status == "ended"
    timeline = extensions.period_timeline(session, household.id, today=date(2026, 9, 2))
    kinds = [event.kind for event in timeline.events]
    assert "ended" not in kinds and kinds[-1] == "end"


def test_advance_endings_closes_many_households_at_once_each_audited(session: Session) -> None:
    """The daily job closes its households set-based (one update of the persons, one audit append): each still has
    its own ``household.ended`` entry, its BSNs released and its event; one with money left stays ``ending``."""
    from budgetbeheer.audit.service import verify

    closing = [enrol(session, start=date(2026, 1, 1), leefgeld=MONTHLY_LEEFGELD) for _ in range(3)]
    kept = enrol(session, start=date(2026, 1, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    transfer(session, debit_account_id=account_id(session, BANK),
             credit_account_id=household_account_id(session, kept.id), amount_cents=500,
             business_date=date(2026, 6, 1), kind="receipt", description="test", booked_by="test")
    session.commit()
    result = ending.advance_endings(session, Actor.system("scheduler"), date(2026, 6, 30))
    session.commit()
    ids = sorted(h.id for h in closing)
    assert sorted(result.ending) == sorted([*ids, kept.id]) and result.ended == ids
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.ended")
                              .order_by(AuditEntry.id)).all()
    assert [int(e.entity_id or 0) for e in entries] == ids
    assert all('"bsns_released":true' in e.after_json.replace(" ", "") for e in entries)
    assert session.scalars(select(Person.active_bsn).where(Person.household_id.in_(ids))).all() == [None] * 3
    assert session.scalars(select(Person.active_bsn).where(Person.household_id == kept.id)).all() != [None]
    for household in closing:
        session.refresh(household)
        assert household.status == "ended" and household.ended_on == date(2026, 6, 30)
    session.refresh(kept)
    assert kept.status == "ending"
    assert verify(session).ok
