//! Baking a promotion's image from an instance of the previous environment without silently
//! rebooting a box that serves users. EC2's CreateImage reboots the instance unless told not
//! to (`NoReboot`), so the instance is either taken out of traffic first (deregistered, drained,
//! imaged with a reboot, registered again and seen healthy) or imaged without a reboot, and
//! the timeline says which. The choice is made once, when the deployment begins, and stored
//! with the plan, so a step that runs again after a crash carries on the same way.
//!
//! Stored inside the plan as JSON: the fields added since the first release have defaults, so
//! a plan stored before them reads back (and bakes as it did).

use serde::{Deserialize, Serialize};

/// Baking an image from a healthy instance of the previous environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bake {
    /// The environment baked from.
    pub from_environment: String,
    /// The instance imaged.
    pub from_instance: String,
    /// The image's unique name (looked up before creating, so a retry never bakes twice).
    pub image_name: String,
    /// The target group the instance serves through (none behind an Elastic IP), from the
    /// source's fleet when the promotion was accepted.
    #[serde(default)]
    pub from_target_group: Option<String>,
    /// `bake_no_reboot` of the environment that bakes, when the promotion was accepted.
    #[serde(default)]
    pub no_reboot: bool,
    /// How the instance is imaged; chosen when the deployment begins (none in a plan stored
    /// before this was chosen).
    #[serde(default)]
    pub method: Option<BakeMethod>,
    /// How far baking has come.
    #[serde(default)]
    pub stage: BakeStage,
    /// When the instance was put back into its target group (for its health deadline).
    #[serde(default)]
    pub restoring_since: Option<i64>,
    /// Why baking failed, kept while the instance is put back into service; reported after.
    #[serde(default)]
    pub failure: Option<String>,
}

impl Bake {
    /// The target group it serves through, for the timeline.
    pub fn group(&self) -> &str {
        self.from_target_group
            .as_deref()
            .unwrap_or("its target group")
    }

    /// The first line of a baking deployment: what will happen to the instance, `others`
    /// being the other healthy targets that keep serving meanwhile.
    pub fn intent(&self, others: usize) -> String {
        let (group, env) = (self.group(), &self.from_environment);
        let how = match self.method {
            Some(BakeMethod::OutOfTraffic) => format!(
                "taking it out of traffic in {group} first ({others} other healthy target{} \
                 keep{} serving), then imaging it with a reboot and registering it again",
                if others == 1 { "" } else { "s" },
                if others == 1 { "s" } else { "" }
            ),
            Some(BakeMethod::NoRebootConfigured) => "imaging it without reboot \
                 (bake_no_reboot): it keeps serving; file-system consistency not guaranteed"
                .into(),
            Some(BakeMethod::NoRebootServesAlone) => format!(
                "imaging it without reboot: {}, and a reboot would take {env} down; \
                 file-system consistency not guaranteed",
                self.alone()
            ),
            Some(BakeMethod::NotServing) => {
                format!(
                    "imaging it with a reboot: it is not registered in {group}, so serves no one"
                )
            }
            None => "imaging it".into(),
        };
        format!(
            "Baking image {} from {} in {env}: {how}",
            self.image_name, self.from_instance
        )
    }

    /// The line that says image `image_id` is ready, and what happened to the instance.
    pub fn ready_line(&self, image_id: &str) -> String {
        let (i, group) = (&self.from_instance, self.group());
        let head = format!("Image {image_id} ({}) available", self.image_name);
        let tail = match self.method {
            Some(BakeMethod::OutOfTraffic) => format!(
                "took {i} out of traffic in {group} to image it (drained, rebooted); it is \
                 back in service and healthy"
            ),
            Some(BakeMethod::NoRebootConfigured) => format!(
                "imaged {i} without reboot (bake_no_reboot): file-system consistency not \
                 guaranteed"
            ),
            Some(BakeMethod::NoRebootServesAlone) => format!(
                "imaged {i} without reboot ({}): file-system consistency not guaranteed",
                self.alone()
            ),
            Some(BakeMethod::NotServing) => {
                format!("imaged {i} with a reboot while it served no one")
            }
            None => return head,
        };
        format!("{head}; {tail}")
    }

    fn alone(&self) -> String {
        match &self.from_target_group {
            Some(group) => format!("it is the only healthy target in {group}"),
            None => format!("it serves {} alone", self.from_environment),
        }
    }
}

/// How the source instance is imaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BakeMethod {
    /// Deregistered from its target group and drained, imaged with a reboot (a consistent
    /// file system), registered again and seen healthy before the new fleet launches.
    OutOfTraffic,
    /// Imaged without a reboot because `bake_no_reboot` asks for it: it keeps serving, and
    /// the image is only crash-consistent.
    NoRebootConfigured,
    /// Imaged without a reboot because it serves its environment alone (an Elastic IP, or no
    /// other healthy target in its group): taking it out would take the environment down.
    NoRebootServesAlone,
    /// Imaged with a reboot: it is in no target group, so it serves no one.
    NotServing,
}

impl BakeMethod {
    /// Whether CreateImage is sent with `NoReboot`.
    pub fn no_reboot(self) -> bool {
        matches!(
            self,
            BakeMethod::NoRebootConfigured | BakeMethod::NoRebootServesAlone
        )
    }

