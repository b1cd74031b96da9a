//! An export streamed a page at a time: each page of the history is read, written out and
//! dropped before the next is read, so memory stays one page however long the history is.

use super::history_csv::{csv_rows, HEADER};
use crate::core::Core;
use app::domain::history::HistoryCursor;
use app::domain::{DeploymentRecord, HistoryFilter};
use app::use_cases::UseCases;
use axum::body::Body;
use futures::stream::{self, StreamExt};

/// Where the stream stands.
enum Next {
    /// This page is ready to be written; more follow from the cursor, if any.
    Page(Vec<DeploymentRecord>, Option<HistoryCursor>),
    /// Every page was written; the closing text remains.
    Close,
    /// Done.
    Done,
}

/// The body of an export whose first page is already read: CSV with its header, or one JSON
/// array.
pub fn stream(
    core: Core,
    filter: HistoryFilter,
    first: (Vec<DeploymentRecord>, Option<HistoryCursor>),
    json: bool,
) -> Body {
    let opening = if json { "[" } else { HEADER }.to_owned();
    let pages = stream::unfold(
        (Next::Page(first.0, first.1), false),
        move |(next, wrote_any)| {
            let (core, filter) = (core.clone(), filter.clone());
            async move {
                match next {
                    Next::Done => None,
                    Next::Close => Some((
                        Ok(if json { "]" } else { "" }.to_owned()),
                        (Next::Done, wrote_any),
                    )),
                    Next::Page(rows, cursor) => {
                        let text = if json {
                            json_items(&rows, wrote_any)
                        } else {
                            csv_rows(&rows)
                        };
                        let wrote_any = wrote_any || !rows.is_empty();
                        let following = match cursor {
                            None => Next::Close,
                            Some(cursor) => match core.export_page(&filter, Some(cursor)).await {
                                Ok((rows, cursor)) => Next::Page(rows, cursor),
                                Err(error) => {
                                    // The answer has begun: all that is left is to cut it short.
                                    tracing::error!(%error, "export stopped");
                                    return Some((
                                        Err(std::io::Error::other("export stopped")),
                                        (Next::Done, wrote_any),
                                    ));
                                }
                            },
                        };
                        Some((Ok(text), (following, wrote_any)))
                    }
                }
            }
        },
    );
    // Fused: a body may be polled once more after its end, which a bare unfold forbids.
    Body::from_stream(stream::once(async move { Ok(opening) }).chain(pages).fuse())
}

/// The rows as JSON array items, with a leading comma when items were written before.
fn json_items(rows: &[DeploymentRecord], after_others: bool) -> String {
    let items: Vec<String> = rows
        .iter()
        .filter_map(|row| serde_json::to_string(row).ok())
        .collect();
    if items.is_empty() {
        return String::new();
    }
    let joined = items.join(",");
    if after_others {
        format!(",{joined}")
    } else {
        joined
    }
}
