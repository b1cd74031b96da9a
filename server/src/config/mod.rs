//! Typed settings from `greenlight.toml` plus `GREENLIGHT_*` environment overrides.
//!
//! Every key has a default, so Greenlight runs with no file at all. Nested keys are reached
//! from the environment with a double underscore: `GREENLIGHT_CLOUD__PROVIDER=aws`.

pub mod environment;

pub use environment::{ConfigValue, EnvironmentSettings, InstanceSettings, Strategy};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `listen` / `GREENLIGHT_LISTEN`: address and port to serve on.
    pub listen: SocketAddr,
    /// `public_url` / `GREENLIGHT_PUBLIC_URL`: the URL users reach Greenlight at. Sets the
    /// origin that mutating requests must come from, and `Secure` cookies when https.
    pub public_url: Option<String>,
    /// `database_url` / `GREENLIGHT_DATABASE_URL`: `sqlite://file.db` (created if missing) or
    /// `postgres://…` for several replicas.
    pub database_url: String,
    /// `demo` / `GREENLIGHT_DEMO`: seed labelled demo data into an empty database.
    pub demo: bool,
    /// `session_idle_timeout` / `GREENLIGHT_SESSION_IDLE_TIMEOUT`: sign out after this long
    /// without a request (`30m`, `8h`).
    pub session_idle_timeout: String,
    /// `session_absolute_timeout` / `GREENLIGHT_SESSION_ABSOLUTE_TIMEOUT`: sign out this
    /// long after signing in, whatever the activity.
    pub session_absolute_timeout: String,
    /// `engine_workers` / `GREENLIGHT_ENGINE_WORKERS`: deployment steps run at once by this
    /// process (0: this replica runs no deployments, others on the same database do).
    pub engine_workers: usize,
    /// `engine_poll` / `GREENLIGHT_ENGINE_POLL`: how often a waiting deployment looks at the
    /// cloud again (`2s`, `500ms`).
    pub engine_poll: String,
    /// `[cloud]`: where fleets run.
    pub cloud: CloudSettings,
    /// `[[environments]]`: the pipeline, in order.
    pub environments: Vec<EnvironmentSettings>,
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

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: None,
            database_url: "sqlite://greenlight.db".into(),
            demo: true,
            session_idle_timeout: "8h".into(),
            session_absolute_timeout: "7d".into(),
            engine_workers: 2,
            engine_poll: "2s".into(),
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
    test.verify_window = "15s".into();
    test.warm_retention = "30m".into();
    let mut staging = EnvironmentSettings::named("staging", "STAGING");
    staging.strategy = Some(Strategy::AlbListener);
    staging.desired_capacity = 2;
    staging.verify_window = "20s".into();
    staging.requires_signoff = true;
    let mut prod = EnvironmentSettings::named("prod", "PROD");
    prod.strategy = Some(Strategy::AlbListener);
    prod.desired_capacity = 2;
    prod.verify_window = "30s".into();
    prod.requires_signoff = true;
    prod.four_eyes = true;
    prod.bake_image = true;
    vec![test, staging, prod]
}

