//! The table of API tokens (an admin's list of all, or a user's own): owner, scopes, expiry,
//! last use and a revoke button; and the form that creates one, with a checkbox per scope.

use crate::domain::views::TokenRow;
use crate::domain::{Scope, Timestamp};
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::When;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Tokens with their scopes, expiry and last use; active ones have a revoke button posting
/// the token's `id` through `revoke`.
#[component]
pub fn TokenTable<S>(
    rows: Vec<TokenRow>,
    revoke: ServerAction<S>,
    read_revoke: fn(&Fields) -> Option<S>,
    now: Timestamp,
) -> impl IntoView
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    if rows.is_empty() {
        return view! { <p class="muted">"No tokens yet."</p> }.into_erased();
    }
    view! {
        <div class="table-wrap">
            <table class="tokens">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"User"</th><th scope="col">"Scopes"</th>
                    <th scope="col">"Created"</th><th scope="col">"Expires"</th>
                    <th scope="col">"Last used"</th><th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|token| {
                        let active = token.active_at(now);
                        view! {
                            <tr data-token=token.id>
                                <td>{token.name}</td>
                                <td>{token.user}</td>
                                <td class="scopes">{token.scopes.to_string()}</td>
                                <td><When at=token.created_at/></td>
                                <td>{match token.expires_at {
                                    Some(at) => view! { <When at/> }.into_erased(),
                                    None => view! { <span class="muted">"never"</span> }.into_erased(),
                                }}</td>
                                <td>{match token.last_used_at {
                                    Some(at) => view! { <When at/> }.into_erased(),
                                    None => view! { <span class="muted">"never"</span> }.into_erased(),
                                }}</td>
                                <td>{match (token.revoked_at, active) {
                                    (Some(at), _) => view! { <span class="badge badge-failed">"Revoked"</span> " " <When at/> }.into_erased(),
                                    (None, false) => view! { <span class="badge">"Expired"</span> }.into_erased(),
                                    (None, true) => view! {
                                        <PostForm action=revoke read=read_revoke>
                                            <input type="hidden" name="id" value=token.id/>
                                            <button type="submit" class="danger">"Revoke"</button>
                                        </PostForm>
                                    }.into_erased(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_erased()
}

/// The scope checkboxes and expiry field of a token form (`read` is ticked to start with).
#[component]
pub fn TokenFields() -> impl IntoView {
    view! {
        <label>"Label" <input name="name" placeholder="ci" required=true autocomplete="off"/></label>
        <fieldset class="scopes">
            <legend>"Scopes (never more than the owner's role allows)"</legend>
            {Scope::ALL.into_iter().map(|scope| view! {
                <label class="check">
                    <input type="checkbox" name=field_of(scope) checked=scope == Scope::Read/>
                    " " {scope.as_str()}
                </label>
            }).collect_view()}
        </fieldset>
        <label>"Expires in (days; empty: never)" <input name="expires_in_days" inputmode="numeric" placeholder="90"/></label>
    }
}

/// The form field of a scope's checkbox.
pub fn field_of(scope: Scope) -> &'static str {
    match scope {
        Scope::Read => "scope_read",
        Scope::BuildsWrite => "scope_builds",
        Scope::SignoffsWrite => "scope_signoffs",
        Scope::Deploy => "scope_deploy",
        Scope::Admin => "scope_admin",
    }
}

/// The ticked checkboxes, as the server function's optional fields, in [`Scope::ALL`] order.
pub fn ticked(fields: &Fields) -> [Option<String>; 5] {
    Scope::ALL.map(|scope| fields.get(field_of(scope)))
}

/// The outcome of creating a token: its secret, shown this once, or why it was refused.
#[component]
pub fn NewTokenNotice(
    result: Signal<
        Option<Result<crate::domain::views::CreatedToken, crate::use_cases::UseCaseError>>,
    >,
) -> impl IntoView {
    move || {
        match result.get() {
        Some(Ok(token)) => Some(view! {
            <div class="notice" role="status">
                <p>"Token " <strong>{token.row.name}</strong> " for " {token.row.user} " (" {token.row.scopes.to_string()} "). Copy it now; it will not be shown again:"</p>
                <pre><code data-testid="new-token">{token.secret}</code></pre>
            </div>
        }.into_erased()),
        Some(Err(e)) => Some(view! { <crate::ui::components::status::ErrorBox message=e.to_string()/> }.into_erased()),
        None => None,
    }
    }
}
