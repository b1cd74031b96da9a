//! Differences as plain lines — `KEY: before → after (note)` — where a whole comparison table
//! would be too much: the promotion confirmation, what QA signs and a sign-off that no longer
//! counts (the lines themselves are `domain::views::what_changes`). One
//! element of text (its lines kept by CSS), so the environment page that shows them stays
//! light: every distinct element costs the page's wasm code.

use leptos::prelude::*;

/// `lines`, one per line, in one element; a secret shows by reference only (the lines never
/// hold values).
#[component]
pub fn Lines(lines: Vec<String>, testid: &'static str) -> impl IntoView {
    view! { <div class="lines" data-testid=testid>{lines.join("\n")}</div> }
}

/// "Config drift: 2 keys changed since the last deployment (A, B)".
pub fn drift_text(keys: &[String]) -> String {
    let n = keys.len();
    format!(
        "Config drift: {n} key{} changed since the last deployment ({})",
        if n == 1 { "" } else { "s" },
        keys.join(", ")
    )
}
