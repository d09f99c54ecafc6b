"""The ``budgetbeheer`` command. Feature packages add theirs through their plug-in (``registry.add_command``).

Every option can also come from an environment variable ``BUDGETBEHEER_<COMMAND>_<OPTION>``. Errors go to stderr in
plain words with a non-zero exit, and a command that fails writes nothing: each runs one use case in one unit of work
(:func:`budgetbeheer.clitools.use_case`) on the run's composition root (:mod:`budgetbeheer.composition`).
"""

from __future__ import annotations

import logging
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from budgetbeheer import clock, composition
from budgetbeheer.audit.chain import chain_waiting
from budgetbeheer.audit.service import Actor
from budgetbeheer.bank.demo import write_demo_statement
from budgetbeheer.bank.statement_writer import SHAPES
from budgetbeheer.clitools import ISO_DATE, LazyRoot, cli_settings, domain_errors, root, use_case
from budgetbeheer.db.migrate import check, upgrade
from budgetbeheer.demo import load_demo
from budgetbeheer.jobs import BY_HAND_ACTOR, run_job
from budgetbeheer.payments.integrity import check_books, check_kept
from budgetbeheer.scheduler import SchedulerRunner
from budgetbeheer.users import second_factor
from budgetbeheer.users.permissions import SERVICE_PERMISSIONS
from budgetbeheer.users.service import create_token, create_user, user_by_username
from budgetbeheer.users.service_accounts import create_service_account, deactivate, new_token, service_accounts


