//! What QA signs on an environment: the fingerprint of what it runs, and what promoting it
//! would change in the next environment — the promotion confirmation's diff, seen before the
//! sign-off that lets the promotion through.

use super::compare::{change_lines, promotion_changes};
use super::internal;
use super::secrets::Freshness;
use super::signoffs::basis;
use crate::config::EnvironmentSettings;
use crate::core::Core;
use crate::db;
use app::domain::views::SigningView;
use app::domain::{DeploymentRecord, Fleet};
use app::use_cases::UseCaseError;

/// What a sign-off on `environment`'s running release would sign, against `next` (the
/// environment a promotion of it goes into); `None` when it runs nothing.
pub async fn signing_view(
    core: &Core,
    environment: &EnvironmentSettings,
    next: Option<&EnvironmentSettings>,
    current: Option<&DeploymentRecord>,
    fleet: Option<&Fleet>,
) -> Result<Option<SigningView>, UseCaseError> {
    let Some(release) = current else {
        return Ok(None);
    };
    let Some((build, _)) = db::builds::by_version(&core.db, &release.build_version)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let fleet = fleet.filter(|f| f.build_id == build.id);
    let running = fleet.map(|f| f.image_id.as_str());
    let signed = basis(core, &build, environment, running, Freshness::Cached).await;
    let mut view = SigningView {
        fingerprint: db::signoffs::fingerprint(&signed),
        ..SigningView::default()
    };
    if let Some(next) = next {
        // What the promotion would launch from: an image baked from this fleet, or the one
        // it runs.
        let image = match (next.bake_image, fleet.and_then(|f| f.instance_ids.first())) {
            (true, Some(instance)) => format!("baked from {instance} in {}", environment.title),
            (true, None) => "baked from the previous environment".to_owned(),
            (false, _) => signed.image_id.clone(),
        };
        let (rows, code) = promotion_changes(core, next, &build, &image).await;
        view.next = Some(next.title.clone());
        view.differences = rows.iter().map(|r| (r.key.clone(), r.line())).collect();
        view.arriving = change_lines(&code);
        view.arriving_total = code.total_changes;
    }
    Ok(Some(view))
}
