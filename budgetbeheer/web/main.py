"""The start page: what each role does first."""

from __future__ import annotations

from flask import Blueprint, render_template

from budgetbeheer.web.context import current
from budgetbeheer.web.security import requires

bp = Blueprint("main", __name__)

ROLE_TASKS: dict[str, list[tuple[str, str]]] = {
    "caseworker": [
        ("Huishoudens", "households.index"),
        ("Signalen", "lifecycle.signals"),
    ],
    "finance": [
        ("Betaalruns", "payments.batches"),
        ("Signalen", "lifecycle.signals"),
    ],
    "supervisor": [("Verlengingen", "lifecycle.extensions")],
    "accountant": [("Rapportages", "reports.index"), ("Auditlog", "admin.audit")],
    "admin": [("Gebruikers", "admin.users"), ("Auditlog", "admin.audit")],
}

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
    from flask import current_app

    tasks = []
    for role in sorted(user.roles):
        for label, endpoint in ROLE_TASKS.get(role, []):
            if endpoint in current_app.view_functions and (label, endpoint) not in tasks:
                tasks.append((label, endpoint))
    return render_template("home.html", user=user, tasks=tasks, role_labels=ROLE_LABELS)
