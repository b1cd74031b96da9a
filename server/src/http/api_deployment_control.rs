//! `POST /api/v1/deployments/{id}/cutover` and `…/cancel`: switch traffic to a held new fleet
//! (`cutover = "manual"`), or cancel a deployment in flight (engineer or admin; audited).

use super::api_change_control::ReasonRequest;
use super::api_deployment_detail::DeploymentIdPath;
use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::views::DeploymentDetail;
use app::domain::Permission;
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::{Extension, Json};

/// Switch traffic to the deployment's held, healthy new fleet (engineer or admin; audited).
#[utoipa::path(
    post, operation_id = "switch_traffic", path = "/api/v1/deployments/{id}/cutover", tag = "deployments",
    params(DeploymentIdPath), security(("bearer" = [])),
    responses(
        (status = 202, description = "Asked; the engine switches at its next step (the deployment shows who asked)", body = DeploymentDetail),
        (status = 400, description = "`id` is not a 64-bit integer", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
        (status = 409, description = "The deployment is not ready to switch (its phase is named), or was switched or cancelled already", body = ErrorBody),
        (status = 412, description = "Someone else holds the environment's lock", body = ErrorBody),
    )
)]
pub async fn switch(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<(axum::http::StatusCode, Json<DeploymentDetail>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let id = extract::path(id, "id")?;
    let detail = core.switch_traffic(&actor, &identity.address, id).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(detail)))
}

/// Cancel a deployment in flight: before the switch its new fleet is terminated and the old
/// keeps serving; after it, traffic goes back to the old fleet (engineer or admin; audited).
#[utoipa::path(
    post, operation_id = "cancel_deployment", path = "/api/v1/deployments/{id}/cancel", tag = "deployments",
    params(DeploymentIdPath), request_body = ReasonRequest, security(("bearer" = [])),
    responses(
        (status = 202, description = "Asked; the engine stops at its next step (a bake finishes first, so the source instance is back in service)", body = DeploymentDetail),
        (status = 400, description = "`id` is not a 64-bit integer, or the body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
        (status = 409, description = "Nothing to cancel: finished, warm (roll back instead), rolling back, or cancelled already", body = ErrorBody),
        (status = 412, description = "Someone else holds the environment's lock", body = ErrorBody),
        (status = 422, description = "`reason` is blank or too long", body = ErrorBody),
    )
)]
pub async fn cancel(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    id: Result<Path<i64>, PathRejection>,
    request: Result<Json<ReasonRequest>, JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<DeploymentDetail>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let id = extract::path(id, "id")?;
    let request = extract::body(request)?;
    let detail = core
        .cancel_deployment(&actor, &identity.address, id, &request.reason)
        .await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(detail)))
}
