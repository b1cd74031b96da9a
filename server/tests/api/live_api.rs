//! Live fleet health over the API: every environment at a glance, an environment's fleets as
//! last read (with refusals that name the field), the event stream, and the environment page
//! rendering the instance table from the shared snapshot.

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine_app::{deploy_to_test, engine_settings};
use app::domain::Role;
use serde_json::Value;
use std::time::Duration;

async fn app_with_poller() -> TestApp {
    spawn_app_with(|s| {
        engine_settings(s);
        s.fleet_refresh = "100ms".parse().expect("duration");
        s.environments[2].frozen = Some("change freeze until Monday".into());
    })
    .await
}

/// Waits until `GET /api/v1/environments` says `environment` is `health`.
async fn until_health(app: &TestApp, token: &str, environment: &str, health: &str) -> Vec<Value> {
    let mut last = Value::Null;
    for _ in 0..100 {
        let (status, body) = app.get_json(Some(token), "/api/v1/environments").await;
        assert_eq!(status, 200, "{body}");
        let listed = body.as_array().expect("a list").clone();
        let env = listed
            .iter()
            .find(|e| e["environment"]["name"] == environment)
            .expect("listed");
        if env["live"]["health"] == health {
            return listed;
        }
        last = body;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{environment} never read {health}: {last}");
}

#[tokio::test]
async fn environments_lists_each_in_pipeline_order_with_build_health_signoff_and_freeze() {
    let app = app_with_poller().await;
    let viewer = app.token("vic", Role::Viewer).await;
    let erin = app.token("erin", Role::Engineer).await;
    deploy_to_test(&app, &erin, "1.0.0").await;
    let listed = until_health(&app, &viewer, "test", "healthy").await;
    let names: Vec<&str> = listed
        .iter()
        .map(|e| e["environment"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["test", "staging", "prod"]);
    let test = &listed[0];
    assert_eq!(test["current"]["build_version"], "1.0.0");
    assert_eq!(
        (
            test["live"]["healthy"].as_u64(),
            test["live"]["total"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(test["live"]["stale"], false);
    assert_eq!(test["signoff"], "awaiting");
    assert_eq!(test["frozen"], Value::Null);
    assert_eq!(listed[1]["signoff"], "nothing_running");
    assert_eq!(listed[1]["live"]["health"], "unknown");
    assert_eq!(
        listed[2]["frozen"],
        "change freeze until Monday (in the configuration)"
    );
    let (status, _) = app.get_json(None, "/api/v1/environments").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_environment_s_fleet_lists_its_instances_and_refuses_a_bad_filter_or_page_by_name() {
    let app = app_with_poller().await;
    let erin = app.token("erin", Role::Engineer).await;
    deploy_to_test(&app, &erin, "1.0.0").await;
    until_health(&app, &erin, "test", "healthy").await;
    let (status, body) = app
        .get_json(Some(&erin), "/api/v1/environments/test/fleet")
        .await;
    assert_eq!(status, 200, "{body}");
    let serving = &body["fleets"][0];
    assert_eq!(serving["role"], "serving");
    assert_eq!(serving["build_version"], "1.0.0");
    assert_eq!(
        (serving["healthy"].as_u64(), serving["total"].as_u64()),
        (Some(1), Some(1))
    );
    let row = &serving["rows"][0];
    assert!(row["id"].as_str().unwrap().starts_with("i-"), "{row}");
    assert_eq!(row["target"]["state"], "healthy");
    assert_eq!(row["build_version"], "1.0.0");
    let (status, body) = app
        .get_json(
            Some(&erin),
            "/api/v1/environments/test/fleet?show=not_healthy",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["fleets"][0]["matching"], 0);
    assert_eq!(body["fleets"][0]["rows"], serde_json::json!([]));
    for (query, field, status_wanted) in [
        ("show=sick", "show", 422),
        ("page=0", "page", 422),
        ("page=two", "page", 400),
    ] {
        let (status, body) = app
            .get_json(
                Some(&erin),
                &format!("/api/v1/environments/test/fleet?{query}"),
            )
            .await;
        assert_eq!(status, status_wanted, "{query}: {body}");
        assert!(body["fields"][field].is_string(), "{query}: {body}");
    }
    let (status, _) = app
        .get_json(Some(&erin), "/api/v1/environments/qa/fleet")
        .await;
    assert_eq!(status, 404);
}

/// Reads the stream until an event satisfies `wanted` (or 10 s pass).
async fn read_until(
    response: &mut reqwest::Response,
    wanted: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut buffer = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, response.chunk()).await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            for line in frame.lines() {
                if let Some(data) = line.strip_prefix("data: ") {
                    let event: Value = serde_json::from_str(data).expect("json event");
                    let done = wanted(&event);
                    seen.push(event);
                    if done {
                        return seen;
                    }
                }
            }
        }
    }
    panic!("the wanted event never came; saw {seen:?}");
}

#[tokio::test]
async fn the_event_stream_starts_with_the_environment_s_health_and_carries_its_deployments() {
    let app = app_with_poller().await;
    let erin = app.token("erin", Role::Engineer).await;
    let mut stream = app
        .get(Some(&erin), "/api/v1/events?environment=test")
        .await;
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let first = read_until(&mut stream, |_| true).await;
    assert_eq!(first[0]["kind"], "fleet");
    assert_eq!(first[0]["environment"], "test");
    let id = deploy_to_test(&app, &erin, "1.0.0").await;
    let seen = read_until(&mut stream, |e| e["kind"] == "deployment").await;
    let deployment = seen.last().unwrap();
    assert_eq!(
        (deployment["id"].as_i64(), &deployment["environment"]),
        (Some(id), &Value::from("test"))
    );
    assert!(
        seen.iter().all(|e| e["environment"] == "test"),
        "only TEST's events: {seen:?}"
    );
    let healthy = read_until(&mut stream, |e| {
        e["kind"] == "fleet" && e["live"]["health"] == "healthy"
    })
    .await;
    assert!(!healthy.is_empty());
    let missing = app.get(Some(&erin), "/api/v1/events?environment=qa").await;
    assert_eq!(missing.status(), 404);
    let anonymous = app.get(None, "/api/v1/events").await;
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn the_environment_page_renders_the_serving_fleet_s_instances_from_the_snapshot() {
    let app = app_with_poller().await;
    let erin = app.token("erin", Role::Engineer).await;
    deploy_to_test(&app, &erin, "1.0.0").await;
    until_health(&app, &erin, "test", "healthy").await;
    let html = app
        .get(Some(&erin), "/environments/test")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"instance-row\""), "{html}");
    assert!(html.contains("data-role=\"serving\""), "{html}");
    assert!(html.contains("1 of 1 healthy"), "{html}");
    assert!(html.contains("show=not_healthy"), "the filter link: {html}");
    let filtered = app
        .get(Some(&erin), "/environments/test?show=not_healthy")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !filtered.contains("data-testid=\"instance-row\""),
        "{filtered}"
    );
    assert!(filtered.contains("No instance matches."), "{filtered}");
}

#[tokio::test]
async fn an_environment_s_metrics_come_per_range_on_the_api_and_the_page_and_a_bad_range_is_named()
{
    let app = app_with_poller().await;
    let erin = app.token("erin", Role::Engineer).await;
    deploy_to_test(&app, &erin, "1.0.0").await;
    let mut body = Value::Null;
    for _ in 0..100 {
        let (status, answer) = app
            .get_json(Some(&erin), "/api/v1/environments/test/metrics?range=6h")
            .await;
        assert_eq!(status, 200, "{answer}");
        body = answer;
        if body["charts"].as_array().is_some_and(|c| !c.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(body["range"], "6h");
    assert!(body["taken_at"].is_string(), "{body}");
    let titles: Vec<&str> = body["charts"]
        .as_array()
        .expect("charts")
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Requests",
            "5xx errors",
            "Target response time",
            "Hosts",
            "CPU"
        ]
    );
    assert!(
        body["charts"][0]["series"][0]["points"][0]["value"].is_number(),
        "{body}"
    );
    let (status, refused) = app
        .get_json(Some(&erin), "/api/v1/environments/test/metrics?range=2h")
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["fields"]["range"].is_string(), "{refused}");
    let html = app
        .get(Some(&erin), "/environments/test?range=6h")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"chart\""), "{html}");
    assert!(html.contains("data-metric=\"requests\""), "{html}");
    assert!(html.contains("<polyline"), "{html}");
    assert!(
        html.contains("aria-current=\"true\" data-range=\"6h\"")
            || html.contains("data-range=\"6h\" aria-current=\"true\""),
        "the chosen range is marked: {html}"
    );
}
