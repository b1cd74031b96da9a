//! The environment page's fleets side by side — serving, incoming, previous (with its warm
//! countdown) — each with healthy of total and a percentage at a glance, and one page of its
//! instance table (zone, type, image, build, launch time, EC2 state and status checks,
//! target health with AWS's reason), filterable to the instances that are not healthy; and
//! the environment's alarms with their state and since when; and its charts over a range.

use super::chart::LineChart;
use super::clock::Countdown;
use super::status::When;
use crate::domain::fleet_health::{AlarmView, FleetRole, InstanceHealth};
use crate::domain::fleet_table::{FleetPanel, InstanceFilter};
use crate::domain::metric_series::ChartRange;
use crate::domain::views::{ChartsReport, FleetReport};
use crate::domain::Timestamp;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

/// Every fleet of the report, then the alarms. `warm_until` is when the previous fleet stops
/// being warm, if it is.
#[component]
pub fn Fleets(report: FleetReport, warm_until: Option<Timestamp>) -> impl IntoView {
    let env = report.environment.clone();
    let filter = report.fleets.first().map(|f| f.filter).unwrap_or_default();
    let toggle = match filter {
        InstanceFilter::All => (
            "Show only instances that are not healthy",
            InstanceFilter::NotHealthy,
        ),
        InstanceFilter::NotHealthy => ("Show every instance", InstanceFilter::All),
    };
    view! {
        <section aria-labelledby="fleets-title" class="fleets-section">
            <h2 id="fleets-title">"Fleets"</h2>
            {report.fleets.is_empty().then(|| view! {
                <p class="muted">"No instance of this environment is running."</p>
            })}
            {(!report.fleets.is_empty()).then(|| view! {
                <p><a href=format!("/environments/{env}?show={}", toggle.1.as_str()) data-testid="instance-filter">{toggle.0}</a></p>
            })}
            <div class="fleets">
                {report.fleets.into_iter().map(|panel| {
                    let warm = (panel.role == FleetRole::Previous).then_some(warm_until).flatten();
                    view! { <Fleet panel env=env.clone() warm_until=warm/> }.into_erased()
                }).collect_view()}
            </div>
            {view! { <Alarms alarms=report.alarms/> }.into_erased()}
        </section>
    }
}

#[component]
fn Fleet(panel: FleetPanel, env: String, warm_until: Option<Timestamp>) -> impl IntoView {
    let role = panel.role;
    let heading = [
        Some(role.label().to_owned()),
        panel.build_version.clone(),
        panel.deployment_id.map(|id| format!("#{id}")),
        panel.colour.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let percent = panel
        .health_percent()
        .map(|p| format!(" ({p} %)"))
        .unwrap_or_default();
    let class = format!("fleet fleet-{}", role_class(role));
    let pages = panel.pages;
    let page = panel.page;
    let show = panel.filter.as_str();
    let link = move |to: usize| format!("/environments/{env}?show={show}&page={to}");
    view! {
        <article class=class data-testid="fleet" data-role=role_class(role)>
            <h3>{heading}</h3>
            <p class="fleet-figures" data-testid="fleet-figures">
                <strong>{format!("{} of {} healthy", panel.healthy, panel.total)}</strong>{percent}
                {warm_until.map(|until| view! { " · warm until " <When at=until/> " (" <Countdown until/> ")" })}
            </p>
            {(panel.matching == 0).then(|| view! { <p class="muted">"No instance matches."</p> })}
            {(panel.matching > 0).then(|| view! { <InstanceTable rows=panel.rows.clone()/> }.into_erased())}
            {(pages > 1).then(|| view! {
                <nav class="pager" aria-label="Instance pages">
                    {(page > 1).then(|| view! { <a href=link(page - 1)>"← Previous"</a> })}
                    <span>{format!(" Page {page} of {pages} ({} instances) ", panel.matching)}</span>
                    {(page < pages).then(|| view! { <a href=link(page + 1)>"Next →"</a> })}
                </nav>
            })}
        </article>
    }
}

fn role_class(role: FleetRole) -> &'static str {
    match role {
        FleetRole::Serving => "serving",
        FleetRole::Incoming => "incoming",
        FleetRole::Previous => "previous",
    }
}

