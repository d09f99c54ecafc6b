"""The creditors register: the organisations fixed costs are paid to (name, IBAN, BIC, the reference they want).

A creditor is one name with one IBAN; adding the same pair again is a conflict (by hand) or is skipped (CSV, and a
new creditor given with a fixed cost).

Payee control (issue 14, finding 4): a creditor added **outside the register** (given with a fixed cost, by a
caseworker or anyone else) is ``pending`` until a finance user confirms it (:func:`confirm_creditor`; four eyes: not
the one who added it); nothing is paid to it before (the payment run holds its payments out with the reason). A
creditor added **in the register** (finance or admin: the page, the API, the CSV upload) is ``confirmed`` at once,
unless its name is flagged (:mod:`budgetbeheer.domain.payee_names`: the same name with another IBAN, a name that is
confusable with another creditor's, a name that mixes scripts): a flagged creditor is pending wherever it was added,
and the flag is kept (``name_flag``) and shown on the register and the batch page. A rejected creditor
(:func:`reject_creditor`) is taken out of the register; nothing is ever paid to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.address import PostalAddress
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.payee_names import KnownPayee, flags_text, name_flags
from budgetbeheer.domain.references import ReferenceKind
from budgetbeheer.errors import Conflict, Message, NotFound, PermissionDenied
from budgetbeheer.households.csvfile import read_csv
from budgetbeheer.households.inputs import CreditorData
from budgetbeheer.tables.households import Creditor
from budgetbeheer.tables.states import CreditorStatus
from budgetbeheer.users.models import User
from budgetbeheer.users.permissions import ADMIN_ROLE, allowed

REFERENCE_KIND_LABELS = {
    "betalingskenmerk": "betalingskenmerk",
    "iso11649": "RF-kenmerk (ISO 11649)",
    "free_text": "vrije tekst",
    "none": "geen kenmerk",
}


def creditor_fields(errors: v.Errors, data: Mapping[str, object], prefix: str = "") -> dict[str, Any]:
    name = v.text(errors, prefix + "name", data.get("name"), maximum=70)
    iban = v.iban(errors, prefix + "iban", data.get("iban"))
    bic = v.bic(errors, prefix + "bic", data.get("bic"))
    if iban is not None and bic is None and prefix + "bic" not in errors.fields:
        derived = iban.bic
        if derived is None:
            errors.add(prefix + "bic", Message("We kennen de BIC van deze bank niet; vul de BIC in."))
        else:
            bic = str(derived)
    category = data.get("default_category")
    if category in ("", None):
        category = None
    else:
        category = v.choice(errors, prefix + "default_category", category, [c.value for c in Category])
    kind = v.choice(errors, prefix + "reference_kind", data.get("reference_kind") or "free_text",
                    [k.value for k in ReferenceKind])
    required = data.get("reference_required", False)
    if isinstance(required, str):
        required = required.strip().lower() in ("1", "true", "ja", "yes", "on", "y")
    if not isinstance(required, bool):
        errors.add(prefix + "reference_required", Message("Kies ja of nee."))
    compact = str(iban.compact) if iban is not None else None
    address = v.postal_address(errors, data, prefix, iban_text=compact)
    return {
        "name": name,
        "iban": compact,
        "bic": bic,
        **address,
        "default_category": category,
        "reference_kind": kind,
        "reference_required": bool(required) and kind != ReferenceKind.NONE,
    }


def creditor_address(creditor: Creditor) -> PostalAddress:
    return PostalAddress(creditor.street_name, creditor.building_number, creditor.postal_code, creditor.town_name,
                         creditor.country)


def creditor_snapshot(creditor: Creditor) -> dict[str, Any]:
    """What the audit trail keeps of a creditor; the API shapes its own JSON (``households/api.py``)."""
    return {
        "id": creditor.id,
        "name": creditor.name,
        "iban": creditor.iban,
        "bic": creditor.bic,
        **{name: getattr(creditor, name) for name in v.ADDRESS_FIELDS},
        "default_category": creditor.default_category,
        "reference_required": creditor.reference_required,
        "reference_kind": creditor.reference_kind,
        "active": creditor.active,
        "status": creditor.status,
        "name_flag": creditor.name_flag,
    }


def find_creditor(session: Session, name: str, iban: str) -> Creditor | None:
    return session.scalar(select(Creditor).where(Creditor.name == name, Creditor.iban == iban))


def known_payees(session: Session) -> list[KnownPayee]:
    """The register's creditors (not rejected) as the name checks compare them."""
    return [KnownPayee(cid, name, iban) for cid, name, iban in session.execute(
        select(Creditor.id, Creditor.name, Creditor.iban)
        .where(Creditor.status != CreditorStatus.REJECTED.value).order_by(Creditor.id))]


