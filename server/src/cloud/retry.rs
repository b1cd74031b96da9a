//! Retries in front of any cloud adapter: throttling and 5xx are retried with exponential
//! backoff and full jitter (backon); "not found", rejections and the last failure pass through
//! for the engine to judge (right after a launch, "not found" means "not yet visible").

use super::{
    Alarm, Cloud, CloudError, Image, Instance, LaunchSpec, StatusChecks, Tags, TargetHealth,
};
use async_trait::async_trait;
use backon::{ExponentialBuilder, Retryable};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// First delay.
    pub min_delay: Duration,
    /// Longest delay.
    pub max_delay: Duration,
    /// Retries after the first attempt.
    pub max_retries: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            max_retries: 8,
        }
    }
}

/// A cloud whose calls are retried per [`RetryPolicy`].
pub struct RetryingCloud {
    inner: Arc<dyn Cloud>,
    policy: RetryPolicy,
}

impl RetryingCloud {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Cloud>, policy: RetryPolicy) -> Self {
        Self { inner, policy }
    }

    async fn retry<T, F, Fut>(&self, operation: &'static str, call: F) -> Result<T, CloudError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, CloudError>>,
    {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.policy.min_delay)
            .with_max_delay(self.policy.max_delay)
            .with_max_times(self.policy.max_retries)
            .with_jitter();
        call.retry(backoff)
            .sleep(tokio::time::sleep)
            .when(CloudError::is_retryable)
            .notify(
                |error, delay| tracing::debug!(operation, %error, ?delay, "retrying cloud call"),
            )
            .await
    }
}

#[async_trait]
impl Cloud for RetryingCloud {
    async fn launch(&self, spec: &LaunchSpec) -> Result<Vec<Instance>, CloudError> {
        // Safe to repeat: the client token makes a relaunch return the same instances.
        self.retry("launch", || self.inner.launch(spec)).await
    }
    async fn find_instances(&self, tags: &Tags) -> Result<Vec<Instance>, CloudError> {
        self.retry("find_instances", || self.inner.find_instances(tags))
            .await
    }
    async fn terminate(&self, instance_ids: &[String]) -> Result<(), CloudError> {
        self.retry("terminate", || self.inner.terminate(instance_ids))
            .await
    }
    async fn create_image(
        &self,
        instance_id: &str,
        name: &str,
        tags: &Tags,
        no_reboot: bool,
    ) -> Result<String, CloudError> {
        self.retry("create_image", || {
            self.inner.create_image(instance_id, name, tags, no_reboot)
        })
        .await
    }
    async fn find_image(&self, name: &str) -> Result<Option<Image>, CloudError> {
        self.retry("find_image", || self.inner.find_image(name))
            .await
    }
    async fn register_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError> {
        self.retry("register_targets", || {
            self.inner.register_targets(target_group, instance_ids)
        })
        .await
    }
    async fn deregister_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError> {
        self.retry("deregister_targets", || {
            self.inner.deregister_targets(target_group, instance_ids)
        })
        .await
    }
    async fn target_health(&self, target_group: &str) -> Result<Vec<TargetHealth>, CloudError> {
        self.retry("target_health", || self.inner.target_health(target_group))
            .await
    }
    async fn forward_listener(&self, listener: &str, target_group: &str) -> Result<(), CloudError> {
        self.retry("forward_listener", || {
            self.inner.forward_listener(listener, target_group)
        })
        .await
    }
    async fn listener_target(&self, listener: &str) -> Result<Option<String>, CloudError> {
        self.retry("listener_target", || self.inner.listener_target(listener))
            .await
    }
    async fn associate_address(
        &self,
        allocation_id: &str,
        instance_id: &str,
    ) -> Result<(), CloudError> {
        self.retry("associate_address", || {
            self.inner.associate_address(allocation_id, instance_id)
        })
        .await
    }
    async fn address_instance(&self, allocation_id: &str) -> Result<Option<String>, CloudError> {
        self.retry("address_instance", || {
            self.inner.address_instance(allocation_id)
        })
        .await
    }
    async fn alarms(&self, names: &[String]) -> Result<Vec<Alarm>, CloudError> {
        self.retry("alarms", || self.inner.alarms(names)).await
    }

    async fn status_checks(&self) -> Result<Vec<(String, StatusChecks)>, CloudError> {
        self.retry("status_checks", || self.inner.status_checks())
            .await
    }

    async fn metric_data(
        &self,
        queries: &[crate::cloud::MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Result<Vec<crate::cloud::MetricPoints>, CloudError> {
        self.retry("metric_data", || {
            self.inner.metric_data(queries, start_ms, end_ms, period_s)
        })
        .await
    }

    async fn load_balancer_of(&self, target_group: &str) -> Result<Option<String>, CloudError> {
        self.retry("load_balancer_of", || {
            self.inner.load_balancer_of(target_group)
        })
        .await
    }

    async fn parameter(&self, name: &str) -> Result<super::ParameterValue, CloudError> {
        self.retry("parameter", || self.inner.parameter(name)).await
    }
}
