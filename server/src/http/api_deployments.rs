//! `/api/v1/deployments`: the release history as JSON pages, and whole exports as CSV or JSON.

use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::history::HistoryCursor;
use app::domain::{DeploymentRecord, HistoryFilter, Outcome, Permission};
use app::use_cases::{Identity, UseCases};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, Object, ObjectBuilder, Ref, Schema, SchemaFormat, Type,
};
use utoipa::ToSchema;

/// A page of history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeploymentList {
    /// Newest first.
    pub items: Vec<DeploymentRecord>,
    /// Rows matching the filter, counted up to 10,000.
    pub total: i64,
    /// True when more than `total` rows match.
    pub total_capped: bool,
    /// Pass as `cursor` for the next (older) page.
    pub next_cursor: Option<String>,
}

/// Release-history filters, in the query string, all optional. An empty value (or one of
/// only spaces) means "any", as the history page's form sends them.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct HistoryFilterQuery {
    /// Environment name (one that does not exist matches nothing; no NUL).
    #[param(example = "prod", pattern = r"^[^\u0000]*$")]
    environment: Option<String>,
    /// Build version (the rules of `BuildRegistration.version`, at most 64 characters once
    /// trimmed).
    #[param(
        example = "1.4.2",
        pattern = r"^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(?=[^\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{0,64}[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$)((0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    build: Option<String>,
    /// User who started the deployment (no NUL).
    #[param(example = "ana", pattern = r"^[^\u0000]*$")]
    user: Option<String>,
    // A schema made by hand carries the description (utoipa drops the doc comment then).
    #[param(schema_with = outcome_or_blank)]
    outcome: Option<String>,
    #[param(schema_with = first_day)]
    from: Option<String>,
    #[param(schema_with = last_day)]
    to: Option<String>,
}

/// Spaces only, or nothing: the history form's "any" (Rust's whitespace, which the server
/// trims away).
const BLANK: &str = r"^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";

fn blank() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(BLANK))
        .build()
}

/// How the deployment ended: an [`Outcome`], or blank for any.
fn outcome_or_blank() -> Schema {
    AnyOfBuilder::new()
        .description(Some("How the deployment ended (blank: any)."))
        .item(Ref::from_schema_name(Outcome::name()))
        .item(blank())
        .build()
        .into()
}

/// `from`: a calendar date, or blank for any.
pub(super) fn first_day() -> Schema {
    date_or_blank("First day, `YYYY-MM-DD` (UTC); blank: any.", "2026-01-01")
}

/// `to`: a calendar date, or blank for any.
pub(super) fn last_day() -> Schema {
    date_or_blank(
        "Last day, `YYYY-MM-DD` (UTC), inclusive, not before `from`; blank: any.",
        "2026-01-31",
    )
}

fn date_or_blank(description: &str, example: &str) -> Schema {
    let date = ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .examples([example]);
    AnyOfBuilder::new()
        .description(Some(description))
        .item(date)
        .item(blank())
        .build()
        .into()
}

/// Paging parameters of the history list, in the query string, both optional.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct HistoryPageQuery {
    /// From a previous page's `next_cursor` (empty: the first page).
    #[param(
        example = "1767225600000.42",
        pattern = r"^([+-]?[0-9]{1,18}\.[+-]?[0-9]{1,18})?$"
    )]
    cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
}

/// The export's format, in the query string, optional.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ExportQuery {
    /// `csv` (the default) or `json`.
    #[param(value_type = Option<ExportFormat>)]
    format: Option<String>,
}

/// What the export is written as.
#[derive(Debug, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ExportFormat {
    /// `text/csv`, one row per deployment (RFC 4180).
    Csv,
    /// `application/json`, an array of deployments.
    Json,
}

fn parse(
    query: &HashMap<String, String>,
) -> Result<(HistoryFilter, Option<HistoryCursor>), ApiError> {
    let filter = HistoryFilter::parse(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::invalid)?;
    let cursor = match query.get("cursor").filter(|c| !c.is_empty()) {
        Some(text) => {
            Some(HistoryCursor::decode(text).map_err(|e| ApiError::bad_request("cursor", e))?)
        }
        None => None,
    };
    Ok((filter, cursor))
}

/// Release history, newest first, filtered and paged.
#[utoipa::path(
    get, operation_id = "list_deployments", path = "/api/v1/deployments", tag = "history",
    params(HistoryFilterQuery, HistoryPageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of history", body = DeploymentList),
        (status = 400, description = "`cursor` is not one this API handed out, or `limit` is not a number from 1 to 500", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 422, description = "A filter is invalid (named in `fields`), or `to` is before `from`", body = ErrorBody),
    )
)]
pub async fn list(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<DeploymentList>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let query = extract::query(query)?;
    let (filter, cursor) = parse(&query)?;
    let limit = extract::page_limit(&query)?;
    let page = core.history(filter, cursor, limit).await?;
    Ok(Json(DeploymentList {
        items: page.items,
        total: page.total,
        total_capped: page.total_capped,
        next_cursor: page.next_cursor,
    }))
}

/// Every matching deployment as a download, `format=csv` (default) or `format=json`.
#[utoipa::path(
    get, operation_id = "export_deployments", path = "/api/v1/deployments/export", tag = "history",
    params(HistoryFilterQuery, ExportQuery),
    security(("bearer" = [])),
    responses(
        (
            status = 200,
            description = "Every matching deployment, newest first, as an attachment: CSV with a header row (`format=csv`) or a JSON array (`format=json`)",
            content(
                (String = "text/csv", example = "id,environment,build,revision,kind,outcome,started_by,started_at,finished_at,notes,demo,approved_by,approved_at,approval_notes,freeze_override\r\n"),
                (Vec<DeploymentRecord> = "application/json"),
            ),
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"greenlight-history.csv\"` (or `.json`)")),
        ),
        (status = 400, description = "`format` is neither `csv` nor `json`", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 422, description = "A filter is invalid (named in `fields`), or `to` is before `from`", body = ErrorBody),
    )
)]
pub async fn export(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let query = extract::query(query)?;
    let (filter, _) = parse(&query)?;
    let format = query.get("format").map(String::as_str).unwrap_or("csv");
    if format != "csv" && format != "json" {
        return Err(ApiError::bad_request("format", "must be csv or json"));
    }
    // The first page is read before answering, so a failing export answers an error status.
    let first = core.export_page(&filter, None).await?;
    let json = format == "json";
    let body = super::export_stream::stream(core, filter, first, json);
    Ok(if json {
        download("application/json", "greenlight-history.json", body)
    } else {
        download("text/csv; charset=utf-8", "greenlight-history.csv", body)
    })
}

fn download(content_type: &'static str, name: &str, body: axum::body::Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
