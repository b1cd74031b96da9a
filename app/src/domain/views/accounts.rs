//! Accounts as admins and their owners see them: users with their kind and state, tokens with
//! their scopes, expiry and last use (never a secret, except the once it is created).

use crate::domain::{Role, Scopes, Timestamp, UserKind};
use serde::{Deserialize, Serialize};

/// A user as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// A person or a service account.
    pub kind: UserKind,
    /// Created.
    pub created_at: Timestamp,
    /// Disabled, if so: cannot sign in, tokens refused; history keeps the name.
    pub disabled_at: Option<Timestamp>,
    /// Must change the password at the next sign-in (after an admin reset it).
    pub must_change_password: bool,
    /// Two-factor sign-in is on.
    pub totp_enabled: bool,
    /// Signs in through the OpenID provider (no password of ours).
    #[serde(default)]
    pub single_sign_on: bool,
}

/// An API token as admins and its owner see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// Owner's login name.
    pub user: String,
    /// Label.
    pub name: String,
    /// What it may be used for (within the owner's role).
    pub scopes: Scopes,
    /// Created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// Last used, if ever.
    pub last_used_at: Option<Timestamp>,
    /// Revoked, if so.
    pub revoked_at: Option<Timestamp>,
}

impl TokenRow {
    /// Whether the token works at `now`: not revoked, not expired.
    pub fn active_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

/// A token just created: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    /// The stored row.
    pub row: TokenRow,
    /// The bearer secret; only its hash is kept.
    pub secret: String,
}

/// A password an admin reset: the new one is shown this once when Greenlight chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    /// Whose.
    pub user: String,
    /// The generated password, when the admin did not set one.
    pub generated: Option<String>,
}

/// A token as asked for on a form or the command line, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenForm {
    /// The owner's login name.
    pub user: String,
    /// A label, e.g. "ci".
    pub name: String,
    /// Scopes, space- or comma-separated.
    pub scopes: String,
    /// Lifetime in days; empty for a token that never expires.
    pub expires_in_days: String,
}

/// The signed-in user's own account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// An admin reset the password: it must change before anything else.
    pub must_change_password: bool,
    /// The role requires two-factor sign-in and it is not set up yet.
    pub must_enrol_totp: bool,
    /// Two-factor sign-in is on.
    pub totp_enabled: bool,
    /// Signs in through the OpenID provider: no password or second factor of ours to manage.
    #[serde(default)]
    pub single_sign_on: bool,
    /// The user's own tokens, newest first.
    pub tokens: Vec<TokenRow>,
}

/// Where a sign-in stands after the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInStep {
    /// Signed in.
    SignedIn(crate::domain::views::Principal),
    /// Signed in, but owing a password change or a required second factor first: the
    /// account page is where to go.
    AccountFirst(crate::domain::views::Principal),
    /// The password checked out; a second-factor code must follow.
    CodeNeeded,
}

/// Two-factor enrolment offered: scan the QR code (or type the secret), then confirm with a
/// first code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpOffer {
    /// The secret, base32, to type into an authenticator app.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
    /// The QR code, as SVG markup drawn by the server.
    pub qr_svg: String,
}
