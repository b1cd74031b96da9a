//! `GET /api/v1/diff`: what differs between two environments or deployments, as JSON or as
//! plain text for a change ticket.

use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::views::Comparison;
use app::domain::Permission;
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::collections::HashMap;

/// The two sides and how to answer.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct DiffQuery {
    /// The left side: an environment name (as it is now) or a deployment id (as it was
    /// accepted). Default: when `to` is a deployment, the release it replaced ("what did it
    /// change?"); else the first environment of the pipeline.
    #[param(example = "test", pattern = "^[a-z0-9-]{1,32}$")]
    from: Option<String>,
    /// The right side, likewise. Default: the last environment of the pipeline.
    #[param(example = "prod", pattern = "^[a-z0-9-]{1,32}$")]
    to: Option<String>,
    /// `json` (the default) or `text` (plain text to paste into a change ticket).
    #[param(value_type = Option<DiffFormat>)]
    format: Option<String>,
    /// With `format=text`: `true` lists identical rows too.
    same: Option<bool>,
}

/// What the diff is written as.
#[derive(Debug, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DiffFormat {
    /// `application/json`, a comparison.
    Json,
    /// `text/plain`, for a change ticket.
    Text,
}

/// What differs between two sides: code (with the changes between the builds), config
/// (secrets compared by version and keyed hash, never shown) and infrastructure (any
/// signed-in role).
#[utoipa::path(
    get, operation_id = "diff", path = "/api/v1/diff", tag = "environments",
    params(DiffQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The comparison (`format=text`: as text/plain)", content(
            (Comparison = "application/json"),
            (String = "text/plain", example = "TEST (now) → PROD (now)\n3 changed, 1 added, 0 removed, 9 same\n"),
        )),
        (status = 400, description = "`format` is neither `json` nor `text`, or `same` is not a boolean", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No such environment or deployment", body = ErrorBody),
        (status = 409, description = "The deployment predates snapshots: nothing recorded to compare; or, `from` left out, `to` replaced no earlier release", body = ErrorBody),
        (status = 422, description = "`from` or `to` is neither an environment name nor a deployment id (named in `fields`)", body = ErrorBody),
    )
)]
pub async fn diff(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let query = extract::query(query)?;
    let text = match query.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("text") => true,
        Some(_) => return Err(ApiError::bad_request("format", "must be json or text")),
    };
    let same = match query.get("same").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::bad_request("same", "must be true or false")),
    };
    // Left out, a side has a default (see `DiffQuery`); given empty, it is refused.
    let mut blank = app::domain::FieldErrors::new();
    for name in ["from", "to"] {
        if query.get(name).is_some_and(|v| v.trim().is_empty()) {
            blank.add(
                name,
                "must name an environment or a deployment id, or be left out",
            );
        }
    }
    if !blank.is_empty() {
        return Err(ApiError::invalid(blank));
    }
    let side = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let comparison = core.compare(side("from"), side("to")).await?;
    Ok(if text {
        (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            comparison.as_text(same),
        )
            .into_response()
    } else {
        Json(comparison).into_response()
    })
}
