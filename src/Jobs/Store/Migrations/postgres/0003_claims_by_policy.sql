-- Claims are read by the policy they are on (the policies behind a month's claims, SPEC §3.3/§3.4).
CREATE INDEX ix_claim_versions_policy ON claim_versions (insurer_code, policy_no);
