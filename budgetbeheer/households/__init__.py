"""Households in ontzorgen: intake, persons, creditors, fixed costs, income, balance and forecast.

One module per use case, so each can be read (and changed) on its own: ``intake``, ``creditors``, ``fixed_costs``,
``income``, ``receipts`` write; ``read`` is the read side (the household as its page and the API show it, the list,
the forecast, the statement), in typed values and cents. ``common`` is what they share, ``inputs`` the types of what
a form or JSON body gives them. Every use case takes ``(session, actor, ...)``, validates everything first (one
:class:`~budgetbeheer.errors.ValidationError` naming every bad field, nothing written), flushes and records an audit
entry, and leaves the commit to the caller. ``api`` and ``web`` only parse, call a use case and render.
"""
