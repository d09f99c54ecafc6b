"""The households feature's daily job: leefgeld settings changed from a later date become the household's on that day
(registered in :mod:`budgetbeheer.households.plugin`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.households.details import apply_due_leefgeld_changes
from budgetbeheer.jobs import JobRegistry


def leefgeld_changes(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    return f"{apply_due_leefgeld_changes(session, actor, run_for)} leefgeldwijziging(en) ingegaan"


def register(jobs: JobRegistry) -> None:
    jobs.add("households.leefgeld_changes", leefgeld_changes, order=5,
             description="Leefgeldwijzigingen (frequentie, dag, buffer) met een latere ingangsdatum gaan in.")
