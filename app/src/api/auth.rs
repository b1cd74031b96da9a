//! Sign in and sign out.

use leptos::prelude::*;
use leptos::server;

#[cfg(feature = "ssr")]
use super::backend::{context, to_server_error};

/// Checks the password and starts a fresh session, then goes to `next` (a local path).
#[server(prefix = "/fn")]
pub async fn login(
    name: String,
    password: String,
    next: Option<String>,
) -> Result<(), ServerFnError> {
    let (backend, identity) = context().await?;
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| ServerFnError::new("server misconfigured: no session"))?;
    backend
        .login(session, name.trim(), &password, &identity.address)
        .await
        .map_err(to_server_error)?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Ends the session and goes to the sign-in page.
#[server(prefix = "/fn")]
pub async fn logout() -> Result<(), ServerFnError> {
    let (backend, identity) = context().await?;
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| ServerFnError::new("server misconfigured: no session"))?;
    backend
        .logout(session, &identity)
        .await
        .map_err(to_server_error)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Only local paths are followed after sign-in, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/history?x=1")), "/history?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
