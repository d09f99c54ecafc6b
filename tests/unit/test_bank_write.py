"""Issue 12, writing what the bank must accept: .09 with Cdtr/PstlAdr, .03 with Ctry/AdrLine, the file size limit,
the EEA address rule, and the execution-date range."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from lxml import etree

from budgetbeheer import validation as v
from budgetbeheer.domain.address import PostalAddress, needs_address
from budgetbeheer.domain.calendar import check_execution_date, execution_date_range
from budgetbeheer.errors import ValidationError
from budgetbeheer.payments.sepa.bundle import build_bank_files
from budgetbeheer.payments.sepa.model import DEFAULT_VERSION, DebtorAccount, Transfer
from budgetbeheer.payments.sepa.schema import validate_xml

DEBTOR = DebtorAccount("Gemeente Voorbeeld", "NL73BNGH0285050515")
EXECUTION = date(2027, 3, 25)
CREATED = datetime(2027, 3, 24, 8, 30, tzinfo=UTC)
SWISS_IBAN = "CH9300762011623852957"
ZURICH = PostalAddress("Bahnhofstrasse", "1", "8001", "Zürich", "CH")


def swiss(number: int = 1, address: PostalAddress | None = ZURICH) -> Transfer:
    return Transfer(f"BB-1-{number}", "Zürcher Versicherung", SWISS_IBAN, None, 10_000 + number,
                    creditor_address=address)


def dutch(number: int) -> Transfer:
    return Transfer(f"BB-1-{number}", f"Crediteur {number}", "NL91ABNA0417164300", None, 10_000 + number,
                    remittance_text="vaste lasten maart",
                    creditor_address=PostalAddress("Stationsweg", "12a", "1234 AB", "Utrecht", "NL"))


def creditor_address(content: bytes) -> dict[str, str]:
    root = etree.fromstring(content)
    ns = {"p": root.nsmap[None]}
    node = root.find(".//p:CdtTrfTxInf/p:Cdtr/p:PstlAdr", ns)
    assert node is not None
    return {etree.QName(child).localname + str(i): str(child.text) for i, child in enumerate(node)}


def test_the_default_is_09_with_a_structured_address_that_passes_the_xsd() -> None:
    assert DEFAULT_VERSION == "pain.001.001.09"
    [file] = build_bank_files(DEBTOR, [swiss()], EXECUTION, "BB-1", created_at=CREATED)
    assert file.version == "pain.001.001.09"
    assert validate_xml(file.content, "pain.001.001.09") == []
    assert creditor_address(file.content) == {
        "StrtNm0": "Bahnhofstrasse", "BldgNb1": "1", "PstCd2": "8001", "TwnNm3": "Zurich", "Ctry4": "CH"}
    assert ("creditor_address.town_name", "Zurich") in [(c.field, c.after) for c in file.changes]


def test_03_still_works_with_country_and_address_lines() -> None:
    [file] = build_bank_files(DEBTOR, [swiss()], EXECUTION, "BB-1", created_at=CREATED, version="pain.001.001.03")
    assert validate_xml(file.content, "pain.001.001.03") == []
    assert creditor_address(file.content) == {"Ctry0": "CH", "AdrLine1": "Bahnhofstrasse 1", "AdrLine2": "8001 Zurich"}


def test_a_transfer_outside_the_eea_without_an_address_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as info:
        build_bank_files(DEBTOR, [swiss(address=None)], EXECUTION, "BB-1", created_at=CREATED)
    assert "Europese Economische Ruimte" in str(info.value.fields["transfers[0].creditor_address"])
    assert needs_address("GB29NWBK60161331926819") and needs_address("SM86U0322509800000000270100")
    assert not needs_address("NL91ABNA0417164300") and not needs_address("FR1420041010050500013M02606")


@pytest.mark.parametrize("version", ["pain.001.001.03", "pain.001.001.09"])
def test_a_batch_above_the_size_limit_is_split_into_valid_files(version: str) -> None:
    transfers = [dutch(n) for n in range(1, 201)]
    [whole] = build_bank_files(DEBTOR, transfers, EXECUTION, "BB-1", created_at=CREATED, version=version)  # type: ignore[arg-type]
    limit = 20_000
    assert len(whole.content) > 3 * limit
    files = build_bank_files(DEBTOR, transfers, EXECUTION, "BB-1", created_at=CREATED, version=version,  # type: ignore[arg-type]
                             max_bytes=limit)
    assert len(files) >= 4 and all(len(f.content) <= limit for f in files)
    assert [f.msg_id for f in files] == [f"BB-1-{n}" for n in range(1, len(files) + 1)]
    assert [e for f in files for e in f.end_to_end_ids] == [t.end_to_end_id for t in transfers]
    assert sum(f.control_sum_cents for f in files) == sum(t.amount_cents for t in transfers)
    assert all(validate_xml(f.content, version) == [] for f in files)
    # both limits at once: the count splits first, the size splits further
    both = build_bank_files(DEBTOR, transfers, EXECUTION, "BB-1", created_at=CREATED, version=version,  # type: ignore[arg-type]
                            max_bytes=limit, max_per_file=30)
    assert all(f.count <= 30 and len(f.content) <= limit for f in both)
    with pytest.raises(ValueError, match="max_bytes"):
        build_bank_files(DEBTOR, transfers, EXECUTION, "BB-1", created_at=CREATED, max_bytes=100)


def test_execution_date_in_the_past_or_more_than_364_days_ahead_is_refused_naming_the_next_possible_date() -> None:
    today = date(2026, 12, 3)  # Thursday
    with pytest.raises(ValidationError) as past:
        check_execution_date(date(2026, 12, 2), today)
    assert "verleden" in str(past.value.fields["execution_date"])
    assert "2026-12-03" in str(past.value.fields["execution_date"])
    with pytest.raises(ValidationError) as far:
        check_execution_date(date(2027, 12, 3), today)  # 365 days ahead
    message = str(far.value.fields["execution_date"])
    assert "364" in message and "2026-12-03" in message and "2027-12-02" in message
    assert check_execution_date(date(2027, 12, 2), today) == date(2027, 12, 2)  # 364 days ahead, a Thursday
    assert check_execution_date(today, today) == today
    saturday = date(2026, 12, 5)
    assert execution_date_range(saturday) == (date(2026, 12, 7), date(2027, 12, 3))
    with pytest.raises(ValidationError) as past_weekend:
        check_execution_date(date(2026, 12, 4), saturday)
    assert "2026-12-07" in str(past_weekend.value.fields["execution_date"])
    with pytest.raises(ValidationError) as closed:  # the TARGET2 text is kept
        check_execution_date(date(2026, 12, 26), today)
    assert "is geen TARGET2-werkdag; de eerstvolgende werkdag is 2026-12-28" in str(closed.value.fields["execution_date"])


def test_address_validation() -> None:
    errors = v.Errors()
    assert v.postal_address(errors, {"street_name": "Dorpsstraat", "country": "nl"}) == {
        "street_name": "Dorpsstraat", "building_number": None, "postal_code": None, "town_name": None,
        "country": "NL"}
    assert set(errors.fields) == {"town_name"}
    errors = v.Errors()
    v.postal_address(errors, {"town_name": "x" * 36, "country": "XX", "postal_code": "1" * 17})
    assert set(errors.fields) == {"town_name", "country", "postal_code"}
    errors = v.Errors()
    assert not any(v.postal_address(errors, {}, iban_text="NL91ABNA0417164300").values()) and not errors
    v.postal_address(errors, {}, iban_text=SWISS_IBAN)
    assert set(errors.fields) == {"town_name", "country"}
