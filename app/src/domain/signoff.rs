//! QA sign-offs are bound to exactly what was tested: the build, the image it ran from and
//! the environment's config. If any of these changes, the sign-off no longer counts, and
//! [`void_reasons`] says why in words a person can act on.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A QA verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Good to promote.
    Approved,
    /// Not good to promote.
    Rejected,
}

impl Verdict {
    /// The verdict as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::Rejected => "rejected",
        }
    }

    /// Parses `approved` or `rejected`.
    pub fn parse(input: &str) -> Result<Self, String> {
        match input {
            "approved" => Ok(Verdict::Approved),
            "rejected" => Ok(Verdict::Rejected),
            _ => Err("must be \"approved\" or \"rejected\"".into()),
        }
    }
}

/// A recorded sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignOff {
    /// Id.
    pub id: i64,
    /// The build's version.
    pub build: String,
    /// The environment it was tested in.
    pub environment: String,
    /// Approved or rejected.
    pub verdict: Verdict,
    /// What QA wrote.
    pub notes: String,
    /// Who signed.
    pub signed_by: String,
    /// When.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub signed_at: super::Timestamp,
    /// The image that was tested.
    pub image_id: String,
    /// SHA-256 of everything signed (code, config with secret versions and keyed hashes,
    /// infrastructure); none for sign-offs recorded before it was kept.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// What a sign-off was given for (and what a promotion would ship). Config values are
/// stored as given; secret entries hold only their reference, never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// Build version.
    pub version: String,
    /// Git revision of the build.
    pub revision: String,
    /// The image the environment runs the build from.
    pub image_id: String,
    /// The environment's config snapshot, by key (a secret as `secret:<reference>`, with
    /// `#v<version>:<keyed hash>` when it could be read, so a rotated secret voids it).
    pub config: BTreeMap<String, String>,
    /// Everything the environment was when signed (code, config, infrastructure), for showing
    /// what changed since; absent in sign-offs recorded before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<super::env_diff::DiffSide>,
}

/// Why a sign-off no longer counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoidReason {
    /// Another build runs now.
    BuildChanged {
        /// Signed-off version.
        signed: String,
        /// Current version.
        current: String,
    },
    /// Same version, other revision (a rebuilt version).
    RevisionChanged,
    /// The image changed.
    ImageChanged {
        /// Signed-off image.
        signed: String,
        /// Current image.
        current: String,
    },
    /// Config keys added, removed or changed (names only; values may be sensitive).
    ConfigChanged {
        /// The keys that differ.
        keys: Vec<String>,
    },
}

impl VoidReason {
    /// A sentence for the UI.
    pub fn describe(&self) -> String {
        match self {
            VoidReason::BuildChanged { signed, current } => {
                format!("signed off for build {signed}, but the environment now runs {current}")
            }
            VoidReason::RevisionChanged => "the build was rebuilt from another revision".into(),
            VoidReason::ImageChanged { signed, current } => {
                format!("signed off on image {signed}, but the environment now runs {current}")
            }
            VoidReason::ConfigChanged { keys } => {
                format!("config changed since: {}", keys.join(", "))
            }
        }
    }
}

/// Whether a config value signed is the one there now. A secret signed before Greenlight read
/// secret versions (`secret:<reference>`, no `#v…`) is compared by reference only, so that
/// upgrading does not void every sign-off on a config with secrets.
fn same_config(signed: Option<&String>, current: Option<&String>) -> bool {
    match (signed, current) {
        (Some(then), Some(now)) if then.starts_with("secret:") && !then.contains('#') => {
            now.split_once('#')
                .map_or(now.as_str(), |(reference, _)| reference)
                == then
        }
        (then, now) => then == now,
    }
}

