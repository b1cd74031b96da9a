//! Greenlight's server: configuration, database, identity, REST API, the site and the
//! Leptos pages, put together by [`startup`] and driven by the [`cli`].

pub mod auth;
pub mod cli;
pub mod cli_accounts;
pub mod clock;
pub mod cloud;
pub mod config;
pub mod core;
pub mod db;
pub mod engine;
pub mod error_chain;
pub mod fleet_health;
pub mod hooks;
pub mod http;
pub mod live;
pub mod notify;
pub mod service;
pub mod site;
pub mod startup;
pub mod state;
pub mod telemetry;
