//! Following a started deployment to its page, and showing why an action failed (the live
//! updates themselves come from [`super::live_stream`]).

use crate::domain::views::DeploymentDetail;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

/// Goes to the deployment's page once an action started one.
pub fn follow(
    started: MappedSignal<Option<Result<DeploymentDetail, crate::use_cases::UseCaseError>>>,
) {
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

/// The error of a failed action, if it failed: the gates that refused it as a list, else the
/// error in words. Field reasons show beside their fields (see [`field_error`]).
pub fn action_error<T: Clone + Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, crate::use_cases::UseCaseError>>>,
) -> impl IntoView {
    action_error_besides(value, &[])
}

/// [`action_error`], saying nothing when the action's form shows every refused field's reason
/// beside the field itself (`beside`), so that a reason is not shown twice.
pub fn action_error_besides<T: Clone + Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, crate::use_cases::UseCaseError>>>,
    beside: &'static [&'static str],
) -> impl IntoView {
    move || {
        match value.get() {
        Some(Err(e)) if e.only_about(beside) => None,
        Some(Err(crate::use_cases::UseCaseError::GatesFailed(gates))) => Some(
            view! {
                <div class="error" role="alert" data-testid="refused-gates">
                    <p>"Refused by these gates:"</p>
                    <ul class="gates">
                        {gates.into_iter().map(|g| view! {
                            <li class="gate gate-failed" data-gate=format!("{:?}", g.gate)>"✗ " {g.reason}</li>
                        }).collect_view()}
                    </ul>
                </div>
            }
            .into_erased(),
        ),
        Some(Err(e)) => Some(view! { <super::status::ErrorBox message=e.to_string()/> }.into_erased()),
        _ => None,
    }
    }
}

/// The reason a failed action gives for `field`, shown beside that field.
pub fn field_error<T: Clone + Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, crate::use_cases::UseCaseError>>>,
    field: &'static str,
) -> impl IntoView {
    move || {
        value.get().and_then(|result| result.err()).and_then(|e| {
            e.field(field).map(|reason| {
                view! { <span class="field-error" role="alert" data-field=field>{reason.to_owned()}</span> }
            })
        })
    }
}
