//! `[notifications.smtp]`: the mail server e-mail channels send through — its address, how the
//! connection is secured, the account (its password named by where it lives, never written in
//! the config) and the sender.

use super::secret::SecretSource;
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[notifications.smtp]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// `host`: the mail server's name (also the name its certificate must carry).
    pub host: String,
    /// `port`: default 587 for `starttls`, 465 for `tls`, 25 for `plain`.
    #[serde(default)]
    pub port: Option<u16>,
    /// `security`: `starttls` (default), `tls` (implicit TLS) or `plain` (no encryption, no
    /// password: a relay on the same host or network).
    #[serde(default)]
    pub security: SmtpSecurity,
    /// `username`: the account to authenticate as, with `password`.
    #[serde(default)]
    pub username: Option<String>,
    /// `password`: `{ env = "VAR" }` or `{ file = "/path" }`.
    #[serde(default)]
    pub password: Option<SecretSource>,
    /// `from`: the sender, `Greenlight <greenlight@example.com>`.
    pub from: String,
    /// `ca_file`: a PEM certificate to trust besides the public roots (an internal relay).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption.
    Plain,
}

impl SmtpSettings {
    /// The port, or the security's usual one.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Plain => 25,
        })
    }

    /// The sender, parsed.
    pub fn sender(&self) -> Result<Mailbox, String> {
        self.from.parse().map_err(|e| {
            format!(
                "key `notifications.smtp.from`: {:?} is not an address: {e}",
                self.from
            )
        })
    }

    /// A host, a sender, a username and password together, and a password only over TLS.
    pub fn validate(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("key `notifications.smtp.host`: must not be empty".into());
        }
        self.sender()?;
        match (&self.username, &self.password) {
            (Some(_), None) => {
                return Err(
                    "key `notifications.smtp.password`: a username needs a password, { env = \"VAR\" } or { file = \"/path\" }".into(),
                )
            }
            (None, Some(_)) => {
                return Err("key `notifications.smtp.username`: a password needs a username".into())
            }
            _ => {}
        }
        if self.password.is_some() && self.security == SmtpSecurity::Plain {
            return Err(
                "key `notifications.smtp.password`: a password is only sent over an encrypted connection; set security = \"starttls\" or \"tls\"".into(),
            );
        }
        Ok(())
    }
}

/// Parses one recipient of an e-mail channel.
pub fn recipient(text: &str, key: &str) -> Result<Mailbox, String> {
    text.parse()
        .map_err(|e| format!("key `{key}`: {text:?} is not an address: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp() -> SmtpSettings {
        SmtpSettings {
            host: "mail.example.com".into(),
            port: None,
            security: SmtpSecurity::Starttls,
            username: Some("greenlight".into()),
            password: Some(SecretSource::Env("SMTP_PASSWORD".into())),
            from: "Greenlight <greenlight@example.com>".into(),
            ca_file: None,
        }
    }

    #[test]
    fn the_port_follows_the_security_unless_given() {
        let mut s = smtp();
        assert_eq!(s.port(), 587);
        s.security = SmtpSecurity::Tls;
        assert_eq!(s.port(), 465);
        s.port = Some(2525);
        assert_eq!(s.port(), 2525);
    }

    #[test]
    fn a_password_over_a_plain_connection_or_half_an_account_is_refused_naming_the_key() {
        assert_eq!(smtp().validate(), Ok(()));
        let mut s = smtp();
        s.security = SmtpSecurity::Plain;
        assert!(s
            .validate()
            .unwrap_err()
            .contains("`notifications.smtp.password`: a password is only sent over"));
        let mut s = smtp();
        s.password = None;
        assert!(s
            .validate()
            .unwrap_err()
            .contains("a username needs a password"));
        let mut s = smtp();
        s.from = "not an address".into();
        assert!(s
            .validate()
            .unwrap_err()
            .contains("`notifications.smtp.from`"));
        assert!(recipient("lead@example.com", "k").is_ok());
        assert!(recipient("lead", "notifications.channels[0].to")
            .unwrap_err()
            .contains("`notifications.channels[0].to`"));
    }
}
