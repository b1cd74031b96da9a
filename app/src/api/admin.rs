//! Admin server functions: users and API tokens.

use crate::domain::views::{CreatedToken, TokenRow, UserRow};
use leptos::prelude::*;
use leptos::server;

#[cfg(feature = "ssr")]
use super::backend::{context, to_server_error};
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// Every user.
#[server(prefix = "/fn")]
pub async fn list_users() -> Result<Vec<UserRow>, ServerFnError> {
    let (backend, identity) = context().await?;
    identity
        .require(Permission::Administer)
        .map_err(to_server_error)?;
    backend.users().await.map_err(to_server_error)
}

/// Adds a user with a role and an initial password.
#[server(prefix = "/fn")]
pub async fn add_user(
    name: String,
    role: String,
    password: String,
) -> Result<UserRow, ServerFnError> {
    let (backend, identity) = context().await?;
    let actor = identity
        .require(Permission::Administer)
        .map_err(to_server_error)?;
    let role =
        crate::domain::Role::parse(&role).map_err(|e| ServerFnError::new(format!("role: {e}")))?;
    backend
        .add_user(actor, &identity.address, name.trim(), role, &password)
        .await
        .map_err(to_server_error)
}

/// Every API token (never the secrets).
#[server(prefix = "/fn")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, ServerFnError> {
    let (backend, identity) = context().await?;
    identity
        .require(Permission::Administer)
        .map_err(to_server_error)?;
    backend.tokens().await.map_err(to_server_error)
}

/// Creates a token for a user; the secret is in the answer, once.
#[server(prefix = "/fn")]
pub async fn create_token(user: String, name: String) -> Result<CreatedToken, ServerFnError> {
    let (backend, identity) = context().await?;
    let actor = identity
        .require(Permission::Administer)
        .map_err(to_server_error)?;
    backend
        .create_token(actor, &identity.address, user.trim(), name.trim())
        .await
        .map_err(to_server_error)
}

/// Revokes a token.
#[server(prefix = "/fn")]
pub async fn revoke_token(id: i64) -> Result<(), ServerFnError> {
    let (backend, identity) = context().await?;
    let actor = identity
        .require(Permission::Administer)
        .map_err(to_server_error)?;
    backend
        .revoke_token(actor, &identity.address, id)
        .await
        .map_err(to_server_error)
}
