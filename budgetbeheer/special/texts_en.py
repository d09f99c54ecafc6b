"""English for the special payments package's Dutch message ids (one-off payments and advances)."""

EN = {
    "Incidentele betalingen": "One-off payments",
    "Voorschot %(id)s bestaat niet.": "Advance %(id)s does not exist.",
    "Dit voorschot staat niet meer open; er is niets af te schrijven.":
        "Nothing is open on this advance any more; there is nothing to write off.",
    "U verstrekte dit voorschot zelf; een andere financieel medewerker schrijft het af.":
        "You granted this advance yourself; another finance user writes it off.",
    "vier ogen: niet wie het voorschot verstrekte": "four eyes: not who granted the advance",
    "De periode loopt nog tot %(end)s: het voorschot wordt teruggehaald uit de inkomsten en de eindafrekening. "
    "Afschrijven kan daarna.":
        "The period runs until %(end)s: the advance is recovered from the income and the final payout. It can be "
        "written off after that.",
    "uit de volgende inkomsten: %(kind)s": "from the next income: %(kind)s",
    "in %(count)s termijnen uit de uitkering": "in %(count)s instalments from the benefit",
    "Geef een reden van minstens 5 tekens.": "Give a reason of at least 5 characters.",
    "De periode van dit huishouden loopt af; een voorschot kan niet meer. Betaal uit het saldo met een incidentele "
    "betaling.":
        "This household's period is ending; an advance is no longer possible. Pay from the balance with a one-off "
        "payment.",
    "Alleen een medewerker kan een voorschot verstrekken.": "Only a staff member can grant an advance.",
    "Boven de grens: een huishouden mag hoogstens %(maximum)s aan voorschotten open hebben; dit huishouden heeft al "
    "%(owed)s open, dus nu kan hoogstens %(room)s.":
        "Above the limit: a household may owe at most %(maximum)s in advances; this household already owes "
        "%(owed)s, so at most %(room)s now.",
    "Alleen een medewerker kan een incidentele betaling aanvragen.": "Only a staff member can ask for a one-off payment.",
    "Meer dan het huishouden heeft. %(why)s": "More than the household has. %(why)s",
    "Meer dan het huishouden nu heeft. %(why)s": "More than the household has now. %(why)s",
    "Incidentele betaling %(id)s bestaat niet.": "One-off payment %(id)s does not exist.",
    "U vroeg deze betaling zelf aan; een andere financieel medewerker keurt hem goed.":
        "You asked for this payment yourself; another finance user approves it.",
    "vier ogen: niet de aanvrager": "four eyes: not who asked",
    "Er is %(available)s beschikbaar (saldo %(balance)s − voorgesteld %(planned)s − vaste lasten tot de volgende "
    "inkomsten %(fixed)s − goedgekeurde incidentele betalingen %(waiting)s).":
        "%(available)s is available (balance %(balance)s − proposed %(planned)s − fixed costs until the next income "
        "%(fixed)s − approved one-off payments %(waiting)s).",
    "Kies een schuldeiser óf betaal aan het huishouden zelf, niet beide.":
        "Choose a creditor or pay the household itself, not both.",
    "Kies de schuldeiser die betaald wordt, of betaal aan het huishouden zelf.":
        "Choose the creditor to pay, or pay the household itself.",
    "Deze schuldeiser staat niet in het register.": "This creditor is not in the register.",
    "Incidentele betalingen en voorschotten": "One-off payments and advances",
    "Incidentele betaling aanvragen": "Ask for a one-off payment",
    "Voorschot verstrekken": "Grant an advance",
    "Aan": "To",
    "het huishouden (extra leefgeld)": "the household (extra leefgeld)",
    "Voorschotten": "Advances",
    "open": "open",
    "Verstrekt": "Granted",
    "Terug": "Recovered",
    "Terugbetaling": "Recovery",
    "uit de volgende inkomsten": "from the next income",
    "in %(count)s termijnen": "in %(count)s instalments",
    "Afschrijven": "Write off",
    "Grens per huishouden: %(maximum)s; nu open: %(owed)s.": "Limit per household: %(maximum)s; open now: %(owed)s.",
    "alles uit de volgende inkomsten van soort": "all from the next income of kind",
    "Soort inkomsten": "Kind of income",
    "in termijnen uit de uitkering, aantal": "in instalments from the benefit, number",
    "Aantal termijnen": "Number of instalments",
    "Verstrekken": "Grant",
    "Bedrag (euro)": "Amount (euro)",
    "Een financieel medewerker die de aanvraag niet deed keurt hem goed; daarna betaalt de volgende betaalrun hem.":
        "A finance user who did not ask approves it; then the next payment run pays it.",
    "Aan wie": "To whom",
    "een schuldeiser uit het register": "a creditor in the register",
    "het huishouden zelf (extra leefgeld, uit de buffer)": "the household itself (extra leefgeld, from the buffer)",
    "Incidentele betalingen die op goedkeuring wachten": "One-off payments waiting for approval",
    "uw eigen aanvraag": "your own request",
    "Niets te doen.": "Nothing to do.",
    "wacht op goedkeuring": "waiting for approval",
    "afgewezen": "rejected",
    "goedgekeurd; in de volgende betaalrun": "approved; in the next payment run",
    "in een voorgestelde betaalrun": "in a proposed payment run",
    "betaalrun goedgekeurd": "payment run approved",
    "betaald": "paid",
    "incidentele betaling": "one-off payment",
    "Incidentele betaling aangevraagd. Een financieel medewerker keurt hem goed.":
        "One-off payment asked for. A finance user approves it.",
    "Incidentele betaling goedgekeurd; de volgende betaalrun betaalt hem.":
        "One-off payment approved; the next payment run pays it.",
    "Incidentele betaling afgewezen.": "One-off payment rejected.",
    "Voorschot verstrekt en geboekt.": "Advance granted and booked.",
    "Het openstaande voorschot is afgeschreven.": "What was open on the advance is written off.",
    "Deze incidentele betaling is al goedgekeurd (door %(who)s); de volgende betaalrun betaalt hem. Moet hij toch "
    "niet betaald worden: wijs hem af zolang hij nog in geen betaalrun staat.":
        "This one-off payment was already approved (by %(who)s); the next payment run pays it. If it must not be paid "
        "after all: reject it while it is in no payment run yet.",
    "Deze incidentele betaling staat al in betaalrun %(batch)s (%(status)s). Annuleer die betaalrun vóór de export "
    "en wijs hem dan af; na de export kan het niet meer.":
        "This one-off payment is already in payment run %(batch)s (%(status)s). Cancel that run before the export, "
        "then reject it; after the export it can no longer be stopped.",
    "Deze incidentele betaling is al afgewezen (door %(who)s); vraag zo nodig een nieuwe aan.":
        "This one-off payment was already rejected (by %(who)s); ask for a new one if needed.",
    "Tegenhouden": "Stop it",
}
