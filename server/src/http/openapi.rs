//! The OpenAPI 3 document of API v1, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// API v1.
#[derive(OpenApi)]
#[openapi(
    info(title = "Greenlight API", version = "1", description = "Register builds from CI, record QA sign-offs, deploy, promote, roll back and scale, read the release history, and follow every environment's live health."),
    paths(
        super::api_builds::register,
        super::api_builds::list,
        super::api_builds::show,
        super::api_signoffs::record,
        super::api_signoffs::list,
        super::api_deployments::list,
        super::api_deployments::export,
        super::api_environments::deploy,
        super::api_environments::promote,
        super::api_environments::promotion,
        super::api_environments::rollback,
        super::api_environments::scale,
        super::api_warm_window::extend,
        super::api_deployment_control::switch,
        super::api_deployment_control::cancel,
        super::api_hook_runs::report,
        super::api_change_control::freeze,
        super::api_change_control::lift,
        super::api_change_control::lock,
        super::api_change_control::unlock,
        super::api_diff::diff,
        super::api_deployment_detail::show,
        super::api_audit::list,
        super::api_notifications::deliveries,
        super::api_notifications::send_test,
        super::api_live::environments,
        super::api_live::fleet,
        super::api_live::metrics,
        super::api_live::events,
        super::api_sandbox::set_instance_health,
        super::api_sandbox::set_error_rates,
    ),
    components(schemas(
        super::api_builds::BuildRegistration,
        super::api_builds::ArtifactRegistration,
        super::api_builds::ImageArtifact,
        super::api_builds::BaseImageArtifact,
        super::api_builds::ChangeRegistration,
        super::api_builds::BuildList,
        super::api_deployments::DeploymentList,
        super::api_deployments::ExportFormat,
        super::api_signoffs::SignOffRequest,
        super::api_change_control::ReasonRequest,
        super::api_environments::PromoteRequest,
        app::domain::change_control::Freeze,
        app::domain::change_control::FreezeSource,
        app::domain::change_control::Lock,
        app::domain::signoff::SignOff,
        app::domain::signoff::Verdict,
        super::error::ErrorBody,
        app::domain::Build,
        app::domain::Artifact,
        app::domain::BuildChange,
        app::domain::DeploymentRecord,
        app::domain::DeploymentKind,
        app::domain::Outcome,
        super::api_environments::DeployRequest,
        super::api_environments::ScaleRequest,
        super::api_warm_window::ExtendWarmRequest,
        super::api_environments::RollbackRequest,
        app::domain::views::DeploymentDetail,
        app::domain::views::StepView,
        app::domain::views::HoldView,
        super::api_hook_runs::HookResultRequest,
        super::api_hook_runs::HookResultAnswer,
        app::domain::hooks::HookRunView,
        app::domain::hooks::HookKind,
        app::domain::hooks::HookStage,
        app::domain::hooks::HookStatus,
        app::domain::views::InstanceAddress,
        app::domain::views::PromotionPreview,
        app::domain::views::Comparison,
        super::api_diff::DiffFormat,
        app::domain::views::LedgerEntry,
        app::domain::views::DeliveryLog,
        app::domain::views::DeliveryView,
        app::domain::views::ChannelView,
        app::domain::views::DeliveryStatus,
        app::domain::views::SideLabel,
        app::domain::views::CodeRange,
        app::domain::views::RangeChange,
        app::domain::env_diff::DiffRow,
        app::domain::env_diff::DiffCounts,
        app::domain::env_diff::Section,
        app::domain::env_diff::Change,
        app::domain::rollout::Phase,
        app::domain::gates::Gate,
        app::domain::gates::GateKind,
        super::api_audit::AuditList,
        app::domain::AuditEntry,
        app::domain::views::EnvironmentStatus,
        app::domain::views::EnvironmentInfo,
        app::domain::views::LiveHealth,
        app::domain::views::SignoffState,
        app::domain::views::FleetReport,
        app::domain::fleet_table::FleetPanel,
        app::domain::fleet_table::InstanceFilter,
        app::domain::fleet_health::EnvironmentHealth,
        app::domain::fleet_health::FleetRole,
        app::domain::fleet_health::InstanceHealth,
        app::domain::fleet_health::Ec2State,
        app::domain::fleet_health::TargetHealthView,
        app::domain::fleet_health::TargetHealthState,
        app::domain::fleet_health::AlarmView,
        app::domain::fleet_health::AlarmStatus,
        app::domain::live_event::LiveEvent,
        app::domain::views::ChartsReport,
        app::domain::metric_series::ChartRange,
        app::domain::metric_series::MetricChart,
        app::domain::metric_series::MetricSeries,
        app::domain::metric_series::MetricPoint,
        app::domain::metric_series::MetricUnit,
        super::api_sandbox::InstanceHealthRequest,
        super::api_sandbox::ErrorRatesRequest,
    )),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("glt_…")
                    .build(),
            ),
        );
        // A hook's receiver proves itself with the run's one-time token, not a user's.
        components.add_security_scheme(
            "hook_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Greenlight-Hook-Token",
                "The run's one-time token, from the hook call's `callback.token`",
            ))),
        );
        // Any operation answers 403 to a token without the scope it needs (the operations'
        // own 403s name the role; this one is added where an operation has none).
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let scope = ResponseBuilder::new()
            .description("The token lacks the scope this operation needs (`read` for reads)")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("403".into())
                    .or_insert_with(|| scope.clone().into());
            }
        }
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
