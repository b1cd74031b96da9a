//! The use-case contract: one method per command or query, implemented by the server and
//! reached by both the pages (through server functions) and the REST API, so the two can never
//! drift apart. Arguments are typed (an environment is an [`EnvironmentName`], a build a
//! [`Version`]), so a swapped pair does not compile.

use super::{Identity, UseCaseError};
use crate::domain::change_control::{Freeze, Lock};
use crate::domain::fleet_table::InstanceFilter;
use crate::domain::history::HistoryCursor;
use crate::domain::metric_series::ChartRange;
use crate::domain::signoff::SignOff;
use crate::domain::signoff_request::SignOffForm;
use crate::domain::single_sign_on::SignInOptions;
use crate::domain::views::{AccountView, SignInStep, TotpOffer};
use crate::domain::views::{
    BuildDetail, BuildPage, ChartsReport, Comparison, CreatedToken, DeliveryLog, DeliveryView,
    DeploymentDetail, EnvironmentPage, EnvironmentStatus, FleetReport, HistoryPage, LedgerEntry,
    Overview, PasswordReset, Principal, PromotionPreview, TokenForm, TokenRow, UserRow,
};
use crate::domain::{
    AuditFilter, AuditPage, Build, ChainState, DeploymentRecord, Duration, EnvironmentName,
    HistoryFilter, NewBuild, Role, UserKind, Version,
};
use std::sync::Arc;

/// Whether registering a build created it or found the identical build already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// A new build.
    Created,
    /// The same version with the same content was already registered.
    AlreadyThere,
}

