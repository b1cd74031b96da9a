//! What the sandbox calls the parts a demo config leaves out (listener, target groups, Elastic
//! IP allocation, subnet): the sandbox supplies its own names, so the engine and the config
//! never invent any. Start-up fills them into the settings when the sandbox is the provider.

use app::domain::plan::{Binding, LaunchTemplate};
use app::domain::Strategy;

/// The sandbox's binding for `environment`: two target groups and a listener for
/// alb-listener, one group for target-group, an allocation for elastic-ip.
pub fn default_binding(environment: &str, strategy: Strategy) -> Binding {
    let (listener, target_groups, allocation_id) = match strategy {
        Strategy::AlbListener => (
            Some(format!("sandbox:{environment}:listener")),
            vec![
                format!("sandbox:{environment}:tg/blue"),
                format!("sandbox:{environment}:tg/green"),
            ],
            None,
        ),
        Strategy::TargetGroup => (None, vec![format!("sandbox:{environment}:tg/app")], None),
        Strategy::ElasticIp => (
            None,
            Vec::new(),
            Some(format!("eipalloc-sandbox-{environment}")),
        ),
    };
    Binding {
        strategy,
        listener,
        target_groups,
        allocation_id,
    }
}

/// How the sandbox launches instances when the environment configures none.
pub fn default_launch_template() -> LaunchTemplate {
    LaunchTemplate {
        instance_type: "t3.small".into(),
        subnet_ids: vec!["subnet-sandbox".into()],
        security_group_ids: Vec::new(),
        key_name: None,
        instance_profile: None,
        user_data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_names_what_the_config_leaves_out() {
        let b = default_binding("prod", Strategy::AlbListener);
        assert_eq!(b.listener.as_deref(), Some("sandbox:prod:listener"));
        assert_eq!(b.target_groups.len(), 2);
        let b = default_binding("prod", Strategy::ElasticIp);
        assert_eq!(b.allocation_id.as_deref(), Some("eipalloc-sandbox-prod"));
        assert!(b.target_groups.is_empty() && b.listener.is_none());
    }
}
