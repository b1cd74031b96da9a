//! `/api/v1/environments/{env}/…`: CI and automation deploy, promote, roll back and scale
//! exactly as the pages do. A start answers `202` with the
//! deployment; `409` when a mutation of the environment is in flight; `412` with every failed
//! gate.

use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::views::{DeploymentDetail, PromotionPreview};
use app::domain::Permission;
use app::use_cases::contract::{build_ref, environment_ref};
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// `POST …/deployments`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployRequest {
    /// The version to deploy (first environment of the pipeline only; the rules of
    /// `BuildRegistration.version`, any other text names no build).
    #[schema(
        example = "1.4.2",
        max_length = 64,
        pattern = r"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"
    )]
    pub build: String,
    /// An admin's reason to deploy through a freeze (recorded on the deployment and audited).
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*$",
        example = "hotfix for the checkout outage"
    )]
    pub override_reason: Option<String>,
}

/// `POST …/promote` (the body may be left out).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoteRequest {
    /// An admin's reason to promote through a freeze (recorded on the deployment and audited).
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*$",
        example = "hotfix for the checkout outage"
    )]
    pub override_reason: Option<String>,
    /// Promote a build that expects a lower database schema than the one the environment
    /// runs (without it, the `schema_version` gate refuses, naming both).
    #[serde(default)]
    pub confirm_schema_downgrade: bool,
}

/// `POST …/scale`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleRequest {
    /// Instances wanted: 1–100, at most 1 for an `elastic-ip` environment, and not what
    /// already runs.
    #[schema(example = 2, minimum = 1, maximum = 100)]
    #[serde(deserialize_with = "whole_number")]
    pub desired: i64,
}

/// A JSON number that is whole, however it is written (`2` or `2.0`): JSON Schema's
/// `integer`, which the document promises and client generators may send either way.
fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    if let Some(whole) = number.as_i64() {
        return Ok(whole);
    }
    match number.as_f64() {
        // The bounds keep the cast exact: every whole f64 in them is an i64.
        Some(n) if n.fract() == 0.0 && n >= i64::MIN as f64 && n < i64::MAX as f64 => Ok(n as i64),
        _ => Err(D::Error::custom(format!(
            "invalid value: {number}, expected a whole number"
        ))),
    }
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

/// The `{environment}` path parameter.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct EnvironmentPath {
    /// The environment's name as configured: 1–32 of `a-z`, `0-9` and `-`; any other text
    /// names no environment.
    #[param(example = "staging", pattern = "^[a-z0-9-]{1,32}$")]
    environment: String,
}

/// Deploy a build into the first environment (engineer or admin).
#[utoipa::path(
    post, operation_id = "deploy", path = "/api/v1/environments/{environment}/deployments", tag = "deployments",
    params(EnvironmentPath), request_body = DeployRequest, security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 400, description = "The body is not JSON of this shape (malformed, wrong type, unknown or missing field, no `Content-Type: application/json`), or the path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not deploy, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment or build", body = ErrorBody),
        (status = 409, description = "Another mutation of the environment is in flight", body = ErrorBody),
        (status = 412, description = "Gates failed, listed in `gates` (only the first environment takes deploys; frozen; alarms firing)", body = ErrorBody),
        (status = 422, description = "`build` is blank, or `override_reason` has control characters or is too long", body = ErrorBody),
    )
)]
pub async fn deploy(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    request: Result<Json<DeployRequest>, JsonRejection>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = extract::path(environment, "environment")?;
    let request = extract::body(request)?;
    started(
        core.deploy(
            &actor,
            &identity.address,
            &environment_ref(&environment)?,
            &deploy_target(&request.build)?,
            request.override_reason.as_deref(),
        )
        .await?,
    )
}

/// Promote the build the previous environment runs (engineer or admin).
#[utoipa::path(
    post, operation_id = "promote", path = "/api/v1/environments/{environment}/promote", tag = "deployments",
    params(EnvironmentPath), request_body(content = Option<PromoteRequest>, description = "Optional: an admin's freeze override, a schema downgrade confirmed"), security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 400, description = "The body is not JSON of this shape, or the path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not deploy, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "Another mutation of the environment is in flight", body = ErrorBody),
        (status = 412, description = "Gates failed, listed in `gates`", body = ErrorBody),
        (status = 422, description = "`override_reason` has control characters or is too long", body = ErrorBody),
    )
)]
pub async fn promote(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = extract::path(environment, "environment")?;
    let request: PromoteRequest = extract::optional_body(&headers, &body)?.unwrap_or_default();
    started(
        core.promote(
            &actor,
            &identity.address,
            &environment_ref(&environment)?,
            request.override_reason.as_deref(),
            request.confirm_schema_downgrade,
        )
        .await?,
    )
}

