//! Every page as a lazily loaded route. With `cargo leptos build --split` each page's code is a
//! wasm chunk of its own, so a first load fetches the shared code and the one page it shows,
//! not every page of the application (the environment page's fleets and charts alone would
//! otherwise weigh on the overview, and every page on it). The router fetches a page's chunk
//! alongside its data when the user navigates; the server names the chunks of the page it
//! renders so that the browser preloads them with the main module ([`lazy_view_prefix`]).

use super::routes::{
    account::AccountPage, admin_audit::AdminAuditPage, admin_notifications::AdminNotificationsPage,
    admin_tokens::AdminTokensPage, admin_users::AdminUsersPage, build_detail::BuildDetailPage,
    builds::BuildsPage, compare::ComparePage, deployment::DeploymentPage,
    environment::EnvironmentPage, history::HistoryPage, login::LoginPage, overview::OverviewPage,
};
use crate::ui::erased::IntoErased;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// How the split manifest's key for the lazily loaded view of the page at `path` begins
/// (`#[lazy_route]` names it after the route type and adds a hash), `None` for no page. Keep
/// in step with the routes in `ui/mod.rs`.
pub fn lazy_view_prefix(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    Some(match segments.as_slice() {
        [] => "__overview_route_view_",
        ["builds"] => "__builds_route_view_",
        ["builds", _] => "__build_detail_route_view_",
        ["history"] => "__history_route_view_",
        ["compare"] => "__compare_route_view_",
        ["environments", _] => "__environment_route_view_",
        ["deployments", _] => "__deployment_route_view_",
        ["login"] => "__login_route_view_",
        ["account"] => "__account_route_view_",
        ["admin", "users"] => "__admin_users_route_view_",
        ["admin", "tokens"] => "__admin_tokens_route_view_",
        ["admin", "audit"] => "__admin_audit_route_view_",
        ["admin", "notifications"] => "__admin_notifications_route_view_",
        _ => return None,
    })
}

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

/// The Compare page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct CompareRoute;

#[lazy_route]
impl LazyRoute for CompareRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ComparePage/> }.into_erased()
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

/// The admin's Notifications page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct AdminNotificationsRoute;

#[lazy_route]
impl LazyRoute for AdminNotificationsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AdminNotificationsPage/> }.into_erased()
    }
}

/// The Account page, loaded on demand.
#[derive(Debug, Clone, Copy)]
pub struct AccountRoute;

#[lazy_route]
impl LazyRoute for AccountRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AccountPage/> }.into_erased()
    }
}

#[cfg(test)]
mod tests {
    use super::lazy_view_prefix;

    #[test]
    fn every_page_path_names_its_lazy_view_and_other_paths_none() {
        assert_eq!(lazy_view_prefix("/"), Some("__overview_route_view_"));
        assert_eq!(lazy_view_prefix("/compare"), Some("__compare_route_view_"));
        assert_eq!(
            lazy_view_prefix("/environments/prod"),
            Some("__environment_route_view_")
        );
        assert_eq!(
            lazy_view_prefix("/builds/1.2.3"),
            Some("__build_detail_route_view_")
        );
        assert_eq!(
            lazy_view_prefix("/admin/audit/"),
            Some("__admin_audit_route_view_")
        );
        assert_eq!(
            lazy_view_prefix("/admin/notifications"),
            Some("__admin_notifications_route_view_")
        );
        assert_eq!(lazy_view_prefix("/environments"), None);
        assert_eq!(lazy_view_prefix("/nowhere/at/all"), None);
    }
}
