//! Every page as a lazily loaded route. With `cargo leptos build --split` each page's code is a
//! wasm chunk of its own, so a first load fetches the shared code and the one page it shows,
//! not every page of the application (the environment page's fleets and charts alone would
//! otherwise weigh on the overview, and every page on it). The router fetches a page's chunk
//! alongside its data when the user navigates; the server names the chunks of the page it
//! renders so that the browser preloads them with the main module.

use super::routes::{
    admin_audit::AdminAuditPage, admin_tokens::AdminTokensPage, admin_users::AdminUsersPage,
    build_detail::BuildDetailPage, builds::BuildsPage, deployment::DeploymentPage,
    environment::EnvironmentPage, history::HistoryPage, login::LoginPage, overview::OverviewPage,
};
use crate::ui::erased::IntoErased;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// The Overview page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct OverviewRoute;

#[lazy_route]
impl LazyRoute for OverviewRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <OverviewPage/> }.into_erased()
    }
}

/// The Builds page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct BuildsRoute;

#[lazy_route]
impl LazyRoute for BuildsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <BuildsPage/> }.into_erased()
    }
}

/// The BuildDetail page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct BuildDetailRoute;

#[lazy_route]
impl LazyRoute for BuildDetailRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <BuildDetailPage/> }.into_erased()
    }
}

/// The History page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct HistoryRoute;

#[lazy_route]
impl LazyRoute for HistoryRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <HistoryPage/> }.into_erased()
    }
}

/// The Environment page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct EnvironmentRoute;

#[lazy_route]
impl LazyRoute for EnvironmentRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <EnvironmentPage/> }.into_erased()
    }
}

/// The Deployment page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct DeploymentRoute;

#[lazy_route]
impl LazyRoute for DeploymentRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <DeploymentPage/> }.into_erased()
    }
}

/// The Login page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage/> }.into_erased()
    }
}

/// The AdminUsers page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct AdminUsersRoute;

#[lazy_route]
impl LazyRoute for AdminUsersRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AdminUsersPage/> }.into_erased()
    }
}

/// The AdminTokens page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct AdminTokensRoute;

#[lazy_route]
impl LazyRoute for AdminTokensRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AdminTokensPage/> }.into_erased()
    }
}

/// The AdminAudit page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct AdminAuditRoute;

#[lazy_route]
impl LazyRoute for AdminAuditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AdminAuditPage/> }.into_erased()
    }
}