/// The use-cases, as the server implements them.
#[async_trait::async_trait]
pub trait UseCases: Send + Sync + 'static {
    /// Environments with their current releases, and builds not yet deployed.
    async fn overview(&self) -> Result<Overview, UseCaseError>;
    /// Builds, newest first, older than `cursor`, `limit` of them.
    async fn builds(&self, cursor: Option<i64>, limit: i64) -> Result<BuildPage, UseCaseError>;
    /// One build with its deployments.
    async fn build_detail(&self, version: &Version) -> Result<BuildDetail, UseCaseError>;
    /// Registers a build from CI (idempotent for identical content).
    async fn register_build(
        &self,
        actor: &Principal,
        address: &str,
        build: NewBuild,
    ) -> Result<(Build, Registered), UseCaseError>;
    /// A page of release history, `limit` rows.
    async fn history(
        &self,
        filter: HistoryFilter,
        cursor: Option<HistoryCursor>,
        limit: i64,
    ) -> Result<HistoryPage, UseCaseError>;
    /// One page of an export: deployments matching `filter`, newest first, older than
    /// `cursor`, and the cursor of the next page (none after the last). Exports are streamed
    /// page by page, never held whole.
    async fn export_page(
        &self,
        filter: &HistoryFilter,
        cursor: Option<HistoryCursor>,
    ) -> Result<(Vec<DeploymentRecord>, Option<HistoryCursor>), UseCaseError>;
    /// Checks a password (throttled); on success starts a fresh session, or, with two-factor
    /// sign-in on, awaits the code.
    async fn login(
        &self,
        session: tower_sessions::Session,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<SignInStep, UseCaseError>;
    /// Checks the second-factor code (or a recovery code) after the password; starts the session.
    async fn login_code(
        &self,
        session: tower_sessions::Session,
        code: &str,
        address: &str,
    ) -> Result<SignInStep, UseCaseError>;
    /// The signed-in user's own account page (what they must do first is the identity's).
    async fn account(&self, identity: &Identity) -> Result<AccountView, UseCaseError>;
    /// Offers a secret for two-factor sign-in, once the actor's current password checks out.
    async fn totp_offer(
        &self,
        actor: &Principal,
        address: &str,
        password: &str,
    ) -> Result<TotpOffer, UseCaseError>;
    /// Confirms two-factor sign-in with a first code; returns the recovery codes, once.
    async fn totp_confirm(
        &self,
        actor: &Principal,
        address: &str,
        code: &str,
    ) -> Result<Vec<String>, UseCaseError>;
    /// Turns two-factor sign-in off, given a current code.
    async fn totp_turn_off(
        &self,
        actor: &Principal,
        address: &str,
        code: &str,
    ) -> Result<(), UseCaseError>;
    /// Ends the session; true when it was begun through single sign-on.
    async fn logout(
        &self,
        session: tower_sessions::Session,
        identity: &Identity,
    ) -> Result<bool, UseCaseError>;
    /// What the sign-in page offers: single sign-on, the password form, and (after signing
    /// out of a single sign-on session) the provider's end-session URL.
    async fn sign_in_options(&self, signed_out_of_sso: bool) -> SignInOptions;
    /// Every user.
    async fn users(&self) -> Result<Vec<UserRow>, UseCaseError>;
    /// Adds a person (with a password) or a service account (without) (admin).
    async fn add_user(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        role: Role,
        kind: UserKind,
        password: &str,
    ) -> Result<UserRow, UseCaseError>;
    /// Disables (ending sessions, stopping tokens) or re-enables a user (admin).
    async fn set_user_disabled(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        disable: bool,
    ) -> Result<UserRow, UseCaseError>;
    /// Changes a user's role (admin).
    async fn set_user_role(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        role: Role,
    ) -> Result<UserRow, UseCaseError>;
    /// Resets a person's password to `chosen` or, when empty, a generated one (admin).
    async fn reset_password(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        chosen: &str,
    ) -> Result<PasswordReset, UseCaseError>;
    /// Turns a user's two-factor sign-in off (admin).
    async fn reset_two_factor(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
    ) -> Result<UserRow, UseCaseError>;
    /// Renames a user (admin).
    async fn rename_user(
        &self,
        actor: &Principal,
        address: &str,
        name: &str,
        new_name: &str,
    ) -> Result<UserRow, UseCaseError>;
    /// Every API token (`owner` none, admin) or the tokens of `owner`.
    async fn tokens(&self, owner: Option<&Principal>) -> Result<Vec<TokenRow>, UseCaseError>;
    /// Creates a token: for the actor, or (when `administer`) for a service account; the
    /// secret is returned once.
    async fn create_token(
        &self,
        actor: &Principal,
        address: &str,
        administer: bool,
        form: &TokenForm,
    ) -> Result<CreatedToken, UseCaseError>;
    /// Revokes a token: any (when `administer`), else only one of the actor's own.
    async fn revoke_token(
        &self,
        actor: &Principal,
        address: &str,
        administer: bool,
        id: i64,
    ) -> Result<(), UseCaseError>;
    /// Changes the actor's own password (the current one required); other sessions end.
    async fn change_password(
        &self,
        session: tower_sessions::Session,
        actor: &Principal,
        address: &str,
        current: &str,
        new: &str,
    ) -> Result<(), UseCaseError>;
    /// Ends every other session of the actor.
    async fn end_other_sessions(
        &self,
        session: tower_sessions::Session,
        actor: &Principal,
        address: &str,
    ) -> Result<(), UseCaseError>;
    /// An environment's page: release, fleets, warm window, sign-off, promotion preview.
    async fn environment(
        &self,
        actor: &Principal,
        environment: &EnvironmentName,
    ) -> Result<EnvironmentPage, UseCaseError>;
    /// Every environment at a glance (release, live health, sign-off, frozen, warm window),
    /// in pipeline order.
    async fn environment_statuses(&self) -> Result<Vec<EnvironmentStatus>, UseCaseError>;
    /// An environment's fleets as last read, each with page `page` (from 1) of the
    /// instances `filter` keeps.
    async fn fleet(
        &self,
        environment: &EnvironmentName,
        filter: InstanceFilter,
        page: usize,
    ) -> Result<FleetReport, UseCaseError>;
    /// An environment's charts of `range` as last read.
    async fn charts(
        &self,
        environment: &EnvironmentName,
        range: ChartRange,
    ) -> Result<ChartsReport, UseCaseError>;
    /// One deployment with its timeline.
    async fn deployment(&self, id: i64) -> Result<DeploymentDetail, UseCaseError>;
    /// Every sign-off of `version`, newest first, with whether it counts and why not.
    async fn signoff_ledger(&self, version: &Version) -> Result<Vec<LedgerEntry>, UseCaseError>;
    /// Records QA's verdict on `version`, which the form's environment must run.
    async fn sign_off(
        &self,
        actor: &Principal,
        address: &str,
        version: &Version,
        form: SignOffForm,
    ) -> Result<SignOff, UseCaseError>;
    /// Deploys `version` into the first environment of the pipeline; an admin may override a
    /// freeze by giving `override_reason`.
    async fn deploy(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        version: &Version,
        override_reason: Option<&str>,
    ) -> Result<DeploymentDetail, UseCaseError>;
    /// What differs between `from` and `to`, each an environment (as it is now) or a
    /// deployment id (as it was accepted).
    async fn compare(&self, from: &str, to: &str) -> Result<Comparison, UseCaseError>;
    /// What promoting into `environment` would change, with every gate.
    async fn promotion_preview(
        &self,
        actor: &Principal,
        environment: &EnvironmentName,
    ) -> Result<PromotionPreview, UseCaseError>;
    /// Promotes the build the previous environment runs into `environment`; an admin may
    /// override a freeze by giving `override_reason`.
    async fn promote(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        override_reason: Option<&str>,
        confirm_schema_downgrade: bool,
    ) -> Result<DeploymentDetail, UseCaseError>;
    /// Freezes `environment` with a reason (deploys and promotions refused until lifted).
    async fn freeze_environment(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        reason: &str,
    ) -> Result<Freeze, UseCaseError>;
    /// Lifts a person's freeze of `environment`.
    async fn lift_freeze(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
    ) -> Result<(), UseCaseError>;
    /// Takes (or renews) `environment`'s lock for `actor`.
    async fn take_lock(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        reason: &str,
    ) -> Result<Lock, UseCaseError>;
    /// Releases `actor`'s lock, or breaks another's (`break_it`, admins).
    async fn release_lock(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        break_it: bool,
    ) -> Result<(), UseCaseError>;
    /// Rolls `environment` back: a traffic switch while the old fleet is warm, else a
    /// deployment of the release below the running one, or of `to` (any earlier release).
    async fn rollback(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        to: Option<&Version>,
        confirm_schema_downgrade: bool,
    ) -> Result<DeploymentDetail, UseCaseError>;
    /// Switches traffic to deployment `id`'s held, healthy new fleet (`cutover = "manual"`).
    async fn switch_traffic(
        &self,
        actor: &Principal,
        address: &str,
        id: i64,
    ) -> Result<DeploymentDetail, UseCaseError>;
    /// Cancels deployment `id`: before the switch its new fleet is taken out, after the
    /// switch traffic goes back to the old fleet.
    async fn cancel_deployment(
        &self,
        actor: &Principal,
        address: &str,
        id: i64,
        reason: &str,
    ) -> Result<DeploymentDetail, UseCaseError>;
    /// Keeps `environment`'s old fleet warm `by` longer (its current release's warm window).
    async fn extend_warm_window(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        by: Duration,
    ) -> Result<DeploymentDetail, UseCaseError>;
    /// Sets the number of instances serving `environment`.
    async fn scale(
        &self,
        actor: &Principal,
        address: &str,
        environment: &EnvironmentName,
        desired: i64,
    ) -> Result<DeploymentDetail, UseCaseError>;
    /// A page of the audit log, newest first, with ids below `cursor`, `limit` entries.
    async fn audit(
        &self,
        filter: &AuditFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<AuditPage, UseCaseError>;
    /// Walks the audit log's hash chain: intact, or the first entry that does not match.
    async fn audit_chain(&self) -> Result<ChainState, UseCaseError>;
    /// The notification channels and the `limit` most recent deliveries.
    async fn delivery_log(&self, limit: i64) -> Result<DeliveryLog, UseCaseError>;
    /// Queues a test message to `channel` (delivered by the worker like any other; audited).
    async fn send_test_message(
        &self,
        actor: &Principal,
        address: &str,
        channel: &str,
    ) -> Result<DeliveryView, UseCaseError>;
}

/// The use-cases, as the server provides them to every request.
pub type SharedUseCases = Arc<dyn UseCases>;

/// An environment named in a request: a name that cannot be one names no environment (404).
pub fn environment_ref(text: &str) -> Result<EnvironmentName, UseCaseError> {
    EnvironmentName::parse(text).map_err(|_| UseCaseError::NotFound(format!("environment {text}")))
}

/// A build named in a request: a version that cannot be one names no build (404).
pub fn build_ref(text: &str) -> Result<Version, UseCaseError> {
    Version::parse(text).map_err(|_| UseCaseError::NotFound(format!("build {text}")))
}
