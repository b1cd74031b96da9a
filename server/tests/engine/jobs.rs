//! The engine's job queue: leases are exclusive, expire, and carry a fencing counter that
//! turns a stale worker's writes away.

use crate::support::app::{spawn_app, TestApp};
use crate::support::fixtures::{insert_build, now};
use app::domain::{DeploymentKind, Outcome};
use greenlight::db::deployments;
use greenlight::db::jobs::{self, Lease, StaleLease};

async fn deployment(app: &TestApp, environment: &'static str) -> i64 {
    let version = format!("6.0.{}", rand::random::<u16>());
    let build = insert_build(&app.pool, &version, now()).await;
    let row = deployments::NewDeployment {
        environment,
        build_id: build,
        kind: DeploymentKind::Promote,
        outcome: Outcome::InProgress,
        started_by: "dana",
        started_at: now(),
        finished_at: None,
        notes: "",
        demo: false,
    };
    deployments::insert(&app.pool, &row)
        .await
        .expect("deployment")
}

#[tokio::test]
async fn a_due_job_is_leased_by_one_worker_until_its_lease_expires() {
    let app = spawn_app().await;
    let id = deployment(&app, "prod").await;
    jobs::enqueue(&app.pool, id, 1_000).await.expect("enqueue");
    assert_eq!(
        jobs::lease_next(&app.pool, "a", 999, 30_000)
            .await
            .expect("lease"),
        None,
        "not due yet"
    );
    let first = jobs::lease_next(&app.pool, "a", 1_000, 30_000)
        .await
        .expect("lease")
        .expect("granted");
    assert_eq!(first.deployment_id, id);
    assert_eq!(
        jobs::lease_next(&app.pool, "b", 20_000, 30_000)
            .await
            .expect("lease"),
        None,
        "held by a"
    );
    let second = jobs::lease_next(&app.pool, "b", 31_001, 30_000)
        .await
        .expect("lease")
        .expect("expired, taken over");
    assert!(second.fence > first.fence);

    let mut conn = app.pool.acquire().await.expect("conn");
    assert_eq!(
        jobs::check(&mut conn, first).await.expect("check"),
        Err(StaleLease(id))
    );
    assert_eq!(
        jobs::reschedule(&mut conn, first, 50_000)
            .await
            .expect("write"),
        Err(StaleLease(id)),
        "the stale worker is turned away"
    );
    assert_eq!(
        jobs::finish(&mut conn, first).await.expect("write"),
        Err(StaleLease(id))
    );
    assert_eq!(jobs::check(&mut conn, second).await.expect("check"), Ok(()));
    assert_eq!(
        jobs::reschedule(&mut conn, second, 40_000)
            .await
            .expect("write"),
        Ok(())
    );
    drop(conn);

    assert_eq!(
        jobs::lease_next(&app.pool, "c", 39_999, 30_000)
            .await
            .expect("lease"),
        None,
        "rescheduled later"
    );
    let third = jobs::lease_next(&app.pool, "c", 40_000, 30_000)
        .await
        .expect("lease")
        .expect("due again");
    let mut conn = app.pool.acquire().await.expect("conn");
    assert_eq!(
        jobs::finish(&mut conn, third).await.expect("finish"),
        Ok(())
    );
    assert_eq!(app.count("deployment_jobs").await, 0);
}

#[tokio::test]
async fn the_most_overdue_job_goes_first() {
    let app = spawn_app().await;
    let (late, later) = (
        deployment(&app, "staging").await,
        deployment(&app, "prod").await,
    );
    jobs::enqueue(&app.pool, later, 2_000)
        .await
        .expect("enqueue");
    jobs::enqueue(&app.pool, late, 1_000)
        .await
        .expect("enqueue");
    let lease = jobs::lease_next(&app.pool, "a", 5_000, 1_000)
        .await
        .expect("lease")
        .expect("granted");
    assert_eq!(lease.deployment_id, late);
}

