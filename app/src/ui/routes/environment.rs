//! One environment: the release it runs and the fleet serving it, the warm fleet with its
//! countdown, QA's verdict (and why it no longer counts), and, by role, the sign-off form and
//! the deploy, promote (with a confirmation listing what changes and every gate), roll back
//! and scale actions.

use crate::api::auth::current_user;
use crate::api::deployments::{DeployBuild, Promote, RollBack, Scale};
use crate::api::environments::{get_environment, RecordSignoff};
use crate::domain::views::{EnvironmentPage as Page, PromotionPreview};
use crate::domain::{Permission, Role};
use crate::ui::components::live::{action_error, field_error, follow, ticker};
use crate::ui::components::status::{ErrorBox, OutcomeBadge, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The actions of the page.
#[derive(Clone, Copy)]
struct Actions {
    sign: ServerAction<RecordSignoff>,
    deploy: ServerAction<DeployBuild>,
    promote: ServerAction<Promote>,
    rollback: ServerAction<RollBack>,
    scale: ServerAction<Scale>,
}

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
    };
    for started in [
        actions.deploy.value(),
        actions.promote.value(),
        actions.rollback.value(),
        actions.scale.value(),
    ] {
        follow(started);
    }
    let tick = ticker(5000);
    let user = Resource::new(|| (), |_| current_user());
    let page = Resource::new(
        move || (name(), tick.get(), actions.sign.version().get()),
        |(name, _, _)| get_environment(name),
    );
    view! {
        <Title text="Environment"/>
        {action_error(actions.sign.value())}
        {action_error(actions.deploy.value())}
        {action_error(actions.rollback.value())}
        {action_error(actions.scale.value())}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let role = user.await.ok().flatten().map(|p| p.role);
                match page.await {
                    Ok(page) => view! { <Environment page role actions/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Environment(page: Page, role: Option<Role>, actions: Actions) -> impl IntoView {
    let may = move |p: Permission| role.is_some_and(|r| r.allows(p));
    let env = page.environment.name.clone();
    let title = page.environment.title.clone();
    view! {
        <article class="environment" data-environment=env.clone()>
            <h1>{title.clone()}</h1>
            <p class="muted">{format!("{} · {} per fleet", page.strategy, page.desired_capacity)}</p>
            {page.frozen.clone().map(|why| view! { <p class="error" role="alert">"Frozen: " {why}</p> })}
            <section aria-labelledby="release-title">
                <h2 id="release-title">"Release"</h2>
                {match page.current.clone() {
                    Some(current) => view! {
                        <p class="env-version" data-testid="release">
                            <a href=format!("/builds/{}", current.build_version)>{current.build_version.clone()}</a>
                            " · deployed " <When at=current.started_at/> " by " {current.started_by.clone()}
                        </p>
                    }.into_any(),
                    None => view! { <p class="muted">"Nothing deployed yet."</p> }.into_any(),
                }}
                {page.fleet.clone().map(|fleet| view! {
                    <p>"Serving: " {fleet.instance_ids.join(", ")} " from " <code>{fleet.image_id}</code></p>
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
                                    {warm.warm_seconds_left.map(|s| format!(" ({} left for instant rollback)", crate::domain::duration::describe_seconds(s as u64)))}
                                }.into_any(),
                                None => view! { " · verifying; rollback switches straight back" }.into_any(),
                            }}
                        </p>
                    </div>
                })}
            </section>
            <SignoffSection page=page.clone() can_sign=may(Permission::SignOff) action=actions.sign/>
            {may(Permission::Deploy).then(|| view! { <DeployActions page=page.clone() actions/> })}
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
    .into_any()
}

#[component]
fn SignoffSection(
    page: Page,
    can_sign: bool,
    action: ServerAction<RecordSignoff>,
) -> impl IntoView {
    let env = page.environment.name.clone();
    view! {
        <section aria-labelledby="signoff-title">
            <h2 id="signoff-title">"QA sign-off"</h2>
            {match page.signoff.clone() {
                Some(status) => view! {
                    <p data-testid="signoff">
                        {format!("{} by {} ", status.signoff.verdict.as_str(), status.signoff.signed_by)}
                        <When at=status.signoff.signed_at/>
                        {(!status.signoff.notes.is_empty()).then(|| format!(": {}", status.signoff.notes))}
                    </p>
                    {(!status.void_reasons.is_empty()).then(|| view! {
                        <p class="error" role="alert">"No longer counts: " {status.void_reasons.join("; ")}</p>
                    })}
                }.into_any(),
                None => view! { <p class="muted">"No sign-off on this release yet."</p> }.into_any(),
            }}
            {(can_sign && page.current.is_some()).then(|| {
                let version = page.current.clone().map(|c| c.build_version).unwrap_or_default();
                view! {
                    <ActionForm action attr:class="stacked signoff-form">
                        <input type="hidden" name="environment" value=env.clone()/>
                        <input type="hidden" name="version" value=version.clone()/>
                        <label>"Verdict "
                            <select name="verdict">
                                <option value="approved">"Approve"</option>
                                <option value="rejected">"Reject"</option>
                            </select>
                        </label>
                        <label>"Notes " <textarea name="notes" rows="2" maxlength="2000"></textarea></label>
                        {field_error(action.value(), "notes")}
                        {field_error(action.value(), "verdict")}
                        <button type="submit">{format!("Record sign-off on {version}")}</button>
                    </ActionForm>
                }
            })}
        </section>
    }
    .into_any()
}

#[component]
fn PromotionSummary(preview: PromotionPreview) -> impl IntoView {
    view! {
        <dl class="promotion">
            <dt>"Build"</dt><dd>{format!("{} ({}) from {}", preview.version.clone().unwrap_or_else(|| "none".into()), preview.revision.clone().unwrap_or_default(), preview.from)}</dd>
            <dt>"Image"</dt><dd><code>{preview.image.clone()}</code></dd>
            <dt>"Instances"</dt><dd>{preview.instances}</dd>
            <dt>"Goes out"</dt><dd>{if preview.outgoing.is_empty() { "nothing".to_owned() } else { preview.outgoing.join(", ") }}</dd>
        </dl>
        <ul class="gates" aria-label="Gates">
            {preview.gates.iter().map(|g| view! {
                <li class=if g.passed { "gate gate-passed" } else { "gate gate-failed" } data-passed=g.passed.to_string()>
                    {if g.passed { "✓ " } else { "✗ " }} {g.reason.clone()}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn DeployActions(page: Page, actions: Actions) -> impl IntoView {
    let env = page.environment.name.clone();
    let title = page.environment.title.clone();
    let (deploy_env, promote_env, rollback_env, scale_env) =
        (env.clone(), env.clone(), env.clone(), env);
    let deploy_title = title.clone();
    view! {
        <section aria-labelledby="actions-title" class="actions">
            <h2 id="actions-title">"Actions"</h2>
            {page.first.then(|| view! {
                <ActionForm action=actions.deploy attr:class="stacked">
                    <input type="hidden" name="environment" value=deploy_env/>
                    <label>"Build "
                        <select name="version">
                            {page.deployable.iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" data-testid="deploy">{format!("Deploy to {deploy_title}")}</button>
                </ActionForm>
            })}
            {page.promotion.clone().map(|preview| {
                let allowed = preview.allowed();
                view! {
                    <details class="confirm">
                        <summary data-testid="promote">{format!("Promote from {} to {title}…", preview.from)}</summary>
                        <PromotionSummary preview/>
                        <ActionForm action=actions.promote>
                            <input type="hidden" name="environment" value=promote_env/>
                            <button type="submit" disabled=!allowed data-testid="confirm-promote">"Confirm promotion"</button>
                        </ActionForm>
                        {action_error(actions.promote.value())}
                    </details>
                }
            })}
            {page.current.is_some().then(|| view! {
                <ActionForm action=actions.rollback>
                    <input type="hidden" name="environment" value=rollback_env/>
                    <button type="submit" class="danger" data-testid="env-rollback">
                        {if page.warm.is_some() { "Roll back (instant switch)" } else { "Roll back to the previous release" }}
                    </button>
                </ActionForm>
            })}
            {page.fleet.is_some().then(|| view! {
                <ActionForm action=actions.scale attr:class="inline">
                    <input type="hidden" name="environment" value=scale_env/>
                    <label>"Instances " <input type="number" name="desired" min="1" max=page.strategy.max_instances() value=page.fleet.as_ref().map(|f| f.instance_ids.len()).unwrap_or(1)/></label>
                    <button type="submit">"Scale"</button>
                    {field_error(actions.scale.value(), "desired")}
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}
