//! A git revision: 7 to 40 hexadecimal digits, kept in lower case.

use serde::{Deserialize, Serialize};

/// A validated git commit id (abbreviated or full).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Revision(String);

impl Revision {
    /// Parses 7–40 hex digits; upper case is folded to lower case.
    pub fn parse(input: &str) -> Result<Self, String> {
        if !(7..=40).contains(&input.len()) {
            return Err("must be 7 to 40 hexadecimal digits".into());
        }
        if !input.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("must contain only hexadecimal digits (0-9, a-f)".into());
        }
        Ok(Self(input.to_ascii_lowercase()))
    }

    /// The first seven digits, as people quote them.
    pub fn short(&self) -> &str {
        &self.0[..7]
    }
}

super::newtype::string_newtype!(Revision);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_short_and_full_revisions_and_folds_case() {
        assert_eq!(
            Revision::parse("abc1234").map(|r| r.0),
            Ok("abc1234".into())
        );
        let full = "0123456789ABCDEF0123456789abcdef01234567";
        assert_eq!(
            Revision::parse(full).map(|r| r.0),
            Ok(full.to_ascii_lowercase())
        );
    }

    #[test]
    fn refuses_wrong_lengths_and_non_hex() {
        for bad in ["", "abc123", "abcdefg", &"a".repeat(41), "abc 1234"] {
            assert!(Revision::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_form_is_seven_digits() {
        assert_eq!(
            Revision::parse("0123456789").map(|r| r.short().to_owned()),
            Ok("0123456".into())
        );
    }
}
