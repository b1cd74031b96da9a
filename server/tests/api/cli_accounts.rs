//! `greenlight user …` and `greenlight token …` from the server's host, run as the binary
//! against the app's database: the same lifecycle as the admin pages, audited as `cli`.

use crate::support::app::{spawn_app, TestApp};
use app::domain::Role;

/// Runs the binary with `args` (and `stdin`) on the app's database: exit code, stdout, stderr.
fn greenlight(app: &TestApp, args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("gl-cli-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .current_dir(&dir)
        // The test suite's own variable would be read as a (refused) config key.
        .env_remove("GREENLIGHT_TEST_POSTGRES")
        .env("GREENLIGHT_DATABASE_URL", &app.database_url)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run greenlight");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    let _ = std::fs::remove_dir_all(dir);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_cli_disables_enables_changes_role_resets_and_makes_scoped_tokens() {
    let app = spawn_app().await;
    app.user("erin", Role::Engineer).await;
    let (code, out, err) = greenlight(
        &app,
        &["user", "add", "ci", "--role", "engineer", "--service"],
        "",
    );
    assert_eq!(code, Some(0), "{out}{err}");
    let (code, token, err) = greenlight(
        &app,
        &[
            "token",
            "create",
            "ci",
            "--name",
            "pipeline",
            "--scopes",
            "builds:write read",
            "--expires-in-days",
            "90",
        ],
        "",
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("scopes read builds:write"), "{err}");
    let token = token.trim().to_owned();
    let payload = crate::support::fixtures::build_payload("1.0.0");
    assert_eq!(
        app.post(Some(&token), "/api/v1/builds", &payload)
            .await
            .status(),
        201
    );
    let (status, _) = app
        .post_json(
            Some(&token),
            "/api/v1/environments/test/deployments",
            serde_json::json!({"build": "1.0.0"}),
        )
        .await;
    assert_eq!(status, 403);

    assert_eq!(greenlight(&app, &["user", "disable", "ci"], "").0, Some(0));
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 401);
    assert_eq!(greenlight(&app, &["user", "enable", "ci"], "").0, Some(0));
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);

    let (code, out, _) = greenlight(&app, &["user", "set-role", "erin", "qa"], "");
    assert_eq!(code, Some(0));
    assert!(out.contains("erin is now qa"), "{out}");
    let (code, password, err) = greenlight(&app, &["user", "reset-password", "erin"], "");
    assert_eq!(code, Some(0), "{err}");
    let password = password.trim();
    assert_eq!(password.len(), 24, "a generated password is printed once");
    assert!(app
        .login(&app.new_client(), "erin", password)
        .await
        .status()
        .is_success());
    let (_, list, _) = greenlight(&app, &["user", "list"], "");
    assert!(
        list.contains("erin\tqa\tperson\tmust-change-password"),
        "{list}"
    );
    assert!(list.contains("ci\tengineer\tservice\tactive"), "{list}");

    let (code, _, err) = greenlight(&app, &["user", "set-role", "nobody", "qa"], "");
    assert_ne!(code, Some(0));
    assert!(err.contains("user nobody not found"), "{err}");
    let (code, _, err) = greenlight(
        &app,
        &["user", "add", "weak", "--role", "qa"],
        "qwerty123456\n",
    );
    assert_ne!(code, Some(0));
    assert!(err.contains("common passwords"), "{err}");

    use sqlx::Row;
    let actors: Vec<(String, String)> =
        sqlx::query("SELECT actor, action FROM audit_log ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| (r.try_get("actor").unwrap(), r.try_get("action").unwrap()))
            .collect();
    for action in [
        "user.add",
        "token.create",
        "user.disable",
        "user.enable",
        "user.set_role",
        "user.reset_password",
    ] {
        assert!(
            actors.contains(&("cli".into(), action.into())),
            "{action}: {actors:?}"
        );
    }
}
