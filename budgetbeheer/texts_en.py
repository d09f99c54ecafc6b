"""English texts for the core (message ids are the Dutch texts)."""

EN: dict[str, str] = {
    "De invoer is niet geldig.": "The input is not valid.",
    "Vul een bedrag in.": "Enter an amount.",
    "\"%(value)s\" is geen bedrag.": "\"%(value)s\" is not an amount.",
    "Geef het bedrag als tekst, bijvoorbeeld \"650.00\".": "Give the amount as text, for example \"650.00\".",
    "Een bedrag heeft hoogstens twee decimalen.": "An amount has at most two decimals.",
    "Het bedrag moet groter zijn dan nul.": "The amount must be greater than zero.",
    "Het bedrag mag niet negatief zijn.": "The amount must not be negative.",
    "Het bedrag mag niet hoger zijn dan %(maximum)s.": "The amount must not be higher than %(maximum)s.",
    "Een boeking heeft minstens twee regels.": "A transaction has at least two postings.",
    "Een boekingsregel van nul euro is niet toegestaan.": "A posting of zero euro is not allowed.",
    "De boeking is niet in evenwicht: debet en credit verschillen.": "The transaction is unbalanced: debits and credits differ.",
    "Kies minstens één rol.": "Choose at least one role.",
    "Onbekende rol: %(roles)s. Kies uit %(known)s.": "Unknown role: %(roles)s. Choose from %(known)s.",
    "Een gebruikersnaam bestaat uit 1 tot 80 letters, cijfers, punt, streep of _.":
        "A username has 1 to 80 letters, digits, dot, dash or _.",
    "Een wachtwoord heeft minstens %(n)s tekens.": "A password has at least %(n)s characters.",
    "Kies Nederlands (nl) of Engels (en).": "Choose Dutch (nl) or English (en).",
    "Gebruiker %(username)s bestaat al.": "User %(username)s already exists.",
    "Gebruiker %(username)s bestaat niet.": "User %(username)s does not exist.",
    "Gebruiker bestaat niet.": "User does not exist.",
    "U kunt uw eigen beheerrol niet intrekken.": "You cannot remove your own admin role.",
    "U kunt uzelf niet blokkeren.": "You cannot deactivate yourself.",
    "Token bestaat niet.": "Token does not exist.",
    "Token is al ingetrokken.": "Token is already revoked.",
    "bestaat al": "already exists",
    "Een naam bestaat uit 1 tot 80 kleine letters, cijfers, punt, streep of _.":
        "A name has 1 to 80 lower-case letters, digits, dot, dash or _.",
    "Geef minstens één recht (%(allowed)s).": "Give at least one permission (%(allowed)s).",
    "Een service-account kan %(unknown)s niet krijgen; wel: %(allowed)s. Goedkeuren, bevestigen en "
    "afschrijven doet altijd een persoon.":
        "A service account cannot be given %(unknown)s; it can be given: %(allowed)s. Approving, confirming and "
        "writing off is always done by a person.",
    "De naam %(name)s is al in gebruik.": "The name %(name)s is already taken.",
    "Service-account %(name)s bestaat niet.": "Service account %(name)s does not exist.",
    "Service-account %(name)s is uitgeschakeld.": "Service account %(name)s is switched off.",
    "Een service-account heeft geen wachtwoord en geen rollen; het meldt zich aan met een token en heeft alleen "
    "zijn eigen rechten.":
        "A service account has no password and no roles; it signs in with a token and holds only its own "
        "permissions.",
    "service-account": "service account",
    # web layer
    "Huishoudens": "Households",
    "Betaalruns": "Payment runs",
    "Signalen": "Signals",
    "Verlengingen": "Extensions",
    "Rapportages": "Reports",
    "Gebruikers": "Users",
    "Auditlog": "Audit trail",
    "Startpagina": "Home",
    "Inloggen": "Log in",
    "Uitloggen": "Log out",
    "Gebruikersnaam": "Username",
    "Wachtwoord": "Password",
    "Ingelogd als": "Logged in as",
    "Welkom, %(name)s": "Welcome, %(name)s",
    "Gebruikersnaam of wachtwoord klopt niet.": "Username or password is incorrect.",
    "U bent uitgelogd.": "You are logged out.",
    "Log in om verder te gaan.": "Log in to continue.",
    "Geen toegang": "No access",
    "U heeft geen rechten voor deze pagina.": "You do not have permission for this page.",
    "Niet gevonden": "Not found",
    "Niet toegestaan": "Not allowed",
    "Bestand te groot": "File too large",
    "Het bestand is te groot om te uploaden.": "The file is too large to upload.",
    "Deze pagina bestaat niet.": "This page does not exist.",
    "Er ging iets mis": "Something went wrong",
    "Er ging iets mis aan onze kant. De fout is vastgelegd; probeer het later opnieuw.":
        "Something went wrong on our side. The error was logged; please try again later.",
    "Ongeldig verzoek": "Bad request",
    "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.":
        "The form expired or is invalid. Reload the page and try again.",
    "Conflict": "Conflict",
    "Rollen": "Roles",
    "Naam": "Name",
    "Actief": "Active",
    "Opslaan": "Save",
    "Nieuwe gebruiker": "New user",
    "Gebruiker aangemaakt.": "User created.",
    "Gebruiker bijgewerkt.": "User updated.",
    "Taal": "Language",
    "Rol": "Role",
    "Ja": "Yes",
    "Nee": "No",
    "Wijzigen": "Edit",
    "Naar de inhoud": "Skip to content",
    "Hoofdmenu": "Main menu",
    "klantmanager": "caseworker",
    "financiën": "finance",
    "teamleider": "supervisor",
    "accountant": "accountant",
    "beheerder": "admin",
    "Log in met een API-token.": "Log in with an API token.",
    "Deze actie vraagt een van de rollen: %(roles)s.": "This action needs one of the roles: %(roles)s.",
    "De aanvraag is geen geldige JSON.": "The request body is not valid JSON.",
    "Wat u kunt doen": "What you can do",
    "Controle van het auditlog": "Audit trail verification",
    "Het auditlog is intact: %(count)s regels.": "The audit trail is intact: %(count)s entries.",
    "Het auditlog is beschadigd bij regel %(id)s: %(problem)s": "The audit trail is broken at entry %(id)s: %(problem)s",
    "API-tokens": "API tokens",
    "Nieuw token": "New token",
    "Nieuw API-token (wordt maar één keer getoond): %(token)s": "New API token (shown only once): %(token)s",
    "Intrekken": "Revoke",
    "Token ingetrokken.": "Token revoked.",
    # pages (screens checked in Dutch and English)
    "Grootboekrekening %(code)s bestaat niet.": "Ledger account %(code)s does not exist.",
    "Boeking %(id)s bestaat niet.": "Transaction %(id)s does not exist.",
    "Een tegenboeking wordt niet zelf tegengeboekt; boek opnieuw.": "A reversal is not itself reversed; book again instead.",
    "Boeking %(id)s is al tegengeboekt.": "Transaction %(id)s has already been reversed.",
    "Vul het betalingskenmerk in.": "Enter the payment reference.",
    "Een betalingskenmerk bestaat alleen uit cijfers (spaties mogen).": "A payment reference consists of digits only (spaces allowed).",
    "Een RF-kenmerk heeft 5 tot en met 25 tekens, beginnend met RF en twee cijfers.": "An RF reference has 5 to 25 characters, starting with RF and two digits.",
    "Dit is geen geldig RF-kenmerk.": "This is not a valid RF reference.",
    "Onbekend soort betalingskenmerk: %(kind)s.": "Unknown kind of payment reference: %(kind)s.",
    "U koos 'geen kenmerk', maar vulde wel een kenmerk in. Kies het soort kenmerk.": "You chose 'no reference' but entered one. Choose the kind of reference.",
    "Vul het RF-kenmerk in.": "Enter the RF reference.",
    "Vul een omschrijving in, of kies 'geen kenmerk'.": "Enter a description, or choose 'no reference'.",
    "De omschrijving is te lang: hoogstens %(maximum)s tekens, nu %(length)s.": "The description is too long: at most %(maximum)s characters, now %(length)s.",
    "eigen beheerrol": "own admin role",
    "eigen account": "own account",
    "Deze methode is hier niet toegestaan.": "This method is not allowed here.",
    "Deze actie past niet bij de huidige stand van zaken.": "This action does not fit the current state of affairs.",
    "Auditlog controleren": "Verify the audit trail",
    "Handeling": "Action",
    "Betreft": "Concerns",
    "niet ingelogd": "not logged in",
    "Nieuwere regels": "Newer entries",
    "Pagina %(page)s": "Page %(page)s",
    "Oudere regels": "Older entries",
    "Gebruiker %(name)s": "User %(name)s",
    "Actief (kan inloggen)": "Active (can log in)",
    "Begin van het token": "Start of the token",
    "Gemaakt op": "Created on",
    "Deze gebruiker heeft geen API-tokens.": "This user has no API tokens.",
    "Omschrijving van het nieuwe token": "Description of the new token",
    "Nieuw token maken": "Create new token",
    "Terug naar de gebruikers": "Back to the users",
    "Lopend": "Active",
    "Loopt af": "Ending",
    "Afgelopen": "Period over",
    "Beëindigd": "Ended",
    "Gelukt": "Succeeded",
    "Mislukt": "Failed",
    "Bezig": "Running",
    'Een betalingskenmerk heeft 7, 9 tot en met 14, of 16 cijfers; dit kenmerk heeft er %(length)s. Controleer of u het hele kenmerk hebt overgenomen.':
        'A Dutch payment reference (betalingskenmerk) has 7, 9 to 14, or 16 digits; this one has %(length)s. Check that you copied the whole reference.',
    'Dit betalingskenmerk klopt niet: bij %(length)s cijfers hoort het tweede cijfer (de lengtecode) een %(expected)s te zijn. Controleer het kenmerk op de acceptgiro of factuur.':
        'This payment reference is not valid: with %(length)s digits the second digit (the length code) should be %(expected)s. Check the reference on the payment slip or invoice.',
    'Het controlecijfer van dit betalingskenmerk klopt niet. Waarschijnlijk is er een cijfer verkeerd overgenomen; controleer het kenmerk op de acceptgiro of factuur.':
        'The check digit of this payment reference is wrong. Probably a digit was copied wrongly; check the reference on the payment slip or invoice.',
    'Het controlegetal van dit RF-kenmerk klopt niet. Waarschijnlijk is er een teken verkeerd overgenomen; controleer het kenmerk op de factuur.':
        'The check number of this RF reference is wrong. Probably a character was copied wrongly; check the reference on the invoice.',
    'Een RF-kenmerk begint met RF, dan twee cijfers, dan alleen letters en cijfers (bijvoorbeeld RF18 5390 0754 7034).':
        'An RF reference starts with RF, then two digits, then only letters and digits (for example RF18 5390 0754 7034).',
    # separation of duties, proof on the command line, sessions (issue 14)
    "%(command)s --as %(username)s: het wachtwoord klopt niet (of de gebruiker bestaat niet of is geblokkeerd); er is niets gedaan.":
        "%(command)s --as %(username)s: the password is wrong (or the user does not exist or is blocked); nothing was done.",
    "%(command)s --as %(username)s: het token in BUDGETBEHEER_TOKEN is niet (meer) van %(username)s; er is niets gedaan.":
        "%(command)s --as %(username)s: the token in BUDGETBEHEER_TOKEN is not (or no longer) %(username)s's; nothing was done.",
    "%(command)s --as %(username)s moet bewijzen dat u %(username)s bent: geef het wachtwoord op standaardinvoer (--password-stdin) of het API-token van %(username)s in BUDGETBEHEER_TOKEN.":
        "%(command)s --as %(username)s must prove that you are %(username)s: give the password on standard input (--password-stdin) or %(username)s's API token in BUDGETBEHEER_TOKEN.",
    "Te veel mislukte pogingen om in te loggen. Probeer het over %(minutes)s minuten opnieuw.":
        "Too many failed log-in attempts. Try again in %(minutes)s minutes.",
    "Alleen een beheerder beslist over een rol die wacht op bevestiging.":
        "Only an admin decides on a role waiting for confirmation.",
    "Deze roltoekenning bestaat niet.": "This role grant does not exist.",
    "Over deze roltoekenning is al beslist.": "This role grant has already been decided.",
    "U vroeg deze rol zelf aan; een tweede beheerder moet hem bevestigen.":
        "You asked for this role yourself; a second admin must confirm it.",
    "U kunt geen rol aan uzelf toekennen.": "You cannot grant a role to yourself.",
    "Een API-token maakt iedereen voor zichzelf; u kunt er geen maken voor een ander.":
        "Everyone makes their own API token; you cannot make one for someone else.",
    "Een beheerder kan niet ook %(roles)s zijn: wie gebruikers en rollen beheert, beweegt geen geld. Gebruik voor elke taak een eigen account.":
        "An admin cannot also be %(roles)s: whoever manages users and roles does not move money. Use a separate account for each task.",
    "beheerder en financiën gaan niet samen": "admin and finance do not go together",
    "Opgeslagen. De rol %(roles)s wacht op bevestiging door een tweede beheerder.":
        "Saved. The role %(roles)s waits for confirmation by a second admin.",
    "Opgeslagen.": "Saved.",
    "Rol bevestigd.": "Role confirmed.",
    "Roltoekenning afgewezen.": "Role grant rejected.",
    "Nieuw API-token": "New API token",
    "Kopieer het token nu: het wordt maar één keer getoond en is nergens anders te zien.":
        "Copy the token now: it is shown only once and cannot be seen anywhere else.",
    "Terug naar mijn API-tokens": "Back to my API tokens",
    "Mijn API-tokens": "My API tokens",
    "Met een API-token werkt een programma namens u. Niemand anders kan een token voor u maken.":
        "With an API token a program works on your behalf. No one else can make a token for you.",
    "U heeft geen API-tokens.": "You have no API tokens.",
    "Wacht op bevestiging": "Waiting for confirmation",
    "Rol %(role)s, gevraagd door %(by)s": "Role %(role)s, asked for by %(by)s",
    "Een gebruiker maakt zijn eigen tokens (Mijn API-tokens); een beheerder kan ze alleen intrekken.":
        "A user makes their own tokens (My API tokens); an admin can only revoke them.",
    "Rollen die wachten op een tweede beheerder": "Roles waiting for a second admin",
    "gevraagd door %(by)s": "asked for by %(by)s",
    "Boekingen met zegel: %(sealed)s, goedgekeurde betalingen met zegel: %(items)s; alle zegels kloppen.":
        "Sealed bookings: %(sealed)s, sealed approved payments: %(items)s; every seal matches.",
    "Handtekening van de laatste regel (bewaar hem bij de jaarrekening):":
        "Signature of the last entry (keep it with the annual accounts):",
    "De laatste regel is niet ondertekend: BUDGETBEHEER_AUDIT_KEY is niet ingesteld.":
        "The last entry is not signed: BUDGETBEHEER_AUDIT_KEY is not set.",
    "De boekhouding is na het boeken gewijzigd: %(problem)s": "The books were changed after booking: %(problem)s",
    '"%(value)s" is geen bedrag. Schrijf een bedrag als 1234.56 of 1234,56 (met duizendtallen: 1.234,56), zonder andere tekens.':
        '"%(value)s" is not an amount. Write an amount as 1234.56 or 1234,56 (with thousands: 1.234,56), without other characters.',
    'Dit is te lang voor een bedrag (hoogstens %(maximum)s tekens).':
        'This is too long for an amount (at most %(maximum)s characters).',
    '"%(value)s" is niet eenduidig: een punt kan hier duizendtallen of decimalen scheiden. Bedoelt u %(whole)s euro, schrijf dan %(api)s of %(dutch)s.':
        '"%(value)s" is ambiguous: a point may separate thousands or decimals here. If you mean %(whole)s euros, write %(api)s or %(dutch)s.',
    '"%(value)s" gebruikt een komma voor duizendtallen; een komma is hier het decimaalteken. Schrijf %(api)s of %(dutch)s.':
        '"%(value)s" uses a comma for thousands; here a comma is the decimal sign. Write %(api)s or %(dutch)s.',
    'Dit veld bevat een teken dat niet is toegestaan (%(code)s: een stuurteken, een teken dat de leesrichting omdraait of een onzichtbaar teken). Typ de tekst opnieuw zonder dat teken.':
        'This field contains a character that is not allowed (%(code)s: a control character, a character that reverses the reading direction or an invisible character). Type the text again without it.',
    'Kies een datum van %(earliest)s tot en met %(latest)s.':
        'Choose a date from %(earliest)s through %(latest)s.',
    'De aanvraag is te groot (hoogstens %(maximum)s bytes JSON).':
        'The request is too large (at most %(maximum)s bytes of JSON).',
    'De JSON is te diep genest (hoogstens %(maximum)s niveaus).':
        'The JSON is nested too deeply (at most %(maximum)s levels).',
    'Geef een heel getal van 1 tot en met %(maximum)s.':
        'Give a whole number from 1 through %(maximum)s.',
    'De Idempotency-Key is leeg, langer dan 200 tekens of bevat andere tekens dan zichtbare ASCII.':
        'The Idempotency-Key is empty, longer than 200 characters or contains characters other than visible ASCII.',
    'Deze Idempotency-Key is al gebruikt voor een ander verzoek.':
        'This Idempotency-Key was already used for another request.',
    'Dit formulier was al verstuurd; het is niet nog eens verwerkt. Hieronder ziet u het resultaat van de eerste keer.':
        'This form was already sent; it was not processed again. Below is the result of the first time.',
    "Idempotency-Keys en formuliertokens ouder dan de bewaartermijn vergeten":
        "Forget Idempotency-Keys and form tokens older than the keeping period",
}
