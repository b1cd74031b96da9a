//! `/api/v1/builds/{version}/signoffs`: QA records a verdict on the build an environment runs.

use super::error::{ApiError, ErrorBody};
use super::identity;
use crate::core::Core;
use app::domain::signoff::SignOff;
use app::domain::signoff_request::SignOffForm;
use app::domain::Permission;
use app::use_cases::contract::build_ref;
use app::use_cases::{Identity, UseCases};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;

/// A sign-off request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffRequest {
    /// The environment the build was tested in (it must be running it).
    pub environment: String,
    /// `approved` or `rejected`.
    pub verdict: String,
    /// What was tested, what was found (at most 2000 characters).
    #[serde(default)]
    pub notes: String,
}

/// Record a QA sign-off (qa, engineer or admin).
#[utoipa::path(
    post, path = "/api/v1/builds/{version}/signoffs", tag = "sign-offs",
    params(("version" = String, Path, description = "Build version")),
    request_body = SignOffRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = SignOff),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such build", body = ErrorBody),
        (status = 409, description = "The environment does not run this build", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn record(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(version): Path<String>,
    body: Result<Json<SignOffRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<SignOff>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::SignOff)?.clone();
    let Json(request) = body.map_err(|e| ApiError::bad_request("body", e.body_text()))?;
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
