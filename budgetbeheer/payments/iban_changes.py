"""Changing a payee's IBAN with four eyes: a household's own account (for leefgeld) or a creditor's in the register.

A caseworker or a finance user proposes a household's new IBAN and account holder, or a creditor's new IBAN (and BIC)
in the register (the return that held it signals both, and either may hear of the new account first). A finance user who did not propose it confirms it; only then does the payee's IBAN change, so until then
the payment runs keep paying the old IBAN (or keep holding it out when it is held). Confirming lifts the hold on the
old IBAN (see :mod:`budgetbeheer.payments.iban_holds`) and writes before and after to the audit trail. A proposal can
be rejected by finance or withdrawn by the one who proposed it. One pending change per payee; the database keeps it so.

The new IBAN goes through the project's one IBAN check (:func:`budgetbeheer.validation.iban`, schwifty);
a bad value is refused naming the field and nothing is written. Proposing the IBAN the payee already has is only
meaningful while that IBAN is held: it says the account is fine after all (the bank unblocked it), and confirming it
lifts the hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, PermissionDenied, ValidationError
from budgetbeheer.payments import iban_holds
from budgetbeheer.tables.access import Scope
from budgetbeheer.tables.households import Creditor, Household
from budgetbeheer.tables.payments import IbanChange
from budgetbeheer.tables.states import IBAN_CHANGE_STATUS_LABELS, HouseholdStatus, IbanChangeStatus
from budgetbeheer.users.models import User
from budgetbeheer.users.permissions import allowed

MIN_REASON = 3
MAX_REASON = 2000


def _fresh_user(session: Session, actor: Actor) -> User | None:
    """The acting user read afresh (roles may have changed since the page was shown); None for a system actor."""
    if actor.user_id is None:
        return None
    user = session.scalar(select(User).where(User.id == actor.user_id).execution_options(populate_existing=True))
    if user is not None:
        session.refresh(user, ["role_rows"])
    return user


def _is_finance(user: User | None) -> bool:
    return user is not None and user.is_active and allowed(user.roles, "iban_changes.confirm")


def _reason(errors: v.Errors, raw: Any) -> str | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) < MIN_REASON:
        errors.add("reason", Message("Schrijf de reden op, bijvoorbeeld: rekening opgeheven, nieuwe rekening bij de ING."))
        return None
    if len(text) > MAX_REASON:
        errors.add("reason", Message("Gebruik hoogstens %(maximum)s tekens.", maximum=MAX_REASON))
        return None
    return text


def _check_new_iban(session: Session, errors: v.Errors, new_iban: str | None, old_iban: str,
                    holder_changed: bool = False) -> None:
    if new_iban is None:
        return
    if new_iban == old_iban:
        if iban_holds.active_hold(session, old_iban) is None and not holder_changed:
            errors.add("iban", Message("Dit is al het IBAN van deze ontvanger."))
        return
    if iban_holds.active_hold(session, new_iban) is not None:
        errors.add("iban", Message("Dit IBAN is tegengehouden omdat een betaling terugkwam (rekening onjuist of "
                                   "opgeheven); kies een ander IBAN."))


def _pending(session: Session, key: str) -> IbanChange | None:
    return session.scalar(select(IbanChange).where(IbanChange.pending_key == key))


def _refuse_second(session: Session, key: str) -> None:
    waiting = _pending(session, key)
    if waiting is not None:
        raise Conflict(
            Message("Er wacht al een IBAN-wijziging (%(id)s) op bevestiging; bevestig of wijs die eerst af.",
                    id=waiting.id),
            {"iban": Message("wijziging wacht al")},
        )


def _store(session: Session, actor: Actor, change: IbanChange) -> IbanChange:
    try:
        with session.begin_nested():
            session.add(change)
            session.flush()
    except IntegrityError:
        raise Conflict(Message("Er is net een andere IBAN-wijziging voor deze ontvanger voorgesteld; laad de pagina "
                               "opnieuw."), {"iban": Message("wijziging wacht al")}) from None
    record(session, actor, "iban_change.proposed", change.party, change.household_id or change.creditor_id,
           before=_payee_state(change, "old"), after=_payee_state(change, "new") | {"iban_change_id": change.id},
           reason=change.reason)
    return change


def _payee_state(change: IbanChange, side: str) -> dict[str, Any]:
    if change.party == "household":
        return {"iban": getattr(change, f"{side}_iban"), "account_holder": getattr(change, f"{side}_holder")}
    return {"iban": getattr(change, f"{side}_iban"), "bic": getattr(change, f"{side}_bic")}


def propose_household_change(
    session: Session, actor: Actor, household_id: int, data: Mapping[str, Any]
) -> IbanChange:
    """Propose a household's new own IBAN and account holder, with a reason (caseworker or finance)."""
    household = session.scalar(select(Household).where(Household.id == household_id).with_for_update())
    if household is None:
        raise NotFound(Message("Huishouden %(id)s bestaat niet.", id=household_id))
    if household.status == HouseholdStatus.ENDED:
        raise Conflict(Message("Dit huishouden is beëindigd; er gaat niets meer naar zijn rekening."),
                       {"iban": Message("huishouden beëindigd")})
    errors = v.Errors()
    new_iban = v.iban(errors, "iban", data.get("iban"))
    holder = v.text(errors, "account_holder", data.get("account_holder"), maximum=70)
    reason = _reason(errors, data.get("reason"))
    compact = str(new_iban.compact) if new_iban is not None else None
    _check_new_iban(session, errors, compact, household.iban,
                    holder_changed=holder is not None and holder != household.account_holder)
    errors.raise_if_any()
    key = f"household:{household.id}"
    _refuse_second(session, key)
    assert compact is not None and holder is not None and reason is not None
    return _store(session, actor, IbanChange(
        party="household", household_id=household.id, pending_key=key, old_iban=household.iban, new_iban=compact,
        old_holder=household.account_holder, new_holder=holder, reason=reason, status=IbanChangeStatus.PENDING,
        proposed_by=actor.name, proposed_by_user_id=actor.user_id, proposed_at=utcnow(),
    ))


