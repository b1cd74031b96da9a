//! Greenlight's shared crate, compiled twice: with `ssr` into the server and with `hydrate`
//! into the browser's wasm. The domain is pure; the use-case contract, the server functions
//! and the UI sit on top.

// Leptos' views are types as deep as the page; the environment page needs more than the
// default 128 levels to compile for the browser.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod ui;
pub mod use_cases;
