//! Live pages: a counter that ticks every few seconds in the browser (never on the server),
//! for resources that should refetch while something is moving, and following a started
//! deployment to its page.

use crate::domain::release::DeploymentDetail;
use leptos::prelude::*;

/// A signal bumped every `millis` in the browser, for as long as the page is shown.
pub fn ticker(millis: u64) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || tick.update(|n| *n = n.wrapping_add(1)),
            std::time::Duration::from_millis(millis),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}

/// Goes to the deployment's page once an action started one.
pub fn follow(started: MappedSignal<Option<Result<DeploymentDetail, ServerFnError>>>) {
    Effect::new(move |_| {
        if let Some(Ok(detail)) = started.get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(
                &format!("/deployments/{}", detail.record.id),
                Default::default(),
            );
        }
    });
}

/// The error of a failed action, if it failed.
pub fn action_error<T: Clone + Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, ServerFnError>>>,
) -> impl IntoView {
    move || match value.get() {
        Some(Err(e)) => Some(view! { <super::status::ErrorBox message=e.to_string()/> }),
        _ => None,
    }
}
