"""Broken and hostile bank files are refused with a clear Dutch message, before anything is parsed where it matters."""

from __future__ import annotations

import ast
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from budgetbeheer.bank import xmlsafe
from budgetbeheer.bank.camt import read_statements
from budgetbeheer.bank.pain002 import read_status_report
from budgetbeheer.bank.xmlsafe import Document, LimitedReader, Limits, Root, iterparse
from budgetbeheer.errors import ValidationError
from budgetbeheer.i18n import english_catalogue, translate

FILES = Path(__file__).resolve().parent.parent / "bankfiles"
BNG = (FILES / "bng_camt053_02.xml").read_bytes()


def refusal(call: Callable[[], Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return str(caught.value.fields["file"])


def statements(source: Any, limits: Limits = xmlsafe.DEFAULT_LIMITS) -> Callable[[], Any]:
    return lambda: list(read_statements(source, limits))


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.7", b"   \n", b"\xff\xd8\xff\xe0"])
def test_not_xml(data: bytes) -> None:
    assert "geen XML" in refusal(statements(data))


def test_malformed_xml_names_the_line() -> None:
    message = refusal(statements(BNG.replace(b"</Ntry>", b"</Ntri>", 1)))
    assert "geen geldige XML (regel " in message


def test_utf16_refused() -> None:
    assert "UTF-16" in refusal(statements(BNG.decode().encode("utf-16")))


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_doctype_refused_before_parsing(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(xmlsafe.etree, "iterparse", no_parsing)
    message = refusal(statements(FILES / name))
    assert "DOCTYPE" in message and name in message
    assert "root:" not in message


@pytest.mark.parametrize("prolog", [
    b'<?xml version="1.0"?><!ENTITY x "y"><Document/>',
    b'<?xml version="1.0"?>\n<?pi data?>\n<!-- c <Document> -->\n<!DOCTYPE Document SYSTEM "http://evil/x.dtd"><Document/>',
    b"\xef\xbb\xbf<!doctype Document><Document/>",
])
def test_any_declaration_in_the_prolog_refused(prolog: bytes) -> None:
    assert "DOCTYPE" in refusal(statements(prolog))


def test_entities_are_never_resolved_even_past_the_scan() -> None:
    for name in ("xxe.xml", "billion_laughs.xml"):
        data = (FILES / name).read_bytes()
        document = Document(name, Root("Document", ""), LimitedReader(io.BytesIO(data), 10**6))
        (message_id,) = iterparse(document, ["MsgId"])
        assert message_id.text is None and len(message_id) == 1  # the entity reference node, unexpanded


def test_too_large_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(BNG)
    assert "groter dan de grens" in refusal(statements(path, Limits(max_bytes=1000)))


def test_too_large_stream_refused_while_reading() -> None:
    message = refusal(statements(io.BytesIO(BNG), Limits(max_bytes=len(BNG) - 10)))
    assert "groter dan de grens" in message


@pytest.mark.parametrize(("name", "what"), [
    ("pain001_not_a_statement.xml", "betaalopdracht (pain.001), versie 001.09"),
    ("pain002_03_part.xml", "statusrapport van betalingen (pain.002), versie 001.03"),
])
def test_another_message_type_is_named(name: str, what: str) -> None:
    message = refusal(statements(FILES / name))
    assert "geen rekeningafschrift (camt.053) maar een " + what in message


def test_statement_given_as_status_report() -> None:
    message = refusal(lambda: read_status_report(FILES / "bng_camt053_02.xml"))
    assert "geen statusrapport van betalingen (pain.002) maar een rekeningafschrift (camt.053)" in message


def test_unknown_version_and_no_iso_message() -> None:
    message = refusal(statements(BNG.replace(b"camt.053.001.02", b"camt.053.001.04")))
    assert "versie 001.04" in message and "wordt niet gelezen" in message
    assert "geen ISO 20022-bericht" in refusal(statements(b"<?xml version='1.0'?><rss><channel/></rss>"))
    message = refusal(lambda: read_status_report(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.05"/>'))
    assert "pain.002" in message and "001.05" in message


def test_negative_amount_refused() -> None:
    message = refusal(statements(BNG.replace(b'<Amt Ccy="EUR">250.00</Amt>', b'<Amt Ccy="EUR">-250.00</Amt>')))
    assert "-250.00" in message and "negatief" in message and "post 3 van afschrift BNG-STMT-2025-214" in message


def test_cents_of_a_cent_refused_trailing_zeros_read() -> None:
    message = refusal(statements(BNG.replace(b'<Amt Ccy="EUR">250.00</Amt>', b'<Amt Ccy="EUR">250.005</Amt>', 1)))
    assert "meer dan twee decimalen" in message
    (statement,) = read_statements(BNG.replace(b'<Amt Ccy="EUR">250.00</Amt>', b'<Amt Ccy="EUR">250.000</Amt>', 1))
    assert statement.entries[2].amount_cents == 25_000
    assert "geen bedrag" in refusal(statements(BNG.replace(b">250.00<", b">2,50<", 1)))


def test_missing_account_iban_refused() -> None:
    data = BNG.replace(b"<IBAN>nl13 bngh 0285 1678 90</IBAN>", b"<Othr><Id>12345</Id></Othr>")
    assert "noemt afschrift BNG-STMT-2025-214 geen IBAN van de rekening" in refusal(statements(data))


def test_entry_in_another_currency_refused() -> None:
    data = BNG.replace(b'<Amt Ccy="EUR">2500.00</Amt>', b'<Amt Ccy="USD">2500.00</Amt>', 1)
    assert "in USD, de rekening in EUR" in refusal(statements(data))


def test_no_statement_in_a_statement_file() -> None:
    data = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>'
    assert "bevat geen afschrift" in refusal(statements(data))


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_of_several_statements_in_order() -> None:
    data = zipped({
        "afschriften/bng.xml": BNG,
        "__MACOSX/._bng.xml": b"junk",
        "ing.XML": (FILES / "ing_camt053_02.xml").read_bytes(),
        "abn.xml": (FILES / "abnamro_camt053_08.xml").read_bytes(),
    })
    found = list(read_statements(data))
    assert [s.account_iban for s in found] == ["NL13BNGH0285167890", "NL20INGB0001234567", "NL02ABNA0123456789"]
    assert list(read_statements(io.BytesIO(data))) == found


def test_zip_member_refusals_name_the_member() -> None:
    assert "(upload)/b.xml" in refusal(statements(zipped({"a.xml": BNG, "b.xml": b"<nope"})))
    message = refusal(statements(zipped({"a.xml": BNG, "b.xml": (FILES / "xxe.xml").read_bytes()})))
    assert "(upload)/b.xml" in message and "DOCTYPE" in message


@pytest.mark.parametrize(("members", "words"), [
    ({"../evil.xml": BNG}, "ongeldige bestandsnaam: ../evil.xml"),
    ({"/etc/evil.xml": BNG}, "ongeldige bestandsnaam"),
    ({"C:/evil.xml": BNG}, "ongeldige bestandsnaam"),
    ({"a\\..\\evil.xml": BNG}, "ongeldige bestandsnaam"),
    ({"a.xml": BNG, "virus.exe": b"MZ"}, "alleen XML-bestanden"),
    ({"inner.zip": b"PK"}, "alleen XML-bestanden"),
    ({}, "bevat geen XML-bestanden"),
])
def test_zip_tricks_refused(members: dict[str, bytes], words: str) -> None:
    assert words in refusal(statements(zipped(members) if members else zipped({"map/": b""})))


def test_zip_bomb_limits() -> None:
    many = zipped({f"s{index}.xml": BNG for index in range(6)})
    assert "bevat 6 bestanden; de grens is 5" in refusal(statements(many, Limits(max_members=5)))
    bomb = zipped({"bomb.xml": BNG + b"<!--" + b" " * 5_000_000 + b"-->"})
    assert len(bomb) < 100_000
    assert "pakt uit tot meer dan de grens" in refusal(statements(bomb, Limits(max_total_bytes=1_000_000)))
    assert "groter dan de grens" in refusal(statements(bomb, Limits(max_bytes=1_000_000)))


def test_zip_lying_about_its_sizes_is_stopped_while_reading() -> None:
    data = bytearray(zipped({"a.xml": BNG + b"<!--" + b" " * 200_000 + b"-->"}, zipfile.ZIP_STORED))
    declared = len(BNG) + 200_007
    small = (1000).to_bytes(4, "little")
    data = data.replace(declared.to_bytes(4, "little"), small)
    message = refusal(statements(bytes(data), Limits(max_total_bytes=100_000)))
    assert "zip" in message


def test_status_report_in_a_zip_refused() -> None:
    data = zipped({"sts.xml": (FILES / "pain002_03_part.xml").read_bytes()})
    assert "niet in een zip" in refusal(lambda: read_status_report(data))


def test_every_refusal_has_an_english_text() -> None:
    catalogue = english_catalogue()
    found = set()
    for path in Path(xmlsafe.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("refuse", "Message") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    assert len(found) > 30
    assert sorted(found - catalogue.keys()) == []


def test_message_parameters_are_translated_too() -> None:
    with pytest.raises(ValidationError) as caught:
        list(read_statements(FILES / "pain001_not_a_statement.xml"))
    english = translate(caught.value.fields["file"], "en")
    assert english == (
        "The file pain001_not_a_statement.xml is not a bank statement (camt.053) but a payment order (pain.001), "
        "version 001.09."
    )


def test_numbers_that_are_not_numbers() -> None:
    assert "volgnummer 21x" in refusal(statements(BNG.replace(b">214<", b">21x<", 1))).lower()
    assert "aantal transacties drie" in refusal(statements(BNG.replace(b"<NbOfTxs>3<", b"<NbOfTxs>drie<")))
    message = refusal(statements(BNG.replace(b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>", b"<Sts>", 1)))
    assert "geen bij- of afschrijving (CdtDbtInd ontbreekt)" in message
    assert "geen datum" in refusal(statements(BNG.replace(b"<BookgDt><Dt>2025-11-03", b"<BookgDt><Dt>3-11-2025", 1)))


class OneWay(io.RawIOBase):
    """An upload stream that cannot be rewound."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_streams_that_cannot_be_rewound() -> None:
    (direct,) = read_statements(BNG)
    assert list(read_statements(OneWay(BNG))) == [direct]
    assert list(read_statements(OneWay(zipped({"a.xml": BNG, "b.xml": BNG})))) == [direct, direct]
    assert "groter dan de grens" in refusal(statements(OneWay(BNG), Limits(max_bytes=2000)))