def create_creditor_row(
    session: Session, actor: Actor, fields: Mapping[str, Any], *, in_register: bool = False,
    register: list[KnownPayee] | None = None,
) -> Creditor:
    """A new creditor row, audited as ``creditor.created``. ``in_register``: added by finance or admin in the
    register (confirmed at once unless its name is flagged); otherwise (with a fixed cost) pending. ``register``:
    the creditors to compare the name with (:func:`known_payees`; given by a bulk load that adds to it)."""
    known = known_payees(session) if register is None else register
    flag = flags_text(name_flags(fields["name"], fields["iban"], known))
    status = CreditorStatus.CONFIRMED if in_register and flag is None else CreditorStatus.PENDING
    creditor = Creditor(**fields, active=True, created_at=utcnow(), status=status.value, added_by=actor.name[:100],
                        added_by_user_id=actor.user_id, name_flag=flag)
    session.add(creditor)
    session.flush()
    if register is not None:
        register.append(KnownPayee(creditor.id, creditor.name, creditor.iban))
    record(session, actor, "creditor.created", "creditor", creditor.id, after=creditor_snapshot(creditor),
           reason=None if status == CreditorStatus.CONFIRMED else
           "wacht op bevestiging door financiën" + (f": {flag}" if flag else " (toegevoegd buiten het register)"))
    return creditor


def get_or_create_creditor(
    session: Session, actor: Actor, data: CreditorData, *, field_prefix: str = "", in_register: bool = True,
) -> tuple[Creditor, bool]:
    """The register's creditor with this name and IBAN, created when it is not there yet (``in_register``: as
    :func:`create_creditor` does). Returns ``(creditor, created)``."""
    errors = v.Errors()
    fields = creditor_fields(errors, data, field_prefix)
    errors.raise_if_any()
    existing = find_creditor(session, fields["name"], fields["iban"])
    if existing is not None:
        return existing, False
    return create_creditor_row(session, actor, fields, in_register=in_register), True


def create_creditor(session: Session, actor: Actor, data: CreditorData) -> Creditor:
    """Add a creditor to the register (finance or admin): confirmed at once, or pending when its name is flagged
    (see the module docstring); a creditor with the same name and IBAN is a conflict."""
    errors = v.Errors()
    fields = creditor_fields(errors, data)
    errors.raise_if_any()
    if find_creditor(session, fields["name"], fields["iban"]) is not None:
        raise Conflict(Message("Deze schuldeiser (naam en IBAN) staat al in het register."))
    return create_creditor_row(session, actor, fields, in_register=True)


def creditor_warning(creditor: Creditor) -> Message | None:
    """What the person who just added ``creditor`` is told: that it waits for finance (and why its name is
    flagged); None when it is confirmed."""
    if creditor.status == CreditorStatus.CONFIRMED:
        return None
    if creditor.name_flag:
        return Message("Let op: schuldeiser %(name)s is gemarkeerd: %(flag)s Er wordt niets aan betaald tot een "
                       "medewerker financiën de schuldeiser heeft bevestigd.", name=creditor.name,
                       flag=creditor.name_flag)
    return Message("Schuldeiser %(name)s is nieuw in het register en wacht op bevestiging door financiën; tot dan "
                   "wordt er niets aan betaald.", name=creditor.name)


def _require_finance(session: Session, actor: Actor) -> None:
    """The actor is an active finance user (read afresh: a role may have changed since the page was shown) and no
    admin; a system actor never decides on a payee."""
    user = (session.scalar(select(User).where(User.id == actor.user_id).execution_options(populate_existing=True))
            if actor.user_id is not None else None)
    if user is not None:
        session.refresh(user, ["role_rows"])
    if user is None or not user.is_active or not allowed(user.roles, "creditors.confirm") or ADMIN_ROLE in user.roles:
        raise PermissionDenied(Message("Alleen een medewerker financiën kan een schuldeiser bevestigen of afwijzen."))


def _pending_for_decision(session: Session, actor: Actor, creditor_id: int) -> Creditor:
    _require_finance(session, actor)
    creditor = session.scalar(select(Creditor).where(Creditor.id == creditor_id).with_for_update())
    if creditor is None:
        raise NotFound(Message("Schuldeiser %(id)s bestaat niet.", id=creditor_id))
    if creditor.status != CreditorStatus.PENDING:
        raise Conflict(Message("Schuldeiser %(id)s wacht niet op bevestiging (status: %(status)s).",
                               id=creditor_id, status=CREDITOR_STATUS_LABELS[creditor.status]))
    if (actor.user_id is not None and creditor.added_by_user_id == actor.user_id) or creditor.added_by == actor.name:
        raise Conflict(Message("U heeft deze schuldeiser zelf toegevoegd; een andere medewerker financiën bevestigt "
                               "hem (vier ogen)."))
    return creditor


def confirm_creditor(session: Session, actor: Actor, creditor_id: int, reason: object = None) -> Creditor:
    """A finance user who did not add it confirms a pending creditor: from now on it is paid. Audited as
    ``creditor.confirmed`` (with its name flag, when it had one)."""
    creditor = _pending_for_decision(session, actor, creditor_id)
    errors = v.Errors()
    why = v.text(errors, "reason", reason, required=False, maximum=500)
    errors.raise_if_any()
    before = {"status": creditor.status, "name_flag": creditor.name_flag}
    creditor.status = CreditorStatus.CONFIRMED.value
    creditor.decided_by, creditor.decided_at, creditor.decision_reason = actor.name[:100], utcnow(), why
    session.flush()
    record(session, actor, "creditor.confirmed", "creditor", creditor.id, before=before,
           after={"status": creditor.status, "name": creditor.name, "iban": creditor.iban,
                  "added_by": creditor.added_by}, reason=why)
    return creditor