    /// Whether the instance leaves its target group while imaged (and must come back).
    pub fn takes_out_of_traffic(self) -> bool {
        self == BakeMethod::OutOfTraffic
    }
}

/// How far baking has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BakeStage {
    /// Taking the instance out of traffic where the method says so, then creating the image.
    #[default]
    Preparing,
    /// The image is being created.
    Imaging,
    /// The instance is being registered again and must be seen healthy.
    Restoring,
}

/// What the source instance's target group says when baking begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceTraffic {
    /// Whether the instance is registered in the group (in any state).
    pub registered: bool,
    /// Healthy targets of the group other than the instance.
    pub others_healthy: usize,
}

/// How to image the source instance: `no_reboot` is `bake_no_reboot`, `traffic` its target
/// group's view (none when it serves through no target group, i.e. an Elastic IP).
///
/// Taking the last serving instance out of traffic is an outage of its environment, and so is
/// rebooting it; a crash-consistent image is what AWS Backup itself takes. So where nothing
/// else serves, the instance is imaged without a reboot, and the timeline says so, rather
/// than taking the environment down or refusing every promotion until the config changes.
pub fn choose(no_reboot: bool, traffic: Option<SourceTraffic>) -> BakeMethod {
    match traffic {
        _ if no_reboot => BakeMethod::NoRebootConfigured,
        None => BakeMethod::NoRebootServesAlone,
        Some(t) if !t.registered => BakeMethod::NotServing,
        Some(t) if t.others_healthy == 0 => BakeMethod::NoRebootServesAlone,
        Some(_) => BakeMethod::OutOfTraffic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVING_WITH_ONE_OTHER: Option<SourceTraffic> = Some(SourceTraffic {
        registered: true,
        others_healthy: 1,
    });

    #[test]
    fn an_instance_with_company_is_taken_out_of_traffic_and_rebooted() {
        let method = choose(false, SERVING_WITH_ONE_OTHER);
        assert_eq!(method, BakeMethod::OutOfTraffic);
        assert!(method.takes_out_of_traffic() && !method.no_reboot());
    }

    #[test]
    fn bake_no_reboot_always_images_without_a_reboot_and_leaves_traffic_alone() {
        for traffic in [SERVING_WITH_ONE_OTHER, None] {
            let method = choose(true, traffic);
            assert_eq!(method, BakeMethod::NoRebootConfigured);
            assert!(method.no_reboot() && !method.takes_out_of_traffic());
        }
    }

    #[test]
    fn an_instance_serving_alone_is_never_rebooted() {
        let alone = Some(SourceTraffic {
            registered: true,
            others_healthy: 0,
        });
        for traffic in [alone, None] {
            assert_eq!(choose(false, traffic), BakeMethod::NoRebootServesAlone);
        }
    }

    #[test]
    fn an_instance_in_no_target_group_is_rebooted_where_it_stands() {
        let outside = Some(SourceTraffic {
            registered: false,
            others_healthy: 2,
        });
        let method = choose(false, outside);
        assert_eq!(method, BakeMethod::NotServing);
        assert!(!method.no_reboot() && !method.takes_out_of_traffic());
    }

    #[test]
    fn the_timeline_says_which_happened() {
        let bake = |method, group: Option<&str>| Bake {
            from_environment: "staging".into(),
            from_instance: "i-9".into(),
            image_name: "img".into(),
            from_target_group: group.map(str::to_owned),
            method: Some(method),
            ..Bake::default()
        };
        let drained = bake(BakeMethod::OutOfTraffic, Some("tg"));
        assert!(drained
            .intent(1)
            .ends_with("taking it out of traffic in tg first (1 other healthy target keeps serving), then imaging it with a reboot and registering it again"));
        assert_eq!(
            drained.ready_line("ami-1"),
            "Image ami-1 (img) available; took i-9 out of traffic in tg to image it (drained, rebooted); it is back in service and healthy"
        );
        assert!(bake(BakeMethod::NoRebootConfigured, Some("tg"))
            .ready_line("ami-1")
            .ends_with("imaged i-9 without reboot (bake_no_reboot): file-system consistency not guaranteed"));
        let alone = bake(BakeMethod::NoRebootServesAlone, None);
        assert!(alone
            .intent(0)
            .contains("it serves staging alone, and a reboot would take staging down"));
        assert!(alone
            .ready_line("ami-1")
            .contains("imaged i-9 without reboot (it serves staging alone)"));
    }

    #[test]
    fn a_bake_stored_before_methods_reads_back_with_defaults() {
        let stored = r#"{"from_environment":"staging","from_instance":"i-9","image_name":"n"}"#;
        let bake: Bake = serde_json::from_str(stored).expect("stored bake");
        assert_eq!(
            (bake.method, bake.stage, bake.no_reboot),
            (None, BakeStage::Preparing, false)
        );
        let written = serde_json::to_value(Bake {
            method: Some(BakeMethod::NoRebootServesAlone),
            stage: BakeStage::Restoring,
            ..bake
        })
        .expect("json");
        assert_eq!(written["method"], "no-reboot-serves-alone");
        assert_eq!(written["stage"], "restoring");
    }
}
