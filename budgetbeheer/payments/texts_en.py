"""English for the payments texts (message ids are the Dutch texts)."""

from budgetbeheer.payments.return_reasons import english_texts

EN = {
    "Betaalruns": "Payment runs",
    "Betaling %(id)s is al teruggekomen (%(code)s); er wordt niets dubbel geboekt.":
        "Payment %(id)s has already come back (%(code)s); nothing is booked twice.",
    "Betaalrun voorbereiden": "Prepare a payment run",
    "Uitvoeringsdatum": "Execution date",
    "Een TARGET2-werkdag. De run neemt alle vaste lasten mee die op deze dag moeten worden uitgevoerd, plus het leefgeld.":
        "A TARGET2 business day. The run takes every fixed cost that must be executed on this day, plus the living allowance.",
    "Voorbereiden": "Prepare",
    "Overzicht": "Overview",
    "Nummer": "Number",
    "Status": "Status",
    "Betalingen": "Payments",
    "Totaal": "Total",
    "Tegengehouden": "Held",
    "Voorbereid door": "Prepared by",
    "Betaalrun %(id)s": "Payment run %(id)s",
    "Nog geen betaalruns.": "No payment runs yet.",
    "Totaal naar de bank": "Total to the bank",
    "%(n)s betalingen": "%(n)s payments",
    "Goedkeuringen": "Approvals",
    "nog geen": "none yet",
    "nodig: %(n)s": "needed: %(n)s",
    "Reden annulering": "Reason for cancelling",
    "U heeft deze betaalrun voorbereid; een andere medewerker financiën keurt hem goed.":
        "You prepared this payment run; another finance officer approves it.",
    "U heeft al goedgekeurd; een tweede medewerker financiën moet nog goedkeuren.":
        "You have approved; a second finance officer still has to approve.",
    "Goedkeuren": "Approve",
    "Annuleren": "Cancel",
    "Bankbestand maken": "Create bank file",
    "Bankbestand downloaden": "Download bank file",
    "Naar de bank gestuurd": "Sent to the bank",
    "Afgeschreven door de bank": "Executed by the bank",
    "Bankbestanden": "Bank files",
    "Bestand": "File",
    "Controletotaal": "Control sum",
    "Totalen per soort": "Totals per kind",
    "Soort": "Kind",
    "Aantal": "Count",
    "Bedrag": "Amount",
    "Totalen per schuldeiser": "Totals per creditor",
    "Ontvanger": "Payee",
    "Tegengehouden betalingen": "Held payments",
    "Huishouden": "Household",
    "Reden": "Reason",
    "Geen.": "None.",
    "Tekorten": "Shortfalls",
    "Vervaldatum": "Due date",
    "Verschil met de vorige maand per huishouden": "Change against the previous month per household",
    "Het bedrag in deze run tegenover alles wat de vorige kalendermaand voor het huishouden is betaald; alleen waar het verschilt.":
        "The amount in this run against everything paid for the household in the previous calendar month; only where it differs.",
    "Deze run": "This run",
    "Vorige maand": "Previous month",
    "Verschil": "Difference",
    "Geen verschillen.": "No changes.",
    "Alle betalingen": "All payments",
    "Kenmerk": "Reference",
    "Waarom": "Why",
    "Vorige": "Previous",
    "Volgende": "Next",
    "Pagina %(page)s van %(pages)s": "Page %(page)s of %(pages)s",
    "De eerste %(shown)s van %(total)s regels.": "The first %(shown)s of %(total)s lines.",
    "De %(shown)s grootste verschillen van %(total)s huishoudens.":
        "The %(shown)s largest changes of %(total)s households.",
    "Terug naar de betaalruns": "Back to the payment runs",
    "Betaalrun goedkeuren": "Approve payment run",
    "Betaalrun %(id)s goedkeuren?": "Approve payment run %(id)s?",
    "U keurt %(n)s betalingen goed, samen %(total)s, uit te voeren op %(date)s. Na goedkeuring verandert er niets meer aan deze run en gaat het geld van de huishoudens naar 'betalingen onderweg'.":
        "You approve %(n)s payments, together %(total)s, to be executed on %(date)s. After approval nothing in this run "
        "can change, and the money moves from the households to 'payments in transit'.",
    "Ja, goedkeuren": "Yes, approve",
    "Nee, terug": "No, go back",
    "Betaalrun annuleren": "Cancel payment run",
    "Betaalrun %(id)s annuleren?": "Cancel payment run %(id)s?",
    "De betalingen van deze run gaan niet naar de bank. Ze kunnen in een nieuwe run opnieuw worden voorgesteld. Was de run al goedgekeurd, dan wordt die boeking tegengeboekt.":
        "The payments of this run do not go to the bank. They can be proposed again in a new run. If the run was "
        "already approved, that booking is reversed.",
    "Ja, annuleren": "Yes, cancel",
    "Komende betalingen": "Upcoming payments",
    "Eerdere betalingen": "Past payments",
    "voorgesteld": "proposed",
    "goedgekeurd": "approved",
    "bankbestand gemaakt": "bank file created",
    "verzonden": "sent",
    "afgeschreven": "settled",
    "deels teruggekomen": "partly returned",
    "geannuleerd": "cancelled",
    "tegengehouden": "held",
    "teruggekomen": "returned",
    "leefgeld": "leefgeld",
    "Betaalrun voorbereid.": "Payment run prepared.",
    "Er was al een betaalrun voor deze datum.": "There already was a payment run for this date.",
    "Geef een datum als JJJJ-MM-DD.": "Give a date as YYYY-MM-DD.",
    "Betaalrun goedgekeurd.": "Payment run approved.",
    "Uw goedkeuring is vastgelegd; een tweede medewerker financiën moet nog goedkeuren.":
        "Your approval is recorded; a second finance officer still has to approve.",
    "Betaalrun geannuleerd.": "Payment run cancelled.",
    "Bankbestand gemaakt en gecontroleerd tegen het XSD.": "Bank file created and validated against the XSD.",
    "Vastgelegd dat het bankbestand naar de bank is gestuurd.": "Recorded that the bank file was sent to the bank.",
    "Betaalrun geboekt als afgeschreven door de bank.": "Payment run booked as executed by the bank.",
    "Betaalrun %(id)s bestaat niet.": "Payment run %(id)s does not exist.",
    "Betaalrun %(id)s heeft status %(status)s; %(action)s kan niet.":
        "Payment run %(id)s has status %(status)s; %(action)s is not possible.",
    "Alleen een medewerker financiën kan een betaalrun goedkeuren.": "Only a finance officer can approve a payment run.",
    "U heeft deze betaalrun zelf voorbereid; een andere medewerker financiën moet hem goedkeuren.":
        "You prepared this payment run yourself; another finance officer must approve it.",
    "U heeft deze betaalrun al goedgekeurd; een tweede, andere medewerker moet hem goedkeuren.":
        "You already approved this payment run; a second, different officer must approve it.",
    "Deze betaalrun heeft geen betalingen om goed te keuren.": "This payment run has no payments to approve.",
    "Iemand anders keurde deze betaalrun net goed; laad de pagina opnieuw.":
        "Someone else just approved this payment run; reload the page.",
    "De betaalrun is veranderd tijdens het goedkeuren; laad de pagina opnieuw.":
        "The payment run changed while being approved; reload the page.",
    "Geef een reden voor het annuleren.": "Give a reason for cancelling.",
    "Betaalrun %(id)s is al %(status)s; alleen een run die nog niet naar de bank is gegaan kan worden geannuleerd.":
        "Payment run %(id)s is already %(status)s; only a run that has not gone to the bank can be cancelled.",
    "Het bankbestand telt niet op tot het totaal van de betaalrun.": "The bank file does not add up to the run's total.",
    "Betaalrun %(id)s heeft nog geen bankbestand.": "Payment run %(id)s has no bank file yet.",
    "Geef de redencode van de bank, zoals AC04.": "Give the bank's reason code, such as AC04.",
    "Betaling %(id)s bestaat niet.": "Payment %(id)s does not exist.",
    "Betaling %(id)s is niet naar de bank gegaan (status %(status)s) en kan niet terugkomen.":
        "Payment %(id)s did not go to the bank (status %(status)s) and cannot come back.",
    "Een andere betaalrun voor %(date)s is net gemaakt; probeer opnieuw.":
        "Another payment run for %(date)s was just made; try again.",
    "Er wordt op dit moment een andere betaalrun voorbereid. Probeer het over een minuut opnieuw: deze run houdt dan "
    "rekening met de betalingen van die andere run.":
        "Another payment run is being prepared at this moment. Try again in a minute: this run will then take that "
        "other run's payments into account.",
    "even bezet": "busy for a moment",
    "De betaalrun van %(date)s is al goedgekeurd; kies een latere uitvoeringsdatum voor de eindafrekening.":
        "The payment run of %(date)s is already approved; choose a later execution date for the final settlement.",
    "goedkeuren": "approving",
    "een bankbestand maken": "creating a bank file",
    "als verzonden markeren": "marking as sent",
    "als afgeschreven boeken": "booking as executed",
    "vier-ogenprincipe": "four-eyes principle",
    "al goedgekeurd": "already approved",
    # pages (screens checked in Dutch and English)
    "saldo te laag": "balance too low",
    "%(date)s (%(reason)s) is geen TARGET2-werkdag; de eerstvolgende werkdag is %(next)s.": "%(date)s (%(reason)s) is not a TARGET2 business day; the next business day is %(next)s.",
    "Huishouden bestaat niet.": "Household does not exist.",
    "De naam van de eigen rekening ontbreekt.": "The name of the managed account is missing.",
    "De BIC van de eigen rekening (%(bic)s) is ongeldig.": "The BIC of the managed account (%(bic)s) is invalid.",
    "De BIC van de eigen rekening (%(iban)s) is niet bekend; vul de BIC in.": "The BIC of the managed account (%(iban)s) is not known; fill in the BIC.",
    "Betaling %(end_to_end_id)s: het bedrag moet een geheel aantal centen zijn.": "Payment %(end_to_end_id)s: the amount must be a whole number of cents.",
    "Betaling %(end_to_end_id)s: het bedrag (%(amount)s) moet groter zijn dan nul.": "Payment %(end_to_end_id)s: the amount (%(amount)s) must be greater than zero.",
    "Betaling %(end_to_end_id)s: BIC %(bic)s is ongeldig.": "Payment %(end_to_end_id)s: BIC %(bic)s is invalid.",
    "Betaling %(end_to_end_id)s: de naam van de ontvanger ontbreekt.": "Payment %(end_to_end_id)s: the payee's name is missing.",
    "Betaling %(end_to_end_id)s: categorie %(purpose)s is geen code van vier hoofdletters (zoals SUPP).": "Payment %(end_to_end_id)s: category %(purpose)s is not a code of four capital letters (such as SUPP).",
    "Betaling %(end_to_end_id)s: %(problem)s": "Payment %(end_to_end_id)s: %(problem)s",
    "Het berichtkenmerk %(base)s is te lang voor %(files)s bestanden.": "The message id %(base)s is too long for %(files)s files.",
    "Er zijn geen betalingen om in een bankbestand te zetten.": "There are no payments to put in a bank file.",
    "Het bankbestand kan niet worden gemaakt; zie de fouten per betaling.": "The bank file cannot be made; see the errors per payment.",
    "Het bankbestand %(msg_id)s voldoet niet aan het schema: %(problem)s": "The bank file %(msg_id)s does not match the schema: %(problem)s",
    "Ontvanger en IBAN": "Payee and IBAN",
    "Betalingskenmerk (EndToEndId)": "Payment id (EndToEndId)",
    "Pagina’s": "Pages",
    'Betaalrun %(id)s kan niet worden goedgekeurd: het saldo van %(count)s huishouden(s) dekt de betalingen niet meer: %(households)s. Annuleer de betaalrun en maak hem opnieuw.':
        'Payment run %(id)s cannot be approved: the balance of %(count)s household(s) no longer covers the payments: %(households)s. Cancel the run and prepare it again.',
    'Betaalrun %(batch)s is nog niet als verzonden gemarkeerd; de bank kan betaling %(id)s dan niet terugsturen. Markeer de run eerst als verzonden als het bestand wel bij de bank is.':
        'Payment run %(batch)s has not been marked as sent, so the bank cannot have returned payment %(id)s. If the file did reach the bank, mark the run as sent first.',
    'Betaling %(index)s: de EndToEndId %(end_to_end_id)s is leeg, langer dan 35 tekens of bevat tekens die de bank niet accepteert.':
        'Payment %(index)s: the EndToEndId %(end_to_end_id)s is empty, longer than 35 characters or contains characters the bank does not accept.',
    'Betaling %(end_to_end_id)s: de InstrId %(instruction_id)s is leeg, langer dan 35 tekens of bevat tekens die de bank niet accepteert.':
        'Payment %(end_to_end_id)s: the InstrId %(instruction_id)s is empty, longer than 35 characters or contains characters the bank does not accept.',
    'Betaling %(end_to_end_id)s: het bedrag (%(amount)s) is hoger dan de %(maximum)s die in één SEPA-overboeking mag.':
        'Payment %(end_to_end_id)s: the amount (%(amount)s) is higher than the %(maximum)s allowed in one SEPA credit transfer.',
    "Het berichtkenmerk %(base)s moet uit 1 tot %(maximum)s tekens bestaan, zonder spaties en alleen met letters, cijfers en / - ? : ( ) . , ' +.":
        "The message id %(base)s must have 1 to %(maximum)s characters, no spaces, and only letters, digits and / - ? : ( ) . , ' +.",
    'Betaling %(end_to_end_id)s komt twee keer voor (nummer %(first)s en %(second)s); elke betaling heeft een eigen EndToEndId nodig.':
        'Payment %(end_to_end_id)s appears twice (numbers %(first)s and %(second)s); every payment needs its own EndToEndId.',
    # Returns, held IBANs and IBAN changes (payments/iban_holds.py, iban_changes.py, iban_web.py)
    "Kies active of all.": "Choose active or all.",
    "Kies pending, confirmed of rejected.": "Choose pending, confirmed or rejected.",
    "Dit huishouden is beëindigd; er gaat niets meer naar zijn rekening.":
        "This household has ended; nothing more goes to its account.",
    "huishouden beëindigd": "household ended",
    "Schuldeiser %(id)s bestaat niet.": "Creditor %(id)s does not exist.",
    "Schuldeiser %(name)s staat met dit IBAN al in het register (%(id)s); koppel de vaste lasten aan die schuldeiser.":
        "Creditor %(name)s is already in the register with this IBAN (%(id)s); link the fixed costs to that creditor.",
    "staat al in het register": "already in the register",
    "IBAN-wijziging %(id)s bestaat niet.": "IBAN change %(id)s does not exist.",
    "IBAN-wijziging %(id)s is al %(status)s door %(who)s.": "IBAN change %(id)s has already been %(status)s by %(who)s.",
    "wacht op bevestiging": "waiting for confirmation",
    "bevestigd": "confirmed",
    "afgewezen": "rejected",
    "U heeft deze IBAN-wijziging zelf voorgesteld; een andere medewerker financiën moet hem bevestigen.":
        "You proposed this IBAN change yourself; another finance officer must confirm it.",
    "Alleen een medewerker financiën kan een IBAN-wijziging bevestigen.":
        "Only a finance officer can confirm an IBAN change.",
    "Het nieuwe IBAN %(iban)s is inmiddels tegengehouden omdat een betaling terugkwam; wijs deze wijziging af en stel een ander IBAN voor.":
        "The new IBAN %(iban)s has since been held because a payment came back; reject this change and propose another IBAN.",
    "IBAN tegengehouden": "IBAN held",
    "Het IBAN is veranderd sinds deze wijziging werd voorgesteld (nu %(iban)s); wijs hem af en stel hem opnieuw voor.":
        "The IBAN has changed since this change was proposed (now %(iban)s); reject it and propose it again.",
    "IBAN veranderd": "IBAN changed",
    "Alleen een medewerker financiën of wie de wijziging voorstelde kan hem afwijzen.":
        "Only a finance officer or whoever proposed the change can reject it.",
    "Schrijf de reden op, bijvoorbeeld: rekening opgeheven, nieuwe rekening bij de ING.":
        "Write down the reason, for example: account closed, new account at ING.",
    "Dit is al het IBAN van deze ontvanger.": "This already is the payee's IBAN.",
    "Dit IBAN is tegengehouden omdat een betaling terugkwam (rekening onjuist of opgeheven); kies een ander IBAN.":
        "This IBAN is held because a payment came back (account wrong or closed); choose another IBAN.",
    "Er wacht al een IBAN-wijziging (%(id)s) op bevestiging; bevestig of wijs die eerst af.":
        "An IBAN change (%(id)s) is already waiting for confirmation; confirm or reject that one first.",
    "wijziging wacht al": "a change is already waiting",
    "Er is net een andere IBAN-wijziging voor deze ontvanger voorgesteld; laad de pagina opnieuw.":
        "Another IBAN change for this payee was just proposed; reload the page.",
    "Kies een schuldeiser.": "Choose a creditor.",
    "IBAN-wijziging voorgesteld; een andere medewerker financiën moet hem bevestigen.":
        "IBAN change proposed; another finance officer must confirm it.",
    "IBAN-wijziging bevestigd; de volgende betaalrun betaalt naar het nieuwe IBAN.":
        "IBAN change confirmed; the next payment run pays to the new IBAN.",
    "IBAN-wijziging afgewezen.": "IBAN change rejected.",
    "IBAN's tegengehouden en IBAN-wijzigingen": "Held IBANs and IBAN changes",
    "IBAN %(iban)s is tegengehouden sinds %(date)s: een betaling kwam terug (%(reason)s). Er gaat niets naar dit IBAN tot een IBAN-wijziging is bevestigd.":
        "IBAN %(iban)s has been held since %(date)s: a payment came back (%(reason)s). Nothing goes to this IBAN until an IBAN change is confirmed.",
    "Geen IBAN's tegengehouden.": "No IBANs held.",
    "IBAN van een schuldeiser wijzigen (vier ogen)": "Change a creditor's IBAN (four eyes)",
    "Nieuw IBAN": "New IBAN",
    "Voorstellen": "Propose",
    "Het IBAN van %(name)s (%(iban)s) is tegengehouden sinds %(date)s (%(reason)s); verbeter het in het register.":
        "The IBAN of %(name)s (%(iban)s) has been held since %(date)s (%(reason)s); correct it in the register.",
    "IBAN wijzigen (vier ogen)": "Change the IBAN (four eyes)",
    "IBAN van het huishouden": "Household's IBAN",
    "Rekeninghouder": "Account holder",
    "IBAN-wijziging %(id)s wacht op bevestiging": "IBAN change %(id)s is waiting for confirmation",
    "voorgesteld door %(who)s op %(when)s": "proposed by %(who)s on %(when)s",
    "Tot de bevestiging gaan betalingen naar het oude IBAN (of blijven ze tegengehouden als het oude IBAN is tegengehouden).":
        "Until it is confirmed, payments go to the old IBAN (or stay held when the old IBAN is held).",
    "Bevestigen": "Confirm",
    "U stelde deze wijziging voor; een andere medewerker financiën bevestigt hem.":
        "You proposed this change; another finance officer confirms it.",
    "Notitie": "Note",
    "Intrekken": "Revoke",
    "Afwijzen": "Reject",
    # issue 12: creditor addresses, the bank file's limits
    '%(date)s ligt in het verleden; de eerstvolgende mogelijke uitvoeringsdatum is %(next)s.': '%(date)s lies in the past; the next possible execution date is %(next)s.',
    '%(date)s ligt meer dan %(days)s dagen vooruit; dat neemt de bank niet aan. Kies een uitvoeringsdatum van %(next)s tot en met %(last)s.': '%(date)s lies more than %(days)s days ahead, which the bank does not accept. Choose an execution date from %(next)s up to and including %(last)s.',
    'Betaling %(end_to_end_id)s: IBAN %(iban)s is van een land buiten de Europese Economische Ruimte; de bank wil dan het adres van de ontvanger (ten minste plaats en land).': "Payment %(end_to_end_id)s: IBAN %(iban)s belongs to a country outside the European Economic Area; the bank then needs the payee's address (at least town and country).",
    'Betaling %(end_to_end_id)s past niet in een bankbestand van hoogstens %(maximum)s bytes.': 'Payment %(end_to_end_id)s does not fit in a bank file of at most %(maximum)s bytes.',
    "Geen bankbestand: betaling %(ids)s van betaalrun %(batch)s is gewijzigd na de goedkeuring. Annuleer de betaalrun en laat hem opnieuw voorbereiden en goedkeuren.":
        "No bank file: payment %(ids)s of payment run %(batch)s changed after approval. Cancel the run and have it prepared and approved again.",
    "Een beheerder kan geen betaalrun goedkeuren: wie gebruikers en rollen beheert, beweegt geen geld.":
        "An admin cannot approve a payment run: whoever manages users and roles does not move money.",
    "Geen bankbestand: de betalingen van betaalrun %(batch)s zijn niet meer wat de goedkeuring in het auditlog vastlegde. Annuleer de betaalrun en laat hem opnieuw voorbereiden en goedkeuren.":
        "No bank file: the payments of payment run %(batch)s are no longer what the approval recorded in the audit trail. Cancel the run and have it prepared and approved again.",
    # issue 14, finding 4: payee control
    'De naam van de eigen rekening bevat een teken dat niet naar de bank mag (%(code)s).':
        'The name of the own account holds a character that may not go to the bank (%(code)s).',
    'Betaling %(end_to_end_id)s: %(field)s bevat een teken dat niet naar de bank mag (%(code)s: een stuurteken, een teken dat de leesrichting omdraait of een onzichtbaar teken). Verbeter de gegevens in het register of bij het huishouden en maak de betaalrun opnieuw.':
        'Payment %(end_to_end_id)s: %(field)s holds a character that may not go to the bank (%(code)s: a control character, a character that reverses the reading direction or an invisible character). Correct the data in the register or at the household and prepare the payment run again.',
    'Totalen per schuldeiser en IBAN':
        'Totals per creditor and IBAN',
    'Eén regel per schuldeiser en IBAN: dezelfde naam met twee IBAN’s staat op twee regels. Regels met ⚠ eerst: kijk die na voor u goedkeurt.':
        'One line per creditor and IBAN: the same name with two IBANs is on two lines. Lines with ⚠ first: check them before you approve.',
    'Let op':
        'Note',
    'nr.':
        'no.',
    'Geen betalingen aan schuldeisers.':
        'No payments to creditors.',
    'Zie Totalen per schuldeiser en IBAN':
        'See Totals per creditor and IBAN',
    "Let op: %(n)s regel(s) bij Totalen per schuldeiser en IBAN zijn gemarkeerd (dezelfde naam met een ander IBAN, of een naam die op een andere lijkt). Kijk ze na voor u goedkeurt.":
        "Note: %(n)s line(s) under Totals per creditor and IBAN are flagged (the same name with another IBAN, or a name that looks like another). Check them before you approve.",
    "Naar de betaalrun": "To the payment run",
}

