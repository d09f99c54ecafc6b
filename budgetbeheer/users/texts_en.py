"""English for the log-in's second step (TOTP) and the identity provider's log-in (message ids are the Dutch texts)."""

EN: dict[str, str] = {
    "Tweestapsverificatie staat al aan.": "Two-step verification is already on.",
    "De code klopt niet (of is al gebruikt). Typ de code die de app nu toont.":
        "The code is wrong (or was used already). Type the code the app shows now.",
    "Begin eerst opnieuw met het instellen van tweestapsverificatie.":
        "Start setting up two-step verification again first.",
    "Voor uw rol is tweestapsverificatie verplicht; u kunt haar niet uitzetten.":
        "Two-step verification is required for your role; you cannot turn it off.",
    "verplicht voor uw rol": "required for your role",
    "Tweestapsverificatie staat niet aan.": "Two-step verification is not on.",
    "De tweestapscode kan niet worden gecontroleerd: de sleutel (BUDGETBEHEER_TOTP_KEY) is veranderd. Vraag de beheerder van de server om uw tweestapsverificatie opnieuw in te stellen.":
        "The two-step code cannot be checked: the key (BUDGETBEHEER_TOTP_KEY) has changed. Ask the server's operator to reset your two-step verification.",
    "Uw account in budgetbeheer is geblokkeerd.": "Your budgetbeheer account is blocked.",
    "Uw groepen bij %(provider)s geven geen rol in budgetbeheer.":
        "Your groups at %(provider)s give no role in budgetbeheer.",
    "Uw rol %(roles)s wacht nog op de bevestiging van een beheerder van budgetbeheer; daarna kunt u inloggen.":
        "Your role %(roles)s still waits for a budgetbeheer admin's confirmation; then you can log in.",
    "Uw groepen bij %(provider)s geven u de rol beheerder én %(roles)s; die gaan niet samen (wie gebruikers en rollen beheert, beweegt geen geld). Vraag de beheerder van uw groepen om één van beide weg te halen.":
        "Your groups at %(provider)s give you the role admin and %(roles)s; they do not go together (who manages users and roles moves no money). Ask whoever manages your groups to remove one of them.",
}
