//! The signed-in user's own account: who they are, their password, their other sessions and
//! their own API tokens. Only an interactive session reaches these, never a token.

use crate::domain::views::{AccountView, CreatedToken, TotpOffer};
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

/// The account page: name, role, whether the password must change, and one's tokens.
#[server(prefix = "/fn")]
pub async fn my_account() -> Result<AccountView, UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    use_cases.account(&identity).await.map_err(answer)
}

/// Changes one's own password (the current one required); other sessions end, this one stays.
#[server(prefix = "/fn")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let actor = identity.require_session().map_err(answer)?;
    use_cases
        .change_password(
            session().await?,
            actor,
            &identity.address,
            &current_password,
            &new_password,
        )
        .await
        .map_err(answer)
}

/// Ends every other session of the signed-in user.
#[server(prefix = "/fn")]
pub async fn end_other_sessions() -> Result<(), UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let actor = identity.require_session().map_err(answer)?;
    use_cases
        .end_other_sessions(session().await?, actor, &identity.address)
        .await
        .map_err(answer)
}

/// Creates a token of one's own, within one's role; the secret is in the answer, once.
#[server(prefix = "/fn")]
pub async fn create_my_token(
    name: String,
    scope_read: Option<String>,
    scope_builds: Option<String>,
    scope_signoffs: Option<String>,
    scope_deploy: Option<String>,
    scope_admin: Option<String>,
    expires_in_days: String,
) -> Result<CreatedToken, UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    // Not before a required password change or second factor: a token would get around them.
    let actor = identity.require_settled_session().map_err(answer)?;
    let form = crate::domain::views::TokenForm {
        user: actor.name.clone(),
        name,
        scopes: super::admin::ticked_scopes([
            scope_read,
            scope_builds,
            scope_signoffs,
            scope_deploy,
            scope_admin,
        ]),
        expires_in_days,
    };
    use_cases
        .create_token(actor, &identity.address, false, &form)
        .await
        .map_err(answer)
}

/// Revokes one of one's own tokens.
#[server(prefix = "/fn")]
pub async fn revoke_my_token(id: i64) -> Result<(), UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let actor = identity.require_session().map_err(answer)?;
    use_cases
        .revoke_token(actor, &identity.address, false, id)
        .await
        .map_err(answer)
}

/// Offers a secret for two-factor sign-in (the current password required): a QR code and
/// the secret as text.
#[server(prefix = "/fn")]
pub async fn offer_totp(password: String) -> Result<TotpOffer, UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let actor = identity.require_session().map_err(answer)?;
    use_cases
        .totp_offer(actor, &identity.address, &password)
        .await
        .map_err(answer)
}

/// Confirms two-factor sign-in with a first code; answers the recovery codes, once.
#[server(prefix = "/fn")]
pub async fn confirm_totp(code: String) -> Result<Vec<String>, UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let actor = identity.require_session().map_err(answer)?;
    use_cases
        .totp_confirm(actor, &identity.address, &code)
        .await
        .map_err(answer)
}

/// Turns two-factor sign-in off, given a current code.
#[server(prefix = "/fn")]
pub async fn turn_off_totp(code: String) -> Result<(), UseCaseError> {
    let (use_cases, identity) = context().await.map_err(answer)?;
    let actor = identity.require_session().map_err(answer)?;
    use_cases
        .totp_turn_off(actor, &identity.address, &code)
        .await
        .map_err(answer)
}
