//! `[[environments.hooks]]`: acceptance tests and one-way steps (migrations) a deployment
//! runs against its new fleet — an HTTP call whose receiver reports back later, or a command
//! run on Greenlight's host.

use super::secret::SecretSource;
use app::domain::hooks::{HookKind, HookSpec, HookStage};
use app::domain::Duration;
use serde::{Deserialize, Serialize};

/// When an acceptance hook runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceWhen {
    /// Once the new fleet is healthy, before traffic moves (the default).
    #[default]
    BeforeSwitch,
    /// After traffic moved, during verification.
    AfterSwitch,
}

/// One hook as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookSettings {
    /// `name`: unique in its environment; letters, digits, `-` and `_`.
    pub name: String,
    /// `kind`: `acceptance` or `pre_cutover`.
    pub kind: HookKind,
    /// `when`: for `acceptance`, `before_switch` (default) or `after_switch`.
    #[serde(default)]
    pub when: Option<AcceptanceWhen>,
    /// `timeout`: how long a run may take (default 30m, at most 24h).
    #[serde(default = "default_timeout")]
    pub timeout: Duration,
    /// `url`: an HTTP hook's address, `{ env = "VAR" }` or `{ file = "/path" }` (a trigger URL
    /// often carries a token).
    #[serde(default)]
    pub url: Option<SecretSource>,
    /// `secret`: the key an HTTP hook's calls are signed with (as notification webhooks).
    #[serde(default)]
    pub secret: Option<SecretSource>,
    /// `command`: a command hook's program and arguments, run on Greenlight's host.
    #[serde(default)]
    pub command: Vec<String>,
}

/// `timeout`'s default.
pub fn default_timeout() -> Duration {
    Duration::from_secs(30 * 60)
}

/// The longest `timeout`.
const MAX_TIMEOUT_SECS: u64 = 24 * 3600;

impl HookSettings {
    /// When it runs.
    pub fn stage(&self) -> HookStage {
        match (self.kind, self.when.unwrap_or_default()) {
            (HookKind::PreCutover, _) => HookStage::PreCutover,
            (HookKind::Acceptance, AcceptanceWhen::BeforeSwitch) => HookStage::BeforeSwitch,
            (HookKind::Acceptance, AcceptanceWhen::AfterSwitch) => HookStage::AfterSwitch,
        }
    }

    /// What a deployment's plan carries of it.
    pub fn spec(&self) -> HookSpec {
        HookSpec {
            name: self.name.clone(),
            kind: self.kind,
            stage: self.stage(),
            timeout_ms: self.timeout.as_millis_i64(),
        }
    }

    /// Checks it; `key` is its path, e.g. `environments[1].hooks[0]`.
    pub fn validate(&self, key: &str) -> Result<(), String> {
        let field = |name: &str, reason: &str| Err(format!("key `{key}.{name}`: {reason}"));
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return field(
                "name",
                "1 to 64 letters, digits, `-` or `_` (it names the hook in the timeline)",
            );
        }
        if self.kind == HookKind::PreCutover && self.when.is_some() {
            return field(
                "when",
                "only for acceptance hooks: a pre_cutover hook always runs just before traffic moves",
            );
        }
        let secs = self.timeout.as_millis_i64() / 1000;
        if secs <= 0 || secs as u64 > MAX_TIMEOUT_SECS {
            return field("timeout", "must be between 1s and 24h");
        }
        match (&self.url, self.command.is_empty()) {
            (Some(_), false) | (None, true) => field(
                "url",
                "a hook is either an HTTP call (`url` and `secret`) or a `command`, exactly one",
            ),
            (Some(_), true) if self.secret.is_none() => field(
                "secret",
                "an HTTP hook signs what it sends; name its key, { env = \"VAR\" } or { file = \"/path\" }",
            ),
            (None, false) if self.secret.is_some() => {
                field("secret", "a command hook has no key; it runs on this host")
            }
            (None, false) if self.command[0].trim().is_empty() => {
                field("command", "the first element is the program and must not be empty")
            }
            _ => Ok(()),
        }
    }
}

/// Checks an environment's hooks: each one, and their names unique.
pub fn validate_all(hooks: &[HookSettings], key: &str) -> Result<(), String> {
    for (index, hook) in hooks.iter().enumerate() {
        let key = format!("{key}.hooks[{index}]");
        hook.validate(&key)?;
        if hooks[..index].iter().any(|h| h.name == hook.name) {
            return Err(format!(
                "key `{key}.name`: {:?} names another hook of this environment",
                hook.name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> HookSettings {
        use figment::providers::Format;
        figment::Figment::from(figment::providers::Toml::string(text))
            .extract()
            .expect("parses")
    }

    #[test]
    fn an_http_acceptance_hook_and_a_command_migration_parse_with_their_stages() {
        let smoke = parse(
            "name = \"smoke\"\nkind = \"acceptance\"\nwhen = \"after_switch\"\ntimeout = \"5m\"\n\
             url = { env = \"SMOKE_URL\" }\nsecret = { env = \"SMOKE_KEY\" }",
        );
        assert_eq!(smoke.validate("h"), Ok(()));
        assert_eq!(smoke.stage(), HookStage::AfterSwitch);
        assert_eq!(smoke.spec().timeout_ms, 300_000);
        let migrate = parse(
            "name = \"migrate\"\nkind = \"pre_cutover\"\ncommand = [\"./migrate.sh\", \"up\"]",
        );
        assert_eq!(migrate.validate("h"), Ok(()));
        assert_eq!(migrate.stage(), HookStage::PreCutover);
        assert_eq!(migrate.timeout, default_timeout());
    }

    #[test]
    fn bad_hooks_are_refused_naming_the_key() {
        let cases = [
            (
                "name = \"a b\"\nkind = \"acceptance\"\ncommand = [\"x\"]",
                "h.name",
            ),
            (
                "name = \"m\"\nkind = \"pre_cutover\"\nwhen = \"after_switch\"\ncommand = [\"x\"]",
                "h.when",
            ),
            ("name = \"a\"\nkind = \"acceptance\"", "h.url"),
            (
                "name = \"a\"\nkind = \"acceptance\"\nurl = { env = \"U\" }\ncommand = [\"x\"]",
                "h.url",
            ),
            (
                "name = \"a\"\nkind = \"acceptance\"\nurl = { env = \"U\" }",
                "h.secret",
            ),
            (
                "name = \"a\"\nkind = \"acceptance\"\ncommand = [\"x\"]\nsecret = { env = \"K\" }",
                "h.secret",
            ),
            (
                "name = \"a\"\nkind = \"acceptance\"\ncommand = [\" \"]",
                "h.command",
            ),
            (
                "name = \"a\"\nkind = \"acceptance\"\ncommand = [\"x\"]\ntimeout = \"25h\"",
                "h.timeout",
            ),
        ];
        for (text, key) in cases {
            let error = parse(text).validate("h").expect_err(text);
            assert!(error.contains(&format!("`{key}`")), "{text}: {error}");
        }
        let twice = vec![parse("name = \"a\"\nkind = \"acceptance\"\ncommand = [\"x\"]"); 2];
        let error = validate_all(&twice, "environments[0]").expect_err("duplicate");
        assert!(error.contains("environments[0].hooks[1].name"), "{error}");
    }
}
