-- Single sign-on. A user who signs in through an OpenID provider is linked to it by the
-- provider's issuer and subject (stable where names are not) and has no password.
ALTER TABLE users ADD COLUMN sso_issuer TEXT;
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_by_sso ON users (sso_issuer, sso_subject);

-- A sign-in sent to the provider and awaited back. The browser holds a random handle in a
-- cookie; its SHA-256 is the key here. State, nonce and PKCE verifier stay on the server and
-- are taken (deleted) by the one callback that uses them.
CREATE TABLE sso_logins (
    handle_hash   TEXT   PRIMARY KEY,
    state         TEXT   NOT NULL,
    nonce         TEXT   NOT NULL,
    pkce_verifier TEXT   NOT NULL,
    next_path     TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX sso_logins_by_age ON sso_logins (created_at);
