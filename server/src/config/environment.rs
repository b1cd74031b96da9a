//! One `[[environments]]` table: the environment's AWS binding, capacity, timings, gates,
//! instance template and its config (the one place environments differ). Checked as a whole
//! at start-up so that a config that cannot work for its strategy is refused with the key.

use super::strategy_rules::StrategyRules;
use app::domain::{Duration, EnvironmentName, Strategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value in `[environments.config]`: plain text, or a reference to a secret that is never
/// stored or shown in plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConfigValue {
    /// Plain text.
    Plain(String),
    /// `{ secret = "ssm:/app/prod/api_key" }`.
    Secret {
        /// Where the secret lives.
        secret: String,
    },
}

/// `[environments.instance]`: how new instances are launched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSettings {
    /// `instance_type`, e.g. `t3.small`.
    pub instance_type: String,
    /// `subnet_ids`: at least one.
    pub subnet_ids: Vec<String>,
    /// `security_group_ids`.
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// `key_name` (optional).
    pub key_name: Option<String>,
    /// `instance_profile` (optional).
    pub instance_profile: Option<String>,
    /// `user_data` template (optional).
    pub user_data: Option<String>,
}

fn default_capacity() -> u32 {
    1
}
fn default_health_deadline() -> Duration {
    Duration::from_secs(10 * 60)
}
fn default_verify_window() -> Duration {
    Duration::from_secs(5 * 60)
}
fn default_warm_extension_limit() -> Duration {
    Duration::from_secs(24 * 3600)
}

fn default_warm_retention() -> Duration {
    Duration::from_secs(3600)
}

fn watched_while_warm() -> bool {
    true
}

/// One `[[environments]]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSettings {
    /// `name`: short lower-case name used in URLs and the API, e.g. `prod`.
    pub name: EnvironmentName,
    /// `title`: what the pages show, e.g. `PROD`.
    pub title: String,
    /// `strategy`: `alb-listener`, `target-group` or `elastic-ip` (default `target-group`).
    #[serde(default)]
    pub strategy: Option<Strategy>,
    /// `listener_arn`: the ALB listener (alb-listener).
    #[serde(default)]
    pub listener_arn: Option<String>,
    /// `target_group_arns`: two for alb-listener, one for target-group.
    #[serde(default)]
    pub target_group_arns: Vec<String>,
    /// `elastic_ip_allocation_id` (elastic-ip).
    #[serde(default)]
    pub elastic_ip_allocation_id: Option<String>,
    /// `desired_capacity`: instances per fleet (at most 1 for elastic-ip).
    #[serde(default = "default_capacity")]
    pub desired_capacity: u32,
    /// `health_deadline`: the new fleet must be healthy by then.
    #[serde(default = "default_health_deadline")]
    pub health_deadline: Duration,
    /// `verify_window`: after cutover, target health and alarms are watched this long.
    #[serde(default = "default_verify_window")]
    pub verify_window: Duration,
    /// `warm_retention`: how long the old fleet is kept for instant rollback.
    #[serde(default = "default_warm_retention")]
    pub warm_retention: Duration,
    /// `warm_extension_limit`: how much, in all, people may extend one release's warm window.
    #[serde(default = "default_warm_extension_limit")]
    pub warm_extension_limit: Duration,
    /// `watch_while_warm`: keep watching `alarms` and the new fleet's health while the old
    /// fleet is warm, rolling back on a failure as during `verify_window`.
    #[serde(default = "watched_while_warm")]
    pub watch_while_warm: bool,
    /// `cutover`: `automatic` (default) switches traffic once the new fleet is healthy;
    /// `manual` holds it there until a person switches (alb-listener or elastic-ip).
    #[serde(default)]
    pub cutover: super::Cutover,
    /// `hold_deadline`: a held new fleet nobody switched by then is terminated (default 24h).
    #[serde(default = "super::cutover::default_hold_deadline")]
    pub hold_deadline: Duration,
    /// `acceptance_counts_as_signoff`: a release whose acceptance hooks all passed here is
    /// signed off by Greenlight (as "acceptance hooks"), which satisfies the next
    /// environment's sign-off gate; QA may still sign off beside it.
    #[serde(default)]
    pub acceptance_counts_as_signoff: bool,
    /// `[[environments.hooks]]`: acceptance tests and one-way steps run against the new
    /// fleet (see [`super::hooks`]).
    #[serde(default)]
    pub hooks: Vec<super::hooks::HookSettings>,
    /// `alarms`: CloudWatch alarm names that gate the cutover and trigger auto-rollback.
    #[serde(default)]
    pub alarms: Vec<String>,
    /// `requires_signoff`: promotion into this environment needs an approved QA sign-off on
    /// the previous one.
    #[serde(default)]
    pub requires_signoff: bool,
    /// `four_eyes`: the promoter must not be the sign-off's approver.
    #[serde(default)]
    pub four_eyes: bool,
    /// `bake_image`: launch from an image baked from a healthy instance of the previous
    /// environment.
    #[serde(default)]
    pub bake_image: bool,
    /// `bake_no_reboot`: image the source instance without a reboot, where it stands: it
    /// keeps serving, but the image is only crash-consistent (whatever the instance had not
    /// written to disk is missing). By default (`false`) the instance is taken out of traffic,
    /// drained and imaged with a reboot, then registered again; where it serves alone (an
    /// Elastic IP, or the only healthy target) it is imaged without a reboot regardless.
    #[serde(default)]
    pub bake_no_reboot: bool,
    /// `frozen`: when set, nothing may be deployed or promoted into the environment; the text
    /// says why (rollbacks and scaling stay allowed).
    #[serde(default)]
    pub frozen: Option<String>,
    /// `[[environments.freeze_windows]]`: scheduled freezes (weekly or one-off, in a time
    /// zone), refused like `frozen` while they hold.
    #[serde(default)]
    pub freeze_windows: Vec<super::freeze_window::FreezeWindowSettings>,
    /// `[environments.instance]`: required with the aws provider.
    #[serde(default)]
    pub instance: Option<InstanceSettings>,
    /// `[environments.config]`: the environment's configuration.
    #[serde(default)]
    pub config: BTreeMap<String, ConfigValue>,
}

