//! Sign-in page. A plain form posting to the login server function, so it also works
//! without JavaScript.

use crate::api::auth::Login;
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let error = move || match login.value().get() {
        Some(Err(e)) => Some(
            view! { <ErrorBox message=e.to_string().replace("error running server function: ", "")/> },
        ),
        _ => None,
    };
    view! {
        <Title text="Sign in"/>
        <section class="login">
            <h1>"Sign in to Greenlight"</h1>
            {error}
            <PostForm action=login read=read_login>
                <input type="hidden" name="next" value=next/>
                <label>"Name" <input name="name" autocomplete="username" required=true autofocus=true/></label>
                <label>"Password" <input name="password" type="password" autocomplete="current-password" required=true/></label>
                <button type="submit">"Sign in"</button>
            </PostForm>
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
