//! Outcome badges and small formatting helpers. Colour always comes with a text label.

use crate::domain::{Outcome, Timestamp};
use leptos::prelude::*;

/// A coloured badge that also says the outcome in words.
#[component]
pub fn OutcomeBadge(outcome: Outcome) -> impl IntoView {
    let class = format!("badge badge-{}", outcome.as_str());
    view! { <span class=class>{outcome.label()}</span> }
}

/// A timestamp in a `<time>` element, compact text with the full value in `datetime`.
#[component]
pub fn When(at: Timestamp) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339()>{at.to_display()}</time> }
}

/// A banner shown while the database holds seeded demo data.
#[component]
pub fn DemoBanner() -> impl IntoView {
    view! {
        <p class="demo-banner" role="note">
            <strong>"Demo data. "</strong>
            "The builds and deployments below were seeded for a first look, not recorded from a real fleet."
        </p>
    }
}

/// An error message box.
#[component]
pub fn ErrorBox(message: String) -> impl IntoView {
    view! { <p class="error" role="alert">{message}</p> }
}
