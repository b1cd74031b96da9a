//! `/api/v1/environments/{env}/freeze` and `/lock`: change control at run time. An engineer
//! or admin freezes an environment with a reason (`DELETE` lifts it) and takes its lock for
//! themselves (`DELETE` releases it; an admin breaks another's with `?break=true`).

use super::api_environments::EnvironmentPath;
use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::change_control::{Freeze, Lock};
use app::domain::Permission;
use app::use_cases::contract::environment_ref;
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;

/// A freeze or a lock: why.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why (1–500 characters, no control characters but newlines).
    #[schema(
        example = "incident 42: checkout errors",
        max_length = 500,
        pattern = r"^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff][^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*$"
    )]
    pub reason: String,
}

/// `DELETE …/lock?break=true`: an admin breaks someone else's lock.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleaseQuery {
    /// Break another person's lock (admins; audited as a break).
    #[serde(default, rename = "break")]
    #[param(rename = "break")]
    pub break_it: bool,
}

/// Freeze an environment: deploys and promotions into it are refused (engineer or admin).
#[utoipa::path(
    post, operation_id = "freeze_environment", path = "/api/v1/environments/{environment}/freeze", tag = "change control",
    params(EnvironmentPath), request_body = ReasonRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Frozen", body = Freeze),
        (status = 400, description = "The body is not JSON of this shape, or the path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not freeze, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "Frozen already (the freeze is named)", body = ErrorBody),
        (status = 422, description = "`reason` is blank or too long", body = ErrorBody),
    )
)]
pub async fn freeze(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    request: Result<Json<ReasonRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Freeze>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = environment_ref(&extract::path(environment, "environment")?)?;
    let request = extract::body(request)?;
    let freeze = core
        .freeze_environment(&actor, &identity.address, &environment, &request.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(freeze)))
}

/// Lift a person's freeze (engineer or admin); a freeze in the config stays.
#[utoipa::path(
    delete, operation_id = "lift_freeze", path = "/api/v1/environments/{environment}/freeze", tag = "change control",
    params(EnvironmentPath), security(("bearer" = [])),
    responses(
        (status = 204, description = "Lifted"),
        (status = 400, description = "The path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not lift it, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "Not frozen, or frozen by the configuration", body = ErrorBody),
    )
)]
pub async fn lift(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = environment_ref(&extract::path(environment, "environment")?)?;
    core.lift_freeze(&actor, &identity.address, &environment)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take an environment's lock: only you change it until you release it (engineer or admin).
#[utoipa::path(
    post, operation_id = "lock_environment", path = "/api/v1/environments/{environment}/lock", tag = "change control",
    params(EnvironmentPath), request_body = ReasonRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Locked (or your lock renewed)", body = Lock),
        (status = 400, description = "The body is not JSON of this shape, or the path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not lock, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "Someone else holds the lock (named)", body = ErrorBody),
        (status = 422, description = "`reason` is blank or too long", body = ErrorBody),
    )
)]
pub async fn lock(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    request: Result<Json<ReasonRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Lock>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = environment_ref(&extract::path(environment, "environment")?)?;
    let request = extract::body(request)?;
    let lock = core
        .take_lock(&actor, &identity.address, &environment, &request.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(lock)))
}

/// Release your lock, or break another's (`?break=true`, admins).
#[utoipa::path(
    delete, operation_id = "unlock_environment", path = "/api/v1/environments/{environment}/lock", tag = "change control",
    params(EnvironmentPath, ReleaseQuery), security(("bearer" = [])),
    responses(
        (status = 204, description = "Released"),
        (status = 400, description = "The path or query cannot be read", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "Someone else's lock without `break=true`, a break by a non-admin, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "Not locked", body = ErrorBody),
    )
)]
pub async fn unlock(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    query: Result<Query<ReleaseQuery>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = environment_ref(&extract::path(environment, "environment")?)?;
    let query = extract::query(query)?;
    core.release_lock(&actor, &identity.address, &environment, query.break_it)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
