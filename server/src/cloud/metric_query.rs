//! What the port asks CloudWatch for: one statistic of one metric per query, answered as a
//! series of points (GetMetricData, at most 500 queries a call).

/// One CloudWatch statistic of one metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuery {
    /// Unique among the queries of one call (`[a-z][a-zA-Z0-9_]*`).
    pub id: String,
    /// e.g. `AWS/ApplicationELB`.
    pub namespace: String,
    /// e.g. `RequestCount`.
    pub metric: String,
    /// Name and value pairs, e.g. `("TargetGroup", "targetgroup/app/1a2b")`.
    pub dimensions: Vec<(String, String)>,
    /// `Sum`, `Average`, `Maximum`, or a percentile such as `p99`.
    pub stat: String,
}

/// The points of one query, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoints {
    /// The query's id.
    pub id: String,
    /// (epoch milliseconds, value).
    pub points: Vec<(i64, f64)>,
}

/// The most queries one GetMetricData call takes.
pub const QUERIES_PER_CALL: usize = 500;
