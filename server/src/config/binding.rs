//! From an environment's settings to the parts of a deployment plan they decide: where traffic
//! switches ([`Binding`]) and how instances launch ([`LaunchTemplate`], with the user data
//! rendered). Only what is configured: a sandbox fills in its own names at start-up.

use super::{ConfigValue, EnvironmentSettings};
use app::domain::plan::{Binding, LaunchTemplate};
use app::domain::Strategy;

impl EnvironmentSettings {
    /// Where this environment's traffic switches.
    pub fn binding(&self) -> Binding {
        let strategy = self.strategy();
        Binding {
            strategy,
            listener: self
                .listener_arn
                .clone()
                .filter(|_| strategy == Strategy::AlbListener),
            target_groups: self.target_group_arns.clone(),
            allocation_id: self
                .elastic_ip_allocation_id
                .clone()
                .filter(|_| strategy == Strategy::ElasticIp),
        }
    }

    /// How this environment launches instances of `build` (its artifact URL, for a build
    /// registered as base image + artifact), or `None` when no `[environments.instance]` is
    /// configured.
    pub fn launch_template(
        &self,
        build: &str,
        artifact_url: Option<&str>,
    ) -> Option<LaunchTemplate> {
        let instance = self.instance.as_ref()?;
        Some(LaunchTemplate {
            instance_type: instance.instance_type.clone(),
            subnet_ids: instance.subnet_ids.clone(),
            security_group_ids: instance.security_group_ids.clone(),
            key_name: instance.key_name.clone(),
            instance_profile: instance.instance_profile.clone(),
            user_data: instance
                .user_data
                .as_deref()
                .map(|t| self.render_user_data(t, build, artifact_url)),
        })
    }

    /// Fills `{{KEY}}` with the environment's config (a secret as its reference, for the
    /// instance to resolve), `{{GREENLIGHT_BUILD}}`, `{{GREENLIGHT_ENVIRONMENT}}` and
    /// `{{GREENLIGHT_ARTIFACT_URL}}` (where the instance downloads the build from; empty for
    /// a build that is a ready image).
    pub fn render_user_data(
        &self,
        template: &str,
        build: &str,
        artifact_url: Option<&str>,
    ) -> String {
        let mut text = template
            .replace("{{GREENLIGHT_BUILD}}", build)
            .replace(
                "{{GREENLIGHT_ARTIFACT_URL}}",
                artifact_url.unwrap_or_default(),
            )
            .replace("{{GREENLIGHT_ENVIRONMENT}}", self.name.as_str());
        for (key, value) in &self.config {
            let value = match value {
                ConfigValue::Plain(text) => text.as_str(),
                ConfigValue::Secret { secret } => secret.as_str(),
            };
            text = text.replace(&format!("{{{{{key}}}}}"), value);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binding_holds_only_what_its_strategy_uses() {
        let mut env = EnvironmentSettings::named("prod", "PROD");
        env.strategy = Some(Strategy::AlbListener);
        env.listener_arn = Some("arn:listener".into());
        env.elastic_ip_allocation_id = Some("eipalloc-1".into());
        let b = env.binding();
        assert_eq!(b.listener.as_deref(), Some("arn:listener"));
        assert!(b.allocation_id.is_none());
        env.strategy = Some(Strategy::ElasticIp);
        let b = env.binding();
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
        let text = env.render_user_data(
            "db={{DB}} key={{API_KEY}} v={{GREENLIGHT_BUILD}} env={{GREENLIGHT_ENVIRONMENT}}",
            "1.4.2",
            None,
        );
        assert_eq!(text, "db=postgres://db key=ssm:/app/key v=1.4.2 env=prod");
    }

    #[test]
    fn user_data_receives_the_artifact_url_of_a_base_image_build() {
        let env = EnvironmentSettings::named("prod", "PROD");
        let template = "curl -fsSL '{{GREENLIGHT_ARTIFACT_URL}}' -o /opt/app.tar.gz";
        let url = "https://artifacts.example.com/app-1.4.2.tar.gz";
        assert_eq!(
            env.render_user_data(template, "1.4.2", Some(url)),
            format!("curl -fsSL '{url}' -o /opt/app.tar.gz")
        );
        assert_eq!(
            env.render_user_data(template, "1.4.2", None),
            "curl -fsSL '' -o /opt/app.tar.gz"
        );
    }
}
