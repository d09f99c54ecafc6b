"""``budgetbeheer receipts import FILE.csv`` and ``budgetbeheer creditors import FILE.csv``."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.clitools import use_case, user_actor
from budgetbeheer.households.creditors import load_creditors_csv
from budgetbeheer.households.receipts import import_receipts_csv


def _actor(session: Session, username: str | None) -> Actor:
    if username:
        return user_actor(session, username)[0]
    return Actor.system("receipts-import")


@click.group()
def receipts() -> None:
    """Receipts (income) commands."""


@receipts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", default=None, help="book as this user (default: system:receipts-import)")
@use_case()
def receipts_import(session: Session, file: Path, username: str | None) -> None:
    """Book income from a CSV file (household_id,amount,date,kind[,reference,idempotency_key]); all lines or none."""
    result = import_receipts_csv(session, _actor(session, username), file.read_bytes(), source="csv")
    click.echo(f"booked {result.booked} receipt(s); {result.already_booked} already booked")


@click.group()
def creditors() -> None:
    """Creditors register commands."""


@creditors.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", default=None)
@use_case()
def creditors_import(session: Session, file: Path, username: str | None) -> None:
    """Load creditors from CSV (name,iban[,bic,default_category,reference_required,reference_kind]); all or none."""
    created, skipped = load_creditors_csv(session, _actor(session, username), file.read_bytes())
    click.echo(f"added {created} creditor(s); {skipped} already in the register")
