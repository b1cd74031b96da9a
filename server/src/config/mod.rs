//! Typed settings from `greenlight.toml` plus `GREENLIGHT_*` environment overrides, parsed
//! once into types when Greenlight starts ([`load`]): past this module nothing is a string
//! that should be a duration, a URL or an environment name.
//!
//! Every key has a default ([`defaults`]), so Greenlight runs with no file at all. Nested keys
//! are reached from the environment with a double underscore: `GREENLIGHT_CLOUD__PROVIDER=aws`.

mod binding;
pub mod cutover;
pub mod defaults;
pub mod environment;
pub mod freeze_cron;
pub mod freeze_window;
pub mod hooks;
mod load;
pub mod notifications;
pub mod oidc;
pub mod secret;
pub mod smtp;
mod strategy_rules;
mod trusted_proxies;

pub use app::domain::Strategy;
use app::domain::{Duration, HttpUrl};
pub use cutover::Cutover;
pub use defaults::demo_environments;
pub use environment::{ConfigValue, EnvironmentSettings, InstanceSettings};
pub use load::ConfigError;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
pub use trusted_proxies::{ProxyNet, TrustedProxies};

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `listen` / `GREENLIGHT_LISTEN`: address and port to serve on.
    pub listen: SocketAddr,
    /// `public_url` / `GREENLIGHT_PUBLIC_URL`: the URL users reach Greenlight at. Sets the
    /// origin that mutating requests must come from, and `Secure` cookies when https.
    pub public_url: Option<HttpUrl>,
    /// `trusted_proxies` / `GREENLIGHT_TRUSTED_PROXIES`: reverse proxies (addresses or CIDR
    /// networks) whose `X-Forwarded-For` names the client; from any other peer the header is
    /// ignored. Empty: the TCP peer is the client.
    pub trusted_proxies: TrustedProxies,
    /// `database_url` / `GREENLIGHT_DATABASE_URL`: `sqlite://file.db` (created if missing) or
    /// `postgres://…` for several replicas.
    pub database_url: String,
    /// `demo` / `GREENLIGHT_DEMO`: seed labelled demo data into an empty database.
    pub demo: bool,
    /// `session_idle_timeout` / `GREENLIGHT_SESSION_IDLE_TIMEOUT`: sign out after this long
    /// without a request (`30m`, `8h`).
    pub session_idle_timeout: Duration,
    /// `session_absolute_timeout` / `GREENLIGHT_SESSION_ABSOLUTE_TIMEOUT`: sign out this
    /// long after signing in, whatever the activity.
    pub session_absolute_timeout: Duration,
    /// `engine_workers` / `GREENLIGHT_ENGINE_WORKERS`: deployment steps run at once by this
    /// process (0: this replica runs no deployments, others on the same database do).
    pub engine_workers: usize,
    /// `engine_poll` / `GREENLIGHT_ENGINE_POLL`: how often a waiting deployment looks at the
    /// cloud again (`2s`, `500ms`).
    pub engine_poll: Duration,
    /// `fleet_refresh` / `GREENLIGHT_FLEET_REFRESH`: how often the live fleet health of every
    /// environment is read from the cloud, once for all pages (`15s`; `0s` turns it off).
    pub fleet_refresh: Duration,
    /// `lock_expiry` / `GREENLIGHT_LOCK_EXPIRY`: an environment's lock lapses this long after
    /// it was taken (`4h`), so a forgotten lock does not hold a team for days.
    pub lock_expiry: Duration,
    /// `[cloud]`: where fleets run.
    pub cloud: CloudSettings,
    /// `[repository]`: where revisions link to.
    #[serde(default)]
    pub repository: RepositorySettings,
    /// `[auth]`: sign-in rules.
    #[serde(default)]
    pub auth: AuthSettings,
    /// `[notifications]`: channels and the rules that pick them.
    #[serde(default)]
    pub notifications: notifications::NotificationSettings,
    /// `[[environments]]`: the pipeline, in order.
    pub environments: Vec<EnvironmentSettings>,
}

