//! `acceptance_counts_as_signoff`: once a release's acceptance hooks have all passed in such an
//! environment (before the switch and after it, so only once it rests warm or has
//! succeeded), Greenlight signs it off there as "acceptance hooks" — bound to the image and
//! config it runs, like QA's, so the next environment's sign-off gate counts it. QA may still
//! sign off beside it (the latest verdict counts, as always).

use super::internal;
use super::secrets::Freshness;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::hooks::{HookKind, HookStatus};
use app::domain::signoff::Verdict;
use app::use_cases::UseCaseError;
use std::time::Duration;

/// Who an automated sign-off is signed by (no user name has a space).
pub const SIGNER: &str = "acceptance hooks";

/// Signs off each environment's current release whose acceptance hooks all passed, once;
/// answers how many it signed.
pub async fn record_due(core: &Core) -> Result<usize, UseCaseError> {
    let mut signed = 0;
    for environment in core
        .settings
        .environments
        .iter()
        .filter(|e| e.acceptance_counts_as_signoff)
    {
        let name = environment.name.as_str();
        let Some(current) = db::deployments::current(&core.db, name)
            .await
            .map_err(internal)?
        else {
            continue;
        };
        if db::signoffs::automated_for(&core.db, current.id)
            .await
            .map_err(internal)?
        {
            continue;
        }
        let planned = match db::rollouts::load(&core.db, current.id)
            .await
            .map_err(internal)?
            .and_then(|row| row.plan)
        {
            Some(plan) => plan
                .hooks
                .iter()
                .filter(|h| h.kind == HookKind::Acceptance)
                .count(),
            None => 0,
        };
        let runs: Vec<_> = db::hook_runs::for_deployment(&core.db, current.id)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|r| r.kind == HookKind::Acceptance)
            .collect();
        if planned == 0
            || runs.len() != planned
            || runs.iter().any(|r| r.status != HookStatus::Passed)
        {
            continue;
        }
        let (build, _) = db::builds::by_version(&core.db, &current.build_version)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("a released build vanished"))?;
        let fleet = db::fleets::get(&core.db, name)
            .await
            .map_err(internal)?
            .filter(|f| f.build_id == build.id);
        let running = fleet.as_ref().map(|f| f.image_id.as_str());
        let basis =
            super::signoffs::basis(core, &build, environment, running, Freshness::Fresh).await;
        let passed: Vec<String> = runs
            .iter()
            .map(|r| match &r.summary {
                Some(summary) => format!("{} ({summary})", r.name),
                None => r.name.clone(),
            })
            .collect();
        let notes = format!(
            "Automated: the acceptance hooks of deployment #{} passed — {}",
            current.id,
            passed.join("; ")
        );
        let now = core.now();
        let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
        let new = db::signoffs::NewSignOff {
            build_id: build.id,
            environment: name,
            verdict: Verdict::Approved,
            notes: &notes,
            basis: &basis,
            signed_by: SIGNER,
            signed_by_id: None,
            signed_at: now,
            automated_by: Some(current.id),
        };
        db::signoffs::insert(&mut *tx, &new)
            .await
            .map_err(internal)?;
        let details = serde_json::json!({
            "verdict": "approved", "environment": name, "image_id": basis.image_id,
            "automated_by_deployment": current.id,
        })
        .to_string();
        let entry = audit::Entry {
            actor: "engine",
            action: "signoff.record",
            target: build.version.as_str(),
            environment: Some(name),
            details,
            address: "local",
        };
        audit::append(&mut tx, entry, now).await.map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        signed += 1;
    }
    Ok(signed)
}

/// Looks for releases to sign off every `every`, on every replica (the unique index makes a
/// second signing of one deployment fail harmlessly).
pub fn spawn(core: Core, every: Duration) {
    if !core
        .settings
        .environments
        .iter()
        .any(|e| e.acceptance_counts_as_signoff)
    {
        return;
    }
    tokio::spawn(async move {
        loop {
            if let Err(error) = record_due(&core).await {
                tracing::warn!(%error, "recording acceptance sign-offs failed; trying again");
            }
            tokio::time::sleep(every).await;
        }
    });
}
