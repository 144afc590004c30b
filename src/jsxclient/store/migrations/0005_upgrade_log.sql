-- Schema version 5: a record of every schema upgrade of this store, written
-- in the upgrade's own transaction: which program did it, from and to which
-- version, and where the verified backup taken just before it is. Support
-- reads it when a worker reports a problem after an update.

CREATE TABLE upgrade_log (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	at VARCHAR(32) NOT NULL,
	from_version INTEGER NOT NULL,
	to_version INTEGER NOT NULL,
	program_version VARCHAR(40) NOT NULL,
	backup VARCHAR(1000)
);
