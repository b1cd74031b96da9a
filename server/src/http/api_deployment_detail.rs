//! `GET /api/v1/deployments/{id}`: one deployment with its live timeline, fleets and warm
//! window, as its page shows it.

use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::views::DeploymentDetail;
use app::domain::Permission;
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::{Extension, Json};

/// The `{id}` path parameter of a deployment.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct DeploymentIdPath {
    /// The deployment's id (`record.id`).
    #[param(example = 42)]
    id: i64,
}

/// One deployment with its live timeline (any signed-in role).
#[utoipa::path(
    get, operation_id = "show_deployment", path = "/api/v1/deployments/{id}", tag = "deployments",
    params(DeploymentIdPath), security(("bearer" = [])),
    responses(
        (status = 200, description = "The deployment", body = DeploymentDetail),
        (status = 400, description = "`id` is not a 64-bit integer", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
    )
)]
pub async fn show(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<DeploymentDetail>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let id = extract::path(id, "id")?;
    Ok(Json(core.deployment(id).await?))
}
