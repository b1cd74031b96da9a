//! What Greenlight runs with when the file leaves a key out: the defaults of every top-level
//! key and the demo pipeline used when no `[[environments]]` is given.

use super::{
    CloudProvider, CloudSettings, EnvironmentSettings, SandboxPace, Settings, Strategy,
    TrustedProxies,
};
use app::domain::Duration;
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
            cloud: CloudSettings {
                provider: CloudProvider::Sandbox,
                region: None,
                endpoint_url: None,
                sandbox_pace: SandboxPace::Realistic,
            },
            environments: demo_environments(),
        }
    }
}

/// The pipeline Greenlight runs with no `[[environments]]` (the sandbox demo): TEST behind one
/// target group, STAGING and PROD behind a listener switching two, PROD baked from STAGING
/// and gated by a QA sign-off and a second person.
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
    vec![test, staging, prod]
}
