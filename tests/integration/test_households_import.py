"""``budgetbeheer receipts import`` and ``creditors import``: all lines or none, errors with line numbers."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.cli import main
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import household_balance
from budgetbeheer.tables.households import Creditor, Receipt
from tests.factories import enrol, person_data

HEADER = "household_id,amount,date,kind,reference\n"


@pytest.fixture
def household_id(session: Session) -> int:
    household = enrol(session, Actor.system("test"), start=date(2026, 3, 1), iban="NL20INGB0001234567",
                      persons=[person_data(bsn="111222333", first_name="Yonas", last_name="Tesfay",
                                           date_of_birth="1995-05-05")],
                      account_holder="Y. Tesfay", leefgeld={"frequency": "weekly", "day": 2, "buffer": "0"})
    session.commit()
    return household.id


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> object:
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_SECRET_KEY", "test-secret")

    def invoke(content: bytes, command: str = "receipts") -> tuple[int, str, str]:
        path = tmp_path / "upload.csv"
        path.write_bytes(content)
        result = CliRunner().invoke(main, [command, "import", str(path)])
        return result.exit_code, result.stdout, result.stderr

    return invoke


def receipts_written(session: Session) -> tuple[int, int]:
    session.rollback()
    result = (int(session.scalar(select(func.count()).select_from(Receipt)) or 0),
              int(session.scalar(select(func.count()).select_from(Transaction)) or 0))
    session.rollback()
    return result


def test_import_books_every_line_once(run: object, session: Session, household_id: int) -> None:
    content = (HEADER + f"{household_id},1300.00,2026-03-25,benefit,UWV maart\n"
               f"{household_id},\"45,50\",2026-03-26,allowance,\n").encode()
    code, out, err = run(content)  # type: ignore[operator]
    assert code == 0, err
    assert "booked 2" in out
    code, out, _ = run(content)  # type: ignore[operator]
    assert code == 0 and "booked 0" in out and "2 already booked" in out
    session.rollback()
    assert household_balance(session, household_id) == 134550
    session.rollback()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"household_id,amount,date\n1,10.00,2026-03-01\n", "kind"),
        (b"household_id;amount;date;kind\n1;10.00;2026-03-01;benefit\n", "komma"),
        ("household_id,amount,date,kind,reference\n{id},10.00,2026-03-01,benefit,Caf\u00e9\n".encode("latin-1"),
         "UTF-8"),
        (b"household_id,amount,date,kind,reference\n{id},10.00,2026-03-01,benefit,=HYPERLINK(1)\n", "formule"),
        (b"household_id,amount,date,kind,reference\n{id},10.00,2026-03-01,benefit,@SUM(A1)\n", "formule"),
        (b"household_id,amount,date,kind\n999999,10.00,2026-03-01,benefit\n", "regel 2: household_id"),
        (b"household_id,amount,date,kind\n{id},10.00,2026-03-01,benefit\n{id},0.00,2026-03-01,benefit\n",
         "regel 3: amount"),
    ],
)
def test_import_refuses_bad_files_and_books_nothing(
    run: object, session: Session, household_id: int, content: bytes, expected: str
) -> None:
    content = content.replace(b"{id}", str(household_id).encode())
    before = receipts_written(session)
    code, _, err = run(content)  # type: ignore[operator]
    assert code == 1
    assert expected in err
    assert receipts_written(session) == before


def test_import_of_50000_lines_with_one_bad_line_is_fast_and_names_it(
    run: object, session: Session, household_id: int
) -> None:
    lines = [f"{household_id},12.34,2026-03-02,allowance,ref {n}" for n in range(50_000)]
    lines[31_336] = f"{household_id},12.345,2026-03-02,allowance,ref bad"
    content = (HEADER + "\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    code, _, err = run(content)  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    assert code == 1
    assert "regel 31338: amount" in err
    assert err.count("regel ") == 1
    assert receipts_written(session) == (0, 0)
    assert elapsed < 15, f"took {elapsed:.1f}s"


def test_creditors_import(run: object, session: Session) -> None:
    good = (b"name,iban,default_category,reference_required,reference_kind\n"
            b"Vitens,NL20INGB0001234567,water,ja,betalingskenmerk\n"
            b"Eneco,NL91ABNA0417164300,energy,nee,free_text\n")
    code, out, err = run(good, "creditors")  # type: ignore[operator]
    assert code == 0, err
    assert "added 2" in out
    bad = b"name,iban\nWaternet,NL91ABNA0417164301\n"
    code, _, err = run(bad, "creditors")  # type: ignore[operator]
    assert code == 1 and "regel 2: iban" in err
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Creditor)) == 2
    session.rollback()
