//! The actions an engineer may take on an environment: deploy a build (first environment),
//! promote with a confirmation listing what changes and every gate (a refusal lists the failed
//! gates in the dialog), roll back, and scale within the strategy's limit.

use super::live::{action_error, field_error};
use super::post_form::{Fields, PostForm};
use super::promotion_summary::PromotionSummary;
use crate::api::deployments::{DeployBuild, ExtendWarm, Promote, RollBack, Scale};
use crate::api::environments::RecordSignoff;
use crate::domain::gates::GateKind;
use crate::domain::views::EnvironmentPage as Page;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

/// The actions of the page.
#[derive(Clone, Copy)]
pub struct Actions {
    pub sign: ServerAction<RecordSignoff>,
    pub deploy: ServerAction<DeployBuild>,
    pub promote: ServerAction<Promote>,
    pub rollback: ServerAction<RollBack>,
    pub scale: ServerAction<Scale>,
    pub extend: ServerAction<ExtendWarm>,
}

/// An admin's field to deploy or promote through a freeze.
fn override_field() -> impl IntoView {
    view! {
        <label>"Override the freeze — reason (recorded and announced) "
            <input name="override_reason" maxlength="500" data-testid="override-reason"/>
        </label>
    }
}

/// After a rollback refused for a schema downgrade: the checkbox that confirms it, with the
/// refusal's reason naming both schema versions. Also on the deployment page.
pub fn schema_confirmation(rollback: ServerAction<RollBack>) -> impl IntoView {
    move || {
        let refused = rollback.value().get().and_then(|result| result.err());
        let reason = match refused {
            Some(crate::use_cases::UseCaseError::GatesFailed(gates)) => gates
                .into_iter()
                .find(|g| g.gate == GateKind::SchemaVersion)
                .map(|g| g.reason),
            _ => None,
        };
        reason.map(schema_checkbox)
    }
}

/// The checkbox confirming a schema downgrade, labelled with why it is one.
fn schema_checkbox(reason: String) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" name="confirm_schema_downgrade" value="true" required data-testid="confirm-schema-downgrade"/>
            {format!(" I confirm: {reason}")}
        </label>
    }
}

