//! Builds: newest first, with where each one got to.

use crate::api::builds::get_builds;
use crate::ui::components::status::{ErrorBox, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The builds list.
#[component]
pub fn BuildsPage() -> impl IntoView {
    let query = use_query_map();
    let cursor = move || {
        query
            .read()
            .get("cursor")
            .and_then(|c| c.parse::<i64>().ok())
    };
    let data = page_resource(cursor, get_builds);
    view! {
        <Title text="Builds"/>
        <h1>"Builds"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) if page.items.is_empty() => view! { <p class="muted">"No builds registered yet."</p> }.into_erased(),
                    Ok(page) => view! {
                        <div class="table-wrap">
                            <table class="builds">
                                <thead><tr>
                                    <th scope="col">"Version"</th>
                                    <th scope="col">"Revision"</th>
                                    <th scope="col">"Artifact"</th>
                                    <th scope="col">"Registered"</th>
                                    <th scope="col">"Reached"</th>
                                </tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|item| {
                                        let build = item.build;
                                        view! {
                                            <tr>
                                                <td><a href=format!("/builds/{}", build.version)>{build.version.to_string()}</a></td>
                                                <td><code>{build.revision.short().to_owned()}</code></td>
                                                <td class="artifact">{build.artifact.describe()}</td>
                                                <td><When at=build.created_at/> " by " {build.registered_by.clone()}</td>
                                                <td>{item.reached.into_iter().map(|env| view! { <span class="env-tag">{env}</span> }).collect_view()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <nav class="pager" aria-label="Pages">
                            <a href="/builds">"Newest"</a>
                            {page.next_cursor.map(|c| view! { <a rel="next" href=format!("/builds?cursor={c}")>"Older →"</a> })}
                        </nav>
                    }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
    }
}
