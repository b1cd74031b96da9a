-- Hook runs: one row per hook per stage of a deployment, written before the hook is called, so
-- that a one-way hook (a migration) is never called twice — a row found still `starting` after
-- a restart is failed, not called again. An HTTP hook's result arrives at its callback with a
-- one-time token, kept here only as its SHA-256 and cleared when used.
CREATE TABLE hook_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id BIGINT NOT NULL REFERENCES deployments (id),
    name          TEXT   NOT NULL,
    kind          TEXT   NOT NULL CHECK (kind IN ('acceptance', 'pre_cutover')),
    stage         TEXT   NOT NULL CHECK (stage IN ('before_switch', 'pre_cutover', 'after_switch')),
    status        TEXT   NOT NULL CHECK (status IN ('starting', 'running', 'passed', 'failed', 'timed_out')),
    token_sha256  TEXT,
    started_at    BIGINT NOT NULL,
    deadline_at   BIGINT NOT NULL,
    finished_at   BIGINT,
    summary       TEXT,
    link          TEXT,
    output        TEXT,
    UNIQUE (deployment_id, name, stage)
);
