-- A sign-off recorded by Greenlight itself when a release's acceptance hooks all passed in an
-- environment with `acceptance_counts_as_signoff`: the deployment whose hooks it stands for,
-- at most one each.
ALTER TABLE signoffs ADD COLUMN automated_by_deployment BIGINT REFERENCES deployments (id);
CREATE UNIQUE INDEX signoffs_automated_once ON signoffs (automated_by_deployment);
