"""Reports through the CLI, the API and the web page; the hledger round trip; formula neutralisation; permissions."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.reports.reports import trial_balance_lines
from budgetbeheer.users.models import User
from tests.integration.test_reports_figures import FORMULA_CREDITOR, FORMULA_DESCRIPTION, Q1, build_books

HLEDGER = shutil.which("hledger")
LEDGER = shutil.which("ledger")
Q1_ARGS = {"from": "2026-01-01", "to": "2026-03-31"}
ALL_TIME = DateRange(date(2000, 1, 1), date(2030, 12, 31))


def _need(tool: str | None, name: str) -> str:
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: `make test` installs Debian's {name} package")
        pytest.skip(f"{name} is not installed (Debian package {name}; make test installs it as root)")
    return tool


def _bal(tool: str, journal: Path, *extra: str) -> dict[str, int]:
    """Per-account closing balance in cents from `hledger bal` / `ledger bal` (flat, no totals)."""
    args = [tool, "-f", str(journal), "bal", "--flat", "--no-total", *extra]
    output = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    balances: dict[str, int] = {}
    for line in output.splitlines():
        match = re.match(r"\s*(-?)EUR (-?[\d,]+\.\d\d)\s+(\S+)\s*$", line) or re.match(
            r"\s*EUR\s+(-?)([\d,]+\.\d\d)\s+(\S+)\s*$", line)
        if match:
            sign, number, account = match.groups()
            cents = int(Decimal(number.replace(",", "")) * 100)
            balances[account] = -cents if sign else cents
        elif line.strip() in ("0", ""):
            continue
        else:
            zero = re.match(r"\s*0\s+(\S+)\s*$", line)
            assert zero, f"unexpected line {line!r}"
            balances[zero.group(1)] = 0
    return balances


def _expected(session: Session, period: DateRange) -> dict[str, int]:
    from budgetbeheer.reports.hledger import account_name

    return {account_name(line.account, line.kind): line.closing for line in trial_balance_lines(session, period)}


def test_hledger_round_trip_check_and_balances_equal_the_trial_balance(
    session: Session, cli: Callable[..., Any], tmp_path: Path
) -> None:
    hledger = _need(HLEDGER, "hledger")
    build_books(session)
    journal = tmp_path / "books.journal"
    result = cli("ledger", "export", "--format", "hledger", "--out", str(journal))
    assert result.exit_code == 0, result.output
    assert "11 transactions" in result.output
    text = journal.read_text(encoding="utf-8")
    assert "assets:bank" in text and "liabilities:households:" in text and "EUR -650.00" in text
    assert '=HYPERLINK("http:' in text  # a description, sanitised to one line without comment characters
    subprocess.run([hledger, "-f", str(journal), "check"], check=True, capture_output=True)
    balances = _bal(hledger, journal)
    assert {k: v for k, v in balances.items() if v} == {k: v for k, v in _expected(session, ALL_TIME).items() if v}
    assert balances["assets:bank"] == 3499_99
    # the quarter: hledger's end date is exclusive
    quarter = _bal(hledger, journal, "-e", "2026-04-01")
    assert {k: v for k, v in quarter.items() if v} == {k: v for k, v in _expected(session, Q1).items() if v}
    assert quarter["assets:bank"] == 2500_00


def test_ledger_cli_reads_the_same_journal(session: Session, cli: Callable[..., Any], tmp_path: Path) -> None:
    ledger_tool = _need(LEDGER, "ledger")
    build_books(session)
    journal = tmp_path / "books.journal"
    assert cli("ledger", "export", "--out", str(journal)).exit_code == 0
    from budgetbeheer.audit.models import AuditEntry

    noted = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.exported")).all()
    assert [entry.entity_id for entry in noted] == ["ledger"]
    balances = _bal(ledger_tool, journal)
    assert {k: v for k, v in balances.items() if v} == {k: v for k, v in _expected(session, ALL_TIME).items() if v}
    assert balances["assets:bank"] == 3499_99


def test_cli_writes_csv_and_xlsx_and_refuses_bad_input_without_writing(
    session: Session, cli: Callable[..., Any], tmp_path: Path
) -> None:
    build_books(session)
    out = tmp_path / "tb.csv"
    result = cli("reports", "trial-balance", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    bank = next(row for row in rows if row["account"] == "bank")
    assert (bank["opening"], bank["debit"], bank["credit"], bank["closing"]) == ("1000.00", "2160.00", "660.00",
                                                                                 "2500.00")
    nl = tmp_path / "tb-nl.csv"
    assert cli("reports", "trial-balance", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv-nl",
               "--out", str(nl)).exit_code == 0
    raw = nl.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    nl_rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    # finding (issue 15, Language): the Dutch CSV is for a person; its header row is in Dutch (csv keeps the keys)
    assert next(r for r in nl_rows if r["Rekening"] == "in_transit")["Eindsaldo (debet +)"] == "-300,00"
    bad = tmp_path / "bad.csv"
    result = cli("reports", "journal", "--from", "2026-03-31", "--to", "2026-01-01", "--out", str(bad))
    assert result.exit_code == 1 and "einddatum" in result.output.lower()
    assert not bad.exists()
    totals = tmp_path / "totals.csv"
    assert cli("reports", "trial-balance", "--from", "2026-01-01", "--to", "2026-03-31", "--table", "totals",
               "--out", str(totals)).exit_code == 0
    assert totals.read_text(encoding="utf-8").splitlines()[1] == "0.00,4070.00,4070.00,0.00,true"
    noted = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.exported")).all()
    assert len(noted) == 3 and noted[0].actor == "system:cli"


def test_csv_and_xlsx_neutralise_formulas_but_keep_negative_amounts_numeric(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    build_books(session)
    headers = api_token("anton", "accountant")
    journal_csv = client.get("/api/v1/reports/journal", query_string={**Q1_ARGS, "format": "csv"}, headers=headers)
    assert journal_csv.status_code == 200
    rows = list(csv.DictReader(io.StringIO(journal_csv.get_data(as_text=True))))
    descriptions = {row["description"] for row in rows}
    assert "'" + FORMULA_DESCRIPTION in descriptions and FORMULA_DESCRIPTION not in descriptions
    assert {row["amount"] for row in rows if row["description"] == "'" + FORMULA_DESCRIPTION} == {"1200.00",
                                                                                                "-1200.00"}
    payments = client.get("/api/v1/reports/payments", query_string={**Q1_ARGS, "format": "csv", "table": "by_creditor"},
                          headers=headers)
    assert "'" + FORMULA_CREDITOR in payments.get_data(as_text=True)
    xlsx = client.get("/api/v1/reports/journal", query_string={**Q1_ARGS, "format": "xlsx"}, headers=headers)
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    sheet = book["Journaalposten"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    texts = {row[7] for row in values}
    assert "'" + FORMULA_DESCRIPTION in texts
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    amounts = [row[6] for row in values]
    assert all(isinstance(a, (int, float, Decimal)) for a in amounts) and min(amounts) == -1200


def test_api_json_report_and_errors(session: Session, client: FlaskClient,
                                    api_token: Callable[..., dict[str, str]]) -> None:
    books = build_books(session)
    headers = api_token("anton", "accountant")
    response = client.get("/api/v1/reports/accountability", query_string=Q1_ARGS, headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data())["data"]
    assert (data["from"], data["to"], data["range"], data["report"]) == ("2026-01-01", "2026-03-31", "inclusive",
                                                                         "accountability")
    assert data["exported_by"] == "Anton (anton)"
    total = data["tables"]["totals"][0]
    assert (total["paid_total"], total["person_months"], total["households_active"]) == ("1820.00", "12.04", 3)
    assert [m["period"] for m in data["tables"]["months"]] == ["2026-01", "2026-02", "2026-03"]
    statement = client.get("/api/v1/reports/statement", headers=headers,
                           query_string={**Q1_ARGS, "household_id": books.households["H2"]}).get_json()["data"]
    assert [row["balance"] for row in statement["tables"]["movements"]] == ["0.00", "900.00", "1200.00", "1210.00",
                                                                            "1200.00"]
    bad = client.get("/api/v1/reports/journal", query_string={"from": "2026-13-01", "format": "pdf"}, headers=headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"from", "to"}
    bad_format = client.get("/api/v1/reports/journal", query_string={**Q1_ARGS, "format": "pdf"}, headers=headers)
    assert bad_format.status_code == 422 and "format" in bad_format.get_json()["error"]["fields"]
    assert client.get("/api/v1/reports/nonsense", query_string=Q1_ARGS, headers=headers).status_code == 404
    assert client.get("/api/v1/reports/journal", query_string=Q1_ARGS).status_code == 401
    caseworker = api_token("karin", "caseworker")
    assert client.get("/api/v1/reports/journal", query_string=Q1_ARGS, headers=caseworker).status_code == 403
    finance = api_token("fatima", "finance")
    assert client.get("/api/v1/reports/journal", query_string=Q1_ARGS, headers=finance).status_code == 200
    assert client.get("/api/v1/reports/audit", query_string=Q1_ARGS, headers=finance).status_code == 403
    audit = client.get("/api/v1/reports/audit", query_string=Q1_ARGS, headers=headers).get_json()["data"]
    assert audit["tables"]["verification"][0]["intact"] is True


def test_web_page_download_and_accountability_on_screen(session: Session, client: FlaskClient,
                                                        login: Callable[..., User]) -> None:
    build_books(session)
    login("anton", "accountant")
    home = client.get("/").get_data(as_text=True)
    assert "/reports/" in home
    page = client.get("/reports/")
    assert page.status_code == 200 and 'name="from"' in page.get_data(as_text=True)
    download = client.get("/reports/download", query_string={"report": "trial-balance", "format": "xlsx", **Q1_ARGS})
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.get_data()))
    assert book.sheetnames == ["Rapport", "Proef- en saldibalans", "Totalen"]  # the sheets named in Dutch
    header = {row[0].value: row[1].value for row in book["Rapport"].iter_rows()}
    assert header["Gemeente"] == "Gemeente Voorbeeld" and header["Geëxporteerd door"] == "Anton (anton)"
    assert header["Periode (beide data inbegrepen)"] == "2026-01-01 t/m 2026-03-31"
    invalid = client.get("/reports/download", query_string={"report": "journal", "from": "x", "to": "2026-01-01"})
    assert invalid.status_code == 422 and 'aria-invalid="true"' in invalid.get_data(as_text=True)
    screen = client.get("/reports/accountability", query_string=Q1_ARGS)
    html = screen.get_data(as_text=True)
    assert screen.status_code == 200
    assert html.count("<svg") == 3 and html.count("<title id=") == 3 and html.count("<desc id=") == 3
    assert "12.04" in html and "€ 1.820,00" in html
    # no inline style or script (the CSP allows neither); the one script is the static file every page loads
    assert "style=" not in html and "<script>" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/form-errors.js" defer>']


def test_accountant_gets_403_or_405_on_every_write_route(
    app: Flask, client: FlaskClient, login: Callable[..., User], api_token: Callable[..., dict[str, str]]
) -> None:
    """Every POST/PUT/PATCH/DELETE rule of the whole app, other features' included."""
    public = {"auth.login", "auth.logout", "auth.set_language",
              "account.new_token", "account.revoke",
              "account.revoke_confirm"}  # everyone's own API tokens (issue 14): tests/integration/test_sessions.py
    # Reads that POST so that a BSN never goes in a URL (issue 14, finding 6): tests/integration/test_bsn_search.py
    public |= {"households.search", "api.households_search"}
    # One's own log-in: the second step and the identity provider (public), one's own two-step code (issue 14):
    # tests/integration/test_totp.py and test_oidc.py
    public |= {"second_step.code", "second_step.enrol", "oidc.start", "account.totp_start", "account.totp_confirm",
               "account.totp_disable"}
    login("anton", "accountant")
    headers = api_token("anton2", "accountant")
    checked = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.endpoint in public or rule.endpoint == "static":
            continue
        url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        for method in sorted(methods):
            response = client.open(url, method=method, headers=headers if rule.endpoint.startswith("api.") else None,
                                   json={} if rule.endpoint.startswith("api.") else None)
            assert response.status_code in (403, 405), (rule.rule, method, response.status_code)
            checked.append((rule.rule, method))
    assert len(checked) >= 5
