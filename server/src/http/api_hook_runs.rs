//! `POST /api/v1/hook-runs/{id}/result`: where an HTTP hook's receiver reports the result of
//! the run it was called for, with the run's one-time token in `X-Greenlight-Hook-Token`
//! (no user, no API token: the token proves the caller is the one called).

use super::error::{ApiError, ErrorBody};
use super::extract;
use crate::core::Core;
use crate::hooks::Reported;
use app::domain::hooks::{HookReport, HookStatus};
use app::domain::FieldErrors;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

/// The header carrying a run's one-time token.
pub const TOKEN_HEADER: &str = "x-greenlight-hook-token";

/// What a receiver reports.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HookResultRequest {
    /// `passed` or `failed`.
    #[schema(example = "passed", pattern = "^(passed|failed)$")]
    pub status: String,
    /// A short line for the timeline (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub summary: Option<String>,
    /// Where the full report is (an `http`/`https` URL).
    #[serde(default)]
    #[schema(example = "https://ci.example.com/runs/42", pattern = "^https?://")]
    pub link: Option<String>,
}

/// The result as recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HookResultAnswer {
    /// The run.
    pub run_id: i64,
    /// What was recorded.
    pub status: HookStatus,
}

/// A hook run's id in the path.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HookRunPath {
    /// The run's id, from the call's `callback.url`.
    pub id: i64,
}

/// Report a hook run's result (the receiver of an HTTP hook, with the run's one-time token).
#[utoipa::path(
    post, operation_id = "report_hook_result", path = "/api/v1/hook-runs/{id}/result", tag = "deployments",
    params(HookRunPath), request_body = HookResultRequest, security(("hook_token" = [])),
    responses(
        (status = 200, description = "Recorded; the deployment moves on", body = HookResultAnswer),
        (status = 400, description = "The body is not JSON of this shape, or the path is not a number", body = ErrorBody),
        (status = 401, description = "No token, or not this run's", body = ErrorBody),
        (status = 403, description = "A browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No such run", body = ErrorBody),
        (status = 409, description = "The run has its result already (the token is spent)", body = ErrorBody),
        (status = 422, description = "A field is refused (named)", body = ErrorBody),
    )
)]
pub async fn report(
    State(core): State<Core>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    request: Result<Json<HookResultRequest>, JsonRejection>,
) -> Result<Json<HookResultAnswer>, ApiError> {
    let id: i64 = extract::path(id, "id")?
        .parse()
        .map_err(|_| ApiError::bad_request("id", "must be a run's number"))?;
    let token = headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthenticated("send the run's token in X-Greenlight-Hook-Token".into())
        })?
        .to_owned();
    // The token first: a caller without it learns nothing of the rules for the body.
    let refused = crate::hooks::refusal(&core.db, id, &token)
        .await
        .map_err(ApiError::internal)?;
    if let Some(refused) = refused {
        return Err(refusal(id, refused));
    }
    let request = extract::body(request)?;
    let report = HookReport::parse(
        &request.status,
        request.summary.as_deref(),
        request.link.as_deref(),
    )
    .map_err(|(field, reason)| {
        let mut fields = FieldErrors::new();
        fields.add(field, reason);
        ApiError::invalid(fields)
    })?;
    let reported = crate::hooks::report(&core.db, id, &token, &report, core.now())
        .await
        .map_err(ApiError::internal)?;
    match reported {
        Reported::Recorded(status) => Ok(Json(HookResultAnswer { run_id: id, status })),
        refused => Err(refusal(id, refused)),
    }
}

/// The answer to a report that was not recorded.
fn refusal(id: i64, refused: Reported) -> ApiError {
    match refused {
        Reported::NotFound => ApiError::NotFound(format!("no hook run {id}")),
        Reported::Ended | Reported::Recorded(_) => {
            ApiError::Conflict("this run has its result already; its token is spent".into())
        }
        Reported::WrongToken => ApiError::Unauthenticated("the token is not this run's".into()),
    }
}