#[component]
fn InstanceTable(rows: Vec<InstanceHealth>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="instances">
                <thead><tr>
                    <th scope="col">"Instance"</th><th scope="col">"Health"</th>
                    <th scope="col">"EC2"</th><th scope="col">"Zone"</th><th scope="col">"Type"</th>
                    <th scope="col">"Image"</th><th scope="col">"Build"</th><th scope="col">"Launched"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! { <InstanceRow row/> }.into_erased()).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn InstanceRow(row: InstanceHealth) -> impl IntoView {
    let healthy = row.is_healthy();
    let (target, reason) = match &row.target {
        Some(t) => (
            t.state.as_str().to_owned(),
            [t.reason.clone(), t.description.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": "),
        ),
        None => ("no target group".to_owned(), String::new()),
    };
    let checks = match row.status_checks_ok {
        Some(true) => "checks passed",
        Some(false) => "checks failed",
        None => "checks pending",
    };
    view! {
        <tr data-testid="instance-row" data-instance=row.id.clone() data-healthy=healthy.to_string() class:unhealthy=!healthy>
            <td><code>{row.id.clone()}</code></td>
            <td>
                <span class=if healthy { "badge health-healthy" } else { "badge health-degraded" }>
                    {if healthy { "Healthy" } else { "Not healthy" }}
                </span>
                " " {target}
                {(!reason.is_empty()).then(|| view! { <br/><small class="muted">{reason}</small> })}
            </td>
            <td>{row.state.as_str()} <br/><small class="muted">{checks}</small></td>
            <td>{row.zone.clone().unwrap_or_default()}</td>
            <td>{row.instance_type.clone().unwrap_or_default()}</td>
            <td><code>{row.image_id.clone().unwrap_or_default()}</code></td>
            <td>{row.build_version.clone().unwrap_or_default()}</td>
            <td>{row.launched_at.map(|at| view! { <When at/> })}</td>
        </tr>
    }
}

#[component]
fn Alarms(alarms: Vec<AlarmView>) -> impl IntoView {
    (!alarms.is_empty()).then(|| {
        view! {
            <h3>"Alarms"</h3>
            <ul class="alarms">
                {alarms.into_iter().map(|alarm| {
                    let state = alarm.state.as_str();
                    view! {
                        <li data-testid="alarm" data-state=state>
                            <span class=format!("badge alarm-{state}")>{state.replace('_', " ").to_ascii_uppercase()}</span>
                            " " <code>{alarm.name}</code>
                            {alarm.since.map(|at| view! { " since " <When at/> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// The environment's charts with the range chooser (links, so it works without JavaScript).
#[component]
pub fn Charts(report: ChartsReport) -> impl IntoView {
    let env = report.environment.clone();
    let range = report.range;
    let end = report
        .taken_at
        .unwrap_or_else(|| Timestamp::from_millis(super::clock::now_ms()));
    view! {
        <section aria-labelledby="charts-title" class="charts-section">
            <h2 id="charts-title">"Metrics"</h2>
            <nav class="ranges" aria-label="Chart range">
                {ChartRange::ALL.into_iter().map(|r| view! {
                    <a href=format!("/environments/{env}?range={}", r.as_str()) aria-current=(r == range).then_some("true")
                       class:current=r == range data-range=r.as_str()>{r.label()}</a>
                }).collect_view()}
            </nav>
            {report.charts.is_empty().then(|| view! {
                <p class="muted">"No metrics read yet: charts appear once a release serves here and CloudWatch has answered."</p>
            })}
            <div class="charts">
                {report.charts.into_iter().map(|chart| view! { <LineChart chart range end/> }.into_erased()).collect_view()}
            </div>
        </section>
    }
}
