"""The handover overview (overdracht): what the household must pay itself once the municipality stops, and how things
stand on the day it is made.

It says what is true to the cent, from the same sources as the household page:

- per fixed cost what the municipality paid (how many instalments, the last one) and what it did not pay: the unpaid
  instalments (arrears, :mod:`budgetbeheer.payments.arrears`) with amount and due date, and what the household must
  do about them (contact the creditor, ask for a payment plan);
- how to pay each fixed cost from now on (creditor, IBAN, amount, when, reference, the first due date);
- the money still held for the household (:mod:`budgetbeheer.households.figures`) and when it is paid out;
- the caseworker and how to reach them, and the date of the overview.

No booking texts: every sentence is a :class:`~budgetbeheer.errors.Message` in plain Dutch (language level B1, short
sentences), with its English in ``texts_en``. As data for a page and the API, as a PDF and as a CSV of the creditors
that must be told the payments stop.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.domain.calendar import execution_date_for_due_date, next_business_day
from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.domain.planning import LEEFGELD as LEEFGELD_KIND
from budgetbeheer.errors import Message
from budgetbeheer.fields import neutralise_formula
from budgetbeheer.households.common import get_household
from budgetbeheer.households.figures import HouseholdFigures, household_figures, last_day, schedule_of
from budgetbeheer.households.fixed_costs import fixed_cost_amount_on, fixed_costs_of
from budgetbeheer.i18n import translate
from budgetbeheer.lifecycle.letters import TaggedLetter, letter_text
from budgetbeheer.money import cents_to_str, format_eur
from budgetbeheer.payments.arrears import short_instalments
from budgetbeheer.tables.households import Creditor
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.tables.states import ITEM_PLANNED, BatchStatus, ItemStatus
from budgetbeheer.users.models import User

_LOOK_AHEAD = timedelta(days=400)
"""How far after the stop the first instalment the household pays itself is looked for (a yearly cost included)."""


@dataclass(frozen=True)
class Instalment:
    """One instalment of a fixed cost: its due date and amount, and (when paid or planned) the day its batch goes to
    the bank."""

    due_date: date
    amount_cents: int
    on: date | None = None


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
    paid: tuple[Instalment, ...] = ()
    """Paid by the municipality: in a batch that was approved (the money left the household's funds)."""
    planned: tuple[Instalment, ...] = ()
    """In a batch that still waits for approval."""
    unpaid: tuple[Instalment, ...] = ()
    """Arrears: a payment run could not pay it, and nothing paid it since."""
    first_due_yourself: date | None = None
    """The first due date on or after the day the municipality stops; ``None`` when the cost does not continue."""
    fixed_cost_id: int | None = None

    @property
    def when(self) -> str:
        """When to pay, in plain Dutch words ("elke maand, uiterlijk op dag 1")."""
        return translate(self.when_message, "nl")

    @property
    def when_message(self) -> Message:
        """:attr:`when` as a translatable text."""
        if self.frequency == "weekly":
            return Message("elke week")
        if self.frequency == "four_weekly":
            return Message("elke 4 weken")
        if self.frequency == "quarterly":
            return Message("elke 3 maanden, uiterlijk op dag %(day)s", day=self.due_day)
        if self.frequency == "yearly":
            return Message("elk jaar, uiterlijk op dag %(day)s", day=self.due_day)
        if self.due_day == 31:
            return Message("elke maand, uiterlijk op de laatste dag van de maand")
        if self.due_day >= 29:
            return Message("elke maand, uiterlijk op dag %(day)s (in februari op de laatste dag)", day=self.due_day)
        return Message("elke maand, uiterlijk op dag %(day)s", day=self.due_day)

    @property
    def paid_cents(self) -> int:
        return sum(i.amount_cents for i in self.paid)

    @property
    def unpaid_cents(self) -> int:
        return sum(i.amount_cents for i in self.unpaid)

    @property
    def last_paid(self) -> Instalment | None:
        return max(self.paid, key=lambda i: i.due_date) if self.paid else None


@dataclass(frozen=True)
class Payout:
    """Money for the household's own account. ``state``: ``paid`` (its batch was approved), ``planned`` (in a batch
    waiting for approval), ``next_run`` (held now, for the next run), ``after_end`` (what is left after the last
    day, paid by the final run)."""

    state: str
    amount_cents: int
    on: date | None


@dataclass(frozen=True)
class Handover:
    household_id: int
    names: list[str]
    iban: str
    account_holder: str
    period_start: date
    period_end: date
    """The last day the municipality pays (the day ontzorgen ended, when earlier than the period's end)."""
    status: str
    stops_on: date
    """The first day the municipality no longer pays."""
    costs: list[HandoverCost]
    balance_cents: int
    municipality: str
    made_on: date
    caseworker: str | None = None
    contact: str = ""
    payouts: tuple[Payout, ...] = ()
    leefgeld_paid_cents: int = 0
    figures: HouseholdFigures | None = None
    adults: tuple[str, ...] = ()
    """The names of the persons of 18 and over on the day the overview is made: the letter is addressed to them."""

    @property
    def arrears(self) -> list[tuple[HandoverCost, Instalment]]:
        """Every unpaid instalment with its fixed cost, oldest first."""
        rows = [(cost, instalment) for cost in self.costs for instalment in cost.unpaid]
        return sorted(rows, key=lambda row: (row[1].due_date, row[0].category))

    @property
    def arrears_cents(self) -> int:
        return sum(cost.unpaid_cents for cost in self.costs)

    @property
    def planned(self) -> list[tuple[HandoverCost, Instalment]]:
        return [(cost, instalment) for cost in self.costs for instalment in cost.planned]


# ------------------------------------------------------------------------------------------------------ the data


def handover_data(
    session: Session,
    household_id: int,
    *,
    municipality: str = "Gemeente",
    today: date | None = None,
    contact: str = "",
    lead_business_days: int = 2,
) -> Handover:
    """Everything the overview shows, as of ``today``."""
    today = today or clock.today()
    household = get_household(session, household_id)
    end = last_day(household)
    stops_on = end + timedelta(days=1)
    figures = household_figures(session, household_id, today, lead_business_days=lead_business_days)
    costs = [c for c in fixed_costs_of(session, household_id)
             if c.end_date is None or c.end_date >= household.period_start]
    creditors = {c.id: c for c in session.scalars(select(Creditor).where(Creditor.id.in_({c.creditor_id
                                                                                       for c in costs})))}
    paid: dict[int, list[Instalment]] = {}
    planned: dict[int, list[Instalment]] = {}
    leefgeld_paid = 0
    payouts: list[Payout] = []
    planned_total = 0
    for item, execution_date, batch_status in session.execute(
        select(PaymentItem, PaymentBatch.execution_date, PaymentBatch.status)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentItem.household_id == household_id,
               PaymentItem.status.in_(ITEM_PLANNED))
        .order_by(PaymentItem.due_date, PaymentItem.id)
    ):
        waiting = item.status == ItemStatus.PROPOSED
        if waiting and batch_status == BatchStatus.PROPOSED:
            planned_total += item.amount_cents
        instalment = Instalment(item.due_date, item.amount_cents, execution_date)
        if item.fixed_cost_id is not None:
            (planned if waiting else paid).setdefault(item.fixed_cost_id, []).append(instalment)
            continue
        if item.kind != LEEFGELD_KIND:  # a one-off payment: neither an instalment nor leefgeld
            continue
        if not waiting:
            leefgeld_paid += item.amount_cents
        if item.obligation_key is not None and item.obligation_key.endswith(":final"):
            payouts.append(Payout("planned" if waiting else "paid", item.amount_cents, execution_date))
    unpaid: dict[int, list[Instalment]] = {}
    for row in short_instalments(session, household_id=household_id):
        if row.unpaid:
            unpaid.setdefault(row.fixed_cost_id, []).append(Instalment(row.due_date, row.amount_cents))
    left = figures.balance_cents - planned_total
    if left > 0:
        if figures.final:
            payouts.append(Payout("next_run", left, figures.next_run_on))  # the final settlement
        else:
            payouts.append(Payout("after_end", left, max(next_business_day(today),
                                                          execution_date_for_due_date(end, lead_business_days))))
    rows = []
    for cost in costs:
        creditor = creditors.get(cost.creditor_id)
        continues = cost.end_date is None or cost.end_date >= stops_on
        first = schedule_of(cost).instalments(stops_on, stops_on + _LOOK_AHEAD) if continues else []
        rows.append(
            HandoverCost(
                category=cost.category,
                category_label=LABELS_NL[Category(cost.category)] if cost.category in {c.value for c in Category}
                else cost.category,
                creditor=creditor.name if creditor else "?",
                iban=creditor.iban if creditor else "",
                bic=creditor.bic if creditor else None,
                amount_cents=first[0].amount_cents if first else fixed_cost_amount_on(cost, min(end, today)),
                frequency=cost.frequency,
                due_day=cost.due_day,
                reference=cost.reference,
                paid=tuple(paid.get(cost.id, ())),
                planned=tuple(planned.get(cost.id, ())),
                unpaid=tuple(unpaid.get(cost.id, ())),
                first_due_yourself=first[0].due_date if first else None,
                fixed_cost_id=cost.id,
            )
        )
    caseworker = session.get(User, household.caseworker_id) if household.caseworker_id else None
    return Handover(
        household_id=household.id,
        names=[f"{p.first_name} {p.last_name}" for p in household.persons],
        adults=tuple(f"{p.first_name} {p.last_name}" for p in household.persons
                     if p.left_on is None and adult_on(p.date_of_birth, today)),
        iban=household.iban,
        account_holder=household.account_holder,
        period_start=household.period_start,
        period_end=end,
        status=household.status,
        stops_on=stops_on,
        costs=rows,
        balance_cents=figures.balance_cents,
        municipality=municipality,
        made_on=today,
        caseworker=caseworker.display_name if caseworker else None,
        contact=contact.strip(),
        payouts=tuple(payouts),
        leefgeld_paid_cents=leefgeld_paid,
        figures=figures,
    )


