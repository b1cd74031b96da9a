//! Promotion gates: what must hold before a build may enter an environment, each with the
//! reason a person reads when it fails. Evaluated from plain facts the server gathers, so the
//! confirmation dialog and the API refuse for exactly the same reasons.

use serde::{Deserialize, Serialize};

/// Which rule a gate checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GateKind {
    /// The previous environment runs a build to promote.
    SourceRelease,
    /// The previous environment is settled: nothing in flight there, and its serving fleet
    /// runs the release that is promoted (so the image baked or reused is what QA approved).
    SourceSettled,
    /// The target does not already run that build.
    NotAlreadyReleased,
    /// An approved QA sign-off on the previous environment that still counts.
    Signoff,
    /// The promoter is not the sign-off's approver.
    FourEyes,
    /// The environment is not frozen (or an admin overrides the freeze).
    NotFrozen,
    /// Nobody else holds the environment's lock.
    NotLocked,
    /// No other mutation of the environment is in flight.
    NothingInFlight,
    /// None of the environment's alarms is firing.
    AlarmsQuiet,
    /// The build does not expect a lower database schema than the one running, or the
    /// downgrade is confirmed.
    SchemaVersion,
}

/// One gate's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Gate {
    /// The rule.
    pub gate: GateKind,
    /// Whether it holds.
    pub passed: bool,
    /// Why it holds or fails, in words.
    pub reason: String,
}

/// The sign-off facts a gate needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignoffFacts {
    /// `approved` or `rejected`.
    pub approved: bool,
    /// Who signed (the name as signed).
    pub signed_by: String,
    /// The signer's user id; `None` for a sign-off whose signer matched no user when ids were
    /// first recorded (then the name is compared).
    pub signed_by_id: Option<i64>,
    /// Why it no longer counts (empty when it does).
    pub void_reasons: Vec<String>,
}

/// Everything the gates of one promotion look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionFacts {
    /// The previous environment's title.
    pub source_title: String,
    /// The build the previous environment runs.
    pub source_build: Option<String>,
    /// The build the previous environment's serving fleet runs (none: no fleet).
    pub source_fleet_build: Option<String>,
    /// The id of a mutation in flight on the previous environment.
    pub source_in_flight: Option<i64>,
    /// The build the target runs.
    pub target_build: Option<String>,
    /// `requires_signoff` of the target.
    pub requires_signoff: bool,
    /// `four_eyes` of the target.
    pub four_eyes: bool,
    /// The newest sign-off of the source build on the source environment.
    pub signoff: Option<SignoffFacts>,
    /// Who asks to promote (their name now).
    pub promoter: String,
    /// Their user id.
    pub promoter_id: i64,
    /// Why the target is frozen, if it is.
    pub frozen: Option<String>,
    /// The id of a mutation in flight on the target.
    pub in_flight: Option<i64>,
    /// Alarms of the target that fire now.
    pub alarms_firing: Vec<String>,
}

fn gate(gate: GateKind, passed: bool, reason: impl Into<String>) -> Gate {
    Gate {
        gate,
        passed,
        reason: reason.into(),
    }
}

/// Every gate of a promotion, passed or not, in the order the dialog lists them.
pub fn promotion_gates(facts: &PromotionFacts) -> Vec<Gate> {
    let mut gates = Vec::new();
    let source = &facts.source_title;
    match &facts.source_build {
        Some(build) => gates.push(gate(
            GateKind::SourceRelease,
            true,
            format!("{source} runs {build}"),
        )),
        None => gates.push(gate(
            GateKind::SourceRelease,
            false,
            format!("{source} runs no release to promote"),
        )),
    }
    if let Some(settled) = source_settled_gate(facts) {
        gates.push(settled);
    }
    if let (Some(source_build), Some(target_build)) = (&facts.source_build, &facts.target_build) {
        if source_build == target_build {
            gates.push(gate(
                GateKind::NotAlreadyReleased,
                false,
                format!("{target_build} is already released here"),
            ));
        }
    }
    if facts.requires_signoff {
        gates.push(signoff_gate(facts));
        if facts.four_eyes {
            gates.push(four_eyes_gate(facts));
        }
    }
    gates.extend(environment_gates(
        facts.frozen.as_deref(),
        facts.in_flight,
        &facts.alarms_firing,
    ));
    gates
}

