//! What a promotion would change (build, image or bake, instances, the fleet that goes out,
//! every row that differs from what the target runs and the changes reaching it for the first
//! time) and every gate with its reason, ✓ or ✗ in words as well as colour.

use super::diff_list::Lines;
use crate::domain::views::{promotion_lines, PromotionPreview};
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
        <Lines lines=promotion_lines(&preview.differences, &preview.arriving, preview.arriving_total, "this environment") testid="promotion-diff"/>
        {preview.warnings.iter().map(|w| view! { <p class="warning" role="status" data-testid="promotion-warning">{w.clone()}</p> }).collect_view()}
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
