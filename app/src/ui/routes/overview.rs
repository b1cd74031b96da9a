//! Overview: one column per environment in pipeline order, and builds not yet deployed.

use crate::api::overview::get_overview;
use crate::domain::fleet_health::EnvironmentHealth;
use crate::domain::views::EnvironmentColumn;
use crate::domain::Build;
use crate::ui::components::status::{DemoBanner, ErrorBox, OutcomeBadge, When};
use leptos::prelude::*;
use leptos_meta::Title;

/// The landing page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(overview) => view! {
                        {overview.demo.then(|| view! { <DemoBanner/> })}
                        <section class="pipeline" aria-label="Environments">
                            {overview.columns.into_iter().map(|column| view! { <EnvironmentCard column/> }).collect_view()}
                        </section>
                        <section aria-labelledby="undeployed-title">
                            <h2 id="undeployed-title">"New builds, not deployed yet"</h2>
                            <UndeployedBuilds builds=overview.undeployed/>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EnvironmentCard(column: EnvironmentColumn) -> impl IntoView {
    let env = column.environment;
    let history_link = format!("/history?environment={}", env.name);
    view! {
        <article class="env-card" data-environment=env.name.clone()>
            <h2><a href=format!("/environments/{}", env.name)>{env.title.clone()}</a></h2>
            // Health means something once a release runs there.
            {column.current.is_some().then(|| view! {
                <HealthBadge health=column.health healthy_of_total=column.healthy_of_total/>
            })}
            {match column.current {
                Some(current) => view! {
                    <p class="env-version">
                        <a href=format!("/builds/{}", current.build_version)>{current.build_version.clone()}</a>
                    </p>
                    <p class="muted"><code>{current.build_revision.chars().take(7).collect::<String>()}</code></p>
                    <p>"Deployed " <When at=current.started_at/> " by " {current.started_by.clone()}</p>
                }.into_any(),
                None => view! { <p class="muted">"Nothing deployed yet."</p> }.into_any(),
            }}
            {column.latest_attempt.map(|attempt| view! {
                <p class="latest-attempt">
                    "Last attempt: " {attempt.build_version.clone()} " " <OutcomeBadge outcome=attempt.outcome/>
                </p>
            })}
            <p><a href=history_link>"History of " {env.title}</a></p>
        </article>
    }
}

/// The environment's health in words (colour and a symbol only add to them), with how many
/// instances are healthy.
#[component]
fn HealthBadge(
    health: EnvironmentHealth,
    healthy_of_total: Option<(usize, usize)>,
) -> impl IntoView {
    let class = format!("badge health-{}", health.as_str());
    let counts = healthy_of_total
        .filter(|(_, total)| *total > 0)
        .map(|(healthy, total)| format!(" · {healthy} of {total} healthy"));
    view! {
        <p class="env-health" data-testid="env-health" data-health=health.as_str()>
            <span class=class>{health.label()}</span>
            <span class="muted">{counts}</span>
        </p>
    }
}

#[component]
fn UndeployedBuilds(builds: Vec<Build>) -> impl IntoView {
    if builds.is_empty() {
        return view! { <p class="muted">"Every registered build has been deployed somewhere."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Version"</th><th scope="col">"Revision"</th><th scope="col">"Registered"</th></tr></thead>
                <tbody>
                    {builds.into_iter().map(|build| view! {
                        <tr>
                            <td><a href=format!("/builds/{}", build.version)>{build.version.to_string()}</a></td>
                            <td><code>{build.revision.short().to_owned()}</code></td>
                            <td><When at=build.created_at/> " by " {build.registered_by.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
