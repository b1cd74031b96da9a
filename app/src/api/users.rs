//! Admin server functions of the user lifecycle: disable, enable, change role, reset
//! password, reset two-factor sign-in, rename. Each names the user by login name.

use crate::domain::views::{PasswordReset, UserRow};
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// Disables a user: their sessions end and their tokens stop working at once.
#[server(prefix = "/fn")]
pub async fn disable_user(name: String) -> Result<UserRow, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .set_user_disabled(&actor, &address, name.trim(), true)
        .await
        .map_err(answer)
}

/// Re-enables a disabled user.
#[server(prefix = "/fn")]
pub async fn enable_user(name: String) -> Result<UserRow, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .set_user_disabled(&actor, &address, name.trim(), false)
        .await
        .map_err(answer)
}

/// Changes a user's role.
#[server(prefix = "/fn")]
pub async fn set_user_role(name: String, role: String) -> Result<UserRow, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    let role = crate::domain::Role::parse(&role).map_err(|e| {
        let mut fields = crate::domain::FieldErrors::new();
        fields.add("role", e);
        answer(UseCaseError::Invalid(fields))
    })?;
    use_cases
        .set_user_role(&actor, &address, name.trim(), role)
        .await
        .map_err(answer)
}

/// Resets a person's password to `password`, or to a generated one (shown once) when empty.
#[server(prefix = "/fn")]
pub async fn reset_password(name: String, password: String) -> Result<PasswordReset, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .reset_password(&actor, &address, name.trim(), &password)
        .await
        .map_err(answer)
}

/// Renames a user.
#[server(prefix = "/fn")]
pub async fn rename_user(name: String, new_name: String) -> Result<UserRow, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .rename_user(&actor, &address, name.trim(), new_name.trim())
        .await
        .map_err(answer)
}

/// Turns a user's two-factor sign-in off (a lost device).
#[server(prefix = "/fn")]
pub async fn reset_two_factor(name: String) -> Result<UserRow, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Administer).await?;
    use_cases
        .reset_two_factor(&actor, &address, name.trim())
        .await
        .map_err(answer)
}
