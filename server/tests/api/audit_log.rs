//! Reading the audit log (`GET /api/v1/audit`, the admin page) and its hash chain: a change
//! made behind the append-only triggers is named by `greenlight audit verify` and the page,
//! and parallel writers never fork the chain. Runs on SQLite and on PostgreSQL.

use crate::support::app::{spawn_app, TestApp};
use crate::support::database::backend_url;
use app::domain::{ChainState, Role};
use greenlight::db::{audit, audit_chain};
use serde_json::Value;

/// Appends an entry as a use-case would.
async fn append(app: &TestApp, actor: &str, action: &str, environment: Option<&str>, at: i64) {
    let entry = audit::Entry {
        actor,
        action,
        target: "t",
        environment,
        details: "{}".into(),
        address: "10.0.0.9",
    };
    audit::append_alone(&app.pool, entry, at)
        .await
        .expect("append");
}

/// Drops the append-only triggers, as the database's owner could.
async fn drop_triggers(app: &TestApp) {
    let statements: &[&str] = if backend_url().is_empty() {
        &[
            "DROP TRIGGER audit_log_refuses_update",
            "DROP TRIGGER audit_log_refuses_delete",
        ]
    } else {
        &["DROP TRIGGER audit_log_refuses_update ON audit_log"]
    };
    for sql in statements {
        sqlx::query(sql).execute(&app.pool).await.expect(sql);
    }
}