# ------------------------------------------------------------------------------------------------------ the text


def adult_on(born: date, day: date) -> bool:
    """18 or older on ``day`` (born on 29 February: of age on 1 March in a year without one)."""
    return (day.year - born.year - ((day.month, day.day) < (born.month, born.day))) >= 18



def _d(value: date) -> str:
    return f"{value:%d-%m-%Y}"


def _eur(cents: int) -> str:
    return format_eur(cents)


def intro_lines(data: Handover) -> list[Message]:
    """The letter's opening, in short sentences (B1)."""
    lines = [
        Message("Vanaf %(date)s betaalt de gemeente uw vaste lasten niet meer.", date=_d(data.stops_on)),
        Message("U betaalt ze dan zelf. Dat is belangrijk: anders krijgt u een schuld."),
        Message("Hieronder staat wat de gemeente voor u betaalde en wat nog niet betaald is."),
        Message("Ook staat er aan wie u moet betalen, hoeveel en wanneer."),
    ]
    if len(data.arrears) == 1:
        lines.append(Message("Let op: 1 rekening is nog niet betaald. Dat is %(amount)s.",
                             amount=_eur(data.arrears_cents)))
    elif data.arrears:
        lines.append(Message("Let op: %(count)s rekeningen zijn nog niet betaald. Samen is dat %(amount)s.",
                             count=len(data.arrears), amount=_eur(data.arrears_cents)))
    elif data.planned:
        lines.append(Message("De laatste betalingen staan klaar en gaan binnenkort naar de bank."))
    elif any(cost.paid for cost in data.costs):
        lines.append(Message("Er zijn geen rekeningen die de gemeente niet kon betalen."))
    lines.append(Message("Tip: zet bij uw bank een automatische overschrijving aan."))
    return lines


