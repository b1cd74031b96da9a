//! QA's sign-off on what an environment runs: the verdict recorded (and why it no longer
//! counts), and for those who may sign, the form, with each refused field's reason beside it.

use crate::api::environments::RecordSignoff;
use crate::domain::views::EnvironmentPage as Page;
use crate::domain::views::SignoffStatus;
use crate::ui::components::diff_list::Lines;
use crate::ui::components::live::field_error;
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::When;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

#[component]
pub fn SignoffSection(
    page: Page,
    can_sign: bool,
    action: ServerAction<RecordSignoff>,
) -> impl IntoView {
    let env = page.environment.name.clone();
    let compare = page.next_environment.clone().map(|next| {
        (
            format!("/compare?from={next}&to={env}"),
            format!("Compare with what {next} runs"),
        )
    });
    view! {
        <section aria-labelledby="signoff-title">
            <h2 id="signoff-title">"QA sign-off"</h2>
            {match page.signoff.clone() {
                Some(status) => view! {
                    <p data-testid="signoff">
                        {format!("{} by {} ", status.signoff.verdict.as_str(), status.signoff.signed_by)}
                        <When at=status.signoff.signed_at/>
                        {(!status.signoff.notes.is_empty()).then(|| format!(": {}", status.signoff.notes))}
                    </p>

                    {(!status.void_reasons.is_empty()).then(|| view! {
                        <p class="error" role="alert">"No longer counts: " {status.void_reasons.join("; ")}</p>
                    })}
                    <Lines lines=signed_lines(&status) testid="signoff-basis"/>
                }.into_erased(),
                None => view! { <p class="muted">"No sign-off on this release yet."</p> }.into_erased(),
            }}
            {(!page.signing.is_empty()).then(|| view! { <Lines lines=page.signing.clone() testid="signoff-diff"/> })}
            {(can_sign && page.current.is_some()).then(|| {
                let version = page.current.clone().map(|c| c.build_version).unwrap_or_default();
                view! {
                    <PostForm action read=read_signoff class="stacked signoff-form">
                        <input type="hidden" name="environment" value=env.clone()/>
                        <input type="hidden" name="version" value=version.clone()/>
                        <label>"Verdict "
                            <select name="verdict">
                                <option value="approved">"Approve"</option>
                                <option value="rejected">"Reject"</option>
                            </select>
                        </label>
                        <label>"Notes " <textarea name="notes" rows="2" maxlength="2000"></textarea></label>
                        {field_error(action.value(), "notes")}
                        {field_error(action.value(), "verdict")}
                        <button type="submit">{format!("Record sign-off on {version}")}</button>
                    </PostForm>
                }
            })}
            {compare.map(|(href, text)| view! {
                <p><a data-testid="signoff-compare" href=href>{text}</a></p>
            })}
        </section>
    }
    .into_erased()
}

fn read_signoff(fields: &Fields) -> Option<RecordSignoff> {
    Some(RecordSignoff {
        environment: fields.get("environment")?,
        version: fields.get("version")?,
        verdict: fields.get("verdict")?,
        notes: fields.text("notes"),
    })
}

/// The fingerprint signed and, when the sign-off no longer counts, what changed since.
fn signed_lines(status: &SignoffStatus) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(fingerprint) = &status.signoff.fingerprint {
        lines.push(format!(
            "Signed fingerprint {}",
            &fingerprint[..fingerprint.len().min(12)]
        ));
    }
    if !status.changed.is_empty() {
        lines.push("Changed since:".into());
        lines.extend(status.changed.iter().map(|(_, line)| format!("  {line}")));
    }
    lines
}
