//! The signed-in user's account: change the password (required after an admin reset it),
//! end every other session, and one's own API tokens (within one's role).

use crate::api::account::{
    my_account, ChangePassword, CreateMyToken, EndOtherSessions, RevokeMyToken,
};
use crate::domain::Timestamp;
use crate::ui::components::clock::now_ms;
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::ErrorBox;
use crate::ui::components::token_table::{ticked, NewTokenNotice, TokenFields, TokenTable};
use crate::ui::components::two_factor::{TwoFactor, TwoFactorActions};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// The account page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let create = ServerAction::<CreateMyToken>::new();
    let revoke = ServerAction::<RevokeMyToken>::new();
    let two_factor = TwoFactorActions::new();
    let account = page_resource(
        move || {
            (
                change.version().get(),
                create.version().get(),
                revoke.version().get(),
                two_factor.confirm.version().get(),
                two_factor.turn_off.version().get(),
            )
        },
        |_| my_account(),
    );
    let outcome = move || {
        let changed = change.value().get().map(|r| match r {
            Ok(()) => view! { <p class="notice" role="status">"Password changed. Your other sessions have ended."</p> }.into_erased(),
            Err(e) if e.only_about(&["current_password", "new_password"]) => ().into_erased(),
            Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
        });
        let ended = end_others.value().get().map(|r| match r {
            Ok(()) => {
                view! { <p class="notice" role="status">"Every other session has ended."</p> }
                    .into_erased()
            }
            Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
        });
        let revoked = match revoke.value().get() {
            Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }.into_erased()),
            _ => None,
        };
        (changed, ended, revoked)
    };
    let field_error = move |field: &'static str| {
        move || {
            change.value().get().and_then(|r| r.err()).and_then(|e| {
                e.field(field)
                    .map(|reason| view! { <span class="field-error" role="alert">{format!("{}: {reason}", field.replace('_', " "))}</span> })
            })
        }
    };
    let password_section = move || {
        view! {
            <h2>"Change your password"</h2>
            <PostForm action=change read=read_change class="stacked">
                <label>"Current password" <input name="current_password" type="password" autocomplete="current-password" required=true/></label>
                {field_error("current_password")}
                <label>"New password (12+ characters, not a common one)" <input name="new_password" type="password" autocomplete="new-password" required=true minlength="12"/></label>
                {field_error("new_password")}
                <button type="submit">"Change password"</button>
            </PostForm>
        }
    };
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        {outcome}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(me) => view! {
                        <p>"Signed in as " <strong data-testid="account-name">{me.name.clone()}</strong> " (" {me.role.as_str()} ")."</p>
                        {me.must_change_password.then(|| view! {
                            <p class="warning" role="alert" data-testid="must-change">"An admin reset your password. Choose a new one before you go on."</p>
                        })}
                        {me.must_enrol_totp.then(|| view! {
                            <p class="warning" role="alert" data-testid="must-enrol">"Your role requires two-factor sign-in. Set it up below before you go on."</p>
                        })}
                        {if me.single_sign_on {
                            view! {
                                <p class="notice" data-testid="single-sign-on">"You sign in through single sign-on: your password and second factor are kept by the identity provider, and your role follows your groups there."</p>
                            }.into_erased()
                        } else {
                            view! {
                                <TwoFactor enabled=me.totp_enabled actions=two_factor/>
                                {password_section()}
                            }.into_erased()
                        }}
                        <h2>"Your tokens"</h2>
                        <TokenTable rows=me.tokens revoke read_revoke now=Timestamp::from_millis(now_ms())/>
                    }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
        <h2>"Sessions"</h2>
        <PostForm action=end_others read=|_| Some(EndOtherSessions {}) class="inline">
            <button type="submit">"Sign out everywhere else"</button>
        </PostForm>
        <h2>"Create a token"</h2>
        <NewTokenNotice result=Signal::derive(move || create.value().get())/>
        <PostForm action=create read=read_create class="stacked">
            <TokenFields/>
            <button type="submit">"Create token"</button>
        </PostForm>
    }
}

fn read_change(fields: &Fields) -> Option<ChangePassword> {
    Some(ChangePassword {
        current_password: fields.get("current_password")?,
        new_password: fields.get("new_password")?,
    })
}

fn read_create(fields: &Fields) -> Option<CreateMyToken> {
    let [scope_read, scope_builds, scope_signoffs, scope_deploy, scope_admin] = ticked(fields);
    Some(CreateMyToken {
        name: fields.get("name")?,
        scope_read,
        scope_builds,
        scope_signoffs,
        scope_deploy,
        scope_admin,
        expires_in_days: fields.text("expires_in_days"),
    })
}

fn read_revoke(fields: &Fields) -> Option<RevokeMyToken> {
    Some(RevokeMyToken {
        id: fields.text("id").trim().parse().ok()?,
    })
}