def cost_lines(cost: HandoverCost) -> list[Message]:
    """What happened to one fixed cost, and how to pay it from now on."""
    lines: list[Message] = []
    last = cost.last_paid
    if last is None:
        lines.append(Message("De gemeente heeft deze rekening niet betaald."))
    else:
        lines.append(Message("De gemeente betaalde deze rekening %(count)s keer, samen %(amount)s.",
                             count=len(cost.paid), amount=_eur(cost.paid_cents)))
        lines.append(Message("De laatste betaling was voor de rekening van %(due)s (%(amount)s).", due=_d(last.due_date),
                             amount=_eur(last.amount_cents)))
    for instalment in cost.planned:
        lines.append(Message("Klaar om te betalen: de rekening van %(due)s, %(amount)s. Dit gaat op %(on)s naar de bank.",
                             amount=_eur(instalment.amount_cents), due=_d(instalment.due_date),
                             on=_d(instalment.on or instalment.due_date)))
    for instalment in cost.unpaid:
        lines.append(Message("Nog niet betaald: de rekening van %(due)s, %(amount)s.", amount=_eur(instalment.amount_cents),
                             due=_d(instalment.due_date)))
    if cost.unpaid:
        lines.append(Message("Wat moet u doen? Bel of mail %(creditor)s. Zeg dat dit bedrag nog openstaat.",
                             creditor=cost.creditor))
        lines.append(Message("Vraag om een betalingsregeling. Dan betaalt u het in delen."))
    if cost.first_due_yourself is not None:
        lines.append(Message("Zelf betalen: %(amount)s, %(when)s.", amount=_eur(cost.amount_cents),
                             when=cost.when_message))
        lines.append(Message("De eerste keer is uiterlijk %(date)s.", date=_d(cost.first_due_yourself)))
    return lines