/// `[auth]`: sign-in rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// `require_totp_for`: roles whose password accounts must use two-factor sign-in, e.g.
    /// `["engineer", "admin"]`; until they set it up, they can reach only their account page.
    #[serde(default)]
    pub require_totp_for: Vec<app::domain::Role>,
    /// `[auth.oidc]`: single sign-on through an OpenID provider.
    #[serde(default)]
    pub oidc: Option<oidc::OidcSettings>,
}

/// `[repository]`: links from revisions and change ranges to the code host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepositorySettings {
    /// `commit_url`: a revision's page, `{revision}` standing for it, e.g.
    /// `https://git.example.com/app/commit/{revision}`.
    pub commit_url: Option<String>,
    /// `compare_url`: the changes between two revisions, `{from}` and `{to}` standing for
    /// them, e.g. `https://git.example.com/app/compare/{from}...{to}`.
    pub compare_url: Option<String>,
}

impl RepositorySettings {
    /// Why the links cannot work, naming the key.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            (
                "repository.commit_url",
                &self.commit_url,
                &["{revision}"][..],
            ),
            (
                "repository.compare_url",
                &self.compare_url,
                &["{from}", "{to}"][..],
            ),
        ];
        for (key, value, placeholders) in checks {
            let Some(value) = value else { continue };
            if app::domain::HttpUrl::parse(value).is_err() {
                return Err(format!("key `{key}`: must be an http or https URL"));
            }
            if let Some(missing) = placeholders.iter().find(|p| !value.contains(**p)) {
                return Err(format!("key `{key}`: must contain {missing}"));
            }
        }
        Ok(())
    }
}

/// `[cloud]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudSettings {
    /// `provider`: `sandbox` (simulated, the default) or `aws`.
    pub provider: CloudProvider,
    /// `region`: AWS region, e.g. `eu-west-1` (required for `aws`).
    pub region: Option<String>,
    /// `endpoint_url`: send AWS calls here instead (an emulator such as moto).
    pub endpoint_url: Option<String>,
    /// `sandbox_pace`: `realistic` (instances take seconds to boot and pass health checks;
    /// the demo) or `instant` (everything at once; tests and measurements).
    #[serde(default)]
    pub sandbox_pace: SandboxPace,
}

/// How fast the sandbox's simulated fleet moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SandboxPace {
    /// Boot, health checks, draining and baking take seconds.
    #[default]
    Realistic,
    /// Everything happens at once.
    Instant,
}

/// Which cloud adapter runs fleets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CloudProvider {
    /// In-process simulated fleet.
    Sandbox,
    /// Amazon Web Services through the official SDK.
    Aws,
}

impl Settings {
    /// Whether cookies must be `Secure`.
    pub fn https(&self) -> bool {
        self.public_url.as_ref().is_some_and(HttpUrl::is_https)
    }

    /// The configured public origin (`scheme://host[:port]`), if any.
    pub fn public_origin(&self) -> Option<String> {
        self.public_url.as_ref().map(HttpUrl::origin)
    }
}

#[cfg(test)]
mod tests {
    use super::RepositorySettings;

    #[test]
    fn repository_links_need_an_http_url_and_their_placeholders() {
        let links = |commit: &str, compare: &str| RepositorySettings {
            commit_url: Some(commit.into()),
            compare_url: Some(compare.into()),
        };
        let good = links(
            "https://git.example.com/app/commit/{revision}",
            "https://git.example.com/app/compare/{from}...{to}",
        );
        assert_eq!(good.validate(), Ok(()));
        assert_eq!(RepositorySettings::default().validate(), Ok(()));
        let error = links("ftp://git/{revision}", "https://g/{from}...{to}").validate();
        assert!(error.unwrap_err().contains("repository.commit_url"));
        let error = links("https://g/commit/", "https://g/{from}...{to}").validate();
        assert!(error.unwrap_err().contains("must contain {revision}"));
        let error = links("https://g/{revision}", "https://g/{from}").validate();
        assert!(error
            .unwrap_err()
            .contains("`repository.compare_url`: must contain {to}"));
    }
}
