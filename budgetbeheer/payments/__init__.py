"""Payment runs, SEPA batches with four-eyes approval, bank files and settlement."""
