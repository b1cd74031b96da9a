//! The schema gate of a release change from the builds involved: what the environment's
//! serving fleet runs against the build it would run next (see
//! [`app::domain::schema_version`]).

use super::internal;
use crate::core::Core;
use crate::db;
use app::domain::gates::Gate;
use app::domain::schema_version::{downgrade_note, schema_gate, SchemaSide};
use app::domain::Build;
use app::use_cases::UseCaseError;

/// The build `environment`'s serving fleet runs, if any.
pub async fn running_build(core: &Core, environment: &str) -> Result<Option<Build>, UseCaseError> {
    let Some(fleet) = db::fleets::get(&core.db, environment)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    db::builds::by_id(&core.db, fleet.build_id)
        .await
        .map_err(internal)
}

fn side(build: &Build) -> SchemaSide<'_> {
    SchemaSide {
        version: build.version.as_str(),
        schema: build.schema_version,
    }
}

/// The gate of going from `running` to `target` in the environment titled `title`.
pub fn gate(title: &str, running: Option<&Build>, target: &Build, confirmed: bool) -> Option<Gate> {
    schema_gate(title, side(running?), side(target), confirmed)
}

/// Refuses an unconfirmed downgrade (412 naming both versions); for a confirmed one, what the
/// history row's notes say.
pub fn check(
    title: &str,
    running: Option<&Build>,
    target: &Build,
    confirmed: bool,
) -> Result<Option<String>, UseCaseError> {
    match gate(title, running, target, confirmed) {
        Some(gate) if !gate.passed => Err(UseCaseError::GatesFailed(vec![gate])),
        Some(_) => Ok(running.and_then(|r| downgrade_note(side(r), side(target)))),
        None => Ok(None),
    }
}

/// [`check`] of a release of `target` into `env` against what its serving fleet runs: the
/// history note of a confirmed downgrade, `notes` otherwise unchanged.
pub async fn noted(
    core: &Core,
    env: &crate::config::EnvironmentSettings,
    target: &Build,
    confirmed: bool,
    notes: String,
) -> Result<String, UseCaseError> {
    let running = running_build(core, env.name.as_str()).await?;
    Ok(
        match check(&env.title, running.as_ref(), target, confirmed)? {
            Some(note) => format!("{notes}; {note}"),
            None => notes,
        },
    )
}
