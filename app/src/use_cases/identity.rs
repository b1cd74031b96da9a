//! Who is asking: attached to every request by the server's middleware, checked by every
//! server function and REST handler before it calls a use-case.

use super::UseCaseError;
use crate::domain::views::Principal;
use crate::domain::{Permission, Scopes};

/// The authenticated user (if any), how they came (session or token), and the client address.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The signed-in user or token owner.
    pub principal: Option<Principal>,
    /// The token's scopes when the request came with a bearer token; `None` for a session,
    /// which may do all its role allows.
    pub scopes: Option<Scopes>,
    /// The session's user must change the password before anything else.
    pub must_change_password: bool,
    /// The session's user must set up two-factor sign-in before anything else (their role
    /// requires it).
    pub must_enrol_totp: bool,
    /// The client's address, for throttling and the audit log.
    pub address: String,
}

impl Identity {
    /// Nobody signed in, from `address`.
    pub fn anonymous(address: String) -> Self {
        Self {
            principal: None,
            scopes: None,
            must_change_password: false,
            must_enrol_totp: false,
            address,
        }
    }

    /// The principal if it holds `permission`: 401 when nobody is signed in, 403 when the
    /// role does not allow it, when a token's scopes do not grant it, or when the password
    /// must be changed first.
    pub fn require(&self, permission: Permission) -> Result<&Principal, UseCaseError> {
        let principal = self
            .principal
            .as_ref()
            .ok_or(UseCaseError::Unauthenticated)?;
        if self.must_change_password {
            return Err(UseCaseError::Denied(
                "change your password first (your account page)".into(),
            ));
        }
        if self.must_enrol_totp {
            return Err(UseCaseError::Denied(
                "set up two-factor sign-in first (your account page)".into(),
            ));
        }
        if !principal.role.allows(permission) {
            return Err(UseCaseError::Forbidden);
        }
        match &self.scopes {
            Some(scopes) if !scopes.allow(permission) => Err(UseCaseError::Denied(format!(
                "this token lacks the {} scope",
                crate::domain::Scope::needed_for(permission)
            ))),
            _ => Ok(principal),
        }
    }

    /// The principal of an interactive session that owes nothing first (no password change,
    /// no second factor to set up): for what outlives the session, such as a new token.
    pub fn require_settled_session(&self) -> Result<&Principal, UseCaseError> {
        let principal = self.require_session()?;
        if self.must_change_password {
            return Err(UseCaseError::Denied("change your password first".into()));
        }
        if self.must_enrol_totp {
            return Err(UseCaseError::Denied(
                "set up two-factor sign-in first".into(),
            ));
        }
        Ok(principal)
    }

    /// The principal of an interactive session (not a token) whatever its role: for what a
    /// user does to their own account. A pending password change does not block it.
    pub fn require_session(&self) -> Result<&Principal, UseCaseError> {
        let principal = self
            .principal
            .as_ref()
            .ok_or(UseCaseError::Unauthenticated)?;
        if self.scopes.is_some() {
            return Err(UseCaseError::Denied(
                "only a signed-in session may do this, not an API token".into(),
            ));
        }
        Ok(principal)
    }
}
