"""English for the bank package's Dutch message ids."""

from budgetbeheer.bank.naming import nameless_catalogue

EN = {
    # what a file is
    "%(what)s, versie %(version)s": "%(what)s, version %(version)s",
    "%(type)s-bericht": "%(type)s message",
    "tussentijds rekeningoverzicht (camt.052)": "intraday account report (camt.052)",
    "rekeningafschrift (camt.053)": "bank statement (camt.053)",
    "bij- en afschrijvingsbericht (camt.054)": "debit/credit notification (camt.054)",
    "verzoek tot terugboeking (camt.056)": "payment cancellation request (camt.056)",
    "betaalopdracht (pain.001)": "payment order (pain.001)",
    "statusrapport van betalingen (pain.002)": "payment status report (pain.002)",
    "incasso-opdracht (pain.008)": "direct debit order (pain.008)",
    "statusbericht tussen banken (pacs.002)": "interbank status message (pacs.002)",
    "terugboeking tussen banken (pacs.004)": "interbank payment return (pacs.004)",
    "overboeking tussen banken (pacs.008)": "interbank credit transfer (pacs.008)",
    # where in a file
    "afschrift %(statement)s": "statement %(statement)s",
    "het afschrift": "the statement",
    "post %(number)s van %(of)s": "entry %(number)s of %(of)s",
    "transactie %(number)s van %(of)s": "transaction %(number)s of %(of)s",
    "saldo %(code)s van %(of)s": "balance %(code)s of %(of)s",
    "Btch van %(of)s": "Btch of %(of)s",
    "geen": "none",
    "ontbreekt": "missing",
    # safety (xmlsafe)
    "Het bestand %(name)s is geen XML.": "The file %(name)s is not XML.",
    "Het bestand %(name)s is leeg of geen XML.": "The file %(name)s is empty or not XML.",
    "Het bestand %(name)s begint niet met een XML-element.": "The file %(name)s does not start with an XML element.",
    "Het bestand %(name)s is in UTF-16; lever het aan in UTF-8.":
        "The file %(name)s is in UTF-16; please supply it in UTF-8.",
    "Het bestand %(name)s is groter dan de grens van %(limit)s.":
        "The file %(name)s is larger than the limit of %(limit)s.",
    "Het bestand %(name)s kan niet worden geopend.": "The file %(name)s cannot be opened.",
    "Het bestand %(name)s bevat een DOCTYPE- of ENTITY-declaratie; zo'n bestand wordt niet gelezen "
    "(bankbestanden hebben er geen, en ze kunnen de server aanvallen).":
        "The file %(name)s contains a DOCTYPE or ENTITY declaration; such a file is not read (bank files have none, "
        "and they can attack the server).",
    "Het bestand %(name)s is geen geldige XML (regel %(line)s): %(error)s":
        "The file %(name)s is not valid XML (line %(line)s): %(error)s",
    "Het bestand %(name)s is geen geldig zip-bestand.": "The file %(name)s is not a valid zip file.",
    "Het zip-bestand %(name)s bevat %(count)s bestanden; de grens is %(limit)s.":
        "The zip file %(name)s contains %(count)s files; the limit is %(limit)s.",
    "Het zip-bestand %(name)s bevat geen XML-bestanden.": "The zip file %(name)s contains no XML files.",
    "Het zip-bestand %(name)s pakt uit tot meer dan de grens van %(limit)s.":
        "The zip file %(name)s unpacks to more than the limit of %(limit)s.",
    "Het zip-bestand %(name)s pakt uit tot meer dan toegestaan.":
        "The zip file %(name)s unpacks to more than allowed.",
    "Het zip-bestand %(name)s bevat een ongeldige bestandsnaam: %(member)s.":
        "The zip file %(name)s contains an invalid file name: %(member)s.",
    "Het zip-bestand %(name)s is versleuteld (%(member)s).": "The zip file %(name)s is encrypted (%(member)s).",
    "Het zip-bestand %(name)s bevat %(member)s; alleen XML-bestanden worden gelezen.":
        "The zip file %(name)s contains %(member)s; only XML files are read.",
    # message type and version
    "Het bestand %(name)s is geen %(wanted)s maar een %(kind)s.":
        "The file %(name)s is not a %(wanted)s but a %(kind)s.",
    "Het bestand %(name)s is geen %(wanted)s: het is geen ISO 20022-bericht (hoofdelement %(root)s, namespace "
    "%(namespace)s).":
        "The file %(name)s is not a %(wanted)s: it is not an ISO 20022 message (root element %(root)s, namespace "
        "%(namespace)s).",
    "Het bestand %(name)s is een %(kind)s; die versie wordt niet gelezen (wel: %(versions)s).":
        "The file %(name)s is a %(kind)s; that version is not read (supported: %(versions)s).",
    # statements (camt)
    "Het bedrag %(amount)s in %(where)s van %(name)s is geen bedrag.":
        "The amount %(amount)s in %(where)s of %(name)s is not an amount.",
    "Het bedrag %(amount)s in %(where)s van %(name)s is negatief; een bankbestand geeft bedragen zonder teken, met "
    "CRDT of DBIT.":
        "The amount %(amount)s in %(where)s of %(name)s is negative; a bank file gives amounts without a sign, with "
        "CRDT or DBIT.",
    "Het bedrag %(amount)s in %(where)s van %(name)s heeft meer dan twee decimalen.":
        "The amount %(amount)s in %(where)s of %(name)s has more than two decimals.",
    "De datum %(value)s in %(where)s van %(name)s is geen datum.":
        "The date %(value)s in %(where)s of %(name)s is not a date.",
    "Het bestand %(name)s bevat geen afschrift (Stmt of Ntfctn).":
        "The file %(name)s contains no statement (Stmt or Ntfctn).",
    "Een afschrift in %(name)s heeft geen Id.": "A statement in %(name)s has no Id.",
    "In %(name)s noemt %(where)s geen IBAN van de rekening (Acct/Id/IBAN).":
        "In %(name)s, %(where)s names no IBAN of the account (Acct/Id/IBAN).",
    "Het volgnummer %(value)s van %(where)s in %(name)s is geen getal.":
        "The sequence number %(value)s of %(where)s in %(name)s is not a number.",
    "Het bestand %(name)s heeft geen berichtnummer (GrpHdr/MsgId).":
        "The file %(name)s has no message id (GrpHdr/MsgId).",
    "In %(name)s heeft %(where)s geen bedrag.": "In %(name)s, %(where)s has no amount.",
    "In %(name)s is %(where)s geen bij- of afschrijving (CdtDbtInd %(value)s).":
        "In %(name)s, %(where)s is neither a credit nor a debit (CdtDbtInd %(value)s).",
    "In %(name)s heeft %(where)s geen boekdatum.": "In %(name)s, %(where)s has no booking date.",
    "In %(name)s is %(where)s in %(currency)s, de rekening in %(account)s.":
        "In %(name)s, %(where)s is in %(currency)s, the account in %(account)s.",
    "Het aantal transacties %(value)s in %(where)s van %(name)s is geen getal.":
        "The number of transactions %(value)s in %(where)s of %(name)s is not a number.",
    # status reports (pain.002)
    "Een statusrapport (pain.002) wordt als los XML-bestand gelezen, niet in een zip.":
        "A status report (pain.002) is read as a single XML file, not in a zip.",
    "Het statusrapport %(name)s heeft geen berichtnummer (GrpHdr/MsgId).":
        "The status report %(name)s has no message id (GrpHdr/MsgId).",
    "Het statusrapport %(name)s noemt niet welke betaalopdracht het beantwoordt (OrgnlGrpInfAndSts/OrgnlMsgId).":
        "The status report %(name)s does not name the payment order it answers (OrgnlGrpInfAndSts/OrgnlMsgId).",
    "Blok %(number)s van het statusrapport %(name)s heeft geen OrgnlPmtInfId.":
        "Block %(number)s of the status report %(name)s has no OrgnlPmtInfId.",
    "Transactie %(index)s van blok %(block)s in het statusrapport %(name)s heeft geen status.":
        "Transaction %(index)s of block %(block)s in the status report %(name)s has no status.",
    # the bank pages (bank/web.py, templates/bank/)
    "Bank": "Bank",
    "Bankafschriften": "Bank statements",
    "Rekeningafschrift (camt.053)": "Bank statement (camt.053)",
    "Statusrapport (pain.002)": "Payment status report (pain.002)",
    "in de wachtrij": "in the queue",
    "herkend": "matched",
    "toegewezen": "assigned",
    "Bij- en afschrijvingen": "Credits and debits",
    "Alleen bijschrijvingen": "Credits only",
    "Alleen afschrijvingen": "Debits only",
    "Dit bestand was al ingelezen; er is niets veranderd.": "This file had already been imported; nothing changed.",
    "Afschrift %(id)s ingelezen: %(lines)s posten, %(matched)s herkend, %(unmatched)s in de wachtrij.":
        "Statement %(id)s imported: %(lines)s lines, %(matched)s matched, %(unmatched)s in the queue.",
    "Het eindsaldo klopt met de boeken.": "The closing balance agrees with the books.",
    "Verschil met de boeken: %(difference)s, helemaal verklaard.":
        "Difference with the books: %(difference)s, fully explained.",
    "Verschil met de boeken: %(difference)s, waarvan %(unexplained)s onverklaard.":
        "Difference with the books: %(difference)s, of which %(unexplained)s unexplained.",
    "%(name)s is niet ingelezen; er is niets veranderd.": "%(name)s was not imported; nothing changed.",
    "Kies het soort bestand.": "Choose the kind of file.",
    "Kies een bestand om in te lezen.": "Choose a file to import.",
    "Statusrapport %(id)s ingelezen (antwoord op %(original)s): %(rejected)s betalingen geweigerd en teruggeboekt, "
    "%(accepted)s geaccepteerd, %(unknown)s onbekend.":
        "Status report %(id)s imported (answering %(original)s): %(rejected)s payments rejected and returned, "
        "%(accepted)s accepted, %(unknown)s unknown.",
    "Dit statusrapport was al ingelezen; er is niets veranderd.":
        "This status report had already been imported; nothing changed.",
    "betaalrun %(id)s": "payment run %(id)s",
    "betaling %(id)s in betaalrun %(batch)s": "payment %(id)s in payment run %(batch)s",
    "terugboeking van betaling %(id)s in betaalrun %(batch)s": "return of payment %(id)s in payment run %(batch)s",
    "huishouden %(id)s": "household %(id)s",
    "ontvangst %(id)s": "receipt %(id)s",
    "%(type)s %(id)s": "%(type)s %(id)s",
    "Vul het nummer van het huishouden in.": "Fill in the household's number.",
    "Bankpost %(id)s (%(amount)s) toegewezen aan huishouden %(household)s.":
        "Bank line %(id)s (%(amount)s) assigned to household %(household)s.",
    "Bankpost %(id)s is niet toegewezen: %(why)s": "Bank line %(id)s was not assigned: %(why)s",
    # suggestions (bank/suggest.py)
    "betaald vanaf de eigen rekening van het huishouden (%(iban)s)":
        "paid from the household's own account (%(iban)s)",
    "klantnummer %(number)s in de omschrijving": "client number %(number)s in the description",
    "de naam %(name)s staat in de omschrijving of bij de betaler":
        "the name %(name)s is in the description or the payer's name",
    "het bedrag is een verwacht inkomen van het huishouden": "the amount is an expected income of the household",
    "de betaler heeft de naam van de rekeninghouder van het huishouden (%(name)s)":
        "the payer has the name of the household's account holder (%(name)s)",
    # templates/bank/statements.html
    "Naar de wachtrij: bankposten die nog niet zijn toegewezen": "To the queue: bank lines not yet assigned",
    "Bestand van de bank inlezen": "Import a file from the bank",
    "verstuurd": "sent",
    "Het bestand is verstuurd; het wordt nu gelezen en vergeleken met de boeken…":
        "The file has been sent; it is now being read and compared with the books…",
    "Versturen is mislukt. Controleer de verbinding en probeer het opnieuw.":
        "Sending failed. Check the connection and try again.",
    "Soort bestand": "Kind of file",
    "Bestand": "File",
    "Een afschrift (camt.053 of camt.054) als XML, of een zip met meerdere; of een statusrapport (pain.002) als XML.":
        "A statement (camt.053 or camt.054) as XML, or a zip of several; or a status report (pain.002) as XML.",
    "Hoogstens %(size)s MB per keer.": "At most %(size)s MB at a time.",
    "Een bestand dat al is ingelezen verandert niets.": "A file that has already been imported changes nothing.",
    "Dit bestand is groter dan %(size)s MB; lees het in met de opdracht budgetbeheer statements import.":
        "This file is larger than %(size)s MB; import it with the command budgetbeheer statements import.",
    "Bestand inlezen": "Import the file",
    "Voortgang": "Progress",
    "Ingelezen afschriften": "Imported statements",
    "Het eindsaldo van elk afschrift tegenover de bankrekening in de boeken op dezelfde dag. Wat het verschil "
    "verklaart staat op de pagina van het afschrift.":
        "Each statement's closing balance against the bank account in the books on the same day. What explains the "
        "difference is on the statement's page.",
    "Afschrift": "Statement",
    "Periode": "Period",
    "Eindsaldo bank": "Bank closing balance",
    "Bank in de boeken": "Bank in the books",
    "Verschil bank en boeken": "Difference bank and books",
    "Onverklaard": "Unexplained",
    "In de wachtrij": "In the queue",
    "Aansluiting": "Reconciliation",
    "volgnummer %(n)s": "sequence number %(n)s",
    "Nog geen afschriften ingelezen.": "No statements imported yet.",
    # templates/bank/_macros.html
    "geen eindsaldo": "no closing balance",
    "klopt": "agrees",
    "klopt, verschil verklaard": "agrees, difference explained",
    "verschil": "difference",
    "Pagina’s": "Pages",
    "Vorige": "Previous",
    "Volgende": "Next",
    "Pagina %(page)s van %(pages)s": "Page %(page)s of %(pages)s",
    # templates/bank/statement.html
    "Afschrift %(id)s": "Statement %(id)s",
    "Rekening": "Account",
    "Volgnummer": "Sequence number",
    "Soort bericht": "Message type",
    "Beginsaldo": "Opening balance",
    "Bijgeschreven": "Credited",
    "Afgeschreven": "Debited",
    "Eindsaldo": "Closing balance",
    "Posten": "Lines",
    "%(n)s posten": "%(n)s lines",
    "%(n)s herkend": "%(n)s matched",
    "%(n)s toegewezen": "%(n)s assigned",
    "%(n)s in de wachtrij": "%(n)s in the queue",
    "Aansluiting met de boeken": "Reconciliation with the books",
    "Eindsaldo volgens de bank op %(date)s": "Closing balance according to the bank on %(date)s",
    "Bankrekening in de boeken op die dag": "Bank account in the books that day",
    "waarvan aangekondigd maar nog niet op de bank ontvangen": "of which announced but not yet received on the bank",
    "Het afschrift heeft geen eindsaldo; er valt niets te vergelijken.":
        "The statement has no closing balance; there is nothing to compare.",
    "Het eindsaldo van de bank is gelijk aan de bankrekening in de boeken: bank en boeken kloppen tot op de cent.":
        "The bank's closing balance equals the bank account in the books: bank and books agree to the cent.",
    "Het verschil bestaat helemaal uit ontvangsten die via de API of een CSV zijn aangekondigd (en al in de boeken "
    "staan) maar nog niet op een afschrift zijn verschenen. Komt zo'n ontvangst niet binnen een paar dagen, dan volgt "
    "een signaal.":
        "The difference consists entirely of receipts announced through the API or a CSV (already in the books) that "
        "have not yet appeared on a statement. If such a receipt does not arrive within a few days, a signal follows.",
    "Er is een verschil dat niet door aangekondigde ontvangsten wordt verklaard. Kijk bij de posten die niet herkend "
    "zijn en in de boekingen op de bankrekening; een ontbrekend of dubbel ingelezen afschrift geeft ook een verschil.":
        "There is a difference that announced receipts do not explain. Look at the lines that were not matched and "
        "at the bookings on the bank account; a missing statement or one imported twice also gives a difference.",
    "Onderweg: %(amount)s aan goedgekeurde betalingen die de bank nog niet als uitgevoerd heeft getoond. Die staan "
    "niet op het afschrift en ook niet op de bankrekening in de boeken, dus ze verklaren geen verschil.":
        "In transit: %(amount)s of approved payments the bank has not yet shown as executed. They are neither on the "
        "statement nor on the bank account in the books, so they explain no difference.",
    "Posten tonen": "Show lines",
    "Alle": "All",
    "Herkend": "Matched",
    "Toegewezen": "Assigned",
    "Naar de wachtrij": "To the queue",
    "Geboekt op": "Booked on",
    "Tegenpartij": "Counterparty",
    "Omschrijving": "Description",
    "Stand": "State",
    "Gekoppeld aan of reden": "Matched to, or why not",
    "reden terugboeking %(code)s": "return reason %(code)s",
    "storno": "reversal",
    "toegewezen door %(who)s": "assigned by %(who)s",
    "Geen posten.": "No lines.",
    "Terug naar de bankafschriften": "Back to the bank statements",
    # templates/bank/queue.html
    "Wachtrij bankposten": "Queue of bank lines",
    "Bankposten die niet vanzelf herkend zijn. Ze staan in de boeken als bank tegenover ‘niet toegewezen’ tot iemand "
    "zegt van wie het geld is.":
        "Bank lines that were not matched automatically. They are in the books as bank against ‘unassigned’ until "
        "someone says whose money it is.",
    "Zoek op naam, IBAN, omschrijving of bedrag": "Search by name, IBAN, description or amount",
    "Een bedrag als 99,50 vindt de posten van precies dat bedrag.":
        "An amount such as 99.50 finds the lines of exactly that amount.",
    "Soort post": "Kind of line",
    "Geboekt vanaf": "Booked from",
    "Geboekt tot en met": "Booked up to and including",
    "Alles tonen": "Show everything",
    "%(count)s post(en) in de wachtrij": "%(count)s line(s) in the queue",
    "%(amount)s bijgeschreven op %(date)s": "%(amount)s credited on %(date)s",
    "%(amount)s afgeschreven op %(date)s": "%(amount)s debited on %(date)s",
    "Waarom in de wachtrij": "Why in the queue",
    "post %(n)s": "line %(n)s",
    "Soort inkomen": "Kind of income",
    "Waarschijnlijke huishoudens": "Likely households",
    "Huishouden %(id)s": "Household %(id)s",
    "beëindigd": "ended",
    "Toewijzen aan huishouden %(id)s": "Assign to household %(id)s",
    "Geen waarschijnlijk huishouden gevonden.": "No likely household found.",
    "Of nummer van het huishouden": "Or the household's number",
    "Toewijzen": "Assign",
    "Een afschrijving wordt niet aan een huishouden toegewezen; zoek uit welke betaling het is, of boek bankkosten "
    "hieronder op de rekening van de gemeente.":
        "A debit is not assigned to a household; find out which payment it is, or book bank charges to the "
        "municipality's account below.",
    "Geen geld van een huishouden: naar een rekening van de gemeente":
        "No household's money: to an account of the municipality",
    "Op deze rekening boeken": "Book to this account",
    "Bankkosten (voor rekening van de gemeente)": "Bank charges (borne by the municipality)",
    "Gemeente: eigen geld op de beheerrekening": "Municipality: its own money on the managed account",
    "Bankpost %(id)s (%(amount)s) geboekt op %(account)s.": "Bank line %(id)s (%(amount)s) booked to %(account)s.",
    "Geen bankposten in de wachtrij.": "No bank lines in the queue.",
    "Geen bankposten gevonden.": "No bank lines found.",
    'Stuur het bestand als de body van het verzoek.': 'Send the file as the request body.',
    'Kies unmatched, matched, assigned of all.': 'Choose unmatched, matched, assigned or all.',
    'Afschrift %(id)s van %(iban)s is al ingelezen uit een ander bestand (import %(known)s).': 'Statement %(id)s of %(iban)s was already imported from another file (import %(known)s).',
    'al ingelezen': 'already imported',
    'Afschrift %(id)s bestaat niet.': 'Statement %(id)s does not exist.',
    'Bankpost %(id)s bestaat niet.': 'Bank line %(id)s does not exist.',
    'Bankpost %(id)s is al %(state)s; er wordt niets dubbel geboekt.': 'Bank line %(id)s is already %(state)s; nothing is booked twice.',
    'Toewijzen aan een andere rekening dan een huishouden kan nog niet; laat de post in de wachtrij.': 'Assigning to an account other than a household is not possible yet; leave the line in the queue.',
    'Een afschrijving kan niet aan een huishouden worden toegewezen.': 'A debit cannot be assigned to a household.',
    'Het bestand bevat geen afschrift.': 'The file holds no statement.',
    'Afschrift %(id)s is van rekening %(iban)s, niet van de beheerrekening %(managed)s.': 'Statement %(id)s is of account %(iban)s, not of the managed account %(managed)s.',
    "Afschrift %(id)s is in %(currency)s; alleen euro's kunnen worden ingelezen.": 'Statement %(id)s is in %(currency)s; only euros can be imported.',
    'Verwacht inkomen %(id)s van huishouden %(household)s bestaat niet.': 'Expected income %(id)s of household %(household)s does not exist.',
    'De marge is groter dan het verwachte bedrag.': 'The tolerance is larger than the expected amount.',
    # the queue beyond households (queue.py)
    "Bankpost %(id)s is niet toegewezen; er is niets terug te draaien.":
        "Bank line %(id)s is not assigned; there is nothing to undo.",
    "Bankpost %(id)s is door de bank zelf teruggedraaid (storno, bankpost %(reversal)s); er is niets meer terug te "
    "draaien.":
        "Bank line %(id)s was reversed by the bank itself (reversal, bank line %(reversal)s); there is nothing left "
        "to undo.",
    "Ontvangst %(receipt)s van bankpost %(id)s bestaat niet of is al teruggedraaid.":
        "Receipt %(receipt)s of bank line %(id)s does not exist or has already been undone.",
    "Bankpost %(id)s bevestigt ontvangst %(receipt)s, die via de API of een CSV is aangekondigd; corrigeer die "
    "ontvangst zelf.":
        "Bank line %(id)s confirms receipt %(receipt)s, announced through the API or a CSV; correct that receipt "
        "itself.",
    "Huishouden %(household)s heeft %(short)s van deze %(amount)s niet meer: het geld is al uitbetaald of onderweg "
    "naar de bank. Terugdraaien kan dan niet; boek een correctie bij het huishouden.":
        "Household %(household)s no longer holds %(short)s of these %(amount)s: the money has been paid out or is on "
        "its way to the bank. It cannot be undone then; book a correction for the household.",
    "het saldo dekt de ontvangst niet meer": "the balance no longer covers the receipt",
    "Kies een van de rekeningen: %(accounts)s.": "Choose one of the accounts: %(accounts)s.",
    "Geef een reden: waarom is dit geld van geen huishouden?": "Give a reason: why is this money no household's?",
    "Geef een reden voor het terugdraaien.": "Give a reason for undoing it.",
    # undoing, returns by hand, matching rules (bank/web.py, templates/bank/)
    "storno: draait bankpost %(id)s terug": "reversal: undoes bank line %(id)s",
    "Toewijzing van bankpost %(id)s (%(amount)s) teruggedraaid; de post staat weer in de wachtrij.":
        "Assignment of bank line %(id)s (%(amount)s) undone; the line is back in the queue.",
    "Bankpost %(id)s is niet teruggedraaid: %(why)s": "Bank line %(id)s was not undone: %(why)s",
    "Toewijzing terugdraaien": "Undo the assignment",
    "De boeking wordt tegengeboekt en de post gaat terug naar de wachtrij. Geld dat het huishouden al heeft "
    "uitgegeven of dat onderweg is, kan niet worden teruggedraaid.":
        "The booking is reversed and the line goes back to the queue. Money the household has already spent or that "
        "is on its way cannot be undone.",
    "Terugdraaien": "Undo",
    "Meer bij de bank": "More at the bank",
    "Geef het betalingskenmerk (EndToEndId) of het nummer van de betaling.":
        "Give the payment's reference (EndToEndId) or its number.",
    "Geen betaling met kenmerk of nummer %(value)s.": "No payment with reference or number %(value)s.",
    "Kies de redencode die de bank gaf.": "Choose the reason code the bank gave.",
    "Betaling %(id)s is al teruggekomen (%(code)s).": "Payment %(id)s has already come back (%(code)s).",
    "Betaling %(e2e)s (%(amount)s) is als teruggekomen geboekt (%(reason)s); het geld staat weer bij huishouden "
    "%(household)s.":
        "Payment %(e2e)s (%(amount)s) has been booked as returned (%(reason)s); the money is back with household "
        "%(household)s.",
    "Terugboeking met de hand vastleggen": "Record a return by hand",
    "Voor een betaling die de bank heeft teruggestuurd zonder dat er een afschrift of statusrapport over is (een "
    "brief, een telefoontje, het portaal van de bank). Komt dezelfde terugboeking later ook op een afschrift, dan "
    "wacht die post in de wachtrij; koppel hem daar aan deze terugboeking, dan wordt niets dubbel geboekt.":
        "For a payment the bank sent back without a statement or status report about it (a letter, a phone call, "
        "the bank's portal). Should the same return later appear on a statement too, that line waits in the queue; "
        "link it there to this return, and nothing is booked twice.",
    "Betalingskenmerk (EndToEndId) of nummer van de betaling": "Payment reference (EndToEndId) or payment number",
    "Zoals het op de betaalrun of in de brief van de bank staat, bijvoorbeeld BB20261130-1-000001.":
        "As it is on the payment run or in the bank's letter, for example BB20261130-1-000001.",
    "Redencode van de bank": "The bank's reason code",
    "Datum van de terugboeking": "Date of the return",
    "Controleren": "Check",
    "Terugboeking bevestigen": "Confirm the return",
    "Betaling": "Payment",
    "nummer %(id)s": "number %(id)s",
    "Betaalrun": "Payment run",
    "Redencode": "Reason code",
    "Het bedrag gaat terug naar het huishouden.": "The amount goes back to the household.",
    "Deze code betekent dat de rekening van de ontvanger onjuist of opgeheven is: het IBAN wordt geblokkeerd tot "
    "iemand het verbetert, en volgende runs betalen er niet meer naartoe.":
        "This code means the payee's account is wrong or closed: the IBAN is held until someone corrects it, and "
        "later runs no longer pay to it.",
    "De volgende betaalrun betaalt deze verplichting opnieuw, naar hetzelfde IBAN.":
        "The next payment run pays this obligation again, to the same IBAN.",
    "Betaalrun %(id)s is nog niet als verzonden gemarkeerd; met deze terugboeking wordt hij als verzonden gemarkeerd "
    "(de bank had het bestand).":
        "Payment run %(id)s has not been marked as sent yet; with this return it is marked as sent (the bank had the "
        "file).",
    "Terugboeking vastleggen": "Record the return",
    "Terug naar het formulier": "Back to the form",
    "Herkenningsregels van inkomsten": "Matching rules of incomes",
    "Herkenningsregels voor het bankafschrift (IBAN van de betaler, woorden, marge)":
        "Matching rules for the bank statement (payer's IBAN, words, tolerance)",
    "Herkenningsregels van huishouden %(id)s": "Matching rules of household %(id)s",
    "Een bijschrijving op het afschrift die geen aangekondigde ontvangst en geen klantnummer noemt, wordt geboekt op "
    "het huishouden waarvan de regel past: het IBAN van de betaler, woorden die in de omschrijving moeten staan "
    "(alle), en hoeveel het bedrag van het verwachte bedrag mag afwijken. Passen de regels van meer dan één "
    "huishouden, dan wacht de post in de wachtrij.":
        "A credit on the statement that names no announced receipt and no client number is booked to the household "
        "whose rule fits: the payer's IBAN, words that must be in the description (all of them), and how far the "
        "amount may differ from the expected amount. When the rules of more than one household fit, the line waits "
        "in the queue.",
    "Nummer van het huishouden": "Household number",
    "Tonen": "Show",
    "vanaf %(date)s": "from %(date)s",
    "tot en met %(date)s": "up to and including %(date)s",
    "IBAN van de betaler": "Payer's IBAN",
    "Bijvoorbeeld dat van UWV, SVB, de Belastingdienst/Toeslagen of de eigen uitkeringsadministratie. Leeg: elk IBAN.":
        "For example that of UWV, SVB, the Tax Administration (allowances) or the municipality's own benefit "
        "administration. Empty: any IBAN.",
    "Woorden in de omschrijving": "Words in the description",
    "Alle woorden moeten erin staan, zoals een klantnummer of ‘kinderbijslag’. Leeg: geen woorden nodig.":
        "All the words must be in it, such as a client number or ‘kinderbijslag’. Empty: no words needed.",
    "Marge op het bedrag": "Tolerance on the amount",
    "In euro’s, bijvoorbeeld 5,00: zoveel mag het bedrag hoger of lager zijn. Leeg: precies het verwachte bedrag.":
        "In euros, for example 5.00: the amount may be this much higher or lower. Empty: exactly the expected amount.",
    "Regel opslaan": "Save the rule",
    "De herkenningsregel van dit inkomen is opgeslagen.": "The matching rule of this income has been saved.",
    "Dit huishouden heeft geen verwachte inkomsten.": "This household has no expected incomes.",
    "Deze betaling staat nog niet als uitgevoerd op een afschrift. Boek haar alleen als teruggekomen als de bank zegt "
    "dat ze niet is uitgevoerd of al terug is; komt de afschrijving van haar run later toch, dan wacht die post in de "
    "wachtrij.":
        "This payment is not yet on a statement as executed. Book it as returned only when the bank says it was not "
        "executed or has already come back; should the debit of its run come later after all, that line waits in the "
        "queue.",
    "huishouden %(id)s: %(name)s": "household %(id)s: %(name)s",
    "Signaleert aangekondigde ontvangsten die na een aantal dagen niet op de bank stonden.":
        "Signals announced receipts that were not on the bank after some days.",
    "%(code)s – %(meaning)s": "%(code)s – %(meaning)s",
}
EN |= nameless_catalogue(EN)  # each refusal naming a file, also worded without a name (bank/naming.py)
