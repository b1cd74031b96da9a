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
    AccountRoute, AdminAuditRoute, AdminNotificationsRoute, AdminTokensRoute, AdminUsersRoute,
    BuildDetailRoute, BuildsRoute, CompareRoute, DeploymentRoute, EnvironmentRoute, HistoryRoute,
    LoginRoute, OverviewRoute,
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
    let chunk_links = page_chunk_links(&assets);
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
                {chunk_links}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Preload links for the loader and the wasm chunks of the page being rendered, so the browser
/// fetches them beside the main module instead of after it has started. Worked out from the
/// request's path (not from Leptos' record of the lazy views that ran, which its integration
/// reads without the page's context and so misses on some requests).
fn page_chunk_links(assets: &AssetLinks) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let path = use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_owned());
    #[cfg(not(feature = "ssr"))]
    let path: Option<String> = None;
    let prefix = path.as_deref().and_then(pages::lazy_view_prefix);
    let chunks = prefix
        .and_then(|prefix| {
            assets
                .chunks
                .iter()
                .find(|(view, _)| view.starts_with(prefix))
                .map(|(_, chunks)| chunks.clone())
        })
        .unwrap_or_default();
    let loader = (!chunks.is_empty())
        .then(|| assets.chunk_loader.clone())
        .flatten();
    view! {
        {loader.map(|js| view! { <link rel="modulepreload" href=format!("/pkg/{js}")/> })}
        {chunks.into_iter().map(|chunk| view! {
            <link rel="preload" href=format!("/pkg/{chunk}.wasm") r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
        }).collect_view()}
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
                    <Route path=path!("/compare") view={Lazy::<CompareRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/environments/:name") view={Lazy::<EnvironmentRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deployments/:id") view={Lazy::<DeploymentRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={Lazy::<AdminUsersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tokens") view={Lazy::<AdminTokensRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view={Lazy::<AdminAuditRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/notifications") view={Lazy::<AdminNotificationsRoute>::new()} ssr=SsrMode::Async/>
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
