//! Retries with backoff and jitter in front of an adapter, driven by the sandbox's faults.

use crate::sandbox;
use greenlight::cloud::retry::{RetryPolicy, RetryingCloud};
use greenlight::cloud::sandbox::Faults;
use greenlight::cloud::{Cloud, CloudError, Tags};
use std::sync::Arc;

#[tokio::test(start_paused = true)]
async fn thirty_percent_throttling_still_succeeds_every_call() {
    let (cloud, _) = sandbox();
    let cloud = Arc::new(cloud);
    cloud.set_faults(Faults {
        throttle_rate: 0.3,
        ..Faults::default()
    });
    let retrying = RetryingCloud::new(cloud.clone(), RetryPolicy::default());
    for _ in 0..200 {
        retrying
            .find_instances(&Tags::new())
            .await
            .expect("retried until it succeeded");
    }
    let calls = cloud.call_counts()["DescribeInstances"];
    assert!(
        calls > 230,
        "about 30% of calls were retried: {calls} calls for 200 answers"
    );
}

#[tokio::test(start_paused = true)]
async fn retries_give_up_after_the_policy_and_return_the_error() {
    let (cloud, _) = sandbox();
    let cloud = Arc::new(cloud);
    cloud.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let policy = RetryPolicy {
        max_retries: 3,
        ..RetryPolicy::default()
    };
    let started = tokio::time::Instant::now();
    let error = RetryingCloud::new(cloud.clone(), policy)
        .find_instances(&Tags::new())
        .await
        .expect_err("gives up");
    assert!(matches!(error, CloudError::Unavailable(_)));
    assert_eq!(
        cloud.call_counts()["DescribeInstances"],
        4,
        "one try and three retries"
    );
    assert!(
        started.elapsed() >= policy.min_delay,
        "it waited between tries"
    );
}

#[tokio::test(start_paused = true)]
async fn errors_retrying_cannot_fix_are_not_retried() {
    let (cloud, _) = sandbox();
    let cloud = Arc::new(cloud);
    let error = RetryingCloud::new(cloud.clone(), RetryPolicy::default())
        .target_health("arn:nope")
        .await
        .expect_err("not found");
    assert!(matches!(error, CloudError::NotFound(_)));
    assert_eq!(cloud.call_counts()["DescribeTargetHealth"], 1);
}
