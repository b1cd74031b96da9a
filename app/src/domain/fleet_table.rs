//! One page of a fleet's instance table: big fleets are paged on the server and can be cut
//! down to the instances that are not healthy, while the fleet's own figures (healthy of
//! total, percentage) always count every instance.

use super::fleet_health::{FleetGroup, FleetRole, InstanceHealth};
use serde::{Deserialize, Serialize};

/// Which instances an instance table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstanceFilter {
    /// Every instance.
    #[default]
    All,
    /// Only those not healthy.
    NotHealthy,
}

impl InstanceFilter {
    /// The spelling in links and the API (`?show=not_healthy`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::NotHealthy => "not_healthy",
        }
    }

    /// Reads the spelling back; anything else is none.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "all" => Some(Self::All),
            "not_healthy" => Some(Self::NotHealthy),
            _ => None,
        }
    }
}

/// One page of a fleet's instance table, with the fleet's figures at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FleetPanel {
    /// What it is to the environment.
    pub role: FleetRole,
    /// `blue` or `green` (alb-listener only).
    pub colour: Option<String>,
    /// The deployment that launched it.
    pub deployment_id: Option<i64>,
    /// The build it runs.
    pub build_version: Option<String>,
    /// Healthy instances.
    pub healthy: usize,
    /// All instances.
    pub total: usize,
    /// Which instances the table shows.
    pub filter: InstanceFilter,
    /// How many instances the filter matches.
    pub matching: usize,
    /// This page (from 1).
    pub page: usize,
    /// How many pages the filter makes (at least 1).
    pub pages: usize,
    /// The page's rows.
    pub rows: Vec<InstanceHealth>,
}

impl FleetPanel {
    /// Healthy share in whole percent (none for an empty fleet).
    pub fn health_percent(&self) -> Option<usize> {
        (self.total > 0).then(|| self.healthy * 100 / self.total)
    }
}

impl FleetGroup {
    /// Page `page` (from 1; past the end gives the last) of `per_page` rows (at least 1) of
    /// the instances `filter` keeps.
    pub fn page(&self, filter: InstanceFilter, page: usize, per_page: usize) -> FleetPanel {
        let per_page = per_page.max(1);
        let kept: Vec<&InstanceHealth> = self
            .instances
            .iter()
            .filter(|i| filter == InstanceFilter::All || !i.is_healthy())
            .collect();
        let pages = kept.len().div_ceil(per_page).max(1);
        let page = page.clamp(1, pages);
        let (healthy, total) = self.healthy_of_total();
        FleetPanel {
            role: self.role,
            colour: self.colour.clone(),
            deployment_id: self.deployment_id,
            build_version: self.build_version.clone(),
            healthy,
            total,
            filter,
            matching: kept.len(),
            page,
            pages,
            rows: kept
                .into_iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fleet_health::tests::{fleet, in_group};
    use crate::domain::fleet_health::TargetHealthState::{Healthy, Unhealthy};

    #[test]
    fn a_page_of_not_healthy_instances_counts_the_whole_fleet_and_only_matching_rows() {
        let mut instances: Vec<InstanceHealth> = (0..25)
            .map(|n| in_group(&format!("i-{n:02}"), Healthy))
            .collect();
        for n in [3, 11, 12, 20, 24] {
            if let Some(target) = instances[n].target.as_mut() {
                target.state = Unhealthy;
            }
        }
        let group = fleet(FleetRole::Serving, instances);
        let first = group.page(InstanceFilter::NotHealthy, 1, 2);
        assert_eq!((first.healthy, first.total, first.matching), (20, 25, 5));
        assert_eq!((first.page, first.pages), (1, 3));
        let ids = |p: &FleetPanel| p.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&first), ["i-03", "i-11"]);
        let last = group.page(InstanceFilter::NotHealthy, 9, 2);
        assert_eq!((last.page, ids(&last)), (3, vec!["i-24".to_owned()]));
        let all = group.page(InstanceFilter::All, 2, 10);
        assert_eq!((all.matching, all.pages, all.rows.len()), (25, 3, 10));
        assert_eq!(all.rows[0].id, "i-10");
        assert_eq!(all.health_percent(), Some(80));
    }

    #[test]
    fn an_empty_fleet_has_one_empty_page_and_no_percentage() {
        let panel = fleet(FleetRole::Previous, Vec::new()).page(InstanceFilter::All, 1, 50);
        assert_eq!((panel.page, panel.pages, panel.rows.len()), (1, 1, 0));
        assert_eq!(panel.health_percent(), None);
    }

    #[test]
    fn instance_filters_read_back_what_they_write() {
        for filter in [InstanceFilter::All, InstanceFilter::NotHealthy] {
            assert_eq!(InstanceFilter::parse(filter.as_str()), Some(filter));
        }
        assert_eq!(InstanceFilter::parse("sick"), None);
    }
}
