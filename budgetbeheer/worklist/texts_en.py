"""English for the worklist's Dutch message ids."""

EN = {
    "Open signalen van uw huishoudens": "Open signals of your households",
    "Perioden die binnen vier weken eindigen": "Periods ending within four weeks",
    "Huishoudens met een tekort of inkomen dat niet kwam": "Households with a shortfall or income that did not come",
    "Wat u vroeg en dat op een ander wacht": "What you asked for that waits for someone else",
    "Betaalruns die op uw goedkeuring wachten": "Payment runs waiting for your approval",
    "Wijzigingen en betalingen die op uw bevestiging wachten": "Changes and payments waiting for your confirmation",
    "Afschriftregels in de wachtrij": "Statement lines in the queue",
    "Teruggekomen betalingen en tegengehouden IBAN's": "Returned payments and held IBANs",
    "Verlengingsverzoeken, oudste eerst": "Extension requests, oldest first",
    "Laatste aansluiting bank en boeken (onverklaard verschil)": "Last reconciliation of bank and books (unexplained "
                                                                 "difference)",
    "Auditlog: controleer de keten (de auditpagina verifieert alle regels)":
        "Audit trail: check the chain (the audit page verifies every entry)",
    "Vandaag te doen": "To do today",
    "incidentele betaling %(amount)s (huishouden %(id)s)": "one-off payment %(amount)s (household %(id)s)",
    "IBAN-wijziging naar %(iban)s": "IBAN change to %(iban)s",
    "verlenging met %(months)s maanden (huishouden %(id)s)": "extension by %(months)s months (household %(id)s)",
    "%(name)s — %(end)s (nog %(days)s dagen)": "%(name)s — %(end)s (%(days)s days left)",
    "huishouden %(id)s (%(name)s): %(count)s open signaal/signalen (%(kinds)s)":
        "household %(id)s (%(name)s): %(count)s open signal(s) (%(kinds)s)",
    "%(first)s, %(second)s": "%(first)s, %(second)s",
    "IBAN %(old)s → %(new)s (door %(who)s)": "IBAN %(old)s → %(new)s (by %(who)s)",
    "incidentele betaling %(amount)s voor huishouden %(id)s (%(name)s, door %(who)s)":
        "one-off payment %(amount)s for household %(id)s (%(name)s, by %(who)s)",
    "%(date)s: %(count)s betalingen (door %(who)s)": "%(date)s: %(count)s payments (by %(who)s)",
    "tekort vanaf de betaalrun van %(date)s": "short from the payment run of %(date)s",
    "gedekt; saldo over 8 weken %(amount)s": "covered; balance in 8 weeks %(amount)s",
    "%(name)s: %(months)s maanden, gevraagd %(on)s door %(who)s; nog %(days)s dagen; prognose: %(forecast)s":
        "%(name)s: %(months)s months, asked on %(on)s by %(who)s; %(days)s days left; forecast: %(forecast)s",
    "%(iban)s op %(on)s: afschrift %(closing)s, boeken %(books)s, verschil %(difference)s, onverklaard "
    "%(unexplained)s, %(waiting)s regels in de wachtrij":
        "%(iban)s on %(on)s: statement %(closing)s, books %(books)s, difference %(difference)s, unexplained "
        "%(unexplained)s, %(waiting)s lines in the queue",
    # issue 14, finding 4: payee control
    'Schuldeisers die op bevestiging wachten':
        'Creditors waiting for confirmation',
    '%(name)s (%(iban)s), toegevoegd door %(who)s':
        '%(name)s (%(iban)s), added by %(who)s',
    '%(name)s (%(iban)s), toegevoegd door %(who)s: gemarkeerd':
        '%(name)s (%(iban)s), added by %(who)s: flagged',
}