impl EnvironmentSettings {
    /// A plain environment with defaults for everything but its name and title.
    ///
    /// # Panics
    /// If `name` is not a valid environment name: this is for names written in the code
    /// (the demo pipeline, tests); names from a file are parsed by the loader.
    pub fn named(name: &str, title: &str) -> Self {
        Self {
            name: EnvironmentName::parse(name).expect("a valid environment name literal"),
            title: title.into(),
            strategy: None,
            listener_arn: None,
            target_group_arns: Vec::new(),
            elastic_ip_allocation_id: None,
            desired_capacity: default_capacity(),
            health_deadline: default_health_deadline(),
            verify_window: default_verify_window(),
            warm_retention: default_warm_retention(),
            warm_extension_limit: default_warm_extension_limit(),
            watch_while_warm: watched_while_warm(),
            cutover: super::Cutover::Automatic,
            hold_deadline: super::cutover::default_hold_deadline(),
            acceptance_counts_as_signoff: false,
            hooks: Vec::new(),
            alarms: Vec::new(),
            requires_signoff: false,
            four_eyes: false,
            bake_image: false,
            bake_no_reboot: false,
            frozen: None,
            freeze_windows: Vec::new(),
            instance: None,
            config: BTreeMap::new(),
        }
    }

    /// The freeze windows, parsed (each was checked when the config loaded).
    pub fn freeze_windows(&self) -> Vec<super::freeze_window::FreezeWindow> {
        self.freeze_windows
            .iter()
            .filter_map(|w| super::freeze_window::FreezeWindow::parse(w, "freeze_windows").ok())
            .collect()
    }

    /// The strategy, `target-group` when not given.
    pub fn strategy(&self) -> Strategy {
        self.strategy.unwrap_or(Strategy::TargetGroup)
    }

