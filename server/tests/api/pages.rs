//! Server-rendered pages: complete HTML without JavaScript, and the health probes.

use crate::support::app::{spawn_app, spawn_app_with};
use app::domain::Role;

async fn signed_in(app: &crate::support::app::TestApp, role: Role) -> reqwest::Client {
    let password = app.user("reader", role).await;
    let client = app.new_client();
    assert!(app
        .login(&client, "reader", &password)
        .await
        .status()
        .is_success());
    client
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("get");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready");
}

#[tokio::test]
async fn the_overview_shows_the_environments_in_pipeline_order_with_demo_data_labelled() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let client = signed_in(&app, Role::Viewer).await;
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    let positions: Vec<usize> = [
        "<h2><a href=\"/environments/test\">TEST</a></h2>",
        "<h2><a href=\"/environments/staging\">STAGING</a></h2>",
        "<h2><a href=\"/environments/prod\">PROD</a></h2>",
    ]
    .iter()
    .map(|h| html.find(h).unwrap_or_else(|| panic!("{h} missing")))
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "pipeline order");
    assert!(html.contains("Demo data."), "demo data is labelled");
    assert!(html.contains("New builds, not deployed yet"));
    assert!(
        html.contains("href=\"/builds/1.4.2\""),
        "the undeployed demo build is listed"
    );
}

#[tokio::test]
async fn without_demo_data_there_is_no_demo_label() {
    let app = spawn_app().await;
    let client = signed_in(&app, Role::Viewer).await;
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("Demo data."));
    assert!(html.contains("Nothing deployed yet."));
}

#[tokio::test]
async fn builds_build_and_history_pages_render_on_the_server() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let client = signed_in(&app, Role::Viewer).await;
    let builds = client
        .get(app.url("/builds"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(builds.contains(">1.4.2</a>") && builds.contains(">1.0.0</a>"));
    let build = client
        .get(app.url("/builds/1.2.1"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(build.contains("Build 1.2.1") && build.contains("Rolled back"));
    let history = client
        .get(app.url("/history?environment=prod&outcome=rolled_back"))
        .send()
        .await
        .expect("get");
    let history = history.text().await.expect("html");
    assert!(
        history.contains("data-testid=\"history-total\">1<"),
        "one rolled-back prod deployment in the demo"
    );
    assert!(history.contains(
        "/api/v1/deployments/export?format=csv&amp;environment=prod&amp;outcome=rolled_back"
    ));
    let viewer_admin = client
        .get(app.url("/admin/users"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(viewer_admin.contains("your role does not allow this"));
    assert!(
        !viewer_admin.contains("href=\"/admin/users\""),
        "viewers get no admin links"
    );
}

#[tokio::test]
async fn the_suite_runs_on_the_database_it_was_asked_for() {
    use sqlx::Row;
    let app = spawn_app().await;
    let want_postgres = !crate::support::database::backend_url().is_empty();
    let probe = if want_postgres {
        "SELECT version() AS v"
    } else {
        "SELECT 'SQLite ' || sqlite_version() AS v"
    };
    let version: String = sqlx::query(probe)
        .fetch_one(&app.pool)
        .await
        .expect("probe")
        .try_get("v")
        .expect("v");
    let expected = if want_postgres {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    assert!(version.starts_with(expected), "{version}");
}

#[tokio::test]
async fn site_files_are_served_pre_compressed_with_long_caching_for_hashed_names() {
    use greenlight::site::Site;
    let app = crate::support::app::spawn_app_with_site(Site::from_files(vec![
        ("pkg/greenlight.abc123.wasm".into(), b"raw wasm".to_vec()),
        (
            "pkg/greenlight.abc123.wasm.br".into(),
            b"brotli wasm".to_vec(),
        ),
        (
            "pkg/greenlight.abc123.wasm.gz".into(),
            b"gzip wasm".to_vec(),
        ),
        ("pkg/greenlight.def456.js".into(), b"js".to_vec()),
        ("favicon.svg".into(), b"<svg/>".to_vec()),
    ]))
    .await;
    let fetch = |path: &'static str, encoding: &'static str| {
        let client = app.client.clone();
        let url = app.url(path);
        async move {
            client
                .get(url)
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("get")
        }
    };
    let br = fetch("/pkg/greenlight.abc123.wasm", "gzip, br").await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(br.bytes().await.expect("body").as_ref(), b"brotli wasm");
    let gz = fetch("/pkg/greenlight.abc123.wasm", "gzip").await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.bytes().await.expect("body").as_ref(), b"gzip wasm");
    let raw = fetch("/pkg/greenlight.abc123.wasm", "identity").await;
    assert!(raw.headers().get("content-encoding").is_none());
    assert_eq!(raw.bytes().await.expect("body").as_ref(), b"raw wasm");
    let icon = fetch("/favicon.svg", "br").await;
    assert_eq!(icon.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(fetch("/pkg/missing.js", "br").await.status(), 404);

    let password = app.user("reader", Role::Viewer).await;
    let client = app.new_client();
    app.login(&client, "reader", &password).await;
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("import('/pkg/greenlight.def456.js')"),
        "the page loads the hashed bundle"
    );
    assert!(html.contains("module_or_path: '/pkg/greenlight.abc123.wasm'"));
}

#[test]
fn a_bad_config_exits_non_zero_naming_the_key_and_leaves_the_database_alone() {
    let dir = std::env::temp_dir().join(format!("gl-bad-config-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("greenlight.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://DB\"\ndemo = \"maybe\"\n"
            .replace("DB", &dir.join("g.db").display().to_string()),
    )
    .expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .args(["--config", &config.display().to_string(), "migrate"])
        .output()
        .expect("run greenlight");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("demo") && stderr.contains("greenlight.toml"),
        "{stderr}"
    );
    assert!(
        !dir.join("g.db").exists(),
        "the database must not be created"
    );
    let _ = std::fs::remove_dir_all(dir);
}
