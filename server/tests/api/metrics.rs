//! `GET /metrics`: Greenlight's own figures as Prometheus text, for a scraper that does not
//! sign in — cloud calls by operation, fleet refreshes, snapshot age, open live streams,
//! deployments by outcome, engine steps and HTTP requests by route. One recorder serves the
//! whole test process, so figures are compared before and after.

use crate::support::app::TestApp;
use crate::support::engine_app::{deploy_to_test, engine_app_polling};
use app::domain::Role;
use std::time::Duration;

async fn scrape(app: &TestApp) -> String {
    let response = app.get(None, "/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    response.text().await.unwrap()
}

/// The value of the sample whose line starts with `series` (name and labels), if any.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn metrics_count_cloud_calls_refreshes_deployments_steps_requests_and_open_streams() {
    let app = engine_app_polling().await;
    let erin = app.token("erin", Role::Engineer).await;
    let before = scrape(&app).await;
    deploy_to_test(&app, &erin, "1.0.0").await;
    let stream = app.get(Some(&erin), "/api/v1/events").await;
    assert_eq!(stream.status(), 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = scrape(&app).await;
    let grew = |series: &str| {
        let was = sample(&before, series).unwrap_or(0.0);
        let is = sample(&after, series).unwrap_or_else(|| panic!("no {series} in {after}"));
        assert!(is > was, "{series}: {was} → {is}");
    };
    grew(r#"greenlight_cloud_calls_total{operation="RunInstances"}"#);
    grew(r#"greenlight_cloud_calls_total{operation="DescribeInstances"}"#);
    grew(r#"greenlight_fleet_refresh_seconds_count{result="ok"}"#);
    grew(r#"greenlight_engine_step_seconds_count{phase="launching"}"#);
    grew(r#"greenlight_http_requests_total{route="/api/v1/builds",status="201"}"#);
    assert!(
        sample(&after, "greenlight_live_stream_clients").is_some_and(|n| n >= 1.0),
        "{after}"
    );
    let age = sample(
        &after,
        r#"greenlight_fleet_snapshot_age_seconds{environment="test"}"#,
    )
    .expect("test's snapshot age");
    assert!((0.0..5.0).contains(&age), "{age}");
    let finished = r#"greenlight_deployments_finished_total{kind="deploy",outcome="succeeded"}"#;
    for _ in 0..100 {
        if sample(&scrape(&app).await, finished) > sample(&before, finished) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no finished deployment counted: {}", scrape(&app).await);
}

#[tokio::test]
async fn an_admin_makes_a_sandbox_instance_unhealthy_and_the_next_look_shows_it() {
    let app = engine_app_polling().await;
    let admin = app.token("ada", Role::Admin).await;
    let erin = app.token("erin", Role::Engineer).await;
    deploy_to_test(&app, &erin, "1.0.0").await;
    let (_, fleet) = app
        .get_json(Some(&erin), "/api/v1/environments/test/fleet")
        .await;
    let instance = fleet["fleets"][0]["rows"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/sandbox/instances/{instance}/health");
    let (status, _) = app
        .post_json(Some(&erin), &path, serde_json::json!({"healthy": false}))
        .await;
    assert_eq!(status, 403, "engineers may not inject faults");
    let (status, body) = app
        .post_json(
            Some(&admin),
            "/api/v1/sandbox/instances/i-0000000000000ffff/health",
            serde_json::json!({"healthy": false}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = app
        .post_json(Some(&admin), &path, serde_json::json!({"healthy": "no"}))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app
        .post_json(Some(&admin), &path, serde_json::json!({"healthy": false}))
        .await;
    assert_eq!(status, 204, "{body}");
    let mut last = serde_json::Value::Null;
    for _ in 0..100 {
        let (_, fleet) = app
            .get_json(Some(&erin), "/api/v1/environments/test/fleet")
            .await;
        if fleet["live"]["health"] == "down" {
            let row = &fleet["fleets"][0]["rows"][0];
            assert_eq!(row["target"]["state"], "unhealthy", "{row}");
            assert_eq!(row["target"]["reason"], "Target.Timeout", "{row}");
            let (_, audit) = app
                .get_json(Some(&admin), "/api/v1/audit?action=sandbox.")
                .await;
            assert_eq!(audit["items"][0]["target"], instance.as_str(), "{audit}");
            return;
        }
        last = fleet;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the fleet never read down: {last}");
}

#[tokio::test]
async fn sandbox_error_rates_take_only_shares_between_0_and_1_and_a_failing_cloud_turns_stale() {
    let app = engine_app_polling().await;
    let admin = app.token("ada", Role::Admin).await;
    let erin = app.token("erin", Role::Engineer).await;
    deploy_to_test(&app, &erin, "1.0.0").await;
    let faults = |throttle: f64, error: f64| serde_json::json!({"throttle_rate": throttle, "error_rate": error});
    let put = |token: String, body: serde_json::Value| {
        let client = app.new_client();
        let url = app.url("/api/v1/sandbox/faults");
        async move {
            let response = client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            crate::support::app::status_and_json(response).await
        }
    };
    let (status, _) = put(erin.clone(), faults(0.0, 1.0)).await;
    assert_eq!(status, 403);
    let (status, body) = put(admin.clone(), faults(1.5, -0.1)).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["fields"]["throttle_rate"].is_string() && body["fields"]["error_rate"].is_string(),
        "{body}"
    );
    let (status, body) = put(admin.clone(), faults(0.0, 1.0)).await;
    assert_eq!(status, 204, "{body}");
    let stale = async {
        for _ in 0..100 {
            let (_, listed) = app.get_json(Some(&erin), "/api/v1/environments").await;
            let test = &listed[0]["live"];
            if test["stale"] == true
                && test["last_error"].is_string()
                && test["health"] == "unknown"
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    assert!(
        stale.await,
        "a cloud that stops answering turns the health stale and unknown"
    );
    let (status, _) = put(admin.clone(), faults(0.0, 0.0)).await;
    assert_eq!(status, 204);
    for _ in 0..100 {
        let (_, listed) = app.get_json(Some(&erin), "/api/v1/environments").await;
        if listed[0]["live"]["health"] == "healthy" && listed[0]["live"]["stale"] == false {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the health never recovered");
}
