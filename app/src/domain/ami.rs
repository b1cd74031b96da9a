//! An Amazon Machine Image id: `ami-` followed by 8 or 17 lower-case hex digits.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated AMI id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AmiId(String);

impl AmiId {
    /// Parses `ami-` + 8 or 17 lower-case hex digits, as EC2 issues them.
    pub fn parse(input: &str) -> Result<Self, String> {
        let Some(digits) = input.strip_prefix("ami-") else {
            return Err("must start with \"ami-\"".into());
        };
        let hex = digits
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !(digits.len() == 8 || digits.len() == 17) || !hex {
            return Err("must be \"ami-\" followed by 8 or 17 lower-case hex digits".into());
        }
        Ok(Self(input.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AmiId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AmiId> for String {
    fn from(value: AmiId) -> Self {
        value.0
    }
}

impl fmt::Display for AmiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_old_and_new_style_ids() {
        assert!(AmiId::parse("ami-12345678").is_ok());
        assert!(AmiId::parse("ami-0123456789abcdef0").is_ok());
    }

    #[test]
    fn refuses_other_prefixes_lengths_and_upper_case() {
        for bad in [
            "",
            "ami-",
            "ami-1234567",
            "ami-123456789",
            "AMI-12345678",
            "ami-ABCDEF12",
            "i-12345678",
            "ami-1234567g",
        ] {
            assert!(AmiId::parse(bad).is_err(), "{bad:?}");
        }
    }
}
