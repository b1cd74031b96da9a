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
