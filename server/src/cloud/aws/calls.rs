//! Counting the requests the SDK clients send, by AWS operation (`DescribeInstances`, …):
//! an interceptor sees every attempt — each page of a paged read and each retry — so the
//! count is what AWS bills and throttles. The counts go to `/metrics` and, per client set, to
//! [`CallCounter::counts`] for tests that check the calls one refresh costs.

use aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_ec2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ec2::error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Counts requests by operation.
#[derive(Debug, Clone, Default)]
pub struct CallCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl CallCounter {
    /// Requests sent so far, by operation.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "greenlight-call-counter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map_or_else(|| "unknown".to_owned(), |m| m.name().to_owned());
        metrics::counter!(crate::telemetry::CLOUD_CALLS, "operation" => operation.clone())
            .increment(1);
        *self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(operation)
            .or_default() += 1;
        Ok(())
    }
}
