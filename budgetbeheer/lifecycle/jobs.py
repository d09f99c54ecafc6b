"""The lifecycle's daily jobs (registered in :mod:`budgetbeheer.lifecycle.plugin`; the registry and the runner are
in :mod:`budgetbeheer.jobs`). Each works for the day it runs for, ``run_for``."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.jobs import JobRegistry
from budgetbeheer.lifecycle.ending import advance_endings
from budgetbeheer.lifecycle.signals import raise_all


def end_periods(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    return advance_endings(session, actor, run_for).describe()


def raise_signals(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    counts = raise_all(session, run_for, income_late_days=settings.income_late_days,
                       lead_business_days=settings.lead_business_days)
    return ", ".join(f"{kind}: {n}" for kind, n in counts.items() if n) or "geen nieuwe signalen"


def register(jobs: JobRegistry) -> None:
    jobs.add("lifecycle.end_periods", end_periods, order=10,
             description="Perioden die hun einddatum bereikten gaan naar 'ending'; bij saldo nul naar 'ended'.")
    jobs.add("lifecycle.raise_signals", raise_signals, order=30,
             description="Maakt signalen: tekorten, inkomen te laat, teruggekomen betalingen, einde periode, "
                         "wachtende verlengingen, prognose.")