/// The actions; `admin` offers the freeze override while the environment is frozen.
#[component]
pub fn DeployActions(page: Page, actions: Actions, admin: bool) -> impl IntoView {
    let overridable = admin && page.freeze.is_some();
    let env = page.environment.name.clone();
    let title = page.environment.title.clone();
    let rollback_to_env = env.clone();
    let (deploy_env, promote_env, rollback_env, scale_env, extend_env) =
        (env.clone(), env.clone(), env.clone(), env.clone(), env);
    // Scaling replaces the serving fleet's set: a switch back could no longer restore it.
    let scale_ends_warm = page.warm.as_ref().and_then(|w| {
        w.warm_until.map(|_| {
            format!(
                "Scaling now ends the warm window: the old fleet ({}) is terminated, and a rollback afterwards deploys {} again instead of switching back.",
                w.old_fleet.join(", "),
                page.rollback_to.clone().unwrap_or_else(|| "the release before".into())
            )
        })
    });
    let deploy_title = title.clone();
    view! {
        <section aria-labelledby="actions-title" class="actions">
            <h2 id="actions-title">"Actions"</h2>
            {page.first.then(|| view! {
                <PostForm action=actions.deploy read=read_deploy class="stacked">
                    <input type="hidden" name="environment" value=deploy_env/>
                    <label>"Build "
                        <select name="version">
                            {page.deployable.iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    {overridable.then(override_field)}
                    <button type="submit" data-testid="deploy">{format!("Deploy to {deploy_title}")}</button>
                </PostForm>
            })}
            {page.promotion.clone().map(|preview| {
                // Only a freeze an admin may override, or a schema downgrade a checkbox
                // confirms, stands in the way.
                let failing = || preview.gates.iter().filter(|g| !g.passed);
                let only_frozen = failing()
                    .filter(|g| g.gate != GateKind::SchemaVersion)
                    .all(|g| g.gate == GateKind::NotFrozen);
                let downgrade = failing()
                    .find(|g| g.gate == GateKind::SchemaVersion)
                    .map(|g| g.reason.clone());
                let allowed = failing().all(|g| {
                    g.gate == GateKind::SchemaVersion || (overridable && g.gate == GateKind::NotFrozen)
                });
                view! {
                    <details class="confirm">
                        <summary data-testid="promote">{format!("Promote from {} to {title}…", preview.from)}</summary>
                        <PromotionSummary preview/>
                        <PostForm action=actions.promote read=read_promote>
                            <input type="hidden" name="environment" value=promote_env/>
                            {(overridable && only_frozen).then(override_field)}
                            {downgrade.map(schema_checkbox)}
                            <button type="submit" disabled=!allowed data-testid="confirm-promote">"Confirm promotion"</button>
                        </PostForm>
                        {action_error(actions.promote.value())}
                    </details>
                }
            })}
            {page.current.is_some().then(|| {
                let label = match (&page.warm, &page.rollback_to) {
                    (Some(_), _) => "Roll back (instant switch)".to_owned(),
                    (None, Some(version)) => format!("Roll back to {version}"),
                    (None, None) => "Roll back".to_owned(),
                };
                view! {
                    <PostForm action=actions.rollback read=read_rollback>
                        <input type="hidden" name="environment" value=rollback_env.clone()/>
                        {schema_confirmation(actions.rollback)}
                        <button type="submit" class="danger" data-testid="env-rollback">{label}</button>
                    </PostForm>
                }
            })}
            {page.warm.as_ref().and_then(|w| w.warm_until).map(|_| view! {
                <PostForm action=actions.extend read=read_extend class="inline">
                    <input type="hidden" name="environment" value=extend_env/>
                    <label>"Keep the old fleet warm another "
                        <select name="extend_by" data-testid="extend-by">
                            <option value="30m">"30 minutes"</option>
                            <option value="1h">"hour"</option>
                            <option value="4h">"4 hours"</option>
                        </select>
                    </label>
                    <button type="submit" data-testid="extend-warm">"Extend"</button>
                    {field_error(actions.extend.value(), "extend_by")}
                </PostForm>
            })}
            {(page.current.is_some() && !page.earlier_releases.is_empty()).then(|| view! {
                <PostForm action=actions.rollback read=read_rollback class="inline">
                    <input type="hidden" name="environment" value=rollback_to_env/>
                    <label>"Or back to "
                        <select name="to">
                            {page.earlier_releases.iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="danger" data-testid="rollback-to">"Roll back to this release"</button>
                    {field_error(actions.rollback.value(), "to")}
                </PostForm>
            })}
            {page.fleet.is_some().then(|| view! {
                <PostForm action=actions.scale read=read_scale class="inline">
                    <input type="hidden" name="environment" value=scale_env/>
                    <label>"Instances " <input type="number" name="desired" min="1" max=page.strategy.max_instances() value=page.fleet.as_ref().map(|f| f.instance_ids.len()).unwrap_or(1)/></label>
                    <button type="submit">"Scale"</button>
                    {field_error(actions.scale.value(), "desired")}
                    {scale_ends_warm.clone().map(|text| view! { <p class="muted" data-testid="scale-ends-warm">{text}</p> })}
                </PostForm>
            })}
        </section>
    }
    .into_erased()
}

fn read_deploy(fields: &Fields) -> Option<DeployBuild> {
    Some(DeployBuild {
        environment: fields.get("environment")?,
        version: fields.get("version")?,
        override_reason: fields
            .get("override_reason")
            .filter(|r| !r.trim().is_empty()),
    })
}

fn read_promote(fields: &Fields) -> Option<Promote> {
    Some(Promote {
        environment: fields.get("environment")?,
        override_reason: fields
            .get("override_reason")
            .filter(|r| !r.trim().is_empty()),
        confirm_schema_downgrade: confirmed(fields),
    })
}

/// Whether the form's schema-downgrade checkbox is ticked (absent when unticked).
fn confirmed(fields: &Fields) -> Option<bool> {
    fields.get("confirm_schema_downgrade").map(|v| v == "true")
}

/// Also read by the deployment page's roll-back button.
pub fn read_rollback(fields: &Fields) -> Option<RollBack> {
    Some(RollBack {
        environment: fields.get("environment")?,
        to: fields.get("to"),
        confirm_schema_downgrade: confirmed(fields),
    })
}

fn read_extend(fields: &Fields) -> Option<ExtendWarm> {
    Some(ExtendWarm {
        environment: fields.get("environment")?,
        extend_by: fields.get("extend_by")?,
    })
}

fn read_scale(fields: &Fields) -> Option<Scale> {
    Some(Scale {
        environment: fields.get("environment")?,
        desired: fields.text("desired").trim().parse().ok()?,
    })
}
