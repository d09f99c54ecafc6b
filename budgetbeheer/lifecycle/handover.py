"""The handover overview (overdracht): what the household must pay itself once the municipality stops.

Every fixed cost with creditor, IBAN, amount, due day and reference, plus the last statement; as data for a page, as a
PDF in plain Dutch (language level B1), and as a CSV of the creditors that must be told the payments stop.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.households.period import add_months
from budgetbeheer.households.service import get_household
from budgetbeheer.money import format_eur

DEJAVU_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

FREQUENCY_B1 = {
    "weekly": "elke week",
    "four_weekly": "elke 4 weken",
    "monthly": "elke maand",
    "quarterly": "elke 3 maanden",
    "yearly": "elk jaar",
}


@dataclass(frozen=True)
class HandoverCost:
    category: str
    category_label: str
    creditor: str
    iban: str
    bic: str | None
    amount_cents: int
    frequency: str
    due_day: int
    reference: str | None

    @property
    def when(self) -> str:
        """When to pay, in plain words ("elke maand, uiterlijk op dag 1")."""
        if self.frequency in ("weekly", "four_weekly"):
            return FREQUENCY_B1[self.frequency]
        return f"{FREQUENCY_B1.get(self.frequency, self.frequency)}, uiterlijk op dag {self.due_day}"


@dataclass(frozen=True)
class Handover:
    household_id: int
    names: list[str]
    iban: str
    account_holder: str
    period_start: date
    period_end: date
    status: str
    stops_on: date
    """The first day the municipality no longer pays."""
    costs: list[HandoverCost]
    statement: dict[str, Any]
    balance_cents: int
    municipality: str



def _dutch(iso: str) -> str:
    """``2026-11-25`` → ``25-11-2026``."""
    return date.fromisoformat(iso).strftime("%d-%m-%Y")

def handover_data(session: Session, household_id: int, *, municipality: str = "Gemeente",
                  today: date | None = None) -> Handover:
    """Everything the overview shows. The statement covers the last month of the period (or up to ``today``)."""
    from budgetbeheer.households.categories import LABELS_NL, Category
    from budgetbeheer.households.models import Creditor
    from budgetbeheer.households.service import fixed_cost_amount_on, fixed_costs_of, statement
    from budgetbeheer.ledger.service import household_balance

    today = today or date.today()
    household = get_household(session, household_id)
    end = household.ended_on or household.period_end
    costs = [c for c in fixed_costs_of(session, household_id) if c.end_date is None or c.end_date >= household.period_start]
    creditor_ids = {c.creditor_id for c in costs}
    creditors = {c.id: c for c in session.scalars(select(Creditor).where(Creditor.id.in_(creditor_ids)))}
    rows = []
    for cost in costs:
        creditor = creditors.get(cost.creditor_id)
        rows.append(
            HandoverCost(
                category=cost.category,
                category_label=LABELS_NL[Category(cost.category)] if cost.category in {c.value for c in Category}
                else cost.category,
                creditor=creditor.name if creditor else "?",
                iban=creditor.iban if creditor else "",
                bic=creditor.bic if creditor else None,
                amount_cents=fixed_cost_amount_on(cost, min(end, today)),
                frequency=cost.frequency,
                due_day=cost.due_day,
                reference=cost.reference,
            )
        )
    statement_to = max(household.period_start, min(today, end + timedelta(days=14)))
    statement_from = max(household.period_start, add_months(statement_to, -1))
    return Handover(
        household_id=household.id,
        names=[f"{p.first_name} {p.last_name}" for p in household.persons],
        iban=household.iban,
        account_holder=household.account_holder,
        period_start=household.period_start,
        period_end=end,
        status=household.status,
        stops_on=end + timedelta(days=1),
        costs=rows,
        statement=statement(session, household_id, statement_from, statement_to),
        balance_cents=household_balance(session, household_id),
        municipality=municipality,
    )


def _d(value: date) -> str:
    return f"{value:%d-%m-%Y}"


def intro_lines(data: Handover) -> list[str]:
    """The letter's text, in short sentences (B1)."""
    return [
        f"Vanaf {_d(data.stops_on)} betaalt de gemeente uw vaste lasten niet meer.",
        "U betaalt ze dan zelf. Dat is belangrijk: anders krijgt u een schuld.",
        "Hieronder staat aan wie u moet betalen, hoeveel en wanneer.",
        "Tip: zet bij uw bank een automatische overschrijving aan, of geef de organisatie toestemming voor "
        "automatische incasso.",
        "Het geld dat nog over was, maken wij naar uw eigen rekening over.",
        "Heeft u vragen? Neem contact op met uw klantmanager.",
    ]


