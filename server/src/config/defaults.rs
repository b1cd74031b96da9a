//! What Greenlight runs with when the file leaves a key out: the defaults of every top-level
//! key and the demo pipeline used when no `[[environments]]` is given.

use super::{
    CloudProvider, CloudSettings, ConfigValue, EnvironmentSettings, SandboxPace, Settings,
    Strategy, TrustedProxies,
};
use app::domain::Duration;
use std::collections::BTreeMap;
use std::net::SocketAddr;

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: None,
            trusted_proxies: TrustedProxies::default(),
            database_url: "sqlite://greenlight.db".into(),
            demo: true,
            session_idle_timeout: Duration::from_secs(8 * 3600),
            session_absolute_timeout: Duration::from_secs(7 * 86_400),
            engine_workers: 2,
            engine_poll: Duration::from_secs(2),
            fleet_refresh: Duration::from_secs(15),
            lock_expiry: Duration::from_secs(4 * 3600),
            cloud: CloudSettings {
                provider: CloudProvider::Sandbox,
                region: None,
                endpoint_url: None,
                sandbox_pace: SandboxPace::Realistic,
            },
            repository: super::RepositorySettings::default(),
            auth: super::AuthSettings::default(),
            notifications: super::notifications::NotificationSettings::default(),
            environments: demo_environments(),
        }
    }
}

/// The demo's secret that is rotated between PROD's two releases (a new version, a new value).
pub const DEMO_ROTATED_SECRET: &str = "/app/prod/api_key";
/// The demo's secret that Greenlight may not read (compared by reference only).
pub const DEMO_UNREADABLE_SECRET: &str = "/app/staging/legacy_token";

/// The demo's config: what differs between environments (database, log level, a feature
/// flag only TEST and STAGING have, per-environment API keys, a payments key PROD and
/// STAGING share, a secret Greenlight may not read).
fn demo_config(environment: &str) -> BTreeMap<String, ConfigValue> {
    let plain = |text: &str| ConfigValue::Plain(text.to_owned());
    let secret = |name: &str| ConfigValue::Secret {
        secret: format!("ssm:{name}"),
    };
    let mut config = BTreeMap::from([
        (
            "DATABASE_URL".to_owned(),
            plain(&format!("postgres://{environment}-db.internal/app")),
        ),
        (
            "API_KEY".to_owned(),
            secret(&format!("/app/{environment}/api_key")),
        ),
        ("HTTP_TIMEOUT".to_owned(), plain("30s")),
    ]);
    let (log_level, extra) = match environment {
        "test" => ("debug", vec![("NEW_CHECKOUT", plain("on"))]),
        "staging" => (
            "info",
            vec![
                ("NEW_CHECKOUT", plain("on")),
                ("PAYMENTS_KEY", secret("/app/shared/payments_key")),
                ("LEGACY_TOKEN", secret(DEMO_UNREADABLE_SECRET)),
            ],
        ),
        _ => (
            "warn",
            vec![("PAYMENTS_KEY", secret("/app/shared/payments_key"))],
        ),
    };
    config.insert("LOG_LEVEL".to_owned(), plain(log_level));
    config.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
    config
}

/// The pipeline Greenlight runs with no `[[environments]]` (the sandbox demo): TEST behind one
/// target group, STAGING and PROD behind a listener switching two, PROD baked from STAGING
/// and gated by a QA sign-off and a second person; each with its config.
pub fn demo_environments() -> Vec<EnvironmentSettings> {
    let mut test = EnvironmentSettings::named("test", "TEST");
    test.strategy = Some(Strategy::TargetGroup);
    test.verify_window = Duration::from_secs(15);
    test.warm_retention = Duration::from_secs(30 * 60);
    let mut staging = EnvironmentSettings::named("staging", "STAGING");
    staging.strategy = Some(Strategy::AlbListener);
    staging.desired_capacity = 2;
    staging.verify_window = Duration::from_secs(20);
    staging.requires_signoff = true;
    let mut prod = EnvironmentSettings::named("prod", "PROD");
    prod.strategy = Some(Strategy::AlbListener);
    prod.desired_capacity = 2;
    prod.verify_window = Duration::from_secs(30);
    prod.requires_signoff = true;
    prod.four_eyes = true;
    prod.bake_image = true;
    let mut pipeline = vec![test, staging, prod];
    for environment in &mut pipeline {
        environment.config = demo_config(environment.name.as_str());
    }
    pipeline
}
