"""The camt.053 and pain.002 readers on hand-written files in each Dutch bank's shape (tests/bankfiles/)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

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

FILES = Path(__file__).resolve().parent.parent / "bankfiles"
CET = timezone(timedelta(hours=1))
NOV3 = date(2025, 11, 3)


def one(name: str) -> Statement:
    statements = list(read_statements(FILES / name))
    assert len(statements) == 1
    return statements[0]


def test_bng_batch_as_one_entry_long_ustrd_and_return() -> None:
    statement = one("bng_camt053_02.xml")
    ustrd = (
        "Uitkering Participatiewet november 2025 klantnummer 4711-0815 huishouden Jansen-de Vries periode 01-11-2025 "
        "t/m 30-11-2025 beschikking 2025-0042 gemeente Voorbeeldstad, afd."
    )
    assert len(ustrd) == 173
    assert statement == Statement(
        kind="camt.053.001.02", message_id="BNG20251104000001", statement_id="BNG-STMT-2025-214",
        sequence_number=214, created_at=datetime(2025, 11, 4, 6, 15), account_iban="NL13BNGH0285167890",
        currency="EUR", from_date=NOV3, to_date=NOV3, opening_balance_cents=12_500_000,
        closing_balance_cents=12_590_585, closing_date=NOV3,
        entries=(
            Entry(
                amount_cents=-184_415, booking_date=NOV3, value_date=NOV3, reversal=False, status="BOOK",
                code=BankCode("PMNT", "ICDT", "ESCT", "BTCH", "BNGBANK"), entry_reference="0001",
                account_servicer_reference="BNG2025110300001",
                additional_info="Verzamelbetaling BB-2025-11-0042-1 3 posten",
                batch=BatchBooking("BB-2025-11-0042-1", "BB-2025-11-0042", 3, 184_415), transfers=(),
            ),
            Entry(
                amount_cents=250_000, booking_date=NOV3, value_date=NOV3, reversal=False, status="BOOK",
                code=BankCode("PMNT", "RCDT", "ESCT", "SCT", "BNGBANK"), entry_reference="0002",
                account_servicer_reference="BNG2025110300002", additional_info="", batch=None,
                transfers=(Transfer(
                    end_to_end_id="UWV-2025-11-884421", amount_cents=250_000,
                    counterparty_name="Gemeente Voorbeeldstad Werk en Inkomen",
                    counterparty_iban="NL86BNGH0285000001", remittance=ustrd,
                ),),
            ),
            Entry(
                amount_cents=25_000, booking_date=NOV3, value_date=NOV3, reversal=False, status="BOOK",
                code=BankCode("PMNT", "ICDT", "RRTN", "RTRN", "BNGBANK"), entry_reference="0003",
                account_servicer_reference=None, additional_info="Retour AC04 rekening opgeheven", batch=None,
                transfers=(Transfer(
                    end_to_end_id=None, amount_cents=25_000, counterparty_name="Woonstichting Thuis",
                    counterparty_iban="NL39RABO0300065264", return_reason="AC04",
                    original_end_to_end_id="BB-2025-10-0041-7",
                ),),
            ),
        ),
    )
    assert statement.entries[1].is_credit and not statement.entries[0].is_credit


def test_ing_transfers_per_batch_return_by_end_to_end_id_scor_cur_and_reversal() -> None:
    statement = one("ing_camt053_02.xml")
    assert statement.opening_balance_cents == -1000
    assert statement.closing_balance_cents == 117_550
    assert sum(entry.amount_cents for entry in statement.entries) == 117_550 - -1000
    assert statement.created_at == datetime(2025, 11, 4, 5, 2, 11, 337000, tzinfo=CET)
    batch, returned, income, reversal = statement.entries
    assert batch.batch == BatchBooking("BB-2025-11-0043-1", None, 2, None)
    assert batch.code == BankCode("PMNT", "ICDT", "ESCT", "10001", "INGGroup")
    first, second = batch.transfers
    assert first == Transfer(
        end_to_end_id="BB-2025-11-0043-1-1", amount_cents=15_025, counterparty_name="Vitens N.V.",
        counterparty_iban="NL91ABNA0417164300", structured_reference="5000056789012345", reference_issuer="CUR",
        bank_reference="ING1-1", message_id="BB-2025-11-0043", payment_information_id="BB-2025-11-0043-1",
    )
    # a further transfer of a debit booked as one entry: its reference and amount (what settling needs)
    assert second == Transfer(end_to_end_id="BB-2025-11-0043-1-2", amount_cents=5_025)
    assert returned.transfers[0].return_reason == "MD07"
    assert returned.transfers[0].original_end_to_end_id == "BB-2025-10-0040-1-9"
    assert returned.transfers[0].counterparty_name == "Zilveren Kruis"
    assert income.value_date == date(2025, 11, 4)
    assert income.transfers[0].end_to_end_id is None
    assert income.transfers[0].counterparty_iban == "NL15INGB0705001903"
    assert reversal.reversal and reversal.transfers == () and reversal.amount_cents == 2000
    assert reversal.additional_info == "Correctie dubbele afschrijving"
    assert reversal.code == BankCode(proprietary="10099", issuer="INGGroup")


def test_abnamro_booking_date_time_version_08_and_rf_reference() -> None:
    statement = one("abnamro_camt053_08.xml")
    assert statement.kind == "camt.053.001.08"
    assert statement.closing_date == NOV3
    assert statement.from_date is None and statement.to_date is None
    (entry,) = statement.entries
    assert entry.booking_date == NOV3
    assert entry.status == "BOOK"
    assert entry.code.issuer == "ABNAMRO"
    assert entry.transfers == (Transfer(
        end_to_end_id="BB-2025-11-0044-1-1", amount_cents=67_999, counterparty_name="Woonstichting Thuis",
        counterparty_iban="NL39RABO0300065264", remittance="Huur november", structured_reference="RF18539007547034",
        reference_issuer="ISO", bank_reference="ABN-0001-TX",
    ),)


def test_rabobank_long_payment_information_id_prcd_and_legal_sequence() -> None:
    statement = one("rabo_camt053_02.xml")
    assert statement.sequence_number == 12
    assert statement.opening_balance_cents == 10_000
    assert statement.closing_balance_cents == -1
    debit, returned = statement.entries
    pmtinfid = debit.transfers[0].payment_information_id
    assert pmtinfid is not None and len(pmtinfid) == 49
    assert returned.transfers[0].end_to_end_id == "RABO-RTRN-991"
    assert returned.transfers[0].original_end_to_end_id == "BB-2025-10-0039-1-4"
    assert returned.transfers[0].return_reason == "AC01"


def test_pain002_03_partly_rejected() -> None:
    assert read_status_report(FILES / "pain002_03_part.xml") == StatusReport(
        kind="pain.002.001.03", message_id="STS-20251104-01", created_at=datetime(2025, 11, 4, 9, 12),
        original_message_id="BB-2025-11-0042", group_status="PART", group_reason=None,
        payment_informations=(
            PaymentInformationStatus("BB-2025-11-0042-1", "ACCP", None, ()),
            PaymentInformationStatus("BB-2025-11-0042-2", "PART", None, (
                TransferStatus("BB-2025-11-0042-2-7", "I-7", "RJCT", "AC04", "Rekening opgeheven"),
                TransferStatus("BB-2025-11-0042-2-8", None, "ACCP", None, ""),
            )),
        ),
    )


def test_pain002_10_group_rejected_and_status_inherited() -> None:
    report = read_status_report(FILES / "pain002_10_rjct.xml")
    assert report.kind == "pain.002.001.10"
    assert (report.group_status, report.group_reason) == ("RJCT", "FF01")
    (block,) = report.payment_informations
    assert (block.status, block.reason) == ("RJCT", "FF01")
    assert block.transfers[0].status == "RJCT"
    assert block.transfers[0].original_end_to_end_id == "BB-2025-11-0050-1-1"


def test_camt054_notification_without_balances() -> None:
    notification = one("ing_camt054_02.xml")
    assert notification.kind == "camt.054.001.02"
    assert (notification.statement_id, notification.sequence_number) == ("NTF-5", 5)
    assert notification.created_at == datetime(2025, 11, 3, 14, 0, tzinfo=UTC)
    assert notification.opening_balance_cents is None and notification.closing_balance_cents is None
    assert notification.currency == "EUR"
    (entry,) = notification.entries
    assert entry.amount_cents == 8710 and entry.value_date is None
    assert entry.code == BankCode("PMNT", "RCDT", "ESCT")
    (transfer,) = entry.transfers
    assert (transfer.structured_reference, transfer.reference_issuer) == ("1234567890123456", "CUR")
    assert transfer.counterparty_name == "Sociale Verzekeringsbank"