def propose_creditor_change(
    session: Session, actor: Actor, creditor_id: int, data: Mapping[str, Any]
) -> IbanChange:
    """Propose a creditor's new IBAN in the register (finance), with a reason; the BIC is derived from the IBAN when
    it is not given."""
    creditor = session.scalar(select(Creditor).where(Creditor.id == creditor_id).with_for_update())
    if creditor is None:
        raise NotFound(Message("Schuldeiser %(id)s bestaat niet.", id=creditor_id))
    errors = v.Errors()
    new_iban = v.iban(errors, "iban", data.get("iban"))
    bic = v.bic(errors, "bic", data.get("bic"))
    if new_iban is not None and bic is None and "bic" not in errors.fields:
        derived = new_iban.bic
        if derived is None:
            errors.add("bic", Message("We kennen de BIC van deze bank niet; vul de BIC in."))
        else:
            bic = str(derived)
    reason = _reason(errors, data.get("reason"))
    compact = str(new_iban.compact) if new_iban is not None else None
    _check_new_iban(session, errors, compact, creditor.iban)
    errors.raise_if_any()
    assert compact is not None and reason is not None
    _refuse_duplicate_creditor(session, creditor, compact)
    key = f"creditor:{creditor.id}"
    _refuse_second(session, key)
    return _store(session, actor, IbanChange(
        party="creditor", creditor_id=creditor.id, pending_key=key, old_iban=creditor.iban, new_iban=compact,
        old_bic=creditor.bic, new_bic=bic, reason=reason, status=IbanChangeStatus.PENDING, proposed_by=actor.name,
        proposed_by_user_id=actor.user_id, proposed_at=utcnow(),
    ))


