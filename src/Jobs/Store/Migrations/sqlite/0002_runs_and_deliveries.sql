-- Run history, exactly-once claims and the per-recipient delivery log (SPEC §5).
CREATE TABLE job_runs (
  run_id        INTEGER PRIMARY KEY,
  job           TEXT    NOT NULL,
  business_date TEXT    NOT NULL,
  run_trigger   TEXT    NOT NULL,
  instance      TEXT    NOT NULL,
  started_at    TEXT    NOT NULL,
  finished_at   TEXT,
  status        TEXT    NOT NULL,
  row_count     INTEGER NOT NULL DEFAULT 0,
  outputs       TEXT,
  error         TEXT
);
CREATE INDEX ix_job_runs_job_date ON job_runs (job, business_date);

-- One scheduled run per (job, business date) across every worker: the first insert wins.
CREATE TABLE job_claims (
  job           TEXT    NOT NULL,
  business_date TEXT    NOT NULL,
  run_id        INTEGER NOT NULL,
  claimed_at    TEXT    NOT NULL,
  PRIMARY KEY (job, business_date)
);

CREATE TABLE deliveries (
  message_key   TEXT    NOT NULL,
  recipient     TEXT    NOT NULL,
  job           TEXT    NOT NULL,
  business_date TEXT    NOT NULL,
  subject       TEXT    NOT NULL,
  status        TEXT    NOT NULL CHECK (status IN ('SENT', 'FAILED')),
  attempts      INTEGER NOT NULL,
  last_attempt_at TEXT  NOT NULL,
  sent_at       TEXT,
  run_id        INTEGER,
  error         TEXT,
  PRIMARY KEY (message_key, recipient)
);
CREATE INDEX ix_deliveries_job_date ON deliveries (job, business_date);
