-- Schema version 3: sync engine bookkeeping.

-- The batch a journal entry was put in before it was sent. A crash and rerun
-- resends the same batch_id with the same change_ids, so the server's
-- idempotency turns the replay into the answer it already gave.
ALTER TABLE journal ADD COLUMN batch_id VARCHAR(64);

CREATE INDEX ix_journal_batch ON journal (batch_id);

-- Rows that left this device's scope (a family moved to another township)
-- while they still had unpushed changes: dropped once those are through.
CREATE TABLE sync_evict (
	entity VARCHAR(32) NOT NULL,
	row_id VARCHAR(32) NOT NULL,
	seq INTEGER NOT NULL,
	PRIMARY KEY (entity, row_id)
);