def _refuse_duplicate_creditor(session: Session, creditor: Creditor, new_iban: str) -> None:
    """The register holds one creditor per name and IBAN."""
    twin = session.scalar(
        select(Creditor.id).where(Creditor.name == creditor.name, Creditor.iban == new_iban, Creditor.id != creditor.id)
    )
    if twin is not None:
        raise Conflict(
            Message("Schuldeiser %(name)s staat met dit IBAN al in het register (%(id)s); koppel de vaste lasten aan "
                    "die schuldeiser.", name=creditor.name, id=twin),
            {"iban": Message("staat al in het register")},
        )


def get_change(session: Session, change_id: int, *, lock: bool = False) -> IbanChange:
    query = select(IbanChange).where(IbanChange.id == change_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    change = session.scalar(query)
    if change is None:
        raise NotFound(Message("IBAN-wijziging %(id)s bestaat niet.", id=change_id))
    return change


def _refuse_decided(change: IbanChange) -> None:
    if change.status != IbanChangeStatus.PENDING:
        raise Conflict(
            Message("IBAN-wijziging %(id)s is al %(status)s door %(who)s.", id=change.id,
                    status=Message(STATUS_LABELS[change.status]), who=change.decided_by or "?"),
            {"status": Message(STATUS_LABELS[change.status])},
        )


STATUS_LABELS = IBAN_CHANGE_STATUS_LABELS


def confirm_change(session: Session, actor: Actor, change_id: int) -> IbanChange:
    """Confirm as a finance user who did not propose the change: the payee's IBAN changes, the hold on the old IBAN
    is lifted (when no other payee still has it), before and after go to the audit trail."""
    change = get_change(session, change_id, lock=True)
    _refuse_decided(change)
    if (actor.user_id is not None and change.proposed_by_user_id == actor.user_id) or change.proposed_by == actor.name:
        raise Conflict(
            Message("U heeft deze IBAN-wijziging zelf voorgesteld; een andere medewerker financiën moet hem "
                    "bevestigen."),
            {"confirmer": Message("vier-ogenprincipe")},
        )
    user = _fresh_user(session, actor)
    if user is None or not user.is_active or not allowed(user.roles, "iban_changes.confirm"):
        raise PermissionDenied(Message("Alleen een medewerker financiën kan een IBAN-wijziging bevestigen."))
    if change.new_iban != change.old_iban and iban_holds.active_hold(session, change.new_iban) is not None:
        raise Conflict(
            Message("Het nieuwe IBAN %(iban)s is inmiddels tegengehouden omdat een betaling terugkwam; wijs deze "
                    "wijziging af en stel een ander IBAN voor.", iban=change.new_iban),
            {"iban": Message("IBAN tegengehouden")},
        )
    before, after = _apply(session, change)
    change.status = IbanChangeStatus.CONFIRMED
    change.pending_key = None
    change.decided_by = user.username
    change.decided_by_user_id = user.id
    change.decided_at = utcnow()
    session.flush()
    record(session, actor, f"{change.party}.iban_changed", change.party, change.household_id or change.creditor_id,
           before=before, after=after | {"iban_change_id": change.id}, reason=change.reason)
    record(session, actor, "iban_change.confirmed", "iban_change", change.id, before={"status": IbanChangeStatus.PENDING},
           after={"status": IbanChangeStatus.CONFIRMED, "proposed_by": change.proposed_by})
    _lift_holds(session, actor, change)
    return change


def _apply(session: Session, change: IbanChange) -> tuple[dict[str, Any], dict[str, Any]]:
    if change.party == "household":
        household = session.scalar(
            select(Household).where(Household.id == change.household_id).with_for_update()
            .execution_options(populate_existing=True)
        )
        assert household is not None
        _refuse_moved(change, household.iban)
        before: dict[str, Any] = {"iban": household.iban, "account_holder": household.account_holder}
        household.iban = change.new_iban
        household.account_holder = change.new_holder or household.account_holder
        return before, {"iban": household.iban, "account_holder": household.account_holder}
    creditor = session.scalar(
        select(Creditor).where(Creditor.id == change.creditor_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    assert creditor is not None
    _refuse_moved(change, creditor.iban)
    _refuse_duplicate_creditor(session, creditor, change.new_iban)
    before = {"iban": creditor.iban, "bic": creditor.bic}
    creditor.iban = change.new_iban
    creditor.bic = change.new_bic
    return before, {"iban": creditor.iban, "bic": creditor.bic}


def _refuse_moved(change: IbanChange, current: str) -> None:
    if current != change.old_iban:
        raise Conflict(
            Message("Het IBAN is veranderd sinds deze wijziging werd voorgesteld (nu %(iban)s); wijs hem af en stel "
                    "hem opnieuw voor.", iban=current),
            {"iban": Message("IBAN veranderd")},
        )


def _lift_holds(session: Session, actor: Actor, change: IbanChange) -> None:
    hold = iban_holds.active_hold(session, change.old_iban)
    if hold is None:
        return
    session.flush()
    if change.new_iban == change.old_iban:
        why = (f"IBAN {change.old_iban} bevestigd als juist (wijziging {change.id}, voorgesteld door "
               f"{change.proposed_by}, bevestigd door {change.decided_by}): {change.reason}")
    elif iban_holds.payees_using(session, change.old_iban) == 0:
        why = (f"IBAN {change.old_iban} vervangen door {change.new_iban} (wijziging {change.id}, voorgesteld door "
               f"{change.proposed_by}, bevestigd door {change.decided_by}): {change.reason}")
    else:
        return  # another creditor or household still has the held IBAN: it stays held for them
    iban_holds.lift(session, actor, hold, reason=why, change_id=change.id)


def reject_change(session: Session, actor: Actor, change_id: int, note: object) -> IbanChange:
    """Reject (finance) or withdraw (the one who proposed it) a pending change, with a note; nothing else changes."""
    change = get_change(session, change_id, lock=True)
    errors = v.Errors()
    text = _reason(errors, note)
    if errors:
        raise ValidationError({"note": errors.fields["reason"]})
    user = _fresh_user(session, actor)
    own = user is not None and (change.proposed_by_user_id == user.id or change.proposed_by == user.username)
    if not own and not _is_finance(user):
        raise PermissionDenied(Message("Alleen een medewerker financiën of wie de wijziging voorstelde kan hem "
                                       "afwijzen."))
    _refuse_decided(change)
    change.status = IbanChangeStatus.REJECTED
    change.pending_key = None
    change.decided_by = actor.name
    change.decided_by_user_id = actor.user_id
    change.decided_at = utcnow()
    change.decision_note = text
    session.flush()
    record(session, actor, "iban_change.rejected", "iban_change", change.id, before={"status": IbanChangeStatus.PENDING},
           after={"status": IbanChangeStatus.REJECTED, "withdrawn": own}, reason=text)
    return change


def pending_change(session: Session, *, household_id: int | None = None,
                   creditor_id: int | None = None) -> IbanChange | None:
    key = f"household:{household_id}" if household_id is not None else f"creditor:{creditor_id}"
    return _pending(session, key)


def list_changes(session: Session, status: str | None = None, limit: int = 500,
                 scope: Scope | None = None) -> list[IbanChange]:
    """Changes, newest first; a household's only when it is in ``scope`` (a creditor's always)."""
    query = select(IbanChange)
    if scope is not None and not scope.is_everything:
        query = query.where(or_(IbanChange.household_id.is_(None), scope.condition(IbanChange.household_id)))
    if status is not None:
        query = query.where(IbanChange.status == status)
    return list(session.scalars(query.order_by(IbanChange.id.desc()).limit(limit)))


def change_json(change: IbanChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "party": change.party,
        "household_id": change.household_id,
        "creditor_id": change.creditor_id,
        "status": change.status,
        "old_iban": change.old_iban,
        "iban": change.new_iban,
        "old_account_holder": change.old_holder,
        "account_holder": change.new_holder,
        "old_bic": change.old_bic,
        "bic": change.new_bic,
        "reason": change.reason,
        "proposed_by": change.proposed_by,
        "proposed_at": change.proposed_at.isoformat(),
        "decided_by": change.decided_by,
        "decided_at": change.decided_at.isoformat() if change.decided_at else None,
        "decision_note": change.decision_note,
    }