/// A configuration problem: which key, in which source, and why.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// `engine_poll` in milliseconds (validated at load).
    pub fn engine_poll_ms(&self) -> i64 {
        app::domain::duration::parse_millis(&self.engine_poll).unwrap_or(2000) as i64
    }

    /// Loads defaults, then the file (if given or if `greenlight.toml` exists), then the
    /// environment. `explicit` is `--config` / `GREENLIGHT_CONFIG`; an explicit file must exist.
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(
            explicit,
            Env::prefixed("GREENLIGHT_").split("__").ignore(&["CONFIG"]),
        )
    }

    fn load_from(explicit: Option<&Path>, env: Env) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        let file: Option<PathBuf> = match explicit {
            Some(path) if !path.exists() => {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    path.display()
                )))
            }
            Some(path) => Some(path.to_owned()),
            None => Some(PathBuf::from("greenlight.toml")).filter(|p| p.exists()),
        };
        if let Some(file) = &file {
            figment = figment.merge(Toml::file_exact(file));
        }
        let settings: Settings = figment.merge(env).extract().map_err(|e| {
            ConfigError(
                e.into_iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        let source = file
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| "the environment".into());
        settings
            .validate()
            .map_err(|e| ConfigError(format!("{e} (in {source})")))?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), String> {
        for (key, value) in [
            ("session_idle_timeout", &self.session_idle_timeout),
            ("session_absolute_timeout", &self.session_absolute_timeout),
        ] {
            app::domain::duration::parse_seconds(value).map_err(|e| format!("key `{key}`: {e}"))?;
        }
        app::domain::duration::parse_millis(&self.engine_poll)
            .map_err(|e| format!("key `engine_poll`: {e}"))?;
        if let Some(url) = &self.public_url {
            app::domain::build::check_url(url).map_err(|e| format!("key `public_url`: {e}"))?;
        }
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return Err("key `database_url`: must start with sqlite: or postgres://".into());
        }
        if self.cloud.provider == CloudProvider::Aws && self.cloud.region.is_none() {
            return Err("key `cloud.region`: required when cloud.provider is \"aws\"".into());
        }
        if self.environments.is_empty() {
            return Err("key `environments`: at least one environment is required".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (index, env) in self.environments.iter().enumerate() {
            let valid = !env.name.is_empty()
                && env.name.len() <= 32
                && env
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid {
                return Err(format!(
                    "key `environments[{index}].name`: must be 1-32 of a-z, 0-9 and '-'"
                ));
            }
            if env.title.trim().is_empty() {
                return Err(format!(
                    "key `environments[{index}].title`: must not be empty"
                ));
            }
            if !seen.insert(env.name.as_str()) {
                return Err(format!(
                    "key `environments[{index}].name`: {:?} appears twice",
                    env.name
                ));
            }
            let on_aws = self.cloud.provider == CloudProvider::Aws;
            env.validate(&format!("environments[{index}]"), on_aws, index == 0)?;
        }
        Ok(())
    }

    /// Idle timeout in seconds.
    pub fn idle_timeout_secs(&self) -> u64 {
        app::domain::duration::parse_seconds(&self.session_idle_timeout).unwrap_or(8 * 3600)
    }

    /// Absolute session lifetime in seconds.
    pub fn absolute_timeout_secs(&self) -> u64 {
        app::domain::duration::parse_seconds(&self.session_absolute_timeout).unwrap_or(7 * 86_400)
    }

    /// Whether cookies must be `Secure`.
    pub fn https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// The configured public origin (`scheme://host[:port]`), if any.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_url.as_deref()?;
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split(['/', '?', '#']).next()?;
        Some(format!("{scheme}://{host}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn no_env() -> Env {
        Env::prefixed("GREENLIGHT_TEST_UNUSED_PREFIX_")
    }

    fn file(text: &str) -> tempfile_like::File {
        tempfile_like::File::new(text)
    }

    mod tempfile_like {
        //! A config file in the system temp directory, removed on drop.
        pub struct File(pub std::path::PathBuf);
        impl File {
            pub fn new(text: &str) -> Self {
                let path = std::env::temp_dir().join(format!(
                    "greenlight-config-{}-{}.toml",
                    std::process::id(),
                    rand::random::<u64>()
                ));
                let mut f = std::fs::File::create(&path).expect("temp file");
                super::Write::write_all(&mut f, text.as_bytes()).expect("write");
                Self(path)
            }
        }
        impl Drop for File {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
    }

    #[test]
    fn defaults_run_with_no_file() {
        let settings = Settings::load_from(None, no_env()).expect("defaults");
        assert_eq!(settings.listen.to_string(), "127.0.0.1:3000");
        assert!(settings.demo);
        let names: Vec<_> = settings
            .environments
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(names, ["test", "staging", "prod"]);
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail's signature, not ours
    fn environment_variables_override_the_file() {
        let f = file("listen = \"127.0.0.1:4000\"\ndemo = true\n");
        let env = Env::prefixed("GLTEST_A_").split("__");
        figment::Jail::expect_with(|jail| {
            jail.set_env("GLTEST_A_DEMO", "false");
            jail.set_env("GLTEST_A_CLOUD__REGION", "eu-west-1");
            let settings =
                Settings::load_from(Some(&f.0), env.clone()).map_err(|e| e.to_string())?;
            assert_eq!(settings.listen.port(), 4000);
            assert!(!settings.demo);
            assert_eq!(settings.cloud.region.as_deref(), Some("eu-west-1"));
            Ok(())
        });
    }

    #[test]
    fn an_unknown_key_is_named_with_its_file() {
        let f = file("lisen = \"127.0.0.1:4000\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("unknown key")
            .to_string();
        assert!(error.contains("lisen"), "{error}");
        assert!(error.contains(&f.0.display().to_string()), "{error}");
    }

    #[test]
    fn a_bad_value_is_named_with_the_reason() {
        let f = file("[[environments]]\nname = \"Prod!\"\ntitle = \"PROD\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("bad name")
            .to_string();
        assert!(error.contains("environments[0].name"), "{error}");
        let f = file("listen = \"nowhere\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("bad listen")
            .to_string();
        assert!(error.contains("listen"), "{error}");
        let f = file("[cloud]\nprovider = \"aws\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("no region")
            .to_string();
        assert!(error.contains("cloud.region"), "{error}");
    }

    #[test]
    fn the_example_config_in_the_repository_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlight.example.toml");
        let settings = Settings::load_from(Some(&path), no_env()).expect("example config");
        assert_eq!(settings.environments.len(), 3);
        assert_eq!(settings.cloud.provider, CloudProvider::Sandbox);
    }

    #[test]
    fn an_environment_that_cannot_work_on_aws_is_refused_at_load() {
        let f = file("[cloud]\nprovider = \"aws\"\nregion = \"eu-west-1\"\n\n[[environments]]\nname = \"prod\"\ntitle = \"PROD\"\nstrategy = \"elastic-ip\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("no allocation id")
            .to_string();
        assert!(
            error.contains("environments[0].elastic_ip_allocation_id"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_explicit_file_is_an_error() {
        let error = Settings::load_from(Some(Path::new("/nonexistent/greenlight.toml")), no_env())
            .expect_err("missing");
        assert!(error.to_string().contains("does not exist"));
    }
}
