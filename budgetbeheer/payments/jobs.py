"""The payments' daily job: propose the next payment run (registered in :mod:`budgetbeheer.payments.plugin`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.domain.calendar import add_business_days
from budgetbeheer.jobs import JobRegistry
from budgetbeheer.payments import service as payments


def prepare_runs(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    """Propose the batch for the next TARGET2 business day after ``run_for`` (``payments.service.prepare_run``).

    A run caught up for a missed day is skipped when its execution date has already passed on the wall clock: the
    bank cannot execute on a day gone by."""
    execution_date = add_business_days(run_for, 1)
    if execution_date < clock.today():
        return f"uitvoerdatum {execution_date.isoformat()} is al voorbij; overgeslagen"
    batch, created = payments.prepare_run(session, actor, execution_date, settings)
    return (
        f"uitvoerdatum {execution_date.isoformat()}: batch {batch.id} "
        f"({'nieuw' if created else 'bestond al'}), {batch.item_count} betalingen"
    )


def register(jobs: JobRegistry) -> None:
    jobs.add("payments.prepare_runs", prepare_runs, order=20,
             description="Stelt de betaalrun voor de volgende TARGET2-werkdag voor.",
             # by hand it would make a scheduler's batch that the person who ran it could approve alone
             not_by_hand="Een betaalrun met de hand voorbereiden doet u als uzelf: budgetbeheer runs prepare --date "
                         "D --as U --password-stdin (wie voorbereidt, keurt niet goed).")
