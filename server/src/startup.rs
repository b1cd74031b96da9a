//! Putting the server together: connect, migrate, seed, first admin, listen.

use crate::auth::session_store::Store;
use crate::cloud::retry::{RetryPolicy, RetryingCloud};
use crate::cloud::sandbox::{SandboxCloud, Timings};
use crate::cloud::{tag, Cloud, Tags};
use crate::config::{CloudProvider, SandboxPace, Settings};
use crate::engine::run::Run;
use crate::engine::{self, plan, Clock, Engine, SystemClock};
use crate::site::Site;
use crate::state::AppState;
use crate::{db, http, service};
use app::domain::rollout::Phase;
use leptos::config::LeptosOptions;
use sqlx::AnyPool;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower_sessions::session_store::ExpiredDeletion;

/// Opens the database and applies migrations.
pub async fn database(settings: &Settings) -> anyhow::Result<AnyPool> {
    let pool = db::connect(&settings.database_url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open database: {e}"))?;
    db::migrate(&pool, &settings.database_url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot apply migrations: {e}"))?;
    Ok(pool)
}

/// Creates the first admin with a random password and prints it once, if no user exists.
pub async fn first_admin(pool: &AnyPool) -> anyhow::Result<()> {
    let users = db::users::count(pool)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if users > 0 {
        return Ok(());
    }
    let password = crate::auth::password::generate();
    service::accounts::add_user(
        pool,
        "system",
        "local",
        "admin",
        app::domain::Role::Admin,
        &password,
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot create the first admin: {e}"))?;
    // Printed to the terminal once, deliberately not through the log.
    println!("\n  First run: an admin account was created.\n  name:     admin\n  password: {password}\n  Sign in and keep this password somewhere safe; it is not shown again.\n");
    Ok(())
}

/// The configured cloud behind retries, and the sandbox itself when that is the provider
/// (declared with every environment's target groups, listener and address, and holding the
/// fleets the database says serve, so the demo survives a restart).
pub async fn cloud(
    settings: &Settings,
    pool: &AnyPool,
) -> anyhow::Result<(Arc<dyn Cloud>, Option<Arc<SandboxCloud>>)> {
    let policy = RetryPolicy::default();
    if settings.cloud.provider == CloudProvider::Aws {
        let clients = crate::cloud::aws::aws_clients(&settings.cloud).await;
        tracing::info!(region = ?settings.cloud.region, "AWS clients configured");
        return Ok((
            Arc::new(RetryingCloud::new(Arc::new(clients), policy)),
            None,
        ));
    }
    let timings = match settings.cloud.sandbox_pace {
        SandboxPace::Realistic => Timings::realistic(),
        SandboxPace::Instant => Timings::instant(),
    };
    let sandbox = Arc::new(SandboxCloud::new(timings));
    for environment in &settings.environments {
        let binding = plan::binding(environment);
        for group in &binding.target_groups {
            sandbox.add_target_group(group);
        }
        if let (Some(listener), Some(first)) = (&binding.listener, binding.target_groups.first()) {
            sandbox.add_listener(listener, first);
        }
        if let Some(allocation) = &binding.allocation_id {
            sandbox.add_address(allocation);
        }
    }
    let fleets = db::fleets::all(pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read fleets: {e}"))?;
    for (environment, fleet) in fleets {
        let tags = Tags::from([(tag::ENVIRONMENT.to_owned(), environment.clone())]);
        sandbox.adopt(
            &tags,
            &fleet.image_id,
            &fleet.instance_ids,
            fleet.target_group.as_deref(),
        );
        let Some(settings) = settings.environments.iter().find(|e| e.name == environment) else {
            continue;
        };
        let binding = plan::binding(settings);
        if let (Some(listener), Some(group)) = (&binding.listener, &fleet.target_group) {
            sandbox.add_listener(listener, group);
        }
        if let (Some(allocation), Some(instance)) =
            (&binding.allocation_id, fleet.instance_ids.first())
        {
            sandbox.associate_address(allocation, instance).await.ok();
        }
    }
    // Old fleets kept warm for instant rollback are part of the world too.
    for environment in &settings.environments {
        let warm = db::runs::in_phases(pool, &environment.name, &[Phase::Verifying, Phase::Warm])
            .await
            .map_err(|e| anyhow::anyhow!("cannot read deployments: {e}"))?;
        for id in warm {
            let run = db::runs::load(pool, id)
                .await
                .map_err(|e| anyhow::anyhow!("cannot read deployment {id}: {e}"))?
                .and_then(|row| row.run)
                .and_then(|json| serde_json::from_str::<Run>(&json).ok());
            if let Some(old) = run.and_then(|run| run.previous) {
                let tags = Tags::from([(tag::ENVIRONMENT.to_owned(), environment.name.clone())]);
                sandbox.adopt(
                    &tags,
                    &old.image_id,
                    &old.instance_ids,
                    old.target_group.as_deref(),
                );
            }
        }
    }
    Ok((
        Arc::new(RetryingCloud::new(sandbox.clone(), policy)),
        Some(sandbox),
    ))
}

/// A running server.
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    /// Its task.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Builds the state, binds and serves in the background, with the embedded site or the one
/// under `LEPTOS_SITE_ROOT` (default `target/site`).
pub async fn start(settings: Settings, pool: AnyPool) -> anyhow::Result<Running> {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let site = Site::load(&PathBuf::from(site_root));
    start_with_site(settings, pool, site).await
}

/// As [`start`], serving the given site files.
pub async fn start_with_site(
    settings: Settings,
    pool: AnyPool,
    site: Site,
) -> anyhow::Result<Running> {
    let mut seeded = false;
    if settings.demo {
        let names: Vec<String> = settings
            .environments
            .iter()
            .map(|e| e.name.clone())
            .collect();
        seeded = db::seed::demo(&pool, &names, db::now_ms())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if seeded {
            tracing::info!(
                "seeded demo data (shown as such in the UI; set GREENLIGHT_DEMO=false to skip)"
            );
        }
    }
    let (cloud, sandbox) = cloud(&settings, &pool).await?;
    let store = Store::open(&settings.database_url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open session store: {e}"))?;
    let cleanup = store.clone();
    tokio::spawn(async move {
        if let Err(e) = cleanup
            .continuously_delete_expired(tokio::time::Duration::from_secs(600))
            .await
        {
            tracing::warn!(error = %e, "session clean-up stopped");
        }
    });
    let leptos = LeptosOptions::builder()
        .output_name("greenlight")
        .site_pkg_dir("pkg")
        .build();
    tracing::info!(embedded = Site::is_embedded(), "site files ready");
    let site = Arc::new(site);
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen))?;
    let address = listener.local_addr().map_err(|e| anyhow::anyhow!("{e}"))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    if settings.engine_workers > 0 {
        let mut engine = Engine::new(pool.clone(), cloud.clone(), clock.clone(), "engine");
        engine.poll_ms = settings.engine_poll_ms();
        engine::spawn(engine, settings.engine_workers);
        tracing::info!(
            workers = settings.engine_workers,
            "deployment engine running"
        );
    }
    let state = AppState {
        db: pool,
        settings: Arc::new(settings),
        leptos,
        site,
        cloud,
        sandbox,
        clock,
    };
    if seeded && state.sandbox.is_some() && state.settings.engine_workers > 0 {
        let demo = state.clone();
        tokio::spawn(async move {
            if let Err(error) = service::demo::bring_up(demo).await {
                tracing::warn!(%error, "demo deployments stopped");
            }
        });
    }
    let router = http::router(state, store);
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    Ok(Running { address, task })
}
