//! A build's version: semantic-version shaped, `1.4.2`, `2.0.0-rc.1`, `1.4.2+build.7`.

use serde::{Deserialize, Serialize};

/// A validated build version. Unique per build; what people type and read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version(String);

const MAX_LEN: usize = 64;

impl Version {
    /// Parses `MAJOR.MINOR.PATCH` with an optional `-pre.release` and `+build` suffix.
    pub fn parse(input: &str) -> Result<Self, String> {
        if input.is_empty() {
            return Err("must not be empty".into());
        }
        if input.len() > MAX_LEN {
            return Err(format!("must be at most {MAX_LEN} characters"));
        }
        let (core_and_pre, build) = match input.split_once('+') {
            Some((head, build)) => (head, Some(build)),
            None => (input, None),
        };
        let (core, pre) = match core_and_pre.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (core_and_pre, None),
        };
        let numbers: Vec<&str> = core.split('.').collect();
        let numeric = |part: &&str| {
            !part.is_empty()
                && part.len() <= 9
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part.len() == 1 || !part.starts_with('0'))
        };
        if numbers.len() != 3 || !numbers.iter().all(numeric) {
            return Err("must look like MAJOR.MINOR.PATCH, e.g. 1.4.2".into());
        }
        let identifiers_ok = |text: &str| {
            text.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        };
        if let Some(pre) = pre {
            if !identifiers_ok(pre) {
                return Err("pre-release must be dot-separated letters, digits and hyphens".into());
            }
        }
        if let Some(build) = build {
            if !identifiers_ok(build) {
                return Err(
                    "build metadata must be dot-separated letters, digits and hyphens".into(),
                );
            }
        }
        Ok(Self(input.to_owned()))
    }
}

super::newtype::string_newtype!(Version);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_release_pre_release_and_build_metadata() {
        for ok in [
            "1.4.2",
            "0.0.1",
            "10.20.30",
            "2.0.0-rc.1",
            "1.4.2+build.7",
            "1.0.0-beta-2+sha.5",
        ] {
            assert_eq!(Version::parse(ok).map(|v| v.0), Ok(ok.to_owned()), "{ok}");
        }
    }

    #[test]
    fn refuses_anything_not_shaped_like_a_semantic_version() {
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "v1.2.3",
            "01.2.3",
            "1.2.x",
            "1.2.3-",
            "1.2.3-a..b",
            "1.2.3+",
            "1.2.3 ",
            "1.2.3-ä",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Version::parse(&format!("1.2.3-{}", "a".repeat(70))).is_err());
    }
}
