"""Double-entry ledger: accounts, balanced transactions of postings in integer cents, reversals, balances."""
