"""A batch's life on SQLite and PostgreSQL: four eyes, cancel, bank file, settle, return; the books after each step."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor, verify
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_session_factory
from budgetbeheer.errors import Conflict, PermissionDenied, ValidationError
from budgetbeheer.ledger.service import household_balance, money_identity
from budgetbeheer.payments import service
from budgetbeheer.payments.sepa.bundle import build_bank_files, bundle
from budgetbeheer.payments.sepa.model import DebtorAccount, Transfer
from budgetbeheer.payments.sepa.schema import validate_xml
from budgetbeheer.tables.households import Creditor, Household
from budgetbeheer.tables.payments import BatchApproval, PaymentBatch, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, payable_household

MANAGED_IBAN = "NL46BNGH0285160126"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    assert settings.managed_account_iban == MANAGED_IBAN  # the default managed account is a valid IBAN
    return settings


@pytest.fixture
def finance(make_user: Callable[..., User]) -> tuple[Actor, Actor, Actor]:
    return tuple(actor_for(make_user(name, "finance")) for name in ("fatima", "frank", "fleur"))  # type: ignore[return-value]


def prepared(session: Session, settings: Settings, actor: Actor, **household: object) -> PaymentBatch:
    payable_household(session, **household)  # type: ignore[arg-type]
    batch, _ = service.prepare_run(session, actor, RUN_DATE, settings)
    session.commit()
    assert money_identity(session).holds
    return batch


def test_approving_your_own_batch_is_refused(session: Session, settings: Settings, finance: tuple[Actor, ...]) -> None:
    batch = prepared(session, settings, finance[0])
    with pytest.raises(Conflict):
        service.approve(session, finance[0], batch.id)
    session.rollback()
    assert session.scalar(select(BatchApproval.id)) is None


def test_approving_twice_is_refused(session: Session, settings: Settings, finance: tuple[Actor, ...]) -> None:
    batch = prepared(session, settings.with_overrides(approval_threshold_cents=100_00), finance[0])
    assert batch.required_approvals == 2
    service.approve(session, finance[1], batch.id)
    session.commit()
    assert service.get_batch(session, batch.id).status == "proposed"
    assert money_identity(session).in_transit == 0
    with pytest.raises(Conflict):
        service.approve(session, finance[1], batch.id)
    session.rollback()
    service.approve(session, finance[2], batch.id)
    session.commit()
    assert service.get_batch(session, batch.id).status == "approved"
    assert money_identity(session).holds and money_identity(session).in_transit == batch.total_cents
    with pytest.raises(Conflict):
        service.approve(session, finance[0], batch.id)


def test_scheduler_batches_may_be_approved_by_any_finance_user_but_not_by_others(
    session: Session, settings: Settings, finance: tuple[Actor, ...], make_user: Callable[..., User]
) -> None:
    batch = prepared(session, settings, Actor.system("scheduler"))
    with pytest.raises(PermissionDenied):
        service.approve(session, actor_for(make_user("karin", "caseworker")), batch.id)
    session.rollback()
    service.approve(session, finance[0], batch.id)
    session.commit()
    assert service.get_batch(session, batch.id).status == "approved"


def test_cancelling_frees_the_obligations_and_reverses_an_approval(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    batch = prepared(session, settings, finance[0])
    household_id = session.scalars(select(PaymentItem.household_id)).first()
    assert household_id is not None
    service.approve(session, finance[1], batch.id)
    session.commit()
    assert household_balance(session, household_id) == 1500_00 - batch.total_cents
    with pytest.raises(ValidationError):
        service.cancel(session, finance[1], batch.id, "  ")
    service.cancel(session, finance[1], batch.id, "verkeerde datum")
    session.commit()
    assert household_balance(session, household_id) == 1500_00
    assert money_identity(session).holds and money_identity(session).in_transit == 0
    assert session.scalar(select(PaymentItem.id).where(PaymentItem.obligation_key.is_not(None))) is None
    again, created = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    assert created and again.id != batch.id and again.total_cents == batch.total_cents


def test_export_validates_adds_up_and_downloads_the_same_bytes_then_settles(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    batch = prepared(session, settings, finance[0])
    with pytest.raises(Conflict):
        service.export(session, finance[0], batch.id, settings)
    service.approve(session, finance[1], batch.id)
    files = service.export(session, finance[1], batch.id, settings)
    session.commit()
    assert len(files) == 1
    assert validate_xml(files[0].content, settings.pain001_version) == []
    assert files[0].control_sum_cents == batch.total_cents and files[0].transaction_count == batch.item_count
    content = files[0].content.decode()
    assert f"<CtrlSum>{batch.total_cents // 100}.{batch.total_cents % 100:02d}</CtrlSum>" in content
    assert "<Cd>SCOR</Cd>" in content and "<Issr>CUR</Issr>" in content
    assert settings.managed_account_iban in content
    first = service.download(session, batch.id)
    assert service.export(session, finance[1], batch.id, settings)[0].sha256 == files[0].sha256
    assert service.download(session, batch.id) == first
    with pytest.raises(Conflict):
        service.cancel(session, finance[1], batch.id, "te laat")
    session.rollback()
    assert money_identity(session).holds
    service.mark_sent(session, finance[1], batch.id)
    service.settle(session, finance[1], batch.id)
    session.commit()
    identity = money_identity(session)
    assert identity.holds and identity.in_transit == 0 and identity.bank == 1500_00 - batch.total_cents
    assert service.get_batch(session, batch.id).status == "settled"
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "payment_batch")).all()
    assert actions == ["payment_batch.prepared", "payment_batch.approved", "payment_batch.exported",
                       "payment_batch.sent", "payment_batch.settled"]
    assert verify(session).ok


def test_a_returned_payment_goes_back_to_the_household_and_is_proposed_again(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    batch = prepared(session, settings, finance[0])
    service.approve(session, finance[1], batch.id)
    service.export(session, finance[1], batch.id, settings)
    service.settle(session, finance[1], batch.id)
    session.commit()
    energy = session.scalar(select(PaymentItem).where(PaymentItem.kind == "energy"))
    assert energy is not None
    before = household_balance(session, energy.household_id)
    with pytest.raises(ValidationError):
        service.return_item(session, finance[1], energy.id, "?")
    service.return_item(session, finance[1], energy.id, "ms03")  # a reason that does not hold the IBAN
    session.commit()
    assert household_balance(session, energy.household_id) == before + energy.amount_cents
    assert money_identity(session).holds
    assert service.get_batch(session, batch.id).status == "partly_returned"
    with pytest.raises(Conflict):
        service.return_item(session, finance[1], energy.id, "AC04")
    session.rollback()
    later, _ = service.prepare_run(session, finance[0], date(2026, 12, 1), settings)
    session.commit()
    again = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == later.id,
                                                      PaymentItem.kind == "energy")).all()
    assert [(i.due_date, i.amount_cents) for i in again] == [(energy.due_date, energy.amount_cents)]


def test_names_outside_the_epc_set_are_cleaned_in_the_file(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    payable_household(session, holder="Zoë Ærø-Müller & Søn")
    session.execute(update(Creditor).where(Creditor.name == "Energie Direct").values(name="Énergie “Direct” @ Øst #1"))
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    service.approve(session, finance[1], batch.id)
    files = service.export(session, finance[1], batch.id, settings)
    content = files[0].content.decode()
    assert validate_xml(files[0].content, settings.pain001_version) == []
    assert "Zoe AEro-Muller + Son" in content
    assert "Ø" not in content and "“" not in content and "&amp;" not in content and "#" not in content


def test_pain_001_001_09_is_a_setting(session: Session, settings: Settings, finance: tuple[Actor, ...]) -> None:
    nine = settings.with_overrides(pain001_version="pain.001.001.09")
    batch = prepared(session, nine, finance[0])
    service.approve(session, finance[1], batch.id)
    files = service.export(session, finance[1], batch.id, nine)
    assert validate_xml(files[0].content, "pain.001.001.09") == []


def test_a_batch_above_the_file_limit_becomes_a_zip_of_valid_files(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    small = settings.with_overrides(max_transactions_per_file=2)
    batch = prepared(session, small, finance[0])
    service.approve(session, finance[1], batch.id)
    files = service.export(session, finance[1], batch.id, small)
    session.commit()
    assert [f.transaction_count for f in files] == [2, 2, 1]
    assert sum(f.control_sum_cents for f in files) == batch.total_cents
    name, content = service.download(session, batch.id)
    assert name.endswith(".zip") and service.download(session, batch.id) == (name, content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert len(archive.namelist()) == 3
        for entry in archive.namelist():
            assert validate_xml(archive.read(entry), settings.pain001_version) == []


@pytest.mark.slow
def test_100_001_transfers_make_two_valid_files() -> None:
    from datetime import UTC, datetime

    transfers = [
        Transfer(f"E2E-{n}", "Woonstichting De Linde", "NL91ABNA0417164300", None, 100 + n % 1000)
        for n in range(100_001)
    ]
    files = build_bank_files(
        DebtorAccount("Gemeente Voorbeeld", MANAGED_IBAN, "BNGHNL2G"), transfers, date(2026, 12, 1),
        "BB20261201-1", created_at=datetime(2026, 11, 30, 8, tzinfo=UTC), max_bytes=10**9,
    )
    assert [f.count for f in files] == [100_000, 1]
    assert sum(f.control_sum_cents for f in files) == sum(t.amount_cents for t in transfers)
    name, _ = bundle(files)
    assert name.endswith(".zip")


def test_two_approvals_racing_from_two_connections_give_one(
    engine: Engine, session: Session, settings: Settings, finance: tuple[Actor, ...], dialect: str
) -> None:
    if dialect != "postgresql":
        pytest.skip("SQLite serialises writers with one database lock; the race is a PostgreSQL question")
    batch = prepared(session, settings, Actor.system("scheduler"))
    factory = make_session_factory(engine)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve_as(approver: Actor) -> None:
        own = factory()
        try:
            barrier.wait(timeout=10)
            service.approve(own, approver, batch.id)
            own.commit()
            outcomes.append("approved")
        except Conflict:
            own.rollback()
            outcomes.append("conflict")
        except Exception as error:
            own.rollback()
            outcomes.append(repr(error))
        finally:
            own.close()

    threads = [threading.Thread(target=approve_as, args=(a,)) for a in finance[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["approved", "conflict"], dialect
    session.expire_all()
    assert len(session.scalars(select(BatchApproval).where(BatchApproval.batch_id == batch.id)).all()) == 1
    assert money_identity(session).holds and money_identity(session).in_transit == batch.total_cents


def test_household_payments_show_upcoming_and_past(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    batch = prepared(session, settings, finance[0])
    household_id = session.scalar(select(Household.id))
    assert household_id is not None
    payments = service.payments_for_household(session, household_id, today=date(2026, 11, 29))
    assert len(payments["upcoming"]) == 5 and payments["past"] == []
    later = service.payments_for_household(session, household_id, today=date(2026, 12, 5))
    assert len(later["past"]) == 5 and all(p.batch_id == batch.id for p in later["past"])


def test_a_wrong_status_is_named_in_words_in_both_languages() -> None:
    """The user reads "bankbestand gemaakt" / "bank file created", never the code ``exported``."""
    from budgetbeheer.i18n import translate
    from budgetbeheer.tables.states import BatchStatus, batch_refusal

    error = batch_refusal(3, "exported", BatchStatus.APPROVED)
    assert translate(error.message, "nl") == "Betaalrun 3 heeft status bankbestand gemaakt; goedkeuren kan niet."
    assert "exported" not in translate(error.message, "en") and "goedkeuren" not in translate(error.message, "en")
