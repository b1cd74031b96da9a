//! Validation errors keyed by the field they concern, as the API returns them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Reasons why input was refused, one per field path (`artifact.ami_id`, `changes[2].summary`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `reason` for `field`; the first reason for a field wins.
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| reason.into());
    }

    /// Refuses `text` for `field` when it holds a NUL character (no database stores one in
    /// text, and no name or note needs one); true when the text is acceptable.
    pub fn check_text(&mut self, field: impl Into<String>, text: &str) -> bool {
        if text.contains('\0') {
            self.add(field, "must not contain NUL characters");
            false
        } else {
            true
        }
    }

    /// True when nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A one-line summary: `field: reason; field: reason`.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|(field, reason)| format!("{field}: {reason}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_a_nul_is_refused_for_its_field() {
        let mut errors = FieldErrors::new();
        assert!(errors.check_text("notes", "fine"));
        assert!(!errors.check_text("user", "a\0b"));
        assert_eq!(
            errors.0.get("user").map(String::as_str),
            Some("must not contain NUL characters")
        );
        assert!(!errors.0.contains_key("notes"));
    }
}
