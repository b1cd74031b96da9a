//! Watching while warm against moto: after PROD's second release, an alarm set to ALARM in
//! CloudWatch (through the CBOR shim) while the old fleet is warm rolls PROD back by itself,
//! traffic on the old fleet and the new one terminated.

use crate::moto_engine::world_with;
use app::domain::rollout::Phase;
use app::domain::Strategy;
use aws_sdk_cloudwatch::types::StateValue;
use greenlight::service::deployments;

#[tokio::test]
async fn an_alarm_set_to_alarm_while_prod_is_warm_rolls_it_back_against_moto() {
    let w = world_with(
        Strategy::TargetGroup,
        |environments| {
            environments[2].alarms = vec!["prod-5xx".into()];
            environments[2].watch_while_warm = true;
        },
        |aws| aws,
    )
    .await;
    crate::moto::put_5xx_alarm(&w.aws, "prod-5xx").await;
    w.release("1.0.0").await;
    let second = w.release("1.1.0").await;
    assert_eq!(w.rest(second).await, Phase::Warm);
    let run = w.run_of(second).await;
    assert!(w.serves(&run, &run.new_instances).await);

    w.aws
        .cloudwatch
        .set_alarm_state()
        .alarm_name("prod-5xx")
        .state_value(StateValue::Alarm)
        .state_reason("5xx above 5 per minute")
        .send()
        .await
        .expect("set alarm state");
    assert_eq!(w.run(second, |p| p.is_terminal()).await, Phase::RolledBack);
    assert!(
        w.serves(&run, run.old_instances()).await,
        "traffic back on the old fleet"
    );
    assert!(w.all_gone(&run.new_instances).await, "new fleet terminated");
    let detail = deployments::detail(&w.state, second).await.unwrap();
    assert!(
        detail
            .reason
            .unwrap_or_default()
            .contains("alarm fired while the old fleet was warm: prod-5xx"),
        "the deployment says what triggered it"
    );
}
