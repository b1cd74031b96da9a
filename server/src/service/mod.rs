//! Use-cases: what the pages (through server functions) and the REST API both call, through
//! the one [`UseCases`] implementation below. Each mutation writes its audit entry in the same
//! transaction. They run on the [`Core`] (database, settings, cloud, clock), never on the web
//! state.

pub mod acceptance_signoff;
pub mod accounts;
pub mod audit;
pub mod builds;
pub mod change_control;
pub mod compare;
pub mod demo;
pub mod deployments;
pub mod env_side;
pub mod environments;
pub mod gates;
pub mod history;
pub mod live;
pub mod notifications;
pub mod own_account;
pub mod reads;
pub mod releases;
pub mod sandbox_faults;
pub mod schema;
pub mod second_factor;
pub mod secrets;
pub mod sign_in_throttle;
pub mod signing;
pub mod signoffs;
pub mod single_sign_on;
pub mod tokens;
pub mod users;

use crate::core::Core;
use app::domain::change_control::{Freeze, Lock};
use app::domain::fleet_table::InstanceFilter;
use app::domain::history::HistoryCursor;
use app::domain::metric_series::ChartRange;
use app::domain::signoff::SignOff;
use app::domain::signoff_request::SignOffForm;
use app::domain::views::{AccountView, SignInStep, TotpOffer};
use app::domain::views::{
    BuildDetail, BuildPage, ChartsReport, Comparison, CreatedToken, DeliveryLog, DeliveryView,
    DeploymentDetail, EnvironmentPage, EnvironmentStatus, FleetReport, HistoryPage, LedgerEntry,
    Overview, PasswordReset, Principal, PromotionPreview, TokenForm, TokenRow, UserRow,
};
use app::domain::{
    AuditFilter, AuditPage, Build, ChainState, DeploymentRecord, EnvironmentName, HistoryFilter,
    NewBuild, Role, UserKind, Version,
};
use app::use_cases::contract::Registered;
use app::use_cases::{Identity, UseCaseError, UseCases};

/// Logs an internal failure with its cause and answers an opaque internal error: the cause
/// stays in the server log, never in a page or an API answer.
pub fn internal(error: impl std::fmt::Display) -> UseCaseError {
    tracing::error!(error = %error, "internal error");
    UseCaseError::Internal
}

/// Whether the database refused a write for a unique index.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// A unique-index refusal as a conflict saying `message`; anything else is internal.
pub fn conflict_on_unique(error: sqlx::Error, message: String) -> UseCaseError {
    if is_unique_violation(&error) {
        UseCaseError::Conflict(message)
    } else {
        internal(error)
    }
}

