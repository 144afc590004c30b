-- Schema version 2: pinyin search keys on persons (filled by the Python step
-- of this migration for rows written by version 1).
ALTER TABLE person ADD COLUMN search_key VARCHAR(400) NOT NULL DEFAULT '';

CREATE INDEX ix_person_mobile ON person (mobile);
