"""``budgetbeheer statements import FILE`` and ``budgetbeheer status-reports import FILE``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click
from sqlalchemy.orm import Session

from budgetbeheer.bank import naming, service, shapes
from budgetbeheer.clitools import cli_actor, load_settings_language, root, use_case, user_actor
from budgetbeheer.errors import BudgetbeheerError
from budgetbeheer.i18n import translate

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _refused(error: BudgetbeheerError, path: Path) -> NoReturn:
    """Exit 2 with the reason (naming the file as given); the unit of work rolls back, so nothing is written."""
    naming.for_file(error, path.name)
    language = load_settings_language()
    lines = [translate(error.message, language)]
    lines += [f"  {name}: {translate(why, language)}" for name, why in error.fields.items()]
    click.echo("\n".join(lines), err=True)
    sys.exit(2)


@click.group("statements")
def statements() -> None:
    """Bank statements (camt.053)."""


@statements.command("import")
@click.argument("path", type=FILE)
@click.option("--as", "username", default=None, help="the finance user importing (default: system:cli)")
@click.option("--json", "as_json", is_flag=True, help="print the API's {\"data\": ...}")
@use_case()
def statements_import(session: Session, path: Path, username: str | None, as_json: bool) -> None:
    """Read a camt.053 file (or a zip of several), match it and print the summary."""
    actor = user_actor(session, username)[0] if username else cli_actor(None)
    try:
        result = service.import_statements(session, actor, path.read_bytes(), root().settings, path.name)
    except BudgetbeheerError as error:
        _refused(error, path)
    data = shapes.import_json(session, result)
    if as_json:
        click.echo(json.dumps({"data": data}, ensure_ascii=False))
        return
    for shown in data.get("statements", [data]):
        click.echo(f"afschrift {shown['statement_id']} ({shown['from']} t/m {shown['to']}): {shown['entries']} posten, "
                   f"{shown['matched']} herkend, {shown['unmatched']} in de wachtrij; eindsaldo "
                   f"{shown['closing_balance']}, boeken {shown['ledger_bank_balance']}, verschil {shown['difference']}"
                   + ("" if result.created else " (al ingelezen)"))


@click.group("status-reports")
def status_reports() -> None:
    """Payment status reports (pain.002)."""


@status_reports.command("import")
@click.argument("path", type=FILE)
@click.option("--as", "username", default=None)
@click.option("--json", "as_json", is_flag=True)
@use_case()
def status_reports_import(session: Session, path: Path, username: str | None, as_json: bool) -> None:
    """Read a pain.002 file: rejected payments go back to the households."""
    actor = user_actor(session, username)[0] if username else cli_actor(None)
    try:
        result = service.import_status_report(session, actor, path.read_bytes(), path.name)
    except BudgetbeheerError as error:
        _refused(error, path)
    data = shapes.status_report_json(result.record)
    if as_json:
        click.echo(json.dumps({"data": data}, ensure_ascii=False))
        return
    click.echo(f"statusrapport {data['message_id']} voor {data['original_message_id']}: {data['rejected_items']} "
               f"geweigerd, {data['accepted']} geaccepteerd, {data['unknown']} onbekend")
