-- Candidate renewals are the policies starting in a window whose VIN is one of the cohort's
-- (SPEC §3.1): with the VIN in the effective_date index, the VIN test is made in the index and only
-- the candidates' rows are read, not every policy starting in the four-month window. It replaces
-- the effective_date index, so loads maintain no more indexes than before.
DROP INDEX ix_policy_versions_effective;
CREATE INDEX ix_policy_versions_effective_vin ON policy_versions (effective_date, vin);
