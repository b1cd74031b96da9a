//! The Leptos UI: the HTML shell, the router and the pages.

// #[component] generates prop structs whose fields cannot carry docs.
#[allow(missing_docs)]
pub mod components;
pub mod csp;
pub mod erased;
pub mod page_data;
pub mod pages;
#[allow(missing_docs)]
pub mod routes;

use components::header::Header;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use pages::{
    AdminAuditRoute, AdminTokensRoute, AdminUsersRoute, BuildDetailRoute, BuildsRoute,
    DeploymentRoute, EnvironmentRoute, HistoryRoute, LoginRoute, OverviewRoute,
};

/// Where the hashed site files are served from; the server works them out at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetLinks {
    /// The stylesheet.
    pub css: Option<String>,
    /// The wasm-bindgen JavaScript module.
    pub js: Option<String>,
    /// The wasm module.
    pub wasm: Option<String>,
    /// The loader of the pages' wasm chunks (`__wasm_split.<hash>.js`, a name under `/pkg/`),
    /// when the site was built with `--split`.
    pub chunk_loader: Option<String>,
    /// For each lazily loaded function (a page's view), the chunks it needs (names under
    /// `/pkg/` without `.wasm`): the server preloads those of the page it renders.
    pub chunks: std::collections::HashMap<String, Vec<String>>,
}

/// The whole HTML document around the app, rendered on the server only.
pub fn shell(assets: AssetLinks) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_for_page();
    #[cfg(feature = "ssr")]
    if let Some(loader) = assets.chunk_loader.clone() {
        // Leptos' integration reads this to add a preload link for each chunk the rendered
        // page used, so the browser fetches them beside the main module, not after it.
        provide_context(leptos::WasmSplitManifest(ArcStoredValue::new((
            "/pkg".to_owned(),
            assets.chunks.clone(),
            loader,
        ))));
    }
    let nonce = leptos::nonce::use_nonce();
    let hydration = match (assets.js.clone(), assets.wasm.clone()) {
        (Some(js), Some(wasm)) => {
            let script = format!(
                "import('{js}').then(m => m.default({{module_or_path: '{wasm}'}}).then(() => {{ m.hydrate(); }}));"
            );
            Some(view! {
                <link rel="modulepreload" href=js/>
                <script type="module" nonce=nonce>{script}</script>
            })
        }
        _ => None,
    };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {assets.css.map(|href| view! { <link rel="stylesheet" href=href/> })}
                {hydration}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: header and routed pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|text: String| if text.is_empty() { "Greenlight".to_owned() } else { format!("{text} · Greenlight") }/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
            <main id="main">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view={Lazy::<OverviewRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/builds") view={Lazy::<BuildsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/builds/:version") view={Lazy::<BuildDetailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/history") view={Lazy::<HistoryRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/environments/:name") view={Lazy::<EnvironmentRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deployments/:id") view={Lazy::<DeploymentRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={Lazy::<AdminUsersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tokens") view={Lazy::<AdminTokensRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view={Lazy::<AdminAuditRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// Shown for unknown paths.
#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <h1>"Not found"</h1>
        <p>"There is no page here. " <a href="/">"Go to the overview"</a></p>
    }
}
