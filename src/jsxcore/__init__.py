"""jsxcore: the shared core of jsxclient (the township desktop app) and
jsxserver (the provincial sync server).

What both sides must agree on lives here once: the record tables and code
tables, validation, the entity registry with each entity's defaults and
derivation rules, the sync protocol messages, the merge rule for a field and
for a whole record, the hybrid-logical-clock stamp format, division-code
arithmetic and the account roles.

This package imports neither ``jsxclient`` nor ``jsxserver`` nor Qt, and does
no I/O beyond reading its own shipped data (an import contract in
``pyproject.toml`` checks it).
"""
