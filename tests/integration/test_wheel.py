"""A plain (not editable) install of the wheel carries the migrations: ``budgetbeheer db upgrade`` works without the
checkout.

The wheel is built offline from a copy of the source tree (``pip wheel --no-build-isolation``, the dev extra brings
setuptools), installed into a fresh venv that sees the project venv's site-packages for the dependencies only (a
``.pth`` line; the ``.pth`` files inside it, such as the editable install's finder, are not run), and used from a
folder outside the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from budgetbeheer.db.migrate import alembic_config
from budgetbeheer.tables import metadata

CHECKOUT = Path(__file__).resolve().parents[2]
LEFT_OUT = {".git", ".venv", "instance", "build", "dist", "tests", "benchmarks", "docs", "__pycache__"}

PROBE = """
import json, sys
import budgetbeheer
from budgetbeheer.db.migrate import migrations_dir
print(json.dumps({"path": sys.path, "package": budgetbeheer.__file__, "migrations": str(migrations_dir())}))
"""


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name in LEFT_OUT or name.endswith((".egg-info", ".pyc"))}


def _is_within(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@pytest.mark.slow
def test_installed_wheel_upgrades_a_database_outside_the_checkout(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(CHECKOUT, source, ignore=_ignore)
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps", "--no-index",
         "-w", wheels, ".", cwd=source)
    (wheel,) = wheels.glob("budgetbeheer-*.whl")

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel,
         cwd=tmp_path)
    venv_site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    dependencies = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (venv_site / "project_dependencies.pth").write_text("".join(f"{folder}\n" for folder in dependencies))

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    database = tmp_path / "upgrade.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env |= {"BUDGETBEHEER_ENV": "test", "BUDGETBEHEER_DATABASE_URL": f"sqlite:///{database}"}

    probe = json.loads(_run(python, "-c", PROBE, cwd=elsewhere, env=env))
    entries = [Path(entry).resolve() for entry in probe["path"] if entry]
    assert CHECKOUT.resolve() not in entries, "the checkout must not be importable in the fresh venv"
    assert all(not (entry / "budgetbeheer" / "__init__.py").is_file() or _is_within(entry, venv) for entry in entries)
    assert _is_within(Path(probe["package"]), venv)
    assert _is_within(Path(probe["migrations"]), venv)
    assert Path(probe["migrations"]).name == "_migrations"

    _run(venv / "bin" / "budgetbeheer", "db", "upgrade", cwd=elsewhere, env=env)

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    connection = sqlite3.connect(database)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        versions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        connection.close()
    assert set(metadata.tables) <= tables
    assert versions == [head]
    assert "ledger_transactions_balanced" in triggers
