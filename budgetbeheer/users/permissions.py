"""The permission table: which roles may do what. Deny by default: a permission not listed here is nobody's."""

from __future__ import annotations

from collections.abc import Iterable

PERMISSIONS: dict[str, frozenset[str]] = {
    "home": frozenset({"caseworker", "finance", "supervisor", "accountant", "admin"}),
    "households.read": frozenset({"caseworker", "finance", "accountant", "supervisor"}),
    "households.write": frozenset({"caseworker"}),
    "creditors.read": frozenset({"caseworker", "finance", "accountant", "admin"}),
    "creditors.write": frozenset({"finance", "admin"}),
    "creditors.confirm": frozenset({"finance"}),  # a creditor added outside the register, or flagged (issue 14)
    "receipts.write": frozenset({"finance", "caseworker"}),
    "receipts.manual": frozenset({"finance"}),
    "receipts.rebook": frozenset({"finance"}),
    "payments.read": frozenset({"finance", "accountant", "caseworker"}),
    "payments.prepare": frozenset({"finance"}),
    "payments.approve": frozenset({"finance"}),
    "payments.export": frozenset({"finance"}),
    "payments.settle": frozenset({"finance"}),
    "bank.import": frozenset({"finance"}),
    "bank.read": frozenset({"finance", "accountant"}),
    "bank.assign": frozenset({"finance"}),
    "advances.write": frozenset({"finance"}),
    "one_offs.request": frozenset({"caseworker"}),
    "one_offs.approve": frozenset({"finance"}),
    "worklist.read": frozenset({"caseworker", "finance", "supervisor", "accountant"}),
    "iban_changes.read": frozenset({"caseworker", "finance", "accountant"}),
    "iban_changes.propose": frozenset({"caseworker", "finance"}),
    "iban_changes.confirm": frozenset({"finance"}),
    "signals.read": frozenset({"caseworker", "finance", "supervisor"}),
    "signals.write": frozenset({"caseworker", "finance", "supervisor"}),
    "extensions.request": frozenset({"caseworker"}),
    "extensions.read": frozenset({"caseworker", "supervisor", "accountant"}),
    "extensions.decide": frozenset({"supervisor"}),
    "households.end": frozenset({"caseworker"}),
    "households.benefit_end": frozenset({"caseworker"}),
    "reports.read": frozenset({"accountant", "finance"}),
    "audit.read": frozenset({"accountant", "admin"}),
    "users.manage": frozenset({"admin"}),
    "scheduler.read": frozenset({"admin"}),
    "tokens.own": frozenset({"caseworker", "finance", "supervisor", "accountant", "admin"}),
}

MONEY_PERMISSIONS = frozenset({
    "payments.prepare", "payments.approve", "payments.export", "payments.settle", "receipts.manual", "bank.assign",
    "advances.write", "iban_changes.confirm", "receipts.rebook", "one_offs.approve", "creditors.confirm",
})
"""What moves money out of a household's funds or decides where it goes. (``receipts.write`` books money in; the
caseworker who holds it today loses it with the team rules of the separation-of-duties issue.)"""

ADMIN_ROLE = "admin"


def money_roles() -> frozenset[str]:
    """The roles that hold a permission of :data:`MONEY_PERMISSIONS`: never together with admin, and granted only
    with a second admin's confirmation."""
    return frozenset(role for permission in MONEY_PERMISSIONS for role in PERMISSIONS[permission])


def allowed(roles: Iterable[str], permission: str) -> bool:
    granted = PERMISSIONS.get(permission)
    if granted is None:
        return False
    return bool(granted.intersection(roles))
