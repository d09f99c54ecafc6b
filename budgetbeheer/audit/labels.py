"""Dutch labels for the audit trail's actions (the English keys stay in the data, in exports and the API): what the
audit pages show. English in ``texts_en.py`` next to this module."""

from __future__ import annotations

import re

from budgetbeheer.errors import Message

ACTION_LABELS: dict[str, str] = {
    "advance.granted": "Voorschot verstrekt",
    "advance.recovered": "Voorschot terugbetaald",
    "advance.written_off": "Voorschot afgeschreven",
    "bank_line.assigned": "Bankpost toegewezen",
    "bank_line.reversed": "Bankpost teruggedraaid",
    "bank_line.unassigned": "Toewijzing bankpost ongedaan gemaakt",
    "bank_statement.imported": "Bankafschrift ingelezen",
    "creditor.address_changed": "Adres schuldeiser gewijzigd",
    "creditor.confirmed": "Schuldeiser bevestigd",
    "creditor.created": "Schuldeiser toegevoegd",
    "creditor.rejected": "Schuldeiser afgewezen",
    "expected_income.added": "Verwacht inkomen toegevoegd",
    "expected_income.changed": "Verwacht inkomen gewijzigd",
    "expected_income.match_rule_set": "Herkenregel voor inkomen ingesteld",
    "expected_income.replaced": "Verwacht inkomen vervangen",
    "extension.requested": "Verlenging aangevraagd",
    "extension.withdrawn": "Verlengingsverzoek ingetrokken",
    "extension.approved": "Verlenging goedgekeurd",
    "extension.rejected": "Verlenging afgewezen",
    "fixed_cost.added": "Vaste last toegevoegd",
    "fixed_cost.amount_changed": "Bedrag vaste last gewijzigd",
    "fixed_cost.changed": "Vaste last gewijzigd",
    "fixed_cost.replaced": "Vaste last vervangen",
    "fixed_cost.settlement_owed": "Eindafrekening: nog te betalen",
    "fixed_cost.settlement_refund": "Eindafrekening: terugbetaling",
    "household.benefit_ended": "Bijstand gestopt",
    "household.break_glass": "Toegang buiten het team (noodtoegang)",
    "household.bsn_searched": "Gezocht op BSN",
    "household.changed": "Huishouden gewijzigd",
    "household.ended": "Ontzorgen beëindigd",
    "household.ending": "Einde ontzorgen gestart",
    "household.enrolled": "Huishouden ingeschreven",
    "household.leefgeld_changed": "Leefgeld gewijzigd",
    "household.period_ended_early": "Periode eerder beëindigd",
    "household.period_extended": "Periode verlengd",
    "household.reopened_for_payout": "Heropend voor uitbetaling",
    "household.viewed": "Huishouden bekeken",
    "iban_change.confirmed": "IBAN-wijziging bevestigd",
    "iban_change.proposed": "IBAN-wijziging voorgesteld",
    "iban_change.rejected": "IBAN-wijziging afgewezen",
    "iban_hold.created": "IBAN tegengehouden",
    "iban_hold.lifted": "IBAN vrijgegeven",
    "idempotent_requests.forgotten": "Oude herhaalde verzoeken opgeruimd",
    "login.failed": "Inloggen mislukt",
    "login.password_accepted": "Wachtwoord geaccepteerd",
    "login.succeeded": "Ingelogd",
    "one_off_payment.approved": "Incidentele betaling goedgekeurd",
    "one_off_payment.rejected": "Incidentele betaling afgewezen",
    "one_off_payment.requested": "Incidentele betaling aangevraagd",
    "payment_batch.approved": "Betaalrun goedgekeurd",
    "payment_batch.cancelled": "Betaalrun geannuleerd",
    "payment_batch.exported": "Bankbestand gemaakt",
    "payment_batch.final_payout": "Eindbetaling voorgesteld",
    "payment_batch.items_withdrawn": "Betalingen uit betaalrun gehaald",
    "payment_batch.prepared": "Betaalrun voorgesteld",
    "payment_batch.sent": "Betaalrun naar de bank",
    "payment_batch.settled": "Betaalrun afgeschreven door de bank",
    "payment_item.returned": "Betaling teruggekomen",
    "payment_items.settled": "Betalingen afgeschreven door de bank",
    "payment_status_report.imported": "Statusbericht van de bank ingelezen",
    "person.added": "Persoon toegevoegd",
    "person.corrected": "Persoon verbeterd",
    "person.left": "Persoon vertrokken",
    "receipt.booked": "Ontvangst geboekt",
    "receipt.rebooked": "Ontvangst omgeboekt",
    "receipt.rebooked_in": "Ontvangst omgeboekt naar dit huishouden",
    "receipt.reversed": "Ontvangst tegengeboekt",
    "receipts.booked": "Ontvangsten geboekt",
    "report.exported": "Rapport gedownload",
    "role_grant.confirmed": "Rol bevestigd",
    "role_grant.rejected": "Rol afgewezen",
    "role_grant.requested": "Rol aangevraagd",
    "service_account.created": "Service-account gemaakt",
    "service_account.deactivated": "Service-account uitgeschakeld",
    "signal.done": "Signaal afgehandeld",
    "signal.raised": "Signaal gegeven",
    "token.created": "Token gemaakt",
    "token.revoked": "Token ingetrokken",
    "totp.disabled": "Tweestapscode uitgezet",
    "totp.enrolled": "Tweestapscode ingesteld",
    "totp.enrolment_started": "Instellen tweestapscode begonnen",
    "totp.failed": "Tweestapscode fout",
    "totp.reset": "Tweestapscode gewist",
    "user.created": "Gebruiker gemaakt",
    "user.language_changed": "Taal gewijzigd",
    "user.logged_out": "Uitgelogd",
    "user.updated": "Gebruiker gewijzigd",
}

