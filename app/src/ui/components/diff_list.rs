//! Differences as a short list — `KEY: before → after (note)` — where a whole comparison table
//! would be too much: the promotion confirmation and a sign-off that no longer counts.

use crate::domain::env_diff::DiffRow;
use leptos::prelude::*;

/// The rows, one line each; a secret shows by reference only (the rows never hold values).
#[component]
pub fn DiffList(rows: Vec<DiffRow>, testid: &'static str) -> impl IntoView {
    let side = |value: Option<String>| value.unwrap_or_else(|| "(none)".into());
    view! {
        <ul class="diff-list" data-testid=testid>
            {rows.into_iter().map(|row| view! {
                <li data-key=row.key.clone() data-change=format!("{:?}", row.change).to_ascii_lowercase()>
                    <code>{row.key.clone()}</code>
                    {format!(": {} → {}", side(row.left), side(row.right))}
                    {row.note.map(|n| view! { <span class="muted">{format!(" ({n})")}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
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
