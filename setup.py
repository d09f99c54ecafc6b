"""Build hook only; every piece of metadata is in pyproject.toml.

The revisions stay in the top-level ``migrations/`` folder (Alembic's layout, what ``make`` and the tests use), and
the wheel carries a copy as ``budgetbeheer/_migrations`` so that a plain ``pip install .`` can run
``budgetbeheer db upgrade`` (``budgetbeheer.db.migrate.migrations_dir`` picks whichever exists). setuptools has no
declarative way to put a folder outside the package into it, hence this hook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class BuildPyWithMigrations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install runs from the checkout, whose migrations/ is found directly
        target = Path(self.build_lib) / "budgetbeheer" / "_migrations"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(MIGRATIONS, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]"))


setup(cmdclass={"build_py": BuildPyWithMigrations})
