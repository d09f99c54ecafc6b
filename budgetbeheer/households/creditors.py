"""The creditors register: the organisations fixed costs are paid to (name, IBAN, BIC, the reference they want).

A creditor is one name with one IBAN; adding the same pair again is a conflict (by hand) or is skipped (CSV, and a
new creditor given with a fixed cost).
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
from budgetbeheer.domain.references import ReferenceKind
from budgetbeheer.errors import Conflict, Message, NotFound
from budgetbeheer.households.csvfile import read_csv
from budgetbeheer.households.inputs import CreditorData
from budgetbeheer.tables.households import Creditor

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
    }


def find_creditor(session: Session, name: str, iban: str) -> Creditor | None:
    return session.scalar(select(Creditor).where(Creditor.name == name, Creditor.iban == iban))


def create_creditor_row(session: Session, actor: Actor, fields: Mapping[str, Any]) -> Creditor:
    creditor = Creditor(**fields, active=True, created_at=utcnow())
    session.add(creditor)
    session.flush()
    record(session, actor, "creditor.created", "creditor", creditor.id, after=creditor_snapshot(creditor))
    return creditor


def get_or_create_creditor(
    session: Session, actor: Actor, data: CreditorData, *, field_prefix: str = ""
) -> tuple[Creditor, bool]:
    """The register's creditor with this name and IBAN, created when it is not there yet. Returns ``(creditor, created)``."""
    errors = v.Errors()
    fields = creditor_fields(errors, data, field_prefix)
    errors.raise_if_any()
    existing = find_creditor(session, fields["name"], fields["iban"])
    if existing is not None:
        return existing, False
    return create_creditor_row(session, actor, fields), True


def create_creditor(session: Session, actor: Actor, data: CreditorData) -> Creditor:
    """Add a creditor to the register; a creditor with the same name and IBAN is a conflict."""
    errors = v.Errors()
    fields = creditor_fields(errors, data)
    errors.raise_if_any()
    if find_creditor(session, fields["name"], fields["iban"]) is not None:
        raise Conflict(Message("Deze schuldeiser (naam en IBAN) staat al in het register."))
    return create_creditor_row(session, actor, fields)


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


def list_creditors(session: Session, query: str | None = None) -> list[Creditor]:
    statement = select(Creditor).where(Creditor.active.is_(True)).order_by(Creditor.name, Creditor.id)
    if query:
        statement = statement.where(func.lower(Creditor.name).contains(query.strip().lower()))
    return list(session.scalars(statement))


CREDITOR_CSV_COLUMNS = ("name", "iban")
CREDITOR_CSV_OPTIONAL = ("bic", "default_category", "reference_required", "reference_kind", *v.ADDRESS_FIELDS)


def load_creditors_csv(session: Session, actor: Actor, content: bytes) -> tuple[int, int]:
    """Load creditors from CSV (``name,iban[,bic,default_category,reference_required,reference_kind,street_name,
    building_number,postal_code,town_name,country]``).

    All lines or none; existing creditors (same name and IBAN) are skipped. Returns ``(created, skipped)``.
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
    for fields in parsed:
        if find_creditor(session, fields["name"], fields["iban"]) is None:
            create_creditor_row(session, actor, fields)
            created += 1
        else:
            skipped += 1
    return created, skipped
