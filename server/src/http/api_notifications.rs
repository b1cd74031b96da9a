//! `/api/v1/notifications`: for admins, the channels and recent deliveries with their status,
//! and a test message to one channel (queued, then delivered by the worker like any event).

use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::views::{DeliveryLog, DeliveryView};
use app::domain::Permission;
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::collections::HashMap;

/// How many deliveries.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct DeliveriesQuery {
    /// How many of the latest deliveries, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
}

/// A channel named in the path.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct ChannelPath {
    /// The channel's name as configured.
    #[param(example = "release-channel")]
    channel: String,
}

/// The configured channels (names and kinds; never URLs or keys) and the latest deliveries,
/// newest first (admin).
#[utoipa::path(
    get, operation_id = "list_deliveries", path = "/api/v1/notifications/deliveries", tag = "notifications",
    params(DeliveriesQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Channels and deliveries", body = DeliveryLog),
        (status = 400, description = "`limit` is not a number from 1 to 500", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The token's user is not an admin", body = ErrorBody),
    )
)]
pub async fn deliveries(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<DeliveryLog>, ApiError> {
    identity(identity_ext).require(Permission::Administer)?;
    let limit = extract::page_limit(&extract::query(query)?)?;
    Ok(Json(core.delivery_log(limit).await?))
}

/// Queue a test message to a channel; its delivery shows in the log (admin; audited).
#[utoipa::path(
    post, operation_id = "send_test_message", path = "/api/v1/notifications/channels/{channel}/test", tag = "notifications",
    params(ChannelPath), security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued; the delivery as it stands", body = DeliveryView),
        (status = 400, description = "The path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The token's user is not an admin, or a browser sent it from another origin", body = ErrorBody),
        (status = 404, description = "No channel has this name", body = ErrorBody),
    )
)]
pub async fn send_test(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    channel: Result<Path<String>, PathRejection>,
) -> Result<(StatusCode, Json<DeliveryView>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::Administer)?.clone();
    let channel = extract::path(channel, "channel")?;
    let delivery = core
        .send_test_message(&actor, &identity.address, &channel)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}
