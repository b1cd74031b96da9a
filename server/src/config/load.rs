//! Loading the configuration: defaults, then the file, then `GREENLIGHT_*` variables, each
//! value parsed into its type on the way in; then the checks that span several keys. Every
//! refusal names the key (`environments[2].verify_window`), the source and the reason.

use super::{CloudProvider, Settings};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use std::path::{Path, PathBuf};

/// A configuration problem: which key, in which source, and why.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

/// `["environments", "2", "verify_window"]` as people write it: `environments[2].verify_window`.
fn key(path: &[String]) -> String {
    let mut key = String::new();
    for part in path {
        if part.bytes().all(|b| b.is_ascii_digit()) && !key.is_empty() {
            key += &format!("[{part}]");
        } else {
            if !key.is_empty() {
                key.push('.');
            }
            key += part;
        }
    }
    key
}

fn describe(error: figment::Error, source: &str) -> String {
    let origin = error
        .metadata
        .as_ref()
        .and_then(|m| m.source.as_ref())
        .map(|s| s.to_string())
        .unwrap_or_else(|| source.to_owned());
    if error.path.is_empty() {
        format!("{error} (in {origin})")
    } else {
        format!("key `{}`: {} (in {origin})", key(&error.path), error.kind)
    }
}

impl Settings {
    /// Loads defaults, then the file (if given or if `greenlight.toml` exists), then the
    /// environment. `explicit` is `--config` / `GREENLIGHT_CONFIG`; an explicit file must exist.
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(
            explicit,
            Env::prefixed("GREENLIGHT_").split("__").ignore(&["CONFIG"]),
        )
    }

    pub(super) fn load_from(explicit: Option<&Path>, env: Env) -> Result<Self, ConfigError> {
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
        // What the operator wrote (file, then environment), apart from the defaults, so that a
        // default can depend on another key.
        let mut written = Figment::new();
        if let Some(file) = &file {
            written = written.merge(Toml::file_exact(file));
        }
        let written = written.merge(env);
        let source = file
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| "the environment".into());
        let mut settings: Settings = Figment::from(Serialized::defaults(Settings::default()))
            .merge(written.clone())
            .extract()
            .map_err(|e| {
                ConfigError(
                    e.into_iter()
                        .map(|e| describe(e, &source))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
        if settings.cloud.provider == CloudProvider::Aws {
            // Demo data is simulated history; on a real cloud it would pass for the truth.
            if settings.demo && written.find_value("demo").is_ok() {
                return Err(ConfigError(format!(
                    "key `demo`: demo data runs on the sandbox only, and key `cloud.provider` is \"aws\" (in {source})"
                )));
            }
            settings.demo = false;
        }
        settings
            .validate()
            .map_err(|e| ConfigError(format!("{e} (in {source})")))?;
        Ok(settings)
    }

    /// The rules that span keys (each value is already parsed into its type).
    fn validate(&self) -> Result<(), String> {
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return Err("key `database_url`: must start with sqlite: or postgres://".into());
        }
        if self.cloud.provider == CloudProvider::Aws && self.cloud.region.is_none() {
            return Err("key `cloud.region`: required when cloud.provider is \"aws\"".into());
        }
        self.repository.validate()?;
        let names: Vec<_> = self.environments.iter().map(|e| e.name.clone()).collect();
        self.notifications.validate(&names)?;
        if let Some(oidc) = &self.auth.oidc {
            oidc.validate(self.public_url.as_ref())?;
        }
        if self.environments.is_empty() {
            return Err("key `environments`: at least one environment is required".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (index, env) in self.environments.iter().enumerate() {
            if env.title.trim().is_empty() {
                return Err(format!(
                    "key `environments[{index}].title`: must not be empty"
                ));
            }
            if !seen.insert(env.name.as_str()) {
                return Err(format!(
                    "key `environments[{index}].name`: {:?} appears twice",
                    env.name.as_str()
                ));
            }
            let on_aws = self.cloud.provider == CloudProvider::Aws;
            env.validate(&format!("environments[{index}]"), on_aws, index == 0)?;
        }
        Ok(())
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
    fn a_duration_that_cannot_be_read_stops_start_up_with_its_key() {
        let f = file("engine_poll = \"soon\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("bad duration")
            .to_string();
        assert!(error.contains("key `engine_poll`"), "{error}");
        assert!(error.contains("soon"), "{error}");
        let f =
            file("[[environments]]\nname = \"prod\"\ntitle = \"PROD\"\nverify_window = \"soon\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("bad verify window")
            .to_string();
        assert!(
            error.contains("key `environments[0].verify_window`"),
            "{error}"
        );
        let f = file("public_url = \"ftp://x\"\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("bad url")
            .to_string();
        assert!(error.contains("key `public_url`"), "{error}");
    }

    #[test]
    fn durations_and_urls_arrive_typed() {
        let f = file("engine_poll = \"500ms\"\nsession_idle_timeout = \"30m\"\npublic_url = \"https://gl.example.com/x\"\n");
        let settings = Settings::load_from(Some(&f.0), no_env()).expect("valid");
        assert_eq!(settings.engine_poll.as_millis(), 500);
        assert_eq!(settings.session_idle_timeout.as_secs(), 1800);
        assert!(settings.https());
        assert_eq!(
            settings.public_origin().as_deref(),
            Some("https://gl.example.com")
        );
    }

    #[test]
    fn demo_data_is_off_on_aws_and_asking_for_it_there_names_both_keys() {
        let aws = "[cloud]\nprovider = \"aws\"\nregion = \"eu-west-1\"\n\n[[environments]]\nname = \"prod\"\ntitle = \"PROD\"\nstrategy = \"elastic-ip\"\nelastic_ip_allocation_id = \"eipalloc-1\"\n[environments.instance]\ninstance_type = \"t3.small\"\nsubnet_ids = [\"subnet-1\"]\n";
        let f = file(aws);
        let settings = Settings::load_from(Some(&f.0), no_env()).expect("aws config");
        assert!(!settings.demo, "no demo data by default on aws");
        let f = file(&format!("demo = true\n{aws}"));
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("demo on aws")
            .to_string();
        assert!(
            error.contains("key `demo`") && error.contains("key `cloud.provider`"),
            "{error}"
        );
        let settings = Settings::load_from(None, no_env()).expect("defaults");
        assert!(settings.demo, "the sandbox keeps its demo");
    }

    #[test]
    fn roles_that_require_two_factor_arrive_typed_and_an_unknown_one_names_the_key() {
        let f = file("[auth]\nrequire_totp_for = [\"engineer\", \"admin\"]\n");
        let settings = Settings::load_from(Some(&f.0), no_env()).expect("valid");
        assert_eq!(
            settings.auth.require_totp_for,
            [app::domain::Role::Engineer, app::domain::Role::Admin]
        );
        let f = file("[auth]\nrequire_totp_for = [\"root\"]\n");
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("unknown role")
            .to_string();
        assert!(error.contains("auth.require_totp_for"), "{error}");
        assert!(Settings::load_from(None, no_env())
            .expect("defaults")
            .auth
            .require_totp_for
            .is_empty());
    }

    #[test]
    fn single_sign_on_settings_arrive_typed_and_a_secret_written_in_the_file_is_refused() {
        let base = "public_url = \"https://greenlight.example.com\"\n[auth.oidc]\nissuer = \"https://login.example.com\"\nclient_id = \"greenlight\"\nrole_mapping = { \"release-managers\" = \"engineer\", qa = \"qa\" }\n";
        let f = file(&format!(
            "{base}client_secret = {{ env = \"OIDC_SECRET\" }}\n"
        ));
        let settings = Settings::load_from(Some(&f.0), no_env()).expect("valid");
        let oidc = settings.auth.oidc.expect("oidc");
        assert_eq!(
            oidc.role_mapping.get("release-managers"),
            Some(&app::domain::Role::Engineer)
        );
        assert!(oidc.allow_password_login);
        assert_eq!(oidc.groups_claim, "groups");
        let f = file(&format!("{base}client_secret = \"s3cr3t-in-the-file\"\n"));
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("literal secret")
            .to_string();
        assert!(error.contains("auth.oidc.client_secret"), "{error}");
        assert!(error.contains("never holds it"), "{error}");
        assert!(!error.contains("s3cr3t"), "{error}");
        let f = file(
            &base
                .replace("public_url = \"https://greenlight.example.com\"\n", "")
                .replace(
                    "role_mapping",
                    "client_secret = { file = \"/run/s\" }\nrole_mapping",
                ),
        );
        let error = Settings::load_from(Some(&f.0), no_env())
            .expect_err("no public url")
            .to_string();
        assert!(error.contains("public_url"), "{error}");
    }

    #[test]
    fn a_missing_explicit_file_is_an_error() {
        let error = Settings::load_from(Some(Path::new("/nonexistent/greenlight.toml")), no_env())
            .expect_err("missing");
        assert!(error.to_string().contains("does not exist"));
    }
}
