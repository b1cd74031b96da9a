//! Sign-in page. A plain form posting to the login server function, so it also works
//! without JavaScript; with two-factor sign-in on, the same page then asks for the code.
//! With single sign-on configured, a link sends the browser to the identity provider; a
//! refused single sign-on comes back here with its reason (`?sso=no-role`), and signing out of
//! a single sign-on session offers the provider's own sign-out (`?signed_out=sso`).

use crate::api::auth::{query_value, sign_in_choices, Login, LoginCode};
use crate::domain::single_sign_on::SsoRefusal;
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::ErrorBox;
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in form, or the code form after a password that checked out.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let code = ServerAction::<LoginCode>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let code_step = move || query.read().get("step").as_deref() == Some("code");
    let signed_out_of_sso = move || query.read().get("signed_out").as_deref() == Some("sso");
    let options = page_resource(signed_out_of_sso, sign_in_choices);
    let error = move || {
        let failed = if code_step() {
            code.value().get().and_then(Result::err)
        } else {
            login.value().get().and_then(Result::err)
        };
        let failed = failed.map(|e| e.to_string().replace("error running server function: ", ""));
        let refused = query
            .read()
            .get("sso")
            .and_then(|c| SsoRefusal::from_code(&c))
            .map(|r| r.message().to_owned());
        failed
            .or(refused)
            .map(|message| view! { <ErrorBox message=message/> })
    };
    let password_form = move || {
        view! {
            <PostForm action=login read=read_login>
                <input type="hidden" name="next" value=next/>
                <label>"Name" <input name="name" autocomplete="username" required=true autofocus=true/></label>
                <label>"Password" <input name="password" type="password" autocomplete="current-password" required=true/></label>
                <button type="submit">"Sign in"</button>
            </PostForm>
        }
    };
    let choices = move || {
        Suspend::new(async move {
            let options = options.await.unwrap_or_default();
            let signed_out = signed_out_of_sso().then(|| {
                let provider = options.provider_sign_out.clone().map(|url| {
                    view! { " " <a href=url data-testid="provider-sign-out">"Sign out of the identity provider too"</a> }
                });
                view! { <p class="notice" role="status">"You are signed out of Greenlight." {provider}</p> }
            });
            let sso = options.single_sign_on.clone().map(|label| {
                let href = format!("/auth/oidc/login?next={}", query_value(&next()));
                view! { <p><a class="button sso" href=href rel="external">{format!("Sign in with {label}")}</a></p> }
            });
            let divider = (sso.is_some() && options.password)
                .then(|| view! { <p class="or">"or with your Greenlight password"</p> });
            let form = options.password.then(password_form);
            view! { {signed_out} {sso} {divider} {form} }.into_erased()
        })
    };
    view! {
        <Title text="Sign in"/>
        <section class="login">
            <h1>"Sign in to Greenlight"</h1>
            {error}
            <Show
                when=code_step
                fallback=move || view! { <Suspense fallback=|| ()>{choices}</Suspense> }
            >
                <PostForm action=code read=read_code>
                    <input type="hidden" name="next" value=next/>
                    <label>"Code from your authenticator app (or a recovery code)"
                        <input name="code" autocomplete="one-time-code" required=true autofocus=true/>
                    </label>
                    <button type="submit">"Verify"</button>
                </PostForm>
                <p><a href="/login">"Start again"</a></p>
            </Show>
        </section>
    }
}

fn read_login(fields: &Fields) -> Option<Login> {
    Some(Login {
        name: fields.get("name")?,
        password: fields.get("password")?,
        next: fields.get("next").filter(|next| !next.is_empty()),
    })
}

fn read_code(fields: &Fields) -> Option<LoginCode> {
    Some(LoginCode {
        code: fields.get("code")?,
        next: fields.get("next").filter(|next| !next.is_empty()),
    })
}
