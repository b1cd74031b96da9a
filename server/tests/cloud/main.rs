//! The cloud port's contract, run against the sandbox adapter on tokio's paused clock and
//! against the `aws` adapter (the real SDK clients) over the wire to moto.

mod contract;
mod moto;
mod moto_bake;
mod moto_engine;
mod moto_fleet;
mod moto_manual_cutover;
mod moto_restart;
mod moto_secrets;
mod moto_warm;
mod retries;
mod sandbox_faults;

#[path = "../support/mod.rs"]
mod support;

use greenlight::cloud::sandbox::{SandboxCloud, Timings};

/// A sandbox with the pieces the contract expects to exist.
pub fn sandbox() -> (SandboxCloud, contract::Fixture) {
    let cloud = SandboxCloud::new(Timings::realistic());
    let fixture = contract::Fixture {
        blue: "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/blue/1".into(),
        green: "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/green/2".into(),
        listener: "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/lb/1/1".into(),
        allocation_id: "eipalloc-0123456789abcdef0".into(),
        image_id: "ami-0123456789abcdef0".into(),
        subnet_id: "subnet-1".into(),
    };
    cloud.add_target_group(&fixture.blue);
    cloud.add_target_group(&fixture.green);
    cloud.add_listener(&fixture.listener, &fixture.blue);
    cloud.add_address(&fixture.allocation_id);
    (cloud, fixture)
}

async fn settle() {
    tokio::time::advance(tokio::time::Duration::from_secs(120)).await;
}

#[tokio::test(start_paused = true)]
async fn sandbox_launches_once_per_client_token_and_finds_by_tag() {
    let (cloud, fixture) = sandbox();
    contract::launch_is_idempotent_and_tagged(&cloud, &fixture, settle).await;
}

#[tokio::test(start_paused = true)]
async fn sandbox_instances_boot_and_terminate_idempotently() {
    let (cloud, fixture) = sandbox();
    contract::instances_boot_and_terminate(&cloud, &fixture, settle).await;
}

#[tokio::test(start_paused = true)]
async fn sandbox_targets_turn_healthy_and_drain_out() {
    let (cloud, fixture) = sandbox();
    contract::targets_turn_healthy_and_drain(&cloud, &fixture, settle).await;
}

#[tokio::test(start_paused = true)]
async fn sandbox_listener_switches_in_one_call() {
    let (cloud, fixture) = sandbox();
    contract::listener_switches(&cloud, &fixture).await;
    contract::listener_refuses_unknown_groups(&cloud, &fixture).await;
}

#[tokio::test(start_paused = true)]
async fn sandbox_elastic_ip_moves_between_instances() {
    let (cloud, fixture) = sandbox();
    contract::address_moves(&cloud, &fixture, settle).await;
}

#[tokio::test(start_paused = true)]
async fn sandbox_images_are_found_by_unique_name() {
    let (cloud, fixture) = sandbox();
    contract::images_by_unique_name(&cloud, &fixture, settle).await;
    contract::image_names_are_unique(&cloud, &fixture, settle).await;
}

#[tokio::test(start_paused = true)]
async fn sandbox_alarms_report_their_state() {
    let (cloud, _) = sandbox();
    cloud.set_alarm("prod-5xx", greenlight::cloud::AlarmState::Alarm);
    cloud.set_alarm("prod-latency", greenlight::cloud::AlarmState::Ok);
    contract::alarms_report_state(&cloud).await;
}
