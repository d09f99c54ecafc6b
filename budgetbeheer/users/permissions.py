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
    "creditors.confirm": frozenset({"finance"}),  # a creditor added outside the register, or flagged (issue 14)
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
    "account.own": frozenset({"caseworker", "finance", "supervisor", "accountant", "admin"}),
}

DESCRIPTIONS: dict[str, str] = {
    "home": "the start page and the worklist's links",
    "households.read": "find a household, read its page, figures, history and statement",
    "households.write": "intake, corrections, expected income and fixed costs",
    "households.break_glass": "open a household of another team, with a stated reason (audited, for an hour)",
    "creditors.read": "read the creditor register",
    "creditors.write": "add and change creditors in the register",
    "creditors.confirm": "confirm (or reject) a creditor added outside the register or flagged (never one's own)",
    "receipts.write": "book money in (a receipt announced by the benefit system, a CSV of them)",
    "receipts.manual": "book a receipt by hand, on the form",
    "receipts.rebook": "move a receipt booked to the wrong household",
    "payments.read": "read payment runs and batches",
    "payments.prepare": "prepare a payment run",
    "payments.approve": "approve a batch (never one's own)",
    "payments.export": "make the bank file (pain.001)",
    "payments.settle": "mark a batch sent, settled or returned by hand",
    "bank.import": "import a bank statement (camt.053) or a status report (pain.002)",
    "bank.read": "read statements, bank lines and the reconciliation",
    "bank.assign": "assign an unmatched bank line to a household or an account",
    "advances.write": "grant an advance, write one off (a second finance user)",
    "one_offs.request": "ask for a one-off payment",
    "one_offs.approve": "approve a one-off payment (never one's own)",
    "worklist.read": "the worklist: what to do today",
    "iban_changes.read": "read proposed changes of a household's IBAN",
    "iban_changes.propose": "propose a change of a household's IBAN",
    "iban_changes.confirm": "confirm a change of IBAN (never one's own)",
    "signals.read": "read signals",
    "signals.write": "close and reopen signals",
    "extensions.request": "ask for an extension of the period",
    "extensions.read": "read extension requests",
    "extensions.decide": "decide an extension request (never one's own)",
    "households.end": "end a household's period",
    "households.benefit_end": "record that the benefit stops",
    "reports.read": "reports and the books (journal, trial balance, accountability, ...)",
    "audit.read": "read the audit trail",
    "users.manage": "users, roles and role grants",
    "scheduler.read": "the scheduler's jobs and their runs",
    "tokens.own": "make and revoke one's own API tokens",
    "account.own": "one's own log-in security: turn the two-step code (TOTP) on or off",
}
"""What each permission allows, in a few words: the README's table of who may do what is made from this and
:data:`PERMISSIONS` (``scripts/permission_table.py``; a test keeps them equal)."""

MONEY_PERMISSIONS = frozenset({
    "payments.prepare", "payments.approve", "payments.export", "payments.settle", "receipts.manual", "bank.assign",
    "advances.write", "iban_changes.confirm", "receipts.rebook", "one_offs.approve", "creditors.confirm",
})
"""What moves money out of a household's funds or decides where it goes. (``receipts.write`` books money in: finance
and service accounts hold it, caseworkers no longer do.)"""

ADMIN_ROLE = "admin"

SERVICE_PERMISSIONS = frozenset({"receipts.write", "bank.import", "households.read"})
"""What a service account (a machine client such as the benefit system) may be given: money in and the bank's own
files, and looking a household up. Never a permission of :data:`MONEY_PERMISSIONS`, and never a role: a service
account cannot prepare, approve, confirm or write off."""


def money_roles() -> frozenset[str]:
    """The roles that hold a permission of :data:`MONEY_PERMISSIONS`: never together with admin, and granted only
    with a second admin's confirmation."""
    return frozenset(role for permission in MONEY_PERMISSIONS for role in PERMISSIONS[permission])


def allowed(roles: Iterable[str], permission: str, granted_directly: frozenset[str] = frozenset()) -> bool:
    """Whether ``roles`` (or, for a service account, its ``granted_directly`` permissions) allow ``permission``."""
    if permission in granted_directly and permission in SERVICE_PERMISSIONS:
        return True
    granted = PERMISSIONS.get(permission)
    if granted is None:
        return False
    return bool(granted.intersection(roles))


def permission_table() -> str:
    """The README's table of who may do what (Markdown), made from :data:`PERMISSIONS`, :data:`DESCRIPTIONS` and
    :data:`SERVICE_PERMISSIONS`."""
    roles = ("caseworker", "finance", "supervisor", "accountant", "admin")
    lines = ["| permission | allows | " + " | ".join(roles) + " | service account |",
             "|---|---|" + "---|" * (len(roles) + 1)]
    for permission in sorted(PERMISSIONS):
        marks = ["✓" if role in PERMISSIONS[permission] else "" for role in roles]
        marks.append("✓ if given" if permission in SERVICE_PERMISSIONS else "")
        lines.append(f"| `{permission}` | {DESCRIPTIONS[permission]} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
