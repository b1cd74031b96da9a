//! `acceptance_counts_as_signoff`: a release whose acceptance hooks all passed in TEST is
//! signed off there by "acceptance hooks" — once, in the ledger as such — and that satisfies
//! STAGING's sign-off gate; QA's own verdict stays possible beside it and, being the latest,
//! counts. A release whose hook failed is not signed off.

use crate::support::fixtures::{engineer, env, person, signoff, version};
use crate::support::harness::{harness, Harness};
use app::domain::hooks::HookKind;
use app::domain::rollout::Phase;
use app::domain::Role;
use greenlight::config::hooks::HookSettings;
use greenlight::service::acceptance_signoff::{record_due, SIGNER};
use greenlight::service::{environments, signoffs};

/// TEST with a command acceptance hook that passes for 1.0.0 only; STAGING needs a sign-off.
async fn counted() -> Harness {
    harness(|s| {
        let test = &mut s.environments[0];
        test.acceptance_counts_as_signoff = true;
        test.hooks = vec![HookSettings {
            name: "smoke".into(),
            kind: HookKind::Acceptance,
            when: None,
            timeout: "10m".parse().expect("duration"),
            url: None,
            secret: None,
            command: vec![
                "sh".into(),
                "-c".into(),
                "echo 7 checks; [ \"$GREENLIGHT_BUILD\" = 1.0.0 ]".into(),
            ],
        }];
        s.environments[1].requires_signoff = true;
    })
    .await
}

/// Runs `id` to its end, giving the hook's process real time to finish.
async fn finish(h: &Harness, id: i64) -> Phase {
    let engine = h.engine("signoff");
    for _ in 0..3000 {
        let phase = h.phase(id).await;
        if phase.is_terminal() {
            return phase;
        }
        if engine.tick().await.expect("tick") == greenlight::engine::Tick::Idle {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            if let Some(at) = greenlight::db::jobs::next_due(&h.pool).await.expect("due") {
                h.clock.advance_to(at);
            }
        }
    }
    panic!("deployment {id} did not finish")
}

async fn staging_allowed(h: &Harness) -> bool {
    environments::page(&h.core, &engineer(), &env("staging"))
        .await
        .expect("page")
        .promotion
        .expect("promotion")
        .allowed()
}

#[tokio::test]
async fn passing_acceptance_hooks_sign_the_release_off_once_and_open_the_next_gate_beside_qa() {
    let h = counted().await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert!(!staging_allowed(&h).await, "no sign-off yet");
    assert_eq!(finish(&h, id).await, Phase::Succeeded);
    assert_eq!(record_due(&h.core).await.expect("record"), 1);
    assert_eq!(record_due(&h.core).await.expect("again"), 0, "once");
    assert!(staging_allowed(&h).await, "the automated sign-off counts");

    let ledger = signoffs::ledger(&h.core, &version("1.0.0"))
        .await
        .expect("ledger");
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].signoff.signed_by, SIGNER);
    assert_eq!(
        ledger[0].signoff.notes,
        format!(
            "Automated: the acceptance hooks of deployment #{id} passed — smoke (exit 0: 7 checks)"
        )
    );
    assert!(ledger[0].counts);

    // QA's own verdict is recorded beside it, and the latest counts.
    let qa = person("quinn", Role::Qa);
    signoffs::record(
        &h.core,
        &qa,
        "t",
        &version("1.0.0"),
        &signoff("test", "rejected", "checkout broken"),
    )
    .await
    .expect("qa");
    let ledger = signoffs::ledger(&h.core, &version("1.0.0"))
        .await
        .expect("ledger");
    let signers: Vec<&str> = ledger
        .iter()
        .map(|e| e.signoff.signed_by.as_str())
        .collect();
    assert_eq!(signers, ["quinn", SIGNER]);
    assert!(!staging_allowed(&h).await, "QA's later rejection counts");
}

#[tokio::test]
async fn a_release_whose_acceptance_hook_failed_is_not_signed_off() {
    let h = counted().await;
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(finish(&h, first).await, Phase::Succeeded);
    assert_eq!(record_due(&h.core).await.expect("record"), 1);
    h.build("1.0.1").await;
    let second = h.deploy("1.0.1").await;
    assert_eq!(finish(&h, second).await, Phase::RolledBack);
    assert_eq!(record_due(&h.core).await.expect("record"), 0);
    assert!(signoffs::ledger(&h.core, &version("1.0.1"))
        .await
        .expect("ledger")
        .is_empty());
}
