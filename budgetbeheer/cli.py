"""The ``budgetbeheer`` command. Feature packages add theirs in ``budgetbeheer.<feature>.cli`` (``register(group)``).

Every option can also come from an environment variable ``BUDGETBEHEER_<COMMAND>_<OPTION>``. Errors go to stderr in
plain words with a non-zero exit, and a command that fails writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import ConfigurationError, Settings, load_settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.errors import BudgetbeheerError
from budgetbeheer.features import feature_modules
from budgetbeheer.i18n import translate

F = TypeVar("F", bound=Callable[..., Any])


def cli_settings() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def unit_of_work(settings: Settings | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """One database transaction for a command: committed when the block ends, rolled back on any error.

    ``read_only`` commands (reports, exports) do not take SQLite's write lock up front, so they never hold up writers.
    """
    settings = settings or cli_settings()
    engine = make_engine(settings.database_url, sqlite_begin="DEFERRED" if read_only else "IMMEDIATE")
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()


def cli_actor(username: str | None, job: str = "cli") -> Actor:
    """The actor for a command: ``--as USERNAME`` when given, else ``system:<job>``."""
    return Actor(name=username) if username else Actor.system(job)


def user_actor(session: Session, username: str) -> tuple[Actor, Any]:
    from budgetbeheer.users.service import actor_for, user_by_username

    user = user_by_username(session, username)
    return actor_for(user, client_address="cli"), user


def domain_errors(func: F) -> F:
    """Turn domain errors into a plain message on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BudgetbeheerError as error:
            language = load_settings_language()
            lines = [translate(error.message, language)]
            lines += [f"  {name}: {translate(why, language)}" for name, why in error.fields.items()]
            click.echo("\n".join(lines), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def load_settings_language() -> str:
    try:
        return load_settings().language
    except ConfigurationError:
        return "nl"


@click.group(context_settings={"auto_envvar_prefix": "BUDGETBEHEER", "help_option_names": ["-h", "--help"]})
def main() -> None:
    """budgetbeheer: financieel ontzorgen (fixed costs by SEPA, the rest as leefgeld)."""


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    from budgetbeheer.db.migrate import upgrade

    upgrade(cli_settings().database_url)
    click.echo("database is up to date")


@db.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    from budgetbeheer.db.migrate import check

    check(cli_settings().database_url)
    click.echo("models and migrations agree")


@main.group()
def users() -> None:
    """User commands."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="caseworker, finance, supervisor, accountant, admin")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.option("--display-name", default=None)
@domain_errors
def users_create(username: str, roles: tuple[str, ...], password_stdin: bool, display_name: str | None) -> None:
    """Create a user with one or more roles."""
    from budgetbeheer.users.service import create_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with unit_of_work() as session:
        user = create_user(
            session, Actor.system("cli"), username=username, roles=roles, password=password, display_name=display_name
        )
        click.echo(f"created user {user.username} ({', '.join(sorted(user.roles))})")


@main.group()
def tokens() -> None:
    """API token commands."""


@tokens.command("create")
@click.option("--username", required=True)
@click.option("--label", default=None)
@domain_errors
def tokens_create(username: str, label: str | None) -> None:
    """Print a new API token for the user on stdout, nothing else."""
    from budgetbeheer.users.service import create_token, user_by_username

    with unit_of_work() as session:
        user = user_by_username(session, username)
        token = create_token(session, Actor.system("cli"), user, label=label)
    click.echo(token)


@main.group()
def audit() -> None:
    """Audit trail commands."""


@audit.command("verify")
def audit_verify() -> None:
    """Exit 0 with `ok: N entries` when the trail is intact; otherwise non-zero and the first bad entry."""
    from budgetbeheer.audit.service import verify

    with unit_of_work(read_only=True) as session:  # a long walk: never hold up writers
        result = verify(session)
    if result.ok:
        click.echo(result.describe())
    else:
        click.echo(result.describe(), err=True)
        sys.exit(2)


@main.command()
@domain_errors
def demo() -> None:
    """Load demo users, creditors, households and income (idempotent)."""
    from budgetbeheer.demo import load_demo

    with unit_of_work() as session:
        for line in load_demo(session):
            click.echo(line)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True)
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the web app and API (development server; use gunicorn in production, see README)."""
    from budgetbeheer.web.app import create_app

    app = create_app(cli_settings())
    app.run(host=host, port=port, debug=debug, use_reloader=False)


for _feature, _cli in feature_modules("cli"):
    _cli.register(main)