/// Everything that differs between what was signed off and what runs now; empty when the
/// sign-off still counts.
pub fn void_reasons(signed: &Basis, current: &Basis) -> Vec<VoidReason> {
    let mut reasons = Vec::new();
    if signed.version != current.version {
        reasons.push(VoidReason::BuildChanged {
            signed: signed.version.clone(),
            current: current.version.clone(),
        });
    } else if signed.revision != current.revision {
        reasons.push(VoidReason::RevisionChanged);
    }
    if signed.image_id != current.image_id {
        reasons.push(VoidReason::ImageChanged {
            signed: signed.image_id.clone(),
            current: current.image_id.clone(),
        });
    }
    let keys: BTreeSet<&String> = signed.config.keys().chain(current.config.keys()).collect();
    let changed: Vec<String> = keys
        .into_iter()
        .filter(|k| !same_config(signed.config.get(*k), current.config.get(*k)))
        .cloned()
        .collect();
    if !changed.is_empty() {
        reasons.push(VoidReason::ConfigChanged { keys: changed });
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basis() -> Basis {
        Basis {
            version: "1.4.2".into(),
            revision: "9fceb02".into(),
            image_id: "ami-12345678".into(),
            config: BTreeMap::from([
                ("DATABASE_URL".into(), "postgres://staging-db/app".into()),
                ("API_KEY".into(), "secret:ssm:/app/staging/api_key".into()),
            ]),
            side: None,
        }
    }

    #[test]
    fn verdicts_round_trip_and_others_are_refused() {
        for verdict in [Verdict::Approved, Verdict::Rejected] {
            assert_eq!(Verdict::parse(verdict.as_str()), Ok(verdict));
        }
        assert!(Verdict::parse("maybe").is_err());
    }

    #[test]
    fn an_unchanged_basis_keeps_the_sign_off() {
        assert!(void_reasons(&basis(), &basis()).is_empty());
    }

    #[test]
    fn each_change_is_named() {
        let mut current = basis();
        current.version = "1.4.3".into();
        current.image_id = "ami-87654321".into();
        current.config.insert("FEATURE_X".into(), "on".into());
        current.config.remove("API_KEY");
        let reasons = void_reasons(&basis(), &current);
        assert_eq!(
            reasons,
            [
                VoidReason::BuildChanged {
                    signed: "1.4.2".into(),
                    current: "1.4.3".into()
                },
                VoidReason::ImageChanged {
                    signed: "ami-12345678".into(),
                    current: "ami-87654321".into()
                },
                VoidReason::ConfigChanged {
                    keys: vec!["API_KEY".into(), "FEATURE_X".into()]
                },
            ]
        );
        assert_eq!(
            reasons[2].describe(),
            "config changed since: API_KEY, FEATURE_X"
        );
    }

    #[test]
    fn a_rebuilt_version_voids_the_sign_off() {
        let mut current = basis();
        current.revision = "abcdef1".into();
        assert_eq!(
            void_reasons(&basis(), &current),
            [VoidReason::RevisionChanged]
        );
    }

    #[test]
    fn a_secret_signed_before_versions_were_read_counts_by_reference_and_a_new_version_voids() {
        let mut now = basis();
        now.config.insert(
            "API_KEY".into(),
            "secret:ssm:/app/staging/api_key#v3:abc123".into(),
        );
        assert!(void_reasons(&basis(), &now).is_empty(), "same reference");
        let mut moved = basis();
        moved.config.insert(
            "API_KEY".into(),
            "secret:ssm:/app/other/api_key#v3:abc123".into(),
        );
        assert_eq!(
            void_reasons(&basis(), &moved),
            [VoidReason::ConfigChanged {
                keys: vec!["API_KEY".into()]
            }]
        );
        let mut rotated = now.clone();
        rotated.config.insert(
            "API_KEY".into(),
            "secret:ssm:/app/staging/api_key#v4:def456".into(),
        );
        assert_eq!(
            void_reasons(&now, &rotated),
            [VoidReason::ConfigChanged {
                keys: vec!["API_KEY".into()]
            }]
        );
    }

    #[test]
    fn config_reasons_never_carry_values() {
        let mut current = basis();
        current.config.insert(
            "DATABASE_URL".into(),
            "postgres://user:hunter2@db/app".into(),
        );
        let text = void_reasons(&basis(), &current)[0].describe();
        assert!(text.contains("DATABASE_URL") && !text.contains("hunter2"));
    }
}
