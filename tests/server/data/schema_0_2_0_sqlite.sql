-- The jsxserver 0.2.0 schema as its metadata.create_all made it (sqlite).

-- Frozen: the migration tests start from it; never edit.

CREATE TABLE app_user (
	username VARCHAR(64) NOT NULL, 
	display_name VARCHAR(100) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	active BOOLEAN NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	offline_verifier VARCHAR(255), 
	failed_count INTEGER NOT NULL, 
	locked_until DATETIME, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (username)
);

CREATE TABLE change_log (
	change_id VARCHAR(64) NOT NULL, 
	seq BIGINT, 
	batch_id VARCHAR(64) NOT NULL, 
	entity VARCHAR(32) NOT NULL, 
	row_id VARCHAR(64) NOT NULL, 
	op VARCHAR(8) NOT NULL, 
	fields JSON NOT NULL, 
	old JSON NOT NULL, 
	hlc VARCHAR(96) NOT NULL, 
	device VARCHAR(64) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	received_at DATETIME NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	result JSON NOT NULL, 
	PRIMARY KEY (change_id)
);

CREATE INDEX ix_change_log_batch_id ON change_log (batch_id);

CREATE INDEX ix_change_log_row ON change_log (entity, row_id);

CREATE INDEX ix_change_log_seq ON change_log (seq);

CREATE TABLE counter (
	name VARCHAR(32) NOT NULL, 
	value BIGINT NOT NULL, 
	PRIMARY KEY (name)
);

CREATE TABLE device (
	id VARCHAR(64) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	token_hash VARCHAR(64), 
	created_at DATETIME NOT NULL, 
	last_seen DATETIME, 
	expires_at DATETIME, 
	revoked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
);

CREATE INDEX ix_device_username ON device (username);

CREATE TABLE division (
	code VARCHAR(12) NOT NULL, 
	name VARCHAR(60) NOT NULL, 
	level VARCHAR(10) NOT NULL, 
	parent_code VARCHAR(12), 
	PRIMARY KEY (code)
);

CREATE INDEX ix_division_parent_code ON division (parent_code);

CREATE TABLE push_batch (
	batch_id VARCHAR(64) NOT NULL, 
	device VARCHAR(64) NOT NULL, 
	response JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (batch_id)
);

CREATE TABLE record (
	entity VARCHAR(32) NOT NULL, 
	id VARCHAR(64) NOT NULL, 
	township VARCHAR(9) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	data JSON NOT NULL, 
	field_hlc JSON NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	seq BIGINT NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	PRIMARY KEY (entity, id)
);

CREATE INDEX ix_record_seq ON record (seq);

CREATE INDEX ix_record_township_seq ON record (township, seq);

CREATE TABLE scope_exit (
	seq BIGINT NOT NULL, 
	entity VARCHAR(32) NOT NULL, 
	row_id VARCHAR(64) NOT NULL, 
	township VARCHAR(9) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	PRIMARY KEY (seq)
);

CREATE INDEX ix_scope_exit_township_seq ON scope_exit (township, seq);

CREATE TABLE server_conflict (
	id INTEGER NOT NULL, 
	change_id VARCHAR(64) NOT NULL, 
	seq BIGINT, 
	entity VARCHAR(32) NOT NULL, 
	row_id VARCHAR(64) NOT NULL, 
	field VARCHAR(64) NOT NULL, 
	base JSON, 
	mine JSON, 
	theirs JSON, 
	winner VARCHAR(6) NOT NULL, 
	mine_hlc VARCHAR(96) NOT NULL, 
	theirs_hlc VARCHAR(96), 
	device VARCHAR(64) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_server_conflict_row ON server_conflict (entity, row_id);
