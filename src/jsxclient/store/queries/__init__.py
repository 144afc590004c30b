"""Read models for the desktop's lists, pickers, pages and dashboard (the
statistics are `jsxclient.reports`).

No Qt here: every function takes a connection (the calling thread's own) and
returns plain tuples and dataclasses, so the UI runs them on its database
worker and the benchmarks and tests call them directly. Import the modules:

- `lists`: what each list shows (`ListDef`, `Col`, `LISTS`);
- `paging`: a list's pages and counts, and how a person search is planned;
- `search`: text search over people (LIKE terms, the trigram index);
- `base`: interruptible statements, shared SQL fragments;
- `pickers`: finding records to link, their labels, divisions;
- `family`: a special family's summary, eligibility inputs, subsidy rate;
- `dashboard`, `organisation`, `sync_views`: one page each.

The journal, conflicts and receipts are read through `jsxclient.store.journal`.
"""
