-- Notifications, as an outbox. An event is written in the same transaction as what causes it
-- (a deployment's step, a freeze, a lock); a worker routes it to the channels the rules pick
-- (one delivery each) and delivers with retries and backoff, at least once, across restarts.
CREATE TABLE notification_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    event         TEXT   NOT NULL,
    environment   TEXT,
    deployment_id BIGINT,
    summary       TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    routed_at     BIGINT
);
CREATE INDEX notification_events_unrouted ON notification_events (routed_at, id);

CREATE TABLE notification_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        BIGINT NOT NULL REFERENCES notification_events (id),
    channel         TEXT   NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL,
    UNIQUE (event_id, channel)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (status, next_attempt_at);
