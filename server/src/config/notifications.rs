//! `[notifications]`: channels (a Slack-compatible incoming webhook, a generic JSON webhook
//! signed with HMAC-SHA256, or e-mail through `[notifications.smtp]`) whose URLs and secrets
//! are named by where they live, never written in the config; and rules that pick channels by
//! event and environment.

use super::secret::SecretSource;
use super::smtp::{recipient, SmtpSettings};
use app::domain::notification::EventKind;
use app::domain::{Duration, EnvironmentName};
use serde::{Deserialize, Serialize};

/// `[notifications]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// `[[notifications.channels]]`.
    #[serde(default)]
    pub channels: Vec<ChannelSettings>,
    /// `[[notifications.rules]]`.
    #[serde(default)]
    pub rules: Vec<RuleSettings>,
    /// `[notifications.smtp]`: the mail server, needed by `email` channels.
    #[serde(default)]
    pub smtp: Option<SmtpSettings>,
    /// `warm_window_notice`: how long before a release's warm window closes
    /// `warm_window.closing` is told.
    #[serde(default = "default_warm_window_notice")]
    pub warm_window_notice: Duration,
    /// `retry_base`: the first retry waits this long, each next one twice as long (at most an
    /// hour).
    #[serde(default = "default_retry_base")]
    pub retry_base: Duration,
    /// `max_attempts`: a delivery that failed this often is given up (and shown as failed).
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            channels: Vec::new(),
            rules: Vec::new(),
            smtp: None,
            warm_window_notice: default_warm_window_notice(),
            retry_base: default_retry_base(),
            max_attempts: default_max_attempts(),
        }
    }
}

fn default_warm_window_notice() -> Duration {
    Duration::from_secs(600)
}

fn default_retry_base() -> Duration {
    Duration::from_secs(5)
}

fn default_max_attempts() -> u32 {
    8
}

/// What a channel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// A Slack-compatible incoming webhook: text plus blocks.
    Slack,
    /// A JSON webhook, signed (see the README for the scheme).
    Webhook,
    /// E-mail (plain text and HTML) to `to`, through `[notifications.smtp]`.
    Email,
}

/// `[[notifications.channels]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// `name`: what rules call it.
    pub name: String,
    /// `kind`: `slack` or `webhook`.
    pub kind: ChannelKind,
    /// `url`: where a `slack` or `webhook` channel posts, `{ env = "VAR" }` or
    /// `{ file = "/path" }` (a Slack webhook URL is itself a secret).
    #[serde(default)]
    pub url: Option<SecretSource>,
    /// `secret`: the signing key of a `webhook` channel, from an environment variable or file.
    #[serde(default)]
    pub secret: Option<SecretSource>,
    /// `to`: the addresses an `email` channel writes to.
    #[serde(default)]
    pub to: Vec<String>,
}

/// `[[notifications.rules]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    /// `events`: event names (`deployment.failed`, …); empty: every event.
    #[serde(default)]
    pub events: Vec<String>,
    /// `environments`: environment names; empty: every environment.
    #[serde(default)]
    pub environments: Vec<EnvironmentName>,
    /// `channels`: channel names.
    pub channels: Vec<String>,
}

impl ChannelSettings {
    /// What each kind needs: a URL (and a key for `webhook`), or recipients and a mail server.
    fn validate(&self, key: &str, have_smtp: bool) -> Result<(), String> {
        match self.kind {
            ChannelKind::Slack | ChannelKind::Webhook => {
                if self.url.is_none() {
                    return Err(format!(
                        "key `{key}.url`: name where the URL is, {{ env = \"VAR\" }} or {{ file = \"/path\" }}"
                    ));
                }
                if !self.to.is_empty() {
                    return Err(format!(
                        "key `{key}.to`: only an email channel has recipients"
                    ));
                }
            }
            ChannelKind::Email => {
                if self.url.is_some() || self.secret.is_some() {
                    return Err(format!(
                        "key `{key}.url`: an email channel has no URL or key; it names `to`"
                    ));
                }
                if self.to.is_empty() {
                    return Err(format!("key `{key}.to`: name at least one address"));
                }
                for to in &self.to {
                    recipient(to, &format!("{key}.to"))?;
                }
                if !have_smtp {
                    return Err(format!(
                        "key `{key}.kind`: an email channel needs [notifications.smtp]"
                    ));
                }
            }
        }
        if self.kind == ChannelKind::Webhook && self.secret.is_none() {
            return Err(format!(
                "key `{key}.secret`: a webhook channel signs what it sends; name its key, {{ env = \"VAR\" }} or {{ file = \"/path\" }}"
            ));
        }
        Ok(())
    }
}

