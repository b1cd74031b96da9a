-- A promotion records the QA sign-off it relied on (the approved sign-off that still counted
-- when it was accepted), so history, exports and the deployment page say who approved it.
-- Rows written before this migration, and deployments that needed no sign-off, have none.
ALTER TABLE deployments ADD COLUMN signoff_id BIGINT REFERENCES signoffs (id);
