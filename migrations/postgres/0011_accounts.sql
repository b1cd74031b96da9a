-- Accounts a team can run. A user is a person or a service account (owns tokens, never
-- signs in); disabling keeps the row (history keeps the name); a reset password must be
-- changed at the next sign-in; moving session_generation on ends every session of the user.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'service'));
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN session_generation BIGINT NOT NULL DEFAULT 0;

-- A token carries scopes (space-separated) and may expire. Tokens made before scopes existed
-- keep what they could do: every scope, still capped by the owner's role.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read builds:write signoffs:write deploy admin';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;

-- Four-eyes compares user ids, so it holds across a rename; the name stays as signed.
ALTER TABLE signoffs ADD COLUMN signed_by_id BIGINT REFERENCES users (id);
UPDATE signoffs SET signed_by_id = (SELECT u.id FROM users u WHERE u.name = signoffs.signed_by);
