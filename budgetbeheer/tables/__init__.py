"""Imports every model so that ``Base.metadata`` knows all tables (for Alembic and the test schema)."""

from budgetbeheer.audit.models import AuditEntry, PendingAuditEntry
from budgetbeheer.db.base import Base
from budgetbeheer.ledger.models import Account, Posting, Transaction
from budgetbeheer.tables.access import BreakGlass
from budgetbeheer.tables.bank import BankImport, BankLine, BankStatement, StatusReportRecord
from budgetbeheer.tables.households import (
    Creditor,
    ExpectedIncome,
    FixedCost,
    FixedCostAmount,
    Household,
    LeefgeldChange,
    Person,
    Receipt,
)
from budgetbeheer.tables.lifecycle import ExtensionRequest, JobRun, SchedulerLease, Signal
from budgetbeheer.tables.payments import (
    Advance,
    AdvanceRecovery,
    BankFile,
    BatchApproval,
    IbanChange,
    IbanHold,
    OneOffPayment,
    PaymentBatch,
    PaymentItem,
    Shortfall,
)
from budgetbeheer.tables.requests import IdempotentRequest
from budgetbeheer.users.login_models import UserIdentity, UserTotp
from budgetbeheer.users.models import ApiToken, User, UserRole

metadata = Base.metadata

__all__ = [
    "Account",
    "Advance",
    "AdvanceRecovery",
    "ApiToken",
    "AuditEntry",
    "BankFile",
    "BankImport",
    "BankLine",
    "BankStatement",
    "Base",
    "BatchApproval",
    "BreakGlass",
    "Creditor",
    "ExpectedIncome",
    "ExtensionRequest",
    "FixedCost",
    "FixedCostAmount",
    "Household",
    "IbanChange",
    "IbanHold",
    "IdempotentRequest",
    "JobRun",
    "LeefgeldChange",
    "OneOffPayment",
    "PaymentBatch",
    "PaymentItem",
    "PendingAuditEntry",
    "Person",
    "Posting",
    "Receipt",
    "SchedulerLease",
    "Shortfall",
    "Signal",
    "StatusReportRecord",
    "Transaction",
    "User",
    "UserIdentity",
    "UserRole",
    "UserTotp",
    "metadata",
]
