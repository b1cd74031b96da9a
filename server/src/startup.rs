//! Putting the server together: connect, migrate, seed, first admin, listen.

use crate::auth::session_store::Store;
use crate::clock::{Clock, SystemClock};
use crate::cloud::installation::InstallationCloud;
use crate::cloud::retry::{RetryPolicy, RetryingCloud};
use crate::cloud::sandbox::{names, SandboxCloud, Timings};
use crate::cloud::{tag, Cloud, Tags};
use crate::config::{CloudProvider, InstanceSettings, SandboxPace, Settings};
use crate::core::Core;
use crate::engine::{supervisor, Engine};
use crate::site::Site;
use crate::state::AppState;
use crate::{db, http, service};
use app::domain::rollout::Phase;
use app::domain::Fleet;
use leptos::config::LeptosOptions;
use sqlx::AnyPool;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower_sessions::session_store::ExpiredDeletion;

/// Gives the sandbox a parameter for every `ssm:` secret the config names (a made-up value,
/// version 1), except the demo's unreadable one, which exists but may not be read.
fn simulate_parameters(sandbox: &SandboxCloud, settings: &Settings) {
    for environment in &settings.environments {
        for value in environment.config.values() {
            let crate::config::ConfigValue::Secret { secret } = value else {
                continue;
            };
            let Some(name) = service::secrets::parameter_name(secret) else {
                continue;
            };
            sandbox.put_parameter(name, &format!("sandbox value of {name}"));
            if name == crate::config::defaults::DEMO_UNREADABLE_SECRET {
                sandbox.set_parameter_readable(name, false);
            }
        }
    }
}

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
pub async fn first_admin(pool: &AnyPool, clock: &dyn Clock) -> anyhow::Result<()> {
    let users = db::users::count(pool)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if users > 0 {
        return Ok(());
    }
    let password = crate::auth::password::generate();
    let system = service::users::Actor {
        id: None,
        name: "system",
        address: "local",
    };
    service::users::add(
        pool,
        clock,
        system,
        "admin",
        app::domain::Role::Admin,
        app::domain::UserKind::Person,
        &password,
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot create the first admin: {e}"))?;
    // Printed to the terminal once, deliberately not through the log.
    println!("\n  First run: an admin account was created.\n  name:     admin\n  password: {password}\n  Sign in and keep this password somewhere safe; it is not shown again.\n");
    Ok(())
}

/// Fills in, for the sandbox, the names and launch template a demo config leaves out (the
/// sandbox supplies its own; on AWS the loader has demanded them).
pub fn complete_for_sandbox(settings: &mut Settings) {
    for environment in &mut settings.environments {
        let defaults = names::default_binding(environment.name.as_str(), environment.strategy());
        if environment.target_group_arns.is_empty() {
            environment.target_group_arns = defaults.target_groups;
        }
        if environment.listener_arn.is_none() {
            environment.listener_arn = defaults.listener;
        }
        if environment.elastic_ip_allocation_id.is_none() {
            environment.elastic_ip_allocation_id = defaults.allocation_id;
        }
        if environment.instance.is_none() {
            let template = names::default_launch_template();
            environment.instance = Some(InstanceSettings {
                instance_type: template.instance_type,
                subnet_ids: template.subnet_ids,
                security_group_ids: template.security_group_ids,
                key_name: template.key_name,
                instance_profile: template.instance_profile,
                user_data: template.user_data,
            });
        }
    }
}

/// The core the use-cases and the engine run on: the configured cloud behind retries, and
/// the sandbox itself when that is the provider (declared with every environment's target
/// groups, listener and address, and holding the fleets the database says serve or are kept
/// warm, so the demo survives a restart).
pub async fn core(
    mut settings: Settings,
    pool: AnyPool,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<(Core, Option<Arc<SandboxCloud>>)> {
    let policy = RetryPolicy::default();
    let installation = db::installation::id(&pool, clock.now_ms())
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the installation id: {e}"))?;
    let scoped = |cloud: Arc<dyn Cloud>| -> Arc<dyn Cloud> {
        Arc::new(RetryingCloud::new(
            Arc::new(InstallationCloud::new(cloud, &installation)),
            policy,
        ))
    };
    if settings.cloud.provider == CloudProvider::Aws {
        let clients = crate::cloud::aws::aws_clients(&settings.cloud).await;
        tracing::info!(region = ?settings.cloud.region, %installation, "AWS clients configured");
        let cloud = scoped(Arc::new(clients));
        return Ok((
            with_secrets(Core::new(pool, settings, cloud, clock), &installation)?,
            None,
        ));
    }
    complete_for_sandbox(&mut settings);
    let timings = match settings.cloud.sandbox_pace {
        SandboxPace::Realistic => Timings::realistic(),
        SandboxPace::Instant => Timings::instant(),
    };
    let sandbox = Arc::new(SandboxCloud::new(timings));
    for environment in &settings.environments {
        let binding = environment.binding();
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
    simulate_parameters(&sandbox, &settings);
    adopt_known_fleets(&sandbox, &settings, &pool, &installation).await?;
    let cloud = scoped(sandbox.clone());
    Ok((
        with_secrets(Core::new(pool, settings, cloud, clock), &installation)?,
        Some(sandbox),
    ))
}

/// The core with its notification channels, its OpenID provider when `[auth.oidc]` is set,
/// and its hooks, their secrets read: one that cannot be read stops start-up, naming the
/// variable or file. Command hooks keep their output and exit status under the temporary
/// directory, per installation (several may share a host), so that a restart finds the
/// result of one that outlived it.
fn with_secrets(mut core: Core, installation: &str) -> anyhow::Result<Core> {
    let hook_dir = std::env::temp_dir()
        .join("greenlight-hooks")
        .join(installation);
    core.hooks = Arc::new(
        crate::hooks::Hooks::from_environments(&core.settings.environments, hook_dir)
            .map_err(anyhow::Error::msg)?,
    );
    // Channel URLs and keys too: one that cannot be read stops start-up, naming it.
    core.channels = Arc::new(
        crate::notify::channels::Channels::from_settings(&core.settings.notifications)
            .map_err(anyhow::Error::msg)?,
    );
    core.oidc = crate::auth::oidc::OidcProvider::from_settings(&core.settings)
        .map_err(anyhow::Error::msg)?
        .map(Arc::new);
    Ok(core)
}

/// The tags Greenlight put on a fleet's instances when it launched them.
async fn fleet_tags(
    pool: &AnyPool,
    installation: &str,
    environment: &str,
    fleet: &Fleet,
) -> anyhow::Result<Tags> {
    let build = db::builds::by_id(pool, fleet.build_id)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read build {}: {e}", fleet.build_id))?
        .ok_or_else(|| anyhow::anyhow!("build {} of a fleet vanished", fleet.build_id))?;
    Ok(Tags::from([
        (tag::ENVIRONMENT.to_owned(), environment.to_owned()),
        (tag::DEPLOYMENT.to_owned(), fleet.deployment_id.to_string()),
        (tag::BUILD.to_owned(), build.version.to_string()),
        (tag::INSTALLATION.to_owned(), installation.to_owned()),
    ]))
}

/// Hands the sandbox the fleets the database knows: serving ones (traffic pointed at them)
/// and old ones kept warm for instant rollback.
async fn adopt_known_fleets(
    sandbox: &SandboxCloud,
    settings: &Settings,
    pool: &AnyPool,
    installation: &str,
) -> anyhow::Result<()> {
    let fleets = db::fleets::all(pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read fleets: {e}"))?;
    for (environment, fleet) in fleets {
        let tags = fleet_tags(pool, installation, &environment, &fleet).await?;
        sandbox.adopt(
            &tags,
            &fleet.image_id,
            &fleet.instance_ids,
            fleet.target_group.as_deref(),
        );
        let Some(settings) = settings
            .environments
            .iter()
            .find(|e| e.name == environment.as_str())
        else {
            continue;
        };
        let binding = settings.binding();
        if let (Some(listener), Some(group)) = (&binding.listener, &fleet.target_group) {
            sandbox.add_listener(listener, group);
        }
        if let (Some(allocation), Some(instance)) =
            (&binding.allocation_id, fleet.instance_ids.first())
        {
            sandbox.associate_address(allocation, instance).await.ok();
        }
    }
    for environment in &settings.environments {
        let name = environment.name.as_str();
        let warm = db::rollouts::in_phases(pool, name, &[Phase::Verifying, Phase::Warm])
            .await
            .map_err(|e| anyhow::anyhow!("cannot read deployments: {e}"))?;
        for id in warm {
            let plan = db::rollouts::load(pool, id)
                .await
                .map_err(|e| anyhow::anyhow!("cannot read deployment {id}: {e}"))?
                .and_then(|row| row.plan);
            if let Some(old) = plan.and_then(|plan| plan.previous) {
                let tags = fleet_tags(pool, installation, name, &old).await?;
                sandbox.adopt(
                    &tags,
                    &old.image_id,
                    &old.instance_ids,
                    old.target_group.as_deref(),
                );
            }
        }
    }
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
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut seeded = false;
    if settings.demo {
        let names: Vec<String> = settings
            .environments
            .iter()
            .map(|e| e.name.to_string())
            .collect();
        seeded = db::seed::demo(&pool, &names, clock.now_ms())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if seeded {
            tracing::info!(
                "seeded demo data (shown as such in the UI; set GREENLIGHT_DEMO=false to skip)"
            );
        }
    }
    let listen = settings.listen;
    let (core, sandbox) = core(settings, pool, clock).await?;
    let store = Store::open(&core.settings.database_url)
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
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr().map_err(|e| anyhow::anyhow!("{e}"))?;
    core.hooks.set_base_url(&match &core.settings.public_url {
        Some(url) => url.to_string(),
        None => format!("http://{address}"),
    });
    let workers = core.settings.engine_workers;
    if workers > 0 {
        // Jobs an earlier run of this server held when it died are taken back now, not
        // after their leases run out.
        let incarnation = crate::engine::incarnation::take_over(&core.db, address).await?;
        let mut engine = Engine::new(
            core.db.clone(),
            core.cloud.clone(),
            core.clock.clone(),
            &incarnation,
        )
        .with_hooks(core.hooks.clone());
        engine.poll_ms = core.settings.engine_poll.as_millis_i64();
        supervisor::supervise(engine, workers);
        tracing::info!(workers, "deployment engine running");
    }
    let refresh = core.settings.fleet_refresh.as_millis();
    if refresh > 0 {
        // A name no other replica (nor an earlier run of this one) has: the lease is held by
        // whoever renews it, and a stopped replica's runs out after three refreshes.
        let holder = format!(
            "{}/{:016x}",
            crate::engine::incarnation::name(address),
            rand::random::<u64>()
        );
        crate::fleet_health::poller::spawn(
            core.clone(),
            holder,
            std::time::Duration::from_millis(refresh),
        );
    }
    // Notifications leave from the outbox, whichever replica wrote them.
    crate::notify::spawn(
        core.clone(),
        core.channels.clone(),
        std::time::Duration::from_millis(core.settings.engine_poll.as_millis().clamp(20, 1000)),
    );
    // Releases whose acceptance hooks passed are signed off where that counts.
    crate::service::acceptance_signoff::spawn(core.clone(), std::time::Duration::from_secs(1));
    // Deployments and sign-offs reach open pages within a second, from whichever replica.
    crate::live::watch::spawn(
        core.db.clone(),
        core.live.clone(),
        std::time::Duration::from_secs(1),
    );
    if let (true, Some(simulated), true) = (seeded, &sandbox, workers > 0) {
        let (demo, simulated) = (core.clone(), simulated.clone());
        tokio::spawn(async move {
            if let Err(error) = service::demo::bring_up(demo, Some(simulated)).await {
                tracing::warn!(%error, "demo deployments stopped");
            }
        });
    }
    let state = AppState {
        core,
        leptos,
        site: Arc::new(site),
        sandbox,
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
