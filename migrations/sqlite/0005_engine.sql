-- The deployment engine's durable state. A deployment run by the engine carries its phase
-- and its plan and progress (JSON); history rows written before the engine (or by the demo
-- seed) have none. Steps are the timeline its page shows. The fleet table says which
-- instances serve each environment now, changed only in the step that moves traffic.
ALTER TABLE deployments ADD COLUMN phase TEXT;
ALTER TABLE deployments ADD COLUMN run TEXT;
ALTER TABLE deployments ADD COLUMN warm_until BIGINT;
ALTER TABLE deployments ADD COLUMN rollback_requested_by TEXT;

CREATE TABLE deployment_steps (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id BIGINT  NOT NULL REFERENCES deployments (id),
    at            BIGINT  NOT NULL,
    phase         TEXT    NOT NULL,
    message       TEXT    NOT NULL
);
CREATE INDEX deployment_steps_by_deployment ON deployment_steps (deployment_id, id);
CREATE INDEX deployments_by_phase ON deployments (environment, phase);

CREATE TABLE environment_fleets (
    environment   TEXT    PRIMARY KEY,
    deployment_id BIGINT  NOT NULL REFERENCES deployments (id),
    build_id      BIGINT  NOT NULL REFERENCES builds (id),
    image_id      TEXT    NOT NULL,
    target_group  TEXT,
    instance_ids  TEXT    NOT NULL,
    updated_at    BIGINT  NOT NULL
);