#[tokio::test]
async fn twenty_workers_racing_for_one_job_get_one_lease() {
    let app = spawn_app().await;
    let id = deployment(&app, "prod").await;
    jobs::enqueue(&app.pool, id, 0).await.expect("enqueue");
    let mut tasks = Vec::new();
    for worker in 0..20 {
        let pool = app.pool.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("w{worker}");
            loop {
                match jobs::lease_next(&pool, &name, 10, 60_000).await {
                    Ok(lease) => return lease,
                    // SQLite may report a busy database under contention; try again.
                    Err(e)
                        if e.to_string().contains("locked") || e.to_string().contains("busy") =>
                    {
                        tokio::task::yield_now().await
                    }
                    Err(e) => panic!("{e}"),
                }
            }
        }));
    }
    let mut granted: Vec<Lease> = Vec::new();
    for task in tasks {
        if let Some(lease) = task.await.expect("task") {
            granted.push(lease);
        }
    }
    assert_eq!(granted.len(), 1, "{granted:?}");
}

#[tokio::test]
async fn a_renewed_lease_stays_held_and_an_unrenewed_one_is_taken_over_after_one_lease() {
    use greenlight::engine::LEASE_MS;
    let app = spawn_app().await;
    let id = deployment(&app, "prod").await;
    jobs::enqueue(&app.pool, id, 0).await.expect("enqueue");
    let held = jobs::lease_next(&app.pool, "a", 0, LEASE_MS)
        .await
        .expect("lease")
        .expect("granted");
    // A live worker renews before its lease runs out; the job stays its own.
    assert!(jobs::renew(&app.pool, held, 2 * LEASE_MS)
        .await
        .expect("renew"));
    assert_eq!(
        jobs::lease_next(&app.pool, "b", LEASE_MS + 1, LEASE_MS)
            .await
            .expect("lease"),
        None,
        "renewed, still held"
    );
    // The worker dies: nobody renews, and one lease later another worker takes over.
    let taken = jobs::lease_next(&app.pool, "b", 2 * LEASE_MS + 1, LEASE_MS)
        .await
        .expect("lease")
        .expect("taken over");
    // The dead worker's lease is stale: its renewal is refused.
    assert!(!jobs::renew(&app.pool, held, 3 * LEASE_MS)
        .await
        .expect("renew"));
    assert_eq!(taken.deployment_id, id);
}

#[tokio::test]
async fn a_restarted_server_takes_back_at_once_only_the_jobs_its_dead_predecessor_held() {
    use greenlight::engine::LEASE_MS;
    let app = spawn_app().await;
    let mine = deployment(&app, "prod").await;
    let neighbour = deployment(&app, "staging").await;
    let elsewhere = deployment(&app, "test").await;
    for id in [mine, neighbour, elsewhere] {
        jobs::enqueue(&app.pool, id, 0).await.expect("enqueue");
    }
    // Earlier runs: this server (port 3000), another on this host (port 30001, a prefix
    // match but for the slash), and a server on another host.
    let owners = [
        (mine, "web_1@10.0.0.5:3000/41-0-0-0"),
        (neighbour, "web_1@10.0.0.5:30001/42-0-0-0"),
        (elsewhere, "web-2@10.0.0.5:3000/43-0-0-0"),
    ];
    let mut held = Vec::new();
    for (id, owner) in owners {
        let lease = jobs::lease_next(&app.pool, owner, 0, LEASE_MS)
            .await
            .expect("lease")
            .expect("granted");
        assert_eq!(lease.deployment_id, id);
        held.push(lease);
    }
    let freed = jobs::release_owned_by(&app.pool, "web_1@10.0.0.5:3000/")
        .await
        .expect("release");
    assert_eq!(freed, 1);
    // Well inside every lease: only the dead predecessor's job can be taken.
    let taken = jobs::lease_next(&app.pool, "web_1@10.0.0.5:3000/99-0-1-0", 1, LEASE_MS)
        .await
        .expect("lease")
        .expect("taken back at once");
    assert_eq!(taken.deployment_id, mine);
    assert_eq!(
        jobs::lease_next(&app.pool, "web_1@10.0.0.5:3000/99-1-1-0", 1, LEASE_MS)
            .await
            .expect("lease"),
        None,
        "the others' jobs stay theirs"
    );
    // Fenced: the dead worker, were it to write after all, is turned away.
    assert!(!jobs::renew(&app.pool, held[0], LEASE_MS)
        .await
        .expect("renew"));
    assert!(jobs::renew(&app.pool, held[1], LEASE_MS)
        .await
        .expect("renew"));
}
