//! An environment's health at a glance: the badge (in words, never colour alone, with how
//! many instances are healthy) and how fresh it is ("last updated 2m ago" when the cloud
//! stopped answering, instead of showing nothing).

use super::clock::{ago, display_clock};
use crate::domain::views::LiveHealth;
use leptos::prelude::*;

/// The health badge.
#[component]
pub fn HealthBadge(#[prop(into)] live: Signal<LiveHealth>) -> impl IntoView {
    view! {
        {move || {
            let live = live.get();
            let health = live.health;
            let counts = (live.total > 0)
                .then(|| format!(" · {} of {} healthy", live.healthy, live.total));
            view! {
                <p class="env-health" data-testid="env-health" data-health=health.as_str()>
                    <span class=format!("badge health-{}", health.as_str())>{health.label()}</span>
                    <span class="muted">{counts}</span>
                </p>
            }
        }}
        <Freshness live/>
    }
}

/// Says when the health was last read, when that is too long ago or the last read failed.
#[component]
pub fn Freshness(#[prop(into)] live: Signal<LiveHealth>) -> impl IntoView {
    let now = display_clock();
    move || {
        let live = live.get();
        (live.stale || live.last_error.is_some()).then(|| {
            let when = match live.taken_at {
                Some(at) => format!("Last updated {} ago", ago(at, now.get())),
                None => "Not read from the cloud yet".to_owned(),
            };
            let why = match (&live.last_error, live.stale) {
                (Some(_), true) => " — the cloud is not answering; retrying",
                (Some(_), false) => " — the last read failed; retrying",
                (None, _) => "",
            };
            view! {
                <p class="stale" role="status" data-testid="stale" title=live.last_error.clone().unwrap_or_default()>
                    {when}{why}
                </p>
            }
        })
    }
}
