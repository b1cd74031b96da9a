//! `/api/v1/builds`: CI registers builds; anyone signed in reads them.

use super::error::{ApiError, ErrorBody};
use super::identity;
use crate::core::Core;
use app::domain::{Build, NewBuild, Permission};
use app::use_cases::contract::{build_ref, Registered};
use app::use_cases::{Identity, UseCases};
use axum::body::{to_bytes, Body};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;

/// What CI sends. Documentation only: the handler parses the raw JSON itself so that every
/// refused field is named.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct BuildRegistration {
    /// Semantic version, unique: `1.4.2`.
    #[schema(example = "1.4.2")]
    version: String,
    /// Git revision, 7–40 hex digits.
    #[schema(example = "9fceb02d0ae598e95dc970b74767f19372d61af8")]
    revision: String,
    /// `{"ami_id"}` or `{"base_ami_id", "url"}`.
    artifact: app::domain::Artifact,
    /// Changes since the previous build (at most 1000).
    #[serde(default)]
    changes: Vec<app::domain::BuildChange>,
    /// The CI run.
    ci_url: Option<String>,
}

/// A page of builds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuildList {
    /// Newest first.
    pub items: Vec<Build>,
    /// Pass as `cursor` for the next (older) page.
    pub next_cursor: Option<i64>,
}

/// Paging parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// From a previous page's `next_cursor`.
    pub cursor: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// Register a build (engineer or admin token).
#[utoipa::path(
    post, path = "/api/v1/builds", tag = "builds",
    request_body = BuildRegistration,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = Build),
        (status = 200, description = "The identical build was already registered", body = Build),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No or invalid token", body = ErrorBody),
        (status = 403, description = "Role may not register builds", body = ErrorBody),
        (status = 409, description = "Version registered with other content", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn register(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Build>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::RegisterBuild)?.clone();
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        })
        .unwrap_or(false);
    if !json {
        return Err(ApiError::UnsupportedMediaType(
            "Content-Type must be application/json".into(),
        ));
    }
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::TooLarge(format!("body must be at most {MAX_BODY} bytes")))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request("body", format!("malformed JSON: {e}")))?;
    let new = NewBuild::parse(&value).map_err(ApiError::invalid)?;
    let (build, registered) = core.register_build(&actor, &identity.address, new).await?;
    let status = match registered {
        Registered::Created => StatusCode::CREATED,
        Registered::AlreadyThere => StatusCode::OK,
    };
    Ok((status, Json(build)))
}

/// List builds, newest first.
#[utoipa::path(
    get, path = "/api/v1/builds", tag = "builds", params(PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = BuildList), (status = 401, body = ErrorBody))
)]
pub async fn list(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Query(query): Query<PageQuery>,
) -> Result<Json<BuildList>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request("limit", "must be between 1 and 200"));
    }
    let page = core.builds(query.cursor, limit).await?;
    Ok(Json(BuildList {
        items: page.items.into_iter().map(|s| s.build).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One build by version.
#[utoipa::path(
    get, path = "/api/v1/builds/{version}", tag = "builds",
    params(("version" = String, Path, description = "Build version")),
    security(("bearer" = [])),
    responses((status = 200, body = Build), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn show(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(version): Path<String>,
) -> Result<Json<Build>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let detail = core.build_detail(&build_ref(&version)?).await?;
    Ok(Json(detail.summary.build))
}