def money_lines(data: Handover) -> list[Message]:
    """The money still held for the household and when it is paid out."""
    lines: list[Message] = []
    for payout in data.payouts:
        on = _d(payout.on) if payout.on else ""
        amount = _eur(payout.amount_cents)
        if payout.state == "paid":
            if payout.on is not None and payout.on > data.made_on:
                lines.append(Message("Op %(date)s maken wij %(amount)s over naar uw rekening %(iban)s.", date=on,
                                     amount=amount, iban=data.iban))
            else:
                lines.append(Message("Op %(date)s maakten wij %(amount)s over naar uw rekening %(iban)s.", date=on,
                                     amount=amount, iban=data.iban))
        elif payout.state == "planned":
            lines.append(Message("Op %(date)s maken wij %(amount)s over naar uw rekening %(iban)s.", date=on,
                                 amount=amount, iban=data.iban))
        elif payout.state == "next_run":
            lines.append(Message("Er staat nog %(amount)s voor u bij de gemeente.", amount=amount))
            lines.append(Message("Dit maken wij rond %(date)s over naar uw rekening %(iban)s.", date=on,
                                 iban=data.iban))
        else:
            lines.append(Message("Nu staat er %(amount)s voor u bij de gemeente.", amount=amount))
            lines.append(Message("Wat na %(end)s over is, maken wij rond %(date)s over naar uw rekening %(iban)s.",
                                 end=_d(data.period_end), date=on, iban=data.iban))
    if not data.payouts:
        lines.append(Message("Er staat geen geld meer voor u bij de gemeente."))
    if data.leefgeld_paid_cents:
        lines.append(Message("In totaal kreeg u %(amount)s leefgeld op uw rekening.",
                             amount=_eur(data.leefgeld_paid_cents)))
    return lines


def reach_us(caseworker: str | None, contact: str, municipality: str) -> list[Message]:
    """Who the household's caseworker is and how to reach them (every letter ends with it)."""
    lines = [Message("Uw klantmanager is %(name)s.", name=caseworker)] if caseworker else []
    if contact:
        lines.append(Message("Zo bereikt u ons: %(contact)s", contact=contact))
    else:
        lines.append(Message("Bel of mail %(municipality)s en vraag naar uw klantmanager.", municipality=municipality))
    return lines


def contact_lines(data: Handover) -> list[Message]:
    return [Message("Heeft u vragen? Of lukt het betalen niet? Neem dan contact met ons op."),
            *reach_us(data.caseworker, data.contact, data.municipality)]


def text(message: Message, language: str = "nl") -> str:
    return translate(message, language)


