//! Release history: filters, keyset pagination and exports.

use crate::support::app::{spawn_app, TestApp};
use crate::support::fixtures::now;
use app::domain::{Artifact, DeploymentKind, NewBuild, Outcome, Role};
use greenlight::db::{builds, deployments};
use serde_json::Value;
use std::collections::HashSet;

async fn insert_build(app: &TestApp, version: &str) -> i64 {
    let new = NewBuild {
        version: app::domain::Version::parse(version).expect("version"),
        revision: app::domain::Revision::parse("abcdef1").expect("rev"),
        artifact: Artifact::Image {
            ami_id: app::domain::AmiId::parse("ami-12345678").expect("ami"),
        },
        changes: vec![],
        ci_url: None,
        schema_version: None,
    };
    builds::insert(&app.pool, &new, &format!("h{version}"), "ci", now())
        .await
        .expect("build")
        .id
}

async fn seed(app: &TestApp, rows: usize) {
    let mut ids = Vec::new();
    for v in 0..3 {
        ids.push(insert_build(app, &format!("1.0.{v}")).await);
    }
    let base = 1_700_000_000_000_i64;
    for row in 0..rows {
        let new = deployments::NewDeployment {
            environment: ["test", "staging", "prod"][row % 3],
            build_id: ids[row % 3],
            kind: DeploymentKind::Promote,
            outcome: if row % 5 == 0 {
                Outcome::Failed
            } else {
                Outcome::Succeeded
            },
            started_by: if row % 2 == 0 { "dana" } else { "lee" },
            // Pairs share a timestamp so that the id tie-break is exercised.
            started_at: base + (row as i64 / 2) * 3_600_000,
            finished_at: None,
            notes: "",
            demo: false,
        };
        deployments::insert(&app.pool, &new)
            .await
            .expect("deployment");
    }
}

