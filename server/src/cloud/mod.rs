//! The one port to the cloud: what the deployment engine needs from AWS, as a small
//! object-safe trait, with two adapters: [`aws`] (the SDK clients) and [`sandbox`] (an
//! in-process simulated fleet with realistic timings and fault injection). The same contract
//! tests run against both.

pub mod aws;
pub mod installation;
pub mod metric_query;
pub mod retry;
pub mod sandbox;

pub use metric_query::{MetricPoints, MetricQuery};

use async_trait::async_trait;
use std::collections::BTreeMap;

/// Tag keys Greenlight puts on everything it creates, so that a restarted engine can find
/// what it launched.
pub mod tag {
    /// The environment name.
    pub const ENVIRONMENT: &str = "greenlight:environment";
    /// The deployment id.
    pub const DEPLOYMENT: &str = "greenlight:deployment";
    /// The build version.
    pub const BUILD: &str = "greenlight:build";
    /// `blue` or `green`.
    pub const FLEET: &str = "greenlight:fleet";
    /// The installation that created it (only it adopts or terminates it).
    pub const INSTALLATION: &str = "greenlight:installation";
}

/// Key/value tags.
pub type Tags = BTreeMap<String, String>;

/// What to launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchSpec {
    /// The image.
    pub image_id: String,
    /// e.g. `t3.small`.
    pub instance_type: String,
    /// How many.
    pub count: u32,
    /// Subnets (the first is used).
    pub subnet_ids: Vec<String>,
    /// Security groups.
    pub security_group_ids: Vec<String>,
    /// SSH key pair.
    pub key_name: Option<String>,
    /// Instance profile name.
    pub instance_profile: Option<String>,
    /// Rendered user data.
    pub user_data: Option<String>,
    /// Tags for the instances.
    pub tags: Tags,
    /// Idempotency token: the same token never launches twice (where the cloud honours it).
    pub client_token: String,
}

/// An instance's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstanceState {
    /// Booting.
    Pending,
    /// Up.
    Running,
    /// Being terminated.
    ShuttingDown,
    /// Gone.
    Terminated,
    /// Stopped (Greenlight never stops instances, but others might).
    Stopped,
}

/// An instance as the cloud reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// `i-…`.
    pub id: String,
    /// The image it runs.
    pub image_id: String,
    /// Its state.
    pub state: InstanceState,
    /// Its tags.
    pub tags: Tags,
    /// e.g. `t3.small`.
    pub instance_type: String,
    /// Its availability zone, once placed.
    pub zone: Option<String>,
    /// When it was launched (milliseconds since the epoch).
    pub launched_at_ms: Option<i64>,
    /// Its private address, for reaching it from inside the network.
    pub private_ip: Option<String>,
}

/// An instance's EC2 status checks (instance and system reachability) together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusChecks {
    /// Both pass.
    Passed,
    /// One of them fails.
    Failed,
    /// Not decided yet (initializing, insufficient data).
    Pending,
}

/// A target's health in a target group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetState {
    /// Registered, health checks not yet passed.
    Initial,
    /// Serving.
    Healthy,
    /// Failing health checks.
    Unhealthy,
    /// Deregistered, finishing in-flight requests.
    Draining,
    /// Not serving (e.g. the instance is stopped).
    Unused,
}

/// One target of a target group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealth {
    /// The instance.
    pub instance_id: String,
    /// Its state.
    pub state: TargetState,
    /// AWS's reason code when not healthy, e.g. `Target.Timeout`.
    pub reason: Option<String>,
    /// AWS's description of the reason.
    pub description: Option<String>,
}

/// An image's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageState {
    /// Being created.
    Pending,
    /// Ready to launch from.
    Available,
    /// Creation failed.
    Failed,
}

/// An image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// `ami-…`.
    pub id: String,
    /// Its unique name.
    pub name: String,
    /// Its state.
    pub state: ImageState,
}

/// A CloudWatch alarm's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlarmState {
    /// Fine.
    Ok,
    /// Firing.
    Alarm,
    /// Not enough data to decide.
    InsufficientData,
}

/// A CloudWatch alarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    /// Its name.
    pub name: String,
    /// Its state.
    pub state: AlarmState,
    /// When it entered that state (milliseconds since the epoch).
    pub since_ms: Option<i64>,
}

