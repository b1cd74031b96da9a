//! What an API token may be used for. A token's scopes narrow its owner's role, never widen
//! it: a request passes when the role allows the permission and a scope grants it.

use super::Permission;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One thing a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Read pages, history and the API.
    #[serde(rename = "read")]
    Read,
    /// Register builds (CI).
    #[serde(rename = "builds:write")]
    BuildsWrite,
    /// Record sign-offs (an acceptance suite).
    #[serde(rename = "signoffs:write")]
    SignoffsWrite,
    /// Deploy, promote, roll back, scale.
    #[serde(rename = "deploy")]
    Deploy,
    /// Administer users, tokens and the audit log.
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    /// Every scope, in the order pages list them.
    pub const ALL: [Scope; 5] = [
        Scope::Read,
        Scope::BuildsWrite,
        Scope::SignoffsWrite,
        Scope::Deploy,
        Scope::Admin,
    ];

    /// The scope a request needs for `permission`.
    pub fn needed_for(permission: Permission) -> Scope {
        match permission {
            Permission::Read => Scope::Read,
            Permission::RegisterBuild => Scope::BuildsWrite,
            Permission::SignOff => Scope::SignoffsWrite,
            Permission::Deploy => Scope::Deploy,
            Permission::Administer => Scope::Admin,
        }
    }

    /// The permission this scope grants (the role must allow it too).
    pub fn grants(self) -> Permission {
        match self {
            Scope::Read => Permission::Read,
            Scope::BuildsWrite => Permission::RegisterBuild,
            Scope::SignoffsWrite => Permission::SignOff,
            Scope::Deploy => Permission::Deploy,
            Scope::Admin => Permission::Administer,
        }
    }

    /// The scope's name as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::BuildsWrite => "builds:write",
            Scope::SignoffsWrite => "signoffs:write",
            Scope::Deploy => "deploy",
            Scope::Admin => "admin",
        }
    }

    /// Parses a scope name.
    pub fn parse(input: &str) -> Result<Self, String> {
        Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == input)
            .ok_or_else(|| {
                format!(
                    "unknown scope {input:?}: must be among {}",
                    Scope::ALL.map(Scope::as_str).join(", ")
                )
            })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token's scopes: a non-empty set, stored space-separated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Scope>", into = "Vec<Scope>")]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Scopes from a list; duplicates fold, order is canonical; empty is refused.
    pub fn new(mut scopes: Vec<Scope>) -> Result<Self, String> {
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            return Err("name at least one scope".into());
        }
        Ok(Self(scopes))
    }

    /// Parses names separated by spaces or commas (`"read builds:write"`).
    pub fn parse(input: &str) -> Result<Self, String> {
        let scopes = input
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(Scope::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(scopes)
    }

    /// Whether these scopes grant `permission`.
    pub fn allow(&self, permission: Permission) -> bool {
        self.0.contains(&Scope::needed_for(permission))
    }

    /// The scopes, in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl TryFrom<Vec<Scope>> for Scopes {
    type Error = String;
    fn try_from(scopes: Vec<Scope>) -> Result<Self, String> {
        Self::new(scopes)
    }
}

impl From<Scopes> for Vec<Scope> {
    fn from(scopes: Scopes) -> Self {
        scopes.0
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ci_token_registers_builds_but_cannot_deploy() {
        let ci = Scopes::parse("builds:write read").expect("scopes");
        assert!(ci.allow(Permission::RegisterBuild));
        assert!(ci.allow(Permission::Read));
        assert!(!ci.allow(Permission::Deploy));
        assert!(!ci.allow(Permission::SignOff));
        assert!(!ci.allow(Permission::Administer));
    }

    #[test]
    fn scopes_round_trip_in_canonical_order_and_bad_names_are_refused() {
        let scopes = Scopes::parse("deploy, read,read").expect("scopes");
        assert_eq!(scopes.to_string(), "read deploy");
        assert_eq!(Scopes::parse(&scopes.to_string()), Ok(scopes));
        assert!(Scopes::parse("").is_err());
        assert!(Scopes::parse("read root").unwrap_err().contains("\"root\""));
        for scope in Scope::ALL {
            assert_eq!(Scope::needed_for(scope.grants()), scope);
        }
    }
}
