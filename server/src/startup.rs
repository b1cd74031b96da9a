//! Putting the server together: connect, migrate, seed, first admin, listen.

use crate::auth::session_store::Store;
use crate::config::{CloudProvider, Settings};
use crate::site::Site;
use crate::state::AppState;
use crate::{db, http, service};
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
    if settings.demo {
        let names: Vec<String> = settings
            .environments
            .iter()
            .map(|e| e.name.clone())
            .collect();
        let seeded = db::seed::demo(&pool, &names, db::now_ms())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if seeded {
            tracing::info!(
                "seeded demo data (shown as such in the UI; set GREENLIGHT_DEMO=false to skip)"
            );
        }
    }
    if settings.cloud.provider == CloudProvider::Aws {
        let _clients = crate::cloud::aws::aws_clients(&settings.cloud).await;
        tracing::info!(region = ?settings.cloud.region, "AWS clients configured");
    }
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
    let state = AppState {
        db: pool,
        settings: Arc::new(settings),
        leptos,
        site,
    };
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
