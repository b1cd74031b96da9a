//! Schema awareness (seed 003: how are database upgrades handled?): a build may declare the
//! database schema version it expects. Going to a build with a lower one than the environment
//! runs — a rollback, or a promotion of an older build — is a schema downgrade: the release's
//! migrations do not run backwards by themselves, so it needs an explicit confirmation naming
//! both versions, and the history says it was confirmed.

use super::gates::{Gate, GateKind};

/// One side of a release change: a build's version and the schema it declares, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaSide<'a> {
    /// The build's version.
    pub version: &'a str,
    /// The schema version it declares.
    pub schema: Option<u32>,
}

/// `(from, to)` when going from `running` to `target` lowers the schema (both declare one).
pub fn downgrade(running: SchemaSide<'_>, target: SchemaSide<'_>) -> Option<(u32, u32)> {
    match (running.schema, target.schema) {
        (Some(from), Some(to)) if to < from => Some((from, to)),
        _ => None,
    }
}

/// The schema gate of going from `running` to `target` in `environment` (its title): none
/// when the schema does not go down; passed when `confirmed`.
pub fn schema_gate(
    environment: &str,
    running: SchemaSide<'_>,
    target: SchemaSide<'_>,
    confirmed: bool,
) -> Option<Gate> {
    let (from, to) = downgrade(running, target)?;
    let reason = if confirmed {
        format!("schema downgrade from {from} to {to} confirmed")
    } else {
        format!(
            "{} expects schema {to}, below the schema {from} of {} that {environment} runs: \
             confirm the schema downgrade",
            target.version, running.version
        )
    };
    Some(Gate {
        gate: GateKind::SchemaVersion,
        passed: confirmed,
        reason,
    })
}

/// What the history row's notes say of a confirmed downgrade.
pub fn downgrade_note(running: SchemaSide<'_>, target: SchemaSide<'_>) -> Option<String> {
    let (from, to) = downgrade(running, target)?;
    Some(format!(
        "schema downgrade confirmed: {} (schema {from}) → {} (schema {to})",
        running.version, target.version
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(version: &str, schema: Option<u32>) -> SchemaSide<'_> {
        SchemaSide { version, schema }
    }

    #[test]
    fn only_a_lower_declared_schema_is_a_downgrade() {
        let running = side("1.5.0", Some(14));
        assert_eq!(downgrade(running, side("1.4.1", Some(12))), Some((14, 12)));
        assert_eq!(downgrade(running, side("1.5.1", Some(14))), None, "same");
        assert_eq!(downgrade(running, side("1.6.0", Some(15))), None, "upgrade");
        assert_eq!(downgrade(running, side("1.4.0", None)), None, "undeclared");
        assert_eq!(
            downgrade(side("1.5.0", None), side("1.4.1", Some(12))),
            None
        );
    }

    #[test]
    fn the_gate_names_both_versions_and_passes_only_when_confirmed() {
        let (running, target) = (side("1.5.0", Some(14)), side("1.4.1", Some(12)));
        let refused = schema_gate("PROD", running, target, false).expect("a gate");
        assert!(!refused.passed);
        assert_eq!(
            refused.reason,
            "1.4.1 expects schema 12, below the schema 14 of 1.5.0 that PROD runs: confirm the \
             schema downgrade"
        );
        let confirmed = schema_gate("PROD", running, target, true).expect("a gate");
        assert!(confirmed.passed);
        assert_eq!(schema_gate("PROD", target, running, false), None);
        assert_eq!(
            downgrade_note(running, target).as_deref(),
            Some("schema downgrade confirmed: 1.5.0 (schema 14) → 1.4.1 (schema 12)")
        );
    }
}
