//! Greenlight's shared crate, compiled twice: with `ssr` into the server and with `hydrate`
//! into the browser's wasm. The domain is pure; the UI and the server functions sit on top.

pub mod api;
pub mod domain;
pub mod ui;
