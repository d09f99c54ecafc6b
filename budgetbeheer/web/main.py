"""The start page: what each role does first."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from budgetbeheer.http.context import current, registry
from budgetbeheer.http.security import requires

bp = Blueprint("main", __name__)

CORE_TASKS: dict[str, list[tuple[str, str]]] = {
    "accountant": [("Auditlog", "admin.audit")],
    "admin": [("Gebruikers", "admin.users"), ("Auditlog", "admin.audit")],
}
"""The core pages' first tasks; each feature adds its own (``registry.add_task``), listed before these."""


def role_tasks(role: str) -> list[tuple[str, str]]:
    return registry().tasks.get(role, []) + CORE_TASKS.get(role, [])

ROLE_LABELS = {
    "caseworker": "klantmanager",
    "finance": "financiën",
    "supervisor": "teamleider",
    "accountant": "accountant",
    "admin": "beheerder",
}


@bp.route("/")
@requires("home")
def home() -> str:
    user = current()
    assert user is not None
    tasks = []
    for role in sorted(user.roles):
        for label, endpoint in role_tasks(role):
            if endpoint in current_app.view_functions and (label, endpoint) not in tasks:
                tasks.append((label, endpoint))
    return render_template("home.html", user=user, tasks=tasks, role_labels=ROLE_LABELS)
