//! Roles and what each may do. One role per user; each role includes the one below it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's role, from least to most powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Managers: read everything.
    Viewer,
    /// QA: viewer plus sign-offs.
    Qa,
    /// Engineers: QA plus promote, roll back, scale and register builds.
    Engineer,
    /// Admins: everything, plus users, tokens and settings.
    Admin,
}

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read pages, history and the API.
    Read,
    /// Record a QA sign-off.
    SignOff,
    /// Register a build (the CI API).
    RegisterBuild,
    /// Deploy, promote, roll back, scale.
    Deploy,
    /// Manage users and API tokens.
    Administer,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Qa, Role::Engineer, Role::Admin];

    /// Whether this role grants `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        let needed = match permission {
            Permission::Read => Role::Viewer,
            Permission::SignOff => Role::Qa,
            Permission::RegisterBuild | Permission::Deploy => Role::Engineer,
            Permission::Administer => Role::Admin,
        };
        self >= needed
    }

    /// The role's name as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Qa => "qa",
            Role::Engineer => "engineer",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name.
    pub fn parse(input: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == input)
            .ok_or_else(|| "must be one of viewer, qa, engineer, admin".to_owned())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_has_exactly_its_permissions() {
        use Permission::*;
        let table = [
            (Role::Viewer, [true, false, false, false, false]),
            (Role::Qa, [true, true, false, false, false]),
            (Role::Engineer, [true, true, true, true, false]),
            (Role::Admin, [true, true, true, true, true]),
        ];
        for (role, expected) in table {
            let got = [Read, SignOff, RegisterBuild, Deploy, Administer].map(|p| role.allows(p));
            assert_eq!(got, expected, "{role}");
        }
    }

    #[test]
    fn role_names_round_trip_and_unknown_names_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
        assert!(Role::parse("Admin").is_err());
    }
}
