//! A deployment's plan and progress, stored as JSON beside its phase. Everything a step needs
//! is captured when the deployment is accepted (binding, launch template, timings, the fleet
//! serving then), so a restarted engine, or one whose config file changed meanwhile, finishes
//! the deployment as it was planned. The field names are the stored spelling: renaming one
//! would orphan every deployment in flight, so the test below pins them.

use super::fleet::{Fleet, Strategy};
use super::DeploymentKind;
use serde::{Deserialize, Serialize};

/// Where an environment's traffic is switched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// How traffic moves.
    pub strategy: Strategy,
    /// The ALB listener (alb-listener).
    pub listener: Option<String>,
    /// Two (alb-listener) or one (target-group) target groups.
    pub target_groups: Vec<String>,
    /// The Elastic IP allocation (elastic-ip).
    pub allocation_id: Option<String>,
}

/// How new instances are launched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchTemplate {
    /// e.g. `t3.small`.
    pub instance_type: String,
    /// Subnets.
    pub subnet_ids: Vec<String>,
    /// Security groups.
    pub security_group_ids: Vec<String>,
    /// SSH key pair.
    pub key_name: Option<String>,
    /// Instance profile.
    pub instance_profile: Option<String>,
    /// Rendered user data.
    pub user_data: Option<String>,
}

/// Baking an image from a healthy instance of the previous environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bake {
    /// The environment baked from.
    pub from_environment: String,
    /// The instance imaged.
    pub from_instance: String,
    /// The image's unique name (looked up before creating, so a retry never bakes twice).
    pub image_name: String,
}

/// A deployment's plan (fixed when accepted) and progress (updated by every step).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentPlan {
    /// The environment changed.
    pub environment: String,
    /// What it does.
    pub kind: DeploymentKind,
    /// Where traffic is switched.
    pub binding: Binding,
    /// How instances are launched.
    pub template: LaunchTemplate,
    /// The build's id.
    pub build_id: i64,
    /// The build's version.
    pub build: String,
    /// The image to launch (known at once, or once baked).
    pub image_id: Option<String>,
    /// Set when the image is baked first.
    pub bake: Option<Bake>,
    /// Instances wanted in the new fleet (scale: in the whole fleet).
    pub desired: u32,
    /// The new fleet must be healthy this long after launch.
    pub health_deadline_ms: i64,
    /// Watched this long after cutover.
    pub verify_ms: i64,
    /// The old fleet is kept warm this long.
    pub warm_ms: i64,
    /// Alarms that must stay quiet.
    pub alarms: Vec<String>,
    /// The fleet serving when the deployment was accepted (the old fleet).
    pub previous: Option<Fleet>,
    /// The new fleet's instances.
    pub new_instances: Vec<String>,
    /// The target group the new fleet goes into.
    pub new_target_group: Option<String>,
    /// Scale down: the instances taken out.
    pub remove: Vec<String>,
    /// When the new fleet was launched.
    pub launched_at: Option<i64>,
    /// When traffic moved to the new fleet.
    pub switched_at: Option<i64>,
    /// When rolling back began.
    pub rollback_started_at: Option<i64>,
    /// Consecutive failed attempts of the current step.
    pub failures: u32,
    /// What the current step is waiting for, in words.
    pub progress: String,
    /// Why it rolled back or failed.
    pub reason: Option<String>,
}

impl DeploymentPlan {
    /// The old fleet's instances (empty when the environment ran nothing).
    pub fn old_instances(&self) -> &[String] {
        self.previous
            .as_ref()
            .map(|f| f.instance_ids.as_slice())
            .unwrap_or_default()
    }

    /// The old fleet's target group.
    pub fn old_target_group(&self) -> Option<&str> {
        self.previous
            .as_ref()
            .and_then(|f| f.target_group.as_deref())
    }

    /// The fleet this deployment puts into service, once it has an image.
    pub fn new_fleet(&self, deployment_id: i64) -> Option<Fleet> {
        Some(Fleet {
            deployment_id,
            build_id: self.build_id,
            image_id: self.image_id.clone()?,
            target_group: self.new_target_group.clone(),
            instance_ids: self.new_instances.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan as an earlier release of Greenlight stored it.
    const STORED: &str = r#"{"environment":"prod","kind":"promote","binding":{"strategy":"alb-listener","listener":"l","target_groups":["a","b"],"allocation_id":null},"template":{"instance_type":"t3.small","subnet_ids":["s"],"security_group_ids":[],"key_name":null,"instance_profile":null,"user_data":null},"build_id":2,"build":"1.4.2","image_id":"ami-1","bake":{"from_environment":"staging","from_instance":"i-9","image_name":"greenlight-prod-1.4.2-1"},"desired":2,"health_deadline_ms":600000,"verify_ms":300000,"warm_ms":3600000,"alarms":["5xx"],"previous":{"deployment_id":1,"build_id":1,"image_id":"ami-0","target_group":"a","instance_ids":["i-1"]},"new_instances":["i-2"],"new_target_group":"b","remove":[],"launched_at":5,"switched_at":null,"rollback_started_at":null,"failures":0,"progress":"","reason":null}"#;

    #[test]
    fn a_stored_plan_reads_back_and_writes_the_same_spelling() {
        let plan: DeploymentPlan = serde_json::from_str(STORED).expect("stored plan");
        assert_eq!(plan.binding.strategy, Strategy::AlbListener);
        assert_eq!(plan.kind, DeploymentKind::Promote);
        assert_eq!(plan.old_instances(), ["i-1"]);
        assert_eq!(serde_json::to_string(&plan).expect("json"), STORED);
    }
}
