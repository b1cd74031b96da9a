-- Change control at run time. A person's freeze of an environment (the config key `frozen`
-- stays a freeze of its own), and an environment's lock: only its holder changes the
-- environment until they release it, an admin breaks it, or it lapses at expires_at.
CREATE TABLE environment_freezes (
    environment  TEXT   PRIMARY KEY,
    reason       TEXT   NOT NULL,
    frozen_by    TEXT   NOT NULL,
    frozen_by_id BIGINT REFERENCES users (id),
    frozen_at    BIGINT NOT NULL
);

CREATE TABLE environment_locks (
    environment TEXT   PRIMARY KEY,
    holder      TEXT   NOT NULL,
    holder_id   BIGINT NOT NULL REFERENCES users (id),
    reason      TEXT   NOT NULL,
    since       BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

-- An admin's override of a freeze, on the deployment it let through.
ALTER TABLE deployments ADD COLUMN freeze_override TEXT;