/// Whether what the previous environment serves is what would be promoted; `None` when it
/// runs no release (the source-release gate already says so).
fn source_settled_gate(facts: &PromotionFacts) -> Option<Gate> {
    let source = &facts.source_title;
    let build = facts.source_build.as_ref()?;
    Some(match (&facts.source_in_flight, &facts.source_fleet_build) {
        (Some(id), _) => gate(
            GateKind::SourceSettled,
            false,
            format!("{source} has deployment #{id} in flight: promote once it settles"),
        ),
        (None, Some(serving)) if serving != build => gate(
            GateKind::SourceSettled,
            false,
            format!("{source}'s serving fleet runs {serving}, not {build}, the release to promote"),
        ),
        (None, _) => gate(
            GateKind::SourceSettled,
            true,
            format!("{source} is settled on {build}"),
        ),
    })
}

fn signoff_gate(facts: &PromotionFacts) -> Gate {
    let source = &facts.source_title;
    match &facts.signoff {
        None => gate(
            GateKind::Signoff,
            false,
            format!("no QA sign-off on {source} yet"),
        ),
        Some(s) if !s.approved => gate(
            GateKind::Signoff,
            false,
            format!("QA ({}) rejected it on {source}", s.signed_by),
        ),
        Some(s) if !s.void_reasons.is_empty() => gate(
            GateKind::Signoff,
            false,
            format!(
                "the sign-off by {} no longer counts: {}",
                s.signed_by,
                s.void_reasons.join("; ")
            ),
        ),
        Some(s) => gate(
            GateKind::Signoff,
            true,
            format!("approved on {source} by {}", s.signed_by),
        ),
    }
}

/// Whether the promoter is the signer: by user id (so a rename changes nothing), or by name
/// for a sign-off recorded before ids were.
fn same_person(signoff: &SignoffFacts, facts: &PromotionFacts) -> bool {
    match signoff.signed_by_id {
        Some(id) => id == facts.promoter_id,
        None => signoff.signed_by == facts.promoter,
    }
}

fn four_eyes_gate(facts: &PromotionFacts) -> Gate {
    match &facts.signoff {
        Some(s) if s.approved && same_person(s, facts) => gate(
            GateKind::FourEyes,
            false,
            if s.signed_by == facts.promoter {
                format!(
                    "{} approved it, so someone else must promote it",
                    s.signed_by
                )
            } else {
                format!(
                    "{} approved it (as {}), so someone else must promote it",
                    facts.promoter, s.signed_by
                )
            },
        ),
        Some(s) if s.approved => gate(
            GateKind::FourEyes,
            true,
            format!("promoter {} is not the approver", facts.promoter),
        ),
        _ => gate(
            GateKind::FourEyes,
            false,
            "needs an approved sign-off first",
        ),
    }
}

/// The gates every mutation of an environment passes: not frozen, nothing in flight, alarms
/// quiet.
pub fn environment_gates(
    frozen: Option<&str>,
    in_flight: Option<i64>,
    alarms_firing: &[String],
) -> Vec<Gate> {
    vec![
        match frozen {
            Some(reason) => gate(GateKind::NotFrozen, false, format!("frozen: {reason}")),
            None => gate(GateKind::NotFrozen, true, "not frozen"),
        },
        match in_flight {
            Some(id) => gate(
                GateKind::NothingInFlight,
                false,
                format!("deployment #{id} is still in flight"),
            ),
            None => gate(GateKind::NothingInFlight, true, "nothing else in flight"),
        },
        if alarms_firing.is_empty() {
            gate(GateKind::AlarmsQuiet, true, "no alarm firing")
        } else {
            gate(
                GateKind::AlarmsQuiet,
                false,
                format!("alarm firing: {}", alarms_firing.join(", ")),
            )
        },
    ]
}

