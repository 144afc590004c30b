-- Schema version 1: township records, reference divisions, and the local sync tables.
-- Frozen: later changes go in new numbered migrations, never here.

CREATE TABLE activity (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	association_id VARCHAR(32) NOT NULL, 
	title VARCHAR(100) NOT NULL, 
	type VARCHAR(16) NOT NULL, 
	campaign VARCHAR(20), 
	held_on DATE NOT NULL, 
	place VARCHAR(100), 
	partners VARCHAR(200), 
	participant_count INTEGER NOT NULL, 
	materials_count INTEGER NOT NULL, 
	funds_raised_fen INTEGER NOT NULL, 
	families_visited INTEGER NOT NULL, 
	notes VARCHAR(1000), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_activity_association_id ON activity (association_id);

CREATE INDEX ix_activity_division_code ON activity (division_code);

CREATE INDEX ix_activity_held_on ON activity (held_on);

CREATE INDEX ix_activity_sync_state ON activity (sync_state);

CREATE TABLE activityparticipant (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	activity_id VARCHAR(32) NOT NULL, 
	person_id VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_activityparticipant_activity_id ON activityparticipant (activity_id);

CREATE INDEX ix_activityparticipant_division_code ON activityparticipant (division_code);

CREATE INDEX ix_activityparticipant_person_id ON activityparticipant (person_id);

CREATE INDEX ix_activityparticipant_sync_state ON activityparticipant (sync_state);

CREATE TABLE association (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	level VARCHAR(12) NOT NULL, 
	parent_id VARCHAR(32), 
	sector VARCHAR(100), 
	founded_on DATE, 
	phone VARCHAR(20), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_association_division_code ON association (division_code);

CREATE INDEX ix_association_parent_id ON association (parent_id);

CREATE INDEX ix_association_sync_state ON association (sync_state);

CREATE TABLE caresubsidy (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	family_id VARCHAR(32) NOT NULL, 
	person_id VARCHAR(32), 
	kind VARCHAR(16) NOT NULL, 
	hospital VARCHAR(100), 
	admitted_on DATE, 
	discharged_on DATE, 
	days INTEGER NOT NULL, 
	rate_fen INTEGER NOT NULL, 
	amount_fen INTEGER NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	reviewer VARCHAR(50), 
	paid_on DATE, 
	documents VARCHAR(200), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_caresubsidy_division_code ON caresubsidy (division_code);

CREATE INDEX ix_caresubsidy_family_id ON caresubsidy (family_id);

CREATE INDEX ix_caresubsidy_sync_state ON caresubsidy (sync_state);

CREATE TABLE carevisit (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	family_id VARCHAR(32) NOT NULL, 
	visit_date DATE NOT NULL, 
	mode VARCHAR(10) NOT NULL, 
	visitor VARCHAR(50), 
	physical_state VARCHAR(10), 
	mental_state VARCHAR(10), 
	needs VARCHAR(500), 
	actions VARCHAR(500), 
	aid_fen INTEGER NOT NULL, 
	major_event BOOLEAN NOT NULL, 
	follow_up_due DATE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_carevisit_division_code ON carevisit (division_code);

CREATE INDEX ix_carevisit_family_id ON carevisit (family_id);

CREATE INDEX ix_carevisit_follow_up_due ON carevisit (follow_up_due);

CREATE INDEX ix_carevisit_sync_state ON carevisit (sync_state);

CREATE INDEX ix_carevisit_visit_date ON carevisit (visit_date);

CREATE TABLE division (
	code VARCHAR(12) NOT NULL, 
	name VARCHAR(60) NOT NULL, 
	level VARCHAR(10) NOT NULL, 
	parent_code VARCHAR(12), 
	PRIMARY KEY (code)
);

CREATE INDEX ix_division_parent_code ON division (parent_code);

CREATE TABLE familycontact (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	family_id VARCHAR(32) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	name VARCHAR(50) NOT NULL, 
	person_id VARCHAR(32), 
	mobile VARCHAR(20), 
	since DATE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_familycontact_division_code ON familycontact (division_code);

CREATE INDEX ix_familycontact_family_id ON familycontact (family_id);

CREATE INDEX ix_familycontact_sync_state ON familycontact (sync_state);

CREATE TABLE familymember (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	family_id VARCHAR(32) NOT NULL, 
	person_id VARCHAR(32) NOT NULL, 
	relation VARCHAR(2) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_familymember_division_code ON familymember (division_code);

CREATE INDEX ix_familymember_family_id ON familymember (family_id);

CREATE INDEX ix_familymember_person_id ON familymember (person_id);

CREATE INDEX ix_familymember_sync_state ON familymember (sync_state);

CREATE TABLE member (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	person_id VARCHAR(32) NOT NULL, 
	association_id VARCHAR(32) NOT NULL, 
	group_id VARCHAR(32), 
	member_type VARCHAR(12) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	card_no VARCHAR(30), 
	joined_on DATE NOT NULL, 
	left_on DATE, 
	status VARCHAR(10) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_member_association_id ON member (association_id);

CREATE INDEX ix_member_division_code ON member (division_code);

CREATE INDEX ix_member_person_id ON member (person_id);

CREATE INDEX ix_member_sync_state ON member (sync_state);

CREATE TABLE membergroup (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	association_id VARCHAR(32) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	leader_person_id VARCHAR(32), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_membergroup_association_id ON membergroup (association_id);

CREATE INDEX ix_membergroup_division_code ON membergroup (division_code);

CREATE INDEX ix_membergroup_sync_state ON membergroup (sync_state);

CREATE TABLE officer (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	association_id VARCHAR(32) NOT NULL, 
	person_id VARCHAR(32), 
	name VARCHAR(50) NOT NULL, 
	post VARCHAR(20) NOT NULL, 
	term_start DATE NOT NULL, 
	term_end DATE, 
	mobile VARCHAR(20), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_officer_association_id ON officer (association_id);

CREATE INDEX ix_officer_division_code ON officer (division_code);

CREATE INDEX ix_officer_person_id ON officer (person_id);

CREATE INDEX ix_officer_sync_state ON officer (sync_state);

CREATE TABLE person (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	name VARCHAR(50) NOT NULL, 
	id_number VARCHAR(18), 
	sex VARCHAR(1) NOT NULL, 
	birth_date DATE, 
	ethnicity VARCHAR(2), 
	education VARCHAR(2), 
	political VARCHAR(2), 
	marital VARCHAR(2), 
	mobile VARCHAR(20), 
	address VARCHAR(200), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_person_division_code ON person (division_code);

CREATE INDEX ix_person_id_number ON person (id_number);

CREATE INDEX ix_person_name ON person (name);

CREATE INDEX ix_person_sync_state ON person (sync_state);

CREATE TABLE project (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	level VARCHAR(12) NOT NULL, 
	fund_source VARCHAR(100), 
	amount_fen INTEGER NOT NULL, 
	year INTEGER NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	self_evaluation VARCHAR(1000), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_project_division_code ON project (division_code);

CREATE INDEX ix_project_sync_state ON project (sync_state);

CREATE TABLE projectsite (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	project_id VARCHAR(32) NOT NULL, 
	site_id VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_projectsite_division_code ON projectsite (division_code);

CREATE INDEX ix_projectsite_project_id ON projectsite (project_id);

CREATE INDEX ix_projectsite_site_id ON projectsite (site_id);

CREATE INDEX ix_projectsite_sync_state ON projectsite (sync_state);

CREATE TABLE site (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	association_id VARCHAR(32), 
	kind VARCHAR(16) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	address VARCHAR(200), 
	opened_on DATE, 
	has_place BOOLEAN NOT NULL, 
	has_sign BOOLEAN NOT NULL, 
	has_rules BOOLEAN NOT NULL, 
	has_plan BOOLEAN NOT NULL, 
	has_activities BOOLEAN NOT NULL, 
	has_management BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_site_division_code ON site (division_code);

CREATE INDEX ix_site_sync_state ON site (sync_state);

CREATE TABLE specialfamily (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	head_person_id VARCHAR(32), 
	category VARCHAR(10) NOT NULL, 
	disability_grade VARCHAR(1), 
	event_date DATE, 
	address VARCHAR(200), 
	doc_certificate BOOLEAN NOT NULL, 
	doc_death_or_disability BOOLEAN NOT NULL, 
	doc_household BOOLEAN NOT NULL, 
	family_doctor_signed BOOLEAN NOT NULL, 
	priority_hospital BOOLEAN NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	exit_reason VARCHAR(12), 
	exit_date DATE, 
	enrolled_on DATE, 
	override_reason VARCHAR(200), 
	notes VARCHAR(500), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_specialfamily_division_code ON specialfamily (division_code);

CREATE INDEX ix_specialfamily_head_person_id ON specialfamily (head_person_id);

CREATE INDEX ix_specialfamily_sync_state ON specialfamily (sync_state);

CREATE TABLE subsidyrate (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	year INTEGER NOT NULL, 
	rate_fen INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_subsidyrate_division_code ON subsidyrate (division_code);

CREATE INDEX ix_subsidyrate_sync_state ON subsidyrate (sync_state);

CREATE TABLE volunteer (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	person_id VARCHAR(32) NOT NULL, 
	team_level VARCHAR(12) NOT NULL, 
	registration_no VARCHAR(40), 
	skills VARCHAR(200), 
	registered_on DATE, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_volunteer_division_code ON volunteer (division_code);

CREATE INDEX ix_volunteer_person_id ON volunteer (person_id);

CREATE INDEX ix_volunteer_sync_state ON volunteer (sync_state);

CREATE TABLE volunteerpairing (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	volunteer_id VARCHAR(32) NOT NULL, 
	family_id VARCHAR(32) NOT NULL, 
	since DATE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_volunteerpairing_division_code ON volunteerpairing (division_code);

CREATE INDEX ix_volunteerpairing_family_id ON volunteerpairing (family_id);

CREATE INDEX ix_volunteerpairing_sync_state ON volunteerpairing (sync_state);

CREATE INDEX ix_volunteerpairing_volunteer_id ON volunteerpairing (volunteer_id);

CREATE TABLE meta (
	key VARCHAR(64) NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
);

-- The change journal: every local write, in order. It is the sync outbox
-- (state 'pending' until the server acknowledges it) and the local history.
CREATE TABLE journal (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	change_id VARCHAR(32) NOT NULL UNIQUE,
	entity VARCHAR(32) NOT NULL,
	row_id VARCHAR(32) NOT NULL,
	op VARCHAR(8) NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
	fields TEXT NOT NULL,
	old TEXT NOT NULL,
	hlc VARCHAR(64) NOT NULL,
	device VARCHAR(64) NOT NULL,
	user VARCHAR(64) NOT NULL,
	created_at DATETIME NOT NULL,
	state VARCHAR(10) NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'acked', 'rejected')),
	result VARCHAR(10),
	reason TEXT,
	server_seq INTEGER,
	acked_at DATETIME
);

CREATE INDEX ix_journal_state ON journal (state, seq);

CREATE INDEX ix_journal_row ON journal (entity, row_id);

-- Field conflicts found by a merge, kept until the worker confirms or flips them.
CREATE TABLE conflict (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	entity VARCHAR(32) NOT NULL,
	row_id VARCHAR(32) NOT NULL,
	field VARCHAR(64) NOT NULL,
	base TEXT,
	mine TEXT,
	theirs TEXT,
	winner VARCHAR(6) NOT NULL CHECK (winner IN ('mine', 'theirs')),
	mine_hlc VARCHAR(64),
	theirs_hlc VARCHAR(64),
	theirs_device VARCHAR(64),
	created_at DATETIME NOT NULL,
	resolved_at DATETIME,
	resolution VARCHAR(6)
);

CREATE INDEX ix_conflict_open ON conflict (resolved_at, entity, row_id);

-- One receipt per sync run, shown on the 同步 page.
CREATE TABLE sync_receipt (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	started_at DATETIME NOT NULL,
	finished_at DATETIME,
	outcome VARCHAR(16) NOT NULL,
	sent INTEGER NOT NULL DEFAULT 0,
	received INTEGER NOT NULL DEFAULT 0,
	merged INTEGER NOT NULL DEFAULT 0,
	conflicts INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0,
	bytes_sent INTEGER NOT NULL DEFAULT 0,
	bytes_received INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER NOT NULL DEFAULT 0,
	message TEXT
);

-- Marks the file as a jsxclient store ("JSXC"), so restore can refuse foreign files.
PRAGMA application_id = 1246975043;
