//! Deploy, promote, roll back and scale from the pages, and one deployment's live page with
//! its switch and cancel.

use crate::domain::views::DeploymentDetail;
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::contract::{build_ref, environment_ref};
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// A deployment with its live timeline.
#[server(prefix = "/fn")]
pub async fn get_deployment(id: i64) -> Result<DeploymentDetail, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    use_cases.deployment(id).await.map_err(answer)
}

/// Deploys a build into the first environment (an admin may override a freeze with a reason).
#[server(prefix = "/fn")]
pub async fn deploy_build(
    environment: String,
    version: String,
    override_reason: Option<String>,
) -> Result<DeploymentDetail, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    if version.trim().is_empty() {
        let mut fields = crate::domain::FieldErrors::new();
        fields.add("build", "required: the version to deploy");
        return Err(answer(UseCaseError::Invalid(fields)));
    }
    let version = build_ref(&version).map_err(answer)?;
    use_cases
        .deploy(
            &actor,
            &address,
            &environment,
            &version,
            override_reason.as_deref(),
        )
        .await
        .map_err(answer)
}

/// Promotes the previous environment's build (an admin may override a freeze with a reason).
#[server(prefix = "/fn")]
pub async fn promote(
    environment: String,
    override_reason: Option<String>,
    confirm_schema_downgrade: Option<bool>,
) -> Result<DeploymentDetail, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    use_cases
        .promote(
            &actor,
            &address,
            &environment,
            override_reason.as_deref(),
            confirm_schema_downgrade.unwrap_or(false),
        )
        .await
        .map_err(answer)
}

/// Rolls an environment back, to the release below the running one or to `to` (a release
/// expecting a lower database schema with `confirm_schema_downgrade`).
#[server(prefix = "/fn")]
pub async fn roll_back(
    environment: String,
    to: Option<String>,
    confirm_schema_downgrade: Option<bool>,
) -> Result<DeploymentDetail, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    let to = match to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Some(crate::domain::Version::parse(text).map_err(|e| {
            let mut fields = crate::domain::FieldErrors::new();
            fields.add("to", e);
            answer(UseCaseError::Invalid(fields))
        })?),
        None => None,
    };
    use_cases
        .rollback(
            &actor,
            &address,
            &environment,
            to.as_ref(),
            confirm_schema_downgrade.unwrap_or(false),
        )
        .await
        .map_err(answer)
}

/// Sets an environment's instance count.
#[server(prefix = "/fn")]
pub async fn scale(environment: String, desired: i64) -> Result<DeploymentDetail, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    use_cases
        .scale(&actor, &address, &environment, desired)
        .await
        .map_err(answer)
}

/// Keeps the environment's old fleet warm `extend_by` longer (`30m`, `2h`).
#[server(prefix = "/fn")]
pub async fn extend_warm(
    environment: String,
    extend_by: String,
) -> Result<DeploymentDetail, UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let environment = environment_ref(&environment).map_err(answer)?;
    let by = crate::domain::Duration::parse(&extend_by).map_err(|reason| {
        let mut fields = crate::domain::FieldErrors::new();
        fields.add("extend_by", reason);
        answer(UseCaseError::Invalid(fields))
    })?;
    use_cases
        .extend_warm_window(&actor, &address, &environment, by)
        .await
        .map_err(answer)
}

/// `action`: `switch` (traffic to a held new fleet) or `cancel` (with `reason`) — one server
/// function for the deployment page's two forms.
#[server(prefix = "/fn")]
pub async fn steer_deployment(
    id: i64,
    action: String,
    reason: Option<String>,
) -> Result<(), UseCaseError> {
    let (use_cases, actor, address) = authorised(Permission::Deploy).await?;
    let done = match action.as_str() {
        "switch" => use_cases.switch_traffic(&actor, &address, id).await,
        "cancel" => {
            let reason = reason.unwrap_or_default();
            use_cases
                .cancel_deployment(&actor, &address, id, &reason)
                .await
        }
        _ => {
            let mut fields = crate::domain::FieldErrors::new();
            fields.add("action", "must be switch or cancel");
            Err(UseCaseError::Invalid(fields))
        }
    };
    done.map(drop).map_err(answer)
}
