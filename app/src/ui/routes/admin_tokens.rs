//! Admin: API tokens for CI and automation. A new token's secret is shown once.

use crate::api::admin::{list_tokens, CreateToken, RevokeToken};
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::{ErrorBox, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// Lists, creates and revokes tokens.
#[component]
pub fn AdminTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = page_resource(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let created = move || {
        match create.value().get() {
        Some(Ok(token)) => Some(view! {
            <div class="notice" role="status">
                <p>"Token " <strong>{token.row.name}</strong> " for " {token.row.user} ". Copy it now; it will not be shown again:"</p>
                <pre><code data-testid="new-token">{token.secret}</code></pre>
            </div>
        }.into_erased()),
        Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }.into_erased()),
        None => None,
    }
    };
    view! {
        <Title text="API tokens"/>
        <h1>"API tokens"</h1>
        {created}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">"No tokens yet."</p> }.into_erased(),
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table class="tokens">
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"User"</th><th scope="col">"Created"</th>
                                    <th scope="col">"Last used"</th><th scope="col">"Status"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|token| view! {
                                        <tr>
                                            <td>{token.name}</td>
                                            <td>{token.user}</td>
                                            <td><When at=token.created_at/></td>
                                            <td>{match token.last_used_at {
                                                Some(at) => view! { <When at/> }.into_erased(),
                                                None => view! { <span class="muted">"never"</span> }.into_erased(),
                                            }}</td>
                                            <td>{match token.revoked_at {
                                                Some(at) => view! { <span class="badge badge-failed">"Revoked"</span> " " <When at/> }.into_erased(),
                                                None => view! {
                                                    <PostForm action=revoke read=read_revoke>
                                                        <input type="hidden" name="id" value=token.id/>
                                                        <button type="submit" class="danger">"Revoke"</button>
                                                    </PostForm>
                                                }.into_erased(),
                                            }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
        <h2>"Create a token"</h2>
        <PostForm action=create read=read_create class="stacked">
            <label>"User" <input name="user" required=true/></label>
            <label>"Label" <input name="name" placeholder="ci" required=true/></label>
            <button type="submit">"Create token"</button>
        </PostForm>
    }
}

fn read_create(fields: &Fields) -> Option<CreateToken> {
    Some(CreateToken {
        user: fields.get("user")?,
        name: fields.get("name")?,
    })
}

fn read_revoke(fields: &Fields) -> Option<RevokeToken> {
    Some(RevokeToken {
        id: fields.text("id").trim().parse().ok()?,
    })
}
