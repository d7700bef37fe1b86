-- As of a business date D a version is the latest of its key when its extract is dated on or
-- before D and no later version (by extract date, then file name, then load order) is: each
-- version now carries superseded_on, the extract date of the next version of its key (NULL while
-- it is the latest), set as files load. "Latest as of D" is then
-- extract_date <= D AND (superseded_on IS NULL OR superseded_on > D), read from the row itself
-- instead of probing the key for a later version on every row of every read.
ALTER TABLE policy_versions ADD COLUMN superseded_on TEXT;
ALTER TABLE claim_versions ADD COLUMN superseded_on TEXT;
ALTER TABLE followup_versions ADD COLUMN superseded_on TEXT;

UPDATE policy_versions SET superseded_on = n.next_date
FROM (
  SELECT v.insurer_code, v.policy_no, v.ingest_id,
         LEAD(v.extract_date) OVER (PARTITION BY v.insurer_code, v.policy_no ORDER BY v.extract_date, l.file_name COLLATE BINARY, v.ingest_id) AS next_date
  FROM policy_versions v JOIN ingest_ledger l ON l.ingest_id = v.ingest_id
  WHERE (v.insurer_code, v.policy_no) IN (SELECT insurer_code, policy_no FROM policy_version_keys)
) n
WHERE policy_versions.insurer_code = n.insurer_code AND policy_versions.policy_no = n.policy_no AND policy_versions.ingest_id = n.ingest_id
  AND n.next_date IS NOT NULL;

UPDATE claim_versions SET superseded_on = n.next_date
FROM (
  SELECT v.insurer_code, v.claim_no, v.ingest_id,
         LEAD(v.extract_date) OVER (PARTITION BY v.insurer_code, v.claim_no ORDER BY v.extract_date, l.file_name COLLATE BINARY, v.ingest_id) AS next_date
  FROM claim_versions v JOIN ingest_ledger l ON l.ingest_id = v.ingest_id
  WHERE (v.insurer_code, v.claim_no) IN (SELECT insurer_code, claim_no FROM claim_versions GROUP BY insurer_code, claim_no HAVING COUNT(*) > 1)
) n
WHERE claim_versions.insurer_code = n.insurer_code AND claim_versions.claim_no = n.claim_no AND claim_versions.ingest_id = n.ingest_id
  AND n.next_date IS NOT NULL;

UPDATE followup_versions SET superseded_on = n.next_date
FROM (
  SELECT v.followup_id, v.ingest_id,
         LEAD(v.extract_date) OVER (PARTITION BY v.followup_id ORDER BY v.extract_date, l.file_name COLLATE BINARY, v.ingest_id) AS next_date
  FROM followup_versions v JOIN ingest_ledger l ON l.ingest_id = v.ingest_id
  WHERE v.followup_id IN (SELECT followup_id FROM followup_versions GROUP BY followup_id HAVING COUNT(*) > 1)
) n
WHERE followup_versions.followup_id = n.followup_id AND followup_versions.ingest_id = n.ingest_id
  AND n.next_date IS NOT NULL;

-- The versions superseded at some date, few of a book: the premium they put in the kept sums
-- comes off as of that date (BranchMonthTotals). They replace policy_version_keys.
CREATE INDEX ix_policy_versions_superseded ON policy_versions (superseded_on) WHERE superseded_on IS NOT NULL;
DROP TABLE policy_version_keys;

-- The claims behind the loss ratio, kept as files load like the premium (SPEC §3.4,
-- BranchMonthTotals): a claim counts on the branch of its policy as of D, so each pair of a claim
-- version (not withdrawn) and a version of its policy (with a branch) adds its assessed amount
-- from the date both are the latest (the later of their extract dates) until either is superseded.
-- claim_month_deltas holds those changes summed per date, branch, insurer and report month: the
-- claims as of D are the sum of the rows dated on or before D. A load rewrites the changes of the
-- policies it touches (their pairs before the load come off, their pairs after it go in).
CREATE TABLE claim_month_deltas (
  on_date      TEXT    NOT NULL,
  branch_code  TEXT    NOT NULL,
  insurer_code TEXT    NOT NULL,
  month        TEXT    NOT NULL,
  claims_fen   INTEGER NOT NULL,
  PRIMARY KEY (on_date, branch_code, insurer_code, month)
);

WITH pairs AS (
  SELECT p.branch_code, c.insurer_code, substr(c.report_date, 1, 7) AS month, c.assessed_fen AS fen,
         CASE WHEN c.extract_date >= p.extract_date THEN c.extract_date ELSE p.extract_date END AS live_from,
         CASE WHEN c.superseded_on IS NULL THEN p.superseded_on
              WHEN p.superseded_on IS NULL OR c.superseded_on <= p.superseded_on THEN c.superseded_on
              ELSE p.superseded_on END AS live_to
  FROM claim_versions c JOIN policy_versions p ON p.insurer_code = c.insurer_code AND p.policy_no = c.policy_no
  WHERE c.status <> 'WITHDRAWN' AND p.branch_code <> ''
)
INSERT INTO claim_month_deltas (on_date, branch_code, insurer_code, month, claims_fen)
SELECT on_date, branch_code, insurer_code, month, SUM(fen) FROM (
  SELECT live_from AS on_date, branch_code, insurer_code, month, fen FROM pairs WHERE live_to IS NULL OR live_to > live_from
  UNION ALL
  SELECT live_to, branch_code, insurer_code, month, -fen FROM pairs WHERE live_to > live_from
) d GROUP BY on_date, branch_code, insurer_code, month HAVING SUM(fen) <> 0;