/// What a promotion would change and its gates (any signed-in role).
#[utoipa::path(
    get, operation_id = "preview_promotion", path = "/api/v1/environments/{environment}/promotion", tag = "deployments",
    params(EnvironmentPath), security(("bearer" = [])),
    responses(
        (status = 200, description = "What a promotion would change, and every gate", body = PromotionPreview),
        (status = 400, description = "The path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 412, description = "The first environment takes deploys, not promotions (the gate is in `gates`)", body = ErrorBody),
    )
)]
pub async fn promotion(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
) -> Result<Json<PromotionPreview>, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Read)?.clone();
    let environment = extract::path(environment, "environment")?;
    Ok(Json(
        core.promotion_preview(&actor, &environment_ref(&environment)?)
            .await?,
    ))
}

/// `POST …/rollback` (the body is optional).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackRequest {
    /// An earlier release of this environment to go back to; without it, the release below
    /// the running one.
    #[schema(example = "1.4.1", max_length = 64)]
    pub to: Option<String>,
    /// Go back to a release that expects a lower database schema than the one running
    /// (without it, `412` with the `schema_version` gate naming both).
    #[serde(default)]
    pub confirm_schema_downgrade: bool,
}

/// Roll back: a traffic switch while the old fleet is warm, else a deploy of the release
/// below the running one, or of `to` (engineer or admin).
#[utoipa::path(
    post, operation_id = "roll_back", path = "/api/v1/environments/{environment}/rollback", tag = "deployments",
    params(EnvironmentPath), request_body(content = Option<RollbackRequest>, description = "Optional: the release to go back to"),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 400, description = "The path is not valid UTF-8, or the body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not deploy, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "Another mutation in flight, or nothing to roll back to", body = ErrorBody),
        (status = 412, description = "The release expects a lower database schema than the one running and `confirm_schema_downgrade` is not set (the `schema_version` gate names both)", body = ErrorBody),
        (status = 422, description = "`to` is not a version, never ran in this environment, or runs now", body = ErrorBody),
    )
)]
pub async fn rollback(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = extract::path(environment, "environment")?;
    let request: Option<RollbackRequest> = extract::optional_body(&headers, &body)?;
    let confirm = request.as_ref().is_some_and(|r| r.confirm_schema_downgrade);
    let to = match request.and_then(|r| r.to) {
        Some(text) => Some(app::domain::Version::parse(text.trim()).map_err(|e| {
            let mut fields = app::domain::FieldErrors::new();
            fields.add("to", e);
            ApiError::invalid(fields)
        })?),
        None => None,
    };
    started(
        core.rollback(
            &actor,
            &identity.address,
            &environment_ref(&environment)?,
            to.as_ref(),
            confirm,
        )
        .await?,
    )
}

/// Set the number of instances (engineer or admin).
#[utoipa::path(
    post, operation_id = "scale", path = "/api/v1/environments/{environment}/scale", tag = "deployments",
    params(EnvironmentPath), request_body = ScaleRequest, security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; the engine runs it", body = DeploymentDetail),
        (status = 400, description = "The body is not JSON of this shape (malformed, wrong type, unknown or missing field, no `Content-Type: application/json`), or the path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not deploy, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "Another mutation in flight, or the environment runs no fleet", body = ErrorBody),
        (status = 422, description = "`desired` is above the environment's limit (1 for `elastic-ip`) or what already runs", body = ErrorBody),
    )
)]
pub async fn scale(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    request: Result<Json<ScaleRequest>, JsonRejection>,
) -> Started {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = extract::path(environment, "environment")?;
    let request = extract::body(request)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desired_is_any_whole_json_number_and_nothing_else() {
        let desired = |json: &str| {
            serde_json::from_str::<ScaleRequest>(&format!("{{\"desired\": {json}}}"))
                .map(|r| r.desired)
        };
        assert_eq!(desired("3").ok(), Some(3));
        assert_eq!(desired("3.0").ok(), Some(3));
        assert_eq!(desired("-2e0").ok(), Some(-2));
        for refused in ["2.5", "1e300", "18446744073709551615", "\"2\"", "null"] {
            assert!(desired(refused).is_err(), "{refused}");
        }
    }
}
