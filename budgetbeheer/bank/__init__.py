"""The bank, both ways: statements (camt.053/camt.054) and status reports (pain.002) read safely, matched to the
books and reconciled every day (see ``docs/bank.md``)."""
