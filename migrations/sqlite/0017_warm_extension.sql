-- How much a release's warm window was extended by hand (ms), against the environment's
-- `warm_extension_limit`.
ALTER TABLE deployments ADD COLUMN warm_extended_ms BIGINT NOT NULL DEFAULT 0;
