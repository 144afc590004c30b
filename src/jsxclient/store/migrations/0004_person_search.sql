-- Schema version 4: a narrow search table beside person, for search-as-you-type
-- over 100,000 people (name, pinyin full and initials, ID number, mobile).
-- * The covering index walks it in pinyin order, so a list's first page for a
--   common search (one or two letters) is found after a few hundred rows.
-- * A trigram FTS5 index over the same text finds the few people a longer
--   search term (three or more characters: a name, a mobile, part of an ID
--   number) matches without reading every row.
-- Triggers keep both current whatever writes person (the journaled write
-- path, sync pulls, restores); they are created by this migration's Python
-- step, since a trigger body holds semicolons.

CREATE TABLE person_search (
	id INTEGER PRIMARY KEY,
	person_id VARCHAR(32) NOT NULL UNIQUE,
	sort_key VARCHAR(400) NOT NULL,
	text TEXT NOT NULL
);

CREATE INDEX ix_person_search_walk ON person_search (sort_key, person_id, text);

CREATE VIRTUAL TABLE person_fts USING fts5(
	text, content='person_search', content_rowid='id', tokenize='trigram'
);

-- Member list filters and orderings (a filtered list is read from the
-- member side when the filter is the more selective part).
CREATE INDEX ix_member_joined_on ON member (joined_on);

CREATE INDEX ix_member_status ON member (status, deleted);

CREATE INDEX ix_member_type ON member (member_type);

CREATE INDEX ix_member_role ON member (role);

-- Dashboard: each family's last visits and follow-up, and this year's visits.
CREATE INDEX ix_carevisit_family_date ON carevisit
	(family_id, visit_date, deleted, mode, follow_up_due);

CREATE INDEX ix_carevisit_date_deleted ON carevisit (visit_date, deleted);
