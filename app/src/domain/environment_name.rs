//! An environment's short name, as used in URLs, the API and the database.

use serde::{Deserialize, Serialize};

/// A validated environment name: 1–32 of `a-z`, `0-9` and `-`, e.g. `prod`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EnvironmentName(String);

impl EnvironmentName {
    /// Parses an environment name.
    pub fn parse(input: &str) -> Result<Self, String> {
        let valid = !input.is_empty()
            && input.len() <= 32
            && input
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(input.to_owned()))
        } else {
            Err("must be 1-32 of a-z, 0-9 and '-'".into())
        }
    }
}

super::newtype::string_newtype!(EnvironmentName);

impl PartialEq<str> for EnvironmentName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for EnvironmentName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::borrow::Borrow<str> for EnvironmentName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_short_lower_case_names() {
        for ok in ["test", "staging", "prod", "eu-west-2", "a"] {
            assert_eq!(EnvironmentName::parse(ok).expect(ok).as_str(), ok);
        }
    }

    #[test]
    fn refuses_empty_long_upper_case_and_punctuation() {
        for bad in ["", "Prod!", "PROD", "pr od", "p_d", &"a".repeat(33)] {
            assert!(EnvironmentName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
