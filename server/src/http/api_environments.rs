//! `/api/v1/environments/{env}/…` and `/api/v1/deployments/{id}`: CI and automation deploy,
//! promote, roll back and scale exactly as the pages do. A start answers `202` with the
//! deployment; `409` when a mutation of the environment is in flight; `412` with every failed
//! gate.

use super::error::{ApiError, ErrorBody};
use super::identity;
use crate::service::deployments;
use crate::state::AppState;
use app::api::backend::Identity;
use app::domain::release::{DeploymentDetail, PromotionPreview};
use app::domain::Permission;
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
    State(state): State<AppState>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
    request: Result<Json<DeployRequest>, JsonRejection>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let request = body(request)?;
    started(
        deployments::deploy(
            &state,
            &actor,
            &identity.address,
            &environment,
            &request.build,
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
    State(state): State<AppState>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    started(deployments::promote(&state, &actor, &identity.address, &environment).await?)
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
    State(state): State<AppState>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
) -> Result<Json<PromotionPreview>, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Read)?.clone();
    Ok(Json(
        deployments::promotion_preview(&state, &actor, &environment).await?,
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
    State(state): State<AppState>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    started(deployments::rollback(&state, &actor, &identity.address, &environment).await?)
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
    State(state): State<AppState>,
    identity_ext: Option<Extension<Identity>>,
    Path(environment): Path<String>,
    request: Result<Json<ScaleRequest>, JsonRejection>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let request = body(request)?;
    started(
        deployments::scale(
            &state,
            &actor,
            &identity.address,
            &environment,
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
    State(state): State<AppState>,
    identity_ext: Option<Extension<Identity>>,
    Path(id): Path<i64>,
) -> Result<Json<DeploymentDetail>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    Ok(Json(deployments::detail(&state, id).await?))
}
