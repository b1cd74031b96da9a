//! One build: its artifact, changes and every deployment of it.

use crate::api::builds::get_build_detail;
use crate::domain::{DeploymentKind, DeploymentRecord};
use crate::ui::components::status::{ErrorBox, OutcomeBadge, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The build page.
#[component]
pub fn BuildDetailPage() -> impl IntoView {
    let params = use_params_map();
    let version = move || params.read().get("version").unwrap_or_default();
    let data = page_resource(version, get_build_detail);
    view! {
        <Title text=move || format!("Build {}", version())/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => {
                        let build = detail.summary.build;
                        view! {
                            <h1>"Build " {build.version.to_string()}</h1>
                            <dl class="facts">
                                <dt>"Revision"</dt><dd><code>{build.revision.to_string()}</code></dd>
                                <dt>"Artifact"</dt><dd class="artifact">{build.artifact.describe()}</dd>
                                <dt>"Registered"</dt><dd><When at=build.created_at/> " by " {build.registered_by.clone()}</dd>
                                <dt>"CI run"</dt><dd>{match build.ci_url.clone() {
                                    Some(url) => view! { <a href=url.to_string() rel="noopener noreferrer">{url.to_string()}</a> }.into_erased(),
                                    None => view! { <span class="muted">"not given"</span> }.into_erased(),
                                }}</dd>
                                <dt>"Reached"</dt><dd>{if detail.summary.reached.is_empty() {
                                    view! { <span class="muted">"not deployed yet"</span> }.into_erased()
                                } else {
                                    detail.summary.reached.into_iter().map(|env| view! { <span class="env-tag">{env}</span> }).collect_view().into_erased()
                                }}</dd>
                            </dl>
                            <h2>"Changes"</h2>
                            {if build.changes.is_empty() {
                                view! { <p class="muted">"CI listed no changes."</p> }.into_erased()
                            } else {
                                view! {
                                    <ul class="changes">
                                        {build.changes.into_iter().map(|change| view! {
                                            <li><code>{change.revision.short().to_owned()}</code> " " {change.summary} <span class="muted">" — " {change.author}</span></li>
                                        }).collect_view()}
                                    </ul>
                                }.into_erased()
                            }}
                            <h2>"Deployments"</h2>
                            <DeploymentTable rows=detail.deployments/>
                        }.into_erased()
                    }
                    Err(e) => view! { <h1>"Build"</h1><ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
    }
}

/// A table of deployments, shared with the history page.
#[component]
pub fn DeploymentTable(rows: Vec<DeploymentRecord>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No deployments."</p> }.into_erased();
    }
    view! {
        <div class="table-wrap">
            <table class="deployments">
                <thead><tr>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Environment"</th>
                    <th scope="col">"Build"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Outcome"</th>
                    <th scope="col">"By"</th>
                    <th scope="col">"Approved by"</th>
                    <th scope="col">"Notes"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr data-deployment-id=row.id>
                            <td><When at=row.started_at/></td>
                            <td>{row.environment.clone()}</td>
                            <td><a href=format!("/builds/{}", row.build_version)>{row.build_version.clone()}</a></td>
                            <td><a href=format!("/deployments/{}", row.id) title="The deployment, its timeline and fleets">{row.kind.as_str()}</a>
                                {(row.kind != DeploymentKind::Scale).then(|| view! { <br/><small><a href=format!("/compare?to={}", row.id) data-testid="row-what-changed">"what changed"</a></small> })}
                            </td>
                            <td><OutcomeBadge outcome=row.outcome/></td>
                            <td>{row.started_by.clone()}</td>
                            <td data-testid="approved-by">{row.approved_by.clone().unwrap_or_default()}
                                {row.approved_at.map(|at| view! { <br/><small class="muted">"signed " <When at/></small> })}
                                {row.approval_notes.clone().filter(|n| !n.is_empty()).map(|notes| view! { <br/><small class="muted approval-notes">{format!("“{notes}”")}</small> })}
                            </td>
                            <td>{row.notes.clone()}{row.demo.then_some(" (demo)")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_erased()
}
