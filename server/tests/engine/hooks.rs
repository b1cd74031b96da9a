//! Hooks against the new fleet: an HTTP hook called (signed) on a receiver on loopback that
//! reports back through the run's callback with its one-time token, and command hooks run on
//! this host. Acceptance before the switch, a migration just before it, acceptance after it;
//! what each failure does to the fleets; and restarts while hooks run.

use crate::support::harness::{harness, Harness};
use crate::support::receiver::Receiver;
use app::domain::hooks::{HookKind, HookReport, HookStage, HookStatus};
use app::domain::rollout::Phase;
use greenlight::config::hooks::{AcceptanceWhen, HookSettings};
use greenlight::config::secret::SecretSource;
use greenlight::db::hook_runs;
use greenlight::engine::{Engine, Tick};
use greenlight::hooks::Reported;
use std::path::PathBuf;

const KEY: &str = "hook-signing-key";

/// A fresh directory for one test's files.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gl-hooks-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn secret_file(dir: &std::path::Path, name: &str, value: &str) -> SecretSource {
    let path = dir.join(name);
    std::fs::write(&path, value).expect("secret file");
    SecretSource::File(path)
}

fn http_hook(dir: &std::path::Path, name: &str, kind: HookKind, url: &str) -> HookSettings {
    HookSettings {
        name: name.into(),
        kind,
        when: None,
        timeout: "10m".parse().expect("duration"),
        url: Some(secret_file(dir, &format!("{name}.url"), url)),
        secret: Some(secret_file(dir, &format!("{name}.key"), KEY)),
        command: Vec::new(),
    }
}

fn command_hook(name: &str, kind: HookKind, script: &str) -> HookSettings {
    HookSettings {
        name: name.into(),
        kind,
        when: None,
        timeout: "10m".parse().expect("duration"),
        url: None,
        secret: None,
        command: vec!["sh".into(), "-c".into(), script.into()],
    }
}

/// TEST (target group) with these hooks.
async fn with_hooks(hooks: Vec<HookSettings>) -> Harness {
    harness(|s| s.environments[0].hooks = hooks).await
}

/// Runs the engine until `done`, waiting a little real time whenever nothing is due so that
/// commands (real processes) can finish, and moving the clock on.
async fn drive(h: &Harness, engine: &Engine, id: i64, done: impl Fn(Phase) -> bool) -> Phase {
    for _ in 0..3000 {
        let phase = h.phase(id).await;
        if done(phase) {
            return phase;
        }
        if engine.tick().await.expect("tick") == Tick::Idle {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            if let Some(at) = greenlight::db::jobs::next_due(&h.pool).await.expect("due") {
                h.clock.advance_to(at);
            }
        }
    }
    panic!(
        "deployment {id} did not settle; it is {}",
        h.phase(id).await
    )
}

