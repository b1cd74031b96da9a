//! The time as the page shows it: "now" on either side, a clock that moves once a second in
//! the browser (for countdowns and "updated 2 min ago"; it only redraws text and never asks
//! the server anything), and the countdown of a warm window.

use crate::domain::duration::describe_seconds;
use crate::domain::Timestamp;
use leptos::prelude::*;

/// Now, in epoch milliseconds (the browser's clock in the browser, the server's on it).
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// Now, moving once a second in the browser for as long as the page is shown.
pub fn display_clock() -> ReadSignal<i64> {
    let (now, set_now) = signal(now_ms());
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || set_now.set(now_ms()),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    now
}

/// How long ago `at` was, in words ("2m 5s").
pub fn ago(at: Timestamp, now: i64) -> String {
    describe_seconds(((now - at.millis()).max(0) / 1000) as u64)
}

/// From how many seconds before its end a countdown warns that it closes soon.
pub const CLOSING_SOON_SECS: u64 = 600;

/// The time left until `until` ("41m 12s left"), counting down in the browser, warning in its
/// last ten minutes.
#[component]
pub fn Countdown(until: Timestamp) -> impl IntoView {
    let now = display_clock();
    let left = move || ((until.millis() - now.get()).max(0) / 1000) as u64;
    view! {
        <span class="countdown" class:closing-soon=move || left() <= CLOSING_SOON_SECS data-testid="countdown">
            {move || match left() {
                0 => "closing".to_owned(),
                left if left <= CLOSING_SOON_SECS => format!("{} left — closes soon", describe_seconds(left)),
                left => format!("{} left", describe_seconds(left)),
            }}
        </span>
    }
}
