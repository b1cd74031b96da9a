-- Filters people combine get an index matching them whole; every history index ends in the
-- history's order (started_at, id) and then carries the other filter columns, so a capped
-- count reads the index alone, never the table.
DROP INDEX deployments_by_environment;
CREATE INDEX deployments_by_environment ON deployments (environment, started_at DESC, id DESC, started_by, outcome);
DROP INDEX deployments_by_user;
CREATE INDEX deployments_by_user ON deployments (started_by, started_at DESC, id DESC, environment, outcome);
DROP INDEX deployments_by_build;
CREATE INDEX deployments_by_build ON deployments (build_id, started_at DESC, id DESC, environment, outcome);
CREATE INDEX deployments_by_environment_outcome ON deployments (environment, outcome, started_at DESC, id DESC, started_by);
CREATE INDEX deployments_by_user_outcome ON deployments (started_by, outcome, started_at DESC, id DESC, environment);
-- The releases resting warm (the warm window's notices look every second).
CREATE INDEX deployments_warm ON deployments (warm_until) WHERE phase = 'warm';
-- The latest release that carries a plan (what capacity a release keeps): as many equalities
-- as the environment-and-outcome index, so the planner takes this smaller one.
CREATE INDEX deployments_with_plan ON deployments (environment, outcome, started_at DESC, id DESC) WHERE run IS NOT NULL;