#[tokio::test]
async fn paging_with_the_cursor_visits_every_row_once_newest_first() {
    let app = spawn_app().await;
    let token = app.token("boss", Role::Viewer).await;
    seed(&app, 45).await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/deployments?limit=10".to_owned();
    loop {
        let page: Value = app
            .get(Some(&token), &path)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(page["total"], 45);
        for item in page["items"].as_array().expect("items") {
            seen.push((
                item["started_at"].as_str().expect("at").to_owned(),
                item["id"].as_i64().expect("id"),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/deployments?limit=10&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 45);
    assert_eq!(seen.iter().map(|s| s.1).collect::<HashSet<_>>().len(), 45);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, ties broken by id");
}

#[tokio::test]
async fn filters_combine_and_bad_values_are_named() {
    let app = spawn_app().await;
    let token = app.token("boss", Role::Viewer).await;
    seed(&app, 30).await;
    let page: Value = app
        .get(
            Some(&token),
            "/api/v1/deployments?environment=prod&user=lee&limit=100",
        )
        .await
        .json()
        .await
        .expect("json");
    let items = page["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|i| i["environment"] == "prod" && i["started_by"] == "lee"));
    assert_eq!(page["total"].as_u64(), Some(items.len() as u64));
    let failed: Value = app
        .get(
            Some(&token),
            "/api/v1/deployments?outcome=failed&build=1.0.0",
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(failed["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["outcome"] == "failed" && i["build_version"] == "1.0.0"));
    assert_eq!(failed["total"], 2);
    let dated: Value = app
        .get(
            Some(&token),
            "/api/v1/deployments?from=2023-11-14&to=2023-11-14",
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(dated["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["started_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2023-11-14"))));
    assert!(dated["total"].as_i64().is_some_and(|n| n > 0 && n < 30));
    let bad = app
        .get(
            Some(&token),
            "/api/v1/deployments?outcome=exploded&from=yesterday",
        )
        .await;
    assert_eq!(bad.status(), 422);
    let error: Value = bad.json().await.expect("json");
    assert!(error["fields"]["outcome"].is_string() && error["fields"]["from"].is_string());
}

#[tokio::test]
async fn exports_carry_every_matching_row_as_csv_or_json() {
    let app = spawn_app().await;
    let token = app.token("boss", Role::Viewer).await;
    seed(&app, 12).await;
    let csv = app
        .get(
            Some(&token),
            "/api/v1/deployments/export?format=csv&environment=test",
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .expect("ct")
        .starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .expect("cd")
        .contains("attachment"));
    let text = csv.text().await.expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,environment,build"));
    assert_eq!(lines.len(), 1 + 4);
    assert!(lines[1..]
        .iter()
        .all(|l| l.split(',').nth(1) == Some("test")));
    let json: Value = app
        .get(Some(&token), "/api/v1/deployments/export?format=json")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(12));
    assert_eq!(
        app.get(Some(&token), "/api/v1/deployments/export?format=xml")
            .await
            .status(),
        400
    );
    assert_eq!(
        app.client
            .get(app.url("/api/v1/deployments/export"))
            .send()
            .await
            .expect("get")
            .status(),
        401
    );
}

#[tokio::test]
async fn counting_stops_at_ten_thousand_and_says_so() {
    let app = spawn_app().await;
    let token = app.token("boss", Role::Viewer).await;
    let envs = vec!["test".to_owned(), "staging".to_owned(), "prod".to_owned()];
    greenlight::db::seed::history(&app.pool, &envs, 10_050, 5, now())
        .await
        .expect("seed");
    let page: Value = app
        .get(Some(&token), "/api/v1/deployments?limit=5")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 10_000);
    assert_eq!(page["total_capped"], true);
    let narrow: Value = app
        .get(Some(&token), "/api/v1/deployments?environment=prod&limit=5")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(narrow["total"], 3350);
    assert_eq!(narrow["total_capped"], false);
}

#[tokio::test]
async fn the_database_allows_one_in_flight_deployment_per_environment() {
    let app = spawn_app().await;
    let new = NewBuild {
        version: app::domain::Version::parse("5.0.0").expect("version"),
        revision: app::domain::Revision::parse("abcdef1").expect("rev"),
        artifact: Artifact::Image {
            ami_id: app::domain::AmiId::parse("ami-12345678").expect("ami"),
        },
        changes: vec![],
        ci_url: None,
        schema_version: None,
    };
    let build = builds::insert(&app.pool, &new, "h", "ci", now())
        .await
        .expect("build")
        .id;
    let row = |environment: &'static str, outcome: Outcome| deployments::NewDeployment {
        environment,
        build_id: build,
        kind: DeploymentKind::Promote,
        outcome,
        started_by: "dana",
        started_at: now(),
        finished_at: None,
        notes: "",
        demo: false,
    };
    deployments::insert(&app.pool, &row("prod", Outcome::InProgress))
        .await
        .expect("first in flight");
    let second = deployments::insert(&app.pool, &row("prod", Outcome::InProgress)).await;
    match second {
        Err(sqlx::Error::Database(e)) => assert!(e.is_unique_violation(), "{e}"),
        other => panic!("a second in-flight prod deployment must be refused, got {other:?}"),
    }
    deployments::insert(&app.pool, &row("staging", Outcome::InProgress))
        .await
        .expect("other environment");
    deployments::insert(&app.pool, &row("prod", Outcome::Succeeded))
        .await
        .expect("finished rows never block");
}

#[tokio::test]
async fn an_export_longer_than_a_page_is_streamed_whole_in_order() {
    let app = spawn_app().await;
    let token = app.token("boss", Role::Viewer).await;
    let envs = vec!["test".to_owned(), "staging".to_owned(), "prod".to_owned()];
    let rows = greenlight::service::history::EXPORT_PAGE as usize * 2 + 7;
    greenlight::db::seed::history(&app.pool, &envs, rows, 5, now())
        .await
        .expect("seed");
    let csv = app
        .get(Some(&token), "/api/v1/deployments/export?format=csv")
        .await;
    assert!(
        csv.headers().get("content-length").is_none(),
        "streamed, not sized up front"
    );
    let text = csv.text().await.expect("csv");
    assert_eq!(text.lines().count(), rows + 1, "header and every row");
    let json: Vec<Value> = app
        .get(Some(&token), "/api/v1/deployments/export?format=json")
        .await
        .json()
        .await
        .expect("one JSON array");
    assert_eq!(json.len(), rows);
    let ids: Vec<i64> = json.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), rows, "each row once");
    let started: Vec<&str> = json
        .iter()
        .map(|r| r["started_at"].as_str().unwrap())
        .collect();
    assert!(
        started.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first across pages"
    );
}

/// SQLite's plans are its own and stable: every filter, first page, next page and count, reads
/// an index in the history's order — never the whole table, never a sort of what matched —
/// which is what keeps a filter fast at a million rows (`scripts/bench.sh` with
/// `BENCH_ROWS=1000000` prints both databases' plans at that size). PostgreSQL chooses by
/// table statistics, so there the plans are only read here (the benchmark prints them).
#[tokio::test]
async fn on_sqlite_every_history_filter_reads_an_index_in_order_never_the_table_or_a_sort() {
    let app = spawn_app().await;
    let envs = vec!["test".to_owned(), "staging".to_owned(), "prod".to_owned()];
    greenlight::db::seed::history(&app.pool, &envs, 3_000, 5, now())
        .await
        .expect("seed");
    let backend = greenlight::db::Backend::of(&app.database_url);
    let plans = greenlight::db::history_plans::plans(&app.pool, backend)
        .await
        .expect("plans");
    assert_eq!(plans.len(), greenlight::db::history_plans::FILTERS.len());
    for plan in &plans {
        for (what, lines) in [
            ("page", &plan.page),
            ("next page", &plan.next_page),
            ("count", &plan.count),
        ] {
            assert!(!lines.is_empty(), "{}: {what} has a plan", plan.filter);
            if backend != greenlight::db::Backend::Sqlite {
                continue;
            }
            for line in lines.iter() {
                let whole_table = line.starts_with("SCAN d") && !line.contains("INDEX");
                assert!(
                    !whole_table && !line.contains("TEMP B-TREE"),
                    "filter `{}` {what}: {line} (plan {lines:?})",
                    plan.filter
                );
            }
            let deployments = lines
                .iter()
                .find(|l| l.starts_with("SEARCH d ") || l.starts_with("SCAN d "))
                .unwrap_or_else(|| {
                    panic!(
                        "filter `{}` {what} reads the deployments: {lines:?}",
                        plan.filter
                    )
                });
            if what == "next page" {
                assert!(
                    deployments.contains("started_at<"),
                    "filter `{}`: the next page seeks to the cursor in the index: {deployments}",
                    plan.filter
                );
            }
        }
    }
}

/// A long history is read from its newest releases back, only as far as needed: here the
/// newest 256 do not hold the release a rollback landed on, so the reading goes further back,
/// and the page still offers the right rollback and every earlier release.
#[tokio::test]
async fn a_rollback_below_the_newest_releases_still_finds_its_target_and_the_older_releases() {
    let app = spawn_app().await;
    let token = app.token("eve", Role::Engineer).await;
    let mut ids = std::collections::HashMap::new();
    for version in ["3.0.0", "3.1.0", "3.2.0", "3.3.0"] {
        ids.insert(version, insert_build(&app, version).await);
    }
    // 3.0.0, then 3.1.0, then 300 releases of 3.2.0 and 3.3.0 in turn, then a rollback to 3.1.0.
    let mut line = vec![
        ("3.0.0", DeploymentKind::Deploy),
        ("3.1.0", DeploymentKind::Deploy),
    ];
    for i in 0..300 {
        line.push((
            if i % 2 == 0 { "3.2.0" } else { "3.3.0" },
            DeploymentKind::Deploy,
        ));
    }
    line.push(("3.1.0", DeploymentKind::Rollback));
    let base = 1_700_000_000_000_i64;
    for (i, (version, kind)) in line.iter().enumerate() {
        let new = deployments::NewDeployment {
            environment: "prod",
            build_id: ids[version],
            kind: *kind,
            outcome: Outcome::Succeeded,
            started_by: "eve",
            started_at: base + i as i64 * 60_000,
            finished_at: Some(base + i as i64 * 60_000 + 1),
            notes: "",
            demo: false,
        };
        deployments::insert(&app.pool, &new)
            .await
            .expect("deployment");
    }
    let page = app
        .get(Some(&token), "/environments/prod")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Roll back to 3.0.0"),
        "the release below 3.1.0 in the line"
    );
    let offered: Vec<&str> = page
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| o.split('"').next())
        .filter(|v| v.starts_with("3."))
        .collect();
    assert_eq!(
        offered,
        ["3.3.0", "3.2.0", "3.0.0"],
        "earlier releases, newest first"
    );
}
