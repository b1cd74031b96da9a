//! The configured channels with their URLs, signing keys and the mail server read (at
//! start-up, from the environment or files), and what each web channel is sent: a
//! Slack-compatible message, or a JSON body signed with HMAC-SHA256 over
//! `"{timestamp}.{body}"`.

use super::email::Mailer;
use crate::config::notifications::{ChannelKind, NotificationSettings};
use crate::config::smtp::recipient;
use crate::db::notifications::Event;
use hmac::{Hmac, Mac};
use lettre::message::Mailbox;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Header carrying the Unix time (seconds) a webhook body was signed at.
pub const TIMESTAMP_HEADER: &str = "X-Greenlight-Timestamp";
/// Header carrying `sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">`.
pub const SIGNATURE_HEADER: &str = "X-Greenlight-Signature";
/// Header naming the event.
pub const EVENT_HEADER: &str = "X-Greenlight-Event";

/// One channel, ready to send.
#[derive(Debug)]
pub struct Channel {
    /// Its name.
    pub name: String,
    /// Where it sends.
    pub target: Target,
}

/// Where a channel sends.
#[derive(Debug)]
pub enum Target {
    /// A Slack-compatible or signed JSON webhook.
    Web(WebHook),
    /// E-mail to these addresses through the mail server.
    Email(Vec<Mailbox>),
}

/// A web channel: its kind, URL and signing key.
pub struct WebHook {
    kind: ChannelKind,
    url: Zeroizing<String>,
    secret: Option<Zeroizing<String>>,
}

// The URL and key are secrets: never printed.
impl std::fmt::Debug for WebHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebHook")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Channel {
    /// `slack`, `webhook` or `email`.
    pub fn kind(&self) -> &'static str {
        match &self.target {
            Target::Web(hook) if hook.kind == ChannelKind::Slack => "slack",
            Target::Web(_) => "webhook",
            Target::Email(_) => "email",
        }
    }
}

/// A request to send.
pub struct Outgoing {
    /// Where.
    pub url: Zeroizing<String>,
    /// Headers beyond `Content-Type: application/json`.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
}

impl WebHook {
    /// What to send for `event`; `link` is the deployment's page, when known.
    pub fn outgoing(&self, event: &Event, link: Option<&str>, now_s: i64) -> Outgoing {
        let body = match self.kind {
            ChannelKind::Slack => {
                let text = match link {
                    Some(link) => format!("{} <{link}|Open in Greenlight>", event.summary),
                    None => event.summary.clone(),
                };
                serde_json::json!({
                    "text": event.summary,
                    "blocks": [{ "type": "section", "text": { "type": "mrkdwn", "text": text } }],
                })
            }
            ChannelKind::Webhook | ChannelKind::Email => serde_json::json!({
                "event": event.event,
                "environment": event.environment,
                "deployment_id": event.deployment_id,
                "summary": event.summary,
                "url": link,
                "at": app::domain::Timestamp::from_millis(event.created_at).to_rfc3339(),
            }),
        }
        .to_string();
        let mut headers = vec![(EVENT_HEADER, event.event.clone())];
        if let Some(secret) = &self.secret {
            headers.push((TIMESTAMP_HEADER, now_s.to_string()));
            headers.push((SIGNATURE_HEADER, sign(secret, now_s, &body)));
        }
        Outgoing {
            url: self.url.clone(),
            headers,
            body,
        }
    }
}

/// `sha256=` and the hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Every configured channel, read, and the mail server when one is configured.
#[derive(Debug, Default)]
pub struct Channels {
    list: Vec<Channel>,
    mailer: Option<Mailer>,
}

impl Channels {
    /// Reads each channel's URL and key and the mail server's password, naming the key whose
    /// secret cannot be read.
    pub fn from_settings(settings: &NotificationSettings) -> Result<Self, String> {
        let mailer = settings
            .smtp
            .as_ref()
            .map(Mailer::from_settings)
            .transpose()?;
        let mut list = Vec::new();
        for (i, channel) in settings.channels.iter().enumerate() {
            let key = format!("notifications.channels[{i}]");
            if channel.kind == ChannelKind::Email {
                let to = channel
                    .to
                    .iter()
                    .map(|to| recipient(to, &format!("{key}.to")))
                    .collect::<Result<_, _>>()?;
                list.push(Channel {
                    name: channel.name.clone(),
                    target: Target::Email(to),
                });
                continue;
            }
            let url = channel
                .url
                .as_ref()
                .ok_or_else(|| format!("key `{key}.url`: missing"))?
                .read(&format!("{key}.url"))?;
            if app::domain::HttpUrl::parse(&url).is_err() {
                return Err(format!(
                    "key `{key}.url`: the value read is not an http(s) URL"
                ));
            }
            let secret = match &channel.secret {
                Some(source) => Some(source.read(&format!("{key}.secret"))?),
                None => None,
            };
            list.push(Channel {
                name: channel.name.clone(),
                target: Target::Web(WebHook {
                    kind: channel.kind,
                    url,
                    secret,
                }),
            });
        }
        Ok(Self { list, mailer })
    }

    /// The channel named `name`.
    pub fn get(&self, name: &str) -> Option<&Channel> {
        self.list.iter().find(|c| c.name == name)
    }

    /// Every channel, in the order configured.
    pub fn all(&self) -> &[Channel] {
        &self.list
    }

    /// The mail server, when `[notifications.smtp]` is configured.
    pub fn mailer(&self) -> Option<&Mailer> {
        self.mailer.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex() {
        // HMAC-SHA256("key", "1700000000.{}") computed independently with Python's hmac module.
        assert_eq!(
            sign("key", 1_700_000_000, "{}"),
            "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
    }
}