/// The gates that failed.
pub fn failed(gates: &[Gate]) -> Vec<Gate> {
    gates.iter().filter(|g| !g.passed).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> PromotionFacts {
        PromotionFacts {
            source_title: "STAGING".into(),
            source_build: Some("1.4.2".into()),
            source_fleet_build: Some("1.4.2".into()),
            source_in_flight: None,
            target_build: Some("1.4.1".into()),
            requires_signoff: true,
            four_eyes: true,
            signoff: Some(SignoffFacts {
                approved: true,
                signed_by: "quinn".into(),
                signed_by_id: Some(7),
                void_reasons: vec![],
            }),
            promoter: "erin".into(),
            promoter_id: 8,
            frozen: None,
            in_flight: None,
            alarms_firing: vec![],
        }
    }

    fn failing(facts: &PromotionFacts) -> Vec<GateKind> {
        failed(&promotion_gates(facts))
            .into_iter()
            .map(|g| g.gate)
            .collect()
    }

    #[test]
    fn an_approved_promotion_by_someone_else_passes_every_gate() {
        let gates = promotion_gates(&facts());
        assert_eq!(gates.len(), 7);
        assert!(gates.iter().all(|g| g.passed), "{gates:?}");
    }

    #[test]
    fn each_failing_rule_is_named_with_its_reason() {
        let mut f = facts();
        f.promoter_id = 7;
        assert_eq!(failing(&f), [GateKind::FourEyes]);

        let mut f = facts();
        f.signoff = None;
        assert_eq!(failing(&f), [GateKind::Signoff, GateKind::FourEyes]);

        let mut f = facts();
        f.signoff.as_mut().unwrap().approved = false;
        let gates = failed(&promotion_gates(&f));
        assert!(gates[0].reason.contains("rejected"), "{gates:?}");

        let mut f = facts();
        f.signoff.as_mut().unwrap().void_reasons = vec!["config changed since: API_KEY".into()];
        let gates = failed(&promotion_gates(&f));
        assert_eq!(gates[0].gate, GateKind::Signoff);
        assert!(gates[0].reason.contains("API_KEY"), "{gates:?}");

        let mut f = facts();
        f.frozen = Some("incident 42".into());
        f.in_flight = Some(7);
        f.alarms_firing = vec!["prod-5xx".into()];
        assert_eq!(
            failing(&f),
            [
                GateKind::NotFrozen,
                GateKind::NothingInFlight,
                GateKind::AlarmsQuiet
            ]
        );

        let mut f = facts();
        f.source_build = None;
        assert_eq!(failing(&f), [GateKind::SourceRelease]);

        let mut f = facts();
        f.target_build = Some("1.4.2".into());
        assert_eq!(failing(&f), [GateKind::NotAlreadyReleased]);
    }

    #[test]
    fn four_eyes_compares_user_ids_so_a_renamed_approver_still_cannot_promote() {
        let mut renamed = facts();
        renamed.promoter = "quinn-renamed".into();
        renamed.promoter_id = 7;
        let failed = super::failed(&promotion_gates(&renamed));
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(failed[0].gate, GateKind::FourEyes);
        assert!(
            failed[0]
                .reason
                .contains("quinn-renamed approved it (as quinn)"),
            "{failed:?}"
        );
        // Someone who took the approver's old name is someone else.
        let mut namesake = facts();
        namesake.promoter = "quinn".into();
        assert!(super::failed(&promotion_gates(&namesake)).is_empty());
        // A sign-off recorded before ids were compares names.
        let mut legacy = facts();
        legacy.signoff.as_mut().unwrap().signed_by_id = None;
        legacy.promoter = "quinn".into();
        assert_eq!(failing(&legacy), [GateKind::FourEyes]);
    }

    #[test]
    fn without_required_sign_off_only_source_and_environment_gates_apply() {
        let mut f = facts();
        f.requires_signoff = false;
        f.signoff = None;
        let kinds: Vec<GateKind> = promotion_gates(&f).into_iter().map(|g| g.gate).collect();
        assert_eq!(
            kinds,
            [
                GateKind::SourceRelease,
                GateKind::SourceSettled,
                GateKind::NotFrozen,
                GateKind::NothingInFlight,
                GateKind::AlarmsQuiet
            ]
        );
    }

    #[test]
    fn a_source_with_a_deployment_in_flight_or_a_fleet_on_another_build_refuses() {
        let mut busy = facts();
        busy.source_in_flight = Some(12);
        let failed = super::failed(&promotion_gates(&busy));
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(failed[0].gate, GateKind::SourceSettled);
        assert!(failed[0].reason.contains("#12 in flight"));
        let mut drifted = facts();
        drifted.source_fleet_build = Some("1.5.0".into());
        let failed = super::failed(&promotion_gates(&drifted));
        assert_eq!(failed[0].gate, GateKind::SourceSettled);
        assert!(failed[0].reason.contains("runs 1.5.0, not 1.4.2"));
        assert!(super::failed(&promotion_gates(&facts())).is_empty());
    }
}
