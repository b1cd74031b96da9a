//! A deployment's plan and progress, stored as JSON beside its phase. Everything a step needs
//! is captured when the deployment is accepted (binding, launch template, timings, the fleet
//! serving then), so a restarted engine, or one whose config file changed meanwhile, finishes
//! the deployment as it was planned. The field names are the stored spelling: renaming one
//! would orphan every deployment in flight, so the test below pins them.

pub use super::bake::Bake;
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

/// How late a busy engine may look without the gap counting as time nobody watched.
pub const BUSY_SLACK_MS: i64 = 2_000;

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
    /// The environment's configured `desired_capacity` when this was accepted: the next
    /// release keeps `desired` (a scale survives it) while the config still says the same.
    #[serde(default)]
    pub config_capacity: Option<u32>,
    /// The new fleet must be healthy this long after launch.
    pub health_deadline_ms: i64,
    /// Watched this long after cutover.
    pub verify_ms: i64,
    /// The old fleet is kept warm this long.
    pub warm_ms: i64,
    /// Alarms and the new fleet's health are watched while the old fleet is warm, and a
    /// failure rolls back (plans stored before this existed are not watched).
    #[serde(default)]
    pub watch_while_warm: bool,
    /// Alarms that must stay quiet.
    pub alarms: Vec<String>,
    /// Hold once the new fleet is healthy until a person switches traffic
    /// (`cutover = "manual"`).
    #[serde(default)]
    pub manual_cutover: bool,
    /// How long a held new fleet waits for its switch before it is taken out.
    #[serde(default)]
    pub hold_deadline_ms: i64,
    /// When the healthy new fleet began to wait for its switch.
    #[serde(default)]
    pub held_at: Option<i64>,
    /// The new fleet's private addresses by instance, for testing it before the switch.
    #[serde(default)]
    pub new_addresses: std::collections::BTreeMap<String, String>,
    /// The hooks to run, in order, with when each runs (none for a rollback or a scale).
    #[serde(default)]
    pub hooks: Vec<super::hooks::HookSpec>,
    /// What the hooks that passed reported, for the history's notes when it ends.
    #[serde(default)]
    pub hook_notes: Vec<String>,
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
    /// When the engine last looked at the fleet while waiting or watching.
    #[serde(default)]
    pub last_look: Option<i64>,
    /// Time nobody watched (no engine ran): it does not count towards a deadline or a verify
    /// window, because time while Greenlight was down is no evidence about the fleet.
    #[serde(default)]
    pub unwatched_ms: i64,
}

impl DeploymentPlan {
    /// Notes a look at `now`: a gap since the last look (or the launch) longer than three
    /// polls and [`BUSY_SLACK_MS`] means no engine was watching, and all but one poll of it is
    /// set aside as unwatched.
    pub fn observe(&mut self, now: i64, poll_ms: i64) {
        if let Some(last) = self.last_look.or(self.launched_at) {
            let gap = now - last;
            if gap > 3 * poll_ms + BUSY_SLACK_MS {
                self.unwatched_ms += gap - poll_ms;
            }
        }
        self.last_look = Some(now);
    }

    /// When the new fleet must be healthy by, watched time only.
    pub fn health_deadline(&self, now: i64) -> i64 {
        self.launched_at.unwrap_or(now) + self.health_deadline_ms + self.unwatched_ms
    }

    /// When the verify window ends, watched time only.
    pub fn verify_end(&self, now: i64) -> i64 {
        self.switched_at.unwrap_or(now) + self.verify_ms + self.unwatched_ms
    }

    /// When an unswitched hold ends, watched time only.
    pub fn hold_end(&self, now: i64) -> i64 {
        self.held_at.unwrap_or(now) + self.hold_deadline_ms + self.unwatched_ms
    }

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

/// How many instances a new release launches into an environment configured for `configured`:
/// as many as its latest successful deployment wanted (`serving`: that `desired` and the
/// configured capacity it was accepted under) — so a scale outlives the next release —
/// unless the config's count has changed since, which then wins.
pub fn release_capacity(configured: u32, serving: Option<(u32, Option<u32>)>) -> u32 {
    match serving {
        Some((desired, Some(then))) if then == configured => desired,
        _ => configured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scaled_count_carries_into_the_next_release_until_the_config_changes() {
        assert_eq!(release_capacity(2, None), 2, "nothing ran yet");
        assert_eq!(release_capacity(2, Some((5, Some(2)))), 5, "scaled to 5");
        assert_eq!(
            release_capacity(3, Some((5, Some(2)))),
            3,
            "config changed since"
        );
        assert_eq!(
            release_capacity(2, Some((5, None))),
            2,
            "recorded before this rule"
        );
    }

    /// A plan as an earlier release of Greenlight stored it.
    const STORED: &str = r#"{"environment":"prod","kind":"promote","binding":{"strategy":"alb-listener","listener":"l","target_groups":["a","b"],"allocation_id":null},"template":{"instance_type":"t3.small","subnet_ids":["s"],"security_group_ids":[],"key_name":null,"instance_profile":null,"user_data":null},"build_id":2,"build":"1.4.2","image_id":"ami-1","bake":{"from_environment":"staging","from_instance":"i-9","image_name":"greenlight-prod-1.4.2-1"},"desired":2,"health_deadline_ms":600000,"verify_ms":300000,"warm_ms":3600000,"alarms":["5xx"],"previous":{"deployment_id":1,"build_id":1,"image_id":"ami-0","target_group":"a","instance_ids":["i-1"]},"new_instances":["i-2"],"new_target_group":"b","remove":[],"launched_at":5,"switched_at":null,"rollback_started_at":null,"failures":0,"progress":"","reason":null}"#;

    #[test]
    fn a_stored_plan_reads_back_and_writes_the_same_spelling() {
        let plan: DeploymentPlan = serde_json::from_str(STORED).expect("stored plan");
        assert_eq!(plan.binding.strategy, Strategy::AlbListener);
        assert_eq!(plan.kind, DeploymentKind::Promote);
        assert_eq!(plan.old_instances(), ["i-1"]);
        // Every stored field is written back under the same name with the same value, nested
        // ones too; fields added since come on top, with defaults for plans stored before them.
        let written = serde_json::to_value(&plan).expect("json");
        let stored: serde_json::Value = serde_json::from_str(STORED).expect("json");
        written_back(&stored, &written, "plan");
        assert_eq!(plan.unwatched_ms, 0);
        assert_eq!(plan.bake.expect("bake").method, None);
    }

    /// Fails unless every field of `stored` is in `written` with the same value.
    fn written_back(stored: &serde_json::Value, written: &serde_json::Value, path: &str) {
        match stored.as_object() {
            Some(fields) => {
                for (key, value) in fields {
                    written_back(value, &written[key], &format!("{path}.{key}"));
                }
            }
            None => assert_eq!(written, stored, "{path}"),
        }
    }

    #[test]
    fn time_nobody_watched_moves_the_deadline_and_the_verify_window_on() {
        let mut plan: DeploymentPlan = serde_json::from_str(STORED).expect("stored plan");
        plan.launched_at = Some(0);
        plan.health_deadline_ms = 60_000;
        plan.observe(1_000, 1_000);
        plan.observe(2_000, 1_000);
        assert_eq!(plan.health_deadline(2_000), 60_000, "watched all along");
        plan.observe(302_000, 1_000);
        assert_eq!(plan.unwatched_ms, 299_000);
        assert_eq!(plan.health_deadline(302_000), 359_000);
        plan.switched_at = Some(302_000);
        assert_eq!(plan.verify_end(302_000), 302_000 + 300_000 + 299_000);
    }
}
