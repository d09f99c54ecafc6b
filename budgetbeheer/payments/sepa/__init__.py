"""SEPA credit transfer files (pain.001) for the bank: the one package that uses sepaxml (see ``docs/sepa.md``).

- :mod:`.model`: the debtor account, the transfers, the bank files, the text changes, the limits;
- :mod:`.checks`: IBAN, BIC, amount, name, reference and identifier checks, all problems of a batch at once;
- :mod:`.repair`: text brought into the EPC character set with a trace, and the repairs of sepaxml's XML;
- :mod:`.schema`: our copies of the XSDs (``xsd/``) and validation against them;
- :mod:`.bundle`: building the files with sepaxml (split at ``MAX_PER_FILE``) and bundling them for the bank.

Nothing is remembered between exports: the checks' answers and the compiled XSD live for one call of
:func:`~.bundle.build_bank_files`.
"""
