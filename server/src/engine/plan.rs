//! From configuration to a deployment's plan: where traffic switches (the sandbox makes up
//! names for what a demo config leaves out), how instances launch, and the rendered user data.

use super::run::{Binding, LaunchTemplate};
use crate::config::{ConfigValue, EnvironmentSettings, Strategy};

/// Where `environment`'s traffic switches. Missing names (allowed with the sandbox only) are
/// made up from the environment's name.
pub fn binding(environment: &EnvironmentSettings) -> Binding {
    let name = &environment.name;
    let strategy = environment.strategy();
    let target_groups = match (strategy, environment.target_group_arns.is_empty()) {
        (_, false) => environment.target_group_arns.clone(),
        (Strategy::AlbListener, true) => vec![
            format!("sandbox:{name}:tg/blue"),
            format!("sandbox:{name}:tg/green"),
        ],
        (Strategy::TargetGroup, true) => vec![format!("sandbox:{name}:tg/app")],
        (Strategy::ElasticIp, true) => Vec::new(),
    };
    Binding {
        strategy,
        listener: (strategy == Strategy::AlbListener).then(|| {
            environment
                .listener_arn
                .clone()
                .unwrap_or_else(|| format!("sandbox:{name}:listener"))
        }),
        target_groups,
        allocation_id: (strategy == Strategy::ElasticIp).then(|| {
            environment
                .elastic_ip_allocation_id
                .clone()
                .unwrap_or_else(|| format!("eipalloc-sandbox-{name}"))
        }),
    }
}

/// How `environment` launches instances of `build`.
pub fn template(environment: &EnvironmentSettings, build: &str) -> LaunchTemplate {
    match &environment.instance {
        Some(instance) => LaunchTemplate {
            instance_type: instance.instance_type.clone(),
            subnet_ids: instance.subnet_ids.clone(),
            security_group_ids: instance.security_group_ids.clone(),
            key_name: instance.key_name.clone(),
            instance_profile: instance.instance_profile.clone(),
            user_data: instance
                .user_data
                .as_deref()
                .map(|t| render_user_data(t, environment, build)),
        },
        None => LaunchTemplate {
            instance_type: "t3.small".into(),
            subnet_ids: vec!["subnet-sandbox".into()],
            security_group_ids: Vec::new(),
            key_name: None,
            instance_profile: None,
            user_data: None,
        },
    }
}

/// Fills `{{KEY}}` with the environment's config (a secret as its reference, for the
/// instance to resolve), `{{GREENLIGHT_BUILD}}` and `{{GREENLIGHT_ENVIRONMENT}}`.
pub fn render_user_data(template: &str, environment: &EnvironmentSettings, build: &str) -> String {
    let mut text = template
        .replace("{{GREENLIGHT_BUILD}}", build)
        .replace("{{GREENLIGHT_ENVIRONMENT}}", &environment.name);
    for (key, value) in &environment.config {
        let value = match value {
            ConfigValue::Plain(text) => text.as_str(),
            ConfigValue::Secret { secret } => secret.as_str(),
        };
        text = text.replace(&format!("{{{{{key}}}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_names_what_the_config_leaves_out() {
        let mut env = EnvironmentSettings::named("prod", "PROD");
        env.strategy = Some(Strategy::AlbListener);
        let b = binding(&env);
        assert_eq!(b.listener.as_deref(), Some("sandbox:prod:listener"));
        assert_eq!(b.target_groups.len(), 2);
        env.strategy = Some(Strategy::ElasticIp);
        env.elastic_ip_allocation_id = Some("eipalloc-1".into());
        let b = binding(&env);
        assert_eq!(b.allocation_id.as_deref(), Some("eipalloc-1"));
        assert!(b.target_groups.is_empty() && b.listener.is_none());
    }

    #[test]
    fn user_data_receives_config_with_secrets_as_references() {
        let mut env = EnvironmentSettings::named("prod", "PROD");
        env.config
            .insert("DB".into(), ConfigValue::Plain("postgres://db".into()));
        env.config.insert(
            "API_KEY".into(),
            ConfigValue::Secret {
                secret: "ssm:/app/key".into(),
            },
        );
        let text = render_user_data(
            "db={{DB}} key={{API_KEY}} v={{GREENLIGHT_BUILD}} env={{GREENLIGHT_ENVIRONMENT}}",
            &env,
            "1.4.2",
        );
        assert_eq!(text, "db=postgres://db key=ssm:/app/key v=1.4.2 env=prod");
    }
}
