//! Compare: any two environments (as they run now) or deployments (as they were accepted)
//! side by side — code with the changes between them, config with secrets compared but never
//! shown, infrastructure. A plain GET form, so it works without JavaScript; the same diff is
//! `GET /api/v1/diff`, and as text for a change ticket.

use crate::api::compare::get_comparison;
use crate::domain::views::Comparison;
use crate::ui::components::diff_table::DiffTable;
use crate::ui::components::links::{query_pairs, query_string};
use crate::ui::components::status::ErrorBox;
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// The compare page.
#[component]
pub fn ComparePage() -> impl IntoView {
    let pairs = query_pairs();
    let sides = move || {
        let pairs = pairs();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        (get("from"), get("to"))
    };
    let data = page_resource(sides, |(from, to)| get_comparison(from, to));
    view! {
        <Title text="Compare"/>
        <h1>"Compare"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(comparison) => view! { <CompareBody comparison/> }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
    }
}

/// A side picker: an environment or a recent deployment offered from a list, or any
/// deployment's id typed.
#[component]
fn SidePicker(name: &'static str, label: &'static str, current: String) -> impl IntoView {
    view! {
        <label>{label}
            <input name=name value=current list="compare-sides" autocomplete="off" size="14"/>
        </label>
    }
}

#[component]
fn CompareBody(comparison: Comparison) -> impl IntoView {
    let left = comparison.left.clone();
    let right = comparison.right.clone();
    let text = format!(
        "/api/v1/diff?{}",
        query_string(&[
            ("from", left.spec.clone()),
            ("to", right.spec.clone()),
            ("format", "text".into())
        ])
    );
    let swapped = format!(
        "/compare?{}",
        query_string(&[("from", right.spec.clone()), ("to", left.spec.clone())])
    );
    let recorded = |label: &crate::domain::views::SideLabel| {
        label.snapshot_hash.clone().map(|hash| {
            view! { <span class="muted">{format!(" · snapshot {}", &hash[..hash.len().min(12)])}</span> }
        })
    };
    view! {
        <form method="get" action="/compare" class="compare-form">
            <SidePicker name="from" label="From (environment or deployment #)" current=left.spec.clone()/>
            <SidePicker name="to" label="To" current=right.spec.clone()/>
            <datalist id="compare-sides">
                {comparison.environments.iter().map(|e| view! { <option value=e.name.clone()>{e.title.clone()}</option> }).collect_view()}
                {comparison.deployments.iter().map(|d| view! { <option value=d.id.to_string()>{d.label.clone()}</option> }).collect_view()}
            </datalist>
            <button type="submit">"Compare"</button>
            <a href=swapped>"Swap"</a>
        </form>
        <p class="compare-sides" data-testid="compare-sides">
            <strong>{left.title.clone()}</strong>{recorded(&left)}
            " → "
            <strong>{right.title.clone()}</strong>{recorded(&right)}
            " · " <a href=text data-testid="diff-as-text">"as text"</a>
        </p>
        <DiffTable comparison/>
    }
}
