//! `/api/v1/builds/{version}/signoffs`: QA records a verdict on the build an environment runs.

use super::api_builds::VersionPath;
use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::signoff::{SignOff, Verdict};
use app::domain::signoff_request::SignOffForm;
use app::domain::views::LedgerEntry;
use app::domain::Permission;
use app::use_cases::contract::build_ref;
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;

/// A sign-off request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffRequest {
    /// The environment the build was tested in, as configured (it must be running the build).
    #[schema(example = "staging", pattern = "^[a-z0-9-]{1,32}$")]
    pub environment: String,
    /// QA's verdict.
    #[schema(value_type = Verdict)]
    pub verdict: String,
    /// What was tested, what was found (at most 2000 characters, no NUL).
    #[serde(default)]
    #[schema(
        max_length = 2000,
        pattern = r"^[^\u0000]*$",
        example = "Checkout and login on Chrome and Safari"
    )]
    pub notes: String,
}

/// Record a QA sign-off (qa, engineer or admin).
#[utoipa::path(
    post, operation_id = "record_signoff", path = "/api/v1/builds/{version}/signoffs", tag = "sign-offs",
    params(VersionPath),
    request_body = SignOffRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = SignOff),
        (status = 400, description = "The body is not JSON of this shape (malformed, wrong type, unknown or missing field, no `Content-Type: application/json`), or the path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not sign off, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such build", body = ErrorBody),
        (status = 409, description = "The environment does not run this build", body = ErrorBody),
        (status = 422, description = "Invalid fields, named in `fields` (an environment that is not configured, a verdict other than `approved` or `rejected`, notes too long)", body = ErrorBody),
    )
)]
pub async fn record(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    version: Result<Path<String>, PathRejection>,
    body: Result<Json<SignOffRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<SignOff>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::SignOff)?.clone();
    let version = extract::path(version, "version")?;
    let request = extract::body(body)?;
    let form = SignOffForm {
        environment: request.environment,
        verdict: request.verdict,
        notes: request.notes,
    };
    let signoff = core
        .sign_off(&actor, &identity.address, &build_ref(&version)?, form)
        .await?;
    Ok((StatusCode::CREATED, Json(signoff)))
}

/// Every sign-off of a build, all environments, newest first — rejected, superseded and
/// no-longer-counting ones included, each with why — and the deployments that relied on each
/// (any signed-in role).
#[utoipa::path(
    get, operation_id = "list_signoffs", path = "/api/v1/builds/{version}/signoffs", tag = "sign-offs",
    params(VersionPath), security(("bearer" = [])),
    responses(
        (status = 200, description = "The build's approval ledger, newest first", body = Vec<LedgerEntry>),
        (status = 400, description = "The path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No such build", body = ErrorBody),
    )
)]
pub async fn list(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    version: Result<Path<String>, PathRejection>,
) -> Result<Json<Vec<LedgerEntry>>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let version = extract::path(version, "version")?;
    Ok(Json(core.signoff_ledger(&build_ref(&version)?).await?))
}
