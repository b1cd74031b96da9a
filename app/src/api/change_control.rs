//! Freeze and lift, lock and release (or break) an environment from its page — one server
//! function for the four forms, so the page carries one client for them.

use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::contract::environment_ref;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// `action`: `freeze` or `lock` (with `reason`), `lift`, `release`, or `break` (admins).
#[server(prefix = "/fn")]
pub async fn control_environment(
    environment: String,
    action: String,
    reason: Option<String>,
) -> Result<(), UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    let reason = reason.unwrap_or_default();
    let done = match action.as_str() {
        "freeze" => use_cases
            .freeze_environment(&actor, &address, &environment, &reason)
            .await
            .map(drop),
        "lift" => use_cases.lift_freeze(&actor, &address, &environment).await,
        "lock" => use_cases
            .take_lock(&actor, &address, &environment, &reason)
            .await
            .map(drop),
        "release" => {
            use_cases
                .release_lock(&actor, &address, &environment, false)
                .await
        }
        "break" => {
            use_cases
                .release_lock(&actor, &address, &environment, true)
                .await
        }
        _ => {
            let mut fields = crate::domain::FieldErrors::new();
            fields.add("action", "must be freeze, lift, lock, release or break");
            Err(UseCaseError::Invalid(fields))
        }
    };
    done.map_err(answer)
}
