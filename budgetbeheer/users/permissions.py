"""The permission table: which roles may do what. Deny by default: a permission not listed here is nobody's."""

from __future__ import annotations

from collections.abc import Iterable

PERMISSIONS: dict[str, frozenset[str]] = {
    "home": frozenset({"caseworker", "finance", "supervisor", "accountant", "admin"}),
    # Supervisors see what an extension decision needs on the extension requests (name, period, reasons, balance),
    # not the household file with its BSNs (issue 14, by need).
    "households.read": frozenset({"caseworker", "finance", "accountant"}),
    "households.write": frozenset({"caseworker"}),
    "households.break_glass": frozenset({"caseworker"}),  # open another team's household, with a reason (audited)
    "creditors.read": frozenset({"caseworker", "finance", "accountant", "admin"}),
    "creditors.write": frozenset({"finance", "admin"}),
    "receipts.write": frozenset({"finance"}),  # money in is finance's (and service accounts'), not caseworkers'
    "receipts.manual": frozenset({"finance"}),
    "receipts.rebook": frozenset({"finance"}),
    # Batches are finance's: a caseworker sees their households' payments on the household page, not whole batches.
    "payments.read": frozenset({"finance", "accountant"}),
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
    "advances.write", "iban_changes.confirm", "receipts.rebook", "one_offs.approve",
})
"""What moves money out of a household's funds or decides where it goes. (``receipts.write`` books money in: finance
and service accounts hold it, caseworkers no longer do.)"""

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
