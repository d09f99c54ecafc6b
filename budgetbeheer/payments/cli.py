"""``budgetbeheer runs ...`` and ``budgetbeheer batches ...``."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.clitools import (
    ISO_DATE,
    ROW_ID,
    atomic_output,
    cli_actor,
    proof_options,
    proven_actor,
    root,
    use_case,
    user_actor,
)
from budgetbeheer.payments.return_reasons import describe, holds_iban
from budgetbeheer.payments.service import approve, download, export, mark_sent, prepare_run, return_item, settle


@click.group()
def runs() -> None:
    """Payment runs."""


@runs.command("prepare")
@click.option("--date", "execution_date", required=True, type=ISO_DATE,
              help="execution date (a TARGET2 business day)")
@click.option("--as", "username", required=True,
              help="the finance user who prepares (proven: --password-stdin or BUDGETBEHEER_TOKEN); another finance "
                   "user approves")
@proof_options
@use_case()
def runs_prepare(session: Session, execution_date: date, username: str, password_stdin: bool,
                 token: str | None) -> None:
    """Propose the batch for that execution date as that finance user; prints its id. (The scheduler prepares its
    own runs; a person who prepares by hand is the preparer, so four eyes hold.)"""
    day = execution_date
    settings = root().settings
    actor = proven_actor(session, "runs prepare", username, password_stdin, token)
    batch, _ = prepare_run(session, actor, day, settings, today=clock.today())
    batch_id = batch.id
    click.echo(batch_id)


@click.group()
def batches() -> None:
    """Payment batches: approve, export, settle."""


@batches.command("approve")
@click.argument("batch_id", type=ROW_ID)
@click.option("--as", "username", required=True, help="a finance user who did not prepare the batch")
@proof_options
@use_case()
def batches_approve(session: Session, batch_id: int, username: str, password_stdin: bool, token: str | None) -> None:
    """Approve as that finance user (four-eyes applies), proven by their password on standard input
    (--password-stdin) or their API token in BUDGETBEHEER_TOKEN."""
    batch = approve(session, proven_actor(session, "batches approve", username, password_stdin, token), batch_id)
    status = batch.status
    click.echo(f"batch {batch_id}: {status}")


@batches.command("export")
@click.argument("batch_id", type=ROW_ID)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="file to write (a .zip when the batch is split into several files)")
@click.option("--as", "username", default=None)
@use_case()
def batches_export(session: Session, batch_id: int, out: Path, username: str | None) -> None:
    """Write the pain.001 file(s) of an approved batch.

    The file is complete on disk before the batch's new status is committed: a command killed in between leaves
    the batch approved and a file that the next ``batches export`` writes again with the same bytes (export is
    idempotent and the stored file is deterministic); a command killed while writing leaves no half file."""
    settings = root().settings
    actor = user_actor(session, username)[0] if username else cli_actor(None)
    export(session, actor, batch_id, settings)
    filename, content = download(session, batch_id)
    with atomic_output(out) as temporary, temporary.open("wb") as target:
        target.write(content)
        target.flush()
        os.fsync(target.fileno())
    click.echo(f"{out} ({filename}, {len(content)} bytes)")


@batches.command("sent")
@click.argument("batch_id", type=ROW_ID)
@click.option("--as", "username", required=True)
@use_case()
def batches_sent(session: Session, batch_id: int, username: str) -> None:
    """Record that the file was uploaded to the bank."""
    mark_sent(session, user_actor(session, username)[0], batch_id)
    click.echo(f"batch {batch_id}: sent")


@batches.command("settle")
@click.argument("batch_id", type=ROW_ID)
@click.option("--as", "username", required=True)
@use_case()
def batches_settle(session: Session, batch_id: int, username: str) -> None:
    """Book the batch as executed by the bank (in transit → bank)."""
    batch = settle(session, user_actor(session, username)[0], batch_id)
    status = batch.status
    click.echo(f"batch {batch_id}: {status}")


@batches.command("return")
@click.argument("item_id", type=ROW_ID)
@click.option("--reason-code", required=True, help="the bank's reason code, e.g. AC04")
@click.option("--as", "username", required=True)
@use_case()
def batches_return(session: Session, item_id: int, reason_code: str, username: str) -> None:
    """A payment came back: its money returns to the household's funds; a code meaning the account is wrong or
    closed (AC01, AC04, MD07, ...) holds the IBAN until it is corrected, any other code is paid again."""
    item = return_item(session, user_actor(session, username)[0], item_id, reason_code)
    code, iban = item.return_reason_code or "", item.iban
    next_step = (f"IBAN {iban} held until it is corrected" if holds_iban(code)
                 else "the next run pays it again (for an ended household: to the household as final leefgeld)")
    click.echo(f"payment {item_id}: returned ({describe(code, 'en')}); {next_step}")
