//! Seed 001's exact flow against moto, PROD behind an Elastic IP with `cutover = "manual"`:
//! the new box comes up and is held with the address still on the old box, its private
//! address shown for testing; the address moves on the click, the old box is kept warm, and
//! retired once the warm window ends.

use crate::moto_engine::world_with;
use crate::support::fixtures::person;
use app::domain::rollout::Phase;
use app::domain::{Role, Strategy};
use greenlight::cloud::{tag, Cloud, Tags};
use greenlight::config::Cutover;
use greenlight::service::deployments;

#[tokio::test]
async fn prod_behind_an_elastic_ip_is_held_tested_and_switched_on_the_click_against_moto() {
    let w = world_with(
        Strategy::ElasticIp,
        |environments| environments[2].cutover = Cutover::Manual,
        |aws| aws,
    )
    .await;
    let erin = person("erin", Role::Engineer);
    let held = |p: Phase| p == Phase::ReadyToSwitch || p.is_terminal();

    let first = w.release_into_prod("1.0.0").await;
    assert_eq!(w.run(first, held).await, Phase::ReadyToSwitch);
    deployments::switch_traffic(&w.state, &erin, "t", first)
        .await
        .expect("first switch");
    assert!(matches!(
        w.rest(first).await,
        Phase::Warm | Phase::Succeeded
    ));

    let second = w.release_into_prod("1.1.0").await;
    assert_eq!(w.run(second, held).await, Phase::ReadyToSwitch);
    let run = w.run_of(second).await;
    let (old, new) = (run.old_instances().to_vec(), run.new_instances.clone());
    assert!(w.all_running(&new).await, "the new box is up");
    assert!(
        w.serves(&run, &old).await,
        "the address stays on the old box"
    );
    let hold = deployments::detail(&w.state, second)
        .await
        .expect("detail")
        .hold
        .expect("held");
    let tags = Tags::from([(tag::ENVIRONMENT.to_owned(), "prod".to_owned())]);
    let described = w.aws.find_instances(&tags).await.expect("describe");
    let box_ip = described
        .iter()
        .find(|i| i.id == new[0])
        .and_then(|i| i.private_ip.clone())
        .expect("moto gives the new box a private address");
    assert_eq!(hold.addresses.len(), 1);
    assert_eq!(
        (
            hold.addresses[0].instance_id.as_str(),
            hold.addresses[0].private_ip.as_str()
        ),
        (new[0].as_str(), box_ip.as_str()),
        "the page shows where to test the new box"
    );
    assert_eq!(
        hold.test_target_group, None,
        "no target group with an Elastic IP"
    );

    deployments::switch_traffic(&w.state, &erin, "t", second)
        .await
        .expect("switch");
    assert_eq!(w.rest(second).await, Phase::Warm);
    assert!(w.serves(&run, &new).await, "the address moved on the click");
    assert!(w.all_running(&old).await, "the old box is kept warm");
    assert_eq!(w.run(second, |p| p.is_terminal()).await, Phase::Succeeded);
    assert!(w.all_gone(&old).await, "retired after the warm window");
}
