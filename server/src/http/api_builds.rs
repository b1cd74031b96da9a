//! `/api/v1/builds`: CI registers builds; anyone signed in reads them.

use super::error::{ApiError, ErrorBody};
use super::{extract, identity};
use crate::core::Core;
use app::domain::{Build, NewBuild, Permission};
use app::use_cases::contract::{build_ref, Registered};
use app::use_cases::{Identity, UseCases};
use axum::body::{to_bytes, Body};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;

/// What CI sends to register a build. A refused request names every refused field in its
/// `422` answer, unknown fields included.
// Documentation only: the handler parses the raw JSON itself (`NewBuild::parse`) so that every
// refused field is named; the rules below are the ones that parser applies.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct BuildRegistration {
    /// Semantic version, unique: `MAJOR.MINOR.PATCH` (no leading zeros, at most 9 digits
    /// each), an optional `-pre.release` and `+build` suffix of dot-separated letters, digits
    /// and hyphens; at most 64 characters.
    #[schema(
        example = "1.4.2",
        max_length = 64,
        pattern = r"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"
    )]
    version: String,
    /// Git revision, 7–40 hex digits (stored in lower case).
    #[schema(
        example = "9fceb02d0ae598e95dc970b74767f19372d61af8",
        min_length = 7,
        max_length = 40,
        pattern = "^[0-9a-fA-F]{7,40}$"
    )]
    revision: String,
    /// `{"ami_id"}` or `{"base_ami_id", "url"}`.
    artifact: ArtifactRegistration,
    /// Changes since the previous build, at most 1000 (`null` or absent: none).
    #[serde(default)]
    #[schema(max_items = 1000)]
    changes: Option<Vec<ChangeRegistration>>,
    /// The CI run: an `http://` or `https://` URL with a host, no spaces or control
    /// characters, at most 2048 bytes.
    #[schema(
        example = "https://ci.example.com/run/7",
        max_length = 2048,
        pattern = r"^https?://[^/?#\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    ci_url: Option<String>,
    /// The database schema version the build expects (its migrations' number), when it
    /// declares one: a rollback or promotion to a build with a lower one needs
    /// `confirm_schema_downgrade`.
    #[schema(example = 14, minimum = 0, maximum = 4294967295_u64)]
    schema_version: Option<u64>,
}

/// What a build runs from, as CI sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ArtifactRegistration {
    /// A ready-made image.
    Image(ImageArtifact),
    /// A base image plus an artifact the instance fetches at boot.
    BaseImage(BaseImageArtifact),
}

/// `{"ami_id"}`: a ready-made image.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ImageArtifact {
    /// The AMI to launch: `ami-` and 8 or 17 lower-case hex digits.
    #[schema(
        example = "ami-0123456789abcdef0",
        pattern = "^ami-([0-9a-f]{8}|[0-9a-f]{17})$"
    )]
    ami_id: String,
}

/// `{"base_ami_id", "url"}`: a base image and the artifact it fetches at boot.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct BaseImageArtifact {
    /// The AMI to launch: `ami-` and 8 or 17 lower-case hex digits.
    #[schema(example = "ami-12345678", pattern = "^ami-([0-9a-f]{8}|[0-9a-f]{17})$")]
    base_ami_id: String,
    /// Where the artifact is downloaded from: an `http://` or `https://` URL with a host, no
    /// spaces or control characters, at most 2048 bytes.
    #[schema(
        example = "https://artifacts.example.com/app.tgz",
        max_length = 2048,
        pattern = r"^https?://[^/?#\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    url: String,
}

/// One change that went into a build, as CI sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ChangeRegistration {
    /// The commit: 7–40 hex digits.
    #[schema(
        example = "9fceb02",
        min_length = 7,
        max_length = 40,
        pattern = "^[0-9a-fA-F]{7,40}$"
    )]
    revision: String,
    /// Its one-line summary: not blank, at most 500 characters once trimmed, no NUL.
    #[schema(
        example = "Fix login",
        max_length = 500,
        pattern = r"^[^\u0000]*[^\u0000\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$"
    )]
    summary: String,
    /// Who wrote it: not blank, at most 500 characters once trimmed, no NUL.
    #[schema(
        example = "ana",
        max_length = 500,
        pattern = r"^[^\u0000]*[^\u0000\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$"
    )]
    author: String,
}

/// A page of builds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuildList {
    /// Newest first.
    pub items: Vec<Build>,
    /// Pass as `cursor` for the next (older) page.
    pub next_cursor: Option<i64>,
}

/// Paging parameters of `GET /api/v1/builds`, in the query string, both optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From a previous page's `next_cursor`.
    #[param(example = 42)]
    pub cursor: Option<i64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
}

/// Register a build (engineer or admin token).
#[utoipa::path(
    post, operation_id = "register_build", path = "/api/v1/builds", tag = "builds",
    request_body = BuildRegistration,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = Build),
        (status = 200, description = "The identical build was already registered", body = Build),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 403, description = "The role may not register builds, or a browser sent it from another origin", body = ErrorBody),
        (status = 409, description = "Version registered with other content", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Content-Type is not application/json", body = ErrorBody),
        (status = 422, description = "Invalid fields, each named in `fields` (unknown fields included)", body = ErrorBody),
    )
)]
pub async fn register(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Build>), ApiError> {
    let identity = identity(identity_ext);
    let actor = identity.require(Permission::RegisterBuild)?.clone();
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        })
        .unwrap_or(false);
    if !json {
        return Err(ApiError::UnsupportedMediaType(
            "Content-Type must be application/json".into(),
        ));
    }
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::TooLarge(format!("body must be at most {MAX_BODY} bytes")))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request("body", format!("malformed JSON: {e}")))?;
    let new = NewBuild::parse(&value).map_err(ApiError::invalid)?;
    let (build, registered) = core.register_build(&actor, &identity.address, new).await?;
    let status = match registered {
        Registered::Created => StatusCode::CREATED,
        Registered::AlreadyThere => StatusCode::OK,
    };
    Ok((status, Json(build)))
}

/// List builds, newest first.
#[utoipa::path(
    get, operation_id = "list_builds", path = "/api/v1/builds", tag = "builds", params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of builds", body = BuildList),
        (status = 400, description = "`cursor` or `limit` is not a number, or `limit` is outside 1–200", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
    )
)]
pub async fn list(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<BuildList>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let query = extract::query(query)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request("limit", "must be between 1 and 200"));
    }
    let page = core.builds(query.cursor, limit).await?;
    Ok(Json(BuildList {
        items: page.items.into_iter().map(|s| s.build).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One build by version.
#[utoipa::path(
    get, operation_id = "show_build", path = "/api/v1/builds/{version}", tag = "builds",
    params(VersionPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The build", body = Build),
        (status = 400, description = "The path is not valid UTF-8", body = ErrorBody),
        (status = 401, description = "No, malformed or revoked token", body = ErrorBody),
        (status = 404, description = "No build has this version", body = ErrorBody),
    )
)]
pub async fn show(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    version: Result<Path<String>, PathRejection>,
) -> Result<Json<Build>, ApiError> {
    identity(identity_ext).require(Permission::Read)?;
    let version = extract::path(version, "version")?;
    let detail = core.build_detail(&build_ref(&version)?).await?;
    Ok(Json(detail.summary.build))
}

/// The `{version}` path parameter of the build paths.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct VersionPath {
    /// The build's version (the rules of `BuildRegistration.version`); any other text names
    /// no build.
    #[param(
        example = "1.4.2",
        max_length = 64,
        pattern = r"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"
    )]
    version: String,
}
