-- When the "warm window closes soon" notification of a release was written, so that it is
-- written once, whichever replica's notification worker sees the window's end approach.
ALTER TABLE deployments ADD COLUMN warm_closing_told_at BIGINT;
