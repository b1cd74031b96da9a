//! Server functions: thin adapters that check who is asking, call one use-case on the
//! server's [`backend::Backend`] and map its error. The browser calls them over HTTP; during
//! server rendering they run in-process.

// The #[server] macro generates argument structs whose fields cannot carry docs.
#[allow(missing_docs)]
pub mod admin;
#[allow(missing_docs)]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
#[allow(missing_docs)]
pub mod reads;
#[allow(missing_docs)]
pub mod releases;

/// URL prefix of every server function (kept apart from the public `/api/v1`).
pub const PREFIX: &str = "/fn";
