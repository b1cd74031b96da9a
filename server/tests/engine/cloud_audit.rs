//! The engine's own changes to the cloud — image, launch, traffic switch, termination,
//! rollback — are in the audit log, by `engine`, with their environment and deployment, each
//! once however often a step ran.

use crate::support::harness::{harness, Harness};
use app::domain::rollout::Phase;
use app::domain::{AuditEntry, AuditFilter};
use greenlight::db::audit;

/// The engine's audit entries for deployment `id`, oldest first.
pub async fn cloud_actions(h: &Harness, id: i64) -> Vec<AuditEntry> {
    let filter = AuditFilter {
        actor: Some("engine".into()),
        ..AuditFilter::default()
    };
    let mut entries: Vec<AuditEntry> = audit::list(&h.pool, &filter, None, 500)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.target == id.to_string())
        .collect();
    entries.reverse();
    entries
}

fn names(entries: &[AuditEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.action.as_str()).collect()
}

#[tokio::test]
async fn a_release_and_a_baked_promotion_leave_each_cloud_change_on_record_once() {
    let h = harness(|s| s.environments[1].bake_image = true).await;
    for build in ["1.0.0", "1.1.0"] {
        h.build(build).await;
    }
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let second = h.deploy("1.1.0").await;
    assert_eq!(h.finish(second).await, Phase::Succeeded);
    let promotion = h.promote("staging").await;
    assert_eq!(h.finish(promotion).await, Phase::Succeeded);

    assert_eq!(
        names(&cloud_actions(&h, first).await),
        ["cloud.launch", "cloud.traffic_switch"],
        "nothing old to terminate"
    );
    let release = cloud_actions(&h, second).await;
    assert_eq!(
        names(&release),
        ["cloud.launch", "cloud.traffic_switch", "cloud.terminate"]
    );
    assert!(release
        .iter()
        .all(|e| e.environment.as_deref() == Some("test") && e.details.contains("1.1.0")));
    assert!(
        release[2].details.contains("Terminated old fleet"),
        "{}",
        release[2].details
    );
    let baked = cloud_actions(&h, promotion).await;
    assert_eq!(
        names(&baked),
        ["cloud.image", "cloud.launch", "cloud.traffic_switch"]
    );
    assert!(baked
        .iter()
        .all(|e| e.environment.as_deref() == Some("staging")));
}

#[tokio::test]
async fn a_rollback_is_on_record_as_the_engine_s_cloud_change() {
    let h = harness(|_| {}).await;
    for build in ["1.0.0", "1.1.0"] {
        h.build(build).await;
    }
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let second = h.deploy("1.1.0").await;
    assert_eq!(h.settle(second).await, Phase::Warm);
    greenlight::service::deployments::rollback(
        &h.core,
        &crate::support::fixtures::engineer(),
        "test",
        &crate::support::fixtures::env("test"),
        None,
    )
    .await
    .expect("rollback accepted");
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    assert_eq!(
        names(&cloud_actions(&h, second).await),
        ["cloud.launch", "cloud.traffic_switch", "cloud.rollback"]
    );
}
