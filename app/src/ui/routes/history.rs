//! Release history: every deployment ever recorded, filterable, paged by cursor, exportable.

use super::build_detail::DeploymentTable;
use crate::api::history::get_history;
use crate::domain::history::HistoryFilter;
use crate::domain::views::HistoryPage as Page;
use crate::domain::Outcome;
use crate::ui::components::links::{query_pairs, query_string};
use crate::ui::components::status::ErrorBox;
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// The history page. The filter is a plain GET form, so it works without JavaScript.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let pairs = query_pairs();
    let data = page_resource(pairs, get_history);
    view! {
        <Title text="Release history"/>
        <h1>"Release history"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <HistoryBody page/> }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HistoryBody(page: Page) -> impl IntoView {
    let filter_pairs = page.filter.to_query();
    let filter_query = query_string(&filter_pairs);
    let next = page.next_cursor.clone().map(|cursor| {
        let mut pairs = filter_pairs.clone();
        pairs.push(("cursor", cursor));
        format!("/history?{}", query_string(&pairs))
    });
    let joiner = if filter_query.is_empty() { "" } else { "&" };
    let csv = format!("/api/v1/deployments/export?format=csv{joiner}{filter_query}");
    let json = format!("/api/v1/deployments/export?format=json{joiner}{filter_query}");
    let newest = if filter_query.is_empty() {
        "/history".to_owned()
    } else {
        format!("/history?{filter_query}")
    };
    view! {
        <FilterForm filter=page.filter.clone() environments=page.environments.iter().map(|e| e.name.clone()).collect()/>
        <p class="summary">
            <span data-testid="history-total">{page.total}</span>{page.total_capped.then_some("+")} " deployments match. "
            "Export: " <a href=csv download="">"CSV"</a> " · " <a href=json download="">"JSON"</a>
        </p>
        <DeploymentTable rows=page.items/>
        <nav class="pager" aria-label="Pages">
            <a href=newest>"Newest"</a>
            {next.map(|href| view! { <a rel="next" href=href>"Older →"</a> })}
        </nav>
    }
}

#[component]
fn FilterForm(filter: HistoryFilter, environments: Vec<String>) -> impl IntoView {
    let date = |at: Option<crate::domain::Timestamp>, end: bool| {
        at.map(|at| {
            let at = if end {
                crate::domain::Timestamp::from_millis(at.millis() - 86_400_000)
            } else {
                at
            };
            at.to_rfc3339()[..10].to_owned()
        })
        .unwrap_or_default()
    };
    let selected_env = filter.environment.clone().unwrap_or_default();
    let selected_outcome = filter
        .outcome
        .map(|o| o.as_str().to_owned())
        .unwrap_or_default();
    view! {
        <form class="filters" method="get" action="/history">
            <label>"Environment"
                <select name="environment">
                    <option value="">"Any"</option>
                    {environments.into_iter().map(|env| {
                        let selected = env == selected_env;
                        view! { <option value=env.clone() selected=selected>{env.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Build" <input name="build" placeholder="1.4.2" value=filter.build.clone().unwrap_or_default()/></label>
            <label>"User" <input name="user" value=filter.user.clone().unwrap_or_default()/></label>
            <label>"Outcome"
                <select name="outcome">
                    <option value="">"Any"</option>
                    {Outcome::ALL.iter().map(|outcome| {
                        let selected = outcome.as_str() == selected_outcome;
                        view! { <option value=outcome.as_str() selected=selected>{outcome.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"From" <input type="date" name="from" value=date(filter.from, false)/></label>
            <label>"To" <input type="date" name="to" value=date(filter.to, true)/></label>
            <button type="submit">"Filter"</button>
        </form>
    }
}
