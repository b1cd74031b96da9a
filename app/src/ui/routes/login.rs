//! Sign-in page. A plain form posting to the login server function, so it also works
//! without JavaScript; with two-factor sign-in on, the same page then asks for the code.

use crate::api::auth::{Login, LoginCode};
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::ErrorBox;
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
    let error = move || {
        let failed = if code_step() {
            code.value().get().and_then(Result::err)
        } else {
            login.value().get().and_then(Result::err)
        };
        failed.map(|e| {
            view! { <ErrorBox message=e.to_string().replace("error running server function: ", "")/> }
        })
    };
    view! {
        <Title text="Sign in"/>
        <section class="login">
            <h1>"Sign in to Greenlight"</h1>
            {error}
            <Show
                when=code_step
                fallback=move || view! {
                    <PostForm action=login read=read_login>
                        <input type="hidden" name="next" value=next/>
                        <label>"Name" <input name="name" autocomplete="username" required=true autofocus=true/></label>
                        <label>"Password" <input name="password" type="password" autocomplete="current-password" required=true/></label>
                        <button type="submit">"Sign in"</button>
                    </PostForm>
                }
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
