//! The Leptos UI: the HTML shell, the router and the pages.

// #[component] generates prop structs whose fields cannot carry docs.
#[allow(missing_docs)]
pub mod components;
pub mod csp;
#[allow(missing_docs)]
pub mod routes;

use components::header::Header;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use routes::{
    admin_audit, admin_tokens, admin_users, build_detail, builds, deployment, environment, history,
    login, overview,
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
}

/// The whole HTML document around the app, rendered on the server only.
pub fn shell(assets: AssetLinks) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_for_page();
    let nonce = leptos::nonce::use_nonce();
    let hydration = match (assets.js.clone(), assets.wasm.clone()) {
        (Some(js), Some(wasm)) => {
            let script = format!(
                "import('{js}').then(m => m.default({{module_or_path: '{wasm}'}}).then(() => {{ m.hydrate(); document.documentElement.dataset.hydrated = 'true'; }}));"
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
                    <Route path=path!("/") view=overview::OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/builds") view=builds::BuildsPage ssr=SsrMode::Async/>
                    <Route path=path!("/builds/:version") view=build_detail::BuildDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/history") view=history::HistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/environments/:name") view=environment::EnvironmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/deployments/:id") view=deployment::DeploymentPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=login::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=admin_users::AdminUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tokens") view=admin_tokens::AdminTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=admin_audit::AdminAuditPage ssr=SsrMode::Async/>
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
