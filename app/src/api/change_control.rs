//! Freeze and lift, lock and release (or break) an environment from its page.

use crate::domain::change_control::{Freeze, Lock};
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::contract::environment_ref;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// Freezes an environment with a reason.
#[server(prefix = "/fn")]
pub async fn freeze_environment(
    environment: String,
    reason: String,
) -> Result<Freeze, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    use_cases
        .freeze_environment(&actor, &address, &environment, &reason)
        .await
        .map_err(answer)
}

/// Lifts a person's freeze.
#[server(prefix = "/fn")]
pub async fn lift_freeze(environment: String) -> Result<(), UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    use_cases
        .lift_freeze(&actor, &address, &environment)
        .await
        .map_err(answer)
}

/// Takes (or renews) the environment's lock.
#[server(prefix = "/fn")]
pub async fn lock_environment(environment: String, reason: String) -> Result<Lock, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    use_cases
        .take_lock(&actor, &address, &environment, &reason)
        .await
        .map_err(answer)
}

/// Releases one's lock, or breaks another's (`break_lock`, admins).
#[server(prefix = "/fn")]
pub async fn unlock_environment(environment: String, break_lock: bool) -> Result<(), UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    use_cases
        .release_lock(&actor, &address, &environment, break_lock)
        .await
        .map_err(answer)
}
