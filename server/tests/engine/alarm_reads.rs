//! Where gates read alarms: a page's promotion preview from the poller's shared snapshot (so
//! opening pages costs no AWS call), a promotion itself afresh (what is decided on is current).

use crate::support::fixtures::{engineer, env};
use crate::support::harness::harness;
use app::domain::gates::GateKind;
use app::domain::rollout::Phase;
use app::use_cases::UseCaseError;
use greenlight::cloud::AlarmState;
use greenlight::fleet_health::poller;
use greenlight::service::deployments;

#[tokio::test]
async fn previews_read_alarms_from_the_snapshot_and_a_promotion_reads_them_afresh() {
    let h = harness(|s| {
        s.fleet_refresh = "1s".parse().expect("duration");
        s.environments[1].alarms = vec!["staging-5xx".into()];
    })
    .await;
    h.sandbox.set_alarm("staging-5xx", AlarmState::Ok);
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    poller::refresh(&h.core).await;
    let alarm_reads = || {
        h.sandbox
            .call_counts()
            .get("DescribeAlarms")
            .copied()
            .unwrap_or(0)
    };

    let before = alarm_reads();
    for _ in 0..5 {
        let preview = deployments::promotion_preview(&h.core, &engineer(), &env("staging"))
            .await
            .expect("preview");
        assert!(preview.allowed(), "{:?}", preview.gates);
    }
    assert_eq!(alarm_reads(), before, "five previews, no AWS call");

    // The alarm fires after the last look: the preview still shows what the poller saw, the
    // promotion reads afresh and is refused.
    h.sandbox.set_alarm("staging-5xx", AlarmState::Alarm);
    let refused = deployments::promote(&h.core, &engineer(), "test", &env("staging")).await;
    let Err(UseCaseError::GatesFailed(gates)) = refused else {
        panic!("a firing alarm must refuse the promotion: {refused:?}");
    };
    assert!(gates
        .iter()
        .any(|g| g.gate == GateKind::AlarmsQuiet && !g.passed));
    assert_eq!(alarm_reads(), before + 1, "one fresh read for the decision");
}
