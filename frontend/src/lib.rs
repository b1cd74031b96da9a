//! The wasm entry point: hydrates the server-rendered page and does nothing else.

// The pages' views are types as deep as the page; the browser build monomorphises them here
// and needs more than the default 128 levels.
#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the page's module script once the wasm is loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::ui::App);
}
