//! `GET /api/v1/audit`: the audit log for admins, filtered and paged by entry id.

use super::api_deployments::{first_day, last_day};
use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::{AuditEntry, AuditFilter, Permission};
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Serialize;
use std::collections::HashMap;

/// A page of the audit log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditList {
    /// Newest first.
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for the next (older) page; absent after the last.
    pub next_cursor: Option<i64>,
}

/// Audit filters and paging, in the query string, all optional. An empty value means "any".
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditQuery {
    /// Who: a user name, `engine`, `cli` or `anonymous` (no NUL).
    #[param(example = "ana", pattern = r"^[^\u0000]*$")]
    actor: Option<String>,
    /// An action (`deployment.promote`), or a family of actions ending in `.` (`cloud.`)
    /// (no NUL).
    #[param(example = "cloud.", pattern = r"^[^\u0000]*$")]
    action: Option<String>,
    /// Only entries about this environment (no NUL).
    #[param(example = "prod", pattern = r"^[^\u0000]*$")]
    environment: Option<String>,
    #[param(schema_with = first_day)]
    from: Option<String>,
    #[param(schema_with = last_day)]
    to: Option<String>,
    /// A previous page's `next_cursor`: entries with smaller ids (empty: the first page).
    #[param(example = "1200", pattern = r"^([+-]?[0-9]{1,18})?$")]
    cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
}

/// The audit log, newest first: every change, every refused mutation, every sign-in and
/// every change the deployment engine made to the cloud (admin).
#[utoipa::path(
    get, operation_id = "list_audit", path = "/api/v1/audit", tag = "audit",
    params(AuditQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the audit log", body = AuditList),
        (status = 400, description = "`cursor` or `limit` is not a number (`limit`: 1 to 500)", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The token's user is not an admin", body = ErrorBody),
        (status = 422, description = "A filter is invalid (named in `fields`), or `to` is before `from`", body = ErrorBody),
    )
)]
pub async fn list(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<AuditList>, ApiError> {
    identity(identity_ext).require(Permission::Administer)?;
    let query = extract::query(query)?;
    let filter = AuditFilter::parse(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::invalid)?;
    let cursor = match query
        .get("cursor")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| ApiError::bad_request("cursor", "must be an entry id"))?,
        ),
        None => None,
    };
    let limit = extract::page_limit(&query)?;
    let page = core.audit(&filter, cursor, limit).await?;
    Ok(Json(AuditList {
        items: page.entries,
        next_cursor: page.next_cursor,
    }))
}
