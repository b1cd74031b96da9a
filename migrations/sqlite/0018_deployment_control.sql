-- What people ask of a deployment in flight besides a rollback: switching traffic to a held
-- new fleet (`cutover = "manual"`), and cancelling it (with why).
ALTER TABLE deployments ADD COLUMN switch_requested_by TEXT;
ALTER TABLE deployments ADD COLUMN cancel_requested_by TEXT;
ALTER TABLE deployments ADD COLUMN cancel_reason TEXT;
