//! Server functions: thin adapters that check who is asking, call one use-case through the
//! [`crate::use_cases::UseCases`] contract, and answer failures with the status and data of a
//! [`crate::use_cases::UseCaseError`]. The browser calls them over HTTP; during server rendering
//! they run in-process.

// The #[server] macro generates argument structs whose fields cannot carry docs.
#[allow(missing_docs)]
pub mod account;
// A token form posts each scope's checkbox as its own field; the macro's generated client
// function does not carry an item's own `allow`.
#[allow(missing_docs, clippy::too_many_arguments)]
pub mod admin;
#[allow(missing_docs)]
pub mod auth;
#[allow(missing_docs)]
pub mod builds;
#[allow(missing_docs)]
pub mod change_control;
#[allow(missing_docs)]
pub mod compare;
#[allow(missing_docs)]
pub mod deployments;
#[allow(missing_docs)]
pub mod environments;
#[allow(missing_docs)]
pub mod fleet;
#[allow(missing_docs)]
pub mod history;
#[allow(missing_docs)]
pub mod overview;
#[allow(missing_docs)]
pub mod users;

/// URL prefix of every server function (kept apart from the public `/api/v1`).
pub const PREFIX: &str = "/fn";
