//! Integration tests: the real server on a random port with a fresh database — SQLite by
//! default, PostgreSQL when `GREENLIGHT_TEST_POSTGRES` names a cluster (the test command runs
//! the suite once each way).

mod audit;
mod auth;
mod builds;
mod crashing_cloud;
mod demo_engine;
mod deployments_api;
mod engine_faults;
mod engine_paths;
mod gates;
mod harness;
mod helpers;
mod history;
mod jobs;
mod openapi;
mod pages;
mod signoffs;
