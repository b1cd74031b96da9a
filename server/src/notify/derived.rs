//! Events that follow from other events or from time passing, written by the notification
//! worker: QA's cue when a build goes live in an environment whose next one needs a sign-off
//! (in the transaction that routes the deployment's success), and "the warm window closes
//! soon" when a release's window is within `warm_window_notice` of its end.

use crate::core::Core;
use crate::db::notifications::{self as outbox, Event};
use crate::db::warm_notices;
use app::domain::deployment_record::DeploymentKind;
use app::domain::notification::EventKind;
use app::domain::Timestamp;
use sqlx::AnyConnection;

/// When `event` is a deploy or promotion that succeeded into an environment whose next one
/// requires a sign-off, writes `signoff.requested` for it.
pub async fn signoff_request(
    core: &Core,
    conn: &mut AnyConnection,
    event: &Event,
    now: i64,
) -> Result<(), sqlx::Error> {
    if event.event != EventKind::DeploymentSucceeded.as_str() {
        return Ok(());
    }
    let (Some(id), Some(environment)) = (event.deployment_id, event.environment.as_deref()) else {
        return Ok(());
    };
    let environments = &core.settings.environments;
    let Some(next) = environments
        .iter()
        .position(|e| e.name.as_str() == environment)
        .and_then(|i| environments.get(i + 1))
        .filter(|next| next.requires_signoff)
    else {
        return Ok(());
    };
    let Some(record) = crate::db::deployments::by_id(&mut *conn, id).await? else {
        return Ok(());
    };
    if !matches!(
        record.kind,
        DeploymentKind::Deploy | DeploymentKind::Promote
    ) {
        return Ok(());
    }
    let summary = format!(
        "{} is live in {environment}: QA's sign-off there is needed before it goes to {}",
        record.build_version, next.name
    );
    outbox::record(
        &mut *conn,
        EventKind::SignOffRequested.as_str(),
        Some(environment),
        Some(id),
        &summary,
        now,
    )
    .await
}

/// Writes `warm_window.closing` once for each release whose window ends within the notice.
pub async fn warm_windows_closing(core: &Core) -> Result<(), sqlx::Error> {
    let notice = core.settings.notifications.warm_window_notice;
    let now = core.now();
    for soon in warm_notices::closing(&core.db, now, notice.as_millis_i64()).await? {
        let mut tx = crate::db::begin_write(&core.db).await?;
        if !warm_notices::mark_told(&mut *tx, soon.id, now).await? {
            continue;
        }
        let minutes = (soon.warm_until - now + 59_999) / 60_000;
        let summary = format!(
            "The warm window of #{} ({} in {}) closes in {minutes} min, at {}: until then a \
             rollback is an instant traffic switch",
            soon.id,
            soon.version,
            soon.environment,
            Timestamp::from_millis(soon.warm_until).to_rfc3339()
        );
        outbox::record(
            &mut *tx,
            EventKind::WarmWindowClosing.as_str(),
            Some(&soon.environment),
            Some(soon.id),
            &summary,
            now,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
