//! E-mail: the SMTP transport built from `[notifications.smtp]` (STARTTLS, TLS or plain, with
//! the account's password read at start-up) and the message an event becomes — a subject, a
//! plain-text part and an HTML part with the link to the deployment.

use crate::config::smtp::{SmtpSecurity, SmtpSettings};
use crate::db::notifications::Event;
use app::domain::markup::escape;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How long one conversation with the mail server may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The mail server and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

// The transport holds the password: never printed.
impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Builds the transport, reading the password and the extra CA certificate; errors name
    /// the key.
    pub fn from_settings(smtp: &SmtpSettings) -> Result<Self, String> {
        let from = smtp.sender()?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port())
            .timeout(Some(SMTP_TIMEOUT));
        let tls = || -> Result<TlsParameters, String> {
            let mut parameters = TlsParameters::builder(smtp.host.clone());
            if let Some(path) = &smtp.ca_file {
                let pem = std::fs::read(path).map_err(|e| {
                    format!(
                        "key `notifications.smtp.ca_file`: cannot read {}: {e}",
                        path.display()
                    )
                })?;
                let certificate = Certificate::from_pem(&pem).map_err(|e| {
                    format!("key `notifications.smtp.ca_file`: not a PEM certificate: {e}")
                })?;
                parameters = parameters.add_root_certificate(certificate);
            }
            parameters
                .build()
                .map_err(|e| format!("key `notifications.smtp`: TLS set-up failed: {e}"))
        };
        builder = builder.tls(match smtp.security {
            SmtpSecurity::Starttls => Tls::Required(tls()?),
            SmtpSecurity::Tls => Tls::Wrapper(tls()?),
            SmtpSecurity::Plain => Tls::None,
        });
        if let (Some(username), Some(password)) = (&smtp.username, &smtp.password) {
            let password = password.read("notifications.smtp.password")?;
            builder = builder.credentials(Credentials::new(username.clone(), password.to_string()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// Sends `event` to `to`; the error is the server's answer or the connection's failure.
    pub async fn send(
        &self,
        to: &[Mailbox],
        event: &Event,
        link: Option<&str>,
    ) -> Result<(), String> {
        let message = message(&self.from, to, event, link)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("the mail server: {e}"))
    }
}

/// The e-mail `event` becomes.
pub fn message(
    from: &Mailbox,
    to: &[Mailbox],
    event: &Event,
    link: Option<&str>,
) -> Result<Message, String> {
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(format!("[Greenlight] {}", event.summary));
    for recipient in to {
        builder = builder.to(recipient.clone());
    }
    let at = app::domain::Timestamp::from_millis(event.created_at).to_rfc3339();
    let environment = event.environment.as_deref().unwrap_or("(none)");
    let mut text = format!(
        "{}\n\nEvent: {}\nEnvironment: {environment}\nAt: {at}\n",
        event.summary, event.event
    );
    let mut html = format!(
        "<p>{}</p><table><tr><th align=\"left\">Event</th><td>{}</td></tr>\
         <tr><th align=\"left\">Environment</th><td>{}</td></tr>\
         <tr><th align=\"left\">At</th><td>{at}</td></tr></table>",
        escape(&event.summary),
        escape(&event.event),
        escape(environment),
    );
    if let Some(link) = link {
        text.push_str(&format!("\nOpen in Greenlight: {link}\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">Open in Greenlight</a></p>",
            escape(link)
        ));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| format!("the message could not be built: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_has_a_subject_a_text_part_and_an_escaped_html_part_with_the_link() {
        let event = Event {
            id: 1,
            event: "freeze.set".into(),
            environment: Some("prod".into()),
            deployment_id: None,
            summary: "prod frozen by ana: <b>incident</b> & co".into(),
            created_at: 1_700_000_000_000,
        };
        let from: Mailbox = "Greenlight <gl@example.com>".parse().expect("from");
        let to: Vec<Mailbox> = vec!["lead@example.com".parse().expect("to")];
        let message = message(
            &from,
            &to,
            &event,
            Some("https://gl.example.com/deployments/7"),
        )
        .expect("message");
        let raw = String::from_utf8(message.formatted()).expect("utf-8");
        assert!(
            raw.contains("Subject: [Greenlight] prod frozen by ana"),
            "{raw}"
        );
        assert!(raw.contains("To: lead@example.com"), "{raw}");
        assert!(raw.contains("Content-Type: text/plain"), "{raw}");
        assert!(raw.contains("Content-Type: text/html"), "{raw}");
        assert!(
            raw.contains("&lt;b&gt;incident&lt;/b&gt; &amp; co"),
            "{raw}"
        );
        assert!(!raw.contains("<b>incident</b> & co</p>"), "{raw}");
        assert!(
            raw.contains("https://gl.example.com/deployments/7"),
            "{raw}"
        );
    }
}