def creditors_csv(data: Handover) -> str:
    """One line per creditor to be told that the municipality's payments stop. Free text that a spreadsheet would
    read as a formula is neutralised, as in the report exports."""
    from budgetbeheer.money import cents_to_str
    from budgetbeheer.reports.export import neutralise

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["household_id", "creditor", "iban", "bic", "category", "amount", "frequency", "due_day",
                     "reference", "account_holder", "last_day_paid_by_municipality", "message"])
    for cost in data.costs:
        writer.writerow([
            data.household_id, neutralise(cost.creditor), cost.iban, cost.bic or "", cost.category,
            cents_to_str(cost.amount_cents), cost.frequency, cost.due_day,
            neutralise(cost.reference or ""), neutralise(data.account_holder), data.period_end.isoformat(),
            neutralise(f"Vanaf {_d(data.stops_on)} betaalt {data.municipality} niet meer namens "
                       f"{data.account_holder}; de klant betaalt voortaan zelf."),
        ])
    return buffer.getvalue()


def dejavu_font() -> tuple[Path, Path] | None:
    for folder in DEJAVU_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


_NO_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE",
                                   "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def transliterate(text: str) -> str:
    """For the core Helvetica font (Latin-1 only): € becomes EUR, other characters lose what Latin-1 lacks."""
    text = text.replace("€", "EUR").replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
    text = text.translate(_NO_DECOMPOSITION)
    result = []
    for char in text:
        try:
            char.encode("latin-1")
            result.append(char)
        except UnicodeEncodeError:
            result.append(unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1") or "?")
    return "".join(result)


def handover_pdf(data: Handover, *, font: tuple[Path, Path] | str | None = "auto") -> bytes:
    """The overview as a PDF: DejaVu Sans (embedded, so € and diacritics show) or core Helvetica transliterated."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    chosen = dejavu_font() if font == "auto" else font
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"Overdracht vaste lasten huishouden {data.household_id}")
    pdf.set_creator("budgetbeheer")
    if isinstance(chosen, tuple):
        pdf.add_font("DejaVu", "", str(chosen[0]))
        pdf.add_font("DejaVu", "B", str(chosen[1]))
        family = "DejaVu"

        def t(text: str) -> str:
            return text
    else:
        family = "Helvetica"
        t = transliterate
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: int = 11, style: str = "", height: float = 6) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, height, t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(data.municipality, 10)
    line("Overzicht: uw vaste lasten betaalt u voortaan zelf", 16, "B", 9)
    line(f"Voor: {', '.join(data.names) or data.account_holder}")
    line(f"Uw rekening: {data.iban} ({data.account_holder})")
    line(f"De gemeente betaalde van {_d(data.period_start)} tot en met {_d(data.period_end)}.")
    pdf.ln(3)
    for text in intro_lines(data):
        line(text)
    pdf.ln(3)
    line("Uw vaste lasten", 13, "B", 8)
    if not data.costs:
        line("Er zijn geen vaste lasten bekend.")
    for cost in data.costs:
        line(f"{cost.category_label}: {cost.creditor}", 11, "B")
        line(f"Bedrag: {format_eur(cost.amount_cents)}, {cost.when}")
        line(f"Betalen aan rekening (IBAN): {cost.iban}")
        line(f"Kenmerk (zet dit bij de betaling): {cost.reference or 'geen'}")
        pdf.ln(2)
    line("Uw laatste afschrift", 13, "B", 8)
    statement = data.statement
    line(f"Van {_dutch(statement['from'])} tot en met {_dutch(statement['to'])}. Saldo aan het begin: "
         f"{format_eur(_cents(statement['opening_balance']))}.", 10)
    pdf.set_font(family, "", 9)
    with pdf.table(col_widths=(22, 90, 30, 30), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT")) as table:
        header = table.row()
        for text in ("Datum", "Omschrijving", "Bedrag", "Saldo"):
            header.cell(t(text))
        for movement in statement["movements"]:
            row = table.row()
            row.cell(_dutch(movement["date"]))
            row.cell(t(movement["description"][:90]))
            row.cell(t(format_eur(_cents(movement["amount"]))))
            row.cell(t(format_eur(_cents(movement["balance"]))))
    line(f"Saldo nu: {format_eur(data.balance_cents)}.", 10)
    return bytes(pdf.output())


def _cents(text: str) -> int:
    from budgetbeheer.money import parse_amount

    return parse_amount(text, allow_zero=True, allow_negative=True, maximum_cents=None)
