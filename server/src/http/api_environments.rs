//! `/api/v1/environments/{env}/…` and `/api/v1/deployments/{id}`: CI and automation deploy,
//! promote, roll back and scale exactly as the pages do. A start answers `202` with the
//! deployment; `409` when a mutation of the environment is in flight; `412` with every failed
//! gate.

use super::error::{ApiError, ErrorBody};
use super::identity;
use crate::core::Core;
use app::domain::views::{DeploymentDetail, PromotionPreview};
use app::domain::Permission;
use app::use_cases::contract::{build_ref, environment_ref};
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;

/// `POST …/deployments`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployRequest {
    /// The version to deploy (first environment of the pipeline only).
    pub build: String,
}

/// `POST …/scale`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleRequest {
    /// Instances wanted.
    pub desired: i64,
}

type Started = Result<(StatusCode, Json<DeploymentDetail>), ApiError>;

fn started(detail: DeploymentDetail) -> Started {
    Ok((StatusCode::ACCEPTED, Json(detail)))
}

/// The build a deploy names: required, and a version that cannot be one names no build.
fn deploy_target(text: &str) -> Result<app::domain::Version, ApiError> {
    if text.trim().is_empty() {
        let mut fields = app::domain::FieldErrors::new();
        fields.add("build", "required: the version to deploy");
        return Err(ApiError::invalid(fields));
    }
    Ok(build_ref(text)?)
}

fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(t)| t)
        .map_err(|e| ApiError::bad_request("body", e.body_text()))
}

/// Deploy a build into the first environment (engineer or admin).
#[utoipa::path(
    post, path = "/api/v1/environments/{environment}/deployments", tag = "deployments",
    params(("environment" = String, Path)), request_body = DeployRequest, security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Another mutation in flight", body = ErrorBody),
        (status = 412, description = "Gates failed (listed)", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
pub async fn deploy(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
    request: Result<Json<DeployRequest>, JsonRejection>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let request = body(request)?;
    started(
        core.deploy(
            &actor,
            &identity.address,
            &environment_ref(&environment)?,
            &deploy_target(&request.build)?,
        )
        .await?,
    )
}

/// Promote the build the previous environment runs (engineer or admin).
#[utoipa::path(
    post, path = "/api/v1/environments/{environment}/promote", tag = "deployments",
    params(("environment" = String, Path)), security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Another mutation in flight", body = ErrorBody),
        (status = 412, description = "Gates failed (listed)", body = ErrorBody),
    )
)]
pub async fn promote(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    started(
        core.promote(&actor, &identity.address, &environment_ref(&environment)?)
            .await?,
    )
}

/// What a promotion would change and its gates (any signed-in role).
#[utoipa::path(
    get, path = "/api/v1/environments/{environment}/promotion", tag = "deployments",
    params(("environment" = String, Path)), security(("bearer" = [])),
    responses(
        (status = 200, body = PromotionPreview),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 412, description = "The first environment takes deploys, not promotions", body = ErrorBody),
    )
)]
pub async fn promotion(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
) -> Result<Json<PromotionPreview>, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Read)?.clone();
    Ok(Json(
        core.promotion_preview(&actor, &environment_ref(&environment)?)
            .await?,
    ))
}

/// Roll back: a traffic switch while the old fleet is warm, else a deploy of the release
/// before (engineer or admin).
#[utoipa::path(
    post, path = "/api/v1/environments/{environment}/rollback", tag = "deployments",
    params(("environment" = String, Path)), security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Another mutation in flight, or nothing to roll back to", body = ErrorBody),
    )
)]
pub async fn rollback(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    started(
        core.rollback(&actor, &identity.address, &environment_ref(&environment)?)
            .await?,
    )
}

/// Set the number of instances (engineer or admin).
#[utoipa::path(
    post, path = "/api/v1/environments/{environment}/scale", tag = "deployments",
    params(("environment" = String, Path)), request_body = ScaleRequest, security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Another mutation in flight, or no fleet", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
pub async fn scale(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
    request: Result<Json<ScaleRequest>, JsonRejection>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let request = body(request)?;
    started(
        core.scale(
            &actor,
            &identity.address,
            &environment_ref(&environment)?,
            request.desired,
        )
        .await?,
    )
}

/// One deployment with its live timeline (any signed-in role).
#[utoipa::path(
    get, path = "/api/v1/deployments/{id}", tag = "deployments",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DeploymentDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn show(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Path(id): Path<i64>,
) -> Result<Json<DeploymentDetail>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    Ok(Json(core.deployment(id).await?))
}
