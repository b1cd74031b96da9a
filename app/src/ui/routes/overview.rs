//! Overview: one column per environment in pipeline order — the build it runs, its live
//! health, QA's sign-off state, frozen or not, the warm window's countdown — updated from the
//! page's live stream, and builds not yet deployed.

use crate::api::overview::get_overview;
use crate::domain::views::{EnvironmentStatus, SignoffState};
use crate::domain::Build;
use crate::ui::components::clock::Countdown;
use crate::ui::components::diff_list::drift_text;
use crate::ui::components::health::HealthBadge;
use crate::ui::components::live_stream::{live_stream, Interest, LiveStream};
use crate::ui::components::status::{DemoBanner, ErrorBox, OutcomeBadge, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// The landing page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let stream = live_stream(|| Interest {
        environment: None,
        deployment: None,
    });
    let data = page_resource(move || stream.changes.get(), |_| get_overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(overview) => view! {
                        {overview.demo.then(|| view! { <DemoBanner/> })}
                        <section class="pipeline" aria-label="Environments">
                            {overview.columns.into_iter().map(|column| view! { <EnvironmentCard column stream/> }.into_erased()).collect_view()}
                        </section>
                        <section aria-labelledby="undeployed-title">
                            <h2 id="undeployed-title">"New builds, not deployed yet"</h2>
                            <UndeployedBuilds builds=overview.undeployed/>
                        </section>
                    }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EnvironmentCard(column: EnvironmentStatus, stream: LiveStream) -> impl IntoView {
    let env = column.environment;
    let rendered = column.live.clone();
    let live = {
        let name = env.name.clone();
        Signal::derive(move || {
            stream
                .health
                .with(|all| all.get(&name).cloned())
                .unwrap_or_else(|| rendered.clone())
        })
    };
    let signoff = column.signoff;
    let signed_by = column.signed_by.clone();
    let history_link = format!("/history?environment={}", env.name);
    let drift = column
        .current
        .as_ref()
        .filter(|_| !column.config_drift.is_empty())
        .map(|current| {
            (
                format!("/compare?from={}&to={}", current.id, env.name),
                drift_text(&column.config_drift),
            )
        });
    view! {
        <article class="env-card" data-environment=env.name.clone()>
            <h2><a href=format!("/environments/{}", env.name)>{env.title.clone()}</a></h2>
            // Health means something once a release runs there.
            {column.current.is_some().then(|| view! {
                <HealthBadge live/>
            })}
            {column.frozen.clone().map(|why| view! { <p class="frozen" data-testid="frozen">"❄ Frozen: " {why}</p> })}
            {match column.current {
                Some(current) => view! {
                    <p class="env-version">
                        <a href=format!("/builds/{}", current.build_version)>{current.build_version.clone()}</a>
                    </p>
                    <p class="muted"><code>{current.build_revision.chars().take(7).collect::<String>()}</code></p>
                    <p>"Deployed " <When at=current.started_at/> " by " {current.started_by.clone()}</p>
                    <p class=format!("signoff signoff-{}", signoff.as_str()) data-testid="signoff-state" data-state=signoff.as_str()>
                        {signoff_mark(signoff)} " " {signoff.label()}
                        {signed_by.filter(|_| signoff != SignoffState::Awaiting).map(|by| format!(" ({by})"))}
                    </p>
                }.into_erased(),
                None => view! { <p class="muted">"Nothing deployed yet."</p> }.into_erased(),
            }}
            {drift.map(|(href, text)| view! {
                <p class="drift" data-testid="config-drift"><a href=href>{text}</a></p>
            })}
            {column.latest_attempt.map(|attempt| view! {
                <p class="latest-attempt">
                    "Last attempt: " {attempt.build_version.clone()} " " <OutcomeBadge outcome=attempt.outcome/>
                </p>
            })}
            {column.warm_until.map(|until| view! {
                <p class="warm-window" data-testid="warm-window">"Previous fleet warm: " <Countdown until/></p>
            })}
            {column.in_flight.map(|id| view! {
                <p class="notice"><a href=format!("/deployments/{id}")>{format!("Deployment #{id} in progress")}</a></p>
            })}
            <p><a href=history_link>"History of " {env.title}</a></p>
        </article>
    }
}

/// A symbol beside the sign-off state's words (never the only signal).
fn signoff_mark(state: SignoffState) -> &'static str {
    match state {
        SignoffState::Approved => "✓",
        SignoffState::Rejected => "✗",
        SignoffState::Void => "⚠",
        SignoffState::Awaiting | SignoffState::NothingRunning => "…",
    }
}

#[component]
fn UndeployedBuilds(builds: Vec<Build>) -> impl IntoView {
    if builds.is_empty() {
        return view! { <p class="muted">"Every registered build has been deployed somewhere."</p> }.into_erased();
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
    .into_erased()
}
