"""The test-statement writer: every bank shape and version reads back as the same values, and it streams."""

from __future__ import annotations

import dataclasses
import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from budgetbeheer.bank import camt
from budgetbeheer.bank.camt import read_statements
from budgetbeheer.bank.model import (
    BankCode,
    BatchBooking,
    Entry,
    PaymentInformationStatus,
    Statement,
    StatusReport,
    Transfer,
    TransferStatus,
)
from budgetbeheer.bank.pain002 import read_status_report
from budgetbeheer.bank.statement_writer import (
    SHAPES,
    statement_bytes,
    status_report_bytes,
    write_statement,
    write_statements,
)

DAY = date(2025, 11, 3)
OUT = BankCode("PMNT", "ICDT", "ESCT", "10001", "INGGroup")
IN = BankCode("PMNT", "RCDT", "ESCT")
RETURN = BankCode("PMNT", "ICDT", "RRTN", "RTRN", "BNGBANK")


def transfer(number: int, **changes: object) -> Transfer:
    base = Transfer(
        end_to_end_id=f"BB-1-{number}", amount_cents=1000 + number, counterparty_name=f"Schuldeiser {number}",
        counterparty_iban="NL91ABNA0417164300", remittance=f"Termijn {number}", message_id="BB-1",
        payment_information_id="RABO-" + "P" * 44, bank_reference=f"TX{number}",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def entry(amount: int, *transfers: Transfer, **changes: object) -> Entry:
    base = Entry(
        amount_cents=amount, booking_date=DAY, value_date=DAY, reversal=False, status="BOOK", code=OUT,
        entry_reference=None, account_servicer_reference=None, additional_info="", batch=None, transfers=transfers,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def statement(kind: str, *, batch_details: bool) -> Statement:
    batch = (transfer(1), transfer(2))
    return Statement(
        kind=kind, message_id="MSG-1", statement_id="STMT-1", sequence_number=42,
        created_at=datetime(2025, 11, 4, 6, 0, tzinfo=timezone(timedelta(hours=1))),
        account_iban="NL13BNGH0285167890", currency="EUR", from_date=DAY, to_date=DAY,
        opening_balance_cents=-500, closing_balance_cents=1_000_000, closing_date=DAY,
        entries=(
            entry(-2003, *(batch if batch_details else ()), batch=BatchBooking("BB-1-P", "BB-1", 2, 2003),
                  additional_info="Verzamelbetaling", account_servicer_reference="ASR1", entry_reference="1"),
            entry(-1003, transfer(3, structured_reference="RF18539007547034", reference_issuer="ISO")),
            entry(250_000, Transfer(
                end_to_end_id=None, amount_cents=250_000, counterparty_name="UWV", counterparty_iban="NL15INGB0705001903",
                remittance="x" * 173, structured_reference="5000056789012345", reference_issuer="CUR",
            ), code=IN, value_date=None),
            entry(1003, transfer(4, return_reason="AC04", original_end_to_end_id="BB-1-4"), code=RETURN),
            entry(1005, transfer(5, end_to_end_id=None, return_reason="MD07", original_end_to_end_id="BB-0-5"),
                  code=RETURN),
            entry(1006, transfer(6, end_to_end_id="RTRN-6", return_reason="AC01", original_end_to_end_id="BB-0-6"),
                  code=RETURN, status="BOOK"),
            entry(2003, reversal=True, code=BankCode(proprietary="REV", issuer="ABNAMRO"), additional_info="Correctie"),
            entry(-99, Transfer(amount_cents=None), code=BankCode()),
        ),
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", ["camt.053.001.02", "camt.053.001.08", "camt.054.001.02", "camt.054.001.08"])
def test_round_trip_in_every_shape(shape: str, kind: str) -> None:
    written = statement(kind, batch_details=shape != "BNG")
    assert list(read_statements(statement_bytes(written, shape=shape))) == [as_read(written)]


def as_read(written: Statement) -> Statement:
    """What the reader gives back: of a debit with several transfers the first in full, the others' EndToEndId and
    amount (see :class:`~budgetbeheer.bank.model.Entry`)."""
    def entry_as_read(e: Entry) -> Entry:
        if e.amount_cents > 0 or len(e.transfers) < 2:
            return e
        rest = tuple(Transfer(end_to_end_id=t.end_to_end_id, amount_cents=t.amount_cents) for t in e.transfers[1:])
        return dataclasses.replace(e, transfers=(e.transfers[0], *rest))
    return dataclasses.replace(written, entries=tuple(entry_as_read(e) for e in written.entries))


def test_bng_leaves_out_the_details_of_a_batch_the_others_keep_them() -> None:
    written = statement("camt.053.001.02", batch_details=True)
    (bng,) = read_statements(statement_bytes(written, shape="BNG"))
    assert bng.entries[0].transfers == () and bng.entries[0].batch == written.entries[0].batch
    assert bng.entries[1:] == written.entries[1:]
    for shape in ("ING", "ABNAMRO", "RABO"):
        (other,) = read_statements(statement_bytes(written, shape=shape))
        assert other.entries[0].transfers == as_read(written).entries[0].transfers


def test_shape_details_in_the_xml() -> None:
    written = statement("camt.053.001.02", batch_details=False)
    abn = statement_bytes(written, shape="ABNAMRO", version="camt.053.001.08")
    assert b"<BookgDt><DtTm>2025-11-03T00:00:00.000+01:00</DtTm></BookgDt>" in abn
    assert b"<Sts><Cd>BOOK</Cd></Sts>" in abn and b"<Cdtr><Pty><Nm>" in abn
    bng = statement_bytes(written, shape="BNG")
    assert b"<OrgnlEndToEndId>BB-1-4</OrgnlEndToEndId>" in bng
    ing = statement_bytes(written, shape="ING")
    assert b"<OrgnlEndToEndId>BB-1-4</OrgnlEndToEndId>" not in ing and b"<EndToEndId>BB-1-4</EndToEndId>" in ing
    assert ing.count(b'xmlns="') == 1
    unissued = dataclasses.replace(written, entries=(entry(-5, code=BankCode(proprietary="X1")),))
    for shape, issuer in (("BNG", "BNGBANK"), ("ING", "INGGroup"), ("ABNAMRO", "ABNAMRO"), ("RABO", "RABOBANK")):
        (read,) = read_statements(statement_bytes(unissued, shape=shape))
        assert read.entries[0].code == BankCode(proprietary="X1", issuer=issuer)


def test_several_statements_in_one_file(tmp_path: Path) -> None:
    first = statement("camt.053.001.02", batch_details=True)
    second = dataclasses.replace(first, statement_id="STMT-2", sequence_number=43, entries=first.entries[2:4])
    path = tmp_path / "twee.xml"
    write_statements(path, [first, second], shape="RABO")
    assert list(read_statements(path)) == [as_read(first), as_read(second)]


def test_unknown_shape_or_version() -> None:
    written = statement("camt.053.001.02", batch_details=True)
    with pytest.raises(ValueError, match="shape"):
        statement_bytes(written, shape="SNS")
    with pytest.raises(ValueError, match="version"):
        statement_bytes(written, shape="ING", version="camt.053.001.04")


@pytest.mark.parametrize("version", ["pain.002.001.03", "pain.002.001.10"])
def test_status_report_round_trip(version: str) -> None:
    report = StatusReport(
        kind=version, message_id="STS-1", created_at=datetime(2025, 11, 4, 9, 0), original_message_id="BB-1",
        group_status="PART", group_reason=None,
        payment_informations=(
            PaymentInformationStatus("BB-1-1", "ACCP", None, ()),
            PaymentInformationStatus("BB-1-2", None, None, (
                TransferStatus("BB-1-2-1", "I1", "RJCT", "AC04", "Rekening opgeheven"),
                TransferStatus("BB-1-2-2", None, "ACSC", None),
            )),
            PaymentInformationStatus("BB-1-3", "RJCT", "AM04", ()),
        ),
    )
    assert read_status_report(status_report_bytes(report)) == report
    rejected = dataclasses.replace(report, group_status="RJCT", group_reason="FF01", payment_informations=())
    assert read_status_report(status_report_bytes(rejected, version)) == rejected


def many_entries(count: int) -> Iterator[Entry]:
    for number in range(count):
        if number % 2:
            yield entry(-(1000 + number), transfer(number))
        else:
            yield entry(500 + number, Transfer(
                amount_cents=500 + number, counterparty_name="UWV", counterparty_iban="NL15INGB0705001903",
                remittance=f"Uitkering klant {number}",
            ), code=IN)


def write_peak(path: Path, header: Statement, count: int) -> int:
    tracemalloc.start()
    try:
        write_statement(path, header, shape="ING", entries=many_entries(count))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_streaming_writer_and_reader_keep_memory_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = 20_000
    header = dataclasses.replace(statement("camt.053.001.02", batch_details=True), entries=())
    small, large = write_peak(tmp_path / "s.xml", header, 500), write_peak(tmp_path / "l.xml", header, 4000)
    assert large < small * 1.5 + 200_000  # eight times the entries, not eight times the memory: one entry at a time
    path = tmp_path / "maand.xml"
    write_statement(path, header, shape="ING", entries=many_entries(count))
    assert path.stat().st_size > 5_000_000

    widest = 0
    release = camt.release

    def watching(element: etree._Element) -> None:
        nonlocal widest
        parent = element.getparent()
        if parent is not None:
            widest = max(widest, len(parent))
        release(element)

    monkeypatch.setattr(camt, "release", watching)
    (read,) = read_statements(path)
    assert len(read.entries) == count
    assert read.entries[-1].amount_cents == -20_999 and read.entries[-1].transfers[0].end_to_end_id == "BB-1-19999"
    assert widest < 500  # the header, the entry being read and those libxml2 parsed ahead in its buffer: never the file


def test_a_file_object_target() -> None:
    buffer = io.BytesIO()
    written = statement("camt.053.001.08", batch_details=True)
    write_statement(buffer, written, shape="ABNAMRO")
    assert list(read_statements(buffer.getvalue())) == [as_read(written)]
