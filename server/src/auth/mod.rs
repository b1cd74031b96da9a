//! Identity: password hashing, API token secrets, the session store, and the middleware
//! that attaches an [`app::use_cases::Identity`] to every request and guards pages and
//! mutations.

pub mod middleware;
pub mod oidc;
pub mod password;
pub mod session_store;
pub mod token;
pub mod totp;
