//! Text made safe to place inside HTML or SVG markup and attribute values, for the few places
//! that write markup as text (an SVG chart, a small bounce page, an e-mail's HTML part).

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by their character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_quote_characters_become_references_and_the_rest_stays() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a> — ok"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; — ok"
        );
    }
}
