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

/// Where a baked image comes from: "baked from i-… of staging (greenlight-prod-42)".
pub fn baked_from(bake: &super::bake::Bake) -> String {
    format!(
        "baked from {} of {} ({})",
        bake.from_instance, bake.from_environment, bake.image_name
    )
}

fn infrastructure(build: &Build, plan: &DeploymentPlan) -> BTreeMap<String, String> {
    let image = match (&plan.image_id, &plan.bake) {
        (Some(image), _) => image.clone(),
        (None, Some(bake)) => baked_from(bake),
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
    let baked = plan
        .bake
        .as_ref()
        .filter(|_| plan.image_id.is_some())
        .map(baked_from);
    let optional = [
        ("image_source", &baked),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bake::Bake;
    use crate::domain::plan::{Binding, LaunchTemplate};
    use crate::domain::{
        AmiId, Artifact, DeploymentKind, HttpUrl, Revision, Strategy, Timestamp, Version,
    };

    fn build(artifact: Artifact) -> Build {
        Build {
            id: 7,
            version: Version::parse("1.4.2").unwrap(),
            revision: Revision::parse("9fceb02").unwrap(),
            artifact,
            changes: Vec::new(),
            ci_url: None,
            schema_version: None,
            registered_by: "ci".into(),
            created_at: Timestamp::from_millis(0),
        }
    }

    fn plan(image_id: Option<&str>, bake: Option<Bake>) -> DeploymentPlan {
        DeploymentPlan {
            environment: "prod".into(),
            kind: DeploymentKind::Promote,
            binding: Binding {
                strategy: Strategy::AlbListener,
                listener: Some("arn:listener".into()),
                target_groups: vec!["arn:blue".into(), "arn:green".into()],
                allocation_id: None,
            },
            template: LaunchTemplate {
                instance_type: "t3.small".into(),
                subnet_ids: vec!["subnet-1".into()],
                security_group_ids: Vec::new(),
                key_name: None,
                instance_profile: Some("app".into()),
                user_data: None,
            },
            build_id: 7,
            build: "1.4.2".into(),
            image_id: image_id.map(str::to_owned),
            bake,
            desired: 2,
            health_deadline_ms: 600_000,
            verify_ms: 90_000,
            warm_ms: 3_600_000,
            watch_while_warm: true,
            alarms: vec!["prod-5xx".into()],
            previous: None,
            new_instances: Vec::new(),
            new_target_group: None,
            remove: Vec::new(),
            launched_at: None,
            switched_at: None,
            rollback_started_at: None,
            failures: 0,
            progress: String::new(),
            reason: None,
            last_look: None,
            unwatched_ms: 0,
            config_capacity: None,
            manual_cutover: false,
            hooks: Vec::new(),
            hook_notes: Vec::new(),
            hold_deadline_ms: 0,
            held_at: None,
            new_addresses: Default::default(),
        }
    }

    #[test]
    fn a_side_names_the_build_the_image_and_how_instances_launch_and_traffic_moves() {
        let artifact = Artifact::BaseImage {
            base_ami_id: AmiId::parse("ami-0123456789abcdef0").unwrap(),
            url: HttpUrl::parse("https://artifacts.example.com/app.tgz").unwrap(),
        };
        let side = side_of(
            &build(artifact),
            &plan(Some("ami-0123456789abcdef0"), None),
            BTreeMap::new(),
        );
        assert_eq!(side.code["version"], "1.4.2");
        assert_eq!(side.code["revision"], "9fceb02");
        let infra = &side.infrastructure;
        assert_eq!(infra["image_id"], "ami-0123456789abcdef0");
        assert_eq!(
            infra["artifact"],
            "ami-0123456789abcdef0 + https://artifacts.example.com/app.tgz"
        );
        assert_eq!(infra["desired_capacity"], "2");
        assert_eq!(infra["strategy"], "alb-listener");
        assert_eq!(infra["target_groups"], "arn:blue, arn:green");
        assert_eq!(infra["listener"], "arn:listener");
        assert_eq!(infra["security_groups"], "(none)");
        assert_eq!(infra["verify_window"], "90s");
        assert_eq!(infra["warm_retention"], "1h");
        assert_eq!(infra["instance_profile"], "app");
        assert!(!infra.contains_key("elastic_ip") && !infra.contains_key("key_name"));
    }

    #[test]
    fn a_baked_image_says_where_it_was_baked_from_before_and_after_baking() {
        let bake: Bake = serde_json::from_value(serde_json::json!({
            "from_environment": "staging", "from_instance": "i-0abc", "image_name": "greenlight-prod-42",
        }))
        .unwrap();
        let artifact = Artifact::Image {
            ami_id: AmiId::parse("ami-0123456789abcdef0").unwrap(),
        };
        let pending = side_of(
            &build(artifact.clone()),
            &plan(None, Some(bake.clone())),
            BTreeMap::new(),
        );
        assert_eq!(
            pending.infrastructure["image_id"],
            "baked from i-0abc of staging (greenlight-prod-42)"
        );
        let baked = side_of(
            &build(artifact),
            &plan(Some("ami-0fedcba987654321f"), Some(bake)),
            BTreeMap::new(),
        );
        assert_eq!(baked.infrastructure["image_id"], "ami-0fedcba987654321f");
        assert_eq!(
            baked.infrastructure["image_source"],
            "baked from i-0abc of staging (greenlight-prod-42)"
        );
    }
}
