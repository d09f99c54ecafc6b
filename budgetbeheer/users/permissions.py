"""The permission table: which roles may do what. Deny by default: a permission not listed here is nobody's."""

from __future__ import annotations

from collections.abc import Iterable

PERMISSIONS: dict[str, frozenset[str]] = {
    "home": frozenset({"caseworker", "finance", "supervisor", "accountant", "admin"}),
    "households.read": frozenset({"caseworker", "finance", "accountant", "supervisor"}),
    "households.write": frozenset({"caseworker"}),
    "creditors.read": frozenset({"caseworker", "finance", "accountant", "admin"}),
    "creditors.write": frozenset({"finance", "admin"}),
    "receipts.write": frozenset({"finance", "caseworker"}),
    "receipts.manual": frozenset({"finance"}),
    "payments.read": frozenset({"finance", "accountant", "caseworker"}),
    "payments.prepare": frozenset({"finance"}),
    "payments.approve": frozenset({"finance"}),
    "payments.export": frozenset({"finance"}),
    "payments.settle": frozenset({"finance"}),
    "bank.import": frozenset({"finance"}),
    "bank.read": frozenset({"finance", "accountant"}),
    "bank.assign": frozenset({"finance"}),
    "advances.write": frozenset({"finance"}),
    "iban_changes.read": frozenset({"caseworker", "finance", "accountant"}),
    "iban_changes.propose": frozenset({"caseworker", "finance"}),
    "iban_changes.confirm": frozenset({"finance"}),
    "signals.read": frozenset({"caseworker", "finance", "supervisor"}),
    "signals.write": frozenset({"caseworker", "finance", "supervisor"}),
    "extensions.request": frozenset({"caseworker"}),
    "extensions.read": frozenset({"caseworker", "supervisor", "accountant"}),
    "extensions.decide": frozenset({"supervisor"}),
    "households.end": frozenset({"caseworker"}),
    "reports.read": frozenset({"accountant", "finance"}),
    "audit.read": frozenset({"accountant", "admin"}),
    "users.manage": frozenset({"admin"}),
    "scheduler.read": frozenset({"admin"}),
}


def allowed(roles: Iterable[str], permission: str) -> bool:
    granted = PERMISSIONS.get(permission)
    if granted is None:
        return False
    return bool(granted.intersection(roles))
