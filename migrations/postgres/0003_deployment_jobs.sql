-- The engine's work queue: one row per deployment that still has steps to run. A worker
-- leases a due row for a while; every lease grant bumps the fencing counter, and a worker's
-- writes only count while the counter is still the one it was granted.
CREATE TABLE deployment_jobs (
    deployment_id BIGINT  PRIMARY KEY REFERENCES deployments (id),
    run_at        BIGINT  NOT NULL,
    lease_owner   TEXT,
    lease_until   BIGINT,
    fence         BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX deployment_jobs_due ON deployment_jobs (run_at);
