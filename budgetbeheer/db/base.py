"""The declarative base that every model derives from, with stable constraint names for Alembic."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, Table, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

from budgetbeheer import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return clock.now()


def one_of(column: str, values: Iterable[str]) -> str:
    """A CHECK expression: ``column`` holds one of ``values`` (fixed names from the code, never user input).

    Written as ``column = 'a' OR column = 'b' OR ...`` rather than ``column IN ('a', 'b', ...)``: SQLite builds a
    temporary table for an IN list every time a statement runs, and a bulk insert runs its statement once per row;
    with ``IN`` the status check alone made inserting a payment run's items 40% slower.
    """
    names = list(values)
    if not names or any("'" in name for name in names):
        raise ValueError(f"not a list of plain names: {names!r}")
    return " OR ".join(f"{column} = '{name}'" for name in names)


def table_of(model: type[DeclarativeBase]) -> Table:
    """A mapped class's table, for the bulk paths' Core inserts (an ``executemany`` without the ORM's
    per-row work)."""
    return cast(Table, model.__table__)
