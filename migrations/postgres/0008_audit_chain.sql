-- The audit log becomes readable and tamper-evident. Each entry carries the environment it
-- concerns (for filtering), the hash of the entry before it and its own hash (SHA-256 over
-- its content and that previous hash), so an entry changed, removed or inserted behind
-- Greenlight's back breaks the chain at that row. `audit_head` holds the chain's end: every
-- append takes its row first (a row lock on PostgreSQL, the write lock on SQLite), so
-- concurrent writers queue instead of forking the chain, and a truncated tail no longer
-- matches it. Entries written before this migration stay as they were, outside the chain.
ALTER TABLE audit_log ADD COLUMN environment TEXT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

CREATE INDEX audit_log_by_environment ON audit_log (environment, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);

CREATE TABLE audit_head (
    singleton   BIGINT NOT NULL PRIMARY KEY CHECK (singleton = 1),
    -- The first entry in the chain; entries below it predate it.
    sealed_from BIGINT NOT NULL,
    -- The newest entry's id and hash (all zeros before the first).
    last_id     BIGINT NOT NULL,
    hash        TEXT   NOT NULL
);

INSERT INTO audit_head (singleton, sealed_from, last_id, hash)
SELECT 1, COALESCE(MAX(id), 0) + 1, COALESCE(MAX(id), 0),
       '0000000000000000000000000000000000000000000000000000000000000000'
FROM audit_log;
