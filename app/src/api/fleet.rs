//! The environment page's fleet section (each fleet with a page of its instance table) and its
//! charts, read from the server's shared snapshots (no cloud call).

use crate::domain::views::{ChartsReport, FleetReport};
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::contract::environment_ref;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// `environment`'s fleets, with page `page` (from 1) of the instances `show` keeps (`all` or
/// `not_healthy`; anything else: all).
#[server(prefix = "/fn")]
pub async fn get_fleet(
    environment: String,
    show: String,
    page: u32,
) -> Result<FleetReport, UseCaseError> {
    use crate::domain::fleet_table::InstanceFilter;
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    let filter = InstanceFilter::parse(&show).unwrap_or_default();
    use_cases
        .fleet(&environment, filter, page.max(1) as usize)
        .await
        .map_err(answer)
}

/// `environment`'s charts of `range` (`1h`, `6h` or `24h`; anything else: `1h`).
#[server(prefix = "/fn")]
pub async fn get_charts(environment: String, range: String) -> Result<ChartsReport, UseCaseError> {
    use crate::domain::metric_series::ChartRange;
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    let range = ChartRange::parse(&range).unwrap_or(ChartRange::LastHour);
    use_cases.charts(&environment, range).await.map_err(answer)
}
