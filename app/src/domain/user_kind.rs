//! Whether an account is a person's or a service account (which owns tokens for CI and
//! never signs in interactively).

use serde::{Deserialize, Serialize};

/// The kind of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserKind {
    /// A person, who signs in.
    Person,
    /// A service account: owns tokens, never signs in.
    Service,
}

impl UserKind {
    /// The kind's name as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Person => "person",
            UserKind::Service => "service",
        }
    }

    /// Parses a kind name.
    pub fn parse(input: &str) -> Result<Self, String> {
        match input {
            "person" => Ok(UserKind::Person),
            "service" => Ok(UserKind::Service),
            _ => Err("must be person or service".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_kinds_are_refused() {
        for kind in [UserKind::Person, UserKind::Service] {
            assert_eq!(UserKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(UserKind::parse("robot").is_err());
    }
}