def reject_creditor(session: Session, actor: Actor, creditor_id: int, reason: object) -> Creditor:
    """A finance user who did not add it rejects a pending creditor, with a reason: it leaves the register and
    nothing is ever paid to it (a fixed cost to it stays held until the caseworker chooses another creditor).
    Audited as ``creditor.rejected``."""
    creditor = _pending_for_decision(session, actor, creditor_id)
    errors = v.Errors()
    why = v.text(errors, "reason", reason, maximum=500)
    errors.raise_if_any()
    before = {"status": creditor.status, "active": creditor.active}
    creditor.status = CreditorStatus.REJECTED.value
    creditor.active = False
    creditor.decided_by, creditor.decided_at, creditor.decision_reason = actor.name[:100], utcnow(), why
    session.flush()
    record(session, actor, "creditor.rejected", "creditor", creditor.id, before=before,
           after={"status": creditor.status, "active": False, "name": creditor.name, "iban": creditor.iban,
                  "added_by": creditor.added_by}, reason=why)
    return creditor


CREDITOR_STATUS_LABELS = {"pending": "wacht op bevestiging", "confirmed": "bevestigd", "rejected": "afgewezen"}


def pending_creditors(session: Session, limit: int | None = None) -> list[Creditor]:
    """Creditors waiting for confirmation, oldest first."""
    statement = select(Creditor).where(Creditor.status == CreditorStatus.PENDING.value).order_by(Creditor.id)
    return list(session.scalars(statement if limit is None else statement.limit(limit)))


def count_pending_creditors(session: Session) -> int:
    return int(session.scalar(select(func.count(Creditor.id)).where(
        Creditor.status == CreditorStatus.PENDING.value)) or 0)


def change_creditor_address(
    session: Session, actor: Actor, creditor_id: int, data: Mapping[str, object]
) -> Creditor:
    """Set (or clear) a creditor's postal address: every part at once, checked as when the creditor is added (a
    creditor outside the EEA keeps town and country). Audited as ``creditor.address_changed`` with before and
    after; an unchanged address writes nothing."""
    creditor = session.scalar(select(Creditor).where(Creditor.id == creditor_id).with_for_update())
    if creditor is None:
        raise NotFound(Message("Schuldeiser %(id)s bestaat niet.", id=creditor_id))
    errors = v.Errors()
    address = v.postal_address(errors, data, iban_text=creditor.iban)
    errors.raise_if_any()
    before = {name: getattr(creditor, name) for name in v.ADDRESS_FIELDS}
    if before == address:
        return creditor
    for name, value in address.items():
        setattr(creditor, name, value)
    session.flush()
    record(session, actor, "creditor.address_changed", "creditor", creditor.id, before=before, after=address)
    return creditor


def list_creditors(session: Session, query: str | None = None, status: str | None = None) -> list[Creditor]:
    """The register (active creditors, pending ones included), by name; ``status``: only those of that status
    (``rejected`` lists the rejected ones, which are no longer active)."""
    statement = select(Creditor).order_by(Creditor.name, Creditor.id)
    if status:
        statement = statement.where(Creditor.status == status)
    if status != CreditorStatus.REJECTED.value:
        statement = statement.where(Creditor.active.is_(True))
    if query:
        statement = statement.where(func.lower(Creditor.name).contains(query.strip().lower()))
    return list(session.scalars(statement))


CREDITOR_CSV_COLUMNS = ("name", "iban")
CREDITOR_CSV_OPTIONAL = ("bic", "default_category", "reference_required", "reference_kind", *v.ADDRESS_FIELDS)


def load_creditors_csv(session: Session, actor: Actor, content: bytes) -> tuple[int, int]:
    """Load creditors from CSV (``name,iban[,bic,default_category,reference_required,reference_kind,street_name,
    building_number,postal_code,town_name,country]``).

    All lines or none; existing creditors (same name and IBAN) are skipped; a line whose name is flagged (see the
    module docstring) is added as pending. Returns ``(created, skipped)``.
    """

    rows = read_csv(content, CREDITOR_CSV_COLUMNS, CREDITOR_CSV_OPTIONAL)
    errors = v.Errors()
    parsed: list[dict[str, Any]] = []
    for line, row in rows:
        line_errors = v.Errors()
        fields = creditor_fields(line_errors, row)
        for name, why in line_errors.fields.items():
            errors.add(f"regel {line}: {name}", why)
        parsed.append(fields)
    errors.raise_if_any()
    created = skipped = 0
    register = known_payees(session)
    for fields in parsed:
        if find_creditor(session, fields["name"], fields["iban"]) is None:
            create_creditor_row(session, actor, fields, in_register=True, register=register)
            created += 1
        else:
            skipped += 1
    return created, skipped
