"""Tamper-evident, append-only audit trail."""
