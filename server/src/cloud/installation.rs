//! One installation's view of the cloud: everything it launches or images carries its
//! installation id ([`super::tag::INSTALLATION`]), every lookup by tag sees only what carries
//! it, and it refuses (and logs) to terminate an instance that does not: deployment ids
//! restart at 1 with a new database, so without this a second installation in the same
//! account could adopt, and later terminate, instances that are not its own.

use super::{
    tag, Alarm, Cloud, CloudError, Image, Instance, LaunchSpec, StatusChecks, Tags, TargetHealth,
};
use async_trait::async_trait;
use std::sync::Arc;

/// A cloud scoped to one installation.
pub struct InstallationCloud {
    inner: Arc<dyn Cloud>,
    installation: String,
}

impl InstallationCloud {
    /// `inner`, scoped to `installation`.
    pub fn new(inner: Arc<dyn Cloud>, installation: &str) -> Self {
        Self {
            inner,
            installation: installation.to_owned(),
        }
    }

    fn scoped(&self, tags: &Tags) -> Tags {
        let mut tags = tags.clone();
        tags.insert(tag::INSTALLATION.to_owned(), self.installation.clone());
        tags
    }
}

#[async_trait]
impl Cloud for InstallationCloud {
    async fn launch(&self, spec: &LaunchSpec) -> Result<Vec<Instance>, CloudError> {
        let mut spec = spec.clone();
        spec.tags = self.scoped(&spec.tags);
        self.inner.launch(&spec).await
    }
    async fn find_instances(&self, tags: &Tags) -> Result<Vec<Instance>, CloudError> {
        self.inner.find_instances(&self.scoped(tags)).await
    }
    async fn terminate(&self, instance_ids: &[String]) -> Result<(), CloudError> {
        let ours: Vec<String> = self
            .inner
            .find_instances(&self.scoped(&Tags::new()))
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect();
        let (mine, others): (Vec<String>, Vec<String>) = instance_ids
            .iter()
            .cloned()
            .partition(|id| ours.contains(id));
        if !others.is_empty() {
            // Not ours: refused if it exists; one the cloud no longer knows is already gone.
            let existing = self.inner.find_instances(&Tags::new()).await?;
            if let Some(foreign) = others
                .iter()
                .find(|id| existing.iter().any(|i| &i.id == *id))
            {
                tracing::error!(instance = %foreign, installation = %self.installation, "refused to terminate an instance this installation did not launch");
                return Err(CloudError::Rejected(format!(
                    "instance {foreign} was not launched by this installation of Greenlight"
                )));
            }
        }
        if mine.is_empty() {
            return Ok(());
        }
        self.inner.terminate(&mine).await
    }
    async fn create_image(
        &self,
        instance_id: &str,
        name: &str,
        tags: &Tags,
        no_reboot: bool,
    ) -> Result<String, CloudError> {
        self.inner
            .create_image(instance_id, name, &self.scoped(tags), no_reboot)
            .await
    }
    async fn find_image(&self, name: &str) -> Result<Option<Image>, CloudError> {
        self.inner.find_image(name).await
    }
    async fn register_targets(&self, group: &str, ids: &[String]) -> Result<(), CloudError> {
        self.inner.register_targets(group, ids).await
    }
    async fn deregister_targets(&self, group: &str, ids: &[String]) -> Result<(), CloudError> {
        self.inner.deregister_targets(group, ids).await
    }
    async fn target_health(&self, group: &str) -> Result<Vec<TargetHealth>, CloudError> {
        self.inner.target_health(group).await
    }
    async fn forward_listener(&self, listener: &str, group: &str) -> Result<(), CloudError> {
        self.inner.forward_listener(listener, group).await
    }
    async fn listener_target(&self, listener: &str) -> Result<Option<String>, CloudError> {
        self.inner.listener_target(listener).await
    }
    async fn associate_address(&self, allocation: &str, instance: &str) -> Result<(), CloudError> {
        self.inner.associate_address(allocation, instance).await
    }
    async fn address_instance(&self, allocation: &str) -> Result<Option<String>, CloudError> {
        self.inner.address_instance(allocation).await
    }
    async fn alarms(&self, names: &[String]) -> Result<Vec<Alarm>, CloudError> {
        self.inner.alarms(names).await
    }

    async fn status_checks(&self) -> Result<Vec<(String, StatusChecks)>, CloudError> {
        self.inner.status_checks().await
    }

    async fn metric_data(
        &self,
        queries: &[crate::cloud::MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Result<Vec<crate::cloud::MetricPoints>, CloudError> {
        self.inner
            .metric_data(queries, start_ms, end_ms, period_s)
            .await
    }

    async fn load_balancer_of(&self, target_group: &str) -> Result<Option<String>, CloudError> {
        self.inner.load_balancer_of(target_group).await
    }

    async fn parameter(&self, name: &str) -> Result<super::ParameterValue, CloudError> {
        self.inner.parameter(name).await
    }
}
