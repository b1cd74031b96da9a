-- Live fleet health shared between replicas: one replica at a time holds the poller's lease
-- and looks at the cloud; every replica reads the snapshots it stores here (and streams
-- them to its pages), so AWS calls do not grow with the number of replicas either.
CREATE TABLE fleet_snapshots (
    environment TEXT   NOT NULL PRIMARY KEY,
    -- The last good look as JSON (a FleetSnapshot), absent before the first one.
    body        TEXT,
    -- Why the last look failed, when it did.
    last_error  TEXT,
    -- Bumped on every write, so a replica reads only what changed since it last looked.
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE poller_leases (
    name       TEXT   NOT NULL PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);

-- The charts of an environment for one range (`1h`, `6h`, `24h`) as JSON, read from
-- CloudWatch by the same lease holder once per period of the range.
CREATE TABLE chart_snapshots (
    environment TEXT   NOT NULL,
    chart_range TEXT   NOT NULL,
    taken_at    BIGINT NOT NULL,
    body        TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    PRIMARY KEY (environment, chart_range)
);
