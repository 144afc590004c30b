-- Schema version 8: the monthly report a township submits to the county
-- (a synced record; jsxcore.models.MonthlyReport). One row per township
-- and period, the figures as a JSON snapshot, the county's answer beside.

CREATE TABLE monthlyreport (
	id VARCHAR(32) NOT NULL, 
	division_code VARCHAR(12) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_device VARCHAR(64) NOT NULL, 
	updated_user VARCHAR(64) NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	server_seq INTEGER, 
	sync_state VARCHAR(10) NOT NULL, 
	period VARCHAR(30) NOT NULL, 
	period_start DATE NOT NULL, 
	period_end DATE NOT NULL, 
	figures VARCHAR NOT NULL, 
	state VARCHAR(10) NOT NULL, 
	submitted_by VARCHAR(64), 
	submitted_at VARCHAR(26), 
	review_comment VARCHAR(500), 
	reviewed_by VARCHAR(64), 
	reviewed_at VARCHAR(26), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_monthlyreport_division_code ON monthlyreport (division_code);

CREATE INDEX ix_monthlyreport_sync_state ON monthlyreport (sync_state);

-- Members who left within a period (the indicators' flows; joined_on has
-- its index since schema 4).
CREATE INDEX ix_member_left_on ON member (left_on);
