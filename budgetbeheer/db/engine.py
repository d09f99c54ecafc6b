"""Engine construction. Nothing here runs at import time."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in {"psycopg2", ""}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sha256_hex(value: str | None) -> str | None:
    """``bb_sha256(text)`` on SQLite: the hex SHA-256 of the text's UTF-8 bytes, as PostgreSQL's
    ``encode(sha256(convert_to(text, 'UTF8')), 'hex')`` (the payment seals, :mod:`budgetbeheer.payments.seals`)."""
    if value is None:
        return None
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def _configure_sqlite(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (needed for BEGIN IMMEDIATE and SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Up to 64 MiB of pages per connection instead of SQLite's 2 MiB: a month's statement writes 100,000s of rows
        # into tables whose indexes (hashes, keys) are larger than that; taken only as it is used.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()
        dbapi_connection.create_function("bb_sha256", 1, _sha256_hex, deterministic=True)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql(f"BEGIN {begin}")


def make_engine(url: str, *, sqlite_begin: str = "IMMEDIATE", **kwargs: Any) -> Engine:
    """An engine for the URL. On SQLite every transaction takes the write lock up front (``BEGIN IMMEDIATE``) so a
    read-then-write (audit chain, ledger ids) never works on a stale snapshot; tests that only observe use DEFERRED."""
    if sqlite_begin not in {"IMMEDIATE", "DEFERRED"}:
        raise ValueError(sqlite_begin)
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
