//! Admin: users, their kind, role and state, and the lifecycle (add, change role, disable and
//! re-enable, reset password, rename). A generated password is shown once.

use crate::api::admin::{list_users, AddUser};
use crate::domain::views::UserRow;
use crate::domain::Role;
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::{ErrorBox, When};
use crate::ui::components::user_actions::{ManageUser, UserActions};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use crate::use_cases::UseCaseError;
use leptos::prelude::*;
use leptos_meta::Title;

fn done(result: Option<Result<UserRow, UseCaseError>>, what: &'static str) -> Option<AnyView> {
    match result? {
        Ok(user) => Some(
            view! { <p class="notice" role="status">{format!("{} {what}.", user.name)}</p> }
                .into_any(),
        ),
        Err(e) => Some(view! { <ErrorBox message=e.to_string()/> }.into_any()),
    }
}

/// Lists users, adds new ones, and manages each.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let add = ServerAction::<AddUser>::new();
    let actions = UserActions::new();
    let users = page_resource(
        move || (add.version().get(), actions.version()),
        |_| list_users(),
    );
    let outcome = move || {
        let reset = actions.reset.value().get().map(|result| match result {
            Ok(reset) => match reset.generated {
                Some(password) => view! {
                    <div class="notice" role="status">
                        <p>"New password for " <strong>{reset.user}</strong> ". Give it to them now; it will not be shown again, and they must change it when they sign in:"</p>
                        <pre><code data-testid="new-password">{password}</code></pre>
                    </div>
                }.into_any(),
                None => view! { <p class="notice" role="status">{format!("Password of {} reset; they must change it when they sign in.", reset.user)}</p> }.into_any(),
            },
            Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
        });
        [
            done(add.value().get(), "added"),
            done(actions.set_role.value().get(), "has a new role"),
            done(
                actions.disable.value().get(),
                "is disabled: sessions ended, tokens stopped",
            ),
            done(actions.enable.value().get(), "is enabled again"),
            done(actions.rename.value().get(), "is the new name"),
            done(
                actions.reset_two_factor.value().get(),
                "has two-factor sign-in off",
            ),
            reset,
        ]
        .into_iter()
        .flatten()
        .collect_view()
    };
    view! {
        <Title text="Users"/>
        <h1>"Users"</h1>
        {outcome}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table class="users">
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Role"</th>
                                    <th scope="col">"State"</th><th scope="col">"Created"</th><th scope="col">"Actions"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|user| { let row_name = user.name.clone(); view! {
                                        <tr data-user=row_name>
                                            <td>{user.name.clone()}</td>
                                            <td>{user.kind.as_str()}{user.single_sign_on.then_some(" · single sign-on")}</td>
                                            <td>{user.role.as_str()}</td>
                                            <td>{match (user.disabled_at, user.must_change_password) {
                                                (Some(at), _) => view! { <span class="badge badge-failed">"Disabled"</span> " " <When at/> }.into_erased(),
                                                (None, true) => view! { <span class="badge">"Must change password"</span> }.into_erased(),
                                                (None, false) => view! { <span class="muted">"Active"</span> }.into_erased(),
                                            }}{user.totp_enabled.then_some(" · two-factor")}</td>
                                            <td><When at=user.created_at/></td>
                                            <td><ManageUser user=user.clone() actions/></td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
        <h2>"Add a user"</h2>
        <PostForm action=add read=read_add_user class="stacked">
            <label>"Name" <input name="name" required=true autocomplete="off"/></label>
            <label>"Kind"
                <select name="kind">
                    <option value="person">"person: signs in with a password"</option>
                    <option value="service">"service account: owns tokens, never signs in"</option>
                </select>
            </label>
            <label>"Role"
                <select name="role">
                    {Role::ALL.into_iter().map(|role| view! { <option value=role.as_str()>{role.as_str()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Initial password (people: 12+ characters, not a common one; service accounts: leave empty)"
                <input name="password" type="password" autocomplete="new-password"/>
            </label>
            <button type="submit">"Add user"</button>
        </PostForm>
    }
}

fn read_add_user(fields: &Fields) -> Option<AddUser> {
    Some(AddUser {
        name: fields.get("name")?,
        role: fields.get("role")?,
        kind: fields.get("kind")?,
        password: fields.text("password"),
    })
}
