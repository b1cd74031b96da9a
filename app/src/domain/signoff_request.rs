//! A QA verdict as someone asks to record it: the form as sent (a page's form or the REST
//! body), and the request parsed from it, with every refused field named at once — the
//! environment judged against the configured pipeline, which the use-case knows.

use super::signoff::Verdict;
use super::{EnvironmentName, FieldErrors};

/// Longest accepted sign-off notes, in characters.
pub const MAX_NOTES: usize = 2000;

/// The sign-off as sent, before parsing. Named fields, so an environment and a verdict
/// cannot be swapped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignOffForm {
    /// The environment the build was tested in.
    pub environment: String,
    /// `approved` or `rejected`.
    pub verdict: String,
    /// What was tested, what was found.
    pub notes: String,
}

impl SignOffForm {
    /// A form with these three fields.
    pub fn new(environment: &str, verdict: &str, notes: &str) -> Self {
        Self {
            environment: environment.to_owned(),
            verdict: verdict.to_owned(),
            notes: notes.to_owned(),
        }
    }
}

/// What to record: where the build was tested, the verdict, and QA's notes (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOffRequest {
    /// The environment the build was tested in.
    pub environment: EnvironmentName,
    /// Approved or rejected.
    pub verdict: Verdict,
    /// What was tested, what was found.
    pub notes: String,
}

impl SignOffRequest {
    /// Parses the form, naming each refused field; `exists` says whether an environment of
    /// that name is configured.
    pub fn parse(
        form: &SignOffForm,
        exists: impl Fn(&EnvironmentName) -> bool,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let verdict = Verdict::parse(&form.verdict)
            .map_err(|e| errors.add("verdict", e))
            .ok();
        let environment = EnvironmentName::parse(&form.environment)
            .ok()
            .filter(|name| exists(name));
        if environment.is_none() {
            errors.add("environment", "no such environment");
        }
        let notes = &form.notes;
        errors.check_text("notes", notes);
        if notes.chars().count() > MAX_NOTES {
            errors.add("notes", format!("must be at most {MAX_NOTES} characters"));
        }
        match (environment, verdict) {
            (Some(environment), Some(verdict)) if errors.is_empty() => Ok(Self {
                environment,
                verdict,
                notes: notes.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refused_field_is_named_at_once() {
        let long = "x".repeat(MAX_NOTES + 1);
        let form = SignOffForm::new("Nope!", "maybe", &long);
        let errors = SignOffRequest::parse(&form, |_| true).expect_err("invalid");
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["environment", "notes", "verdict"]);
        let unknown = SignOffForm::new("moon", "approved", "");
        let errors = SignOffRequest::parse(&unknown, |name| name == "staging").expect_err("moon");
        assert_eq!(
            errors.0.get("environment").map(String::as_str),
            Some("no such environment")
        );
    }

    #[test]
    fn notes_are_trimmed() {
        let form = SignOffForm::new("staging", "approved", "  suite green \n");
        let request = SignOffRequest::parse(&form, |_| true).expect("ok");
        assert_eq!(request.notes, "suite green");
        assert_eq!(request.verdict, Verdict::Approved);
        assert_eq!(request.environment.as_str(), "staging");
    }
}