/// A parameter's value as read from the parameter store, for hashing at once: its `Debug`
/// never shows the value, and the memory is wiped when it is dropped.
pub struct ParameterValue {
    /// The parameter's version (1 for the first value, one more for each put).
    pub version: i64,
    /// The value, decrypted.
    pub value: zeroize::Zeroizing<String>,
}

impl std::fmt::Debug for ParameterValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParameterValue")
            .field("version", &self.version)
            .field("value", &"(not shown)")
            .finish()
    }
}

/// Why a cloud call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    /// Rate limited: retry with backoff.
    #[error("throttled: {0}")]
    Throttled(String),
    /// The service failed (5xx, timeout): retry with backoff.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// No such resource (right after a launch this may mean "not yet visible").
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is wrong and retrying will not help.
    #[error("rejected: {0}")]
    Rejected(String),
}

impl CloudError {
    /// Whether retrying (with backoff) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, CloudError::Throttled(_) | CloudError::Unavailable(_))
    }
}

/// What the deployment engine needs from the cloud.
#[async_trait]
pub trait Cloud: Send + Sync + 'static {
    /// Launches instances. Launching again with the same client token returns the same
    /// instances rather than new ones (where the cloud honours tokens; the engine also looks
    /// instances up by tag before launching).
    async fn launch(&self, spec: &LaunchSpec) -> Result<Vec<Instance>, CloudError>;
    /// Instances carrying every given tag, terminated ones included.
    async fn find_instances(&self, tags: &Tags) -> Result<Vec<Instance>, CloudError>;
    /// Terminates instances; terminating a terminated instance is not an error.
    async fn terminate(&self, instance_ids: &[String]) -> Result<(), CloudError>;
    /// Starts creating an image named `name` from an instance; returns its id. Unless
    /// `no_reboot`, the instance is shut down and rebooted for a consistent file system (so it
    /// must not serve meanwhile); with it, it keeps running and the image is crash-consistent.
    async fn create_image(
        &self,
        instance_id: &str,
        name: &str,
        tags: &Tags,
        no_reboot: bool,
    ) -> Result<String, CloudError>;
    /// The image with this name, if any (names are unique per account and region).
    async fn find_image(&self, name: &str) -> Result<Option<Image>, CloudError>;
    /// Registers instances with a target group (idempotent).
    async fn register_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError>;
    /// Deregisters instances from a target group (idempotent; they drain first).
    async fn deregister_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError>;
    /// The health of every target of a target group.
    async fn target_health(&self, target_group: &str) -> Result<Vec<TargetHealth>, CloudError>;
    /// Points a listener's default forward action at one target group, in one call.
    async fn forward_listener(&self, listener: &str, target_group: &str) -> Result<(), CloudError>;
    /// The target group a listener forwards to.
    async fn listener_target(&self, listener: &str) -> Result<Option<String>, CloudError>;
    /// Associates an Elastic IP with an instance (moving it if needed).
    async fn associate_address(
        &self,
        allocation_id: &str,
        instance_id: &str,
    ) -> Result<(), CloudError>;
    /// The instance an Elastic IP is associated with.
    async fn address_instance(&self, allocation_id: &str) -> Result<Option<String>, CloudError>;
    /// The named alarms and their states (unknown names are left out). Asked in batches of
    /// 100 names, DescribeAlarms' limit.
    async fn alarms(&self, names: &[String]) -> Result<Vec<Alarm>, CloudError>;
    /// The EC2 status checks of every running instance of the account, paged at 1000 (one
    /// read serves every environment: DescribeInstanceStatus cannot filter by tag, and
    /// naming ids would cost a call per 100).
    async fn status_checks(&self) -> Result<Vec<(String, StatusChecks)>, CloudError>;
    /// The points of each query between `start_ms` and `end_ms`, one per `period_s`, asked in
    /// as few GetMetricData calls as the 500-query limit allows.
    async fn metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Result<Vec<MetricPoints>, CloudError>;
    /// The load balancer a target group serves (its ALB metrics are published per pair).
    async fn load_balancer_of(&self, target_group: &str) -> Result<Option<String>, CloudError>;
    /// A parameter of the parameter store (SSM), decrypted, with its version. Only for
    /// hashing: the caller drops the value at once.
    async fn parameter(&self, name: &str) -> Result<ParameterValue, CloudError>;
}
