"""English for errors that help and for the confirmation steps (issue 15): the field labels of the error summary
(:mod:`budgetbeheer.http.forms`), the summary itself, and the pages that ask before what cannot be undone."""

EN: dict[str, str] = {
    # the error summary and its field labels
    "Dit moet nog worden verbeterd": "Please correct the following",
    "Persoon %(n)s, %(field)s": "Person %(n)s, %(field)s",
    "Personen": "Persons",
    "BIC": "BIC",
    "Land": "Country",
    "Dag van de maand": "Day of the month",
    "Einddatum": "End date",
    "Aantal maanden": "Number of months",
    "Buffer": "Buffer",
    "Vaste last": "Fixed cost",
    "Inkomen": "Income",
    "Betaaldag": "Payday",
    "Leefgeld hoe vaak": "Leefgeld how often",
    "Ontvangst": "Receipt",
    "Nieuw bedrag": "New amount",
    "Laatste dag van het ontzorgen": "Last day of ontzorgen",
    "Vul de laatste dag in (JJJJ-MM-DD).": "Fill in the last day (YYYY-MM-DD).",
    # the supervisor's decision
    "Goedkeuren…": "Approve…",
    "Afwijzen…": "Reject…",
    "Besluit bevestigen": "Confirm the decision",
    "Verlenging goedkeuren?": "Approve the extension?",
    "Verlenging afwijzen?": "Reject the extension?",
    "Gevraagd": "Asked",
    "De periode wordt verlengd tot en met %(end)s. Tot dan betaalt de gemeente de vaste lasten en het leefgeld verder.":
        "The period is extended up to and including %(end)s. Until then the municipality keeps paying the fixed "
        "costs and the living allowance.",
    "De periode van de persoon of personen in het verzoek wordt met %(months)s maanden verlengd. Tot dan betaalt de gemeente de vaste lasten en het leefgeld verder.":
        "The period of the person or persons in the request is extended by %(months)s months. Until then the "
        "municipality keeps paying the fixed costs and the living allowance.",
    "Het verzoek wordt afgewezen. De periode eindigt op %(end)s; daarna betaalt de gemeente geen vaste lasten meer en wordt het saldo uitbetaald.":
        "The request is rejected. The period ends on %(end)s; after that the municipality pays no more fixed costs "
        "and the balance is paid out.",
    "Een besluit kunt u niet terugdraaien. De klantmanager ziet het met uw toelichting.":
        "A decision cannot be undone. The caseworker sees it with your explanation.",
    "Ja, goedkeuren": "Yes, approve",
    "Ja, afwijzen": "Yes, reject",
    "Nee, terug naar de verlengingen": "No, back to the extensions",
    # ending a period
    "Verder: controleren wat er gebeurt": "Next: check what will happen",
    "Periode beëindigen bevestigen": "Confirm ending the period",
    "Periode van huishouden %(id)s beëindigen?": "End the period of household %(id)s?",
    "Vanaf %(day)s betaalt de gemeente geen vaste lasten meer voor dit huishouden. De volgende betaalrun betaalt het saldo uit als laatste leefgeld; daarna maakt u de overdracht voor het huishouden.":
        "From %(day)s the municipality pays no more fixed costs for this household. The next payment run pays the "
        "balance out as the last living allowance; then you make the handover for the household.",
    "Het verwachte bijstandsinkomen stopt na %(day)s.": "The expected social assistance income stops after %(day)s.",
    "Die dag ligt na het einde van de periode: de periode eindigt op haar eigen einddatum.":
        "That day lies after the end of the period: the period ends on its own end date.",
    "Dit kunt u niet terugdraaien.": "This cannot be undone.",
    "Ja, periode beëindigen": "Yes, end the period",
    # revoking a token
    "Intrekken…": "Revoke…",
    "Token intrekken bevestigen": "Confirm revoking the token",
    "API-token intrekken?": "Revoke the API token?",
    "Een programma dat met dit token werkt, krijgt vanaf nu geen toegang meer. Een ingetrokken token kan niet weer aan; er moet dan een nieuw token worden gemaakt.":
        "A program that works with this token has no access from now on. A revoked token cannot be turned on "
        "again; a new token must be made instead.",
    "Ja, token intrekken": "Yes, revoke the token",
    # "Afgeschreven door de bank"
    "Afgeschreven door de bank…": "Debited by the bank…",
    "Annuleren…": "Cancel…",
    "Afschrijving door de bank bevestigen": "Confirm the bank's debit",
    "Betaalrun %(id)s boeken als afgeschreven door de bank?": "Book payment run %(id)s as debited by the bank?",
    "Doe dit alleen als het afschrift van de beheerrekening laat zien dat de bank de run heeft uitgevoerd. De %(n)s betalingen van deze run (samen %(total)s, uitvoeringsdatum %(date)s) gaan van 'betalingen onderweg' naar de bankrekening; een betaling die al is teruggekomen blijft erbuiten.":
        "Do this only when the statement of the managed account shows that the bank executed the run. The %(n)s "
        "payments of this run (together %(total)s, execution date %(date)s) move from 'payments in transit' to the "
        "bank account; a payment that has already come back stays out.",
    "Een ingelezen afschrift boekt dit ook vanzelf. Een boeking kunt u niet terugdraaien; komt een betaling later terug, leg dan een terugboeking vast.":
        "A statement read in books this by itself too. A booking cannot be undone; when a payment comes back later, "
        "record a return.",
    "Ja, boeken als afgeschreven": "Yes, book as debited",
    # the receipts CSV
    "Sleutel (idempotency_key)": "Key (idempotency_key)",
    "Regel %(line)s": "Line %(line)s",
    "CSV-bestand": "CSV file",
    "CSV (komma)": "CSV (comma)",
    "Nederlandse Excel (puntkomma)": "Dutch Excel (semicolon)",
    "%(summary)s De fouten staan per regel onder het bestand.": "%(summary)s The errors are listed by line below the file.",
    "Kies het formaat: CSV (komma) of Nederlandse Excel (puntkomma).":
        "Choose the format: CSV (comma) or Dutch Excel (semicolon).",
    "Dit bestand gebruikt puntkomma's als scheidingsteken (zo slaat Nederlandse Excel een CSV op). Gebruik komma's, of kies het formaat 'Nederlandse Excel (puntkomma)'.":
        "This file uses semicolons as separator (Dutch Excel saves a CSV that way). Use commas, or choose the format "
        "'Dutch Excel (semicolon)'.",
    "Dit bestand gebruikt komma's als scheidingsteken. Kies het formaat 'CSV (komma)', of sla het op met puntkomma's.":
        "This file uses commas as separator. Choose the format 'CSV (comma)', or save it with semicolons.",
    "Regel %(line)s is met puntkomma's gescheiden, de kolomnamen met komma's. Gebruik overal komma's, of kies het formaat 'Nederlandse Excel (puntkomma)' en gebruik overal puntkomma's.":
        "Line %(line)s is separated by semicolons, the column names by commas. Use commas everywhere, or choose the "
        "format 'Dutch Excel (semicolon)' and use semicolons everywhere.",
}
