//! Recording a QA sign-off on the build an environment runs, bound to what was tested.

use super::internal;
use crate::config::{ConfigValue, EnvironmentSettings};
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::signoff::{Basis, SignOff};
use app::domain::signoff_request::{SignOffForm, SignOffRequest};
use app::domain::views::Principal;
use app::domain::{Artifact, Build, Version};
use app::use_cases::UseCaseError;
use std::collections::BTreeMap;

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

/// Records QA's verdict on `version` in the form's environment, which must be running that
/// build; the sign-off is bound to the image and config snapshot it runs.
pub async fn record(
    core: &Core,
    actor: &Principal,
    address: &str,
    version: &Version,
    form: &SignOffForm,
) -> Result<SignOff, UseCaseError> {
    let request = SignOffRequest::parse(form, |name| core.environment(name).is_some())
        .map_err(UseCaseError::Invalid)?;
    let environment = &request.environment;
    let (_, env) = core
        .environment(environment)
        .ok_or_else(|| internal("a parsed environment vanished from the settings"))?;
    let (build, _) = db::builds::by_version(&core.db, version.as_str())
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("build {version}")))?;
    let current = db::deployments::current(&core.db, environment.as_str())
        .await
        .map_err(internal)?;
    if current.as_ref().map(|c| c.build_version.as_str()) != Some(version.as_str()) {
        let running = current
            .map(|c| c.build_version)
            .unwrap_or_else(|| "nothing".into());
        return Err(UseCaseError::Conflict(format!(
            "{environment} runs {running}, not {version}: sign off on what QA tested there"
        )));
    }
    let fleet = db::fleets::get(&core.db, environment.as_str())
        .await
        .map_err(internal)?
        .filter(|f| f.build_id == build.id);
    let basis = basis(&build, env, fleet.as_ref().map(|f| f.image_id.as_str()));
    let now = core.now();
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    let new = db::signoffs::NewSignOff {
        build_id: build.id,
        environment: environment.as_str(),
        verdict: request.verdict,
        notes: &request.notes,
        basis: &basis,
        signed_by: &actor.name,
        signed_at: now,
    };
    let signoff = db::signoffs::insert(&mut *tx, &new)
        .await
        .map_err(internal)?;
    let details = serde_json::json!({
        "verdict": request.verdict.as_str(), "environment": environment.as_str(), "image_id": basis.image_id,
    })
    .to_string();
    let entry = audit::Entry {
        actor: &actor.name,
        action: "signoff.record",
        target: version.as_str(),
        environment: Some(environment.as_str()),
        details,
        address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(signoff)
}
