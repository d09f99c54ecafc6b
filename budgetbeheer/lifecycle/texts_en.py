"""English for the lifecycle package's Dutch message ids."""

EN = {
    "de brief in het Engels": "the letter in English",
    "de brief in het Arabisch": "the letter in Arabic",
    "Maandbrief voor het huishouden (PDF):": "Monthly letter for the household (PDF):",
    "Nederlands": "Dutch",
    "Engels": "English",
    "Arabisch": "Arabic",
    "Van deze maand; een andere maand met ?month=JJJJ-MM in het adres.":
        "Of this month; another month with ?month=YYYY-MM in the address.",
    "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-11.": "Give a month as YYYY-MM, for example 2026-11.",
    'januari': 'January',
    'februari': 'February',
    'maart': 'March',
    'april': 'April',
    'mei': 'May',
    'juni': 'June',
    'juli': 'July',
    'augustus': 'August',
    'september': 'September',
    'oktober': 'October',
    'november': 'November',
    'december': 'December',
    'Uw geld in %(month)s': 'Your money in %(month)s',
    'In deze brief staat wat de gemeente in %(month)s met uw geld deed.': 'This letter says what the municipality did with your money in %(month)s.',
    'Op %(date)s stond er %(amount)s voor u bij de gemeente.': 'On %(date)s the municipality held %(amount)s for you.',
    'Ontvangen': 'Received',
    'Deze maand kwam er geen geld binnen.': 'No money came in this month.',
    'Betaald voor uw vaste lasten': 'Paid for your fixed costs',
    'Deze maand betaalde de gemeente geen vaste lasten voor u.': 'This month the municipality paid no fixed costs for you.',
    'Leefgeld naar uw rekening': 'Leefgeld to your account',
    'Naar rekening': 'To account',
    'Deze maand kreeg u geen leefgeld.': 'You received no leefgeld this month.',
    'Andere boekingen': 'Other bookings',
    'Wat moet u doen?': 'What must you do?',
    'Deze rekeningen zijn nog niet betaald:': 'These bills are not paid yet:',
    'De gemeente betaalt ze zodra er genoeg geld is. Heeft u vragen? Neem dan contact met ons op.': 'The municipality pays them as soon as there is enough money. Any questions? Then contact us.',
    'U hoeft niets te doen. Klopt er iets niet? Neem dan contact met ons op.': 'You do not have to do anything. Is something wrong? Then contact us.',
    'Voorschot van de gemeente': 'Advance from the municipality',
    'Een betaling kwam terug van de bank': 'A payment came back from the bank',
    'Correctie van een eerdere boeking': 'Correction of an earlier booking',
    'Voorschot terugbetaald': "Advance recovered",
    'Andere boeking': 'Other booking',
    'eenmalige betaling': 'one-off payment',
    "Wat moet u nu doen?": "What must you do now?",
    "1. Zet vóór %(date)s de betalingen hieronder klaar bij uw bank.":
        "1. Before %(date)s, set up the payments below at your bank.",
    "1. U hoeft geen vaste lasten zelf te gaan betalen.": "1. You do not have to pay any fixed costs yourself.",
    "2. Bel of mail de organisaties bij 'Nog niet betaald'. Vraag om een betalingsregeling.":
        "2. Call or e-mail the organisations under 'Not paid yet'. Ask for a payment plan.",
    "Bewaar deze brief. U heeft de gegevens nodig om zelf te betalen.":
        "Keep this letter. You need its details to pay yourself.",
    "Rekening van": "Bill of",
    "Betalen aan rekening (IBAN)": "Pay to account (IBAN)",
    "Kenmerk (zet dit bij de betaling)": "Reference (put this with the payment)",
    "elke maand, uiterlijk op dag %(day)s (in februari op de laatste dag)":
        "every month, on day %(day)s at the latest (in February on the last day)",
    "elke maand, uiterlijk op de laatste dag van de maand": "every month, on the last day of the month at the latest",
    "Voor wie (de wet verlengt per persoon)": "For whom (the law extends per person)",
    "Iedereen in het huishouden": "Everyone in the household",
    "Kies een persoon die nog in dit huishouden is.": "Choose a person who is still in this household.",
    "De bijstand stopt (gemeld door de uitkeringsadministratie): het verwachte bijstandsinkomen stopt ook": "Bijstand stops (reported by the benefit administration): the expected benefit income stops too",
    "Signalen": "Signals",
    "Verlengingen": "Extensions",
    "Planner": "Scheduler",
    "Taalcursus nog niet afgerond": "Language course not finished",
    "Schulden": "Debts",
    "Gezondheid": "Health",
    "Gezinshereniging": "Family reunification",
    "Anders": "Other",
    "Huishouden %(id)s bestaat niet.": "Household %(id)s does not exist.",
    "Verlengingsverzoek %(id)s bestaat niet.": "Extension request %(id)s does not exist.",
    "Kies een reden: %(choices)s.": "Choose a reason: %(choices)s.",
    "Leg de reden uit in minstens %(minimum)s tekens.": "Explain the reason in at least %(minimum)s characters.",
    "Gebruik hoogstens %(maximum)s tekens.": "Use at most %(maximum)s characters.",
    "De periode van dit huishouden is beëindigd; verlengen kan niet meer.":
        "This household's period has ended; it can no longer be extended.",
    "periode beëindigd": "period ended",
    "Alleen een medewerker kan een verlenging aanvragen.": "Only a staff member can ask for an extension.",
    "Er staat al een verlengingsverzoek open voor dit huishouden (%(id)s).":
        "An extension request for this household is already pending (%(id)s).",
    "verzoek staat open": "request pending",
    "Kies goedkeuren (approve) of afwijzen (reject).": "Choose approve or reject.",
    "Schrijf een korte toelichting bij het besluit.": "Write a short note with the decision.",
    "Over dit verzoek is al besloten (%(status)s).": "This request has already been decided (%(status)s).",
    "Over dit verzoek is al besloten.": "This request has already been decided.",
    "al besloten": "already decided",
    "U kunt niet besluiten over uw eigen verzoek: een andere teamleider beslist (vier ogen).":
        "You cannot decide your own request: another supervisor decides (four eyes).",
    "eigen verzoek": "own request",
    "Alleen een verzoek dat nog openstaat kan worden ingetrokken (nu: %(status)s).":
        "Only a pending request can be withdrawn (now: %(status)s).",
    "Start van de periode": "Start of the period",
    "Verlengd met %(months)s maanden": "Extended by %(months)s months",
    "Periode eerder beëindigd": "Period ended early",
    "Einde van de periode": "End of the period",
    "Geef een datum als JJJJ-MM-DD.": "Give a date as YYYY-MM-DD.",
    "De einddatum ligt vóór de start van de periode (%(start)s).": "The end date is before the period's start (%(start)s).",
    "De einddatum ligt na het huidige einde van de periode (%(end)s). Vraag een verlenging aan om later te stoppen.":
        "The end date is after the period's current end (%(end)s). Ask for an extension to stop later.",
    "Schrijf de reden op, bijvoorbeeld: bijstand gestopt wegens werk.":
        "Write down the reason, for example: benefit stopped because of work.",
    "De periode van dit huishouden is al beëindigd.": "This household's period has already ended.",
    "al beëindigd": "already ended",
    "Schrijf op wat u heeft gedaan.": "Write down what you did.",
    "Signaal %(id)s bestaat niet.": "Signal %(id)s does not exist.",
    "Dit signaal is al afgehandeld door %(who)s.": "This signal was already handled by %(who)s.",
    "Vaste last niet betaald": "Fixed cost not paid",
    "Inkomen niet ontvangen": "Income not received",
    "Betaling teruggekomen": "Payment returned",
    "Periode eindigt binnen 4 weken": "Period ends within 4 weeks",
    "Verlengingsverzoek wacht": "Extension request waiting",
    "Verlenging: beslis vóór de einddatum": "Extension: decide before the end date",
    "Saldo dekt een vaste last niet": "Balance does not cover a fixed cost",
    "Goedgekeurde betaling na het einde": "Approved payment after the end",
    "IBAN tegengehouden na een teruggekomen betaling": "IBAN held after a returned payment",
    "Bank en boeken verschillen": "Bank and books differ",
    "Bankafschrift ontbreekt": "Bank statement missing",
    "Geld voor een beëindigd huishouden": "Money for an ended household",
    "Aangekondigde ontvangst niet op de bank": "Announced receipt not on the bank",
    "Signaal afgehandeld.": "Signal handled.",
    "Verlenging goedgekeurd. Nieuwe einddatum: %(end)s.": "Extension approved. New end date: %(end)s.",
    "Verlenging afgewezen.": "Extension rejected.",
    "Verzoek ingetrokken.": "Request withdrawn.",
    "Verlenging aangevraagd. Een teamleider beslist.": "Extension requested. A supervisor decides.",
    "De periode is beëindigd. Het saldo wordt bij de volgende betaalrun uitbetaald.":
        "The period has ended. The balance is paid out in the next payment run.",
    "Periode van ontzorgen": "Period of ontzorgen",
    "Van": "From",
    "tot en met": "through",
    "nog %(days)s dagen": "%(days)s days left",
    "afgelopen; de eindafrekening wacht op het besluit over de verlenging":
        "period over; the final settlement waits for the decision on the extension",
    "afgelopen; de eindafrekening volgt": "period over; the final settlement follows",
    "eindafrekening loopt": "final settlement under way",
    "beëindigd": "ended",
    "Verlenging met %(months)s maanden aangevraagd door %(who)s; wacht op een besluit van een teamleider.":
        "Extension by %(months)s months asked by %(who)s; waiting for a supervisor's decision.",
    "Verzoek intrekken": "Withdraw request",
    "Verlengingsverzoeken": "Extension requests",
    "Gevraagd": "Asked",
    "Maanden": "Months",
    "Reden": "Reason",
    "Status": "Status",
    "Besluit": "Decision",
    "pending": "pending",
    "approved": "approved",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "Verlenging aanvragen": "Ask for an extension",
    "Periode beëindigen": "End the period",
    "Overdrachtsoverzicht": "Handover overview",
    "Huishouden %(id)s": "Household %(id)s",
    "De periode loopt nu tot en met": "The period now runs through",
    "Aantal maanden (1 tot en met 12)": "Number of months (1 to 12)",
    "Soort reden": "Kind of reason",
    "Toelichting (minstens 10 tekens)": "Explanation (at least 10 characters)",
    "Aanvragen": "Ask",
    "Annuleren": "Cancel",
    "De periode loopt van %(start)s tot en met %(end)s.": "The period runs from %(start)s through %(end)s.",
    "Vanaf de dag na de einddatum betaalt de gemeente geen vaste lasten meer. De volgende betaalrun betaalt het saldo "
    "uit als laatste leefgeld.":
        "From the day after the end date the municipality pays no more fixed costs. The next payment run pays out the "
        "balance as final living allowance.",
    "Laatste dag van het ontzorgen": "Last day of ontzorgen",
    "Reden, bijvoorbeeld: bijstand gestopt wegens werk": "Reason, for example: benefit stopped because of work",
    "Toon": "Show",
    "Open": "Open",
    "Afgehandeld": "Done",
    "Mijn huishoudens": "My households",
    "Alle voor mijn rol": "All for my role",
    "Filteren": "Filter",
    "Geen signalen.": "No signals.",
    "Datum": "Date",
    "Soort": "Kind",
    "Huishouden": "Household",
    "Wat": "What",
    "Voor": "For",
    "Actie": "Action",
    "Wat heeft u gedaan?": "What did you do?",
    "caseworker": "caseworker",
    "finance": "finance",
    "supervisor": "supervisor",
    "Wachten op besluit": "Waiting for a decision",
    "Goedgekeurd": "Approved",
    "Afgewezen": "Rejected",
    "Ingetrokken": "Withdrawn",
    "Geen verzoeken.": "No requests.",
    "%(months)s maanden gevraagd door %(who)s op %(when)s.": "%(months)s months asked by %(who)s on %(when)s.",
    "Einde nu": "End now",
    "Toelichting bij het besluit": "Note with the decision",
    "Goedkeuren": "Approve",
    "Afwijzen": "Reject",
    "Overzicht: uw vaste lasten betaalt u voortaan zelf": "Overview: from now on you pay your fixed costs yourself",
    "Rekening": "Account",
    "De gemeente betaalde van %(start)s tot en met %(end)s.": "The municipality paid from %(start)s through %(end)s.",
    "Download als PDF": "Download as PDF",
    "Schuldeisers om te informeren (CSV)": "Creditors to inform (CSV)",
    "Vaste lasten": "Fixed costs",
    "Schuldeiser": "Creditor",
    "Bedrag": "Amount",
    "Wanneer": "When",
    "Kenmerk": "Reference",
    "Laatste afschrift": "Last statement",
    "Omschrijving": "Description",
    "Saldo": "Balance",
    "Beginsaldo": "Opening balance",
    "Saldo nu": "Balance now",
    "Actieve planner": "Active scheduler",
    "lease tot": "lease until",
    "Er draait nog geen planner. Start `budgetbeheer scheduler`.": "No scheduler is running yet. Start `budgetbeheer scheduler`.",
    "Dagelijks om": "Daily at",
    "Volgende run": "Next run",
    "onbekend (planner nog niet gestart)": "unknown (scheduler not started yet)",
    "Taak": "Job",
    "Laatste run (dag)": "Last run (day)",
    "Uitkomst": "Outcome",
    "Klaar om": "Finished at",
    "Details": "Details",
    "Kies pending, approved, rejected of withdrawn.": "Choose pending, approved, rejected or withdrawn.",
    "Kies open, done of all.": "Choose open, done or all.",
    "Kies mine of role.": "Choose mine or role.",
    "Perioden die hun einddatum bereikten gaan naar 'ending'; bij saldo nul naar 'ended'.":
        "Periods that reached their end date become 'ending'; at a zero balance 'ended'.",
    "Stelt de betaalrun voor de volgende TARGET2-werkdag voor.": "Proposes the payment run for the next TARGET2 business day.",
    "Maakt signalen: tekorten, inkomen te laat, teruggekomen betalingen, einde periode, wachtende verlengingen, "
    "prognose.":
        "Raises signals: shortfalls, late income, returned payments, period end, waiting extensions, forecast.",
    # pages (screens checked in Dutch and English)
    "Filter op status": "Filter by status",
    "Geen verzoeken met deze status. Een klantmanager vraagt een verlenging aan op de pagina van het huishouden.": "No requests with this status. A caseworker asks for an extension on the household's page.",
    "Van %(from)s tot en met %(to)s": "From %(from)s up to and including %(to)s",
    "Geen signalen met deze keuze. Signalen ontstaan elke ochtend: bij tekorten, te laat inkomen, teruggekomen betalingen en het einde van een periode.": "No signals for this choice. Signals are raised every morning: for shortfalls, late income, returned payments and the end of a period.",
    # issue 10: decisions after the end date, paid-out households
    "al uitbetaald": "already paid out",
    "Huishouden %(id)s is al uitbetaald en afgesloten (eindafrekening gedaan, BSN's vrijgegeven); over een verlenging "
    "kan niet meer worden besloten. Trek het verzoek in; is verder ontzorgen nodig, schrijf het huishouden dan opnieuw "
    "in.":
        "Household %(id)s has already been paid out and closed (final settlement done, BSNs released); an extension can "
        "no longer be decided. Withdraw the request; if further ontzorgen is needed, enrol the household again.",
    "Huishouden %(id)s is al uitbetaald: de eindafrekening staat in betaalrun %(batch)s. Over een verlenging kan niet "
    "meer worden besloten. Trek het verzoek in, of laat financiën de betaalrun annuleren zolang het bankbestand nog "
    "niet is gemaakt.":
        "Household %(id)s has already been paid out: the final settlement is in payment run %(batch)s. An extension can "
        "no longer be decided. Withdraw the request, or have finance cancel the payment run while its bank file has not "
        "been created yet.",

    # the handover overview (issue 10, finding 7)
    'Vanaf %(date)s betaalt de gemeente uw vaste lasten niet meer.': 'From %(date)s the municipality no longer pays your fixed costs.',
    'U betaalt ze dan zelf. Dat is belangrijk: anders krijgt u een schuld.': 'Then you pay them yourself. This is important: otherwise you get into debt.',
    'Hieronder staat wat de gemeente voor u betaalde en wat nog niet betaald is.': 'Below is what the municipality paid for you and what has not been paid yet.',
    'Ook staat er aan wie u moet betalen, hoeveel en wanneer.': 'It also says whom you must pay, how much and when.',
    'Let op: 1 rekening is nog niet betaald. Dat is %(amount)s.': 'Please note: 1 bill has not been paid yet. It is %(amount)s.',
    'Let op: %(count)s rekeningen zijn nog niet betaald. Samen is dat %(amount)s.': 'Please note: %(count)s bills have not been paid yet. Together that is %(amount)s.',
    'De laatste betalingen staan klaar en gaan binnenkort naar de bank.': 'The last payments are ready and go to the bank soon.',
    'Er zijn geen rekeningen die de gemeente niet kon betalen.': 'There are no bills that the municipality could not pay.',
    'Tip: zet bij uw bank een automatische overschrijving aan.': 'Tip: set up a standing order at your bank.',
    'De gemeente heeft deze rekening niet betaald.': 'The municipality did not pay this bill.',
    'De gemeente betaalde deze rekening %(count)s keer, samen %(amount)s.': 'The municipality paid this bill %(count)s time(s), %(amount)s in total.',
    'De laatste betaling was voor de rekening van %(due)s (%(amount)s).': 'The last payment was for the bill of %(due)s (%(amount)s).',
    'Klaar om te betalen: de rekening van %(due)s, %(amount)s. Dit gaat op %(on)s naar de bank.': 'Ready to be paid: the bill of %(due)s, %(amount)s. It goes to the bank on %(on)s.',
    'Nog niet betaald: de rekening van %(due)s, %(amount)s.': 'Not paid yet: the bill of %(due)s, %(amount)s.',
    'Wat moet u doen? Bel of mail %(creditor)s. Zeg dat dit bedrag nog openstaat.': 'What must you do? Call or e-mail %(creditor)s. Say that this amount is still open.',
    'Vraag om een betalingsregeling. Dan betaalt u het in delen.': 'Ask for a payment plan. Then you pay it in parts.',
    'Zelf betalen: %(amount)s, %(when)s.': 'Pay yourself: %(amount)s, %(when)s.',
    'De eerste keer is uiterlijk %(date)s.': 'The first time is on %(date)s at the latest.',
    'Op %(date)s maken wij %(amount)s over naar uw rekening %(iban)s.': 'On %(date)s we transfer %(amount)s to your account %(iban)s.',
    'Op %(date)s maakten wij %(amount)s over naar uw rekening %(iban)s.': 'On %(date)s we transferred %(amount)s to your account %(iban)s.',
    'Er staat nog %(amount)s voor u bij de gemeente.': 'The municipality still holds %(amount)s for you.',
    'Dit maken wij rond %(date)s over naar uw rekening %(iban)s.': 'We transfer this to your account %(iban)s around %(date)s.',
    'Nu staat er %(amount)s voor u bij de gemeente.': 'The municipality now holds %(amount)s for you.',
    'Wat na %(end)s over is, maken wij rond %(date)s over naar uw rekening %(iban)s.': 'What is left after %(end)s we transfer to your account %(iban)s around %(date)s.',
    'Er staat geen geld meer voor u bij de gemeente.': 'The municipality holds no more money for you.',
    'In totaal kreeg u %(amount)s leefgeld op uw rekening.': 'In total you received %(amount)s of leefgeld on your account.',
    'Heeft u vragen? Of lukt het betalen niet? Neem dan contact met ons op.': 'Do you have questions? Or can you not manage to pay? Then contact us.',
    'Uw klantmanager is %(name)s.': 'Your caseworker is %(name)s.',
    'Zo bereikt u ons: %(contact)s': 'How to reach us: %(contact)s',
    'Bel of mail %(municipality)s en vraag naar uw klantmanager.': 'Call or e-mail %(municipality)s and ask for your caseworker.',
    'Datum: %(date)s': 'Date: %(date)s',
    'Voor: %(names)s': 'For: %(names)s',
    'Uw rekening: %(iban)s (%(holder)s)': 'Your account: %(iban)s (%(holder)s)',
    'Nog niet betaald': 'Not paid yet',
    '%(what)s bij %(creditor)s: de rekening van %(due)s, %(amount)s': '%(what)s with %(creditor)s: the bill of %(due)s, %(amount)s',
    'Bel of mail deze organisaties. Vraag om een betalingsregeling.': 'Call or e-mail these organisations. Ask for a payment plan.',
    'Uw vaste lasten': 'Your fixed costs',
    'Er zijn geen vaste lasten bekend.': 'No fixed costs are known.',
    '%(what)s: %(creditor)s': '%(what)s: %(creditor)s',
    'Betalen aan rekening (IBAN): %(iban)s': 'Pay to account (IBAN): %(iban)s',
    'Kenmerk (zet dit bij de betaling): %(reference)s': 'Reference (put this with the payment): %(reference)s',
    'Uw geld': 'Your money',
    'Vragen?': 'Questions?',
    'elke week': 'every week',
    'elke 4 weken': 'every 4 weeks',
    'elke 3 maanden, uiterlijk op dag %(day)s': 'every 3 months, on day %(day)s at the latest',
    'elk jaar, uiterlijk op dag %(day)s': 'every year, on day %(day)s at the latest',
    'elke maand, uiterlijk op dag %(day)s': 'every month, on day %(day)s at the latest',
    'Betaald door de gemeente': 'Paid by the municipality',
    '%(count)s keer, samen %(amount)s': '%(count)s time(s), %(amount)s in total',
    'laatste: %(due)s': 'last: %(due)s',
    'niet betaald': 'not paid',
    "Onbekende soort; kies uit: %(options)s.": "Unknown kind; choose from: %(options)s.",
    "Kies 1 tot en met %(maximum)s signalen.": "Choose 1 to %(maximum)s signals.",
    "Geef de nummers van de signalen.": "Give the signals' numbers.",
    "%(count)s signalen afgehandeld met één notitie.": "%(count)s signals closed with one note.",
    "Alle soorten": "All kinds",
    "Aangevinkte signalen afhandelen met één notitie": "Close the ticked signals with one note",
    "Kiezen": "Choose",
    "Actie of afgehandeld door": "Action, or closed by",
    "Signaal %(id)s kiezen": "Choose signal %(id)s",
}

