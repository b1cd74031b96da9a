//! Fault injection for demos and browser tests when the cloud is the sandbox (404 on AWS):
//! `POST /api/v1/sandbox/instances/{instance}/health` and `PUT /api/v1/sandbox/faults`.

use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::cloud::sandbox::SandboxCloud;
use crate::core::Core;
use crate::service::sandbox_faults;
use app::domain::Permission;
use app::use_cases::Identity;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use std::sync::Arc;

/// The instance in the path.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct InstancePath {
    /// A sandbox instance id.
    #[param(example = "i-00000000000000001", pattern = "^i-[0-9a-f]{1,17}$")]
    instance: String,
}

/// Whether the instance passes its health checks from now on.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceHealthRequest {
    /// `false`: it fails them, as a crashed application would; `true`: it passes again.
    pub healthy: bool,
}

/// Makes a sandbox instance fail or pass its health checks (admin; sandbox only).
#[utoipa::path(
    post, operation_id = "set_sandbox_instance_health", path = "/api/v1/sandbox/instances/{instance}/health", tag = "sandbox",
    params(InstancePath), request_body = InstanceHealthRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Done; the next look at the fleet shows it"),
        (status = 400, description = "The path is not valid UTF-8, or the body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "Not an admin, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such instance, or the cloud is AWS", body = ErrorBody),
    )
)]
pub async fn set_instance_health(
    State(core): State<Core>,
    State(sandbox): State<Option<Arc<SandboxCloud>>>,
    identity_ext: Option<Extension<Identity>>,
    instance: Result<Path<String>, PathRejection>,
    body: Result<Json<InstanceHealthRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Administer)?.clone();
    let instance = extract::path(instance, "instance")?;
    let body = extract::body(body)?;
    sandbox_faults::set_instance_health(
        &core,
        sandbox.as_deref(),
        &actor,
        &identity.address,
        &instance,
        body.healthy,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Shares of the sandbox's calls to answer with throttling and with a 5xx.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRatesRequest {
    /// 0 to 1.
    #[schema(minimum = 0.0, maximum = 1.0, example = 0.0)]
    pub throttle_rate: f64,
    /// 0 to 1; 1 makes the cloud stop answering.
    #[schema(minimum = 0.0, maximum = 1.0, example = 1.0)]
    pub error_rate: f64,
}

/// Makes a share of the sandbox's answers throttled or failing (admin; sandbox only).
#[utoipa::path(
    put, operation_id = "set_sandbox_error_rates", path = "/api/v1/sandbox/faults", tag = "sandbox",
    request_body = ErrorRatesRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Done; calls from now on see these rates"),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "Not an admin, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "The cloud is AWS", body = ErrorBody),
        (status = 422, description = "A rate is outside 0 to 1 (named in `fields`)", body = ErrorBody),
    )
)]
pub async fn set_error_rates(
    State(core): State<Core>,
    State(sandbox): State<Option<Arc<SandboxCloud>>>,
    identity_ext: Option<Extension<Identity>>,
    body: Result<Json<ErrorRatesRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Administer)?.clone();
    let body = extract::body(body)?;
    sandbox_faults::set_error_rates(
        &core,
        sandbox.as_deref(),
        &actor,
        &identity.address,
        body.throttle_rate,
        body.error_rate,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
