//! The `aws` adapter: the port implemented with the official SDK clients, built from
//! `[cloud]` (region, optional emulator endpoint, credentials from the standard chain).
//! The SDK retries throttling and 5xx itself (standard mode, backoff with jitter); what still
//! fails is classified into [`CloudError`] so the engine can retry or stop ([`convert`]).
//! This file is the port's implementation, one trait impl kept whole so each call reads
//! beside the others.

mod calls;
mod convert;
mod metrics;
mod parameters;

pub use calls::CallCounter;

use super::{
    Alarm, Cloud, CloudError, Image, ImageState, Instance, LaunchSpec, StatusChecks, Tags,
    TargetHealth,
};
use crate::config::CloudSettings;
use async_trait::async_trait;
use aws_sdk_ec2::types as ec2;
use aws_sdk_elasticloadbalancingv2::types as elb;
use convert::{alarm, base64, classify, instance, status_checks, tag_spec, target_health, targets};

/// The AWS SDK clients Greenlight uses.
#[derive(Debug, Clone)]
pub struct AwsClients {
    /// EC2: instances, images, addresses.
    pub ec2: aws_sdk_ec2::Client,
    /// ELBv2: target groups and listeners.
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    /// CloudWatch: alarms and metrics.
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// Systems Manager: parameters that config secrets refer to.
    pub ssm: aws_sdk_ssm::Client,
    /// Requests the four sent, by operation.
    pub calls: CallCounter,
}

impl AwsClients {
    /// Clients sharing one SDK configuration, their requests counted.
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        let calls = CallCounter::default();
        Self {
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(
                aws_sdk_elasticloadbalancingv2::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                aws_sdk_cloudwatch::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            ssm: aws_sdk_ssm::Client::from_conf(
                aws_sdk_ssm::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            calls,
        }
    }
}

/// Builds the clients for `settings` (region required; endpoint optional).
pub async fn aws_clients(settings: &CloudSettings) -> AwsClients {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(region) = &settings.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(endpoint) = &settings.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    AwsClients::from_config(&loader.load().await)
}

#[async_trait]
impl Cloud for AwsClients {
    async fn launch(&self, spec: &LaunchSpec) -> Result<Vec<Instance>, CloudError> {
        let count = i32::try_from(spec.count)
            .map_err(|_| CloudError::Rejected("count too large".into()))?;
        let mut request = self
            .ec2
            .run_instances()
            .image_id(&spec.image_id)
            .instance_type(ec2::InstanceType::from(spec.instance_type.as_str()))
            .min_count(count)
            .max_count(count)
            .client_token(&spec.client_token)
            .set_subnet_id(spec.subnet_ids.first().cloned())
            .set_security_group_ids(Some(spec.security_group_ids.clone()).filter(|g| !g.is_empty()))
            .set_key_name(spec.key_name.clone())
            .set_user_data(spec.user_data.as_deref().map(base64))
            .tag_specifications(tag_spec(ec2::ResourceType::Instance, &spec.tags));
        if let Some(profile) = &spec.instance_profile {
            request = request.iam_instance_profile(
                ec2::IamInstanceProfileSpecification::builder()
                    .name(profile)
                    .build(),
            );
        }
        let output = request
            .send()
            .await
            .map_err(|e| classify("RunInstances", e))?;
        Ok(output.instances().iter().map(instance).collect())
    }

