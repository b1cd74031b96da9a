//! One module per page.

pub mod account;
pub mod admin_audit;
pub mod admin_notifications;
pub mod admin_tokens;
pub mod admin_users;
pub mod build_detail;
pub mod builds;
pub mod compare;
pub mod deployment;
pub mod environment;
pub mod history;
pub mod login;
pub mod overview;
