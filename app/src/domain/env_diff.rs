//! What differs between two sides — two environments, two deployments, or what a promotion
//! would ship against what the target runs — row by row in three sections: code, config and
//! infrastructure. Pure, so the compare page, the promotion confirmation, the sign-off view and
//! the API show the same rows.
//!
//! Secret values never enter it: a secret is its reference and, when Greenlight may read the
//! parameter, the parameter's version and a keyed hash of its value. Two secrets are "the same
//! secret" when their keyed hashes match, whatever their references; when either side could
//! not be read they are compared by reference only.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A recorded config value: plain text, or a secret compared without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigEntry {
    /// Plain text, shown as it is.
    Plain(String),
    /// A reference to a secret, e.g. `ssm:/app/prod/api_key`.
    Secret(SecretEntry),
}

/// A secret as recorded at a deployment: where it lives and, if readable, what identifies its
/// value without revealing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretEntry {
    /// Where the secret lives (`ssm:/app/prod/api_key`).
    pub reference: String,
    /// Its version and keyed hash; `None` when the parameter could not be read.
    pub read: Option<SecretRead>,
}

/// What identifies a readable secret's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretRead {
    /// The parameter's version.
    pub version: i64,
    /// HMAC-SHA256 of the value under the installation's key, hex.
    pub keyed_hash: String,
}

/// One side of a comparison, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSide {
    /// Code rows: version, revision.
    pub code: BTreeMap<String, String>,
    /// The environment config, by key.
    pub config: BTreeMap<String, ConfigEntry>,
    /// Infrastructure rows: image, instance type, counts, strategy, networking, timings.
    pub infrastructure: BTreeMap<String, String>,
}

/// Which part of a side a row belongs to.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Version and revision.
    Code,
    /// The environment config.
    Config,
    /// Image, instances, networking and timings.
    Infrastructure,
}

/// How a row differs.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Only on the right.
    Added,
    /// Only on the left.
    Removed,
    /// On both sides, different.
    Changed,
    /// On both sides, equal.
    Same,
}

impl Change {
    /// The word for it, as pages and attributes say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed => "changed",
            Self::Same => "same",
        }
    }

    /// The same row seen from the other side.
    pub fn mirrored(self) -> Self {
        match self {
            Self::Added => Self::Removed,
            Self::Removed => Self::Added,
            other => other,
        }
    }
}

/// One key of one section on both sides, as shown.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffRow {
    /// The section.
    pub section: Section,
    /// The key (`version`, `DATABASE_URL`, `instance_type` …).
    pub key: String,
    /// The left side's value as shown (a secret as its reference), if it has the key.
    pub left: Option<String>,
    /// The right side's value as shown, if it has the key.
    pub right: Option<String>,
    /// How the sides differ.
    pub change: Change,
    /// For secrets: how they compare ("same secret", "version 3 → 4" …).
    pub note: Option<String>,
}

impl DiffRow {
    /// The row in one line: `KEY: left → right (note)`, `(none)` for a missing side.
    pub fn line(&self) -> String {
        let side = |value: &Option<String>| value.clone().unwrap_or_else(|| "(none)".into());
        let mut line = format!("{}: {} → {}", self.key, side(&self.left), side(&self.right));
        if let Some(note) = &self.note {
            line.push_str(&format!(" ({note})"));
        }
        line
    }
}

/// Every row of both sides, section by section, keys in order.
pub fn diff(left: &DiffSide, right: &DiffSide) -> Vec<DiffRow> {
    let mut rows = plain_rows(Section::Code, &left.code, &right.code);
    for key in keys(&left.config, &right.config) {
        rows.push(config_row(key, left.config.get(key), right.config.get(key)));
    }
    rows.extend(plain_rows(
        Section::Infrastructure,
        &left.infrastructure,
        &right.infrastructure,
    ));
    rows
}

fn keys<'a, V>(
    left: &'a BTreeMap<String, V>,
    right: &'a BTreeMap<String, V>,
) -> BTreeSet<&'a String> {
    left.keys().chain(right.keys()).collect()
}

