//! Admin: every API token, with scopes, expiry and last use; tokens are created here for the
//! admin or a service account (a person creates their own on their account page). A new
//! token's secret is shown once.

use crate::api::admin::{list_tokens, CreateToken, RevokeToken};
use crate::domain::Timestamp;
use crate::ui::components::clock::now_ms;
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::ErrorBox;
use crate::ui::components::token_table::{ticked, NewTokenNotice, TokenFields, TokenTable};
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
    let revoked = move || match revoke.value().get() {
        Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }),
        _ => None,
    };
    view! {
        <Title text="API tokens"/>
        <h1>"API tokens"</h1>
        <NewTokenNotice result=Signal::derive(move || create.value().get())/>
        {revoked}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(rows) => view! {
                        <TokenTable rows revoke read_revoke now=Timestamp::from_millis(now_ms())/>
                    }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
        <h2>"Create a token"</h2>
        <p class="muted">"For yourself or a service account. People create their own tokens on their account page."</p>
        <PostForm action=create read=read_create class="stacked">
            <label>"User (you or a service account)" <input name="user" required=true autocomplete="off"/></label>
            <TokenFields/>
            <button type="submit">"Create token"</button>
        </PostForm>
    }
}

fn read_create(fields: &Fields) -> Option<CreateToken> {
    let [scope_read, scope_builds, scope_signoffs, scope_deploy, scope_admin] = ticked(fields);
    Some(CreateToken {
        user: fields.get("user")?,
        name: fields.get("name")?,
        scope_read,
        scope_builds,
        scope_signoffs,
        scope_deploy,
        scope_admin,
        expires_in_days: fields.text("expires_in_days"),
    })
}

fn read_revoke(fields: &Fields) -> Option<RevokeToken> {
    Some(RevokeToken {
        id: fields.text("id").trim().parse().ok()?,
    })
}
