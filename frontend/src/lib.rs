//! The wasm entry point: hydrates the server-rendered page and does nothing else.

// The pages' views are types as deep as the page; the browser build monomorphises them here
// and needs more than the default 128 levels.
#![recursion_limit = "256"]

use leptos::prelude::document;
use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the page's module script once the wasm is loaded. Pages are lazily loaded routes,
/// so hydration waits for the page's chunks; when it is done the document is marked
/// `data-hydrated="true"` (the browser tests wait for that mark).
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::ui::App)
            .await
            .forget();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
