"""The state enums and the transition tables of :mod:`budgetbeheer.tables.states` (no database)."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, Table

from budgetbeheer.errors import Conflict, Message
from budgetbeheer.i18n import english_catalogue, translate
from budgetbeheer.tables import ExtensionRequest, Household, IbanChange, IbanHold, PaymentBatch, PaymentItem, Signal
from budgetbeheer.tables.payments import (
    BATCH_STATUSES,
    IBAN_CHANGE_STATUSES,
    ITEM_STATUSES,
    Advance,
    AdvanceRecovery,
    OneOffPayment,
)
from budgetbeheer.tables.states import (
    BATCH_TRANSITIONS,
    ENUMS,
    HOUSEHOLD_TRANSITIONS,
    IBAN_CHANGE_STATUS_LABELS,
    STATUS_LABELS,
    BatchStatus,
    ExtensionStatus,
    HouseholdStatus,
    IbanChangeStatus,
    ItemStatus,
    LeefgeldFrequency,
    OneOffStatus,
    Party,
    RecoveryKind,
    RecoveryType,
    SignalRole,
    SignalState,
    batch_transition_allowed,
    household_transition_allowed,
    require_batch_transition,
    require_household_transition,
    status_label,
    values,
)

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"

ALLOWED_BATCH_MOVES = {
    ("proposed", "approved"), ("proposed", "cancelled"),
    ("approved", "exported"), ("approved", "cancelled"),
    ("exported", "sent"), ("exported", "settled"), ("exported", "partly_returned"),
    ("sent", "settled"), ("sent", "partly_returned"),
    ("settled", "partly_returned"),
}
"""Written out by hand, as the code before the table allowed them: the table must say the same."""

ALLOWED_HOUSEHOLD_MOVES = {("active", "ending"), ("ending", "ended"), ("ending", "active"), ("ended", "ending")}

COLUMNS = [
    (PaymentBatch, "status", BatchStatus),
    (PaymentItem, "status", ItemStatus),
    (Household, "status", HouseholdStatus),
    (Household, "leefgeld_frequency", LeefgeldFrequency),
    (ExtensionRequest, "status", ExtensionStatus),
    (IbanChange, "status", IbanChangeStatus),
    (IbanChange, "party", Party),
    (IbanHold, "party", Party),
    (Signal, "state", SignalState),
    (Signal, "role", SignalRole),
    (OneOffPayment, "status", OneOffStatus),
    (Advance, "recovery_type", RecoveryType),
    (AdvanceRecovery, "kind", RecoveryKind),
]


def _check_text(model: type, name: str) -> str:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint) and constraint.name is not None and constraint.name.endswith(
            f"_{name}"
        ) and str(constraint.sqltext).startswith(f"{name} = "):
            return str(constraint.sqltext)
    raise AssertionError(f"no CHECK constraint on {table.name}.{name}")


def _migration_check_text(table: str, name: str) -> str:
    pattern = re.compile(r'sa\.CheckConstraint\("([^"]*)", name=op\.f\(\'ck_' + table + "_" + name + r"'\)\)")
    added = re.compile(r"create_check_constraint\(op\.f\('ck_" + table + "_" + name + r"'\),\s*\"([^\"]*)\"\)")
    found = [m.group(1) for path in sorted(MIGRATIONS.glob("*.py")) for regex in (pattern, added)
             for m in regex.finditer(path.read_text())]
    assert len(found) == 1, f"ck_{table}_{name} in the migrations: {found}"
    return found[0]


# -- the enums and the CHECK constraints ---------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "column", "enum"), COLUMNS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_the_check_constraint_allows_exactly_the_enum_values_in_order(model: type, column: str, enum: type) -> None:
    text = _check_text(model, column)
    assert re.findall(r"'([^']*)'", text) == [member.value for member in enum]
    assert text == " OR ".join(f"{column} = '{member.value}'" for member in enum)


@pytest.mark.parametrize(("model", "column", "enum"), COLUMNS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_the_model_check_equals_the_frozen_migration(model: type, column: str, enum: type) -> None:
    table = model.__table__.name  # type: ignore[attr-defined]
    assert _check_text(model, column) == _migration_check_text(table, column)


def test_the_stored_strings_are_the_ones_used_since_the_start() -> None:
    assert BATCH_STATUSES == ("proposed", "approved", "exported", "sent", "settled", "partly_returned", "cancelled")
    assert ITEM_STATUSES == ("proposed", "held", "approved", "settled", "returned", "cancelled")
    assert IBAN_CHANGE_STATUSES == ("pending", "confirmed", "rejected")
    assert values(HouseholdStatus) == ("active", "ending", "ended")
    assert values(ExtensionStatus) == ("pending", "approved", "rejected", "withdrawn")
    assert values(SignalState) == ("open", "done")


def test_a_member_is_its_string() -> None:
    assert BatchStatus.APPROVED == "approved"
    assert f"{BatchStatus.PARTLY_RETURNED}" == "partly_returned"
    assert str(HouseholdStatus.ENDED) == "ended"
    assert "pending" in set(ExtensionStatus)
    assert {BatchStatus.SENT: 1}["sent"] == 1
    assert "nonsense" not in set(BatchStatus)


def test_every_enum_is_handed_to_the_templates() -> None:
    assert set(ENUMS) == {enum for _, _, enum in COLUMNS}


def test_every_status_has_a_label_in_dutch_and_english() -> None:
    english = english_catalogue()
    for status in (*BatchStatus, *ItemStatus):
        assert status in STATUS_LABELS, status
        assert STATUS_LABELS[status] in english, STATUS_LABELS[status]
    for status in IbanChangeStatus:
        assert IBAN_CHANGE_STATUS_LABELS[status] in english
    assert status_label("approved") == Message("goedgekeurd")
    assert status_label("unknown") == Message("unknown")


# -- batch transitions ------------------------------------------------------------------------------------------------


def test_the_batch_table_is_the_one_written_out() -> None:
    table = {(str(current), str(target)) for current, targets in BATCH_TRANSITIONS.items() for target in targets}
    assert table == ALLOWED_BATCH_MOVES
    assert set(BATCH_TRANSITIONS) == set(BatchStatus)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED_BATCH_MOVES))
def test_an_allowed_batch_move_passes(current: str, target: str) -> None:
    assert batch_transition_allowed(current, target)
    require_batch_transition(7, current, target)
    require_batch_transition(7, BatchStatus(current), BatchStatus(target))


DISALLOWED_BATCH_MOVES = sorted(set(product(BATCH_STATUSES, BATCH_STATUSES)) - ALLOWED_BATCH_MOVES)


@pytest.mark.parametrize(("current", "target"), DISALLOWED_BATCH_MOVES)
def test_a_disallowed_batch_move_is_a_conflict(current: str, target: str) -> None:
    assert not batch_transition_allowed(current, target)
    with pytest.raises(Conflict) as refused:
        require_batch_transition(7, current, target)
    assert refused.value.fields == {"status": status_label(current)}


@pytest.mark.parametrize(
    ("current", "target", "text"),
    [
        ("approved", "approved", "Betaalrun 7 heeft status goedgekeurd; goedkeuren kan niet."),
        ("cancelled", "approved", "Betaalrun 7 heeft status geannuleerd; goedkeuren kan niet."),
        ("proposed", "exported", "Betaalrun 7 heeft status voorgesteld; een bankbestand maken kan niet."),
        ("approved", "sent", "Betaalrun 7 heeft status goedgekeurd; als verzonden markeren kan niet."),
        ("sent", "sent", "Betaalrun 7 heeft status verzonden; als verzonden markeren kan niet."),
        ("approved", "settled", "Betaalrun 7 heeft status goedgekeurd; als afgeschreven boeken kan niet."),
        ("settled", "settled", "Betaalrun 7 heeft status afgeschreven; als afgeschreven boeken kan niet."),
        ("exported", "cancelled", "Betaalrun 7 is al bankbestand gemaakt; alleen een run die nog niet naar de bank is "
                                  "gegaan kan worden geannuleerd."),
        ("cancelled", "cancelled", "Betaalrun 7 is al geannuleerd; alleen een run die nog niet naar de bank is gegaan "
                                   "kan worden geannuleerd."),
        ("partly_returned", "cancelled", "Betaalrun 7 is al deels teruggekomen; alleen een run die nog niet naar de "
                                         "bank is gegaan kan worden geannuleerd."),
    ],
)
def test_a_refused_batch_move_says_what_the_code_said_before(current: str, target: str, text: str) -> None:
    with pytest.raises(Conflict) as refused:
        require_batch_transition(7, current, target)
    assert translate(refused.value.message) == text


def test_a_refused_batch_move_reads_in_english() -> None:
    with pytest.raises(Conflict) as refused:
        require_batch_transition(7, "exported", "approved")
    english = translate(refused.value.message, "en")
    assert english != translate(refused.value.message)
    assert "7" in english and "approving" in english


def test_unknown_batch_statuses_are_refused() -> None:
    assert not batch_transition_allowed("proposed", "paid")
    assert not batch_transition_allowed("paid", "approved")
    with pytest.raises(Conflict):
        require_batch_transition(7, "paid", "approved")


# -- household transitions ------------------------------------------------------------------------------------------


def test_the_household_table_is_the_one_written_out() -> None:
    table = {(str(current), str(target)) for current, targets in HOUSEHOLD_TRANSITIONS.items() for target in targets}
    assert table == ALLOWED_HOUSEHOLD_MOVES
    assert set(HOUSEHOLD_TRANSITIONS) == set(HouseholdStatus)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED_HOUSEHOLD_MOVES))
def test_an_allowed_household_move_passes(current: str, target: str) -> None:
    assert household_transition_allowed(current, target)
    require_household_transition(current, target, Message("nooit"))


DISALLOWED_HOUSEHOLD_MOVES = sorted(
    set(product(values(HouseholdStatus), values(HouseholdStatus))) - ALLOWED_HOUSEHOLD_MOVES
)


@pytest.mark.parametrize(("current", "target"), DISALLOWED_HOUSEHOLD_MOVES)
def test_a_disallowed_household_move_is_a_conflict_in_the_callers_words(current: str, target: str) -> None:
    assert not household_transition_allowed(current, target)
    with pytest.raises(Conflict) as refused:
        require_household_transition(current, target, Message("De periode van dit huishouden is al beëindigd."),
                                     {"date": Message("al beëindigd")})
    assert str(refused.value) == "De periode van dit huishouden is al beëindigd."
    assert refused.value.fields == {"date": Message("al beëindigd")}


def test_a_household_refusal_can_be_built_by_the_caller() -> None:
    error = Conflict(Message("De periode van dit huishouden is beëindigd; verlengen kan niet meer."))
    with pytest.raises(Conflict) as refused:
        require_household_transition("ended", "active", lambda: error)
    assert refused.value is error
    assert not household_transition_allowed("ended", "gone")
