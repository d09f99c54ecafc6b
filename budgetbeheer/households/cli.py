"""``budgetbeheer receipts import FILE.csv``, ``budgetbeheer creditors import FILE.csv`` and the creditors that wait
for finance's confirmation: ``creditors pending``, ``creditors confirm ID`` and ``creditors reject ID`` (issue 14)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.clitools import ROW_ID, Progress, proof_options, proven_actor, use_case, user_actor
from budgetbeheer.db.unit_of_work import checkpoint
from budgetbeheer.households.creditors import confirm_creditor, load_creditors_csv, pending_creditors, reject_creditor
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
    """Book income from a CSV file (household_id,amount,date,kind[,reference,idempotency_key]). Every line is checked
    first (one error and nothing is booked); then they are booked and committed 5,000 at a time, with a progress bar.
    Interrupted, the same file imported again books only what is not booked yet."""
    with Progress("booking receipts") as progress:
        def committed(booked: int, of: int) -> None:
            checkpoint(session)
            progress.update(booked, of)

        result = import_receipts_csv(session, _actor(session, username), file.read_bytes(), source="csv",
                                     checkpoint=committed)
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


@creditors.command("pending")
@use_case()
def creditors_pending(session: Session) -> None:
    """The creditors that wait for a finance user's confirmation (id, name, IBAN, who added it, the flag)."""
    for creditor in pending_creditors(session):
        flag = f"\t{creditor.name_flag}" if creditor.name_flag else ""
        click.echo(f"{creditor.id}\t{creditor.name}\t{creditor.iban}\t{creditor.added_by or ''}{flag}")


@creditors.command("confirm")
@click.argument("creditor_id", type=ROW_ID)
@click.option("--as", "username", required=True, help="a finance user who did not add the creditor")
@click.option("--reason", default=None, help="why it is right (optional)")
@proof_options
@use_case()
def creditors_confirm(session: Session, creditor_id: int, username: str, reason: str | None, password_stdin: bool,
                      token: str | None) -> None:
    """Confirm a pending creditor as that finance user, proven by their password on standard input
    (--password-stdin) or their API token in BUDGETBEHEER_TOKEN; from now on it is paid."""
    actor = proven_actor(session, "creditors confirm", username, password_stdin, token)
    creditor = confirm_creditor(session, actor, creditor_id, reason)
    click.echo(f"creditor {creditor.id}: {creditor.status}")


@creditors.command("reject")
@click.argument("creditor_id", type=ROW_ID)
@click.option("--as", "username", required=True, help="a finance user who did not add the creditor")
@click.option("--reason", required=True, help="why it is refused")
@proof_options
@use_case()
def creditors_reject(session: Session, creditor_id: int, username: str, reason: str, password_stdin: bool,
                     token: str | None) -> None:
    """Reject a pending creditor, with a reason, as that finance user (proven as for ``confirm``); it is never
    paid."""
    actor = proven_actor(session, "creditors reject", username, password_stdin, token)
    creditor = reject_creditor(session, actor, creditor_id, reason)
    click.echo(f"creditor {creditor.id}: {creditor.status}")
