"""What every command shares: the composition root of the run, one unit of work per command, plain-word errors.

A command is one use case in one unit of work::

    @group.command("approve")
    @click.argument("batch_id", type=int)
    @use_case()
    def approve(session: Session, batch_id: int) -> None:
        ...

:func:`use_case` opens the unit of work (:mod:`budgetbeheer.db.unit_of_work`) on the run's :class:`Root` (built by
``budgetbeheer``'s group from the environment), passes its session as the first argument, commits when the command
returns and rolls back on any error; a domain error becomes a message on stderr and exit code 1. ``read_only``
commands (reports, exports, the audit walk) do not take SQLite's write lock up front, so they never hold up writers.

A command that approves, confirms (or prepares what another approves) as a user proves who that is
(:func:`proven_actor`, options from :func:`proof_options`): the user's password on standard input
(``--password-stdin``; a user with a two-step code gives the password line, then the code line) or their API token in
``BUDGETBEHEER_TOKEN``; without either it is refused with exit code 2.
Other ``--as`` commands take the name as the operator's word (:func:`user_actor`), and the audit trail says so.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, AuthMethod
from budgetbeheer.config import ConfigurationError, Settings, load_settings
from budgetbeheer.errors import BudgetbeheerError, Message, NotAuthenticated
from budgetbeheer.fields import MAX_BIGINT, parse_iso_date
from budgetbeheer.i18n import translate
from budgetbeheer.root import Root
from budgetbeheer.users import second_factor
from budgetbeheer.users.service import actor_for, check_password, user_by_username, user_for_token

F = TypeVar("F", bound=Callable[..., Any])


class IsoDate(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    """A command's date: ``YYYY-MM-DD`` only, read like every form and file does (:func:`fields.parse_iso_date`);
    gives a ``date``."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        day = parse_iso_date(value)
        if day is None:
            self.fail(f"{value!r} is not a date as YYYY-MM-DD", param, ctx)
        return day


ISO_DATE = IsoDate()
ROW_ID = click.IntRange(1, MAX_BIGINT)
"""A command's row id (batch, payment item, household): a whole number within the database's 64-bit integer."""


class LazyRoot:
    """The run's composition root, built on first use (``--help`` and ``db upgrade`` need no engine)."""

    def __init__(self, build: Callable[[Settings], Root]) -> None:
        self._build = build
        self._root: Root | None = None

    def get(self) -> Root:
        if self._root is None:
            self._root = self._build(cli_settings())
        return self._root

    def close(self) -> None:
        if self._root is not None:
            self._root.dispose()
            self._root = None


def root() -> Root:
    """The composition root of this command run."""
    lazy = click.get_current_context().find_root().obj
    if not isinstance(lazy, LazyRoot):
        raise RuntimeError("a budgetbeheer command runs under the budgetbeheer group")
    return lazy.get()


def cli_settings() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None


def cli_actor(username: str | None, job: str = "cli") -> Actor:
    """The actor for a command: ``--as USERNAME`` when given, else ``system:<job>``."""
    return Actor(name=username) if username else Actor.system(job)


def user_actor(session: Session, username: str) -> tuple[Actor, Any]:
    """The user named by ``--as``, on the operator's word (no proof): for commands that approve nothing."""
    user = user_by_username(session, username)
    return actor_for(user, client_address="cli", auth_method=AuthMethod.CLI_UNPROVEN), user


TOKEN_ENVVAR = "BUDGETBEHEER_TOKEN"  # noqa: S105 (the variable's name, not a secret)  # nosec B105


def proof_options(func: F) -> F:
    """``--password-stdin`` and the token from ``BUDGETBEHEER_TOKEN`` (never a command-line argument: it would show
    in the process list), for :func:`proven_actor`."""
    func = click.option("--password-stdin", "password_stdin", is_flag=True,
                        help="read the --as user's password from standard input (or set BUDGETBEHEER_TOKEN "
                             "to their API token)")(func)
    func = click.option("--token", "token", envvar=TOKEN_ENVVAR, hidden=True, default=None,
                        callback=_token_from_environment_only, expose_value=True)(func)
    return func


