//! What each cutover strategy needs from an `[[environments]]` table: the checks live with the
//! strategy, so adding one means adding its rules here and nowhere else.

use super::EnvironmentSettings;
use app::domain::Strategy;

/// A strategy's configuration rules.
pub trait StrategyRules {
    /// Whether `environment` gives this strategy what it needs; `on_aws` demands the AWS
    /// names (the sandbox makes up what a demo config leaves out). On refusal: the key (below
    /// the environment's table) and the reason.
    fn check(
        self,
        environment: &EnvironmentSettings,
        on_aws: bool,
    ) -> Result<(), (&'static str, &'static str)>;
}

impl StrategyRules for Strategy {
    fn check(
        self,
        env: &EnvironmentSettings,
        on_aws: bool,
    ) -> Result<(), (&'static str, &'static str)> {
        let groups = env.target_group_arns.len();
        let groups_given = on_aws || groups > 0;
        match self {
            Strategy::AlbListener => {
                if on_aws && env.listener_arn.is_none() {
                    return Err(("listener_arn", "required for strategy \"alb-listener\""));
                }
                if groups_given && groups != 2 {
                    return Err((
                        "target_group_arns",
                        "strategy \"alb-listener\" needs exactly two (blue and green)",
                    ));
                }
            }
            Strategy::TargetGroup => {
                if groups_given && groups != 1 {
                    return Err((
                        "target_group_arns",
                        "strategy \"target-group\" needs exactly one",
                    ));
                }
            }
            Strategy::ElasticIp => {
                if on_aws && env.elastic_ip_allocation_id.is_none() {
                    return Err((
                        "elastic_ip_allocation_id",
                        "required for strategy \"elastic-ip\"",
                    ));
                }
                if env.desired_capacity > self.max_instances() {
                    return Err((
                        "desired_capacity",
                        "strategy \"elastic-ip\" serves from one instance: at most 1",
                    ));
                }
            }
        }
        Ok(())
    }
}
