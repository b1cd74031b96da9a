//! Server functions of the environment and deployment pages: read them, sign off, deploy,
//! promote, roll back and scale. Each checks the role, then calls one use-case.

#[cfg(feature = "ssr")]
use crate::domain::release::StartRequest;
use crate::domain::release::{DeploymentDetail, EnvironmentPage};
use crate::domain::signoff::SignOff as RecordedSignOff;
use leptos::prelude::*;
use leptos::server;

#[cfg(feature = "ssr")]
use super::backend::{context, to_server_error};
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// An environment's page.
#[server(prefix = "/fn")]
pub async fn get_environment(name: String) -> Result<EnvironmentPage, ServerFnError> {
    let (backend, identity) = context().await?;
    let actor = identity
        .require(Permission::Read)
        .map_err(to_server_error)?;
    backend
        .environment(actor, &name)
        .await
        .map_err(to_server_error)
}

/// A deployment with its live timeline.
#[server(prefix = "/fn")]
pub async fn get_deployment(id: i64) -> Result<DeploymentDetail, ServerFnError> {
    let (backend, identity) = context().await?;
    identity
        .require(Permission::Read)
        .map_err(to_server_error)?;
    backend.deployment(id).await.map_err(to_server_error)
}

/// QA's verdict on the build an environment runs.
#[server(prefix = "/fn")]
pub async fn record_signoff(
    environment: String,
    version: String,
    verdict: String,
    notes: String,
) -> Result<RecordedSignOff, ServerFnError> {
    let (backend, identity) = context().await?;
    let actor = identity
        .require(Permission::SignOff)
        .map_err(to_server_error)?;
    backend
        .sign_off(
            actor,
            &identity.address,
            &environment,
            &version,
            &verdict,
            &notes,
        )
        .await
        .map_err(to_server_error)
}

#[cfg(feature = "ssr")]
async fn start(
    environment: &str,
    request: StartRequest,
) -> Result<DeploymentDetail, ServerFnError> {
    let (backend, identity) = context().await?;
    let actor = identity
        .require(Permission::Deploy)
        .map_err(to_server_error)?;
    backend
        .start(actor, &identity.address, environment, request)
        .await
        .map_err(to_server_error)
}

/// Deploys a build into the first environment.
#[server(prefix = "/fn")]
pub async fn deploy_build(
    environment: String,
    version: String,
) -> Result<DeploymentDetail, ServerFnError> {
    start(&environment, StartRequest::Deploy(version)).await
}

/// Promotes the previous environment's build.
#[server(prefix = "/fn")]
pub async fn promote(environment: String) -> Result<DeploymentDetail, ServerFnError> {
    start(&environment, StartRequest::Promote).await
}

/// Rolls an environment back.
#[server(prefix = "/fn")]
pub async fn roll_back(environment: String) -> Result<DeploymentDetail, ServerFnError> {
    start(&environment, StartRequest::Rollback).await
}

/// Sets an environment's instance count.
#[server(prefix = "/fn")]
pub async fn scale(environment: String, desired: i64) -> Result<DeploymentDetail, ServerFnError> {
    start(&environment, StartRequest::Scale(desired)).await
}
