"""Released revisions are frozen: they hold their SQL as text and never call live code.

A revision that (re)creates triggers defines ``TRIGGERS`` and ``TRIGGER_DROPS`` (per dialect, the complete set after
that revision). The newest such revision must agree with what ``budgetbeheer/db/triggers.py`` writes today, so an edit
of triggers.py fails here until a new revision carries it; an edit of an old revision's SQL fails here as well.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest
from alembic.script import ScriptDirectory

from budgetbeheer.db.migrate import alembic_config, migrations_dir
from budgetbeheer.db.triggers import drop_statements, trigger_statements

DIALECTS = ("sqlite", "postgresql")


def _revisions_newest_first() -> list[ModuleType]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "one line of revisions, one head"
    return [revision.module for revision in script.walk_revisions()]


def _newest_trigger_revision() -> ModuleType:
    carrying = [module for module in _revisions_newest_first() if hasattr(module, "TRIGGERS")]
    assert carrying, "revision 0001 installs the triggers"
    return carrying[0]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_newest_frozen_triggers_equal_what_triggers_py_installs(dialect: str) -> None:
    revision = _newest_trigger_revision()
    assert revision.TRIGGERS[dialect] == trigger_statements(dialect), (
        f"budgetbeheer/db/triggers.py no longer writes what revision {revision.revision} installed on {dialect}: "
        "add a revision that drops the old triggers and creates the new ones, with TRIGGERS/TRIGGER_DROPS as text"
    )
    assert revision.TRIGGER_DROPS[dialect] == drop_statements(dialect)


def test_every_trigger_revision_covers_both_databases() -> None:
    for module in _revisions_newest_first():
        if hasattr(module, "TRIGGERS"):
            assert set(module.TRIGGERS) == set(DIALECTS), module.revision
            assert set(module.TRIGGER_DROPS) == set(DIALECTS), module.revision


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_revisions_import_no_project_code() -> None:
    """A revision that imports budgetbeheer changes whenever that code changes; history must not."""
    paths = sorted((migrations_dir() / "versions").glob("*.py"))
    assert paths
    for path in paths:
        ours = {name for name in _imported_modules(path) if name.split(".")[0] == "budgetbeheer"}
        assert not ours, f"{path.name} imports {sorted(ours)}"
