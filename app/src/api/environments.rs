//! The environment page's data, and recording QA's verdict on what an environment runs.

use crate::domain::signoff::SignOff;
use crate::domain::views::EnvironmentPage;
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::contract::{build_ref, environment_ref};
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// An environment's page.
#[server(prefix = "/fn")]
pub async fn get_environment(name: String) -> Result<EnvironmentPage, UseCaseError> {
    let (use_cases, actor, _) = authorised(Permission::Read).await?;
    let environment = environment_ref(&name).map_err(answer)?;
    use_cases
        .environment(&actor, &environment)
        .await
        .map_err(answer)
}

/// QA's verdict on the build an environment runs.
#[server(prefix = "/fn")]
pub async fn record_signoff(
    environment: String,
    version: String,
    verdict: String,
    notes: String,
) -> Result<SignOff, UseCaseError> {
    use crate::domain::signoff_request::SignOffForm;
    let (use_cases, actor, address) = authorised(Permission::SignOff).await?;
    let version = build_ref(&version).map_err(answer)?;
    let form = SignOffForm {
        environment,
        verdict,
        notes,
    };
    use_cases
        .sign_off(&actor, &address, &version, form)
        .await
        .map_err(answer)
}
