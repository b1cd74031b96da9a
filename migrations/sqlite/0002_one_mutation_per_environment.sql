-- One in-flight mutation (deploy, promote, rollback, scale) per environment, enforced by the
-- database rather than by a read-then-act check: a second in-progress row for the same
-- environment violates this index, whichever process or replica tries to write it.
CREATE UNIQUE INDEX deployments_one_in_flight_per_environment
    ON deployments (environment) WHERE outcome = 'in_progress';
