"""Demo data: one user per role (documented passwords), plus each feature's demo data. Idempotent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.features import DemoLoader
from budgetbeheer.ledger.service import ensure_system_accounts
from budgetbeheer.users.models import User
from budgetbeheer.users.service import create_user

DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 (documented demo log-in)  # nosec B105
DEMO_USERS = [
    ("klantmanager", "Karin de Klantmanager", ["caseworker"]),
    ("klantmanager2", "Kees Klantmanager", ["caseworker"]),
    ("klantmanager-noord", "Nadia Noord", ["caseworker"]),  # team noord: no households; try breaking the glass
    ("financien", "Fatima Financiën", ["finance"]),
    ("financien2", "Frank Financiën", ["finance"]),
    ("teamleider", "Tara Teamleider", ["supervisor"]),
    ("accountant", "Anton Accountant", ["accountant"]),
    ("beheerder", "Bea Beheerder", ["admin"]),
]

DEMO_TEAMS = {"klantmanager-noord": "noord"}
"""Every other demo user is in team ``standaard`` with every demo household."""


def load_demo(session: Session, loaders: Sequence[DemoLoader]) -> Iterator[str]:
    """The demo users, then each feature's demo data (``loaders``: the registry's ``demo_loaders``)."""
    actor = Actor.system("demo")
    ensure_system_accounts(session)
    for username, display_name, roles in DEMO_USERS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(session, actor, username=username, display_name=display_name, roles=roles,
                        password=DEMO_PASSWORD, team=DEMO_TEAMS.get(username))
            yield f"user {username} ({', '.join(roles)}) password {DEMO_PASSWORD}"
        else:
            yield f"user {username} exists"
    for load in loaders:
        yield from load(session, actor)
