//! The cloud behind the fleets. For now: building the AWS SDK clients from `[cloud]`
//! (region, optional emulator endpoint, credentials from the standard chain). The deployment
//! engine adds the port trait and its `aws` and `sandbox` adapters on top.

use crate::config::CloudSettings;

/// The AWS SDK clients Greenlight uses.
#[derive(Debug, Clone)]
pub struct AwsClients {
    /// EC2: instances, images, addresses.
    pub ec2: aws_sdk_ec2::Client,
    /// ELBv2: target groups and listeners.
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    /// CloudWatch: alarms and metrics.
    pub cloudwatch: aws_sdk_cloudwatch::Client,
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
    let config = loader.load().await;
    AwsClients {
        ec2: aws_sdk_ec2::Client::new(&config),
        elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
        cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
    }
}
