//! The Content-Security-Policy. Scripts run only from this origin or when they carry the
//! page's nonce (a fresh random value per response, which Leptos also puts on the inline
//! scripts it writes for resources); WebAssembly may be compiled (`'wasm-unsafe-eval'`, for the
//! hydration bundle) but no string is ever evaluated as script and no inline handler runs.
//! Never framed; no `<base>`, no plugins, forms post only here.

/// The policy, allowing inline scripts that carry `nonce` when there is one.
pub fn policy(nonce: Option<&str>) -> String {
    let inline = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "script-src 'self'{inline} 'wasm-unsafe-eval'; frame-ancestors 'none'; base-uri 'none'; \
         object-src 'none'; form-action 'self'"
    )
}

/// Puts the policy with this response's nonce on the page being rendered (the server's
/// middleware adds the policy without a nonce to every other answer).
#[cfg(feature = "ssr")]
pub fn set_for_page() {
    let nonce = leptos::nonce::use_nonce();
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let value = policy(nonce.as_deref());
        if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
            response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_this_origin_or_the_nonce_and_nothing_inline_is_allowed() {
        let with = policy(Some("abc"));
        assert!(with.starts_with("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!with.contains("unsafe-inline") && !with.contains("'unsafe-eval'"));
        assert!(policy(None).starts_with("script-src 'self' 'wasm-unsafe-eval';"));
    }
}