fn plain_rows(
    section: Section,
    left: &BTreeMap<String, String>,
    right: &BTreeMap<String, String>,
) -> Vec<DiffRow> {
    keys(left, right)
        .into_iter()
        .map(|key| {
            let (l, r) = (left.get(key), right.get(key));
            DiffRow {
                section,
                key: key.clone(),
                left: l.cloned(),
                right: r.cloned(),
                change: presence(l, r).unwrap_or(if l == r {
                    Change::Same
                } else {
                    Change::Changed
                }),
                note: None,
            }
        })
        .collect()
}

/// Added or Removed when only one side has the key.
fn presence<T>(left: Option<T>, right: Option<T>) -> Option<Change> {
    match (left, right) {
        (None, Some(_)) => Some(Change::Added),
        (Some(_), None) => Some(Change::Removed),
        _ => None,
    }
}

/// A config entry as a row shows it: plain text as it is, a secret by its reference only.
pub fn shown(entry: &ConfigEntry) -> String {
    match entry {
        ConfigEntry::Plain(text) => text.clone(),
        ConfigEntry::Secret(secret) => match &secret.read {
            Some(read) => format!("secret {} (version {})", secret.reference, read.version),
            None => format!("secret {}", secret.reference),
        },
    }
}

fn config_row(key: &str, left: Option<&ConfigEntry>, right: Option<&ConfigEntry>) -> DiffRow {
    let (change, note) = match (left, right) {
        (Some(ConfigEntry::Secret(l)), Some(ConfigEntry::Secret(r))) => compare_secrets(l, r),
        (Some(l), Some(r)) => (
            if l == r {
                Change::Same
            } else {
                Change::Changed
            },
            None,
        ),
        (l, r) => (presence(l, r).unwrap_or(Change::Same), None),
    };
    DiffRow {
        section: Section::Config,
        key: key.to_owned(),
        left: left.map(shown),
        right: right.map(shown),
        change,
        note,
    }
}

fn compare_secrets(left: &SecretEntry, right: &SecretEntry) -> (Change, Option<String>) {
    match (&left.read, &right.read) {
        (Some(l), Some(r)) if l.keyed_hash == r.keyed_hash => {
            (Change::Same, Some("same secret".into()))
        }
        (Some(l), Some(r)) if left.reference == right.reference => (
            Change::Changed,
            Some(format!("changed: version {} → {}", l.version, r.version)),
        ),
        (Some(_), Some(_)) => (Change::Changed, Some("different secret".into())),
        _ if left.reference == right.reference => (
            Change::Same,
            Some("same reference; not readable, compared by reference only".into()),
        ),
        _ => (
            Change::Changed,
            Some("different reference; not readable, compared by reference only".into()),
        ),
    }
}

/// How many rows of each kind.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffCounts {
    /// Only on the right.
    pub added: usize,
    /// Only on the left.
    pub removed: usize,
    /// Different.
    pub changed: usize,
    /// Equal.
    pub same: usize,
}

/// Counts `rows` by kind.
pub fn counts(rows: &[DiffRow]) -> DiffCounts {
    rows.iter().fold(DiffCounts::default(), |mut n, row| {
        match row.change {
            Change::Added => n.added += 1,
            Change::Removed => n.removed += 1,
            Change::Changed => n.changed += 1,
            Change::Same => n.same += 1,
        }
        n
    })
}

impl Section {
    /// The section's heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::Code => "Code",
            Self::Config => "Config",
            Self::Infrastructure => "Infrastructure",
        }
    }
}

/// The rows as plain text to paste into a change ticket: a heading per section, one line per
/// row marked `+` added, `-` removed, `~` changed or blank for same (same rows left out unless
/// `with_same`), a secret by its reference only.
pub fn as_text(rows: &[DiffRow], with_same: bool) -> String {
    let mut text = String::new();
    let mut section = None;
    for row in rows
        .iter()
        .filter(|r| with_same || r.change != Change::Same)
    {
        if section != Some(row.section) {
            section = Some(row.section);
            text.push_str(row.section.title());
            text.push('\n');
        }
        let mark = match row.change {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Changed => '~',
            Change::Same => ' ',
        };
        text.push(mark);
        text.push(' ');
        text.push_str(&row.line());
        text.push('\n');
    }
    text
}

#[cfg(test)]
#[path = "env_diff_tests.rs"]
mod tests;
