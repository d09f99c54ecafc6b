"""Writing many rows at once, the cheapest way the database offers, for the bulk paths (a bank statement's
100,000 lines, receipts, ledger transactions and audit entries).

* :func:`insert_rows`: ``COPY ... FROM STDIN`` on PostgreSQL (psycopg), one ``executemany`` of the bare statement
  elsewhere. Every constraint and trigger applies as with ``INSERT`` (row triggers fire for ``COPY``), and each value
  goes through its column type's bind processing as SQLAlchemy would do it; what is skipped is SQLAlchemy's
  per-row statement work and, on PostgreSQL, the SQL text of a multi-row ``VALUES`` that the driver would otherwise
  parse for every thousand rows.
* :func:`next_ids`: a block of ids for rows about to be inserted, so a caller knows them before the insert.
* :func:`id_in` and :func:`in_chunks`: ``column IN (...)`` for thousands of values: ``= ANY(array)`` on PostgreSQL,
  one parameter instead of one per value (and one statement: :func:`in_chunks` gives one chunk there, chunks of 900
  on SQLite, whose statements take a limited number of parameters).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import psycopg
from sqlalchemy import JSON, BigInteger, ColumnElement, Integer, any_, bindparam, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.schema import Table
from sqlalchemy.types import ARRAY

T = TypeVar("T", int, str)


def _copy_driver(session: Session) -> Any | None:
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        return connection.connection.driver_connection
    return None


def _json_text(value: Any) -> str | None:
    """A JSON column's value as JSON text for ``COPY`` (the driver adapts no ``dict`` there); NULL stays NULL."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def insert_rows(session: Session, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys, column names of ``table``) in the session's transaction. ``rows``
    may be a generator: on PostgreSQL each row is then made as it is sent, while the server works on the rows sent
    before it (on another core)."""
    remaining = iter(rows)
    first = next(remaining, None)
    if first is None:
        return
    session.flush()
    connection = session.connection()
    dialect = connection.dialect
    columns = list(first.keys())
    copying = _copy_driver(session) is not None
    processors = [_json_text if copying and isinstance(table.c[name].type, JSON)
                  else table.c[name].type.bind_processor(dialect) for name in columns]
    values = (tuple(row[name] if process is None else process(row[name])
                    for name, process in zip(columns, processors, strict=True))
              for row in itertools.chain((first,), remaining))
    driver = _copy_driver(session)
    if driver is not None:
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        try:
            with cast(Any, driver).cursor() as cursor, cursor.copy(statement) as copy:
                for value in values:
                    copy.write_row(value)
        except psycopg.Error as error:  # as SQLAlchemy raises it for an INSERT: IntegrityError for a UNIQUE key, ...
            raise DBAPIError.instance(statement, None, error, psycopg.Error) from error
        return
    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(columns))
    # the table and column names come from the mapped Table, every value is a bound parameter
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # nosec B608
    while chunk := list(itertools.islice(values, 5000)):  # bounded memory however many rows come
        connection.exec_driver_sql(statement, chunk)


def next_ids(session: Session, table: Table, count: int, sequence: str | None = None) -> list[int]:
    """``count`` new ids for ``table``'s integer primary key ``id``: from its sequence on PostgreSQL (``sequence``,
    else the column's own); on SQLite MAX + 1 onwards, safe because a write transaction holds the database's write
    lock (BEGIN IMMEDIATE)."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        if sequence is not None:
            return [int(i) for i in session.scalars(
                text("SELECT nextval(:sequence) FROM generate_series(1, :n)"), {"sequence": sequence, "n": count})]
        return [int(i) for i in session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count})]
    first = int(session.scalar(select(func.coalesce(func.max(table.c.id), 0) + 1)) or 1)
    return list(range(first, first + count))


def id_in(session: Session, column: ColumnElement[Any] | QueryableAttribute[Any],
          values: Sequence[Any]) -> ColumnElement[bool]:
    """``column`` is one of ``values``; one array parameter on PostgreSQL, however many values."""
    if session.get_bind().dialect.name == "postgresql":
        column_type = column.expression.type if isinstance(column, QueryableAttribute) else column.type
        element_type = BigInteger() if isinstance(column_type, Integer) else column_type
        return column == any_(bindparam(None, list(values), type_=ARRAY(element_type)))
    return column.in_(list(values))


def in_chunks(session: Session, values: Iterable[T]) -> Iterator[list[T]]:
    """``values`` (deduplicated, sorted) in as few chunks as :func:`id_in` can take at once."""
    wanted = sorted(set(values))
    size = len(wanted) or 1 if session.get_bind().dialect.name == "postgresql" else 900
    for start in range(0, len(wanted), size):
        yield wanted[start:start + size]
