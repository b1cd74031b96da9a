//! One environment: the release it runs, its live health and fleets side by side (updated
//! from the page's live stream, no polling), the warm fleet with its countdown, QA's verdict (and why it no longer counts), and, by role, the sign-off form and
//! the deploy, promote (with a confirmation listing what changes and every gate), roll back
//! and scale actions.

use crate::api::auth::current_user;
use crate::api::environments::get_environment;
use crate::api::fleet::{get_charts, get_fleet};
use crate::domain::views::{ChartsReport, EnvironmentPage as Page, FleetReport, LiveHealth};
use crate::domain::Timestamp;
use crate::domain::{Permission, Role};
use crate::ui::components::change_control::{ChangeControl, ControlAction};
use crate::ui::components::clock::{now_ms, Countdown};
use crate::ui::components::deploy_actions::{Actions, DeployActions};
use crate::ui::components::diff_list::drift_text;
use crate::ui::components::fleet::{Charts, Fleets};
use crate::ui::components::health::HealthBadge;
use crate::ui::components::live::{action_error, action_error_besides, follow};
use crate::ui::components::live_stream::{live_stream, Interest, LiveStream};
use crate::ui::components::promotion_summary::PromotionSummary;
use crate::ui::components::signoff_form::SignoffSection;
use crate::ui::components::status::{ErrorBox, OutcomeBadge, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::{page_resource, PageResource};
use crate::use_cases::UseCaseError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/environments/:name`.
#[component]
pub fn EnvironmentPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let actions = Actions {
        sign: ServerAction::new(),
        deploy: ServerAction::new(),
        promote: ServerAction::new(),
        rollback: ServerAction::new(),
        scale: ServerAction::new(),
        extend: ServerAction::new(),
    };
    for started in [
        actions.deploy.value(),
        actions.promote.value(),
        actions.rollback.value(),
        actions.scale.value(),
    ] {
        follow(started);
    }
    let query = use_query_map();
    let show = move || query.read().get("show").unwrap_or_default();
    let page_number = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    };
    let control: ControlAction = ServerAction::new();
    let stream = live_stream(move || Interest {
        environment: Some(name()),
        deployment: None,
    });
    let user = page_resource(|| (), |_| current_user());
    let page = page_resource(
        move || {
            (
                name(),
                stream.changes.get(),
                actions.sign.version().get(),
                control.version().get(),
                actions.extend.version().get(),
            )
        },
        |(name, _, _, _, _)| get_environment(name),
    );
    let fleet = page_resource(
        move || (name(), show(), page_number(), stream.fleet_changes.get()),
        |(name, show, page, _)| get_fleet(name, show, page),
    );
    let range = move || query.read().get("range").unwrap_or_default();
    let charts = page_resource(
        move || (name(), range(), stream.chart_changes.get()),
        |(name, range, _)| get_charts(name, range),
    );
    view! {
        <Title text="Environment"/>
        {action_error_besides(actions.sign.value(), &["notes", "verdict"])}
        {action_error(actions.deploy.value())}
        {action_error_besides(actions.rollback.value(), &["to"])}
        {action_error_besides(actions.scale.value(), &["desired"])}
        {action_error_besides(actions.extend.value(), &["extend_by"])}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let viewer = user.await.ok().flatten().map(|p| (p.role, p.id));
                match page.await {
                    Ok(page) => view! { <Environment page fleet charts viewer actions control stream/> }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Environment(
    page: Page,
    fleet: PageResource<Result<FleetReport, UseCaseError>>,
    charts: PageResource<Result<ChartsReport, UseCaseError>>,
    viewer: Option<(Role, i64)>,
    actions: Actions,
    control: ControlAction,
    stream: LiveStream,
) -> impl IntoView {
    let may = move |p: Permission| viewer.is_some_and(|(r, _)| r.allows(p));
    let env = page.environment.name.clone();
    let title = page.environment.title.clone();
    // The badge follows the stream; until its first event, what the fleet report said.
    let live = {
        let env = env.clone();
        Signal::derive(move || {
            stream
                .health
                .with(|all| all.get(&env).cloned())
                .or_else(|| fleet.get().and_then(Result::ok).map(|f| f.live))
                .unwrap_or_else(LiveHealth::unknown)
        })
    };
    let warm_until = page.warm.as_ref().and_then(|w| w.warm_until);
    view! {
        <article class="environment" data-environment=env.clone()>
            <h1>{title.clone()}</h1>
            {page.current.is_some().then(|| view! { <HealthBadge live/> }.into_erased())}
            <p class="muted">{format!("{} · {} per fleet", page.strategy, page.desired_capacity)}</p>
            <ChangeControl environment=env.clone() freeze=page.freeze.clone() lock=page.lock.clone() viewer action=control/>
            {page.next_freeze_window.clone().filter(|w| page.freeze.is_none() || w.start > now_ms()).map(|w| view! {
                <p class="muted" data-testid="next-freeze-window">
                    {format!("Next freeze window: {} ({}), ", w.name, w.reason)}
                    <When at=Timestamp::from_millis(w.start)/> " – " <When at=Timestamp::from_millis(w.end)/>
                </p>
            })}
            {view! { <section aria-labelledby="release-title">
                <h2 id="release-title">"Release"</h2>
                {match page.current.clone() {
                    Some(current) => view! {
                        <p class="env-version" data-testid="release">
                            <a href=format!("/builds/{}", current.build_version)>{current.build_version.clone()}</a>
                            " · deployed " <When at=current.started_at/> " by " {current.started_by.clone()}
                        </p>
                    }.into_erased(),
                    None => view! { <p class="muted">"Nothing deployed yet."</p> }.into_erased(),
                }}
                {page.fleet.clone().map(|fleet| view! {
                    <p>"Serving from " <code>{fleet.image_id}</code></p>
                })}
                {page.current.clone().filter(|_| !page.config_drift.is_empty()).map(|current| view! {
                    <p class="notice drift" role="status" data-testid="config-drift">
                        {drift_text(&page.config_drift)} " "
                        <a href=format!("/compare?from={}&to={}", current.id, env)>"See the diff"</a>
                    </p>
                })}
                {page.in_flight.clone().map(|d| view! {
                    <p class="notice" role="status">
                        <a href=format!("/deployments/{}", d.id)>{format!("Deployment #{} of {} in progress", d.id, d.build_version)}</a>
                    </p>
                })}
                {page.warm.clone().map(|warm| view! {
                    <div class="notice warm" role="status">
                        <p>
                            <a href=format!("/deployments/{}", warm.record.id)>{format!("#{} {}", warm.record.id, warm.record.build_version)}</a>
                            {match warm.warm_until {
                                Some(until) => view! {
                                    " · old fleet " {warm.old_fleet.join(", ")} " warm until " <When at=until/>
                                    " (" <Countdown until/> " for instant rollback)"
                                }.into_erased(),
                                None => view! { " · verifying; rollback switches straight back" }.into_erased(),
                            }}
                        </p>
                    </div>
                })}
            </section> }.into_erased()}
            // Each section refetches on its own events, leaving the rest of the page (and a
            // half-written sign-off) as it is.
            <Transition fallback=|| view! { <p>"Loading fleets…"</p> }>
                {move || Suspend::new(async move {
                    match fleet.await {
                        Ok(report) => view! { <Fleets report warm_until/> }.into_erased(),
                        Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                    }
                })}
            </Transition>
            <Transition fallback=|| view! { <p>"Loading metrics…"</p> }>
                {move || Suspend::new(async move {
                    match charts.await {
                        Ok(report) => view! { <Charts report/> }.into_erased(),
                        Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                    }
                })}
            </Transition>
            {view! { <SignoffSection page=page.clone() can_sign=may(Permission::SignOff) action=actions.sign/> }.into_erased()}
            {may(Permission::Deploy).then(|| view! { <DeployActions page=page.clone() actions admin=viewer.is_some_and(|(r, _)| r == Role::Admin)/> }.into_erased())}
            {(!may(Permission::Deploy)).then(|| page.promotion.clone().map(|p| view! { <PromotionSummary preview=p/> }))}
            <section aria-labelledby="recent-title">
                <h2 id="recent-title">"Recent deployments"</h2>
                <ul class="recent">
                    {page.recent.iter().map(|d| view! {
                        <li>
                            <a href=format!("/deployments/{}", d.id)>{format!("#{} {} {}", d.id, d.kind, d.build_version)}</a>
                            " " <OutcomeBadge outcome=d.outcome/> " " <When at=d.started_at/> " by " {d.started_by.clone()}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </article>
    }
    .into_erased()
}
