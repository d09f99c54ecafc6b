"""Running Alembic from code (``budgetbeheer db upgrade``, the tests, ``make run``).

The revisions live in the top-level ``migrations/`` folder of the checkout; the wheel carries a copy of that folder
as ``budgetbeheer/_migrations`` (see ``setup.py``), so ``pip install .`` (not editable) can upgrade a database too.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from budgetbeheer.config import PROJECT_ROOT
from budgetbeheer.db.engine import normalise_url

SOURCE_MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
PACKAGED_MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "_migrations"


def migrations_dir() -> Path:
    """The checkout's ``migrations/`` when running from a checkout, else the copy installed with the package.

    A checkout is recognised by its ``pyproject.toml`` next to ``migrations/env.py``: an installed package has
    neither next to it (a ``migrations`` folder that some other package put into site-packages does not count).
    """
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (SOURCE_MIGRATIONS_DIR / "env.py").is_file():
        return SOURCE_MIGRATIONS_DIR
    if (PACKAGED_MIGRATIONS_DIR / "env.py").is_file():
        return PACKAGED_MIGRATIONS_DIR
    raise RuntimeError(
        f"no migrations found: neither {SOURCE_MIGRATIONS_DIR} (checkout) nor {PACKAGED_MIGRATIONS_DIR} (installed)"
    )


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise when the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(database_url))
