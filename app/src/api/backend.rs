//! The port the server implements for the server functions: one method per use-case, plus the
//! request identity the server's middleware attaches to every request.

use crate::domain::history::HistoryCursor;
use crate::domain::views::{
    BuildDetail, BuildPage, CreatedToken, HistoryPage, Overview, Principal, TokenRow, UserRow,
};
use crate::domain::{FieldErrors, HistoryFilter, Permission, Role};
use leptos::prelude::{use_context, ServerFnError};
use std::sync::Arc;

/// Who is asking: the authenticated user (if any) and the client address.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The signed-in user or token owner.
    pub principal: Option<Principal>,
    /// The client's address, for throttling and the audit log.
    pub address: String,
}

/// Why a use-case refused or failed. The text never contains secrets.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BackendError {
    /// Not signed in.
    #[error("sign in required")]
    Unauthenticated,
    /// Signed in without the needed role.
    #[error("your role does not allow this")]
    Forbidden,
    /// Bad input, by field.
    #[error("invalid input: {}", .0.summary())]
    Invalid(FieldErrors),
    /// Nothing with that name.
    #[error("{0} not found")]
    NotFound(String),
    /// Clashes with what exists.
    #[error("{0}")]
    Conflict(String),
    /// Gates of a deployment failed (each with its reason).
    #[error("refused: {}", .0.iter().map(|g| g.reason.as_str()).collect::<Vec<_>>().join("; "))]
    GatesFailed(Vec<crate::domain::gates::Gate>),
    /// Too many failed attempts.
    #[error("{0}")]
    Throttled(String),
    /// Wrong name or password (deliberately vague).
    #[error("wrong name or password")]
    BadCredentials,
    /// Something broke on our side; details are in the server log only.
    #[error("internal error")]
    Internal,
}

impl Identity {
    /// The principal if it holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<&Principal, BackendError> {
        let principal = self
            .principal
            .as_ref()
            .ok_or(BackendError::Unauthenticated)?;
        if principal.role.allows(permission) {
            Ok(principal)
        } else {
            Err(BackendError::Forbidden)
        }
    }
}

/// The use-cases behind the pages.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Environments with their current releases, and builds not yet deployed.
    async fn overview(&self) -> Result<Overview, BackendError>;
    /// Builds, newest first, older than `cursor`.
    async fn builds(&self, cursor: Option<i64>) -> Result<BuildPage, BackendError>;
    /// One build with its deployments.
    async fn build_detail(&self, version: &str) -> Result<BuildDetail, BackendError>;
    /// A page of release history.
    async fn history(
        &self,
        filter: HistoryFilter,
        cursor: Option<HistoryCursor>,
    ) -> Result<HistoryPage, BackendError>;
    /// Checks a password (throttled), and on success starts a fresh session.
    async fn login(
        &self,
        session: tower_sessions::Session,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<Principal, BackendError>;
    /// Ends the session.
    async fn logout(
        &self,
        session: tower_sessions::Session,
        identity: &Identity,
    ) -> Result<(), BackendError>;
    /// Every user.
    async fn users(&self) -> Result<Vec<UserRow>, BackendError>;
    /// Adds a user (admin).
    async fn add_user(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<UserRow, BackendError>;
    /// Every API token.
    async fn tokens(&self) -> Result<Vec<TokenRow>, BackendError>;
    /// Creates a token for `user` (admin); the secret is returned once.
    async fn create_token(
        &self,
        actor: &Principal,
        address: &str,
        user: &str,
        name: &str,
    ) -> Result<CreatedToken, BackendError>;
    /// Revokes a token (admin).
    async fn revoke_token(
        &self,
        actor: &Principal,
        address: &str,
        id: i64,
    ) -> Result<(), BackendError>;
    /// An environment's page: release, fleets, warm window, sign-off, promotion preview.
    async fn environment(
        &self,
        actor: &Principal,
        name: &str,
    ) -> Result<crate::domain::release::EnvironmentPage, BackendError>;
    /// One deployment with its timeline.
    async fn deployment(
        &self,
        id: i64,
    ) -> Result<crate::domain::release::DeploymentDetail, BackendError>;
    /// Records QA's verdict on the build `environment` runs.
    async fn sign_off(
        &self,
        actor: &Principal,
        address: &str,
        environment: &str,
        version: &str,
        verdict: &str,
        notes: &str,
    ) -> Result<crate::domain::signoff::SignOff, BackendError>;
    /// Starts a deployment: `deploy` (with `version`), `promote`, `rollback` or `scale` (with
    /// `desired`).
    async fn start(
        &self,
        actor: &Principal,
        address: &str,
        environment: &str,
        request: crate::domain::release::StartRequest,
    ) -> Result<crate::domain::release::DeploymentDetail, BackendError>;
}

/// The backend, as the server provides it to every request.
pub type SharedBackend = Arc<dyn Backend>;

/// The backend and the identity of the current request.
pub async fn context() -> Result<(SharedBackend, Identity), ServerFnError> {
    let backend = use_context::<SharedBackend>()
        .ok_or_else(|| ServerFnError::new("server misconfigured: no backend"))?;
    let axum::Extension(identity) = leptos_axum::extract::<axum::Extension<Identity>>()
        .await
        .map_err(|_| ServerFnError::new("server misconfigured: no identity"))?;
    Ok((backend, identity))
}

/// Maps a use-case error to what the browser sees.
pub fn to_server_error(error: BackendError) -> ServerFnError {
    ServerFnError::new(error.to_string())
}