/// The call the receiver got as JSON, its signature checked.
fn call_of(receiver: &Receiver, n: usize) -> serde_json::Value {
    let (headers, body) = receiver.received()[n].clone();
    let at: i64 = headers["x-greenlight-timestamp"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert_eq!(
        headers["x-greenlight-signature"].to_str().expect("ascii"),
        greenlight::notify::channels::sign(KEY, at, &body),
        "signed with the hook's key"
    );
    serde_json::from_str(&body).expect("json")
}

/// Reports `status` for the run the call names, with the call's token.
async fn answer(h: &Harness, call: &serde_json::Value, status: &str, summary: &str) -> Reported {
    let report = HookReport::parse(status, Some(summary), Some("https://ci.example.com/runs/7"))
        .expect("report");
    greenlight::hooks::report(
        &h.pool,
        call["run_id"].as_i64().expect("run id"),
        call["callback"]["token"].as_str().expect("token"),
        &report,
        h.clock_now(),
    )
    .await
    .expect("report")
}

async fn timeline(h: &Harness, id: i64) -> Vec<String> {
    greenlight::db::rollouts::steps(&h.pool, id)
        .await
        .expect("steps")
        .into_iter()
        .map(|s| s.message)
        .collect()
}

#[tokio::test]
async fn acceptance_before_a_migration_before_the_switch_and_acceptance_after_it_all_pass_with_results_on_the_timeline(
) {
    let dir = scratch();
    let receiver = Receiver::start(0, 0).await;
    let mut after = command_hook(
        "after-smoke",
        HookKind::Acceptance,
        "echo checking; echo 12 checks green",
    );
    after.when = Some(AcceptanceWhen::AfterSwitch);
    let count = dir.join("migrations");
    let migrate = command_hook(
        "migrate",
        HookKind::PreCutover,
        &format!("echo ran >> {}; echo schema 4 applied", count.display()),
    );
    let h = with_hooks(vec![
        http_hook(&dir, "smoke", HookKind::Acceptance, &receiver.url),
        migrate,
        after,
    ])
    .await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let engine = h.engine("hooks");
    // Healthy, the acceptance hook called: nothing moves on until it reports.
    drive(&h, &engine, id, |_| !receiver.received().is_empty()).await;
    let call = call_of(&receiver, 0);
    assert_eq!(call["hook"], "smoke");
    assert_eq!(call["stage"], "before_switch");
    assert_eq!(call["build"], "1.0.0");
    assert_eq!(call["environment"], "test");
    let new_fleet = call["new_fleet"].as_array().expect("fleet");
    assert_eq!(new_fleet.len(), 1);
    assert!(new_fleet[0]["private_ip"].is_string(), "{call}");
    assert!(call["callback"]["url"]
        .as_str()
        .expect("url")
        .ends_with(&format!("/api/v1/hook-runs/{}/result", call["run_id"])));
    for _ in 0..5 {
        engine.tick().await.expect("tick");
        h.clock.advance_to(h.clock_now() + 60_000);
    }
    assert_eq!(
        h.phase(id).await,
        Phase::AwaitingHealth,
        "waits for the result"
    );
    assert!(h.serving("test").await.is_empty(), "no traffic yet");
    assert_eq!(
        answer(&h, &call, "passed", "41 tests green").await,
        Reported::Recorded(HookStatus::Passed)
    );

    assert_eq!(
        drive(&h, &engine, id, |p| p.is_terminal()).await,
        Phase::Succeeded
    );
    assert_eq!(
        std::fs::read_to_string(&count)
            .expect("ran")
            .lines()
            .count(),
        1,
        "migrated once"
    );
    let runs = hook_runs::for_deployment(&h.pool, id).await.expect("runs");
    let seen: Vec<(&str, HookStage, HookStatus)> = runs
        .iter()
        .map(|r| (r.name.as_str(), r.stage, r.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("smoke", HookStage::BeforeSwitch, HookStatus::Passed),
            ("migrate", HookStage::PreCutover, HookStatus::Passed),
            ("after-smoke", HookStage::AfterSwitch, HookStatus::Passed),
        ]
    );
    assert_eq!(
        runs[0].link.as_deref(),
        Some("https://ci.example.com/runs/7")
    );
    assert_eq!(runs[1].summary.as_deref(), Some("exit 0: schema 4 applied"));
    assert!(runs[2]
        .output
        .as_deref()
        .expect("output")
        .contains("checking\n12 checks green"));
    let lines = timeline(&h, id).await;
    let smoke = lines
        .iter()
        .position(|l| l.starts_with("Acceptance hook smoke passed: 41 tests green"))
        .expect("smoke on the timeline");
    let migrated = lines
        .iter()
        .position(|l| l == "Pre-cutover hook migrate passed: exit 0: schema 4 applied")
        .expect("migration on the timeline");
    let switched = lines
        .iter()
        .position(|l| l.contains("Acceptance hook smoke passed") && l.contains("healthy"))
        .expect("the healthy line names the passed hook");
    assert!(smoke < migrated && switched < migrated, "{lines:#?}");
    assert!(lines.iter().any(|l| l.starts_with("Healthy with alarms quiet") && l.contains("after-smoke passed")), "{lines:#?}");
}

#[tokio::test]
async fn a_failing_acceptance_before_the_switch_takes_the_new_fleet_out_and_the_old_keeps_serving()
{
    let dir = scratch();
    let receiver = Receiver::start(0, 0).await;
    let h = with_hooks(vec![http_hook(
        &dir,
        "smoke",
        HookKind::Acceptance,
        &receiver.url,
    )])
    .await;
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    let engine = h.engine("hooks");
    drive(&h, &engine, first, |_| !receiver.received().is_empty()).await;
    answer(&h, &call_of(&receiver, 0), "passed", "ok").await;
    assert_eq!(
        drive(&h, &engine, first, |p| p.is_terminal()).await,
        Phase::Succeeded
    );
    let old = h.serving("test").await;

    h.build("1.0.1").await;
    let second = h.deploy("1.0.1").await;
    drive(&h, &engine, second, |_| receiver.received().len() == 2).await;
    let new = h.plan(second).await.new_instances;
    assert_eq!(
        answer(&h, &call_of(&receiver, 1), "failed", "3 of 41 failed").await,
        Reported::Recorded(HookStatus::Failed)
    );
    assert_eq!(
        drive(&h, &engine, second, |p| p.is_terminal()).await,
        Phase::RolledBack
    );
    assert_eq!(h.serving("test").await, old, "the old fleet serves");
    let alive = h.alive("test").await;
    assert!(old.iter().all(|i| alive.contains(i)) && new.iter().all(|i| !alive.contains(i)));
    let reason = h.plan(second).await.reason.expect("reason");
    assert!(
        reason.starts_with(
            "Acceptance hook smoke failed: 3 of 41 failed; the new fleet is taken out"
        ),
        "{reason}"
    );
}

/// 1.0.0 released through `hooks`, then 1.0.1 deployed: answers (1.0.0's fleet, 1.0.1's id).
async fn second_release(h: &Harness, engine: &Engine) -> (Vec<String>, i64) {
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(
        drive(h, engine, first, |p| p.is_terminal()).await,
        Phase::Succeeded
    );
    let old = h.serving("test").await;
    h.build("1.0.1").await;
    (old, h.deploy("1.0.1").await)
}

#[tokio::test]
async fn a_failing_acceptance_after_the_switch_rolls_back_to_the_old_fleet() {
    let mut after = command_hook(
        "after-smoke",
        HookKind::Acceptance,
        "if [ \"$GREENLIGHT_BUILD\" = 1.0.1 ]; then echo 500 on /checkout; exit 3; fi; echo fine",
    );
    after.when = Some(AcceptanceWhen::AfterSwitch);
    let h = with_hooks(vec![after]).await;
    let engine = h.engine("hooks");
    let (old, second) = second_release(&h, &engine).await;
    assert_eq!(
        drive(&h, &engine, second, |p| p.is_terminal()).await,
        Phase::RolledBack
    );
    assert_eq!(h.serving("test").await, old, "the old fleet serves again");
    let reason = h.plan(second).await.reason.expect("reason");
    assert_eq!(
        reason,
        "Acceptance hook after-smoke failed: exit 3: 500 on /checkout; rolling back"
    );
    let lines = timeline(&h, second).await;
    let switched = lines
        .iter()
        .position(|l| l.starts_with("Old instances deregistered"))
        .expect("switched");
    let failed = lines
        .iter()
        .position(|l| l == "Acceptance hook after-smoke failed: exit 3: 500 on /checkout")
        .expect("the failure on the timeline");
    assert!(switched < failed, "{lines:#?}");
}

#[tokio::test]
async fn a_pre_cutover_hook_whose_receiver_refuses_the_call_switches_nothing_and_is_not_called_again(
) {
    let dir = scratch();
    let receiver = Receiver::start(0, 0).await;
    let h = with_hooks(vec![http_hook(
        &dir,
        "migrate",
        HookKind::PreCutover,
        &receiver.url,
    )])
    .await;
    let engine = h.engine("hooks");
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    drive(&h, &engine, first, |_| !receiver.received().is_empty()).await;
    answer(&h, &call_of(&receiver, 0), "passed", "migrated").await;
    assert_eq!(
        drive(&h, &engine, first, |p| p.is_terminal()).await,
        Phase::Succeeded
    );
    let old = h.serving("test").await;

    receiver.refuse_next(5);
    h.build("1.0.1").await;
    let second = h.deploy("1.0.1").await;
    assert_eq!(
        drive(&h, &engine, second, |p| p.is_terminal()).await,
        Phase::RolledBack
    );
    assert_eq!(receiver.refused(), 1, "a one-way hook is called once");
    assert_eq!(h.serving("test").await, old, "nothing switched");
    let plan = h.plan(second).await;
    assert!(plan.switched_at.is_none());
    assert_eq!(
        plan.reason.as_deref(),
        Some("Pre-cutover hook migrate failed: the hook's receiver answered 500 Internal Server Error; nothing was switched")
    );
}

#[tokio::test]
async fn a_report_with_a_wrong_or_spent_token_is_refused_and_changes_nothing() {
    let dir = scratch();
    let receiver = Receiver::start(0, 0).await;
    let h = with_hooks(vec![http_hook(
        &dir,
        "smoke",
        HookKind::Acceptance,
        &receiver.url,
    )])
    .await;
    let engine = h.engine("hooks");
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    drive(&h, &engine, id, |_| !receiver.received().is_empty()).await;
    let call = call_of(&receiver, 0);
    let mut forged = call.clone();
    forged["callback"]["token"] = serde_json::json!("glh_0000");
    assert_eq!(
        answer(&h, &forged, "passed", "forged").await,
        Reported::WrongToken
    );
    let run = call["run_id"].as_i64().expect("id");
    let stored = hook_runs::by_id(&h.pool, run)
        .await
        .expect("read")
        .expect("run");
    assert_eq!(stored.view.status, HookStatus::Running, "unchanged");
    let mut elsewhere = call.clone();
    elsewhere["run_id"] = serde_json::json!(run + 100);
    assert_eq!(
        answer(&h, &elsewhere, "passed", "x").await,
        Reported::NotFound
    );

    assert_eq!(
        answer(&h, &call, "failed", "1 failed").await,
        Reported::Recorded(HookStatus::Failed)
    );
    assert_eq!(
        answer(&h, &call, "passed", "all green now").await,
        Reported::Ended,
        "spent"
    );
    let stored = hook_runs::by_id(&h.pool, run)
        .await
        .expect("read")
        .expect("run");
    assert_eq!(stored.view.status, HookStatus::Failed);
    assert_eq!(stored.view.summary.as_deref(), Some("1 failed"));
    assert_eq!(
        drive(&h, &engine, id, |p| p.is_terminal()).await,
        Phase::RolledBack
    );
}

#[tokio::test]
async fn a_hook_that_never_reports_times_out_and_the_new_fleet_goes() {
    let dir = scratch();
    let receiver = Receiver::start(0, 0).await;
    let h = with_hooks(vec![http_hook(
        &dir,
        "smoke",
        HookKind::Acceptance,
        &receiver.url,
    )])
    .await;
    let engine = h.engine("hooks");
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(
        drive(&h, &engine, id, |p| p.is_terminal()).await,
        Phase::RolledBack
    );
    let runs = hook_runs::for_deployment(&h.pool, id).await.expect("runs");
    assert_eq!(runs[0].status, HookStatus::TimedOut);
    assert_eq!(runs[0].seconds, Some(600));
    assert!(h.alive("test").await.is_empty());
    assert!(timeline(&h, id)
        .await
        .contains(&"Acceptance hook smoke timed out: no result within 10m".to_owned()));
}

#[tokio::test]
async fn after_a_restart_a_called_hook_is_awaited_not_called_again_and_an_interrupted_one_way_call_is_not_repeated(
) {
    let dir = scratch();
    let receiver = Receiver::start(0, 0).await;
    let count = dir.join("runs");
    let slow = command_hook(
        "slow-smoke",
        HookKind::Acceptance,
        &format!("sleep 0.3; echo once >> {}; echo done", count.display()),
    );
    let h = with_hooks(vec![
        http_hook(&dir, "smoke", HookKind::Acceptance, &receiver.url),
        slow,
        http_hook(&dir, "migrate", HookKind::PreCutover, &receiver.url),
    ])
    .await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let before = h.engine("before-restart");
    drive(&h, &before, id, |_| !receiver.received().is_empty()).await;
    drop(before);
    // A new process: the run is in the database, so the new engine waits for its report.
    let after = h.engine("after-restart");
    for _ in 0..5 {
        after.tick().await.expect("tick");
        h.clock.advance_to(h.clock_now() + 1_000);
    }
    assert_eq!(receiver.received().len(), 1, "not called again");
    answer(&h, &call_of(&receiver, 0), "passed", "ok").await;
    // The command starts, and the engine restarts while it runs: its status file is read by
    // the next engine.
    loop {
        let runs = hook_runs::for_deployment(&h.pool, id).await.expect("runs");
        if runs.len() == 2 {
            assert_eq!(runs[1].status, HookStatus::Running, "the command runs");
            break;
        }
        if after.tick().await.expect("tick") == Tick::Idle {
            h.clock.advance_to(h.clock_now() + 1_000);
        }
    }
    drop(after);
    // The one-way hook's row claimed, as by an engine that died before its call went out.
    let claimed = hook_runs::claim(
        &h.pool,
        hook_runs::NewRun {
            deployment_id: id,
            name: "migrate",
            kind: HookKind::PreCutover,
            stage: HookStage::PreCutover,
            now: h.clock_now(),
            deadline_at: h.clock_now() + 600_000,
        },
    )
    .await
    .expect("claim");
    assert!(claimed.is_some());
    let third = h.engine("third");
    assert_eq!(
        drive(&h, &third, id, |p| p.is_terminal()).await,
        Phase::RolledBack
    );
    assert_eq!(
        std::fs::read_to_string(&count)
            .expect("ran")
            .lines()
            .count(),
        1,
        "the command ran once"
    );
    assert_eq!(
        receiver.received().len(),
        1,
        "the migration was never called"
    );
    let reason = h.plan(id).await.reason.expect("reason");
    assert!(reason.starts_with("Pre-cutover hook migrate: interrupted while being called; a one-way hook is never called twice"), "{reason}");
}

#[tokio::test]
async fn a_one_way_hook_called_before_a_restart_is_awaited_after_it_and_called_once() {
    let dir = scratch();
    let receiver = Receiver::start(0, 0).await;
    let h = with_hooks(vec![http_hook(
        &dir,
        "migrate",
        HookKind::PreCutover,
        &receiver.url,
    )])
    .await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let before = h.engine("before-restart");
    drive(&h, &before, id, |_| !receiver.received().is_empty()).await;
    drop(before);
    let after = h.engine("after-restart");
    for _ in 0..5 {
        after.tick().await.expect("tick");
        h.clock.advance_to(h.clock_now() + 1_000);
    }
    assert_eq!(
        h.phase(id).await,
        Phase::CuttingOver,
        "waits for the migration"
    );
    answer(&h, &call_of(&receiver, 0), "passed", "schema 4").await;
    assert_eq!(
        drive(&h, &after, id, |p| p.is_terminal()).await,
        Phase::Succeeded
    );
    assert_eq!(
        receiver.received().len(),
        1,
        "the migration was called once"
    );
}
