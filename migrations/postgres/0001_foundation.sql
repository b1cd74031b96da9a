-- Users, API tokens, builds, the release history, sign-in attempts and the audit log.
-- Times are milliseconds since the Unix epoch (BIGINT) on both backends.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'qa', 'engineer', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE TABLE builds (
    id            BIGSERIAL PRIMARY KEY,
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
    id          BIGSERIAL PRIMARY KEY,
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
    id        BIGSERIAL PRIMARY KEY,
    user_name TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    succeeded BIGINT  NOT NULL,
    at        BIGINT  NOT NULL
);
CREATE INDEX login_attempts_by_user    ON login_attempts (user_name, at);
CREATE INDEX login_attempts_by_address ON login_attempts (address, at);

CREATE TABLE audit_log (
    id      BIGSERIAL PRIMARY KEY,
    at      BIGINT  NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    target  TEXT    NOT NULL,
    details TEXT    NOT NULL,
    address TEXT    NOT NULL
);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TRIGGER audit_log_refuses_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
