//! Fault injection in the sandbox, for demos and browser tests: make an instance fail its
//! health checks (as a crashed application would) or pass them again, or make a share of the
//! cloud's answers throttled or failing — and watch the badge, the instance row and the
//! "last updated" line follow. Admins only, audited; there is nothing to inject into on AWS.

use super::internal;
use crate::cloud::sandbox::SandboxCloud;
use crate::core::Core;
use crate::db;
use app::domain::views::Principal;
use app::domain::FieldErrors;
use app::use_cases::UseCaseError;

/// Makes `instance_id` fail (`healthy = false`) or pass its health checks in `sandbox`.
pub async fn set_instance_health(
    core: &Core,
    sandbox: Option<&SandboxCloud>,
    actor: &Principal,
    address: &str,
    instance_id: &str,
    healthy: bool,
) -> Result<(), UseCaseError> {
    let sandbox = only_in(sandbox)?;
    if !sandbox.set_instance_healthy(instance_id, healthy) {
        return Err(UseCaseError::NotFound(format!("instance {instance_id}")));
    }
    let entry = db::audit::Entry {
        actor: &actor.name,
        action: "sandbox.instance_health",
        target: instance_id,
        environment: None,
        details: serde_json::json!({ "healthy": healthy }).to_string(),
        address,
    };
    db::audit::append_alone(&core.db, entry, core.now())
        .await
        .map_err(internal)
}

/// Answers this share (each 0 to 1) of the sandbox's calls with throttling or a 5xx.
pub async fn set_error_rates(
    core: &Core,
    sandbox: Option<&SandboxCloud>,
    actor: &Principal,
    address: &str,
    throttle_rate: f64,
    error_rate: f64,
) -> Result<(), UseCaseError> {
    let sandbox = only_in(sandbox)?;
    let mut fields = FieldErrors::new();
    for (field, rate) in [("throttle_rate", throttle_rate), ("error_rate", error_rate)] {
        if !(0.0..=1.0).contains(&rate) {
            fields.add(field, "must be between 0 and 1");
        }
    }
    if !fields.is_empty() {
        return Err(UseCaseError::Invalid(fields));
    }
    let mut faults = sandbox.faults();
    faults.throttle_rate = throttle_rate;
    faults.error_rate = error_rate;
    sandbox.set_faults(faults);
    let entry = db::audit::Entry {
        actor: &actor.name,
        action: "sandbox.error_rates",
        target: "sandbox",
        environment: None,
        details: serde_json::json!({ "throttle_rate": throttle_rate, "error_rate": error_rate })
            .to_string(),
        address,
    };
    db::audit::append_alone(&core.db, entry, core.now())
        .await
        .map_err(internal)
}

fn only_in(sandbox: Option<&SandboxCloud>) -> Result<&SandboxCloud, UseCaseError> {
    sandbox.ok_or_else(|| {
        UseCaseError::NotFound("fault injection: the cloud is AWS, not the sandbox".into())
    })
}
