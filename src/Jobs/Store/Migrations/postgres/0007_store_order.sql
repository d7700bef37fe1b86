-- Each version table in the order of the date a month's reads select it by (StoreOrder): policies
-- by expiry date (and coverage, on new loads), claims by report date, follow-ups by contact date. The rows were in the order
-- their files loaded, and an insurer's history file lists its rows in no date order, so one
-- month's rows sat on most of a table's pages. Loads now insert each file's rows in this order;
-- CLUSTER rewrites the rows already stored in it (once: PostgreSQL does not keep a table
-- clustered, the loads' order does). It holds an exclusive lock on each table while it runs.
CLUSTER policy_versions USING ix_policy_versions_expiry;
CLUSTER claim_versions USING ix_claim_versions_report;
CLUSTER followup_versions USING ix_followup_versions_contact;
ANALYZE policy_versions;
ANALYZE claim_versions;
ANALYZE followup_versions;
