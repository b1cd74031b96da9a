//! Recording a QA sign-off on the build an environment runs, bound to what was tested.

use super::internal;
use crate::config::{ConfigValue, EnvironmentSettings};
use crate::db::{self, audit};
use crate::state::AppState;
use app::api::backend::BackendError;
use app::domain::signoff::{Basis, SignOff, Verdict};
use app::domain::views::Principal;
use app::domain::{Artifact, Build, FieldErrors};
use std::collections::BTreeMap;

/// Longest accepted notes.
pub const MAX_NOTES: usize = 2000;

/// The environment's config as a sign-off snapshot: plain values as they are, secrets as
/// their reference only.
pub fn config_snapshot(environment: &EnvironmentSettings) -> BTreeMap<String, String> {
    environment
        .config
        .iter()
        .map(|(key, value)| {
            let value = match value {
                ConfigValue::Plain(text) => text.clone(),
                ConfigValue::Secret { secret } => format!("secret:{secret}"),
            };
            (key.clone(), value)
        })
        .collect()
}

/// The image a build names (its AMI, or the base AMI its artifact is installed on).
pub fn build_image(build: &Build) -> String {
    match &build.artifact {
        Artifact::Image { ami_id } => ami_id.to_string(),
        Artifact::BaseImage { base_ami_id, .. } => base_ami_id.to_string(),
    }
}

/// What an environment running `build` runs: the build, its image (the one its fleet was
/// launched from when known, else the build's), the config snapshot.
pub fn basis(
    build: &Build,
    environment: &EnvironmentSettings,
    running_image: Option<&str>,
) -> Basis {
    let image_id = running_image
        .map(str::to_owned)
        .unwrap_or_else(|| build_image(build));
    Basis {
        version: build.version.to_string(),
        revision: build.revision.to_string(),
        image_id,
        config: config_snapshot(environment),
    }
}

/// Records `verdict` on `version` in `environment`, which must be running that build.
pub async fn record(
    state: &AppState,
    actor: &Principal,
    address: &str,
    version: &str,
    environment: &str,
    verdict: &str,
    notes: &str,
) -> Result<SignOff, BackendError> {
    let mut errors = FieldErrors::new();
    let verdict = Verdict::parse(verdict)
        .map_err(|e| errors.add("verdict", e))
        .ok();
    let env = state
        .settings
        .environments
        .iter()
        .find(|e| e.name == environment);
    if env.is_none() {
        errors.add("environment", "no such environment");
    }
    if notes.chars().count() > MAX_NOTES {
        errors.add("notes", format!("must be at most {MAX_NOTES} characters"));
    }
    let (Some(verdict), Some(env)) = (verdict, env) else {
        return Err(BackendError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(BackendError::Invalid(errors));
    }
    let (build, _) = db::builds::by_version(&state.db, version)
        .await
        .map_err(internal)?
        .ok_or_else(|| BackendError::NotFound(format!("build {version}")))?;
    let current = db::deployments::current(&state.db, environment)
        .await
        .map_err(internal)?;
    if current.as_ref().map(|c| c.build_version.as_str()) != Some(version) {
        let running = current
            .map(|c| c.build_version)
            .unwrap_or_else(|| "nothing".into());
        return Err(BackendError::Conflict(format!(
            "{environment} runs {running}, not {version}: sign off on what QA tested there"
        )));
    }
    let fleet = db::fleets::get(&state.db, environment)
        .await
        .map_err(internal)?
        .filter(|f| f.build_id == build.id);
    let basis = basis(&build, env, fleet.as_ref().map(|f| f.image_id.as_str()));
    let now = db::now_ms();
    let mut tx = state.db.begin().await.map_err(internal)?;
    let new = db::signoffs::NewSignOff {
        build_id: build.id,
        environment,
        verdict,
        notes: notes.trim(),
        basis: &basis,
        signed_by: &actor.name,
        signed_at: now,
    };
    let signoff = db::signoffs::insert(&mut *tx, &new)
        .await
        .map_err(internal)?;
    let details = serde_json::json!({ "verdict": verdict.as_str(), "environment": environment, "image_id": basis.image_id }).to_string();
    let entry = audit::Entry {
        actor: &actor.name,
        action: "signoff.record",
        target: version,
        details,
        address,
    };
    audit::append(&mut *tx, entry, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(signoff)
}