    /// Checks this table; `key` is its path, e.g. `environments[2]`. `on_aws` demands the
    /// AWS binding (the sandbox simulates whatever is missing).
    pub fn validate(&self, key: &str, on_aws: bool, first: bool) -> Result<(), String> {
        let field = |name: &str, reason: &str| Err(format!("key `{key}.{name}`: {reason}"));
        for (index, window) in self.freeze_windows.iter().enumerate() {
            super::freeze_window::FreezeWindow::parse(
                window,
                &format!("{key}.freeze_windows[{index}]"),
            )?;
        }
        if self.desired_capacity == 0 || self.desired_capacity > app::domain::fleet::MAX_FLEET_SIZE
        {
            return field(
                "desired_capacity",
                &format!(
                    "must be between 1 and {}",
                    app::domain::fleet::MAX_FLEET_SIZE
                ),
            );
        }
        if self.bake_image && first {
            return field(
                "bake_image",
                "the first environment has no previous one to bake from",
            );
        }
        if self.bake_no_reboot && !self.bake_image {
            return field(
                "bake_no_reboot",
                "needs bake_image = true (it says how the image is baked)",
            );
        }
        if self.requires_signoff && first {
            return field(
                "requires_signoff",
                "the first environment has no previous one to sign off",
            );
        }
        if self.four_eyes && !self.requires_signoff {
            return field(
                "four_eyes",
                "needs requires_signoff = true (it compares promoter and approver)",
            );
        }
        if let Err((name, reason)) = self.strategy().check(self, on_aws) {
            return field(name, reason);
        }
        if let Err(reason) = super::cutover::check(self.cutover, self.strategy()) {
            return field("cutover", reason);
        }
        if self.hold_deadline.as_millis_i64() <= 0 {
            return field("hold_deadline", "must be longer than zero");
        }
        super::hooks::validate_all(&self.hooks, key)?;
        if self.acceptance_counts_as_signoff
            && !self
                .hooks
                .iter()
                .any(|h| h.kind == app::domain::hooks::HookKind::Acceptance)
        {
            return field(
                "acceptance_counts_as_signoff",
                "needs an acceptance hook in [[environments.hooks]] whose passing stands for the sign-off",
            );
        }
        if on_aws {
            let Some(instance) = &self.instance else {
                return field("instance", "required when cloud.provider is \"aws\"");
            };
            if instance.instance_type.trim().is_empty() {
                return field("instance.instance_type", "must not be empty");
            }
            if instance.subnet_ids.is_empty() {
                return field("instance.subnet_ids", "at least one subnet is required");
            }
        }
        for (name, value) in &self.config {
            if let ConfigValue::Secret { secret } = value {
                if secret.trim().is_empty() {
                    return field(
                        &format!("config.{name}.secret"),
                        "must name where the secret lives",
                    );
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<EnvironmentSettings, String> {
        toml_from_str(text)
    }

    fn toml_from_str(text: &str) -> Result<EnvironmentSettings, String> {
        use figment::providers::{Format, Toml};
        figment::Figment::from(Toml::string(text))
            .extract()
            .map_err(|e| e.to_string())
    }

    const PROD: &str = r#"
        name = "prod"
        title = "PROD"
        strategy = "alb-listener"
        listener_arn = "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x/y/z"
        target_group_arns = ["arn:blue", "arn:green"]
        desired_capacity = 2
        health_deadline = "10m"
        verify_window = "5m"
        warm_retention = "1h"
        alarms = ["prod-5xx", "prod-latency"]
        requires_signoff = true
        four_eyes = true
        bake_image = true

        [instance]
        instance_type = "t3.small"
        subnet_ids = ["subnet-1"]
        security_group_ids = ["sg-1"]
        key_name = "deploy"

        [config]
        DATABASE_URL = "postgres://prod-db/app"
        API_KEY = { secret = "ssm:/app/prod/api_key" }
    "#;

    #[test]
    fn the_documented_prod_example_parses_and_validates_on_aws() {
        let env = parse(PROD).expect("parses");
        assert_eq!(env.strategy(), Strategy::AlbListener);
        assert_eq!(
            env.config["API_KEY"],
            ConfigValue::Secret {
                secret: "ssm:/app/prod/api_key".into()
            }
        );
        assert_eq!(env.validate("environments[2]", true, false), Ok(()));
    }

    #[test]
    fn strategy_mismatches_are_named_by_key() {
        let cases = [
            (
                PROD.replace(
                    "target_group_arns = [\"arn:blue\", \"arn:green\"]",
                    "target_group_arns = [\"arn:blue\"]",
                ),
                "target_group_arns",
            ),
            (
                PROD.replace("listener_arn = ", "# listener_arn = "),
                "listener_arn",
            ),
            (
                PROD.replace(
                    "strategy = \"alb-listener\"",
                    "strategy = \"elastic-ip\"\nelastic_ip_allocation_id = \"eipalloc-1\"",
                ),
                "desired_capacity",
            ),
            (
                PROD.replace("strategy = \"alb-listener\"", "strategy = \"elastic-ip\"")
                    .replace("desired_capacity = 2", "desired_capacity = 1"),
                "elastic_ip_allocation_id",
            ),
            (
                PROD.replace("subnet_ids = [\"subnet-1\"]", "subnet_ids = []"),
                "instance.subnet_ids",
            ),
            (
                PROD.replace("requires_signoff = true", "requires_signoff = false"),
                "four_eyes",
            ),
            (
                PROD.replace("bake_image = true", "bake_no_reboot = true"),
                "bake_no_reboot",
            ),
            (
                PROD.replace("strategy = \"alb-listener\"", "strategy = \"target-group\"")
                    .replace(
                        "target_group_arns = [\"arn:blue\", \"arn:green\"]",
                        "target_group_arns = [\"arn:blue\"]",
                    )
                    .replace("listener_arn = ", "# listener_arn = ")
                    .replace(
                        "bake_image = true",
                        "bake_image = true\ncutover = \"manual\"",
                    ),
                "cutover",
            ),
            (
                PROD.replace(
                    "bake_image = true",
                    "bake_image = true\nhold_deadline = \"0s\"",
                ),
                "hold_deadline",
            ),
            (
                PROD.replace(
                    "bake_image = true",
                    "bake_image = true\nacceptance_counts_as_signoff = true",
                ),
                "acceptance_counts_as_signoff",
            ),
        ];
        for (text, key) in cases {
            let env = parse(&text).expect("parses");
            let error = env.validate("environments[2]", true, false).expect_err(key);
            assert!(
                error.contains(&format!("environments[2].{key}")),
                "{key}: {error}"
            );
        }
    }

    #[test]
    fn manual_cutover_with_a_hold_deadline_parses() {
        let text = PROD.replace(
            "bake_image = true",
            "bake_image = true\ncutover = \"manual\"\nhold_deadline = \"4h\"",
        );
        let env = parse(&text).expect("parses");
        assert_eq!(env.cutover, super::super::Cutover::Manual);
        assert_eq!(env.hold_deadline.as_secs(), 4 * 3600);
        assert_eq!(env.validate("environments[2]", true, false), Ok(()));
        assert_eq!(
            parse(PROD).expect("parses").cutover,
            super::super::Cutover::Automatic
        );
    }

    #[test]
    fn a_duration_that_cannot_be_read_is_refused_with_its_key() {
        let error = parse(&PROD.replace("verify_window = \"5m\"", "verify_window = \"soon\""))
            .expect_err("soon");
        assert!(error.contains("verify_window"), "{error}");
    }

    #[test]
    fn unknown_keys_and_strategies_are_refused() {
        assert!(parse(&format!("colour = \"blue\"\n{PROD}"))
            .expect_err("unknown")
            .contains("colour"));
        assert!(parse(&PROD.replace("alb-listener", "dns")).is_err());
    }

    #[test]
    fn the_first_environment_cannot_bake_or_require_a_sign_off() {
        let env = parse(PROD).expect("parses");
        assert!(env
            .validate("environments[0]", true, true)
            .expect_err("first")
            .contains("bake_image"));
    }

    #[test]
    fn the_sandbox_needs_no_aws_binding() {
        let env = EnvironmentSettings::named("test", "TEST");
        assert_eq!(env.validate("environments[0]", false, true), Ok(()));
        assert!(env.validate("environments[0]", true, true).is_err());
    }
}
