//! Live fleet health over the API: `GET /api/v1/environments` (every environment at a glance,
//! what CI scripts and chat bots ask), `GET /api/v1/environments/{environment}/fleet` (its
//! fleets as last read), `…/metrics` (its charts) and `GET /api/v1/events` (the server-sent-events stream the pages
//! update from). All read the poller's shared snapshot: none of them calls AWS.

use super::api_environments::EnvironmentPath;
use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::fleet_table::InstanceFilter;
use app::domain::live_event::LiveEvent;
use app::domain::metric_series::ChartRange;
use app::domain::views::{ChartsReport, EnvironmentStatus, FleetReport};
use app::domain::{FieldErrors, Permission};
use app::use_cases::contract::environment_ref;
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::{Extension, Json};
use futures::stream::{self, Stream, StreamExt};
use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;

/// Every environment in pipeline order: the build it runs, live health, QA's sign-off state,
/// whether it is frozen and its warm window (any signed-in role).
#[utoipa::path(
    get, operation_id = "list_environments", path = "/api/v1/environments", tag = "environments",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every environment, pipeline order", body = Vec<EnvironmentStatus>),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
    )
)]
pub async fn environments(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
) -> Result<Json<Vec<EnvironmentStatus>>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    Ok(Json(core.environment_statuses().await?))
}

/// Which instances, and which page of them.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FleetQuery {
    /// `all` (default) or `not_healthy`.
    #[param(example = "not_healthy", pattern = "^(all|not_healthy)?$")]
    show: Option<String>,
    /// Page of each fleet's instance table, from 1 (default 1; past the end: the last); a
    /// whole number up to 100,000, nothing else.
    #[param(minimum = 1, maximum = 100000, example = 1)]
    page: Option<u32>,
}

/// An environment's fleets as last read (serving, incoming, previous), each with a page of
/// 50 instances, and its alarms (any signed-in role).
#[utoipa::path(
    get, operation_id = "show_fleet", path = "/api/v1/environments/{environment}/fleet", tag = "environments",
    params(EnvironmentPath, FleetQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The fleets and alarms as last read", body = FleetReport),
        (status = 400, description = "The path is not valid UTF-8, or `page` is not a number", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 422, description = "`show` is neither `all` nor `not_healthy`, or `page` is outside 1–100,000", body = ErrorBody),
    )
)]
pub async fn fleet(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<FleetReport>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let environment = extract::path(environment, "environment")?;
    let query = extract::query(query)?;
    let (filter, page) = fleet_query(&query)?;
    Ok(Json(
        core.fleet(&environment_ref(&environment)?, filter, page)
            .await?,
    ))
}

/// More pages than a fleet of 100 instances per fleet could ever have; a bound the document
/// states, so that a generated client refuses what the server would.
const MAX_PAGE: u32 = 100_000;

fn fleet_query(query: &HashMap<String, String>) -> Result<(InstanceFilter, usize), ApiError> {
    let show = query.get("show").map(String::as_str).unwrap_or("all");
    let filter = match show {
        "" => InstanceFilter::All,
        other => InstanceFilter::parse(other)
            .ok_or_else(|| invalid("show", "must be `all` or `not_healthy`"))?,
    };
    let page = match query
        .get("page")
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        None => 1,
        Some(text) => {
            let page = text
                .parse::<u32>()
                .map_err(|_| ApiError::bad_request("page", "must be a whole number"))?;
            if !(1..=MAX_PAGE).contains(&page) {
                return Err(invalid("page", "pages count from 1 to 100,000"));
            }
            page as usize
        }
    };
    Ok((filter, page))
}

fn invalid(field: &str, reason: &str) -> ApiError {
    let mut fields = FieldErrors::new();
    fields.add(field, reason);
    ApiError::invalid(fields)
}

/// Which range of charts.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct MetricsQuery {
    /// `1h` (default), `6h` or `24h`.
    #[param(example = "6h", pattern = "^(1h|6h|24h)$")]
    range: Option<String>,
}

/// An environment's charts over a range as last read from CloudWatch: request and 5xx
/// counts, target response time p50 and p99, healthy and unhealthy hosts, CPU per instance
/// (any signed-in role).
#[utoipa::path(
    get, operation_id = "show_metrics", path = "/api/v1/environments/{environment}/metrics", tag = "environments",
    params(EnvironmentPath, MetricsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The charts as last read", body = ChartsReport),
        (status = 400, description = "The path is not valid UTF-8, or the query is malformed", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
        (status = 422, description = "`range` is not `1h`, `6h` or `24h`", body = ErrorBody),
    )
)]
pub async fn metrics(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    environment: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<ChartsReport>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let environment = extract::path(environment, "environment")?;
    let query = extract::query(query)?;
    let range = match query.get("range") {
        None => ChartRange::LastHour,
        Some(text) => ChartRange::parse(text)
            .ok_or_else(|| invalid("range", "must be `1h`, `6h` or `24h`"))?,
    };
    Ok(Json(
        core.charts(&environment_ref(&environment)?, range).await?,
    ))
}

/// Only one environment's events.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct EventsQuery {
    /// An environment's name; without it, every environment's events.
    #[param(example = "prod", pattern = "^[a-z0-9-]{0,32}$")]
    environment: Option<String>,
}

/// The live stream (server-sent events, `text/event-stream`): one JSON `LiveEvent` per
/// `data:` line — each environment's health after every look at the cloud (sent at once for
/// every environment on connecting), deployments taking steps, sign-offs recorded — and a
/// `resync` when the reader fell behind (any signed-in role).
#[utoipa::path(
    get, operation_id = "stream_events", path = "/api/v1/events", tag = "environments",
    params(EventsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "An endless stream of events", content_type = "text/event-stream", body = LiveEvent),
        (status = 400, description = "The query string is malformed", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No such environment", body = ErrorBody),
    )
)]
pub async fn events(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let query = extract::query(query)?;
    let wanted = match query.get("environment").filter(|e| !e.is_empty()) {
        Some(name) => {
            let name = environment_ref(name)?;
            core.environment(&name).ok_or_else(|| {
                ApiError::from(app::use_cases::UseCaseError::NotFound(format!(
                    "environment {name}"
                )))
            })?;
            Some(name.to_string())
        }
        None => None,
    };
    // Subscribe before reading the current state, so nothing falls between the two.
    let crate::live::Subscription { events, guard } = core.live.subscribe();
    let now = core.now();
    let current: Vec<LiveEvent> = core
        .settings
        .environments
        .iter()
        .map(|e| {
            let name = e.name.as_str();
            let (live, snapshot) = core.fleet.live(name, now, core.stale_after_ms());
            LiveEvent::Fleet {
                environment: name.to_owned(),
                live,
                digest: crate::fleet_health::digest(snapshot.as_ref()),
            }
        })
        .filter(|event| event.concerns(wanted.as_deref()))
        .collect();
    let live = BroadcastStream::new(events).map(|received| match received {
        Ok(event) => event,
        Err(BroadcastStreamRecvError::Lagged(_)) => LiveEvent::Resync,
    });
    // The guard lives as long as the stream, so the count of open streams drops when the
    // client goes.
    let events = stream::iter(current)
        .chain(live)
        .filter(move |event| std::future::ready(event.concerns(wanted.as_deref())))
        .map(move |event| {
            let _keep = &guard;
            Ok(Event::default()
                .json_data(&event)
                .unwrap_or_else(|_| Event::default().data("{\"kind\":\"resync\"}")))
        });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
