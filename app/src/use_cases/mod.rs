//! The use-cases as the rest of the app sees them: their typed error (in the browser too, so a
//! page can show failed gates and field reasons), and on the server the contract the server
//! implements, the request identity, and the glue server functions use to reach both.

pub mod error;
pub use error::UseCaseError;

#[cfg(feature = "ssr")]
pub mod contract;
#[cfg(feature = "ssr")]
pub mod identity;
#[cfg(feature = "ssr")]
pub use contract::{SharedUseCases, UseCases};
#[cfg(feature = "ssr")]
pub use identity::Identity;

/// The use-cases and the identity of the current request, for a server function.
#[cfg(feature = "ssr")]
pub async fn context() -> Result<(SharedUseCases, Identity), UseCaseError> {
    // Both are attached to every request by the server's router; missing means misconfigured.
    let use_cases =
        leptos::prelude::use_context::<SharedUseCases>().ok_or(UseCaseError::Internal)?;
    let axum::Extension(identity) = leptos_axum::extract::<axum::Extension<Identity>>()
        .await
        .map_err(|_| UseCaseError::Internal)?;
    Ok((use_cases, identity))
}

/// The use-cases, provided the caller holds `permission`.
#[cfg(feature = "ssr")]
pub async fn authorised(
    permission: crate::domain::Permission,
) -> Result<(SharedUseCases, crate::domain::views::Principal, String), UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let actor = identity.require(permission).map_err(answer)?.clone();
    Ok((use_cases, actor, identity.address))
}

/// A server function's failure, answered with the status the REST API would use (401, 403,
/// 404, 409, 412, 422, 429, 500) so that scripts and the browser both see the truth. A plain
/// HTML form post (no JavaScript) keeps the redirect back to its page, where the error shows.
#[cfg(feature = "ssr")]
pub fn answer(error: UseCaseError) -> UseCaseError {
    use leptos::prelude::use_context;
    let plain_form = use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if !plain_form {
        if let (Some(response), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::StatusCode::from_u16(error.status()),
        ) {
            response.set_status(status);
        }
    }
    error
}
