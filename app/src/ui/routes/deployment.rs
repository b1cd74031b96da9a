//! One deployment: every step with its time, what the current step waits for, the fleets,
//! the warm window's countdown and the instant-rollback button; a held new fleet's addresses
//! with "Switch traffic", and "Cancel" while it is in flight. Updates from the page's live
//! stream as the deployment moves.

use crate::api::auth::current_user;
use crate::api::deployments::{get_deployment, RollBack, SteerDeployment};
use crate::domain::rollout::Phase;
use crate::domain::views::DeploymentDetail;
use crate::domain::{Permission, Role};
use crate::ui::components::clock::Countdown;
use crate::ui::components::deploy_actions::{read_rollback, schema_confirmation};
use crate::ui::components::live::{action_error, field_error};
use crate::ui::components::live_stream::{live_stream, Interest};
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::{ErrorBox, OutcomeBadge, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/deployments/:id`.
#[component]
pub fn DeploymentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let rollback = ServerAction::<RollBack>::new();
    let steer = ServerAction::<SteerDeployment>::new();
    let stream = live_stream(move || Interest {
        environment: None,
        deployment: Some(id()),
    });
    let user = page_resource(|| (), |_| current_user());
    let data = page_resource(
        move || {
            (
                id(),
                stream.changes.get(),
                rollback.version().get() + steer.version().get(),
            )
        },
        |(id, _, _)| get_deployment(id),
    );
    view! {
        <Title text="Deployment"/>
        {action_error(rollback.value())}
        {action_error(steer.value())}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let role = user.await.ok().flatten().map(|p| p.role);
                match data.await {
                    Ok(detail) => view! { <Deployment detail role rollback steer/> }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Deployment(
    detail: DeploymentDetail,
    role: Option<Role>,
    rollback: ServerAction<RollBack>,
    steer: ServerAction<SteerDeployment>,
) -> impl IntoView {
    let record = detail.record.clone();
    let phase = detail.phase;
    let may_deploy = role.is_some_and(|r| r.allows(Permission::Deploy));
    let steered = detail.rollback_requested_by.is_some() || detail.cancelled_by.is_some();
    let can_roll_back =
        may_deploy && matches!(phase, Some(Phase::Verifying | Phase::Warm)) && !steered;
    // Warm has succeeded (rolled back instead); rolling back is already the way out.
    let can_cancel = may_deploy
        && !steered
        && phase.is_some_and(|p| {
            p.outcome() == crate::domain::Outcome::InProgress && p != Phase::RollingBack
        });
    let id = record.id;
    let environment = record.environment.clone();
    view! {
        <article class="deployment" data-phase=phase.map(|p| p.as_str()).unwrap_or("history")>
            <h1>
                {format!("#{} {} {} → ", record.id, record.kind, record.build_version)}
                <a href=format!("/environments/{}", record.environment)>{record.environment.clone()}</a>
            </h1>
            <p>
                <OutcomeBadge outcome=record.outcome/> " "
                {phase.map(|p| view! { <span class="phase" data-testid="phase">{p.label()}</span> })}
                " · started " <When at=record.started_at/> " by " {record.started_by.clone()}
                {record.approved_by.clone().map(|qa| view! {
                    <span data-testid="approved-by">{format!(" · approved by {qa} (sign-off #{})", record.signoff_id.unwrap_or_default())}
                        {record.approved_at.map(|at| view! { " at " <When at/> })}
                        {record.approval_notes.clone().filter(|n| !n.is_empty()).map(|n| format!(": “{n}”"))}
                    </span>
                })}
            </p>
            {detail.changed_from.map(|before| view! {
                <p><a data-testid="what-changed" href=format!("/compare?from={before}&to={}", record.id)>"What did this deployment change?"</a>
                    <span class="muted">{format!(" (against #{before}, the release it replaced)")}</span></p>
            })}
            {detail.snapshot_hash.clone().map(|hash| view! {
                <p class="muted">"Recorded as snapshot " <code>{hash.chars().take(12).collect::<String>()}</code>
                    " · " <a href=format!("/compare?from={}&to={}", record.id, record.environment)>"compare with the environment now"</a></p>
            })}
            // A hold says the same in its own section.
            {(!detail.progress.is_empty() && detail.hold.is_none()).then(|| view! { <p class="progress" role="status">{detail.progress.clone()}</p> })}
            {detail.reason.clone().map(|reason| view! { <p class="error" role="alert">{reason}</p> })}
            {detail.warm_until.map(|until| view! {
                <div class="notice warm" role="status">
                    <p>
                        "Old fleet kept warm until " <When at=until/>
                        " (" <Countdown until/> " for instant rollback)"
                    </p>
                </div>
            })}
            {detail.hold.clone().map(|hold| view! { <Hold hold id may_switch=may_deploy steer/> })}
            {detail.cancelled_by.clone().map(|by| view! {
                <p class="notice" role="status" data-testid="cancelled-by">{format!("Cancelled by {by}")}</p>
            })}
            {can_cancel.then(|| view! {
                <PostForm action=steer read=read_steer class="inline cancel">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="action" value="cancel"/>
                    <label>"Reason to cancel " <input name="reason" required maxlength="500" data-testid="cancel-reason"/></label>
                    <button type="submit" class="danger" data-testid="cancel">"Cancel deployment"</button>
                    {field_error(steer.value(), "reason")}
                </PostForm>
            })}
            {can_roll_back.then(|| view! {
                <PostForm action=rollback read=read_rollback>
                    <input type="hidden" name="environment" value=environment.clone()/>
                    {schema_confirmation(rollback)}
                    <button type="submit" class="danger" data-testid="rollback">"Roll back now"</button>
                </PostForm>
            })}
            {(!detail.hooks.is_empty()).then(|| view! { <HookRuns runs=detail.hooks.clone()/> })}
            <h2>"Steps"</h2>
            <ol class="steps">
                {detail.steps.iter().map(|step| view! {
                    <li data-step=step.phase.as_str()>
                        <When at=step.at/> " " <strong>{step.phase.label()}</strong> " " {step.message.clone()}
                    </li>
                }).collect_view()}
            </ol>
            <dl class="fleets">
                <dt>"Image"</dt><dd><code>{detail.image_id.clone().unwrap_or_else(|| "—".into())}</code></dd>
                <dt>"New fleet"</dt><dd>{fleet(&detail.new_fleet)}</dd>
                <dt>"Old fleet"</dt><dd>{fleet(&detail.old_fleet)}</dd>
            </dl>
        </article>
    }
    .into_erased()
}

/// A held new fleet: where to test it, until when, and the switch.
#[component]
fn Hold(
    hold: crate::domain::views::HoldView,
    id: i64,
    may_switch: bool,
    steer: ServerAction<SteerDeployment>,
) -> impl IntoView {
    view! {
        <div class="notice hold" role="status" data-testid="hold">
            <p><strong>"Ready to switch."</strong>" Traffic stays on the old fleet until someone switches; test the new fleet first:"</p>
            <ul data-testid="hold-addresses">
                {hold.addresses.into_iter().map(|a| view! {
                    <li><code>{a.private_ip}</code>" " <span class="muted">{a.instance_id}</span></li>
                }).collect_view()}
            </ul>
            {hold.test_target_group.map(|group| view! {
                <p>"Through the load balancer: add a listener rule (a test host header or path) forwarding to the idle target group "
                    <code>{group}</code>"."</p>
            })}
            <p>"Unswitched, the new fleet is taken out at " <When at=hold.until/> "."</p>
            {match hold.switch_requested_by {
                Some(by) => view! { <p>{format!("Switch requested by {by}")}</p> }.into_erased(),
                None => may_switch.then(|| view! {
                    <PostForm action=steer read=read_steer>
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="action" value="switch"/>
                        <button type="submit" data-testid="switch">"Switch traffic"</button>
                    </PostForm>
                }).into_erased(),
            }}
        </div>
    }
}

/// What each hook run reported: its result, how long it took, its summary and report link,
/// and a command's output.
#[component]
fn HookRuns(runs: Vec<crate::domain::hooks::HookRunView>) -> impl IntoView {
    view! {
        <h2>"Hooks"</h2>
        <ul class="hook-runs" data-testid="hooks">
            {runs.into_iter().map(|run| {
                let status = run.status.as_str();
                let name = run.name.clone();
                view! {
                    <li data-hook=name data-status=status>
                        <strong>{run.name}</strong>
                        <span class="muted">{format!(" {}, {} ", run.kind.as_str().replace('_', "-"), run.stage.label())}</span>
                        <span class=format!("badge hook-{status}")>{status.replace('_', " ")}</span>
                        {run.seconds.map(|s| format!(" in {}", crate::domain::duration::describe_seconds(s.unsigned_abs())))}
                        {run.summary.map(|s| view! { <span>{format!(" — {s}")}</span> })}
                        {run.link.map(|href| view! { " " <a href=href rel="noopener noreferrer">"report"</a> })}
                        {run.output.filter(|o| !o.is_empty()).map(|o| view! {
                            <details><summary>"Output"</summary><pre>{o}</pre></details>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

fn read_steer(fields: &Fields) -> Option<SteerDeployment> {
    Some(SteerDeployment {
        id: fields.get("id")?.parse().ok()?,
        action: fields.get("action")?,
        reason: fields.get("reason"),
    })
}

fn fleet(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}
