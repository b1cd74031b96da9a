//! The admin's view of notifications: the configured channels (names and kinds, never their
//! URLs or keys) and the recent deliveries with their status.

use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The channel accepted it.
    Sent,
    /// Given up after `max_attempts`.
    Failed,
}

impl DeliveryStatus {
    /// The stored and exchanged spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "pending" => Ok(DeliveryStatus::Pending),
            "sent" => Ok(DeliveryStatus::Sent),
            "failed" => Ok(DeliveryStatus::Failed),
            other => Err(format!("{other:?} is not a delivery status")),
        }
    }
}

/// One configured channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChannelView {
    /// Its name, as rules call it.
    pub name: String,
    /// `slack`, `webhook` or `email`.
    pub kind: String,
}

/// One delivery of an event to a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// Its id.
    pub id: i64,
    /// The event, `deployment.failed`, … (`notification.test` for a test message).
    pub event: String,
    /// The environment it concerns, if any.
    pub environment: Option<String>,
    /// The deployment it concerns, if any.
    pub deployment_id: Option<i64>,
    /// What it says.
    pub summary: String,
    /// The channel.
    pub channel: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: i64,
    /// The last attempt's error, when it failed.
    pub last_error: Option<String>,
    /// When the event happened.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// When the channel accepted it.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub sent_at: Option<Timestamp>,
}

/// The channels and the most recent deliveries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryLog {
    /// Every configured channel, in the order configured.
    pub channels: Vec<ChannelView>,
    /// Recent deliveries, newest first.
    pub deliveries: Vec<DeliveryView>,
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus;

    #[test]
    fn every_status_reads_back_from_its_spelling() {
        for status in [
            DeliveryStatus::Pending,
            DeliveryStatus::Sent,
            DeliveryStatus::Failed,
        ] {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Ok(status));
        }
        assert!(DeliveryStatus::parse("lost").is_err());
    }
}
