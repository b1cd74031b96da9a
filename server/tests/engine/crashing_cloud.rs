//! A cloud that "kills the process" after a number of calls: the call that exhausts the
//! budget takes effect, then its answer never comes (as if Greenlight died waiting for it).
//! Or, made with [`CrashingCloud::panics_on_first_launch`], one whose first launch panics, as
//! a bug in a step would.

use async_trait::async_trait;
use greenlight::cloud::{
    Alarm, Cloud, CloudError, Image, Instance, LaunchSpec, Tags, TargetHealth,
};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

pub struct CrashingCloud {
    inner: Arc<dyn Cloud>,
    left: AtomicI64,
    /// Signalled when the crash happens.
    pub crashed: Notify,
    /// Whether the next launch panics; cleared when it has.
    panic_on_launch: AtomicBool,
}

impl CrashingCloud {
    pub fn new(inner: Arc<dyn Cloud>, calls: i64) -> Self {
        Self {
            inner,
            left: AtomicI64::new(calls),
            crashed: Notify::new(),
            panic_on_launch: AtomicBool::new(false),
        }
    }

    /// Never crashes, but panics in its first launch.
    pub fn panics_on_first_launch(inner: Arc<dyn Cloud>) -> Self {
        let cloud = Self::new(inner, i64::MAX);
        cloud.panic_on_launch.store(true, Ordering::SeqCst);
        cloud
    }

    /// Whether the launch panic was injected.
    pub fn has_panicked(&self) -> bool {
        !self.panic_on_launch.load(Ordering::SeqCst)
    }

    async fn call<T>(
        &self,
        call: impl Future<Output = Result<T, CloudError>>,
    ) -> Result<T, CloudError> {
        if self.left.load(Ordering::SeqCst) < 0 {
            self.crashed.notify_one();
            return std::future::pending().await;
        }
        let result = call.await;
        if self.left.fetch_sub(1, Ordering::SeqCst) <= 0 {
            self.crashed.notify_one();
            return std::future::pending().await;
        }
        result
    }
}

#[async_trait]
impl Cloud for CrashingCloud {
    async fn launch(&self, spec: &LaunchSpec) -> Result<Vec<Instance>, CloudError> {
        if self.panic_on_launch.swap(false, Ordering::SeqCst) {
            panic!("injected: a bug in the launch step");
        }
        self.call(self.inner.launch(spec)).await
    }
    async fn find_instances(&self, tags: &Tags) -> Result<Vec<Instance>, CloudError> {
        self.call(self.inner.find_instances(tags)).await
    }
    async fn terminate(&self, ids: &[String]) -> Result<(), CloudError> {
        self.call(self.inner.terminate(ids)).await
    }
    async fn create_image(
        &self,
        instance: &str,
        name: &str,
        tags: &Tags,
        no_reboot: bool,
    ) -> Result<String, CloudError> {
        self.call(self.inner.create_image(instance, name, tags, no_reboot))
            .await
    }
    async fn find_image(&self, name: &str) -> Result<Option<Image>, CloudError> {
        self.call(self.inner.find_image(name)).await
    }
    async fn register_targets(&self, group: &str, ids: &[String]) -> Result<(), CloudError> {
        self.call(self.inner.register_targets(group, ids)).await
    }
    async fn deregister_targets(&self, group: &str, ids: &[String]) -> Result<(), CloudError> {
        self.call(self.inner.deregister_targets(group, ids)).await
    }
    async fn target_health(&self, group: &str) -> Result<Vec<TargetHealth>, CloudError> {
        self.call(self.inner.target_health(group)).await
    }
    async fn forward_listener(&self, listener: &str, group: &str) -> Result<(), CloudError> {
        self.call(self.inner.forward_listener(listener, group))
            .await
    }
    async fn listener_target(&self, listener: &str) -> Result<Option<String>, CloudError> {
        self.call(self.inner.listener_target(listener)).await
    }
    async fn associate_address(&self, allocation: &str, instance: &str) -> Result<(), CloudError> {
        self.call(self.inner.associate_address(allocation, instance))
            .await
    }
    async fn address_instance(&self, allocation: &str) -> Result<Option<String>, CloudError> {
        self.call(self.inner.address_instance(allocation)).await
    }
    async fn alarms(&self, names: &[String]) -> Result<Vec<Alarm>, CloudError> {
        self.call(self.inner.alarms(names)).await
    }
    async fn status_checks(
        &self,
    ) -> Result<Vec<(String, greenlight::cloud::StatusChecks)>, CloudError> {
        self.call(self.inner.status_checks()).await
    }
    async fn metric_data(
        &self,
        queries: &[greenlight::cloud::MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Result<Vec<greenlight::cloud::MetricPoints>, CloudError> {
        self.call(self.inner.metric_data(queries, start_ms, end_ms, period_s))
            .await
    }
    async fn load_balancer_of(&self, target_group: &str) -> Result<Option<String>, CloudError> {
        self.call(self.inner.load_balancer_of(target_group)).await
    }
    async fn parameter(&self, name: &str) -> Result<greenlight::cloud::ParameterValue, CloudError> {
        self.call(self.inner.parameter(name)).await
    }
}
