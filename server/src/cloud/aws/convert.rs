//! Between the SDK's types and the port's: error classification (throttling and 5xx retry,
//! "not found" is not-found), instances, tag specifications, target descriptions, user data.

use crate::cloud::{CloudError, Instance, InstanceState, Tags};
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types as ec2;
use aws_sdk_elasticloadbalancingv2::types as elb;

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "SlowDown",
];

/// Sorts an SDK failure into retryable, not found and rejected.
pub(super) fn classify<E: ProvideErrorMetadata + std::fmt::Debug>(
    operation: &str,
    error: SdkError<E>,
) -> CloudError {
    let code = error.code().unwrap_or_default().to_owned();
    let message = format!(
        "{operation}: {code} {}",
        error.message().unwrap_or_default()
    )
    .trim()
    .to_owned();
    match &error {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            if THROTTLING.contains(&code.as_str()) || status == 429 {
                CloudError::Throttled(message)
            } else if code.contains("NotFound") {
                CloudError::NotFound(message)
            } else if status >= 500 {
                CloudError::Unavailable(message)
            } else {
                CloudError::Rejected(message)
            }
        }
        SdkError::ConstructionFailure(_) => {
            CloudError::Rejected(format!("{operation}: request could not be built"))
        }
        _ => CloudError::Unavailable(
            format!("{operation}: no answer ({error:?})")
                .chars()
                .take(300)
                .collect(),
        ),
    }
}

pub(super) fn instance(raw: &ec2::Instance) -> Instance {
    let state = match raw.state().and_then(|s| s.name()) {
        Some(ec2::InstanceStateName::Running) => InstanceState::Running,
        Some(ec2::InstanceStateName::ShuttingDown) => InstanceState::ShuttingDown,
        Some(ec2::InstanceStateName::Terminated) => InstanceState::Terminated,
        Some(ec2::InstanceStateName::Stopped | ec2::InstanceStateName::Stopping) => {
            InstanceState::Stopped
        }
        _ => InstanceState::Pending,
    };
    let tags = raw
        .tags()
        .iter()
        .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
        .collect();
    Instance {
        id: raw.instance_id().unwrap_or_default().to_owned(),
        image_id: raw.image_id().unwrap_or_default().to_owned(),
        state,
        tags,
    }
}

pub(super) fn tag_spec(resource: ec2::ResourceType, tags: &Tags) -> ec2::TagSpecification {
    let mut spec = ec2::TagSpecification::builder().resource_type(resource);
    for (key, value) in tags {
        spec = spec.tags(ec2::Tag::builder().key(key).value(value).build());
    }
    spec.build()
}

pub(super) fn targets(instance_ids: &[String]) -> Vec<elb::TargetDescription> {
    instance_ids
        .iter()
        .map(|id| elb::TargetDescription::builder().id(id).build())
        .collect()
}

/// Standard base64, as EC2 wants user data.
pub(super) fn base64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn user_data_is_standard_base64() {
        assert_eq!(base64("#!/bin/sh\necho hi\n"), "IyEvYmluL3NoCmVjaG8gaGkK");
    }
}
