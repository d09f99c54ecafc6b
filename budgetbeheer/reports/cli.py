"""``budgetbeheer reports NAME`` and ``budgetbeheer ledger export --format hledger``.

Both only read the books. They write to a temporary file next to ``--out`` and rename it when complete, so a failed
command leaves nothing half-written behind. On SQLite they read in a DEFERRED transaction: a consistent snapshot that
does not hold the write lock while a long export runs. Two units of work in a row, on purpose: the long read
(read-only, no write lock), then the audit entry of the export in its own short unit of work once the file is
complete (a failed export writes no audit entry).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.clitools import ROW_ID, atomic_output, domain_errors, root, user_actor
from budgetbeheer.db.base import utcnow
from budgetbeheer.reports.export import FORMATS, export_report, note_export
from budgetbeheer.reports.hledger import write_journal
from budgetbeheer.reports.model import parse_period
from budgetbeheer.reports.reports import REPORTS


@click.command("reports")
@click.argument("name", type=click.Choice(list(REPORTS)))
@click.option("--from", "start", required=True, help="first business date, YYYY-MM-DD (inclusive)")
@click.option("--to", "end", required=True, help="last business date, YYYY-MM-DD (inclusive)")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--table", default=None, help="csv: which table of the report (default: the first)")
@click.option("--household", "household_id", type=ROW_ID, default=None, help="statement: one household")
@click.option("--as", "username", default=None, help="the user who exports (named in the header and the audit trail)")
@domain_errors
def reports(name: str, start: str, end: str, fmt: str, out: Path, table: str | None, household_id: int | None,
            username: str | None) -> None:
    """Write report NAME for the range [--from, --to] to --out."""
    period = parse_period(start, end)
    app = root()
    settings = app.settings
    with app.unit_of_work(read_only=True) as session:
        if username:
            actor, user = user_actor(session, username)
            exporter = f"{user.display_name} ({user.username})"
        else:
            actor, exporter = Actor.system("cli"), "system:cli"
        spool, _, _ = export_report(session, actor, name=name, period=period, fmt=fmt,
                                    municipality=settings.municipality_name, exported_by=exporter, table=table,
                                    household_id=household_id, language=settings.language, note=False)
        with spool, atomic_output(out) as temporary, temporary.open("wb") as target:
            shutil.copyfileobj(spool, target)
    with app.unit_of_work() as session:
        note_export(session, actor, name=name, period=period, fmt=fmt, table=table, household_id=household_id)
    click.echo(f"{name} {period.start.isoformat()} t/m {period.end.isoformat()} written to {out}")


@click.group("ledger")
def ledger_group() -> None:
    """The books."""


@ledger_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["hledger"]), default="hledger", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@domain_errors
def ledger_export(fmt: str, out: Path) -> None:
    """Write the whole ledger as a plain-text journal: check it with `hledger -f FILE check` and `hledger -f FILE bal`."""
    app = root()
    settings = app.settings
    with app.unit_of_work(read_only=True) as session, atomic_output(out) as temporary, temporary.open("w", encoding="utf-8") as target:
        count = write_journal(session, target, generated_at=utcnow(), municipality=settings.municipality_name)
    with app.unit_of_work() as session:  # every export is in the audit trail, as the report exports are
        record(session, Actor.system("cli"), "report.exported", "report", "ledger",
               after={"format": fmt, "transactions": count})
    click.echo(f"{count} transactions written to {out}")
