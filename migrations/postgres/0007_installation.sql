-- This installation's id, generated once: every cloud resource Greenlight creates carries it,
-- and Greenlight adopts and terminates only what carries it, so two installations (or a
-- database restored beside a live one) in one account never touch each other's instances.
CREATE TABLE installation (
    singleton  BIGINT NOT NULL PRIMARY KEY CHECK (singleton = 1),
    id         TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
