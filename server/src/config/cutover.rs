//! `cutover` and `hold_deadline`: whether an environment switches traffic as soon as the new
//! fleet is healthy, or holds it for a person to test and switch by hand.

use app::domain::{Duration, Strategy};
use serde::{Deserialize, Serialize};

/// `cutover`: who moves traffic to a healthy new fleet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cutover {
    /// The engine, as soon as every new instance is healthy (the default).
    #[default]
    Automatic,
    /// A person, with "Switch traffic" (or the API), after testing the held new fleet.
    Manual,
}

/// `hold_deadline`'s default: a held fleet nobody switched within a day is taken out.
pub fn default_hold_deadline() -> Duration {
    Duration::from_secs(24 * 3600)
}

/// Why `cutover` cannot be `manual` with `strategy`, if it cannot.
pub fn check(cutover: Cutover, strategy: Strategy) -> Result<(), &'static str> {
    match (cutover, strategy) {
        // One target group serves both fleets: the new one takes traffic once registered.
        (Cutover::Manual, Strategy::TargetGroup) => Err(
            "\"manual\" needs strategy \"alb-listener\" or \"elastic-ip\": with \"target-group\" \
             the new fleet takes traffic as soon as it is registered",
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_cutover_is_refused_only_where_the_new_fleet_serves_before_the_switch() {
        assert!(check(Cutover::Manual, Strategy::TargetGroup).is_err());
        assert!(check(Cutover::Manual, Strategy::AlbListener).is_ok());
        assert!(check(Cutover::Manual, Strategy::ElasticIp).is_ok());
        assert!(check(Cutover::Automatic, Strategy::TargetGroup).is_ok());
    }
}
