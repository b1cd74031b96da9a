-- QA sign-offs: a verdict on a build in an environment, bound to what was tested (the basis:
-- build, revision, image and config snapshot as JSON). Kept for good, like the history.
CREATE TABLE signoffs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    build_id    BIGINT  NOT NULL REFERENCES builds (id),
    environment TEXT    NOT NULL,
    verdict     TEXT    NOT NULL CHECK (verdict IN ('approved', 'rejected')),
    notes       TEXT    NOT NULL,
    basis       TEXT    NOT NULL,
    signed_by   TEXT    NOT NULL,
    signed_at   BIGINT  NOT NULL
);
CREATE INDEX signoffs_by_build_environment ON signoffs (build_id, environment, signed_at DESC, id DESC);
