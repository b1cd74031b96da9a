//! Admin server functions: users, API tokens, the audit log and the notification delivery
//! log.

use crate::domain::views::{CreatedToken, DeliveryLog, DeliveryView, TokenRow, UserRow};
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

/// Adds a person (with an initial password) or a service account (`kind` = `service`, no
/// password).
#[server(prefix = "/fn")]
pub async fn add_user(
    name: String,
    role: String,
    kind: String,
    password: String,
) -> Result<UserRow, UseCaseError> {
    use crate::domain::{FieldErrors, Role, UserKind};
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    let mut fields = FieldErrors::new();
    let role = Role::parse(&role).map_err(|e| fields.add("role", e)).ok();
    let kind = UserKind::parse(&kind)
        .map_err(|e| fields.add("kind", e))
        .ok();
    let (Some(role), Some(kind)) = (role, kind) else {
        return Err(answer(UseCaseError::Invalid(fields)));
    };
    use_cases
        .add_user(&actor, &address, name.trim(), role, kind, &password)
        .await
        .map_err(answer)
}

/// Every API token (never the secrets).
#[server(prefix = "/fn")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Administer).await?;
    use_cases.tokens(None).await.map_err(answer)
}

/// Creates a token for the admin or a service account; the secret is in the answer, once.
/// Each scope is its own field (a checkbox posts it when ticked).
#[server(prefix = "/fn")]
pub async fn create_token(
    user: String,
    name: String,
    scope_read: Option<String>,
    scope_builds: Option<String>,
    scope_signoffs: Option<String>,
    scope_deploy: Option<String>,
    scope_admin: Option<String>,
    expires_in_days: String,
) -> Result<CreatedToken, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    let form = crate::domain::views::TokenForm {
        user,
        name,
        scopes: ticked_scopes([
            scope_read,
            scope_builds,
            scope_signoffs,
            scope_deploy,
            scope_admin,
        ]),
        expires_in_days,
    };
    use_cases
        .create_token(&actor, &address, true, &form)
        .await
        .map_err(answer)
}

/// The scopes whose checkboxes were ticked, in [`crate::domain::Scope::ALL`] order.
pub fn ticked_scopes(ticked: [Option<String>; 5]) -> String {
    crate::domain::Scope::ALL
        .into_iter()
        .zip(ticked)
        .filter(|(_, on)| on.is_some())
        .map(|(scope, _)| scope.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Revokes any token.
#[server(prefix = "/fn")]
pub async fn revoke_token(id: i64) -> Result<(), UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .revoke_token(&actor, &address, true, id)
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

/// The notification channels and the latest 100 deliveries.
#[server(prefix = "/fn")]
pub async fn notification_log() -> Result<DeliveryLog, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Administer).await?;
    use_cases.delivery_log(100).await.map_err(answer)
}

/// Queues a test message to `channel`.
#[server(prefix = "/fn")]
pub async fn send_test_message(channel: String) -> Result<DeliveryView, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .send_test_message(&actor, &address, &channel)
        .await
        .map_err(answer)
}
