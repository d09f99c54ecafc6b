"""English for the log-in pages' second step and the identity provider's button (message ids are the Dutch texts)."""

EN: dict[str, str] = {
    "Inloggen met %(name)s": "Log in with %(name)s",
    "Inloggen bij %(provider)s is niet gelukt. Probeer het opnieuw.": "Logging in at %(provider)s failed. Try again.",
    "Tweestapscode": "Two-step code",
    "Typ de code van zes cijfers die uw authenticator-app nu toont.":
        "Type the six-digit code your authenticator app shows now.",
    "Tweestapsverificatie instellen": "Set up two-step verification",
    "Voor uw rol is tweestapsverificatie verplicht. Stel haar nu in; daarna bent u ingelogd.":
        "Two-step verification is required for your role. Set it up now; then you are logged in.",
    "Scan de QR-code met een authenticator-app (of typ de sleutel over) en typ daarna de code die de app toont.":
        "Scan the QR code with an authenticator app (or type the key in), then type the code the app shows.",
    "QR-code met de sleutel voor de authenticator-app": "QR code with the key for the authenticator app",
    "Sleutel": "Key",
    "Of open deze link op de telefoon:": "Or open this link on the phone:",
    "Tweestapsverificatie": "Two-step verification",
    "Tweestapsverificatie staat aan: na uw wachtwoord vraagt het inloggen een code uit uw app.":
        "Two-step verification is on: after your password, the log-in asks for a code from your app.",
    "Voor uw rol is zij verplicht; u kunt haar niet uitzetten.": "It is required for your role; you cannot turn it off.",
    "Code (om uit te zetten)": "Code (to turn it off)",
    "Uitzetten": "Turn off",
    "Code": "Code",
    "Tweestapsverificatie staat uit.": "Two-step verification is off.",
    "Voor uw rol is zij verplicht.": "It is required for your role.",
    "Instellen": "Set up",
    "Tweestapsverificatie staat aan.": "Two-step verification is on.",
    "Log opnieuw in: de tweede stap duurde te lang of is niet meer geldig.":
        "Log in again: the second step took too long or is no longer valid.",
    "%(command)s --as %(username)s: voor deze rol is tweestapsverificatie verplicht; stel haar eerst in op de accountpagina. Er is niets gedaan.":
        "%(command)s --as %(username)s: two-step verification is required for this role; set it up on the account page first. Nothing was done.",
    "%(command)s --as %(username)s: de tweestapscode (de regel na het wachtwoord op standaardinvoer) klopt niet of is al gebruikt; er is niets gedaan.":
        "%(command)s --as %(username)s: the two-step code (the line after the password on standard input) is wrong or was used already; nothing was done.",
}
