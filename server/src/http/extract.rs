//! Extractor rejections as API errors: a path, query string or JSON body that axum cannot
//! parse answers `400` with the `ErrorBody` JSON like every other API error (axum's own
//! rejections are plain text, which the OpenAPI document does not promise). Handlers take
//! `Result<Extractor<T>, Rejection>` and unwrap it with these after checking the caller's
//! identity, so an anonymous request is told `401` before anything about its input.

use super::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::Json;

/// The path parameters, or `400` naming `field`.
pub fn path<T>(extracted: Result<Path<T>, PathRejection>, field: &str) -> Result<T, ApiError> {
    extracted
        .map(|Path(value)| value)
        .map_err(|e| ApiError::bad_request(field, e.body_text()))
}

/// The query parameters, or `400` blaming the query string.
pub fn query<T>(extracted: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    extracted
        .map(|Query(value)| value)
        .map_err(|e| ApiError::bad_request("query", e.body_text()))
}

/// A list's `limit` from the query string: 50 when absent, else a number from 1 to 500, or
/// `400` naming `limit`.
pub fn page_limit(query: &std::collections::HashMap<String, String>) -> Result<i64, ApiError> {
    match query.get("limit") {
        Some(text) => text.parse::<i64>().ok().filter(|l| (1..=500).contains(l)),
        None => Some(50),
    }
    .ok_or_else(|| ApiError::bad_request("limit", "must be a number between 1 and 500"))
}

/// The JSON body, or `400` blaming the body: malformed JSON, a value of the wrong type, an
/// unknown or missing field, or no `Content-Type: application/json`.
pub fn body<T>(extracted: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    extracted
        .map(|Json(value)| value)
        .map_err(|e| ApiError::bad_request("body", e.body_text()))
}

/// An optional JSON body: `None` when the request has none (or sends `null`), else the value,
/// or `400` blaming the body (malformed, unknown fields, or not `Content-Type:
/// application/json`).
pub fn optional_body<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    bytes: &[u8],
) -> Result<Option<T>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
    if !json {
        return Err(ApiError::bad_request(
            "body",
            "a body must be sent as Content-Type: application/json",
        ));
    }
    serde_json::from_slice::<Option<T>>(bytes)
        .map_err(|e| ApiError::bad_request("body", format!("malformed JSON: {e}")))
}
