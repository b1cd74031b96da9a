//! Which side of a comparison is asked for: an environment as it is now (`prod`) or a
//! deployment as it was accepted (`42`, or `#42`).

use super::{EnvironmentName, FieldErrors};

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideSpec {
    /// An environment now.
    Environment(EnvironmentName),
    /// A deployment, by id.
    Deployment(i64),
}

impl SideSpec {
    /// Parses an environment name or a deployment id.
    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("required: an environment name or a deployment id".into());
        }
        let digits = trimmed.strip_prefix('#').unwrap_or(trimmed);
        // A positive number is a deployment id; any other name is an environment's (which
        // may simply not exist: "0" is a name no environment has, not a malformed id).
        if let Some(id) = digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse::<i64>().ok())
            .flatten()
            .filter(|id| *id > 0)
        {
            return Ok(SideSpec::Deployment(id));
        }
        EnvironmentName::parse(trimmed)
            .map(SideSpec::Environment)
            .map_err(|reason| format!("not an environment name or a deployment id: {reason}"))
    }

    /// Parses both sides, each failure under its field (`from`, `to`).
    pub fn parse_pair(from: &str, to: &str) -> Result<(Self, Self), FieldErrors> {
        let mut errors = FieldErrors::new();
        let from = Self::parse(from).map_err(|e| errors.add("from", e)).ok();
        let to = Self::parse(to).map_err(|e| errors.add("to", e)).ok();
        match (from, to) {
            (Some(from), Some(to)) => Ok((from, to)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_are_told_apart() {
        assert_eq!(
            SideSpec::parse("prod"),
            Ok(SideSpec::Environment(
                EnvironmentName::parse("prod").unwrap()
            ))
        );
        assert_eq!(SideSpec::parse("42"), Ok(SideSpec::Deployment(42)));
        assert_eq!(SideSpec::parse(" #7 "), Ok(SideSpec::Deployment(7)));
    }

    #[test]
    fn bad_sides_are_refused_under_their_field() {
        assert_eq!(
            SideSpec::parse("0"),
            Ok(SideSpec::Environment(EnvironmentName::parse("0").unwrap()))
        );
        assert!(SideSpec::parse("").is_err());
        assert!(SideSpec::parse("#x").is_err());
        assert!(SideSpec::parse("Prod!").is_err());
        let errors = SideSpec::parse_pair("", "prod").unwrap_err();
        assert!(errors.summary().contains("from"), "{}", errors.summary());
        assert!(!errors.summary().contains("to:"), "{}", errors.summary());
    }
}