#[async_trait::async_trait]
impl UseCases for Core {
    async fn overview(&self) -> Result<Overview, UseCaseError> {
        reads::overview(self).await
    }
    async fn builds(&self, cursor: Option<i64>, limit: i64) -> Result<BuildPage, UseCaseError> {
        reads::builds(self, cursor, limit).await
    }
    async fn build_detail(&self, version: &Version) -> Result<BuildDetail, UseCaseError> {
        reads::build_detail(self, version).await
    }
    async fn register_build(
        &self,
        actor: &Principal,
        address: &str,
        build: NewBuild,
    ) -> Result<(Build, Registered), UseCaseError> {
        builds::register(&self.db, self.clock.as_ref(), actor, address, build).await
    }
    async fn history(
        &self,
        filter: HistoryFilter,
        cursor: Option<HistoryCursor>,
        limit: i64,
    ) -> Result<HistoryPage, UseCaseError> {
        reads::history(self, filter, cursor, limit).await
    }
    async fn export_page(
        &self,
        filter: &HistoryFilter,
        cursor: Option<HistoryCursor>,
    ) -> Result<(Vec<DeploymentRecord>, Option<HistoryCursor>), UseCaseError> {
        history::export_page(self, filter, cursor).await
    }
    async fn login(
        &self,
        session: tower_sessions::Session,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<SignInStep, UseCaseError> {
        accounts::login(self, session, name, password, address).await
    }
    async fn login_code(
        &self,
        session: tower_sessions::Session,
        code: &str,
        address: &str,
    ) -> Result<SignInStep, UseCaseError> {
        second_factor::sign_in_code(self, session, code, address).await
    }
    async fn account(&self, identity: &Identity) -> Result<AccountView, UseCaseError> {
        let actor = identity.require_session()?;
        let totp_enabled = crate::db::second_factor::secret(&self.db, actor.id)
            .await
            .map_err(internal)?
            .is_some();
        Ok(AccountView {
            name: actor.name.clone(),
            role: actor.role,
            must_change_password: identity.must_change_password,
            must_enrol_totp: identity.must_enrol_totp,
            totp_enabled,
            single_sign_on: crate::db::users::by_id(&self.db, actor.id)
                .await
                .map_err(internal)?
                .is_some_and(|account| account.single_sign_on),
            tokens: self.tokens(Some(actor)).await?,
        })
    }
    async fn totp_offer(
        &self,
        actor: &Principal,
        address: &str,
        password: &str,
    ) -> Result<TotpOffer, UseCaseError> {
        second_factor::offer(self, actor, address, password).await
    }
    async fn totp_confirm(
        &self,
        actor: &Principal,
        address: &str,
        code: &str,
    ) -> Result<Vec<String>, UseCaseError> {
        second_factor::confirm(self, actor, address, code).await
    }
    async fn totp_turn_off(
        &self,
        actor: &Principal,
        address: &str,
        code: &str,
    ) -> Result<(), UseCaseError> {
        second_factor::turn_off(self, actor, address, code).await
    }
    async fn logout(
        &self,
        session: tower_sessions::Session,
        identity: &Identity,
    ) -> Result<bool, UseCaseError> {
        accounts::logout(self, session, identity).await
    }
    async fn sign_in_options(
        &self,
        signed_out_of_sso: bool,
    ) -> app::domain::single_sign_on::SignInOptions {
        accounts::sign_in_options(self, signed_out_of_sso).await
    }
    async fn users(&self) -> Result<Vec<UserRow>, UseCaseError> {
        crate::db::users::list(&self.db).await.map_err(internal)
    }
    async fn add_user(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        role: Role,
        kind: UserKind,
        password: &str,
    ) -> Result<UserRow, UseCaseError> {
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        users::add(&self.db, clock, actor, name, role, kind, password).await
    }
    async fn set_user_disabled(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        disable: bool,
    ) -> Result<UserRow, UseCaseError> {
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        users::set_disabled(&self.db, clock, actor, name, disable).await
    }
    async fn set_user_role(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        role: Role,
    ) -> Result<UserRow, UseCaseError> {
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        users::set_role(&self.db, clock, actor, name, role).await
    }
    async fn reset_password(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        chosen: &str,
    ) -> Result<PasswordReset, UseCaseError> {
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        users::reset_password(&self.db, clock, actor, name, chosen).await
    }
    async fn reset_two_factor(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
    ) -> Result<UserRow, UseCaseError> {
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        users::reset_two_factor(&self.db, clock, actor, name).await
    }
    async fn rename_user(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        new_name: &str,
    ) -> Result<UserRow, UseCaseError> {
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        users::rename(&self.db, clock, actor, name, new_name).await
    }
    async fn change_password(
        &self,
        session: tower_sessions::Session,
        actor: &Principal,
        address: &str,
        current: &str,
        new: &str,
    ) -> Result<(), UseCaseError> {
        own_account::change_password(self, session, actor, address, current, new).await
    }
    async fn end_other_sessions(
        &self,
        session: tower_sessions::Session,
        actor: &Principal,
        address: &str,
    ) -> Result<(), UseCaseError> {
        own_account::end_other_sessions(self, session, actor, address).await
    }
    async fn audit(
        &self,
        filter: &AuditFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<AuditPage, UseCaseError> {
        audit::page(self, filter, cursor, limit).await
    }
    async fn audit_chain(&self) -> Result<ChainState, UseCaseError> {
        crate::db::audit_chain::verify(&self.db)
            .await
            .map_err(internal)
    }
    async fn delivery_log(&self, limit: i64) -> Result<DeliveryLog, UseCaseError> {
        notifications::delivery_log(self, limit).await
    }
    async fn send_test_message(
        &self,
        actor: &Principal,
        address: &str,
        channel: &str,
    ) -> Result<DeliveryView, UseCaseError> {
        notifications::send_test_message(self, actor, address, channel).await
    }
    async fn tokens(&self, owner: Option<&Principal>) -> Result<Vec<TokenRow>, UseCaseError> {
        crate::db::tokens::list(&self.db, owner.map(|o| o.id))
            .await
            .map_err(internal)
    }
    async fn create_token(
        &self,
        actor: &Principal,
        address: &str,
        administer: bool,
        form: &TokenForm,
    ) -> Result<CreatedToken, UseCaseError> {
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        tokens::create(&self.db, clock, actor, administer, form).await
    }
    async fn revoke_token(
        &self,
        actor: &Principal,
        address: &str,
        administer: bool,
        id: i64,
    ) -> Result<(), UseCaseError> {
        let owner = (!administer).then_some(actor.id);
        let (clock, actor) = (self.clock.as_ref(), users::Actor::admin(actor, address));
        tokens::revoke(&self.db, clock, actor, owner, id).await
    }
    async fn environment(
        &self,
        actor: &Principal,
        environment: &EnvironmentName,
    ) -> Result<EnvironmentPage, UseCaseError> {
        environments::page(self, actor, environment).await
    }
    async fn environment_statuses(&self) -> Result<Vec<EnvironmentStatus>, UseCaseError> {
        live::statuses(self).await
    }
    async fn fleet(
        &self,
        environment: &EnvironmentName,
        filter: InstanceFilter,
        page: usize,
    ) -> Result<FleetReport, UseCaseError> {
        live::fleet_report(self, environment, filter, page)
    }
    async fn charts(
        &self,
        environment: &EnvironmentName,
        range: ChartRange,
    ) -> Result<ChartsReport, UseCaseError> {
        live::charts(self, environment, range)
    }
    async fn deployment(&self, id: i64) -> Result<DeploymentDetail, UseCaseError> {
        deployments::detail(self, id).await
    }
    async fn sign_off(
        &self,
        actor: &Principal,
        address: &str,
        version: &Version,
        form: SignOffForm,
    ) -> Result<SignOff, UseCaseError> {
        signoffs::record(self, actor, address, version, &form).await
    }
    async fn deploy(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        version: &Version,
        override_reason: Option<&str>,
    ) -> Result<DeploymentDetail, UseCaseError> {
        deployments::deploy(self, actor, address, environment, version, override_reason).await
    }
    async fn signoff_ledger(&self, version: &Version) -> Result<Vec<LedgerEntry>, UseCaseError> {
        signoffs::ledger(self, version).await
    }

    async fn compare(&self, from: &str, to: &str) -> Result<Comparison, UseCaseError> {
        compare::compare(self, from, to).await
    }

    async fn promotion_preview(
        &self,
        actor: &Principal,
        environment: &EnvironmentName,
    ) -> Result<PromotionPreview, UseCaseError> {
        deployments::promotion_preview(self, actor, environment).await
    }
    async fn promote(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        override_reason: Option<&str>,
        confirm_schema_downgrade: bool,
    ) -> Result<DeploymentDetail, UseCaseError> {
        deployments::promote::promote_overriding(
            self,
            actor,
            address,
            environment,
            override_reason,
            confirm_schema_downgrade,
        )
        .await
    }
    async fn freeze_environment(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        reason: &str,
    ) -> Result<Freeze, UseCaseError> {
        change_control::freeze(self, actor, address, environment, reason).await
    }
    async fn lift_freeze(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
    ) -> Result<(), UseCaseError> {
        change_control::lift(self, actor, address, environment).await
    }
    async fn take_lock(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        reason: &str,
    ) -> Result<Lock, UseCaseError> {
        change_control::take_lock(self, actor, address, environment, reason).await
    }
    async fn release_lock(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        break_it: bool,
    ) -> Result<(), UseCaseError> {
        change_control::release_lock(self, actor, address, environment, break_it).await
    }
    async fn rollback(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        to: Option<&Version>,
        confirm_schema_downgrade: bool,
    ) -> Result<DeploymentDetail, UseCaseError> {
        deployments::rollback::rollback_confirming(
            self,
            actor,
            address,
            environment,
            to,
            confirm_schema_downgrade,
        )
        .await
    }
    async fn switch_traffic(
        &self,
        actor: &Principal,
        address: &str,
        id: i64,
    ) -> Result<DeploymentDetail, UseCaseError> {
        deployments::switch_traffic(self, actor, address, id).await
    }
    async fn cancel_deployment(
        &self,
        actor: &Principal,
        address: &str,
        id: i64,
        reason: &str,
    ) -> Result<DeploymentDetail, UseCaseError> {
        deployments::cancel(self, actor, address, id, reason).await
    }
    async fn extend_warm_window(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        by: app::domain::Duration,
    ) -> Result<DeploymentDetail, UseCaseError> {
        deployments::extend_warm_window(self, actor, address, environment, by).await
    }
    async fn scale(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        desired: i64,
    ) -> Result<DeploymentDetail, UseCaseError> {
        deployments::scale(self, actor, address, environment, desired).await
    }
}
