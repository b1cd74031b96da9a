//! `GET /api/v1/diff` and the compare page on the demo pipeline: code, config and
//! infrastructure rows, secrets compared but never shown, plain text for a change ticket, and
//! sides that cannot be compared refused with the field and the reason.

use crate::support::app::spawn_app_with;
use app::domain::Role;
use serde_json::Value;

/// What the sandbox puts in the demo's parameters (see `startup::simulate_parameters`).
const SANDBOX_VALUE: &str = "sandbox value";

fn row<'a>(diff: &'a Value, key: &str) -> &'a Value {
    diff["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("row {key} in {diff}"))
}

#[tokio::test]
async fn test_and_prod_compare_by_default_with_secrets_compared_but_never_shown() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let viewer = app.token("vic", Role::Viewer).await;
    let (status, diff) = app.get_json(Some(&viewer), "/api/v1/diff").await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(diff["left"]["environment"], "test");
    assert_eq!(diff["right"]["environment"], "prod");
    assert_eq!(row(&diff, "version")["change"], "changed");
    assert_eq!(row(&diff, "DATABASE_URL")["change"], "changed");
    assert_eq!(row(&diff, "HTTP_TIMEOUT")["change"], "same");
    assert_eq!(row(&diff, "NEW_CHECKOUT")["change"], "removed");
    assert_eq!(row(&diff, "PAYMENTS_KEY")["change"], "added");
    let api_key = row(&diff, "API_KEY");
    assert_eq!(api_key["change"], "changed");
    assert_eq!(api_key["note"], "different secret");
    assert!(api_key["left"]
        .as_str()
        .is_some_and(|s| s.starts_with("secret ssm:/app/test/api_key")));
    assert!(row(&diff, "instance_type")["left"].is_string());
    // What runs, from the poller's shared snapshot (which may not have looked yet).
    let running = row(&diff, "running_instances")["left"]
        .as_str()
        .unwrap_or_default();
    assert!(
        running == "not read yet" || running.ends_with(" healthy)"),
        "{running}"
    );
    assert!(
        diff["code"]["ahead_by"].as_i64().is_some_and(|n| n < 0),
        "PROD is behind TEST"
    );
    assert!(!diff.to_string().contains(SANDBOX_VALUE));

    // STAGING and PROD share the payments key: the same secret under one reference.
    let (_, shared) = app
        .get_json(Some(&viewer), "/api/v1/diff?from=staging&to=prod")
        .await;
    assert_eq!(row(&shared, "PAYMENTS_KEY")["note"], "same secret");
    let legacy = row(&shared, "LEGACY_TOKEN");
    assert_eq!(legacy["change"], "removed");
    assert_eq!(legacy["left"], "secret ssm:/app/staging/legacy_token");
}

#[tokio::test]
async fn the_diff_as_text_marks_each_difference_and_leaves_identical_rows_out() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let viewer = app.token("vic", Role::Viewer).await;
    let response = app
        .get(Some(&viewer), "/api/v1/diff?from=test&to=prod&format=text")
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(text.starts_with("TEST (now) → PROD (now)\n"), "{text}");
    assert!(
        text.contains(
            "~ DATABASE_URL: postgres://test-db.internal/app → postgres://prod-db.internal/app"
        ),
        "{text}"
    );
    assert!(
        text.contains("+ PAYMENTS_KEY: (none) → secret ssm:/app/shared/payments_key"),
        "{text}"
    );
    assert!(
        !text.contains("HTTP_TIMEOUT"),
        "identical rows are left out: {text}"
    );
    assert!(!text.contains(SANDBOX_VALUE));
    let with_same = app
        .get(Some(&viewer), "/api/v1/diff?format=text&same=true")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        with_same.contains("  HTTP_TIMEOUT: 30s → 30s"),
        "{with_same}"
    );
}

#[tokio::test]
async fn sides_that_cannot_be_compared_are_refused_with_the_field_and_the_reason() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let viewer = app.token("vic", Role::Viewer).await;
    let (status, error) = app
        .get_json(Some(&viewer), "/api/v1/diff?from=Not%20An%20Env&to=%23x")
        .await;
    assert_eq!(status, 422, "{error}");
    assert!(
        error["fields"]["from"].is_string() && error["fields"]["to"].is_string(),
        "{error}"
    );
    let (status, error) = app.get_json(Some(&viewer), "/api/v1/diff?to=").await;
    assert_eq!(
        (status, error["fields"]["to"].is_string()),
        (422, true),
        "{error}"
    );
    let (status, _) = app.get_json(Some(&viewer), "/api/v1/diff?from=moon").await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_json(Some(&viewer), "/api/v1/diff?from=999999")
        .await;
    assert_eq!(status, 404);
    // The demo's seeded history predates snapshots: nothing recorded to compare.
    let (status, error) = app.get_json(Some(&viewer), "/api/v1/diff?from=1").await;
    assert_eq!(status, 409, "{error}");
    let (status, error) = app.get_json(Some(&viewer), "/api/v1/diff?format=xml").await;
    assert_eq!((status, error["fields"]["format"].is_string()), (400, true));
    let (status, _) = app.get_json(None, "/api/v1/diff").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_ledger_lists_every_sign_off_of_a_build_with_why_each_no_longer_counts() {
    // The demo runs 1.4.1 on test.
    let app = spawn_app_with(|s| s.demo = true).await;
    let qa = app.token("sam", Role::Qa).await;
    let viewer = app.token("vic", Role::Viewer).await;
    let path = "/api/v1/builds/1.4.1/signoffs";
    for (verdict, notes) in [
        ("rejected", "login broken"),
        ("approved", "fixed by config"),
    ] {
        let (status, body) = app
            .post_json(
                Some(&qa),
                path,
                serde_json::json!({"environment": "test", "verdict": verdict, "notes": notes}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert!(
            body["fingerprint"].as_str().is_some_and(|f| f.len() == 64),
            "{body}"
        );
    }
    let (status, ledger) = app.get_json(Some(&viewer), path).await;
    assert_eq!(status, 200, "{ledger}");
    let entries = ledger.as_array().expect("a list");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["signoff"]["verdict"], "approved", "newest first");
    assert_eq!(entries[0]["counts"], true);
    assert_eq!(entries[0]["why_not"], serde_json::json!([]));
    assert_eq!(entries[1]["signoff"]["notes"], "login broken");
    assert_eq!(entries[1]["counts"], false);
    assert_eq!(entries[1]["why_not"], serde_json::json!(["rejected"]));
    let (status, _) = app
        .get_json(Some(&viewer), "/api/v1/builds/9.9.9/signoffs")
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(None, path).await;
    assert_eq!(status, 401);
}
