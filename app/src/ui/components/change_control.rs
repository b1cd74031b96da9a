//! An environment's change control on its page: the freeze (who, when, why; lift it) or a
//! form to freeze it, and the lock (who holds it since when, until when; release or break it)
//! or a form to take it. Plain forms, so they work without JavaScript too.

use super::live::action_error;
use super::post_form::{Fields, PostForm};
use super::status::When;
use crate::api::change_control::ControlEnvironment;
use crate::domain::change_control::{Freeze, FreezeSource, Lock};
use crate::domain::{Role, Timestamp};
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

/// The section's one action (each form says which).
pub type ControlAction = ServerAction<ControlEnvironment>;

/// The freeze and the lock of an environment; the forms for those who may change it.
#[component]
pub fn ChangeControl(
    environment: String,
    freeze: Option<Freeze>,
    lock: Option<Lock>,
    /// The viewer's role and user id (none: not signed in).
    viewer: Option<(Role, i64)>,
    action: ControlAction,
) -> impl IntoView {
    let may_change = viewer.is_some_and(|(role, _)| role >= Role::Engineer);
    let (frozen, locked) = (freeze.is_some(), lock.is_some());
    let env = environment;
    let freeze_view = match freeze {
        Some(freeze) => {
            let who = match freeze.source {
                FreezeSource::Config => view! { " (set in the configuration)" }.into_erased(),
                FreezeSource::RunTime => {
                    view! { " — frozen by " {freeze.by.clone()} " " <When at=Timestamp::from_millis(freeze.at.unwrap_or_default())/> }.into_erased()
                }
                FreezeSource::Window => {
                    view! { " — freeze window " {freeze.window.clone()} " until " <When at=Timestamp::from_millis(freeze.until.unwrap_or_default())/> }.into_erased()
                }
            };
            let liftable = may_change && freeze.source == FreezeSource::RunTime;
            let env = env.clone();
            view! {
                <p class="error" role="alert" data-testid="frozen">"Frozen: " {freeze.reason.clone()} {who}</p>
                {liftable.then(|| view! {
                    <PostForm action=action read=read_control class="inline">
                        <input type="hidden" name="environment" value=env/>
                        <input type="hidden" name="action" value="lift"/>
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
                    <PostForm action=action read=read_control class="inline">
                        <input type="hidden" name="environment" value=env/>
                        <input type="hidden" name="action" value="freeze"/>
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
                    <PostForm action=action read=read_control class="inline">
                        <input type="hidden" name="environment" value=env/>
                        <input type="hidden" name="action" value=if mine { "release" } else { "break" }/>
                        <button type="submit" data-testid="unlock">{if mine { "Release the lock" } else { "Break the lock" }}</button>
                    </PostForm>
                })}
            }
            .into_erased()
        }
        None => may_change
            .then(|| {
                view! {
                    <PostForm action=action read=read_control class="inline">
                        <input type="hidden" name="environment" value=env.clone()/>
                        <input type="hidden" name="action" value="lock"/>
                        <label>"Reason " <input name="reason" required=true maxlength="500" placeholder="investigating incident"/></label>
                        <button type="submit" data-testid="take-lock">"Take the lock"</button>
                    </PostForm>
                }
            })
            .into_erased(),
    };
    // Nothing frozen or locked: the forms stay folded, and those who may not change anything
    // see no section at all.
    let quiet = !frozen && !locked;
    (may_change || !quiet).then(|| {
        let body = view! { {freeze_view} {lock_view} {action_error(action.value())} };
        view! {
            <section aria-labelledby="control-title" class="change-control">
                <h2 id="control-title">"Change control"</h2>
                {if quiet {
                    view! { <details><summary data-testid="change-control">"Freeze or lock this environment…"</summary>{body}</details> }.into_erased()
                } else {
                    body.into_erased()
                }}
            </section>
        }
    })
}

fn read_control(fields: &Fields) -> Option<ControlEnvironment> {
    Some(ControlEnvironment {
        environment: fields.get("environment")?,
        action: fields.get("action")?,
        reason: fields.get("reason"),
    })
}
