-- Every deployment records, when it is accepted, what its environment is then: code, config
-- (secrets as reference, version and keyed hash — never a value) and infrastructure, as JSON
-- (a DiffSide), with its SHA-256. History diffs read these, so they stay exact after the
-- config file changes; the trigger keeps every snapshot as it was written.
CREATE TABLE deployment_snapshots (
    deployment_id BIGINT NOT NULL PRIMARY KEY REFERENCES deployments (id),
    side          TEXT   NOT NULL,
    hash          TEXT   NOT NULL,
    recorded_at   BIGINT NOT NULL
);

CREATE FUNCTION deployment_snapshots_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'deployment snapshots never change';
END;
$$;

CREATE TRIGGER deployment_snapshots_never_change
    BEFORE UPDATE OR DELETE ON deployment_snapshots
    FOR EACH ROW EXECUTE FUNCTION deployment_snapshots_never_change();

-- The installation's key for hashing secret values (HMAC-SHA256), generated once: hashes
-- compare across environments and deployments of one installation and mean nothing outside.
CREATE TABLE secret_hash_key (
    singleton  BIGINT NOT NULL PRIMARY KEY CHECK (singleton = 1),
    key        TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
