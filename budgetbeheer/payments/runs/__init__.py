"""Payment runs: one proposed batch per TARGET2 execution date, built with bulk queries and bulk inserts.

- :mod:`.service`: the entry points (:func:`~.service.prepare_run`, :func:`~.service.final_payout`,
  :func:`~.service.plan_items`, :func:`~.service.first_open_payday`, :func:`~.service.batch_summary`);
- :mod:`.read`: what a run reads, one query per table, as plain tuples;
- :mod:`.plan`: the decisions per household (what to pay, leefgeld, shortfalls), pure, no session;
- :mod:`.write`: the batch row and the bulk inserts of items and shortfalls;
- :mod:`.model`: the rows, the planned items, the obligation keys;
- :mod:`.context`: what one run remembers while it runs (nothing outlives the run).
"""
