//! An Amazon Machine Image id: `ami-` followed by 8 or 17 lower-case hex digits.

use serde::{Deserialize, Serialize};

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
}

super::newtype::string_newtype!(AmiId);

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
