"""English for the bank package's Dutch message ids."""

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
    "Bankpost %(id)s is als ontvangst %(receipt)s aan een huishouden geboekt; corrigeer die ontvangst (overboeken "
    "naar het goede huishouden).":
        "Bank line %(id)s was booked to a household as receipt %(receipt)s; correct that receipt (rebook it to the "
        "right household).",
    "Kies een van de rekeningen: %(accounts)s.": "Choose one of the accounts: %(accounts)s.",
    "Geef een reden: waarom is dit geld van geen huishouden?": "Give a reason: why is this money no household's?",
    "Geef een reden voor het terugdraaien.": "Give a reason for undoing it.",
}
