//! CloudWatch metrics through the SDK: GetMetricData in batches of 500 queries (paged by
//! NextToken within a batch), and the load balancer a target group serves
//! (DescribeTargetGroups).

use super::convert::classify;
use super::AwsClients;
use crate::cloud::metric_query::QUERIES_PER_CALL;
use crate::cloud::{CloudError, MetricPoints, MetricQuery};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use std::collections::BTreeMap;

impl AwsClients {
    /// See [`crate::cloud::Cloud::metric_data`].
    pub(super) async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Result<Vec<MetricPoints>, CloudError> {
        let period = i32::try_from(period_s).map_err(|_| CloudError::Rejected("period".into()))?;
        let mut points: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
        for batch in queries.chunks(QUERIES_PER_CALL) {
            let mut next: Option<String> = None;
            loop {
                let output = self
                    .cloudwatch
                    .get_metric_data()
                    .set_metric_data_queries(Some(batch.iter().map(|q| query(q, period)).collect()))
                    .start_time(DateTime::from_millis(start_ms))
                    .end_time(DateTime::from_millis(end_ms))
                    .set_next_token(next.take())
                    .send()
                    .await
                    .map_err(|e| classify("GetMetricData", e))?;
                for result in output.metric_data_results() {
                    let id = result.id().unwrap_or_default().to_owned();
                    let series = points.entry(id).or_default();
                    let stamps = result
                        .timestamps()
                        .iter()
                        .map(|t| t.to_millis().unwrap_or(0));
                    series.extend(stamps.zip(result.values().iter().copied()));
                }
                match output.next_token() {
                    Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                    _ => break,
                }
            }
        }
        Ok(queries
            .iter()
            .map(|q| {
                let mut series = points.remove(&q.id).unwrap_or_default();
                series.sort_by_key(|(at, _)| *at);
                MetricPoints {
                    id: q.id.clone(),
                    points: series,
                }
            })
            .collect())
    }

    /// See [`crate::cloud::Cloud::load_balancer_of`].
    pub(super) async fn describe_load_balancer_of(
        &self,
        target_group: &str,
    ) -> Result<Option<String>, CloudError> {
        let output = self
            .elb
            .describe_target_groups()
            .target_group_arns(target_group)
            .send()
            .await
            .map_err(|e| classify("DescribeTargetGroups", e))?;
        Ok(output
            .target_groups()
            .first()
            .and_then(|g| g.load_balancer_arns().first())
            .cloned())
    }
}

fn query(q: &MetricQuery, period: i32) -> MetricDataQuery {
    let dimensions = q
        .dimensions
        .iter()
        .map(|(name, value)| Dimension::builder().name(name).value(value).build())
        .collect();
    let metric = Metric::builder()
        .namespace(&q.namespace)
        .metric_name(&q.metric)
        .set_dimensions(Some(dimensions))
        .build();
    MetricDataQuery::builder()
        .id(&q.id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(period)
                .stat(&q.stat)
                .build(),
        )
        .return_data(true)
        .build()
}
