"""Running Alembic from code (``budgetbeheer db upgrade``, the tests, ``make run``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from budgetbeheer.config import PROJECT_ROOT
from budgetbeheer.db.engine import normalise_url

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise when the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(database_url))
