"""Dutch labels for the audit trail's actions (the English keys stay in the data, in exports and the API): what the
audit pages show. English in ``texts_en.py`` next to this module."""

from __future__ import annotations

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
    "creditor.created": "Schuldeiser toegevoegd",
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