    async fn find_instances(&self, tags: &Tags) -> Result<Vec<Instance>, CloudError> {
        let mut request = self.ec2.describe_instances().max_results(1000);
        for (key, value) in tags {
            request = request.filters(
                ec2::Filter::builder()
                    .name(format!("tag:{key}"))
                    .values(value)
                    .build(),
            );
        }
        let mut pages = request.into_paginator().send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("DescribeInstances", e))?;
            for reservation in page.reservations() {
                found.extend(reservation.instances().iter().map(instance));
            }
        }
        Ok(found)
    }

    async fn terminate(&self, instance_ids: &[String]) -> Result<(), CloudError> {
        if instance_ids.is_empty() {
            return Ok(());
        }
        self.ec2
            .terminate_instances()
            .set_instance_ids(Some(instance_ids.to_vec()))
            .send()
            .await
            .map_err(|e| classify("TerminateInstances", e))?;
        Ok(())
    }

    async fn create_image(
        &self,
        instance_id: &str,
        name: &str,
        tags: &Tags,
        no_reboot: bool,
    ) -> Result<String, CloudError> {
        // Sent either way, so the request says what was meant rather than leaving it to the
        // default (which reboots).
        let mut request = self
            .ec2
            .create_image()
            .instance_id(instance_id)
            .name(name)
            .no_reboot(no_reboot);
        if !tags.is_empty() {
            request = request.tag_specifications(tag_spec(ec2::ResourceType::Image, tags));
        }
        let output = request
            .send()
            .await
            .map_err(|e| classify("CreateImage", e))?;
        output
            .image_id()
            .map(str::to_owned)
            .ok_or_else(|| CloudError::Unavailable("CreateImage: no image id".into()))
    }

    async fn find_image(&self, name: &str) -> Result<Option<Image>, CloudError> {
        let output = self
            .ec2
            .describe_images()
            .owners("self")
            .filters(ec2::Filter::builder().name("name").values(name).build())
            .send()
            .await
            .map_err(|e| classify("DescribeImages", e))?;
        Ok(output.images().first().map(|image| Image {
            id: image.image_id().unwrap_or_default().to_owned(),
            name: image.name().unwrap_or_default().to_owned(),
            state: match image.state() {
                Some(ec2::ImageState::Available) => ImageState::Available,
                Some(
                    ec2::ImageState::Failed | ec2::ImageState::Error | ec2::ImageState::Invalid,
                ) => ImageState::Failed,
                _ => ImageState::Pending,
            },
        }))
    }

    async fn register_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError> {
        self.elb
            .register_targets()
            .target_group_arn(target_group)
            .set_targets(Some(targets(instance_ids)))
            .send()
            .await
            .map_err(|e| classify("RegisterTargets", e))?;
        Ok(())
    }

    async fn deregister_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError> {
        self.elb
            .deregister_targets()
            .target_group_arn(target_group)
            .set_targets(Some(targets(instance_ids)))
            .send()
            .await
            .map_err(|e| classify("DeregisterTargets", e))?;
        Ok(())
    }

    async fn target_health(&self, target_group: &str) -> Result<Vec<TargetHealth>, CloudError> {
        let output = self
            .elb
            .describe_target_health()
            .target_group_arn(target_group)
            .send()
            .await
            .map_err(|e| classify("DescribeTargetHealth", e))?;
        Ok(output
            .target_health_descriptions()
            .iter()
            .filter_map(target_health)
            .collect())
    }

    async fn forward_listener(&self, listener: &str, target_group: &str) -> Result<(), CloudError> {
        let action = elb::Action::builder()
            .r#type(elb::ActionTypeEnum::Forward)
            .target_group_arn(target_group)
            .build();
        self.elb
            .modify_listener()
            .listener_arn(listener)
            .default_actions(action)
            .send()
            .await
            .map_err(|e| classify("ModifyListener", e))?;
        Ok(())
    }

    async fn listener_target(&self, listener: &str) -> Result<Option<String>, CloudError> {
        let output = self
            .elb
            .describe_listeners()
            .listener_arns(listener)
            .send()
            .await
            .map_err(|e| classify("DescribeListeners", e))?;
        Ok(output
            .listeners()
            .first()
            .and_then(|l| {
                l.default_actions()
                    .iter()
                    .find_map(|a| a.target_group_arn())
            })
            .map(str::to_owned))
    }

    async fn associate_address(
        &self,
        allocation_id: &str,
        instance_id: &str,
    ) -> Result<(), CloudError> {
        self.ec2
            .associate_address()
            .allocation_id(allocation_id)
            .instance_id(instance_id)
            .allow_reassociation(true)
            .send()
            .await
            .map_err(|e| classify("AssociateAddress", e))?;
        Ok(())
    }

    async fn address_instance(&self, allocation_id: &str) -> Result<Option<String>, CloudError> {
        let output = self
            .ec2
            .describe_addresses()
            .allocation_ids(allocation_id)
            .send()
            .await
            .map_err(|e| classify("DescribeAddresses", e))?;
        Ok(output
            .addresses()
            .first()
            .and_then(|a| a.instance_id())
            .map(str::to_owned))
    }

    async fn alarms(&self, names: &[String]) -> Result<Vec<Alarm>, CloudError> {
        let mut found = Vec::new();
        // DescribeAlarms takes at most 100 names a call.
        for batch in names.chunks(100) {
            let output = self
                .cloudwatch
                .describe_alarms()
                .set_alarm_names(Some(batch.to_vec()))
                .max_records(100)
                .send()
                .await
                .map_err(|e| classify("DescribeAlarms", e))?;
            found.extend(output.metric_alarms().iter().map(alarm));
        }
        Ok(found)
    }

    async fn status_checks(&self) -> Result<Vec<(String, StatusChecks)>, CloudError> {
        let mut pages = self
            .ec2
            .describe_instance_status()
            .max_results(1000)
            .into_paginator()
            .send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("DescribeInstanceStatus", e))?;
            found.extend(page.instance_statuses().iter().filter_map(status_checks));
        }
        Ok(found)
    }

    async fn metric_data(
        &self,
        queries: &[crate::cloud::MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Result<Vec<crate::cloud::MetricPoints>, CloudError> {
        self.get_metric_data(queries, start_ms, end_ms, period_s)
            .await
    }

    async fn load_balancer_of(&self, target_group: &str) -> Result<Option<String>, CloudError> {
        self.describe_load_balancer_of(target_group).await
    }

    async fn parameter(&self, name: &str) -> Result<super::ParameterValue, CloudError> {
        self.get_parameter(name).await
    }
}
