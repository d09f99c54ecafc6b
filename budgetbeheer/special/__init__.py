"""Money out of the ordinary: one-off payments (incidentele betalingen) and advances (voorschotten).

A caseworker asks for a one-off payment from the household's money (:mod:`.one_offs`), a finance user who did not
ask approves it, and the next payment run pays it as an item of its own. Finance grants an advance when income is
late (:mod:`.advances`); it is recovered from later receipts by its rule (through
:class:`~budgetbeheer.households.events.ReceiptBooked`, or ``ReceiptsBooked`` for a bulk), from the final payout (through
:class:`~budgetbeheer.payments.events.FinalPayoutRecovers`), or written off by a second finance user.
"""