/// Runs `greenlight audit verify` on the app's database.
fn verify_with_the_binary(app: &TestApp) -> (Option<i32>, String, String) {
    let dir = std::env::temp_dir().join(format!("gl-audit-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .current_dir(&dir)
        // The test suite's own variable would be read as a (refused) config key.
        .env_remove("GREENLIGHT_TEST_POSTGRES")
        .env("GREENLIGHT_DATABASE_URL", &app.database_url)
        .args(["audit", "verify"])
        .output()
        .expect("run greenlight");
    let _ = std::fs::remove_dir_all(dir);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn actions(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect()
}

#[tokio::test]
async fn the_api_filters_by_actor_action_environment_and_day_and_pages_by_cursor() {
    let app = spawn_app().await;
    let admin = app.token("root", Role::Admin).await;
    let day = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    append(&app, "engine", "cloud.launch", Some("prod"), day).await;
    append(&app, "engine", "cloud.terminate", Some("prod"), day + 1).await;
    append(
        &app,
        "engine",
        "cloud.launch",
        Some("test"),
        day + 86_400_000,
    )
    .await;
    append(&app, "ana", "cloud_like.launch", Some("prod"), day + 2).await;

    let (status, prod) = app
        .get_json(Some(&admin), "/api/v1/audit?actor=engine&environment=prod")
        .await;
    assert_eq!(status, 200, "{prod}");
    assert_eq!(actions(&prod), ["cloud.terminate", "cloud.launch"]);

    // A trailing dot is a family; `_` in it is no wildcard.
    let (_, family) = app
        .get_json(Some(&admin), "/api/v1/audit?action=cloud.")
        .await;
    assert_eq!(
        actions(&family),
        ["cloud.launch", "cloud.terminate", "cloud.launch"]
    );
    let (_, exact) = app
        .get_json(Some(&admin), "/api/v1/audit?action=cloud.launch")
        .await;
    assert_eq!(actions(&exact).len(), 2);

    let (_, second_day) = app
        .get_json(
            Some(&admin),
            "/api/v1/audit?action=cloud.&from=2026-01-02&to=2026-01-02",
        )
        .await;
    assert_eq!(second_day["items"][0]["environment"], "test");
    assert_eq!(second_day["items"].as_array().map(Vec::len), Some(1));

    let (_, first) = app
        .get_json(Some(&admin), "/api/v1/audit?action=cloud.&limit=2")
        .await;
    assert_eq!(actions(&first), ["cloud.launch", "cloud.terminate"]);
    let cursor = first["next_cursor"].as_i64().expect("a next page");
    let (_, rest) = app
        .get_json(
            Some(&admin),
            &format!("/api/v1/audit?action=cloud.&limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(actions(&rest), ["cloud.launch"]);
    assert_eq!(rest["items"][0]["environment"], "prod");
    assert!(rest["next_cursor"].is_null(), "the last page has no cursor");
}

#[tokio::test]
async fn the_api_is_for_admins_and_names_bad_parameters() {
    let app = spawn_app().await;
    let engineer = app.token("eve", Role::Engineer).await;
    let admin = app.token("root", Role::Admin).await;
    assert_eq!(app.get(None, "/api/v1/audit").await.status(), 401);
    assert_eq!(
        app.get(Some(&engineer), "/api/v1/audit").await.status(),
        403
    );
    let (status, body) = app.get_json(Some(&admin), "/api/v1/audit?cursor=abc").await;
    assert_eq!((status, body["fields"]["cursor"].is_string()), (400, true));
    let (status, body) = app
        .get_json(Some(&admin), "/api/v1/audit?from=2026-02-01&to=2026-01-01")
        .await;
    assert_eq!((status, body["fields"]["to"].is_string()), (422, true));
    let (status, body) = app
        .get_json(Some(&admin), "/api/v1/audit?actor=a%00b")
        .await;
    assert_eq!((status, body["fields"]["actor"].is_string()), (422, true));
}

#[tokio::test]
async fn verify_names_the_entry_changed_behind_the_triggers_and_exits_1() {
    let app = spawn_app().await;
    for n in 0..5 {
        append(&app, "ana", &format!("test.{n}"), None, 1_000 + n).await;
    }
    let (code, stdout, stderr) = verify_with_the_binary(&app);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("intact: 5 entries"), "{stdout}");

    drop_triggers(&app).await;
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE action = 'test.2'")
        .execute(&app.pool)
        .await
        .expect("tamper");
    let changed: i64 = sqlx::query_scalar("SELECT id FROM audit_log WHERE action = 'test.2'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let (code, _, stderr) = verify_with_the_binary(&app);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("broken at entry {changed}: the entry's content")),
        "{stderr}"
    );
}

#[tokio::test]
async fn verify_names_a_removed_entry_and_a_removed_tail() {
    let app = spawn_app().await;
    for n in 0..4 {
        append(&app, "ana", &format!("test.{n}"), None, 1_000 + n).await;
    }
    drop_triggers(&app).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .expect("ids");
    sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(ids[3])
        .execute(&app.pool)
        .await
        .expect("drop the newest");
    let state = audit_chain::verify(&app.pool).await.expect("verify");
    assert!(
        matches!(&state, ChainState::Broken { entry, reason } if *entry == ids[3] && reason.contains("missing")),
        "{state:?}"
    );
    sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(ids[1])
        .execute(&app.pool)
        .await
        .expect("drop one in the middle");
    let state = audit_chain::verify(&app.pool).await.expect("verify");
    assert_eq!(
        state,
        ChainState::Broken {
            entry: ids[1],
            reason: format!("entry {} is missing (the next one is {})", ids[1], ids[2]),
        }
    );
}

#[tokio::test]
async fn parallel_mutations_keep_one_unbroken_chain() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    let posts = (0..24).map(|n| {
        let body = serde_json::json!({
            "version": format!("5.0.{n}"), "revision": "abcdef1",
            "artifact": {"ami_id": "ami-12345678"},
        });
        let (app, token) = (&app, &token);
        async move {
            app.post(Some(token), "/api/v1/builds", &body)
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(posts).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let entries = app.count("audit_log").await;
    assert_eq!(entries, 2 + 24, "user.add, token.create and one per build");
    assert_eq!(
        audit_chain::verify(&app.pool).await.expect("verify"),
        ChainState::Intact {
            entries,
            before_chain: 0
        }
    );
}

#[tokio::test]
async fn the_admin_page_lists_entries_and_shows_the_chain_state() {
    let app = spawn_app().await;
    let password = app.user("root", Role::Admin).await;
    let client = app.new_client();
    assert!(app
        .login(&client, "root", &password)
        .await
        .status()
        .is_success());
    append(&app, "engine", "cloud.launch", Some("prod"), 5_000).await;
    let page = |query: &'static str| {
        let client = client.clone();
        let url = app.url(&format!("/admin/audit{query}"));
        async move {
            client
                .get(url)
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("html")
        }
    };
    let html = page("?environment=prod").await;
    assert!(html.contains("cloud.launch"), "{html}");
    assert!(!html.contains("user.add"), "filtered to prod");
    assert!(html.contains("intact: "), "{html}");

    drop_triggers(&app).await;
    sqlx::query("UPDATE audit_log SET details = '{\"x\":1}' WHERE action = 'cloud.launch'")
        .execute(&app.pool)
        .await
        .expect("tamper");
    let html = page("").await;
    assert!(
        html.contains("broken at entry") && html.contains("role=\"alert\""),
        "{html}"
    );
}
