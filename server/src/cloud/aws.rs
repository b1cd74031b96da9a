//! The `aws` adapter: the SDK clients built from `[cloud]` (region, optional emulator
//! endpoint, credentials from the standard chain). Its implementation of [`super::Cloud`]
//! comes with the deployment engine; today the clients are built and configured at start-up.

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
