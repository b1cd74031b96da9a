//! Links that carry a filter: the page's query as pairs, and pairs as a percent-encoded query
//! string.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The current page's query string as (key, value) pairs, tracked: a page's filter and cursor.
pub fn query_pairs() -> impl Fn() -> Vec<(String, String)> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query
            .read()
            .latest_values()
            .map(|(k, v)| (k.to_string(), v.to_owned()))
            .collect()
    }
}

/// `k=v&k=v`, each value percent-encoded.
pub fn query_string(pairs: &[(&'static str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_percent_encoded_and_pairs_joined() {
        let pairs = [
            ("actor", "a b&c".to_owned()),
            ("action", "cloud.".to_owned()),
        ];
        assert_eq!(query_string(&pairs), "actor=a%20b%26c&action=cloud.");
    }
}
