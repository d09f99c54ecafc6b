"""An accountant downloads the accountability report as XLSX from the reports page; it opens with openpyxl."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from budgetbeheer.users.models import User
from tests.integration.test_reports_figures import build_books


def test_accountant_downloads_the_accountability_report_as_xlsx(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None],
    tmp_path: Path,
) -> None:
    build_books(session)
    make_user("anton", "accountant")
    browser_login("anton")
    page.get_by_role("link", name="Rapportages").first.click()
    page.wait_for_url("**/reports/")
    page.get_by_label("Rapport").select_option("accountability")
    page.get_by_label("Van (begindatum)").fill("2026-01-01")
    page.get_by_label("Tot en met (einddatum)").fill("2026-03-31")
    page.get_by_label("Formaat").select_option("xlsx")
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    download = info.value
    assert download.suggested_filename == "accountability-2026-01-01-2026-03-31.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    book = load_workbook(target)
    assert book.sheetnames == ["Rapport", "Verantwoording per maand", "Verantwoording over de periode",
                               "Aansluiting met de boekhouding", "Onbetaalde termijnen", "Aansluiting met de bank"]
    header = {row[0].value: row[1].value for row in book["Rapport"].iter_rows()}
    assert header["Geëxporteerd door"] == "Anton (anton)"
    labels = [cell.value for cell in book["Verantwoording over de periode"][1]]
    totals = dict(zip(labels, [cell.value for cell in book["Verantwoording over de periode"][2]], strict=True))
    assert totals["Betaald: totaal"] == 1820 and totals["Huishoudens actief"] == 3
    assert [row[0].value for row in book["Verantwoording per maand"].iter_rows(min_row=2)] == ["2026-01", "2026-02", "2026-03"]


def test_accountability_on_screen_has_three_accessible_charts(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None],
) -> None:
    build_books(session)
    make_user("anton", "accountant")
    browser_login("anton")
    page.goto("/reports/?report=accountability&from=2026-01-01&to=2026-03-31")
    page.get_by_role("button", name="Verantwoording op het scherm").click()
    page.wait_for_url("**/reports/accountability?**")
    charts = page.get_by_role("img")
    assert charts.count() == 3
    assert page.get_by_role("img", name="Actieve huishoudens per maand").is_visible()
    assert page.get_by_test_id("accountability-table").is_visible()
