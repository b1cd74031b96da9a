-- The database schema version a build expects, when it declares one (`schema_version` at
-- registration): going back to a lower one needs a confirmation naming both.
ALTER TABLE builds ADD COLUMN schema_version BIGINT;