# The bank's return reasons, in Dutch and English, from their one table.
EN.update(english_texts())

# Payment reasons, stored with their message id (budgetbeheer.domain.planning, payments.runs.plan) and shown in the
# reader's language; amounts and dates are filled in in the reader's format.
EN.update({
    "vaste lasten tot %(next)s": "fixed costs until %(next)s",
    "vaste lasten (geen inkomsten meer verwacht)": "fixed costs (no more income expected)",
    "vaste lasten t/m %(kept)s (geen inkomsten meer verwacht)": "fixed costs through %(kept)s (no more income expected)",
    "vaste lasten t/m %(kept)s (volgende inkomsten %(next)s)": "fixed costs through %(kept)s (next income %(next)s)",
    "einde periode: het hele resterende saldo %(amount)s wordt uitbetaald (geen buffer, niets gereserveerd)":
        "end of the period: the whole remaining balance %(amount)s is paid out (no buffer, nothing reserved)",
    "einde periode: geen saldo over (%(zero)s)": "end of the period: no balance left (%(zero)s)",
    "saldo %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s; minder dan nul, dus geen leefgeld (%(zero)s)":
        "balance %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s; below zero, so no leefgeld (%(zero)s)",
    "week": "week",
    "betaaldag": "payday",
    "saldo %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s; %(unit)s 1 van %(paydays)s tot de volgende inkomsten → %(amount)s":
        "balance %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s; %(unit)s 1 of %(paydays)s until the next income → %(amount)s",
    "saldo %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s":
        "balance %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s",
    "%(category)s %(amount)s, vervalt %(due)s": "%(category)s %(amount)s, due %(due)s",
    "%(label)s: betaald; saldo %(before)s → %(after)s (past nog, na een vaste last die niet paste)":
        "%(label)s: paid; balance %(before)s → %(after)s (still fits, after a fixed cost that did not)",
    "%(label)s: betaald; saldo %(before)s → %(after)s": "%(label)s: paid; balance %(before)s → %(after)s",
    "%(label)s: past niet in het saldo %(balance)s; niet betaald (een vaste last wordt helemaal of niet betaald)":
        "%(label)s: does not fit in the balance %(balance)s; not paid (a fixed cost is paid in full or not at all)",
    "%(reason)s; waarvan %(amount)s verrekend met het openstaande voorschot":
        "%(reason)s; of which %(amount)s set off against the outstanding advance",
    "incidentele betaling %(amount)s (goedgekeurd): %(reason)s": "one-off payment %(amount)s (approved): %(reason)s",
    "%(code)s (%(meaning)s)": "%(code)s (%(meaning)s)",
    "het eigen IBAN van huishouden %(household)s": "household %(household)s's own IBAN",
    "het IBAN van %(creditor)s in het register": "the IBAN of %(creditor)s in the register",
    "De betaling van %(amount)s aan %(creditor)s (%(iban)s) is teruggekomen met %(code)s (%(meaning)s). Er gaat "
    "niets meer naar dit IBAN: het geld blijft op het saldo van het huishouden. Verbeter %(whose)s "
    "(IBAN-wijziging, bevestigd door een tweede medewerker financiën).":
        "The payment of %(amount)s to %(creditor)s (%(iban)s) came back with %(code)s (%(meaning)s). Nothing more "
        "goes to this IBAN: the money stays on the household's balance. Correct %(whose)s (an IBAN change, "
        "confirmed by a second finance user).",
})
