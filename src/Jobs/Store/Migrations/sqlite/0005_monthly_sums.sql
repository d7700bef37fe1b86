-- The monthly sums behind written premium and the loss ratio (SPEC §3.3/§3.4, BranchMonthTotals),
-- kept as files load instead of summed from two years of versions on every run:
-- ingest_month_sums holds, per loaded file, the premium of its policies (with a branch) by issue
-- month and their refunds by cancel month; policy_version_keys lists the policy keys that have
-- more than one version, the only ones whose older versions must come off the sums as of a date.
CREATE TABLE ingest_month_sums (
  ingest_id    INTEGER NOT NULL REFERENCES ingest_ledger (ingest_id),
  branch_code  TEXT    NOT NULL,
  insurer_code TEXT    NOT NULL,
  month        TEXT    NOT NULL,
  issued_fen   INTEGER NOT NULL,
  refund_fen   INTEGER NOT NULL,
  PRIMARY KEY (ingest_id, branch_code, insurer_code, month)
);

CREATE TABLE policy_version_keys (
  insurer_code TEXT NOT NULL,
  policy_no    TEXT NOT NULL,
  PRIMARY KEY (insurer_code, policy_no)
);

INSERT INTO ingest_month_sums (ingest_id, branch_code, insurer_code, month, issued_fen, refund_fen)
SELECT ingest_id, branch_code, insurer_code, month, SUM(issued), SUM(refund) FROM (
  SELECT ingest_id, branch_code, insurer_code, substr(issue_date, 1, 7) AS month, premium_fen AS issued, 0 AS refund
  FROM policy_versions WHERE branch_code <> ''
  UNION ALL
  SELECT ingest_id, branch_code, insurer_code, substr(cancel_date, 1, 7), 0, refund_fen
  FROM policy_versions WHERE branch_code <> '' AND status = 'CANCELLED' AND cancel_date IS NOT NULL
) s GROUP BY ingest_id, branch_code, insurer_code, month;

INSERT INTO policy_version_keys (insurer_code, policy_no)
SELECT insurer_code, policy_no FROM policy_versions GROUP BY insurer_code, policy_no HAVING COUNT(*) > 1;
