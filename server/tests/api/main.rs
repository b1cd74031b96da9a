//! Integration tests: the real server on a random port with a fresh database — SQLite by
//! default, PostgreSQL when `GREENLIGHT_TEST_POSTGRES` names a cluster (the test command runs
//! the suite once each way).

mod account_rules;
mod audit;
mod audit_log;
mod auth;
mod builds;
mod change_control;
mod cli_accounts;
mod delivery_log;
mod demo_engine;
mod deployment_control;
mod deployments_api;
mod diff;
mod email;
mod fleet_health;
mod four_eyes;
mod headers;
mod history;
mod hook_results;
mod live_api;
mod metrics;
mod notifications;
mod nul_inputs;
mod openapi;
mod origins;
mod page_actions;
mod pages;
mod request_cost;
mod rollback_api;
mod schema_version;
mod sign_in_limits;
mod sign_in_proxies;
mod signoffs;
mod sso;
mod token_scopes;
mod two_factor;
mod user_lifecycle;
mod warm_window;

#[path = "../support/mod.rs"]
mod support;
