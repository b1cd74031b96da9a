//! Admin: the audit log — every change and every refusal, newest first, filterable by actor,
//! action, environment and day, paged by entry id, with the state of its hash chain on top.
//! The filter is a plain GET form, so the page works without JavaScript.

use crate::api::admin::{audit_chain, get_audit};
use crate::domain::day_bounds::DayBounds;
use crate::domain::{AuditEntry, AuditFilter, AuditPage, ChainState};
use crate::ui::components::links::{query_pairs, query_string};
use crate::ui::components::status::{ErrorBox, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// The audit log page.
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let pairs = query_pairs();
    let filter = move || {
        let pairs = pairs();
        AuditFilter::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap_or_default()
    };
    let page = page_resource(pairs, get_audit);
    let chain = page_resource(|| (), |_| audit_chain());
    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <Suspense fallback=|| view! { <p>"Checking the hash chain…"</p> }>
            {move || Suspend::new(async move {
                match chain.await {
                    Ok(state) => view! { <ChainNotice state/> }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
        {move || view! { <FilterForm filter=filter()/> }}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <AuditBody page filter=filter()/> }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChainNotice(state: ChainState) -> impl IntoView {
    let summary = state.summary();
    match state {
        ChainState::Intact { .. } => view! {
            <p class="notice" role="status" data-testid="audit-chain">
                <strong>"Hash chain " </strong>{summary}
            </p>
        }
        .into_erased(),
        ChainState::Broken { .. } => view! {
            <p class="error" role="alert" data-testid="audit-chain">
                <strong>"Hash chain " </strong>{summary}
                ". An entry was changed, removed or inserted outside Greenlight."
            </p>
        }
        .into_erased(),
    }
}

#[component]
fn AuditBody(page: AuditPage, filter: AuditFilter) -> impl IntoView {
    let filter_pairs = filter.to_query();
    let next = page.next_cursor.map(|cursor| {
        let mut pairs = filter_pairs.clone();
        pairs.push(("cursor", cursor.to_string()));
        format!("/admin/audit?{}", query_string(&pairs))
    });
    let newest = match query_string(&filter_pairs) {
        query if query.is_empty() => "/admin/audit".to_owned(),
        query => format!("/admin/audit?{query}"),
    };
    let rows = if page.entries.is_empty() {
        view! { <p class="muted">"No entries match."</p> }.into_erased()
    } else {
        view! {
            <div class="table-wrap">
                <table class="audit">
                    <thead><tr>
                        <th scope="col">"#"</th><th scope="col">"When"</th><th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th><th scope="col">"Target"</th>
                        <th scope="col">"Environment"</th><th scope="col">"From"</th><th scope="col">"Details"</th>
                    </tr></thead>
                    <tbody>{page.entries.into_iter().map(|entry| view! { <AuditRow entry/> }).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_erased()
    };
    view! {
        {rows}
        <nav class="pager" aria-label="Pages">
            <a href=newest>"Newest"</a>
            {next.map(|href| view! { <a rel="next" href=href>"Older →"</a> })}
        </nav>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    view! {
        // The labels let a narrow window show each entry as a card of its own.
        <tr>
            <td data-label="#">{entry.id}</td>
            <td data-label="When"><When at=entry.at/></td>
            <td data-label="Actor">{entry.actor}</td>
            <td data-label="Action"><code>{entry.action}</code></td>
            <td data-label="Target">{entry.target}</td>
            <td data-label="Environment">{entry.environment.unwrap_or_default()}</td>
            <td data-label="From">{entry.address}</td>
            <td data-label="Details" class="details"><code>{entry.details}</code></td>
        </tr>
    }
}

#[component]
fn FilterForm(filter: AuditFilter) -> impl IntoView {
    let days: std::collections::HashMap<&str, String> = DayBounds {
        from: filter.from,
        to: filter.to,
    }
    .to_query()
    .into_iter()
    .collect();
    let day = move |key: &str| days.get(key).cloned().unwrap_or_default();
    view! {
        <form class="filters" method="get" action="/admin/audit">
            <label>"Actor" <input name="actor" placeholder="ana, engine" value=filter.actor.unwrap_or_default()/></label>
            <label>"Action"
                <input name="action" list="audit-actions" placeholder="cloud." value=filter.action.unwrap_or_default()/>
            </label>
            <datalist id="audit-actions">
                {["cloud.", "deployment.", "signoff.", "build.", "session.", "user.", "token.", "request.denied"]
                    .map(|a| view! { <option value=a/> }).collect_view()}
            </datalist>
            <label>"Environment" <input name="environment" value=filter.environment.unwrap_or_default()/></label>
            <label>"From" <input type="date" name="from" value=day("from")/></label>
            <label>"To" <input type="date" name="to" value=day("to")/></label>
            <button type="submit">"Filter"</button>
        </form>
    }
}
