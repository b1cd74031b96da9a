//! The page header: navigation and the user menu (name, role, sign out).

use crate::api::auth::current_user;
use crate::api::auth::Logout;
use crate::domain::Role;
use crate::ui::components::post_form::PostForm;
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Site header with navigation; admin links only for admins.
#[component]
pub fn Header() -> impl IntoView {
    // Keyed on the path so that signing in or out (a navigation) refreshes the menu.
    let location = use_location();
    let user = page_resource(move || location.pathname.get(), |_| current_user());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Greenlight"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => {
                            let admin = user.role == Role::Admin;
                            view! {
                                <nav aria-label="Main">
                                    <A href="/">"Overview"</A>
                                    <A href="/builds">"Builds"</A>
                                    <A href="/history">"History"</A>
                                    <A href="/compare">"Compare"</A>
                                    {admin.then(|| view! {
                                        <A href="/admin/users">"Users"</A>
                                        <A href="/admin/tokens">"Tokens"</A>
                                        <A href="/admin/audit">"Audit log"</A>
                                        <A href="/admin/notifications">"Notifications"</A>
                                    })}
                                </nav>
                                <div class="user-menu">
                                    <A href="/account" attr:class="account-link" attr:title="Your account">
                                        <span class="user-name" data-testid="user-name">{user.name.clone()}</span>
                                    </A>
                                    <span class="role">{user.role.as_str()}</span>
                                    <PostForm action=logout read=|_| Some(Logout {})>
                                        <button type="submit" class="link-button">"Sign out"</button>
                                    </PostForm>
                                </div>
                            }
                            .into_erased()
                        }
                        _ => ().into_erased(),
                    }
                })}
            </Suspense>
        </header>
    }
}
