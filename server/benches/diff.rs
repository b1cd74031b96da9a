//! Environment diff figures: the time to compare two environments with 500 config keys each
//! (50 of them SSM secrets, compared by version and keyed hash) and 1,000 builds between
//! their releases (3,000 changes) — reading both sides, the rows, the code range — and to
//! render the result as the compare page's table (goal: both together under 20 ms on the
//! server); the same as plain text; and the answer's size as JSON.
//! Run: `cargo bench -p server --bench diff` (`BENCH_KEYS=…`, `BENCH_BUILDS=…` for others).

use app::domain::{
    AmiId, Artifact, BuildChange, DeploymentKind, NewBuild, Outcome, Revision, Version,
};
use app::ui::components::diff_table::DiffTable;
use greenlight::clock::SystemClock;
use greenlight::config::{ConfigValue, Settings};
use greenlight::db;
use greenlight::service::compare;
use greenlight::startup;
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Instant;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn env_var(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let keys = env_var("BENCH_KEYS", 500);
    let builds = env_var("BENCH_BUILDS", 1000);
    let path = std::env::temp_dir().join(format!("gl-bench-diff-{}.db", rand::random::<u64>()));
    let mut settings = Settings {
        database_url: format!("sqlite://{}", path.display()),
        demo: false,
        engine_workers: 0,
        ..Settings::default()
    };
    for (index, environment) in settings.environments.iter_mut().enumerate() {
        environment.config.clear();
        for key in 0..keys {
            let value = if key % 10 == 0 {
                ConfigValue::Secret {
                    secret: format!("ssm:/app/{}/key_{key}", environment.name),
                }
            } else if key % 7 == 0 {
                ConfigValue::Plain(format!("value {key} of {}", environment.name))
            } else {
                ConfigValue::Plain(format!("value {key} {}", index / 2))
            };
            environment.config.insert(format!("KEY_{key:04}"), value);
        }
    }
    let pool = startup::database(&settings).await.expect("database");
    let (core, _) = startup::core(settings, pool.clone(), Arc::new(SystemClock))
        .await
        .expect("core");
    let mut ids = Vec::with_capacity(builds + 1);
    for n in 0..=builds {
        let build = NewBuild {
            version: Version::parse(&format!("1.{n}.0")).expect("version"),
            revision: Revision::parse(&format!("{n:07x}")).expect("revision"),
            artifact: Artifact::Image {
                ami_id: AmiId::parse("ami-0123456789abcdef0").expect("ami"),
            },
            changes: (0..3)
                .map(|c| BuildChange {
                    revision: Revision::parse(&format!("{:07x}", n * 3 + c)).expect("revision"),
                    summary: format!("Change {c} of build {n}"),
                    author: "ana".into(),
                })
                .collect(),
            ci_url: None,
            schema_version: None,
        };
        let stored = db::builds::insert(&pool, &build, &format!("h{n}"), "ci", 0)
            .await
            .expect("build");
        ids.push(stored.id);
    }
    for (environment, build_id) in [("prod", ids[0]), ("test", ids[builds])] {
        db::deployments::insert(
            &pool,
            &db::deployments::NewDeployment {
                environment,
                build_id,
                kind: DeploymentKind::Deploy,
                outcome: Outcome::Succeeded,
                started_by: "bench",
                started_at: 1,
                finished_at: Some(2),
                notes: "",
                demo: false,
            },
        )
        .await
        .expect("release");
    }

    let cold = Instant::now();
    let first = compare::compare(&core, "prod", "test")
        .await
        .expect("compare");
    let cold_ms = cold.elapsed().as_secs_f64() * 1000.0;
    let (mut computed, mut rendered, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    let mut html_len = 0;
    for _ in 0..30 {
        let started = Instant::now();
        let comparison = compare::compare(&core, "prod", "test")
            .await
            .expect("compare");
        computed.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let html =
            Owner::new().with(|| view! { <DiffTable comparison=comparison.clone()/> }.to_html());
        rendered.push(started.elapsed().as_secs_f64() * 1000.0);
        html_len = html.len();
        let started = Instant::now();
        let _ = comparison.as_text(false);
        texts.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (computed, rendered) = (median(computed), median(rendered));
    let json = serde_json::to_string(&first).expect("json");
    println!("diff of two environments: {keys} config keys each, {builds} builds between (3 changes each), sqlite");
    println!(
        "  rows: {} ({} changed, {} same); changes listed {} of {}",
        first.rows.len(),
        first.counts.changed,
        first.counts.same,
        first.code.changes.len(),
        first.code.total_changes
    );
    println!("  first compare (secrets read, key loaded): {cold_ms:.1} ms");
    println!("  compare, median of 30: {computed:.2} ms");
    println!("  render as the compare page's table, median of 30: {rendered:.2} ms ({html_len} bytes of HTML)");
    println!(
        "  compare + render: {:.2} ms (goal < 20 ms)",
        computed + rendered
    );
    println!("  as text, median of 30: {:.2} ms", median(texts));
    println!("  JSON answer: {} bytes", json.len());
    let _ = std::fs::remove_file(&path);
}
