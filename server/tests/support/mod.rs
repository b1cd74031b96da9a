//! Test support shared by the integration binaries (`api`, `engine`, `cloud`): fresh
//! databases, the real server on a random port, the engine harness on the sandbox with a
//! hand-moved clock, fixtures, and request helpers. Each binary includes this module with
//! `#[path = "../support/mod.rs"]`.

// Each binary uses a part of the support; the rest would be reported as dead there.
#![allow(dead_code)]

pub mod app;
pub mod database;
pub mod engine_app;
pub mod fixtures;
pub mod harness;
pub mod oidc;
pub mod receiver;
pub mod smtp;
