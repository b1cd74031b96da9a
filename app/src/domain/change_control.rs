//! Change control: why an environment is frozen (its config, a person at run time, or a
//! scheduled window), who holds its lock, and the gates both add to a change — pure rules the
//! pages, the API and the deployment service share.

use super::gates::{Gate, GateKind};
use super::Timestamp;
use serde::{Deserialize, Serialize};

/// Longest reason accepted for a freeze, a lock or an override.
pub const MAX_REASON: usize = 500;

/// Where a freeze comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FreezeSource {
    /// The config key `frozen`: nobody lifts it from the UI.
    Config,
    /// Set by a person at run time (`by`, `at`); lifted the same way.
    RunTime,
    /// A scheduled freeze window (`window`, `until`).
    Window,
}

/// A freeze in force. A flat record (no tagged or flattened parts), so that the browser's
/// code to read it stays small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Freeze {
    /// Why.
    pub reason: String,
    /// Where it comes from.
    pub source: FreezeSource,
    /// Who froze it (a person's freeze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When (epoch ms; a person's freeze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    /// The window's name (a scheduled window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// When the window ends (epoch ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
}

impl Freeze {
    /// The config's freeze.
    pub fn config(reason: String) -> Self {
        Self {
            reason,
            source: FreezeSource::Config,
            by: None,
            at: None,
            window: None,
            until: None,
        }
    }

    /// A person's freeze.
    pub fn run_time(reason: String, by: String, at: i64) -> Self {
        Self {
            reason,
            source: FreezeSource::RunTime,
            by: Some(by),
            at: Some(at),
            window: None,
            until: None,
        }
    }

    /// A window's freeze.
    pub fn window(reason: String, window: String, until: i64) -> Self {
        Self {
            reason,
            source: FreezeSource::Window,
            by: None,
            at: None,
            window: Some(window),
            until: Some(until),
        }
    }

    /// "incident 42 (frozen by ana)": the reason and where it comes from.
    pub fn describe(&self) -> String {
        match self.source {
            FreezeSource::Config => format!("{} (in the configuration)", self.reason),
            FreezeSource::RunTime => format!(
                "{} (frozen by {})",
                self.reason,
                self.by.as_deref().unwrap_or("someone")
            ),
            FreezeSource::Window => format!(
                "{} (freeze window {} until {})",
                self.reason,
                self.window.as_deref().unwrap_or_default(),
                Timestamp::from_millis(self.until.unwrap_or_default()).to_display()
            ),
        }
    }
}

/// An environment's lock: only its holder (or an admin who breaks it) changes the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Lock {
    /// Who holds it.
    pub holder: String,
    /// Their user id.
    pub holder_id: i64,
    /// Why they took it.
    pub reason: String,
    /// Since when (epoch ms).
    pub since: i64,
    /// When it lapses by itself (epoch ms).
    pub expires_at: i64,
}

/// A scheduled freeze window's next (or current) occurrence, for the environment page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowView {
    /// The window's name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Start (epoch ms).
    pub start: i64,
    /// End (epoch ms).
    pub end: i64,
}

/// Characters a reason may not consist of alone: Unicode white space and the byte-order mark
/// (the API document's pattern names the same set, so that every client agrees).
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// A reason as a person typed it: at most [`MAX_REASON`] characters, no control characters but
/// newlines, something besides blanks; kept trimmed.
pub fn parse_reason(text: &str) -> Result<String, String> {
    if text.chars().count() > MAX_REASON {
        return Err(format!("must be at most {MAX_REASON} characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("must not contain control characters".into());
    }
    let text = text.trim_matches(is_blank);
    if text.is_empty() {
        return Err("is required".into());
    }
    Ok(text.to_owned())
}

/// The freeze gate of a deploy or promotion: passes when nothing is frozen, or when an admin
/// overrides the freeze with a reason (the gate then says so).
pub fn freeze_gate(freeze: Option<&Freeze>, overridden: Option<&str>) -> Gate {
    let (passed, reason) = match (freeze, overridden) {
        (None, _) => (true, "not frozen".to_owned()),
        (Some(freeze), Some(why)) => (
            true,
            format!("frozen: {} — overridden: {why}", freeze.describe()),
        ),
        (Some(freeze), None) => (false, format!("frozen: {}", freeze.describe())),
    };
    Gate {
        gate: GateKind::NotFrozen,
        passed,
        reason,
    }
}

/// The lock gate of any change: passes when there is no lock or the asker holds it.
pub fn lock_gate(lock: Option<&Lock>, asker_id: i64) -> Option<Gate> {
    let lock = lock?;
    let mine = lock.holder_id == asker_id;
    let since = Timestamp::from_millis(lock.since).to_rfc3339();
    Some(Gate {
        gate: GateKind::NotLocked,
        passed: mine,
        reason: if mine {
            format!("locked by you since {since}")
        } else {
            format!(
                "locked by {} since {since}: {} (only they change it until they release it; an admin may break the lock)",
                lock.holder, lock.reason
            )
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock() -> Lock {
        Lock {
            holder: "ana".into(),
            holder_id: 7,
            reason: "investigating incident".into(),
            since: 0,
            expires_at: 3_600_000,
        }
    }

    #[test]
    fn a_freeze_fails_its_gate_unless_overridden_and_the_gate_says_which() {
        let freeze = Freeze::run_time("incident 42".into(), "ana".into(), 0);
        assert!(freeze_gate(None, None).passed);
        let refused = freeze_gate(Some(&freeze), None);
        assert!(!refused.passed);
        assert_eq!(refused.reason, "frozen: incident 42 (frozen by ana)");
        let overridden = freeze_gate(Some(&freeze), Some("hotfix for checkout"));
        assert!(overridden.passed);
        assert!(overridden
            .reason
            .ends_with("overridden: hotfix for checkout"));
    }

    #[test]
    fn a_lock_stops_everyone_but_its_holder() {
        assert_eq!(lock_gate(None, 1), None);
        let theirs = lock_gate(Some(&lock()), 1).expect("gate");
        assert!(!theirs.passed);
        assert!(
            theirs.reason.contains("locked by ana")
                && theirs.reason.contains("investigating incident")
        );
        assert!(lock_gate(Some(&lock()), 7).expect("gate").passed);
    }

    #[test]
    fn reasons_are_trimmed_required_and_bounded() {
        assert_eq!(
            parse_reason("  incident 42 \n").as_deref(),
            Ok("incident 42")
        );
        assert!(parse_reason("   ").is_err());
        assert!(parse_reason(&"x".repeat(MAX_REASON + 1)).is_err());
        assert!(parse_reason("a\u{0}b").is_err());
        assert!(parse_reason("\u{feff}\u{3000}").is_err(), "blanks alone");
        let padded = format!("{} ", "x".repeat(MAX_REASON));
        assert!(parse_reason(&padded).is_err(), "the length counts as sent");
    }
}
