-- Two-factor sign-in (TOTP, RFC 6238) for password accounts. The secret offered at enrolment
-- waits in totp_pending_secret until a first code confirms it; totp_last_step is the newest
-- time step a code was accepted for, so that each code signs in once. Recovery codes are kept
-- as SHA-256, each used once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
-- Wrong codes against the account since totp_failures_since, from any address: past a limit
-- within the window, codes are refused whoever sends them.
ALTER TABLE users ADD COLUMN totp_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_failures_since BIGINT;

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   BIGINT  NOT NULL REFERENCES users (id),
    code_hash TEXT    NOT NULL,
    used_at   BIGINT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
