-- Schema version 9: a worker's answer to a suggested duplicate ("these two
-- are different people"), a synced record so every device of the township
-- stops suggesting the pair (jsxcore.models.PersonDecision). One row per
-- pair: its id is derived from the two person ids.

CREATE TABLE persondecision (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	person_a VARCHAR(32) NOT NULL, 
	person_b VARCHAR(32) NOT NULL, 
	decision VARCHAR(10) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_persondecision_division_code ON persondecision (division_code);

CREATE INDEX ix_persondecision_sync_state ON persondecision (sync_state);

CREATE INDEX ix_persondecision_person_a ON persondecision (person_a);

CREATE INDEX ix_persondecision_person_b ON persondecision (person_b);
