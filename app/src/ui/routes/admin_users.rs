//! Admin: users and their roles.

use crate::api::admin::{list_users, AddUser};
use crate::domain::Role;
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::{ErrorBox, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// Lists users and adds new ones.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let add = ServerAction::<AddUser>::new();
    let users = page_resource(move || add.version().get(), |_| list_users());
    let outcome = move || {
        match add.value().get() {
        Some(Ok(user)) => Some(view! { <p class="notice" role="status">"Added " {user.name} " (" {user.role.as_str()} ")."</p> }.into_erased()),
        Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }.into_erased()),
        None => None,
    }
    };
    view! {
        <Title text="Users"/>
        <h1>"Users"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table class="users">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Created"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|user| view! {
                                        <tr><td>{user.name}</td><td>{user.role.as_str()}</td><td><When at=user.created_at/></td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
        <h2>"Add a user"</h2>
        {outcome}
        <PostForm action=add read=read_add_user class="stacked">
            <label>"Name" <input name="name" required=true/></label>
            <label>"Role"
                <select name="role">
                    {Role::ALL.into_iter().map(|role| view! { <option value=role.as_str()>{role.as_str()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Initial password (12+ characters)" <input name="password" type="password" autocomplete="new-password" required=true/></label>
            <button type="submit">"Add user"</button>
        </PostForm>
    }
}

fn read_add_user(fields: &Fields) -> Option<AddUser> {
    Some(AddUser {
        name: fields.get("name")?,
        role: fields.get("role")?,
        password: fields.get("password")?,
    })
}
