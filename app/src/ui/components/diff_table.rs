//! The rows of a comparison, section by section: differences first, highlighted and marked in
//! words (added, removed, changed), identical rows folded away under each section; and the
//! changes (commits) between the two builds. Shared by the compare page and the promotion
//! confirmation.

use crate::domain::env_diff::{Change, DiffRow, Section};
use crate::domain::views::{CodeRange, Comparison};
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

/// One row; each cell names its column (`data-label`) for the narrow layout, where a row is a
/// card of labelled lines.
fn row_view(row: DiffRow, left: &str, right: &str) -> impl IntoView {
    let word = row.change.as_str();
    let cell = |label: &str, value: Option<String>| match value {
        Some(text) => {
            view! { <td data-label=label.to_owned()><code>{text}</code></td> }.into_erased()
        }
        None => view! { <td class="muted" data-label=label.to_owned()>"—"</td> }.into_erased(),
    };
    view! {
        <tr class=format!("diff-row diff-{word}") data-key=row.key.clone() data-change=word>
            <th scope="row"><code>{row.key.clone()}</code></th>
            {cell(left, row.left)}
            {cell(right, row.right)}
            <td class="diff-change" data-label="Difference">{word}{row.note.map(|note| view! { <span class="diff-note">{format!(" · {note}")}</span> })}</td>
        </tr>
    }
    .into_erased()
}

fn head(left: &str, right: &str) -> impl IntoView {
    view! {
        <thead><tr>
            <th scope="col">"Key"</th>
            <th scope="col">{left.to_owned()}</th>
            <th scope="col">{right.to_owned()}</th>
            <th scope="col">"Difference"</th>
        </tr></thead>
    }
    .into_erased()
}

/// One section's rows: the differences in a table, identical rows folded under it.
#[component]
fn SectionRows(section: Section, rows: Vec<DiffRow>, left: String, right: String) -> impl IntoView {
    let (same, differ): (Vec<DiffRow>, Vec<DiffRow>) =
        rows.into_iter().partition(|r| r.change == Change::Same);
    let differences = if differ.is_empty() {
        view! { <p class="muted diff-none">"No differences."</p> }.into_erased()
    } else {
        view! {
            <div class="table-wrap">
                <table class="diff">
                    {head(&left, &right)}
                    <tbody>{differ.into_iter().map(|r| row_view(r, &left, &right)).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_erased()
    };
    let identical = (!same.is_empty()).then(|| {
        let count = same.len();
        view! {
            <details class="diff-same">
                <summary>{format!("{count} identical row{}", if count == 1 { "" } else { "s" })}</summary>
                <div class="table-wrap">
                    <table class="diff">
                        {head(&left, &right)}
                        <tbody>{same.into_iter().map(|r| row_view(r, &left, &right)).collect_view()}</tbody>
                    </table>
                </div>
            </details>
        }
        .into_erased()
    });
    view! {
        <section class="diff-section" data-section=section.title()>
            <h2>{section.title()}</h2>
            {differences}
            {identical}
        </section>
    }
    .into_erased()
}

/// The changes between the two builds, linked to the repository when configured.
#[component]
fn ChangeList(
    code: CodeRange,
    commit_url: Option<String>,
    left: String,
    right: String,
) -> impl IntoView {
    if code.ahead_by == 0 {
        return view! { <p class="muted" data-testid="code-range">"Same build on both sides."</p> }
            .into_erased();
    }
    let builds = code.ahead_by.abs();
    let plural = if builds == 1 { "" } else { "s" };
    let changes = code.total_changes;
    let summary = if code.ahead_by > 0 {
        format!("{right} is {builds} build{plural} ahead of {left}, with {changes} change(s) {left} does not have:")
    } else {
        format!("{right} is {builds} build{plural} behind {left}: {changes} change(s) of {left} it does not have:")
    };
    let link = move |revision: String| {
        match &commit_url {
        Some(template) => view! { <a href=template.replace("{revision}", &revision) rel="noopener noreferrer"><code>{revision.chars().take(12).collect::<String>()}</code></a> }.into_erased(),
        None => view! { <code>{revision.chars().take(12).collect::<String>()}</code> }.into_erased(),
    }
    };
    let more = code.total_changes.saturating_sub(code.changes.len());
    view! {
        <p data-testid="code-range">{summary}
            {code.compare_url.clone().map(|url| view! { " " <a href=url rel="noopener noreferrer">"Compare in the repository"</a> })}
        </p>
        <ul class="changes">
            {code.changes.into_iter().map(|item| view! {
                <li>{link(item.change.revision.to_string())} " " {item.change.summary}
                    <span class="muted">{format!(" — {} · {}", item.change.author, item.version)}</span></li>
            }).collect_view()}
        </ul>
        {(more > 0).then(|| view! { <p class="muted">{format!("… and {more} more")}</p> })}
    }
    .into_erased()
}

/// A whole comparison: counts, then code (with its changes), config and infrastructure.
#[component]
pub fn DiffTable(comparison: Comparison) -> impl IntoView {
    let c = comparison.counts;
    let left = comparison.left.title.clone();
    let right = comparison.right.title.clone();
    let mut sections: Vec<(Section, Vec<DiffRow>)> = Vec::new();
    for row in comparison.rows {
        match sections.last_mut() {
            Some((section, rows)) if *section == row.section => rows.push(row),
            _ => sections.push((row.section, vec![row])),
        }
    }
    let code = comparison.code;
    let commit_url = comparison.commit_url;
    view! {
        <p class="diff-counts" data-testid="diff-counts">
            {format!("{} changed · {} added · {} removed · {} same", c.changed, c.added, c.removed, c.same)}
        </p>
        {sections.into_iter().map(|(section, rows)| {
            let changes = (section == Section::Code).then(|| view! { <ChangeList code=code.clone() commit_url=commit_url.clone() left=left.clone() right=right.clone()/> });
            view! {
                <SectionRows section rows left=left.clone() right=right.clone()/>
                {changes}
            }
            .into_erased()
        }).collect_view()}
    }
    .into_erased()
}
