//! What serves an environment and how traffic reaches it: the cutover strategy and the fleet.
//! Both are persisted (inside a deployment's plan and in `environment_fleets`), so their
//! stored spelling is part of the database's contract and tested below.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How traffic moves from the old fleet to the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Two target groups; the listener's forward action is switched in one call.
    AlbListener,
    /// One target group; new targets registered, then old ones deregistered with draining.
    TargetGroup,
    /// A single box; the Elastic IP is re-associated to the new instance.
    ElasticIp,
}

impl Strategy {
    /// The spelling used in config files, stored plans and the pages.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::AlbListener => "alb-listener",
            Strategy::TargetGroup => "target-group",
            Strategy::ElasticIp => "elastic-ip",
        }
    }

    /// The most instances one fleet may have with this strategy: an Elastic IP points at one
    /// instance; behind a load balancer a fleet holds up to [`MAX_FLEET_SIZE`].
    pub fn max_instances(self) -> u32 {
        match self {
            Strategy::ElasticIp => 1,
            Strategy::AlbListener | Strategy::TargetGroup => MAX_FLEET_SIZE,
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The largest fleet Greenlight launches behind a load balancer.
pub const MAX_FLEET_SIZE: u32 = 100;

/// The instances of one release serving (or kept warm for) an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fleet {
    /// The deployment that put it into service.
    pub deployment_id: i64,
    /// The build it runs.
    pub build_id: i64,
    /// The image it was launched from.
    pub image_id: String,
    /// The target group it is registered in (none for elastic-ip).
    pub target_group: Option<String>,
    /// Its instances.
    pub instance_ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_are_stored_in_their_config_spelling() {
        for (strategy, text) in [
            (Strategy::AlbListener, "alb-listener"),
            (Strategy::TargetGroup, "target-group"),
            (Strategy::ElasticIp, "elastic-ip"),
        ] {
            assert_eq!(
                serde_json::to_string(&strategy).expect("json"),
                format!("\"{text}\"")
            );
            assert_eq!(strategy.as_str(), text);
        }
    }

    #[test]
    fn a_fleet_is_stored_with_these_field_names() {
        let fleet = Fleet {
            deployment_id: 7,
            build_id: 3,
            image_id: "ami-1".into(),
            target_group: Some("tg".into()),
            instance_ids: vec!["i-1".into()],
        };
        assert_eq!(
            serde_json::to_string(&fleet).expect("json"),
            r#"{"deployment_id":7,"build_id":3,"image_id":"ami-1","target_group":"tg","instance_ids":["i-1"]}"#
        );
    }

    #[test]
    fn only_elastic_ip_limits_a_fleet_to_one_instance() {
        assert_eq!(Strategy::ElasticIp.max_instances(), 1);
        assert_eq!(Strategy::AlbListener.max_instances(), MAX_FLEET_SIZE);
    }
}
