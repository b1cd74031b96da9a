-- Users, API tokens, builds, the release history, sign-in attempts and the audit log.
-- Times are milliseconds since the Unix epoch (BIGINT) on both backends.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'qa', 'engineer', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT  NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE TABLE builds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       TEXT    NOT NULL UNIQUE,
    revision      TEXT    NOT NULL,
    artifact      TEXT    NOT NULL,
    changes       TEXT    NOT NULL,
    ci_url        TEXT,
    content_hash  TEXT    NOT NULL,
    registered_by TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE deployments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    environment TEXT    NOT NULL,
    build_id    BIGINT  NOT NULL REFERENCES builds (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('deploy', 'promote', 'rollback', 'scale')),
    outcome     TEXT    NOT NULL CHECK (outcome IN ('in_progress', 'succeeded', 'failed', 'rolled_back')),
    started_by  TEXT    NOT NULL,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT,
    notes       TEXT    NOT NULL DEFAULT '',
    demo        BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX deployments_by_time        ON deployments (started_at DESC, id DESC);
CREATE INDEX deployments_by_environment ON deployments (environment, started_at DESC, id DESC);
CREATE INDEX deployments_by_build       ON deployments (build_id, started_at DESC, id DESC);
CREATE INDEX deployments_by_user        ON deployments (started_by, started_at DESC, id DESC);
CREATE INDEX deployments_by_outcome     ON deployments (outcome, started_at DESC, id DESC);

CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    succeeded BIGINT  NOT NULL,
    at        BIGINT  NOT NULL
);
CREATE INDEX login_attempts_by_user    ON login_attempts (user_name, at);
CREATE INDEX login_attempts_by_address ON login_attempts (address, at);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      BIGINT  NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    target  TEXT    NOT NULL,
    details TEXT    NOT NULL,
    address TEXT    NOT NULL
);

CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_refuses_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
