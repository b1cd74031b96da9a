//! A user's login name.

use serde::{Deserialize, Serialize};

/// A validated login name: 1–64 of `a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

impl UserName {
    /// Parses a login name.
    pub fn parse(input: &str) -> Result<Self, String> {
        if input.is_empty() || input.len() > 64 {
            return Err("must be 1 to 64 characters".into());
        }
        let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b);
        if !input.bytes().all(allowed) {
            return Err("may contain only a-z, 0-9, '.', '_' and '-'".into());
        }
        if !input.as_bytes()[0].is_ascii_alphanumeric() {
            return Err("must start with a letter or a digit".into());
        }
        Ok(Self(input.to_owned()))
    }
}

super::newtype::string_newtype!(UserName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_login_names() {
        for ok in ["alice", "qa.bob", "ci-bot_2", "7eleven"] {
            assert!(UserName::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_empty_long_upper_case_and_odd_starts() {
        for bad in ["", "Alice", "a b", "-x", ".x", "é", &"a".repeat(65)] {
            assert!(UserName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
