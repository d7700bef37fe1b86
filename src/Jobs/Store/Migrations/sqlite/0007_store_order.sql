-- Each version table in the order of the date a month's reads select it by (StoreOrder): policies
-- by expiry date and coverage, claims by report date, follow-ups by contact date. The rows were in the order
-- their files loaded, and an insurer's history file lists its rows in no date order, so one
-- month's rows sat on most of a table's pages and a month read most of the store from disk.
-- Loads now write each run of a file's rows in this order; this puts the rows already stored in
-- it. Each table is copied in the order of its date index (no sort of the whole table in memory),
-- the old one dropped and the indexes made again; the store then runs VACUUM once, after the
-- migrations commit (SqliteReportingStore.MigrateAsync), so the new tables and indexes are not
-- left on the old ones' freed pages, scattered over the file.
CREATE TABLE policy_versions_in_order (
  insurer_code   TEXT    NOT NULL,
  policy_no      TEXT    NOT NULL,
  ingest_id      INTEGER NOT NULL,
  extract_date   TEXT    NOT NULL,
  line_no        INTEGER NOT NULL,
  coverage       TEXT    NOT NULL,
  business_type  TEXT    NOT NULL,
  branch_code    TEXT,
  advisor_id     TEXT,
  vin            TEXT    NOT NULL,
  plate_no       TEXT,
  customer_name  TEXT,
  customer_phone TEXT,
  issue_date     TEXT    NOT NULL,
  effective_date TEXT    NOT NULL,
  expiry_date    TEXT    NOT NULL,
  premium_fen    INTEGER NOT NULL,
  status         TEXT    NOT NULL,
  cancel_date    TEXT,
  refund_fen     INTEGER NOT NULL,
  superseded_on  TEXT,
  PRIMARY KEY (insurer_code, policy_no, ingest_id)
);
INSERT INTO policy_versions_in_order (
  insurer_code, policy_no, ingest_id, extract_date, line_no, coverage, business_type, branch_code, advisor_id, vin, plate_no, customer_name,
  customer_phone, issue_date, effective_date, expiry_date, premium_fen, status, cancel_date, refund_fen, superseded_on)
SELECT insurer_code, policy_no, ingest_id, extract_date, line_no, coverage, business_type, branch_code, advisor_id, vin, plate_no, customer_name,
  customer_phone, issue_date, effective_date, expiry_date, premium_fen, status, cancel_date, refund_fen, superseded_on
FROM policy_versions INDEXED BY ix_policy_versions_expiry
ORDER BY expiry_date, coverage, rowid;
DROP TABLE policy_versions;
ALTER TABLE policy_versions_in_order RENAME TO policy_versions;
CREATE INDEX ix_policy_versions_expiry ON policy_versions (expiry_date);
CREATE INDEX ix_policy_versions_effective_vin ON policy_versions (effective_date, vin);
CREATE INDEX ix_policy_versions_issue ON policy_versions (issue_date);
CREATE INDEX ix_policy_versions_cancel ON policy_versions (cancel_date) WHERE cancel_date IS NOT NULL;
CREATE INDEX ix_policy_versions_superseded ON policy_versions (superseded_on) WHERE superseded_on IS NOT NULL;

CREATE TABLE claim_versions_in_order (
  insurer_code       TEXT    NOT NULL,
  claim_no           TEXT    NOT NULL,
  ingest_id          INTEGER NOT NULL,
  extract_date       TEXT    NOT NULL,
  line_no            INTEGER NOT NULL,
  policy_no          TEXT    NOT NULL,
  vin                TEXT    NOT NULL,
  loss_date          TEXT    NOT NULL,
  report_date        TEXT    NOT NULL,
  repair_branch_code TEXT,
  referred           INTEGER NOT NULL,
  assessed_fen       INTEGER NOT NULL,
  paid_fen           INTEGER NOT NULL,
  status             TEXT    NOT NULL,
  close_date         TEXT,
  superseded_on      TEXT,
  PRIMARY KEY (insurer_code, claim_no, ingest_id)
);
INSERT INTO claim_versions_in_order (
  insurer_code, claim_no, ingest_id, extract_date, line_no, policy_no, vin, loss_date, report_date, repair_branch_code, referred, assessed_fen,
  paid_fen, status, close_date, superseded_on)
SELECT insurer_code, claim_no, ingest_id, extract_date, line_no, policy_no, vin, loss_date, report_date, repair_branch_code, referred, assessed_fen,
  paid_fen, status, close_date, superseded_on
FROM claim_versions INDEXED BY ix_claim_versions_report
ORDER BY report_date, rowid;
DROP TABLE claim_versions;
ALTER TABLE claim_versions_in_order RENAME TO claim_versions;
CREATE INDEX ix_claim_versions_report ON claim_versions (report_date);
CREATE INDEX ix_claim_versions_policy ON claim_versions (insurer_code, policy_no);

CREATE TABLE followup_versions_in_order (
  followup_id  TEXT    NOT NULL,
  ingest_id    INTEGER NOT NULL,
  extract_date TEXT    NOT NULL,
  line_no      INTEGER NOT NULL,
  insurer_code TEXT    NOT NULL,
  policy_no    TEXT    NOT NULL,
  branch_code  TEXT,
  advisor_id   TEXT,
  contact_date TEXT    NOT NULL,
  channel      TEXT    NOT NULL,
  outcome      TEXT    NOT NULL,
  lost_reason  TEXT,
  note         TEXT,
  superseded_on TEXT,
  PRIMARY KEY (followup_id, ingest_id)
);
INSERT INTO followup_versions_in_order (
  followup_id, ingest_id, extract_date, line_no, insurer_code, policy_no, branch_code, advisor_id, contact_date, channel, outcome, lost_reason,
  note, superseded_on)
SELECT followup_id, ingest_id, extract_date, line_no, insurer_code, policy_no, branch_code, advisor_id, contact_date, channel, outcome, lost_reason,
  note, superseded_on
FROM followup_versions INDEXED BY ix_followup_versions_contact
ORDER BY contact_date, rowid;
DROP TABLE followup_versions;
ALTER TABLE followup_versions_in_order RENAME TO followup_versions;
CREATE INDEX ix_followup_versions_policy ON followup_versions (insurer_code, policy_no);
CREATE INDEX ix_followup_versions_contact ON followup_versions (contact_date);
