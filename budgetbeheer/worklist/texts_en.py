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
}
