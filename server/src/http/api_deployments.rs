//! `/api/v1/deployments`: the release history as JSON pages, and whole exports as CSV or JSON.

use super::error::{ApiError, ErrorBody};
use super::identity;
use crate::core::Core;
use app::domain::history::HistoryCursor;
use app::domain::{DeploymentRecord, HistoryFilter, Permission};
use app::use_cases::{Identity, UseCases};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use std::collections::HashMap;

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

/// History filter parameters (all optional).
#[derive(Debug, utoipa::IntoParams)]
#[allow(dead_code)]
pub struct HistoryQuery {
    /// Environment name.
    environment: Option<String>,
    /// Build version.
    build: Option<String>,
    /// User who started the deployment.
    user: Option<String>,
    /// `in_progress`, `succeeded`, `failed` or `rolled_back`.
    outcome: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    to: Option<String>,
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    limit: Option<i64>,
    /// Export only: `csv` or `json`.
    format: Option<String>,
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
    get, path = "/api/v1/deployments", tag = "history", params(HistoryQuery),
    security(("bearer" = [])),
    responses((status = 200, body = DeploymentList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn list(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<DeploymentList>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let (filter, cursor) = parse(&query)?;
    let limit = match query.get("limit") {
        Some(text) => text.parse::<i64>().ok().filter(|l| (1..=500).contains(l)),
        None => Some(50),
    }
    .ok_or_else(|| ApiError::bad_request("limit", "must be a number between 1 and 500"))?;
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
    get, path = "/api/v1/deployments/export", tag = "history", params(HistoryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "CSV (text/csv) or JSON array of deployments", body = Vec<DeploymentRecord>),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)
    )
)]
pub async fn export(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let (filter, _) = parse(&query)?;
    let format = query.get("format").map(String::as_str).unwrap_or("csv");
    if format != "csv" && format != "json" {
        return Err(ApiError::bad_request("format", "must be csv or json"));
    }
    let rows = core.export_history(filter).await?;
    if format == "json" {
        let body = serde_json::to_vec(&rows).map_err(ApiError::internal)?;
        return Ok(download(
            "application/json",
            "greenlight-history.json",
            body,
        ));
    }
    Ok(download(
        "text/csv; charset=utf-8",
        "greenlight-history.csv",
        to_csv(&rows).into_bytes(),
    ))
}

fn download(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
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

/// CSV per RFC 4180; cells that a spreadsheet would run as a formula are prefixed with `'`.
pub fn to_csv(rows: &[DeploymentRecord]) -> String {
    fn cell(text: &str) -> String {
        let text = if text.starts_with(['=', '+', '-', '@']) {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
    let mut out = String::from("id,environment,build,revision,kind,outcome,started_by,started_at,finished_at,notes,demo\r\n");
    for r in rows {
        let fields = [
            r.id.to_string(),
            r.environment.clone(),
            r.build_version.clone(),
            r.build_revision.clone(),
            r.kind.as_str().to_owned(),
            r.outcome.as_str().to_owned(),
            r.started_by.clone(),
            r.started_at.to_rfc3339(),
            r.finished_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            r.notes.clone(),
            r.demo.to_string(),
        ];
        out += &fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(",");
        out += "\r\n";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{DeploymentKind, Outcome, Timestamp};

    #[test]
    fn csv_quotes_separators_and_defuses_formulas() {
        let row = DeploymentRecord {
            id: 7,
            environment: "prod".into(),
            build_version: "1.4.2".into(),
            build_revision: "abcdef0".into(),
            kind: DeploymentKind::Promote,
            outcome: Outcome::RolledBack,
            started_by: "=cmd()".into(),
            started_at: Timestamp::from_millis(0),
            finished_at: None,
            notes: "alarm \"5xx\", then rollback".into(),
            demo: false,
        };
        let csv = to_csv(&[row]);
        let line = csv.lines().nth(1).expect("row");
        assert_eq!(
            line,
            "7,prod,1.4.2,abcdef0,promote,rolled_back,'=cmd(),1970-01-01T00:00:00.000Z,,\"alarm \"\"5xx\"\", then rollback\",false"
        );
    }
}
