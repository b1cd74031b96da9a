//! Admin server functions: users, API tokens and the audit log.

use crate::domain::views::{CreatedToken, TokenRow, UserRow};
use crate::domain::{AuditPage, ChainState};
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

/// Audit entries per page.
pub const AUDIT_PAGE_SIZE: i64 = 50;

/// A page of the audit log; `query` holds the filter and cursor as query pairs.
#[server(prefix = "/fn")]
pub async fn get_audit(query: Vec<(String, String)>) -> Result<AuditPage, UseCaseError> {
    use crate::domain::{AuditFilter, FieldErrors};
    let (use_cases, _, _) = authorised(Permission::Administer).await?;
    let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let filter =
        AuditFilter::parse(pairs).map_err(|fields| answer(UseCaseError::Invalid(fields)))?;
    let cursor = match query
        .iter()
        .find(|(k, v)| k == "cursor" && !v.trim().is_empty())
    {
        Some((_, text)) => Some(text.trim().parse::<i64>().map_err(|_| {
            let mut fields = FieldErrors::new();
            fields.add("cursor", "must be an entry id");
            answer(UseCaseError::Invalid(fields))
        })?),
        None => None,
    };
    use_cases
        .audit(&filter, cursor, AUDIT_PAGE_SIZE)
        .await
        .map_err(answer)
}

/// The audit log's hash chain, walked whole.
#[server(prefix = "/fn")]
pub async fn audit_chain() -> Result<ChainState, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Administer).await?;
    use_cases.audit_chain().await.map_err(answer)
}
