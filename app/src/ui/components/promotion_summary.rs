//! What a promotion would change (build, image or bake, instances, the fleet that goes out,
//! every row that differs from what the target runs and the changes reaching it for the first
//! time) and every gate with its reason, ✓ or ✗ in words as well as colour.

use super::diff_list::DiffList;
use crate::domain::views::PromotionPreview;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

#[component]
pub fn PromotionSummary(preview: PromotionPreview) -> impl IntoView {
    view! {
        <dl class="promotion">
            <dt>"Build"</dt><dd>{format!("{} ({}) from {}", preview.version.clone().unwrap_or_else(|| "none".into()), preview.revision.clone().unwrap_or_default(), preview.from)}</dd>
            <dt>"Image"</dt><dd><code>{preview.image.clone()}</code></dd>
            <dt>"Instances"</dt><dd>{preview.instances}</dd>
            <dt>"Goes out"</dt><dd>{if preview.outgoing.is_empty() { "nothing".to_owned() } else { preview.outgoing.join(", ") }}</dd>
        </dl>
        <h3>"What changes"</h3>
        {if preview.differences.is_empty() {
            view! { <p class="muted">"Nothing differs from what runs now."</p> }.into_erased()
        } else {
            view! { <DiffList rows=preview.differences.clone() testid="promotion-diff"/> }.into_erased()
        }}
        {(!preview.arriving.is_empty()).then(|| view! {
            <p>{format!("{} change(s) reach this environment for the first time:", preview.arriving_total)}</p>
            <ul class="changes" data-testid="arriving">
                {preview.arriving.iter().take(20).map(|c| view! {
                    <li><code>{c.change.revision.short().to_owned()}</code> " " {c.change.summary.clone()}
                        <span class="muted">{format!(" — {} · {}", c.change.author, c.version)}</span></li>
                }).collect_view()}
            </ul>
        })}
        <ul class="gates" aria-label="Gates">
            {preview.gates.iter().map(|g| view! {
                <li class=if g.passed { "gate gate-passed" } else { "gate gate-failed" } data-passed=g.passed.to_string()>
                    {if g.passed { "✓ " } else { "✗ " }} {g.reason.clone()}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_erased()
}
