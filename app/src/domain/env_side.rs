//! One side of a comparison built from what Greenlight records: the build (code), the
//! environment's config as resolved (secrets without values) and a deployment plan
//! (infrastructure: the image, how instances launch, how traffic moves, the timings). The same
//! rows for an environment now and for a deployment's snapshot, so the two compare.

use super::env_diff::{ConfigEntry, DiffSide};
use super::plan::DeploymentPlan;
use super::{Build, Duration};
use std::collections::BTreeMap;

/// The side of an environment running `build` as `plan` lays it out, with `config`.
pub fn side_of(
    build: &Build,
    plan: &DeploymentPlan,
    config: BTreeMap<String, ConfigEntry>,
) -> DiffSide {
    let code = BTreeMap::from([
        ("version".to_owned(), build.version.to_string()),
        ("revision".to_owned(), build.revision.to_string()),
    ]);
    DiffSide {
        code,
        config,
        infrastructure: infrastructure(build, plan),
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

fn duration(millis: i64) -> String {
    Duration::from_millis(u64::try_from(millis).unwrap_or(0)).to_string()
}

fn infrastructure(build: &Build, plan: &DeploymentPlan) -> BTreeMap<String, String> {
    let image = match (&plan.image_id, &plan.bake) {
        (Some(image), _) => image.clone(),
        (None, Some(bake)) => format!(
            "baked from {} of {} ({})",
            bake.from_instance, bake.from_environment, bake.image_name
        ),
        (None, None) => "(not known yet)".to_owned(),
    };
    let binding = &plan.binding;
    let template = &plan.template;
    let mut rows = BTreeMap::from([
        ("image_id", image),
        ("artifact", build.artifact.describe()),
        ("instance_type", template.instance_type.clone()),
        ("desired_capacity", plan.desired.to_string()),
        ("strategy", binding.strategy.to_string()),
        ("target_groups", list(&binding.target_groups)),
        ("subnets", list(&template.subnet_ids)),
        ("security_groups", list(&template.security_group_ids)),
        ("alarms", list(&plan.alarms)),
        ("health_deadline", duration(plan.health_deadline_ms)),
        ("verify_window", duration(plan.verify_ms)),
        ("warm_retention", duration(plan.warm_ms)),
        ("watch_while_warm", plan.watch_while_warm.to_string()),
    ]);
    let optional = [
        ("listener", &binding.listener),
        ("elastic_ip", &binding.allocation_id),
        ("key_name", &template.key_name),
        ("instance_profile", &template.instance_profile),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            rows.insert(key, value.clone());
        }
    }
    rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
