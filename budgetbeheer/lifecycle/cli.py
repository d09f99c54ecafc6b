"""Commands: ``budgetbeheer scheduler`` (the scheduler process) and ``budgetbeheer jobs run``."""

from __future__ import annotations

import logging
import signal
from typing import Any

import click

from budgetbeheer import clock
from budgetbeheer.cli import cli_settings, domain_errors


def register(main: click.Group) -> None:
    main.add_command(scheduler)
    main.add_command(jobs_group)


@click.command()
@click.option("--once", is_flag=True, help="run the jobs due through today (when this process gets the lease), "
                                           "then stop")
def scheduler(once: bool) -> None:
    """Run the scheduled jobs in the foreground (one active scheduler at a time; others wait as stand-by)."""
    from budgetbeheer.lifecycle.scheduler import SchedulerRunner

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    runner = SchedulerRunner(cli_settings())
    if once:
        try:
            if not runner.step():
                click.echo(f"another scheduler is active ({runner.lease.current()}); nothing done", err=True)
                raise SystemExit(3)
            click.echo("jobs done")
        finally:
            if runner.active.is_set():
                runner.lease.release()
            runner.engine.dispose()
        return

    def stop(signum: int, frame: Any) -> None:
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"scheduler {runner.holder} started; stand-by until it holds the lease")
    runner.run()


@click.group("jobs")
def jobs_group() -> None:
    """Scheduled jobs."""


@jobs_group.command("list")
def jobs_list() -> None:
    """The registered jobs, in running order."""
    from budgetbeheer.lifecycle.jobs import registered_jobs

    for job in registered_jobs():
        click.echo(f"{job.name}\t{job.description}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--date", "run_for", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="the day to run for (default today)")
@domain_errors
def jobs_run(name: str, run_for: Any) -> None:
    """Run one job for one day by hand (once per day: a second run changes nothing)."""
    from budgetbeheer.db.engine import make_engine, make_session_factory
    from budgetbeheer.lifecycle.jobs import get_job, run_job

    settings = cli_settings()
    try:
        job = get_job(name)
    except KeyError as error:
        raise click.ClickException(str(error)) from None
    engine = make_engine(settings.database_url)
    try:
        outcome = run_job(make_session_factory(engine), job, run_for.date() if run_for else clock.today(), settings)
    finally:
        engine.dispose()
    click.echo(f"{outcome.job} {outcome.run_for.isoformat()}: {outcome.outcome} {outcome.detail or ''}".rstrip())
    if outcome.outcome == "failed":
        raise SystemExit(1)
