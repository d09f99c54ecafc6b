"""The period's life: signals, extensions (maatwerk), ending, handover and the scheduler."""