@click.group(context_settings={"auto_envvar_prefix": "BUDGETBEHEER", "help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """budgetbeheer: financieel ontzorgen (fixed costs by SEPA, the rest as leefgeld)."""
    lazy = LazyRoot(composition.build)
    ctx.obj = lazy
    ctx.call_on_close(lazy.close)


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    upgrade(cli_settings().database_url)
    click.echo("database is up to date")


@db.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
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
@click.option("--team", default=None, help="the team a caseworker or supervisor works in (default: standaard)")
@use_case()
def users_create(session: Session, username: str, roles: tuple[str, ...], password_stdin: bool,
                 display_name: str | None, team: str | None) -> None:
    """Create a user with one or more roles."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    user = create_user(
        session, Actor.system("cli"), username=username, roles=roles, password=password, display_name=display_name,
        team=team,
    )
    click.echo(f"created user {user.username} ({', '.join(sorted(user.roles))}; team {user.team})")


@users.command("reset-totp")
@click.option("--username", required=True)
@use_case()
def users_reset_totp(session: Session, username: str) -> None:
    """Remove a user's two-step code secret (a lost phone); the next log-in enrols anew where it is required."""
    done = second_factor.reset(session, Actor.system("cli"), user_by_username(session, username))
    click.echo(f"two-step verification of {username} " + ("reset" if done else "was not set up"))


@main.group()
def tokens() -> None:
    """API token commands."""


@tokens.command("create")
@click.option("--username", required=True)
@click.option("--label", default=None)
@use_case()
def tokens_create(session: Session, username: str, label: str | None) -> None:
    """Print a new API token for the user on stdout, nothing else."""
    user = user_by_username(session, username)
    click.echo(create_token(session, Actor.system("cli"), user, label=label))  # audited as the operator's command


@main.group("service-accounts")
def service_accounts_group() -> None:
    """Machine clients (the benefit system): a token with only the permissions given, never a role."""


@service_accounts_group.command("create")
@click.option("--name", required=True)
@click.option("--permission", "permissions", multiple=True, required=True,
              type=click.Choice(sorted(SERVICE_PERMISSIONS)), help="repeat for more than one")
@click.option("--label", default=None)
@use_case()
def service_accounts_create(session: Session, name: str, permissions: tuple[str, ...], label: str | None) -> None:
    """Create a service account and print its token on stdout, nothing else (shown once)."""
    _, token = create_service_account(session, Actor.system("cli"), name=name, permissions=permissions, label=label)
    click.echo(token)


@service_accounts_group.command("list")
@use_case()
def service_accounts_list(session: Session) -> None:
    """Every service account: name, active or not, permissions."""
    for account in service_accounts(session):
        state = "active" if account.is_active else "inactive"
        click.echo(f"{account.username}\t{state}\t{','.join(sorted(account.service_permissions))}")


@service_accounts_group.command("token")
@click.option("--name", required=True)
@click.option("--label", default=None)
@use_case()
def service_accounts_token(session: Session, name: str, label: str | None) -> None:
    """Print another token for the service account (to rotate: give it to the client, then revoke the old one)."""
    click.echo(new_token(session, Actor.system("cli"), name, label))


@service_accounts_group.command("deactivate")
@click.option("--name", required=True)
@use_case()
def service_accounts_deactivate(session: Session, name: str) -> None:
    """Switch the service account off and revoke its tokens."""
    deactivate(session, Actor.system("cli"), name)
    click.echo(f"service account {name} is switched off; its tokens are revoked")


@main.group()
def audit() -> None:
    """Audit trail commands."""


@audit.command("verify")
@click.option("--kept", "kept", multiple=True, metavar="N:SIGNATURE",
              help="a signature printed earlier: check that the trail up to entry N is still what was signed")
@use_case(read_only=True)  # a long walk: never hold up writers
def audit_verify(session: Session, kept: tuple[str, ...]) -> None:
    """Check the audit chain, the ledger's and the approved payments' seals; print the head and its signature
    (HMAC-SHA256 with BUDGETBEHEER_AUDIT_KEY). Exit 2 naming the first entry, transaction or payment that fails."""
    chain_waiting(root().engine)  # entries a crash left unchained get their place first
    key = root().settings.audit_key
    result = check_books(session, key)
    problems = result.problems()
    for signature in kept:
        if not key:
            problems.append("a kept signature cannot be checked: BUDGETBEHEER_AUDIT_KEY is not set")
            break
        problem = check_kept(session, key, signature)
        if problem:
            problems.append(problem)
    if problems:
        click.echo("\n".join(problems), err=True)
        sys.exit(2)
    click.echo("\n".join(result.lines()))


@main.command()
@click.option("--bank-statement", "bank_statement", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write a camt.053 for the demo's exported batches and expected income instead (to try the import)")
@click.option("--shape", type=click.Choice(SHAPES), default="ING", show_default=True,
              help="the bank whose statement shape to write (with --bank-statement)")
@use_case()
def demo(session: Session, bank_statement: Path | None, shape: str) -> None:
    """Load demo users, creditors, households and income (idempotent)."""
    if bank_statement is not None:
        click.echo(write_demo_statement(session, root().settings, bank_statement, shape=shape))
        return
    for line in load_demo(session, root().registry.demo_loaders):
        click.echo(line)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True)
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the web app and API (development server; use gunicorn in production, see README)."""
    # Imported here on purpose: the web app (Flask and every page) is only loaded by the one command that serves it.
    from budgetbeheer.web.app import create_app  # noqa: PLC0415

    app = create_app(cli_settings())
    app.run(host=host, port=port, debug=debug, use_reloader=False)


# ------------------------------------------------------------------------------------------ the scheduler and its jobs


@main.command()
@click.option("--once", is_flag=True, help="run the jobs due through today (when this process gets the lease), "
                                           "then stop")
def scheduler(once: bool) -> None:
    """Run the scheduled jobs in the foreground (one active scheduler at a time; others wait as stand-by)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = root()
    runner = SchedulerRunner(app.settings, jobs=app.registry.jobs.all(), engine=app.engine)
    if once:
        try:
            if not runner.step():
                click.echo(f"another scheduler is active ({runner.lease.current()}); nothing done", err=True)
                raise SystemExit(3)
            click.echo("jobs done")
        finally:
            runner.end()  # the renewal thread stopped, then the lease given up
        return

    def stop(signum: int, frame: Any) -> None:
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"scheduler {runner.holder} started; stand-by until it holds the lease")
    runner.run()


@main.group("jobs")
def jobs_group() -> None:
    """Scheduled jobs."""


@jobs_group.command("list")
def jobs_list() -> None:
    """The registered jobs, in running order."""
    for job in composition.registry().jobs.all():
        click.echo(f"{job.name}\t{job.description}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--date", "run_for", type=ISO_DATE, default=None,
              help="the day to run for (default today)")
@domain_errors
def jobs_run(name: str, run_for: date | None) -> None:
    """Run one job for one day by hand (once per day: a second run changes nothing)."""
    try:
        job = composition.registry().jobs.get(name)
    except KeyError as error:
        raise click.ClickException(str(error)) from None
    if job.not_by_hand:
        click.echo(job.not_by_hand, err=True)
        raise SystemExit(2)
    app = root()
    outcome = run_job(app.sessions, job, run_for or clock.today(), app.settings, BY_HAND_ACTOR)
    click.echo(f"{outcome.job} {outcome.run_for.isoformat()}: {outcome.outcome} {outcome.detail or ''}".rstrip())
    if outcome.outcome == "failed":
        raise SystemExit(1)


for _command in composition.registry().commands:
    main.add_command(_command)
