//! The comparison of two sides (environments or deployments) as the compare page, the
//! promotion confirmation and `GET /api/v1/diff` show it.

use crate::domain::env_diff::{as_text, DiffCounts, DiffRow};
use crate::domain::{BuildChange, Timestamp};
use serde::{Deserialize, Serialize};

/// What one side is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SideLabel {
    /// How it was asked for: an environment name (`prod`) or a deployment id (`42`).
    pub spec: String,
    /// What the page calls it: `PROD (now)`, `deployment #42 · PROD`.
    pub title: String,
    /// The environment.
    pub environment: String,
    /// The deployment: the release the environment runs, or the one asked for.
    pub deployment_id: Option<i64>,
    /// When the side was recorded (a deployment's acceptance), `None` for "now".
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub recorded_at: Option<Timestamp>,
    /// The snapshot's SHA-256 (deployments).
    pub snapshot_hash: Option<String>,
}

/// A change (commit) in a build between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RangeChange {
    /// The build that brought it.
    pub version: String,
    /// The change as CI sent it.
    pub change: BuildChange,
}

/// The builds between the two sides' builds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CodeRange {
    /// How many builds the right side is ahead of the left (negative: behind).
    pub ahead_by: i64,
    /// The changes of those builds, newest first (at most [`CodeRange::LIMIT`]).
    pub changes: Vec<RangeChange>,
    /// How many changes there are in all.
    pub total_changes: usize,
    /// A link comparing the two revisions, when `repository.compare_url` is configured.
    pub compare_url: Option<String>,
}

impl CodeRange {
    /// Changes listed at most.
    pub const LIMIT: usize = 200;
}

/// Two sides compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// The left side ("from").
    pub left: SideLabel,
    /// The right side ("to").
    pub right: SideLabel,
    /// Every row, section by section.
    pub rows: Vec<DiffRow>,
    /// Rows by kind.
    pub counts: DiffCounts,
    /// The changes between the two builds.
    pub code: CodeRange,
    /// A link to a revision, `{revision}` standing for it, when `repository.commit_url` is
    /// configured.
    pub commit_url: Option<String>,
    /// The pipeline's environments, in order, for choosing sides.
    pub environments: Vec<super::EnvironmentInfo>,
    /// Recent deployments that can be compared (they recorded a snapshot), newest first, for
    /// choosing sides.
    #[serde(default)]
    pub deployments: Vec<DeploymentChoice>,
}

/// A deployment offered as a side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeploymentChoice {
    /// The deployment's id (what a side names).
    pub id: i64,
    /// What it was: `#42 · PROD · 1.4.0 · promote · 2026-11-20`.
    pub label: String,
}

impl Comparison {
    /// Whether anything differs.
    pub fn differs(&self) -> bool {
        self.counts.added + self.counts.removed + self.counts.changed > 0
    }

    /// The comparison as plain text for a change ticket: the two sides, the counts, the rows
    /// (same rows only `with_same`) and the changes between the builds.
    pub fn as_text(&self, with_same: bool) -> String {
        let c = &self.counts;
        let mut text = format!(
            "{} → {}\n{} changed, {} added, {} removed, {} same\n\n",
            self.left.title, self.right.title, c.changed, c.added, c.removed, c.same
        );
        text.push_str(&as_text(&self.rows, with_same));
        let code = &self.code;
        if !code.changes.is_empty() {
            let direction = if code.ahead_by >= 0 {
                "ahead of"
            } else {
                "behind"
            };
            text.push_str(&format!(
                "\nChanges ({} builds {direction} the left side)\n",
                code.ahead_by.abs()
            ));
            for item in &code.changes {
                text.push_str(&format!(
                    "  {} {} {} ({})\n",
                    item.version, item.change.revision, item.change.summary, item.change.author
                ));
            }
            if code.total_changes > code.changes.len() {
                text.push_str(&format!(
                    "  … and {} more\n",
                    code.total_changes - code.changes.len()
                ));
            }
        }
        text
    }
}