def _token_from_environment_only(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    source = ctx.get_parameter_source(param.name or "token")
    if value is not None and source == click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError(f"give the token in {TOKEN_ENVVAR}, not on the command line")
    return value


def proven_actor(session: Session, command: str, username: str, password_stdin: bool,
                 token: str | None) -> Actor:
    """The ``--as`` user, proven by their password on standard input or their API token; :class:`NotAuthenticated`
    (exit code 2, nothing written) otherwise."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        user = check_password(session, username, password)
        if user is None:
            raise NotAuthenticated(Message(
                "%(command)s --as %(username)s: het wachtwoord klopt niet (of de gebruiker bestaat niet of is "
                "geblokkeerd); er is niets gedaan.", command=command, username=username))
        return _second_step(session, command, user)
    if token:
        user = user_for_token(session, token.strip())
        if user is None or user.username != username:
            raise NotAuthenticated(Message(
                "%(command)s --as %(username)s: het token in BUDGETBEHEER_TOKEN is niet (meer) van %(username)s; er "
                "is niets gedaan.", command=command, username=username))
        return actor_for(user, client_address="cli", auth_method=AuthMethod.CLI_TOKEN)
    raise NotAuthenticated(Message(
        "%(command)s --as %(username)s moet bewijzen dat u %(username)s bent: geef het wachtwoord op standaardinvoer "
        "(--password-stdin) of het API-token van %(username)s in BUDGETBEHEER_TOKEN.", command=command,
        username=username))


def _second_step(session: Session, command: str, user: Any) -> Actor:
    """After the password line: a user with a two-step code gives it on the next line of standard input; a user whose
    role requires one and who has none is refused (enrol on the account page first)."""
    settings = cli_settings()
    step = second_factor.next_step(session, user, settings.require_totp_for)
    if step is None:
        return actor_for(user, client_address="cli", auth_method=AuthMethod.CLI_PASSWORD)
    if step == second_factor.ENROL:
        raise NotAuthenticated(Message(
            "%(command)s --as %(username)s: voor deze rol is tweestapsverificatie verplicht; stel haar eerst in op de "
            "accountpagina. Er is niets gedaan.", command=command, username=user.username))
    code = sys.stdin.readline().strip()
    proving = actor_for(user, client_address="cli", auth_method=AuthMethod.CLI_PASSWORD)
    key = second_factor.key_of(settings.totp_key, settings.secret_key)
    if not code or not second_factor.check_login_code(session, proving, user, code, key, purpose="cli"):
        raise NotAuthenticated(Message(
            "%(command)s --as %(username)s: de tweestapscode (de regel na het wachtwoord op standaardinvoer) klopt "
            "niet of is al gebruikt; er is niets gedaan.", command=command, username=user.username))
    return actor_for(user, client_address="cli", auth_method=AuthMethod.CLI_PASSWORD_TOTP)


def load_settings_language() -> str:
    try:
        return load_settings().language
    except ConfigurationError:
        return "nl"


def domain_errors(func: F) -> F:
    """Turn domain errors into a plain message on stderr and exit code 1 (2 when who acts is not proven)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BudgetbeheerError as error:
            language = load_settings_language()
            lines = [translate(error.message, language)]
            lines += [f"  {name}: {translate(why, language)}" for name, why in error.fields.items()]
            click.echo("\n".join(lines), err=True)
            sys.exit(2 if isinstance(error, NotAuthenticated) else 1)

    return cast(F, wrapper)


def use_case(*, read_only: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the command in one unit of work and pass its session first (see the module's docstring)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with root().unit_of_work(read_only=read_only) as session:
                return func(session, *args, **kwargs)

        return domain_errors(wrapper)

    return decorate


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path`` to write to, renamed to ``path`` when the block ends without an error (and
    removed when it does not): a command killed or failing halfway leaves no half-written file behind."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


class Progress:
    """A progress bar on standard error for long work that reports ``update(done, of)`` as it goes (an import that
    commits chunk by chunk); nothing is shown when the work never reports."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._done = 0

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int, of: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=of, label=self.label, file=sys.stderr, show_pos=True)
            self._bar.__enter__()
        self._bar.update(done - self._done)
        self._done = done

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
