//! Deployment hooks: steps a team runs against the new fleet — acceptance tests before or
//! after the switch, and one-way steps such as database migrations just before traffic
//! moves — with what each run reported. What a hook *is* (a URL or a command) lives in the
//! server's config; a deployment's plan carries only what the engine sequences on.

use super::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// What a hook is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    /// Tests the new fleet; may run again after a restart.
    Acceptance,
    /// A one-way step (a database migration) run once before traffic moves; never run twice.
    PreCutover,
}

/// When a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HookStage {
    /// Once the new fleet is healthy, before any hold and before the switch.
    BeforeSwitch,
    /// Just before traffic moves (after a manual cutover's click).
    PreCutover,
    /// After the switch, during verification.
    AfterSwitch,
}

impl HookKind {
    /// The name as configured and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            HookKind::Acceptance => "acceptance",
            HookKind::PreCutover => "pre_cutover",
        }
    }

    /// Parses the stored name.
    pub fn parse(input: &str) -> Result<Self, String> {
        [HookKind::Acceptance, HookKind::PreCutover]
            .into_iter()
            .find(|k| k.as_str() == input)
            .ok_or_else(|| format!("unknown hook kind {input:?}"))
    }

    /// Whether running it twice could do harm: such a hook runs at most once.
    pub fn one_way(self) -> bool {
        self == HookKind::PreCutover
    }
}

impl HookStage {
    /// The name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            HookStage::BeforeSwitch => "before_switch",
            HookStage::PreCutover => "pre_cutover",
            HookStage::AfterSwitch => "after_switch",
        }
    }

    /// How the deployment page says when it ran.
    pub fn label(self) -> &'static str {
        match self {
            HookStage::BeforeSwitch => "before the switch",
            HookStage::PreCutover => "just before traffic moved",
            HookStage::AfterSwitch => "after the switch",
        }
    }

    /// Parses the stored name.
    pub fn parse(input: &str) -> Result<Self, String> {
        [
            HookStage::BeforeSwitch,
            HookStage::PreCutover,
            HookStage::AfterSwitch,
        ]
        .into_iter()
        .find(|s| s.as_str() == input)
        .ok_or_else(|| format!("unknown hook stage {input:?}"))
    }
}

/// A hook as a deployment's plan carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookSpec {
    /// Its name in the environment's config.
    pub name: String,
    /// What it is for.
    pub kind: HookKind,
    /// When it runs.
    pub stage: HookStage,
    /// How long a run may take before it counts as failed.
    pub timeout_ms: i64,
}

/// Where a hook run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HookStatus {
    /// Greenlight is calling it.
    Starting,
    /// Called; its result is awaited.
    Running,
    /// Reported success.
    Passed,
    /// Reported failure, could not be called, or was interrupted where running it again
    /// could do harm.
    Failed,
    /// No result within its timeout.
    TimedOut,
}

impl HookStatus {
    /// The name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            HookStatus::Starting => "starting",
            HookStatus::Running => "running",
            HookStatus::Passed => "passed",
            HookStatus::Failed => "failed",
            HookStatus::TimedOut => "timed_out",
        }
    }

    /// Parses the stored name.
    pub fn parse(input: &str) -> Result<Self, String> {
        [
            HookStatus::Starting,
            HookStatus::Running,
            HookStatus::Passed,
            HookStatus::Failed,
            HookStatus::TimedOut,
        ]
        .into_iter()
        .find(|s| s.as_str() == input)
        .ok_or_else(|| format!("unknown hook status {input:?}"))
    }

    /// Whether the run has its result.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            HookStatus::Passed | HookStatus::Failed | HookStatus::TimedOut
        )
    }
}

/// One run of a hook, as the deployment page and API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HookRunView {
    /// The run's id (its callback names it).
    pub id: i64,
    /// The hook's name.
    pub name: String,
    /// What it is for.
    pub kind: HookKind,
    /// When it ran.
    pub stage: HookStage,
    /// Where it stands.
    pub status: HookStatus,
    /// When it was called.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub started_at: Timestamp,
    /// How long it took, once it has its result.
    pub seconds: Option<i64>,
    /// What it reported (or why it failed).
    pub summary: Option<String>,
    /// Where its full report is (a CI run's page).
    pub link: Option<String>,
    /// A command's output, its end kept when long.
    pub output: Option<String>,
}

/// The longest summary a hook may report.
pub const MAX_SUMMARY: usize = 500;

/// A result a hook reports to its callback, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookReport {
    /// Passed or failed.
    pub passed: bool,
    /// A short line for the timeline.
    pub summary: Option<String>,
    /// Where the full report is.
    pub link: Option<String>,
}

impl HookReport {
    /// Checks a reported `status` (`passed` or `failed`), `summary` and `link`, naming the
    /// field at fault.
    pub fn parse(
        status: &str,
        summary: Option<&str>,
        link: Option<&str>,
    ) -> Result<Self, (&'static str, String)> {
        let passed = match status {
            "passed" => true,
            "failed" => false,
            other => {
                return Err((
                    "status",
                    format!("must be \"passed\" or \"failed\", not {other:?}"),
                ))
            }
        };
        let summary = summary.map(str::trim).filter(|s| !s.is_empty());
        if let Some(summary) = summary {
            if summary.chars().count() > MAX_SUMMARY {
                return Err(("summary", format!("at most {MAX_SUMMARY} characters")));
            }
        }
        let link = link.map(str::trim).filter(|s| !s.is_empty());
        if let Some(link) = link {
            super::http_url::HttpUrl::parse(link).map_err(|reason| ("link", reason))?;
        }
        Ok(Self {
            passed,
            summary: summary.map(str::to_owned),
            link: link.map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_names_the_field_at_fault() {
        let ok = HookReport::parse("passed", Some(" 42 green "), Some("https://ci.example/1"))
            .expect("valid");
        assert!(ok.passed);
        assert_eq!(ok.summary.as_deref(), Some("42 green"));
        assert_eq!(HookReport::parse("ok", None, None).unwrap_err().0, "status");
        let long = "x".repeat(MAX_SUMMARY + 1);
        assert_eq!(
            HookReport::parse("failed", Some(&long), None)
                .unwrap_err()
                .0,
            "summary"
        );
        assert_eq!(
            HookReport::parse("failed", None, Some("javascript:alert(1)"))
                .unwrap_err()
                .0,
            "link"
        );
        assert!(
            !HookReport::parse("failed", Some(""), Some(""))
                .expect("blank is none")
                .passed
        );
    }

    #[test]
    fn names_round_trip_and_only_pre_cutover_is_one_way() {
        for kind in [HookKind::Acceptance, HookKind::PreCutover] {
            assert_eq!(HookKind::parse(kind.as_str()), Ok(kind));
        }
        for stage in [
            HookStage::BeforeSwitch,
            HookStage::PreCutover,
            HookStage::AfterSwitch,
        ] {
            assert_eq!(HookStage::parse(stage.as_str()), Ok(stage));
        }
        assert!(HookKind::PreCutover.one_way() && !HookKind::Acceptance.one_way());
        assert!(HookStatus::parse("timed_out").expect("known").is_final());
        assert!(!HookStatus::Running.is_final());
    }
}
