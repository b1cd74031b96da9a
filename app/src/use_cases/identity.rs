//! Who is asking: attached to every request by the server's middleware, checked by every
//! server function and REST handler before it calls a use-case.

use super::UseCaseError;
use crate::domain::views::Principal;
use crate::domain::Permission;

/// The authenticated user (if any) and the client address.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The signed-in user or token owner.
    pub principal: Option<Principal>,
    /// The client's address, for throttling and the audit log.
    pub address: String,
}

impl Identity {
    /// The principal if it holds `permission`: 401 when nobody is signed in, 403 when the
    /// role does not allow it.
    pub fn require(&self, permission: Permission) -> Result<&Principal, UseCaseError> {
        let principal = self
            .principal
            .as_ref()
            .ok_or(UseCaseError::Unauthenticated)?;
        if principal.role.allows(permission) {
            Ok(principal)
        } else {
            Err(UseCaseError::Forbidden)
        }
    }
}
