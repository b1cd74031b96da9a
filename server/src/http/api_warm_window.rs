//! `POST /api/v1/environments/{env}/warm-window`: keep the old fleet of the current release
//! warm longer (engineer or admin), so that a rollback stays an instant traffic switch.

use super::api_environments::EnvironmentPath;
use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::views::DeploymentDetail;
use app::domain::{Duration, FieldErrors, Permission};
use app::use_cases::contract::environment_ref;
use app::use_cases::{Identity, UseCaseError, UseCases};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::Deserialize;

/// `POST …/warm-window`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendWarmRequest {
    /// How much longer: a whole number and `s`, `m`, `h` or `d` (`30m`, `2h`), within the
    /// environment's `warm_extension_limit` for the release in all.
    #[schema(example = "30m", pattern = r"^0{0,8}[1-9][0-9]{0,8}(s|m|h|d)$")]
    pub extend_by: String,
}

/// Extend the warm window of the environment's current release (engineer or admin; audited).
#[utoipa::path(
    post, operation_id = "extend_warm_window", path = "/api/v1/environments/{environment}/warm-window", tag = "deployments",
    params(EnvironmentPath), request_body = ExtendWarmRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "Extended; the release with its new `warm_until`", body = DeploymentDetail),
        (status = 400, description = "The body is not JSON of this shape, or the path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 409, description = "No old fleet is kept warm in the environment now, or `extend_by` is more than the release has left of `warm_extension_limit` (named)", body = ErrorBody),
        (status = 422, description = "`extend_by` is not a duration or is zero", body = ErrorBody),
    )
)]
pub async fn extend(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    request: Result<Json<ExtendWarmRequest>, JsonRejection>,
) -> Result<Json<DeploymentDetail>, ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Deploy)?.clone();
    let environment = environment_ref(&extract::path(environment, "environment")?)?;
    let request = extract::body(request)?;
    let by = Duration::parse(&request.extend_by).map_err(|reason| {
        let mut fields = FieldErrors::new();
        fields.add("extend_by", reason);
        ApiError::from(UseCaseError::Invalid(fields))
    })?;
    let detail = core
        .extend_warm_window(&actor, &identity.address, &environment, by)
        .await?;
    Ok(Json(detail))
}
