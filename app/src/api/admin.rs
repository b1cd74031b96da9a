//! Admin server functions: users and API tokens.

use crate::domain::views::{CreatedToken, TokenRow, UserRow};
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// Every user.
#[server(prefix = "/fn")]
pub async fn list_users() -> Result<Vec<UserRow>, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Administer).await?;
    use_cases.users().await.map_err(answer)
}

/// Adds a user with a role and an initial password.
#[server(prefix = "/fn")]
pub async fn add_user(
    name: String,
    role: String,
    password: String,
) -> Result<UserRow, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    let role = crate::domain::Role::parse(&role).map_err(|e| {
        let mut fields = crate::domain::FieldErrors::new();
        fields.add("role", e);
        answer(UseCaseError::Invalid(fields))
    })?;
    use_cases
        .add_user(&actor, &address, name.trim(), role, &password)
        .await
        .map_err(answer)
}

/// Every API token (never the secrets).
#[server(prefix = "/fn")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Administer).await?;
    use_cases.tokens().await.map_err(answer)
}

/// Creates a token for a user; the secret is in the answer, once.
#[server(prefix = "/fn")]
pub async fn create_token(user: String, name: String) -> Result<CreatedToken, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .create_token(&actor, &address, user.trim(), name.trim())
        .await
        .map_err(answer)
}

/// Revokes a token.
#[server(prefix = "/fn")]
pub async fn revoke_token(id: i64) -> Result<(), UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .revoke_token(&actor, &address, id)
        .await
        .map_err(answer)
}
