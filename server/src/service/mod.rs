//! Use-cases: what the pages (through server functions) and the REST API both call. Each
//! mutation writes its audit entry in the same transaction.

pub mod accounts;
pub mod builds;
pub mod demo;
pub mod deployments;
pub mod environments;
pub mod gates;
pub mod reads;
pub mod signoffs;

use crate::state::AppState;
use app::api::backend::{Backend, BackendError, Identity};
use app::domain::history::HistoryCursor;
use app::domain::views::{
    BuildDetail, BuildPage, CreatedToken, HistoryPage, Overview, Principal, TokenRow, UserRow,
};
use app::domain::{HistoryFilter, Role};

/// Maps a database error to an opaque internal error, logging the cause.
pub fn internal(error: impl std::fmt::Display) -> BackendError {
    tracing::error!(error = %error, "internal error");
    BackendError::Internal
}

#[async_trait::async_trait]
impl Backend for AppState {
    async fn overview(&self) -> Result<Overview, BackendError> {
        reads::overview(self).await
    }
    async fn builds(&self, cursor: Option<i64>) -> Result<BuildPage, BackendError> {
        reads::builds(self, cursor, 50).await
    }
    async fn build_detail(&self, version: &str) -> Result<BuildDetail, BackendError> {
        reads::build_detail(self, version).await
    }
    async fn history(
        &self,
        filter: HistoryFilter,
        cursor: Option<HistoryCursor>,
    ) -> Result<HistoryPage, BackendError> {
        reads::history(self, filter, cursor, 50).await
    }
    async fn login(
        &self,
        session: tower_sessions::Session,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<Principal, BackendError> {
        accounts::login(self, session, name, password, address).await
    }
    async fn logout(
        &self,
        session: tower_sessions::Session,
        identity: &Identity,
    ) -> Result<(), BackendError> {
        accounts::logout(self, session, identity).await
    }
    async fn users(&self) -> Result<Vec<UserRow>, BackendError> {
        crate::db::users::list(&self.db).await.map_err(internal)
    }
    async fn add_user(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<UserRow, BackendError> {
        accounts::add_user(&self.db, &actor.name, address, name, role, password).await
    }
    async fn tokens(&self) -> Result<Vec<TokenRow>, BackendError> {
        crate::db::tokens::list(&self.db).await.map_err(internal)
    }
    async fn create_token(
        &self,
        actor: &Principal,
        address: &str,
        user: &str,
        name: &str,
    ) -> Result<CreatedToken, BackendError> {
        accounts::create_token(&self.db, &actor.name, address, user, name).await
    }
    async fn revoke_token(
        &self,
        actor: &Principal,
        address: &str,
        id: i64,
    ) -> Result<(), BackendError> {
        accounts::revoke_token(&self.db, &actor.name, address, id).await
    }
    async fn environment(
        &self,
        actor: &Principal,
        name: &str,
    ) -> Result<app::domain::release::EnvironmentPage, BackendError> {
        environments::page(self, actor, name).await
    }
    async fn deployment(
        &self,
        id: i64,
    ) -> Result<app::domain::release::DeploymentDetail, BackendError> {
        deployments::detail(self, id).await
    }
    async fn sign_off(
        &self,
        actor: &Principal,
        address: &str,
        environment: &str,
        version: &str,
        verdict: &str,
        notes: &str,
    ) -> Result<app::domain::signoff::SignOff, BackendError> {
        signoffs::record(self, actor, address, version, environment, verdict, notes).await
    }
    async fn start(
        &self,
        actor: &Principal,
        address: &str,
        environment: &str,
        request: app::domain::release::StartRequest,
    ) -> Result<app::domain::release::DeploymentDetail, BackendError> {
        use app::domain::release::StartRequest;
        match request {
            StartRequest::Deploy(version) => {
                deployments::deploy(self, actor, address, environment, &version).await
            }
            StartRequest::Promote => deployments::promote(self, actor, address, environment).await,
            StartRequest::Rollback => {
                deployments::rollback(self, actor, address, environment).await
            }
            StartRequest::Scale(desired) => {
                deployments::scale(self, actor, address, environment, desired).await
            }
        }
    }
}
