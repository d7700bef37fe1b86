-- The final renewal figures of closed cohorts (SPEC §3.1: final once nothing is pending), per
-- branch and for the group ('*'), kept once a cohort closes so that the morning email can show the
-- last six cohorts without reading six months of policies every morning (docs/reports.md).
CREATE TABLE cohort_finals (
  month        TEXT    NOT NULL,
  branch_code  TEXT    NOT NULL,
  due          INTEGER NOT NULL,
  renewed      INTEGER NOT NULL,
  as_of        TEXT    NOT NULL,
  PRIMARY KEY (month, branch_code)
);
