"""Sync with the provincial server.

Layers (STYLE.md 5): `transport` (HTTP, retries, typed `errors`) → `protocol`
(the shared messages) → stages, one module each: `status`, `push`, `pull`,
`bootstrap`, `finish` → `merge` and the store: `jsxclient.store.journal`
holds every statement over the journal, conflicts, evictions and receipts,
`rows` the writes of the server's records.

For the UI and the CLI (`jsxclient.cli.sync`, which this package never imports):
- `account.connect(store, url, user, password, device_name)` once per laptop;
  `account.make_transport(store)` afterwards.
- `engine.SyncEngine(store, transport).run(progress, cancel)` on a worker
  thread; returns a `store.journal.SyncReceipt` or raises a `errors.SyncError`
  whose `kind` says how to show it. `autosync.AutoSync` re-runs it when the
  server is back after an offline failure.
- `status.status(store)`: what waits to sync (cheap, read-only).
- `conflicts.open_conflicts` / `conflicts.resolve`, `rejected.list_rejected`
  / `rejected.resend` / `rejected.discard`: the worker's decisions.
- `scope.transfer_family(tx, family_id, division_code)`: a family moving to
  another township.
"""
