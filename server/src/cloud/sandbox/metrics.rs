//! The sandbox's CloudWatch: plausible metrics for the demo's charts. Requests follow the
//! time of day with some noise; 5xx errors, response times and unhealthy hosts rise with the
//! share of a fleet that is unhealthy (fault injection); CPU per instance wanders, and pins
//! near 95 % on an unhealthy one. Deterministic for a given time and name, so a chart read
//! twice draws the same line, and no point exists before an instance was launched.

use super::world::World;
use super::{lock, SandboxCloud};
use crate::cloud::{MetricPoints, MetricQuery};

/// Requests one healthy instance serves per minute at the busiest hour.
const REQUESTS_PER_MINUTE: f64 = 120.0;

/// A number in [0, 1) from `seed` and `at` (splitmix64).
fn noise(seed: u64, at: i64) -> f64 {
    let mut z = seed ^ (at as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// A stable number for a name (FNV-1a).
fn seed_of(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Traffic's share of its daily peak at `at` (lowest around 04:00 UTC, highest around 16:00).
fn daily(at: i64) -> f64 {
    let day = (at.rem_euclid(86_400_000)) as f64 / 86_400_000.0;
    0.6 + 0.4 * (std::f64::consts::TAU * (day - 0.42)).sin()
}

/// How one group of instances looked during one period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupPeriod {
    /// Instances launched by then that were healthy.
    pub healthy: f64,
    /// Instances launched by then that were not.
    pub unhealthy: f64,
}

/// The value of `metric`/`stat` for a group over the period starting at `at`.
pub fn group_value(
    metric: &str,
    stat: &str,
    group: GroupPeriod,
    period_s: u32,
    seed: u64,
    at: i64,
) -> Option<f64> {
    let total = group.healthy + group.unhealthy;
    if total == 0.0 {
        return None;
    }
    let sick = group.unhealthy / total;
    let wobble = |salt: u64| 0.85 + 0.3 * noise(seed ^ salt, at);
    let requests = REQUESTS_PER_MINUTE * total * daily(at) * wobble(1) * f64::from(period_s) / 60.0;
    let p50 = 0.040 * (1.0 + 2.0 * sick) * wobble(2);
    Some(match (metric, stat) {
        ("RequestCount", _) => requests.round(),
        ("HTTPCode_Target_5XX_Count", _) => (requests * (0.001 + 0.6 * sick) * wobble(3)).round(),
        ("TargetResponseTime", "p99") => p50 * (3.5 + 8.0 * sick) * wobble(4),
        ("TargetResponseTime", _) => p50,
        ("HealthyHostCount", _) => group.healthy,
        ("UnHealthyHostCount", _) => group.unhealthy,
        _ => return None,
    })
}

/// CPU of one instance over the period starting at `at`.
pub fn cpu(healthy: bool, seed: u64, at: i64) -> f64 {
    if healthy {
        (18.0 + 30.0 * daily(at) + 12.0 * noise(seed, at)).min(100.0)
    } else {
        92.0 + 6.0 * noise(seed, at)
    }
}

impl SandboxCloud {
    /// The points of `queries` from the simulated world.
    pub(super) fn metric_points(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Vec<MetricPoints> {
        let world = lock(&self.world);
        let step = i64::from(period_s.max(1)) * 1_000;
        let first = start_ms.div_euclid(step) * step;
        queries
            .iter()
            .map(|query| {
                let points = (0..)
                    .map(|n| first + n * step)
                    .take_while(|at| *at < end_ms)
                    .filter_map(|at| value(&world, query, period_s, at).map(|v| (at, v)))
                    .collect();
                MetricPoints {
                    id: query.id.clone(),
                    points,
                }
            })
            .collect()
    }
}

fn dimension<'q>(query: &'q MetricQuery, name: &str) -> Option<&'q str> {
    query
        .dimensions
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The value for the period starting at `at`: an instance counts in a period it lived in
/// (launched before its end), as unhealthy if it turned unhealthy before its end.
fn value(world: &World, query: &MetricQuery, period_s: u32, at: i64) -> Option<f64> {
    let end = at + i64::from(period_s) * 1_000;
    let unhealthy_at = |since: Option<i64>| since.is_some_and(|s| s < end);
    if let Some(instance) = dimension(query, "InstanceId") {
        let sim = world.instances.get(instance)?;
        if sim.launched_at_ms >= end {
            return None;
        }
        return Some(cpu(
            !unhealthy_at(sim.unhealthy_since_ms),
            seed_of(instance),
            at,
        ));
    }
    let group = dimension(query, "TargetGroup")?;
    let (name, targets) = world.target_groups.iter().find(|(name, _)| {
        crate::fleet_health::chart_queries::target_group_dimension(name) == group
    })?;
    let mut period = GroupPeriod {
        healthy: 0.0,
        unhealthy: 0.0,
    };
    for (id, target) in targets {
        let Some(sim) = world.instances.get(id) else {
            continue;
        };
        if sim.launched_at_ms >= end || target.deregistered.is_some() {
            continue;
        }
        if unhealthy_at(sim.unhealthy_since_ms) {
            period.unhealthy += 1.0;
        } else {
            period.healthy += 1.0;
        }
    }
    group_value(
        &query.metric,
        &query.stat,
        period,
        period_s,
        seed_of(name),
        at,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON: i64 = 1_700_000_000_000 - 1_700_000_000_000 % 86_400_000 + 12 * 3_600_000;

    fn all_well(n: f64) -> GroupPeriod {
        GroupPeriod {
            healthy: n,
            unhealthy: 0.0,
        }
    }

    #[test]
    fn the_same_time_and_name_give_the_same_value() {
        let a = group_value("RequestCount", "Sum", all_well(2.0), 60, 7, NOON);
        assert_eq!(
            a,
            group_value("RequestCount", "Sum", all_well(2.0), 60, 7, NOON)
        );
        assert!(a.unwrap() > 0.0);
    }

    #[test]
    fn an_unhealthy_share_brings_more_errors_and_a_slower_p99() {
        let sick = GroupPeriod {
            healthy: 1.0,
            unhealthy: 1.0,
        };
        let errors = |g| group_value("HTTPCode_Target_5XX_Count", "Sum", g, 60, 7, NOON).unwrap();
        let p99 = |g| group_value("TargetResponseTime", "p99", g, 60, 7, NOON).unwrap();
        assert!(errors(sick) > 10.0 * errors(all_well(2.0)).max(1.0));
        assert!(p99(sick) > 2.0 * p99(all_well(2.0)));
        let p50 = group_value("TargetResponseTime", "p50", sick, 60, 7, NOON).unwrap();
        assert!(p99(sick) >= p50);
        assert_eq!(
            group_value("UnHealthyHostCount", "Average", sick, 60, 7, NOON),
            Some(1.0)
        );
    }

    #[test]
    fn traffic_is_higher_in_the_afternoon_than_before_dawn() {
        let at = |hour: i64| NOON - 12 * 3_600_000 + hour * 3_600_000;
        let requests = |t| group_value("RequestCount", "Sum", all_well(4.0), 60, 7, t).unwrap();
        assert!(requests(at(16)) > 1.5 * requests(at(4)));
    }

    #[test]
    fn an_empty_group_has_no_point_and_cpu_pins_on_an_unhealthy_instance() {
        assert_eq!(
            group_value("RequestCount", "Sum", all_well(0.0), 60, 7, NOON),
            None
        );
        assert!(cpu(false, 7, NOON) > 90.0);
        assert!(cpu(true, 7, NOON) < 90.0);
    }
}
