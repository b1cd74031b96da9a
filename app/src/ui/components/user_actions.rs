//! The admin's actions on one user, folded under "Manage": change role, disable or re-enable,
//! reset the password (people only), rename. Each is its own form, so each works without
//! JavaScript and by keyboard.

use crate::api::users::{
    DisableUser, EnableUser, RenameUser, ResetPassword, ResetTwoFactor, SetUserRole,
};
use crate::domain::views::UserRow;
use crate::domain::{Role, UserKind};
use crate::ui::components::post_form::{Fields, PostForm};
use leptos::prelude::*;

/// The actions of the users page, shared by every row so one notice reports the last outcome.
#[derive(Clone, Copy)]
pub struct UserActions {
    /// Disable a user.
    pub disable: ServerAction<DisableUser>,
    /// Re-enable a user.
    pub enable: ServerAction<EnableUser>,
    /// Change a role.
    pub set_role: ServerAction<SetUserRole>,
    /// Reset a password.
    pub reset: ServerAction<ResetPassword>,
    /// Rename.
    pub rename: ServerAction<RenameUser>,
    /// Turn two-factor sign-in off.
    pub reset_two_factor: ServerAction<ResetTwoFactor>,
}

impl UserActions {
    /// Fresh actions.
    pub fn new() -> Self {
        Self {
            disable: ServerAction::new(),
            enable: ServerAction::new(),
            set_role: ServerAction::new(),
            reset: ServerAction::new(),
            rename: ServerAction::new(),
            reset_two_factor: ServerAction::new(),
        }
    }

    /// Changes whenever any action completes (to reload the list).
    pub fn version(&self) -> [usize; 6] {
        [
            self.disable.version().get(),
            self.enable.version().get(),
            self.set_role.version().get(),
            self.reset.version().get(),
            self.rename.version().get(),
            self.reset_two_factor.version().get(),
        ]
    }
}

impl Default for UserActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The "Manage" fold of one user's row.
#[component]
pub fn ManageUser(user: UserRow, actions: UserActions) -> impl IntoView {
    let name = user.name;
    let disabled = user.disabled_at.is_some();
    let person = user.kind == UserKind::Person;
    let current = user.role;
    let hidden = |name: &str| view! { <input type="hidden" name="name" value=name.to_owned()/> };
    let role_form = {
        let name = name.clone();
        view! {
            <PostForm action=actions.set_role read=read_role class="inline">
                {hidden(&name)}
                <label>"Role "
                    <select name="role">
                        {Role::ALL.into_iter().map(|role| view! {
                            <option value=role.as_str() selected=role == current>{role.as_str()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit">"Change role"</button>
            </PostForm>
        }
    };
    let state_form = {
        let name = name.clone();
        if disabled {
            view! {
                <PostForm action=actions.enable read=read_enable class="inline">
                    {hidden(&name)}
                    <button type="submit">"Enable"</button>
                </PostForm>
            }
            .into_any()
        } else {
            view! {
                <PostForm action=actions.disable read=read_disable class="inline">
                    {hidden(&name)}
                    <button type="submit" class="danger">"Disable"</button>
                </PostForm>
            }
            .into_any()
        }
    };
    let reset_form = person.then(|| {
        let name = name.clone();
        view! {
            <PostForm action=actions.reset read=read_reset class="inline">
                {hidden(&name)}
                <label>"New password " <input name="password" type="password" autocomplete="new-password" placeholder="empty: generate one"/></label>
                <button type="submit">"Reset password"</button>
            </PostForm>
        }
    });
    let two_factor_form = user.totp_enabled.then(|| {
        let name = name.clone();
        view! {
            <PostForm action=actions.reset_two_factor read=read_reset_two_factor class="inline">
                {hidden(&name)}
                <button type="submit">"Turn off two-factor sign-in"</button>
            </PostForm>
        }
    });
    let rename_form = {
        let name = name.clone();
        view! {
            <PostForm action=actions.rename read=read_rename class="inline">
                {hidden(&name)}
                <label>"New name " <input name="new_name" required=true autocomplete="off"/></label>
                <button type="submit">"Rename"</button>
            </PostForm>
        }
    };
    view! {
        <details class="manage">
            <summary>"Manage " <span class="visually-hidden">{name}</span></summary>
            {role_form}
            {state_form}
            {reset_form}
            {two_factor_form}
            {rename_form}
        </details>
    }
}

fn read_role(fields: &Fields) -> Option<SetUserRole> {
    Some(SetUserRole {
        name: fields.get("name")?,
        role: fields.get("role")?,
    })
}

fn read_disable(fields: &Fields) -> Option<DisableUser> {
    Some(DisableUser {
        name: fields.get("name")?,
    })
}

fn read_enable(fields: &Fields) -> Option<EnableUser> {
    Some(EnableUser {
        name: fields.get("name")?,
    })
}

fn read_reset(fields: &Fields) -> Option<ResetPassword> {
    Some(ResetPassword {
        name: fields.get("name")?,
        password: fields.text("password"),
    })
}

fn read_rename(fields: &Fields) -> Option<RenameUser> {
    Some(RenameUser {
        name: fields.get("name")?,
        new_name: fields.get("new_name")?,
    })
}

fn read_reset_two_factor(fields: &Fields) -> Option<ResetTwoFactor> {
    Some(ResetTwoFactor {
        name: fields.get("name")?,
    })
}