impl NotificationSettings {
    /// Checks names: unique channels, known events and channels, a secret for each webhook.
    pub fn validate(&self, environments: &[EnvironmentName]) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for (i, channel) in self.channels.iter().enumerate() {
            let key = format!("notifications.channels[{i}]");
            if channel.name.trim().is_empty() || !seen.insert(channel.name.as_str()) {
                return Err(format!("key `{key}.name`: must be present and unique"));
            }
            channel.validate(&key, self.smtp.is_some())?;
        }
        if let Some(smtp) = &self.smtp {
            smtp.validate()?;
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let key = format!("notifications.rules[{i}]");
            for event in &rule.events {
                EventKind::parse(event).map_err(|e| format!("key `{key}.events`: {e}"))?;
            }
            if let Some(env) = rule.environments.iter().find(|e| !environments.contains(e)) {
                return Err(format!(
                    "key `{key}.environments`: {env} is not a configured environment"
                ));
            }
            if rule.channels.is_empty() {
                return Err(format!("key `{key}.channels`: name at least one channel"));
            }
            if let Some(missing) = rule.channels.iter().find(|c| !seen.contains(c.as_str())) {
                return Err(format!(
                    "key `{key}.channels`: no channel is named {missing:?}"
                ));
            }
        }
        if self.max_attempts == 0 {
            return Err("key `notifications.max_attempts`: must be at least 1".into());
        }
        Ok(())
    }

    /// The channels an event goes to, each once, in the order configured.
    pub fn route(&self, event: EventKind, environment: Option<&str>) -> Vec<String> {
        let mut channels: Vec<String> = Vec::new();
        for rule in &self.rules {
            let event_matches =
                rule.events.is_empty() || rule.events.iter().any(|e| e == event.as_str());
            let environment_matches = rule.environments.is_empty()
                || environment
                    .is_some_and(|env| rule.environments.iter().any(|e| e.as_str() == env));
            if event_matches && environment_matches {
                for channel in &rule.channels {
                    if !channels.contains(channel) {
                        channels.push(channel.clone());
                    }
                }
            }
        }
        channels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> NotificationSettings {
        let channel = |name: &str| ChannelSettings {
            name: name.into(),
            kind: ChannelKind::Slack,
            url: Some(SecretSource::Env("URL".into())),
            secret: None,
            to: Vec::new(),
        };
        NotificationSettings {
            channels: vec![channel("release"), channel("lead"), channel("qa")],
            rules: vec![
                RuleSettings {
                    events: vec!["deployment.failed".into(), "deployment.rolled_back".into()],
                    environments: vec![EnvironmentName::parse("prod").expect("name")],
                    channels: vec!["lead".into(), "release".into()],
                },
                RuleSettings {
                    events: Vec::new(),
                    environments: Vec::new(),
                    channels: vec!["release".into()],
                },
            ],
            ..NotificationSettings::default()
        }
    }

    #[test]
    fn rules_pick_channels_by_event_and_environment_each_channel_once() {
        let n = settings();
        assert_eq!(
            n.route(EventKind::DeploymentFailed, Some("prod")),
            ["lead", "release"]
        );
        assert_eq!(
            n.route(EventKind::DeploymentFailed, Some("test")),
            ["release"]
        );
        assert_eq!(n.route(EventKind::FreezeSet, None), ["release"]);
        assert!(NotificationSettings::default()
            .route(EventKind::FreezeSet, None)
            .is_empty());
    }

    #[test]
    fn unknown_events_channels_and_environments_are_refused_naming_the_key() {
        let envs = [EnvironmentName::parse("prod").expect("name")];
        assert_eq!(settings().validate(&envs), Ok(()));
        let mut n = settings();
        n.rules[0].events.push("deployment.exploded".into());
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("notifications.rules[0].events"));
        let mut n = settings();
        n.rules[1].channels = vec!["nowhere".into()];
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("no channel is named \"nowhere\""));
        let mut n = settings();
        n.rules[0].environments = vec![EnvironmentName::parse("staging").expect("name")];
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("staging is not a configured environment"));
        let mut n = settings();
        n.channels[0].kind = ChannelKind::Webhook;
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("notifications.channels[0].secret"));
    }

    #[test]
    fn an_email_channel_needs_recipients_and_a_mail_server_and_no_url() {
        let envs = [EnvironmentName::parse("prod").expect("name")];
        let mut n = settings();
        n.channels[1] = ChannelSettings {
            name: "lead".into(),
            kind: ChannelKind::Email,
            url: None,
            secret: None,
            to: vec!["lead@example.com".into()],
        };
        assert!(n.validate(&envs).unwrap_err().contains(
            "`notifications.channels[1].kind`: an email channel needs [notifications.smtp]"
        ));
        n.smtp = Some(super::super::smtp::SmtpSettings {
            host: "mail.example.com".into(),
            port: None,
            security: Default::default(),
            username: None,
            password: None,
            from: "greenlight@example.com".into(),
            ca_file: None,
        });
        assert_eq!(n.validate(&envs), Ok(()));
        n.channels[1].to = vec!["lead at example".into()];
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("`notifications.channels[1].to`"));
        n.channels[1].to = Vec::new();
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("`notifications.channels[1].to`: name at least one address"));
        n.channels[1].to = vec!["lead@example.com".into()];
        n.channels[1].url = Some(SecretSource::Env("URL".into()));
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("`notifications.channels[1].url`"));
        n.channels[0].url = None;
        assert!(n
            .validate(&envs)
            .unwrap_err()
            .contains("`notifications.channels[0].url`"));
    }
}
