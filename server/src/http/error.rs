//! The one error type at the HTTP edge: a status and `{"error", "fields"}`, nothing internal.

use app::domain::gates::Gate;
use app::domain::FieldErrors;
use app::use_cases::UseCaseError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;

/// An API failure.
#[derive(Debug)]
pub enum ApiError {
    /// 400 or 422 with the refused fields.
    Invalid(StatusCode, String, FieldErrors),
    /// 401.
    Unauthenticated(String),
    /// 403.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 409.
    Conflict(String),
    /// 412 with every failed gate.
    PreconditionFailed(String, Vec<Gate>),
    /// 413.
    TooLarge(String),
    /// 415.
    UnsupportedMediaType(String),
    /// 429.
    Throttled(String),
    /// 500; the cause is logged, never returned.
    Internal,
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// Reason per refused field (empty when no field is to blame).
    pub fields: BTreeMap<String, String>,
    /// The gates that failed (412 only; absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub gates: Vec<Gate>,
}

impl ApiError {
    /// Logs `cause` and returns an opaque 500 (through the one helper that hides causes).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        crate::service::internal(cause).into()
    }

    /// 422 for refused fields.
    pub fn invalid(fields: FieldErrors) -> Self {
        ApiError::Invalid(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid input".into(),
            fields,
        )
    }

    /// 400 blaming one field.
    pub fn bad_request(field: &str, reason: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        let reason = reason.into();
        fields.add(field, reason.clone());
        ApiError::Invalid(
            StatusCode::BAD_REQUEST,
            format!("{field}: {reason}"),
            fields,
        )
    }
}

impl From<UseCaseError> for ApiError {
    fn from(error: UseCaseError) -> Self {
        match error {
            UseCaseError::Unauthenticated => ApiError::Unauthenticated(error.to_string()),
            UseCaseError::Forbidden => ApiError::Forbidden(error.to_string()),
            UseCaseError::Denied(message) => ApiError::Forbidden(message),
            UseCaseError::Invalid(fields) => ApiError::invalid(fields),
            UseCaseError::NotFound(_) => ApiError::NotFound(error.to_string()),
            UseCaseError::Conflict(message) => ApiError::Conflict(message),
            UseCaseError::Throttled(message) => ApiError::Throttled(message),
            UseCaseError::GatesFailed(ref gates) => {
                ApiError::PreconditionFailed(error.to_string(), gates.clone())
            }
            UseCaseError::BadCredentials => ApiError::Unauthenticated(error.to_string()),
            UseCaseError::Internal => ApiError::Internal,
            UseCaseError::Request(message) => {
                ApiError::Invalid(StatusCode::BAD_REQUEST, message, FieldErrors::new())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut gates = Vec::new();
        let (status, error, fields) = match self {
            ApiError::PreconditionFailed(m, failed) => {
                gates = failed;
                (StatusCode::PRECONDITION_FAILED, m, BTreeMap::new())
            }
            ApiError::Invalid(status, message, fields) => (status, message, fields.0),
            ApiError::Unauthenticated(m) => (StatusCode::UNAUTHORIZED, m, BTreeMap::new()),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m, BTreeMap::new()),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m, BTreeMap::new()),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m, BTreeMap::new()),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m, BTreeMap::new()),
            ApiError::UnsupportedMediaType(m) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, m, BTreeMap::new())
            }
            ApiError::Throttled(m) => (StatusCode::TOO_MANY_REQUESTS, m, BTreeMap::new()),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error".into(),
                BTreeMap::new(),
            ),
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error,
                fields,
                gates,
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
