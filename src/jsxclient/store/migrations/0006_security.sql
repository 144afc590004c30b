-- Schema version 6: the accounts that may unlock this store, and the audit log.

-- Who may sign in on this device and with which role: from the server's
-- login and reference data (source 'server'), or created on a store never
-- connected to a server (source 'local'). The role here is what the write
-- path enforces; the password itself lives only as a wrapped key in the
-- key file beside the store.
CREATE TABLE account (
	username VARCHAR(64) NOT NULL PRIMARY KEY,
	display_name VARCHAR(100) NOT NULL DEFAULT '',
	role VARCHAR(20) NOT NULL,
	division_code VARCHAR(12) NOT NULL DEFAULT '',
	source VARCHAR(10) NOT NULL DEFAULT 'server',
	offline_verifier TEXT,
	updated_at VARCHAR(26) NOT NULL
);

-- Append-only audit log (who did what to which record, and how it ended).
-- Each entry carries the hash of the one before, so a removed or altered
-- entry shows; triggers (schema.py) refuse updates and deletes younger than
-- six months.
CREATE TABLE audit (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	at VARCHAR(26) NOT NULL,
	user VARCHAR(64) NOT NULL,
	device VARCHAR(64) NOT NULL,
	action VARCHAR(20) NOT NULL,
	object TEXT NOT NULL DEFAULT '',
	result VARCHAR(10) NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	prev_hash VARCHAR(64) NOT NULL,
	hash VARCHAR(64) NOT NULL
);

CREATE INDEX ix_audit_at ON audit (at);
