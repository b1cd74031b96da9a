//! Recording a QA sign-off on the build an environment runs, bound to what was tested.

use super::env_side::side_for;
use super::internal;
use super::secrets::{self, Freshness};
use crate::config::EnvironmentSettings;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::env_diff::ConfigEntry;
use app::domain::notification::EventKind;
use app::domain::signoff::{void_reasons, Basis, SignOff, Verdict};
use app::domain::signoff_request::{SignOffForm, SignOffRequest};
use app::domain::views::LedgerEntry;
use app::domain::views::Principal;
use app::domain::{Artifact, Build, Version};
use app::use_cases::UseCaseError;
use std::collections::BTreeMap;

/// Config entries as a sign-off's basis holds them: plain values as they are, a secret as
/// `secret:<reference>`, followed by `#v<version>:<keyed hash>` when it could be read (so a
/// new version of a secret voids the sign-off like any other config change).
pub fn config_strings(entries: &BTreeMap<String, ConfigEntry>) -> BTreeMap<String, String> {
    entries
        .iter()
        .map(|(key, entry)| {
            let value = match entry {
                ConfigEntry::Plain(text) => text.clone(),
                ConfigEntry::Secret(secret) => match &secret.read {
                    Some(read) => format!(
                        "secret:{}#v{}:{}",
                        secret.reference, read.version, read.keyed_hash
                    ),
                    None => format!("secret:{}", secret.reference),
                },
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
/// launched from when known, else the build's), its config (secrets read as `freshness`
/// allows) and the whole side for showing what changed.
pub async fn basis(
    core: &Core,
    build: &Build,
    environment: &EnvironmentSettings,
    running_image: Option<&str>,
    freshness: Freshness,
) -> Basis {
    let image_id = running_image
        .map(str::to_owned)
        .unwrap_or_else(|| build_image(build));
    let config = secrets::config_entries(core, environment, freshness).await;
    Basis {
        version: build.version.to_string(),
        revision: build.revision.to_string(),
        image_id: image_id.clone(),
        config: config_strings(&config),
        side: side_for(environment, build, image_id, config),
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
    let running = fleet.as_ref().map(|f| f.image_id.as_str());
    let basis = basis(core, &build, env, running, Freshness::Fresh).await;
    let now = core.now();
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    let new = db::signoffs::NewSignOff {
        build_id: build.id,
        environment: environment.as_str(),
        verdict: request.verdict,
        notes: &request.notes,
        basis: &basis,
        signed_by: &actor.name,
        // The demo signs as a made-up QA with id 0, which is no user.
        signed_by_id: Some(actor.id).filter(|id| *id > 0),
        signed_at: now,
        automated_by: None,
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
    let (event, said) = match request.verdict {
        Verdict::Approved => (EventKind::SignOffApproved, "approved"),
        Verdict::Rejected => (EventKind::SignOffRejected, "rejected"),
    };
    let mut summary = format!("{version} {said} in {environment} by {}", actor.name);
    if !request.notes.trim().is_empty() {
        summary.push_str(&format!(": {}", request.notes.trim()));
    }
    db::notifications::record(
        &mut *tx,
        event.as_str(),
        Some(environment.as_str()),
        None,
        &summary,
        now,
    )
    .await
    .map_err(internal)?;
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(signoff)
}

/// Every sign-off of `version`, all environments, newest first: whether each counts now and
/// why not (rejected, superseded by a newer one, or what changed since it was given), and
/// the deployments that relied on it.
pub async fn ledger(core: &Core, version: &Version) -> Result<Vec<LedgerEntry>, UseCaseError> {
    let (build, _) = db::builds::by_version(&core.db, version.as_str())
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("build {version}")))?;
    let all = db::signoffs::for_build(&core.db, build.id)
        .await
        .map_err(internal)?;
    let mut newest: BTreeMap<String, i64> = BTreeMap::new();
    for (signoff, _, _) in &all {
        newest
            .entry(signoff.environment.clone())
            .or_insert(signoff.id);
    }
    let mut current: BTreeMap<String, Result<Basis, String>> = BTreeMap::new();
    let mut entries = Vec::with_capacity(all.len());
    for (signoff, signed, relied_on_by) in all {
        let why_not = if signoff.verdict == Verdict::Rejected {
            vec!["rejected".to_owned()]
        } else if newest.get(&signoff.environment) != Some(&signoff.id) {
            vec![format!(
                "superseded by sign-off #{}",
                newest[&signoff.environment]
            )]
        } else {
            if !current.contains_key(&signoff.environment) {
                let now = now_in(core, &build, &signoff.environment).await?;
                current.insert(signoff.environment.clone(), now);
            }
            match &current[&signoff.environment] {
                Ok(now) => void_reasons(&signed, now)
                    .iter()
                    .map(|r| r.describe())
                    .collect(),
                Err(why) => vec![why.clone()],
            }
        };
        entries.push(LedgerEntry {
            counts: why_not.is_empty(),
            signoff,
            why_not,
            relied_on_by,
        });
    }
    Ok(entries)
}

/// What `environment` runs of `build` now, or why it cannot be compared.
async fn now_in(
    core: &Core,
    build: &Build,
    environment: &str,
) -> Result<Result<Basis, String>, UseCaseError> {
    let Some(settings) = core
        .settings
        .environments
        .iter()
        .find(|e| e.name.as_str() == environment)
    else {
        return Ok(Err(format!("{environment} is no longer configured")));
    };
    let running = db::deployments::current(&core.db, environment)
        .await
        .map_err(internal)?
        .map(|r| r.build_version);
    if running.as_deref() != Some(build.version.as_str()) {
        let running = running.unwrap_or_else(|| "nothing".into());
        return Ok(Err(format!(
            "signed off for build {}, but {environment} now runs {running}",
            build.version
        )));
    }
    let fleet = db::fleets::get(&core.db, environment)
        .await
        .map_err(internal)?
        .filter(|f| f.build_id == build.id);
    let image = fleet.as_ref().map(|f| f.image_id.as_str());
    Ok(Ok(
        basis(core, build, settings, image, Freshness::Cached).await
    ))
}