# Signals, stored with their message id and shown in the reader's language.
EN.update({
    "%(label)s van %(amount)s met vervaldag %(due)s is niet betaald: het saldo was te laag in de betaalrun van %(run)s.":
        "%(label)s of %(amount)s due on %(due)s is not paid: the balance was too low in the payment run of %(run)s.",
    "%(label)s van %(amount)s met vervaldag %(due)s is opnieuw niet betaald: de eerdere betaling is teruggekomen of "
    "geannuleerd, en het saldo was te laag in de betaalrun van %(run)s.":
        "%(label)s of %(amount)s due on %(due)s is again not paid: the earlier payment came back or was cancelled, "
        "and the balance was too low in the payment run of %(run)s.",
    "Verwacht inkomen (%(kind)s, %(amount)s) op %(day)s is %(days)s dagen later nog niet ontvangen. Neem contact op "
    "met de uitkerende instantie of overweeg een voorschot.":
        "Expected income (%(kind)s, %(amount)s) on %(day)s has not been received %(days)s days later. Contact the "
        "paying agency or consider an advance.",
    "Het huishouden is al beëindigd: het geld wordt met de volgende betaalrun als laatste leefgeld aan het "
    "huishouden betaald, niet opnieuw aan de schuldeiser.":
        "The household has already ended: the next payment run pays the money to the household as its last "
        "leefgeld, not to the creditor again.",
    "Het geld staat weer op het saldo van het huishouden; de volgende betaalrun betaalt opnieuw.":
        "The money is back on the household's balance; the next payment run pays again.",
    "De betaling van %(amount)s aan %(creditor)s (%(iban)s) is teruggekomen met %(code)s. %(next_step)s":
        "The payment of %(amount)s to %(creditor)s (%(iban)s) came back with %(code)s. %(next_step)s",
    "De betaling van %(amount)s aan %(creditor)s (%(iban)s) is teruggekomen. %(next_step)s":
        "The payment of %(amount)s to %(creditor)s (%(iban)s) came back. %(next_step)s",
    "De periode eindigt op %(end)s (over %(days)s dagen). Vraag zo nodig een verlenging aan, of bereid de "
    "overdracht voor.":
        "The period ends on %(end)s (in %(days)s days). Ask for an extension if needed, or prepare the handover.",
    "Verlengingsverzoek %(id)s (%(months)s maanden, gevraagd door %(who)s) wacht al %(days)s werkdagen op een "
    "besluit.":
        "Extension request %(id)s (%(months)s months, asked by %(who)s) has been waiting %(days)s working days for "
        "a decision.",
    "Volgens de prognose is er in de betaalrun van %(run)s niet genoeg saldo voor %(label)s (%(amount)s, vervaldag "
    "%(due)s).":
        "According to the forecast, the payment run of %(run)s will not have enough balance for %(label)s "
        "(%(amount)s, due %(due)s).",
    "De periode van huishouden %(household)s eindigt op %(end)s, maar goedgekeurde betaalrun %(batch)s bevat nog "
    "betalingen met een latere vervaldatum. Annuleer de run en maak hem opnieuw als het bestand nog niet naar de "
    "bank is, of vraag het geld terug.":
        "The period of household %(household)s ends on %(end)s, but approved payment run %(batch)s still holds "
        "payments due later. Cancel the run and make it again if the file has not gone to the bank, or ask for the "
        "money back.",
    "de periode eindigt op %(end)s": "the period ends on %(end)s",
    "de periode is op %(end)s geëindigd; beslis zo snel mogelijk": "the period ended on %(end)s; decide as soon as possible",
    "Beslis vóór %(end)s over verlengingsverzoek %(id)s (%(months)s maanden, gevraagd door %(who)s) voor "
    "huishouden %(household)s: %(when)s. Zolang het verzoek openstaat, wordt het huishouden niet afgesloten en "
    "krijgt het geen eindafrekening; het geld voor de vaste lasten na de einddatum blijft gereserveerd en wordt na "
    "goedkeuring betaald.":
        "Decide before %(end)s on extension request %(id)s (%(months)s months, asked by %(who)s) for household "
        "%(household)s: %(when)s. While the request is open, the household is not closed and gets no final "
        "settlement; the money for fixed costs after the end date stays reserved and is paid once approved.",
    "Afschrift %(statement)s (%(iban)s): het eindsaldo verschilt %(amount)s met de boeken op %(on)s, na alles wat "
    "het verklaart. Kijk de wachtrij en de niet-ontvangen aankondigingen na.":
        "Statement %(statement)s (%(iban)s): the closing balance differs by %(amount)s from the books on %(on)s, "
        "after everything that explains it. Check the queue and the announcements not received.",
    "Voor afschrift %(statement)s van %(iban)s ontbreken de afschriften met volgnummer %(numbers)s. Lees ze in, "
    "anders kloppen bank en boeken niet.":
        "Before statement %(statement)s of %(iban)s the statements with sequence number %(numbers)s are missing. "
        "Import them, or bank and books will not agree.",
    "Er kwam %(amount)s binnen voor huishouden %(household)s, maar het ontzorgen is beëindigd. De post (bankpost "
    "%(line)s) wacht in de wachtrij: wijs hem toe of betaal hem terug.":
        "%(amount)s came in for household %(household)s, but its financial care has ended. The entry (bank line "
        "%(line)s) waits in the queue: assign it or pay it back.",
    "De ontvangst van %(amount)s van %(on)s (ontvangst %(receipt)s) staat %(days)s dagen later nog op geen enkel "
    "bankafschrift. Is hij echt binnengekomen?":
        "The receipt of %(amount)s of %(on)s (receipt %(receipt)s) is on no bank statement %(days)s days later. "
        "Did it really come in?",
})
