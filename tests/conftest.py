"""Shared fixtures: a clean database per test on SQLite and (when configured) PostgreSQL, the app, users, log-in.

Integration tests ask for ``db_url`` (or ``session``, ``app``, ``client``) and run once per database. The schema is
made once per run with the real Alembic migrations; each test then starts from an empty copy (SQLite: a copy of the
migrated file; PostgreSQL: every table truncated with triggers switched off for the cleaning only).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine, make_session_factory, normalise_url
from budgetbeheer.db.migrate import upgrade
from budgetbeheer.ledger.service import ensure_system_accounts
from budgetbeheer.users.models import User
from budgetbeheer.users.service import create_user

# No per-example deadline (a loaded 2-core CI machine makes timing flaky); fixed examples in CI, so a red run repeats.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")

POSTGRES_URL = os.environ.get("BUDGETBEHEER_TEST_POSTGRES_URL", "")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
TEST_PASSWORD = "test-wachtwoord-123"


def pytest_report_header(config: pytest.Config) -> str:
    return f"budgetbeheer databases: {', '.join(DATABASES)}"


@pytest.fixture(autouse=True, scope="session")
def application_registry() -> None:
    """The features plugged in and the event bus built, as the web app, the CLI and the scheduler do at start, so a
    test may call a use case directly."""
    registry()


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id with the smallest cost in tests only: the same scheme, without 50 ms per hash."""
    from argon2 import PasswordHasher

    from budgetbeheer.users import service

    original = service._hasher
    service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    service._hasher = original


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


class PostgresDatabase:
    def __init__(self, base_url: str) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.name = f"bbtest_{worker}_{os.getpid()}"
        base = make_url(normalise_url(base_url))
        self.admin_url = base.render_as_string(hide_password=False)
        self.url = base.set(database=self.name).render_as_string(hide_password=False)
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        admin.dispose()
        upgrade(self.url)
        self.engine = make_engine(self.url)
        with self.engine.connect() as connection:
            self.tables = [
                row[0]
                for row in connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
                )
            ]

    def clean(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{table}"' for table in self.tables) + " RESTART IDENTITY CASCADE"
            )
            connection.exec_driver_sql("ALTER SEQUENCE ledger_transaction_id_seq RESTART WITH 1")

    def drop(self) -> None:
        self.engine.dispose()
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase | None]:
    if not POSTGRES_URL:
        yield None
        return
    database = PostgresDatabase(POSTGRES_URL)
    yield database
    database.drop()


@pytest.fixture(params=DATABASES)
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_database: PostgresDatabase | None,
) -> Iterator[str]:
    """An empty, migrated database for this test alone."""
    if request.param == "sqlite":
        path = tmp_path / f"test-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    assert postgres_database is not None
    postgres_database.clean()
    yield postgres_database.url


@pytest.fixture
def dialect(db_url: str) -> str:
    return make_url(db_url).get_backend_name()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=db_url,
        secret_key="test-secret-key",
        instance_dir=tmp_path,
        login_limit_per_name="3 per 15 minutes",
    )


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    # DEFERRED: the test's own session must not hold SQLite's write lock while the app or CLI under test writes.
    # On SQLite a read starts a snapshot: end it (session.commit()) before reading what the app wrote; the ``client``
    # and ``cli`` fixtures do that for you before every request or command.
    engine = make_engine(db_url, sqlite_begin="DEFERRED")
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    session = make_session_factory(engine)()
    ensure_system_accounts(session)
    session.commit()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("test")


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    """Create (and commit) a user with roles; the password is ``TEST_PASSWORD``."""

    def make(username: str, *roles: str, language: str = "nl") -> User:
        user = create_user(
            session,
            Actor.system("test"),
            username=username,
            roles=roles or ("caseworker",),
            password=TEST_PASSWORD,
            display_name=username.title(),
            language=language,
        )
        session.commit()
        return user

    return make


@pytest.fixture
def app(settings: Settings, session: Session) -> Iterator[Flask]:
    from budgetbeheer.web.app import create_app

    app = create_app(settings, TESTING=True, WTF_CSRF_ENABLED=False)
    yield app
    app.extensions["budgetbeheer_engine"].dispose()


class CommittingClient(FlaskClient):
    """A test client that ends the test session's transaction before each request (fresh snapshot, no lock)."""

    test_session: Session | None = None

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if self.test_session is not None:
            self.test_session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    app.test_client_class = CommittingClient
    test_client = app.test_client()
    assert isinstance(test_client, CommittingClient)
    test_client.test_session = session
    return test_client


@pytest.fixture
def cli(db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Run ``budgetbeheer ARGS`` against the test database (after ending the test session's transaction)."""
    from click.testing import CliRunner

    from budgetbeheer.cli import main

    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)

    def run(*args: str, input: str | None = None) -> Any:
        session.commit()
        result = CliRunner().invoke(main, list(args), input=input)
        session.commit()
        return result

    return run


@pytest.fixture
def login(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Create a user with the roles and log the test client in as that user."""

    def do_login(username: str, *roles: str, language: str = "nl") -> User:
        user = make_user(username, *roles, language=language)
        response = client.post("/login", data={"username": username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do_login


@pytest.fixture
def api_token(session: Session, make_user: Callable[..., User]) -> Callable[..., dict[str, str]]:
    """Create a user with the roles and return the Authorization header for a fresh token."""
    from budgetbeheer.users.service import create_token

    def make(username: str, *roles: str) -> dict[str, str]:
        user = make_user(username, *roles)
        token = create_token(session, Actor.system("test"), user)
        session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


def json_of(response: Any) -> Any:
    return response.get_json()
