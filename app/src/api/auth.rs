//! Sign in, sign out, and who is signed in.

use crate::domain::single_sign_on::SignInOptions;
use crate::domain::views::Principal;
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::use_cases::{answer, context};

#[cfg(feature = "ssr")]
async fn session() -> Result<tower_sessions::Session, UseCaseError> {
    // The session layer wraps every route; without it the server is misconfigured.
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| answer(UseCaseError::Internal))
}

/// Checks the password and starts a fresh session, then goes to `next` (a local path).
#[server(prefix = "/fn")]
pub async fn login(
    name: String,
    password: String,
    next: Option<String>,
) -> Result<(), UseCaseError> {
    use crate::domain::views::SignInStep;
    let (use_cases, identity) = context().await.map_err(answer)?;
    let step = use_cases
        .login(session().await?, name.trim(), &password, &identity.address)
        .await
        .map_err(answer)?;
    let next = safe_next(next.as_deref());
    match step {
        SignInStep::SignedIn(_) => leptos_axum::redirect(&next),
        SignInStep::AccountFirst(_) => leptos_axum::redirect("/account"),
        SignInStep::CodeNeeded => {
            leptos_axum::redirect(&format!("/login?step=code&next={}", query_value(&next)))
        }
    }
    Ok(())
}

/// Checks the two-factor code that follows the password, then goes to `next` (a local path).
#[server(prefix = "/fn")]
pub async fn login_code(code: String, next: Option<String>) -> Result<(), UseCaseError> {
    use crate::domain::views::SignInStep;
    let (use_cases, identity) = context().await.map_err(answer)?;
    let step = use_cases
        .login_code(session().await?, &code, &identity.address)
        .await
        .map_err(answer)?;
    match step {
        SignInStep::AccountFirst(_) => leptos_axum::redirect("/account"),
        _ => leptos_axum::redirect(&safe_next(next.as_deref())),
    }
    Ok(())
}

/// Ends the session and goes to the sign-in page (which, after a single sign-on session,
/// offers to sign out of the provider too).
#[server(prefix = "/fn")]
pub async fn logout() -> Result<(), UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let single_sign_on = use_cases
        .logout(session().await?, &identity)
        .await
        .map_err(answer)?;
    leptos_axum::redirect(if single_sign_on {
        "/login?signed_out=sso"
    } else {
        "/login"
    });
    Ok(())
}

/// What the sign-in page offers.
#[server(prefix = "/fn")]
pub async fn sign_in_choices(signed_out_of_sso: bool) -> Result<SignInOptions, UseCaseError> {
    let (use_cases, _) = context().await.map_err(answer)?;
    Ok(use_cases.sign_in_options(signed_out_of_sso).await)
}

/// The signed-in user, or `None`.
#[server(prefix = "/fn")]
pub async fn current_user() -> Result<Option<Principal>, UseCaseError> {
    let (_, identity) = context().await.map_err(answer)?;
    Ok(identity.principal)
}

/// `text` percent-encoded for a query parameter (letters, digits and `/ - _ .` kept).
pub fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only local paths are followed after sign-in, never another site: a path that starts
/// with one `/`, with no backslash, whitespace or control character anywhere (browsers drop
/// tabs and newlines from URLs, so `/\t/evil.example` would become `//evil.example`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
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

    #[test]
    fn a_tab_newline_or_backslash_hidden_in_the_path_never_leaves_the_site() {
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r//evil.example",
            "/ /evil.example",
            "/\\/evil.example",
            "/\u{0}/evil.example",
        ] {
            assert_eq!(safe_next(Some(sneaky)), "/", "{sneaky:?}");
        }
        // Encoded separators stay a path on this site.
        assert_eq!(safe_next(Some("/%2F%2Fevil")), "/%2F%2Fevil");
    }
}
