//! An environment's change control on its page: the freeze (who, when, why; lift it) or a
//! form to freeze it, and the lock (who holds it since when, until when; release or break it)
//! or a form to take it. Plain forms, so they work without JavaScript too.

use super::live::action_error;
use super::post_form::{Fields, PostForm};
use super::status::When;
use crate::api::change_control::{
    FreezeEnvironment, LiftFreeze, LockEnvironment, UnlockEnvironment,
};
use crate::domain::change_control::{Freeze, FreezeSource, Lock};
use crate::domain::{Role, Timestamp};
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

/// The section's actions; the page refetches when one completes.
#[derive(Clone, Copy)]
pub struct ControlActions {
    pub freeze: ServerAction<FreezeEnvironment>,
    pub lift: ServerAction<LiftFreeze>,
    pub lock: ServerAction<LockEnvironment>,
    pub unlock: ServerAction<UnlockEnvironment>,
}

impl ControlActions {
    /// Fresh actions.
    pub fn new() -> Self {
        Self {
            freeze: ServerAction::new(),
            lift: ServerAction::new(),
            lock: ServerAction::new(),
            unlock: ServerAction::new(),
        }
    }

    /// Changes whenever one of them completes.
    pub fn version(&self) -> (usize, usize, usize, usize) {
        (
            self.freeze.version().get(),
            self.lift.version().get(),
            self.lock.version().get(),
            self.unlock.version().get(),
        )
    }
}

impl Default for ControlActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The freeze and the lock of an environment; the forms for those who may change it.
#[component]
pub fn ChangeControl(
    environment: String,
    freeze: Option<Freeze>,
    lock: Option<Lock>,
    /// The viewer's role and user id (none: not signed in).
    viewer: Option<(Role, i64)>,
    actions: ControlActions,
) -> impl IntoView {
    let may_change = viewer.is_some_and(|(role, _)| role >= Role::Engineer);
    let env = environment;
    let freeze_view = match freeze {
        Some(freeze) => {
            let who = match &freeze.source {
                FreezeSource::Config => view! { " (set in the configuration)" }.into_erased(),
                FreezeSource::RunTime { by, at } => {
                    view! { " — frozen by " {by.clone()} " " <When at=Timestamp::from_millis(*at)/> }.into_erased()
                }
                FreezeSource::Window { name, until } => {
                    view! { " — freeze window " {name.clone()} " until " <When at=Timestamp::from_millis(*until)/> }.into_erased()
                }
            };
            let liftable = may_change && matches!(freeze.source, FreezeSource::RunTime { .. });
            let env = env.clone();
            view! {
                <p class="error" role="alert" data-testid="frozen">"Frozen: " {freeze.reason.clone()} {who}</p>
                {liftable.then(|| view! {
                    <PostForm action=actions.lift read=read_lift class="inline">
                        <input type="hidden" name="environment" value=env/>
                        <button type="submit" data-testid="lift-freeze">"Lift the freeze"</button>
                    </PostForm>
                })}
            }
            .into_erased()
        }
        None => may_change
            .then(|| {
                let env = env.clone();
                view! {
                    <PostForm action=actions.freeze read=read_freeze class="inline">
                        <input type="hidden" name="environment" value=env/>
                        <label>"Reason " <input name="reason" required=true maxlength="500" placeholder="incident 42"/></label>
                        <button type="submit" data-testid="freeze">"Freeze"</button>
                    </PostForm>
                }
            })
            .into_erased(),
    };
    let lock_view = match lock {
        Some(lock) => {
            let mine = viewer.is_some_and(|(_, id)| id == lock.holder_id);
            let admin = viewer.is_some_and(|(role, _)| role == Role::Admin);
            let env = env.clone();
            view! {
                <p class="notice" role="status" data-testid="locked">
                    {format!("Locked by {}: {} — since ", lock.holder, lock.reason)}
                    <When at=Timestamp::from_millis(lock.since)/> ", lapses " <When at=Timestamp::from_millis(lock.expires_at)/>
                </p>
                {(mine || admin).then(|| view! {
                    <PostForm action=actions.unlock read=read_unlock class="inline">
                        <input type="hidden" name="environment" value=env/>
                        <input type="hidden" name="break_lock" value=(!mine).to_string()/>
                        <button type="submit" data-testid="unlock">{if mine { "Release the lock" } else { "Break the lock" }}</button>
                    </PostForm>
                })}
            }
            .into_erased()
        }
        None => may_change
            .then(|| {
                view! {
                    <PostForm action=actions.lock read=read_lock class="inline">
                        <input type="hidden" name="environment" value=env.clone()/>
                        <label>"Reason " <input name="reason" required=true maxlength="500" placeholder="investigating incident"/></label>
                        <button type="submit" data-testid="take-lock">"Take the lock"</button>
                    </PostForm>
                }
            })
            .into_erased(),
    };
    view! {
        <section aria-labelledby="control-title" class="change-control">
            <h2 id="control-title">"Change control"</h2>
            {freeze_view}
            {lock_view}
            {action_error(actions.freeze.value())}
            {action_error(actions.lift.value())}
            {action_error(actions.lock.value())}
            {action_error(actions.unlock.value())}
        </section>
    }
}

fn read_freeze(fields: &Fields) -> Option<FreezeEnvironment> {
    Some(FreezeEnvironment {
        environment: fields.get("environment")?,
        reason: fields.text("reason"),
    })
}

fn read_lift(fields: &Fields) -> Option<LiftFreeze> {
    Some(LiftFreeze {
        environment: fields.get("environment")?,
    })
}

fn read_lock(fields: &Fields) -> Option<LockEnvironment> {
    Some(LockEnvironment {
        environment: fields.get("environment")?,
        reason: fields.text("reason"),
    })
}

fn read_unlock(fields: &Fields) -> Option<UnlockEnvironment> {
    Some(UnlockEnvironment {
        environment: fields.get("environment")?,
        break_lock: fields.text("break_lock") == "true",
    })
}