def creditors_csv(data: Handover) -> str:
    """One line per creditor to be told that the municipality's payments stop, with what was paid and what is still
    open. Free text that a spreadsheet would read as a formula is neutralised, as in the report exports."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["household_id", "creditor", "iban", "bic", "category", "amount", "frequency", "due_day",
                     "reference", "account_holder", "last_day_paid_by_municipality", "instalments_paid",
                     "last_instalment_paid", "unpaid_instalments", "unpaid_amount", "unpaid_due_dates",
                     "first_due_yourself", "message"])
    for cost in data.costs:
        last = cost.last_paid
        message = (f"Vanaf {_d(data.stops_on)} betaalt {data.municipality} niet meer namens "
                   f"{data.account_holder}; de klant betaalt voortaan zelf.")
        if cost.unpaid:
            message += (f" Nog open: {len(cost.unpaid)} termijn(en), samen {format_eur(cost.unpaid_cents)}; de klant "
                        "neemt contact met u op voor een betalingsregeling.")
        writer.writerow([
            data.household_id, neutralise_formula(cost.creditor), cost.iban, cost.bic or "", cost.category,
            cents_to_str(cost.amount_cents), cost.frequency, cost.due_day,
            neutralise_formula(cost.reference or ""), neutralise_formula(data.account_holder), data.period_end.isoformat(),
            len(cost.paid), last.due_date.isoformat() if last else "", len(cost.unpaid),
            cents_to_str(cost.unpaid_cents), " ".join(i.due_date.isoformat() for i in cost.unpaid),
            cost.first_due_yourself.isoformat() if cost.first_due_yourself else "", neutralise_formula(message),
        ])
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------------- the PDF


def next_steps(data: Handover) -> list[Message]:
    """What the household must do now, in order."""
    steps = []
    continuing = [cost for cost in data.costs if cost.first_due_yourself is not None]
    if continuing:
        first = min(cost.first_due_yourself for cost in continuing if cost.first_due_yourself is not None)
        steps.append(Message("1. Zet vóór %(date)s de betalingen hieronder klaar bij uw bank.", date=_d(first)))
    else:
        steps.append(Message("1. U hoeft geen vaste lasten zelf te gaan betalen."))
    if data.arrears:
        steps.append(Message("2. Bel of mail de organisaties bij 'Nog niet betaald'. Vraag om een betalingsregeling."))
    steps.append(Message("Bewaar deze brief. U heeft de gegevens nodig om zelf te betalen."))
    return steps


def handover_pdf(data: Handover, *, language: str = "nl", font: tuple[Path, Path] | None = None,
                 texts: str | None = None) -> bytes:
    """The overview as a tagged PDF letter for the household, in ``language`` (nl, en or ar): headings,
    paragraphs and tables in the structure tree in reading order, the language and title set, the font embedded
    (:mod:`budgetbeheer.lifecycle.letters`). Addressed to the adults of the household."""
    title = Message("Overzicht: uw vaste lasten betaalt u voortaan zelf")
    with TaggedLetter(title=letter_text(title, language, texts), language=language, font=font, texts=texts) as letter:
        letter.paragraph(data.municipality, size=10)
        letter.paragraph(Message("Datum: %(date)s", date=_d(data.made_on)), size=10)
        letter.title(title)
        letter.paragraph(Message("Voor: %(names)s", names=", ".join(data.adults or data.names) or data.account_holder))
        letter.paragraph(Message("Uw rekening: %(iban)s (%(holder)s)", iban=data.iban, holder=data.account_holder))
        letter.space()
        for message in intro_lines(data):
            letter.paragraph(message)
        letter.heading(Message("Wat moet u nu doen?"))
        for message in next_steps(data):
            letter.paragraph(message)
        if data.arrears:
            letter.heading(Message("Nog niet betaald"))
            letter.table(None, [Message("Wat"), Message("Aan wie"), Message("Rekening van"), Message("Bedrag")],
                         [[Message(cost.category_label), cost.creditor, _d(instalment.due_date),
                           _eur(instalment.amount_cents)] for cost, instalment in data.arrears],
                         widths=(0.3, 0.3, 0.2, 0.2))
            letter.paragraph(Message("Bel of mail deze organisaties. Vraag om een betalingsregeling."))
        letter.heading(Message("Uw vaste lasten"))
        if not data.costs:
            letter.paragraph(Message("Er zijn geen vaste lasten bekend."))
        for cost in data.costs:
            letter.subheading(Message("%(what)s: %(creditor)s", what=Message(cost.category_label), creditor=cost.creditor))
            for message in cost_lines(cost):
                letter.paragraph(message)
            rows: list[list[Message | str]] = [
                [Message("Betalen aan rekening (IBAN)"), cost.iban],
                [Message("Kenmerk (zet dit bij de betaling)"), cost.reference or Message("geen")],
            ]
            if cost.first_due_yourself is not None:
                rows += [[Message("Bedrag"), _eur(cost.amount_cents)], [Message("Wanneer"), cost.when_message]]
            letter.table(None, None, rows, row_headers=True, widths=(0.4, 0.6))
        letter.heading(Message("Uw geld"))
        for message in money_lines(data):
            letter.paragraph(message)
        letter.heading(Message("Vragen?"))
        for message in contact_lines(data):
            letter.paragraph(message)
        return letter.output()