ENTITY_LABELS: dict[str, str] = {
    "advance": "voorschot",
    "api_token": "API-token",  # nosec B105 (a word on the audit page, not a secret)
    "bank_import": "bankbestand",
    "bank_line": "bankpost",
    "bank_statement": "bankafschrift",
    "creditor": "schuldeiser",
    "expected_income": "verwacht inkomen",
    "extension_request": "verlengingsverzoek",
    "fixed_cost": "vaste last",
    "household": "huishouden",
    "iban_change": "IBAN-wijziging",
    "iban_hold": "tegengehouden IBAN",
    "idempotent_request": "herhaald verzoek",
    "one_off_payment": "incidentele betaling",
    "payment_batch": "betaalrun",
    "payment_item": "betaling",
    "receipt": "ontvangst",
    "report": "rapport",
    "role_grant": "rol",
    "signal": "signaal",
    "user": "gebruiker",
    "person": "persoon",
    "totp": "tweestapscode",
    "service_account": "service-account",
}
"""What an entry is about (its ``entity_type``), in Dutch."""


def entity_label(entity_type: str) -> Message:
    """The Dutch word for ``entity_type``; one without is shown as it is stored."""
    return Message(ENTITY_LABELS.get(entity_type, entity_type))


def action_label(action: str) -> Message:
    """The Dutch label of ``action`` (a message id); an action without one is named in general words, its key in
    brackets, so a page never shows a bare key."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return Message(label)
    return Message("Andere handeling (%(code)s)", code=action)


REASON_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern, re.S), msgid) for pattern, msgid in (
    (r"Betaling (?P<e2e>\S+) teruggekomen met (?P<code>\w+) \((?P<why>.*)\)",
     "Betaling %(e2e)s teruggekomen met %(code)s (%(why)s)"),
    (r"ontvangst (?P<id>\d+) teruggedraaid: (?P<why>.*)", "ontvangst %(id)s teruggedraaid: %(why)s"),
    (r"toewijzing van bankpost (?P<id>\d+) teruggedraaid: (?P<why>.*)",
     "toewijzing van bankpost %(id)s teruggedraaid: %(why)s"),
    (r"toewijzing van bankpost (?P<id>\d+): (?P<why>.*)", "toewijzing van bankpost %(id)s: %(why)s"),
    (r"bankpost (?P<id>\d+): (?P<why>.*)", "bankpost %(id)s: %(why)s"),
    (r"ontvangst (?P<id>\d+) omgeboekt naar huishouden (?P<to>\d+): (?P<why>.*)",
     "ontvangst %(id)s omgeboekt naar huishouden %(to)s: %(why)s"),
    (r"betaalrun (?P<id>\d+) geannuleerd: (?P<why>.*)", "betaalrun %(id)s geannuleerd: %(why)s"),
    (r"Periode van huishouden (?P<id>\d+) eindigt op (?P<date>[\d-]+)",
     "Periode van huishouden %(id)s eindigt op %(date)s"),
    (r"Periode beëindigd", "Periode beëindigd"),
    (r"Het saldo is nul: het ontzorgen is afgerond\.", "Het saldo is nul: het ontzorgen is afgerond."),
))
"""The reasons the application itself writes into the audit trail, as message ids: the trail keeps the Dutch text
(it is in the hash chain), and a page shows it in the reader's language. What a person typed (the part after a
colon) stays as typed."""


def reason_text(reason: str | None) -> Message | str:
    """An audit reason for a page: one the application wrote, as its message (translated by the page); anything
    else (typed by a person) as it is."""
    if not reason:
        return ""
    for pattern, msgid in REASON_FORMS:
        found = pattern.fullmatch(reason)
        if found:
            values: dict[str, object] = dict(found.groupdict())
            if "code" in values:  # a return's reason in words is the bank code's own text (translated), not typed
                values["why"] = Message(str(values["why"]))
            return Message(msgid, **values)
    return reason
