-- Ingest ledger, rejects, and every version of every extract row (SPEC §2.5, §2.6).
-- Dates are ISO text (YYYY-MM-DD), money is integer fen (0.01 yuan): exact, and sums stay exact.
CREATE TABLE ingest_ledger (
  ingest_id      INTEGER PRIMARY KEY,
  source         TEXT    NOT NULL,
  dataset        TEXT    NOT NULL,
  file_name      TEXT    NOT NULL,
  extract_date   TEXT    NOT NULL,
  sha256         TEXT    NOT NULL,
  status         TEXT    NOT NULL CHECK (status IN ('LOADED', 'FAILED')),
  rows_read      INTEGER NOT NULL DEFAULT 0,
  rows_loaded    INTEGER NOT NULL DEFAULT 0,
  rows_rejected  INTEGER NOT NULL DEFAULT 0,
  rows_duplicate INTEGER NOT NULL DEFAULT 0,
  rows_skipped   INTEGER NOT NULL DEFAULT 0,
  warnings       INTEGER NOT NULL DEFAULT 0,
  premium_fen    INTEGER NOT NULL DEFAULT 0,
  started_at     TEXT    NOT NULL,
  finished_at    TEXT,
  error          TEXT
);
CREATE INDEX ix_ingest_ledger_source_sha ON ingest_ledger (source, sha256);
CREATE INDEX ix_ingest_ledger_source_date ON ingest_ledger (source, extract_date);

CREATE TABLE ingest_issues (
  ingest_id   INTEGER NOT NULL REFERENCES ingest_ledger (ingest_id),
  line_no     INTEGER NOT NULL,
  column_name TEXT    NOT NULL,
  severity    TEXT    NOT NULL CHECK (severity IN ('REJECT', 'WARNING')),
  reason      TEXT    NOT NULL,
  value       TEXT
);
CREATE INDEX ix_ingest_issues_ingest ON ingest_issues (ingest_id, line_no);

CREATE TABLE policy_versions (
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
  PRIMARY KEY (insurer_code, policy_no, ingest_id)
);
CREATE INDEX ix_policy_versions_expiry ON policy_versions (expiry_date);
CREATE INDEX ix_policy_versions_effective ON policy_versions (effective_date);
CREATE INDEX ix_policy_versions_issue ON policy_versions (issue_date);
CREATE INDEX ix_policy_versions_cancel ON policy_versions (cancel_date) WHERE cancel_date IS NOT NULL;

CREATE TABLE claim_versions (
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
  PRIMARY KEY (insurer_code, claim_no, ingest_id)
);
CREATE INDEX ix_claim_versions_report ON claim_versions (report_date);

CREATE TABLE followup_versions (
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
  PRIMARY KEY (followup_id, ingest_id)
);
CREATE INDEX ix_followup_versions_policy ON followup_versions (insurer_code, policy_no);
CREATE INDEX ix_followup_versions_contact ON followup_versions (contact_date);
