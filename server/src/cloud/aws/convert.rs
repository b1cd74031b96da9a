//! Between the SDK's types and the port's: error classification (throttling and 5xx retry,
//! "not found" is not-found), instances, tag specifications, target descriptions, user data.

use crate::cloud::{
    Alarm, AlarmState, CloudError, Instance, InstanceState, StatusChecks, Tags, TargetHealth,
    TargetState,
};
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
    let classified = sort(operation, error);
    let kind = match &classified {
        CloudError::Throttled(_) => "throttled",
        CloudError::Unavailable(_) => "unavailable",
        CloudError::NotFound(_) => "not_found",
        CloudError::Rejected(_) => "rejected",
    };
    metrics::counter!(
        crate::telemetry::CLOUD_ERRORS,
        "operation" => operation.to_owned(),
        "kind" => kind
    )
    .increment(1);
    classified
}

fn sort<E: ProvideErrorMetadata + std::fmt::Debug>(
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
        instance_type: raw
            .instance_type()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        zone: raw
            .placement()
            .and_then(|p| p.availability_zone())
            .map(str::to_owned),
        launched_at_ms: raw.launch_time().and_then(epoch_ms),
        private_ip: raw.private_ip_address().map(str::to_owned),
    }
}

fn epoch_ms(at: &aws_sdk_ec2::primitives::DateTime) -> Option<i64> {
    at.to_millis().ok()
}

/// A target's health with AWS's reason code and description.
pub(super) fn target_health(raw: &elb::TargetHealthDescription) -> Option<TargetHealth> {
    let instance_id = raw
        .target()
        .and_then(|t| t.id())
        .filter(|id| !id.is_empty())?;
    let health = raw.target_health();
    let state = match health.and_then(|h| h.state()) {
        Some(elb::TargetHealthStateEnum::Healthy) => TargetState::Healthy,
        Some(
            elb::TargetHealthStateEnum::Unhealthy | elb::TargetHealthStateEnum::UnhealthyDraining,
        ) => TargetState::Unhealthy,
        Some(elb::TargetHealthStateEnum::Draining) => TargetState::Draining,
        Some(elb::TargetHealthStateEnum::Unused | elb::TargetHealthStateEnum::Unavailable) => {
            TargetState::Unused
        }
        _ => TargetState::Initial,
    };
    Some(TargetHealth {
        instance_id: instance_id.to_owned(),
        state,
        reason: health
            .and_then(|h| h.reason())
            .map(|r| r.as_str().to_owned()),
        description: health.and_then(|h| h.description()).map(str::to_owned),
    })
}

/// An alarm with its state and since when.
pub(super) fn alarm(raw: &aws_sdk_cloudwatch::types::MetricAlarm) -> Alarm {
    use aws_sdk_cloudwatch::types::StateValue;
    Alarm {
        name: raw.alarm_name().unwrap_or_default().to_owned(),
        state: match raw.state_value() {
            Some(StateValue::Alarm) => AlarmState::Alarm,
            Some(StateValue::Ok) => AlarmState::Ok,
            _ => AlarmState::InsufficientData,
        },
        since_ms: raw.state_updated_timestamp().and_then(epoch_ms),
    }
}

/// An instance's two status checks as one verdict: failed when either is impaired, passed
/// when both are ok, pending otherwise (initializing, insufficient data).
pub(super) fn status_checks(raw: &ec2::InstanceStatus) -> Option<(String, StatusChecks)> {
    let id = raw.instance_id()?.to_owned();
    let of =
        |summary: Option<&ec2::InstanceStatusSummary>| summary.and_then(|s| s.status().cloned());
    let checks = [of(raw.instance_status()), of(raw.system_status())];
    let verdict = if checks
        .iter()
        .any(|c| c == &Some(ec2::SummaryStatus::Impaired))
    {
        StatusChecks::Failed
    } else if checks.iter().all(|c| c == &Some(ec2::SummaryStatus::Ok)) {
        StatusChecks::Passed
    } else {
        StatusChecks::Pending
    };
    Some((id, verdict))
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
