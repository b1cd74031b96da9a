//! Charts of an environment's metrics over a chosen range — request count, 5xx count, target
//! response time (p50 and p99), healthy and unhealthy hosts, CPU per instance — as plain
//! series of points, with the units and axis ticks the charts draw. Pure: the points come in,
//! the scales go out.

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// How far back a chart looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ChartRange {
    /// The last hour.
    #[serde(rename = "1h")]
    LastHour,
    /// The last 6 hours.
    #[serde(rename = "6h")]
    Last6Hours,
    /// The last 24 hours.
    #[serde(rename = "24h")]
    Last24Hours,
}

impl ChartRange {
    /// Every range, shortest first.
    pub const ALL: [ChartRange; 3] = [Self::LastHour, Self::Last6Hours, Self::Last24Hours];

    /// The spelling in links (`?range=6h`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LastHour => "1h",
            Self::Last6Hours => "6h",
            Self::Last24Hours => "24h",
        }
    }

    /// Reads the spelling back.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Self::LastHour => "Last hour",
            Self::Last6Hours => "Last 6 hours",
            Self::Last24Hours => "Last 24 hours",
        }
    }

    /// Its length in seconds.
    pub fn span_seconds(self) -> u32 {
        match self {
            Self::LastHour => 3_600,
            Self::Last6Hours => 6 * 3_600,
            Self::Last24Hours => 24 * 3_600,
        }
    }

    /// The CloudWatch period asked for, which is also how often the range gains a point and
    /// is read again: ALB metrics come per minute, and 60–96 points draw a readable line.
    pub fn period_seconds(self) -> u32 {
        match self {
            Self::LastHour => 60,
            Self::Last6Hours => 300,
            Self::Last24Hours => 900,
        }
    }
}

/// What a chart's values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    /// Requests, errors, hosts.
    Count,
    /// Response times.
    Seconds,
    /// CPU.
    Percent,
}

impl MetricUnit {
    /// `value` for people: counts whole (with k and M), seconds as ms below one, percent
    /// with one decimal.
    pub fn format(self, value: f64) -> String {
        if !value.is_finite() {
            return "–".into();
        }
        match self {
            Self::Count if value.abs() >= 1_000_000.0 => format!("{:.1}M", value / 1_000_000.0),
            Self::Count if value.abs() >= 10_000.0 => format!("{:.0}k", value / 1_000.0),
            Self::Count if value.abs() >= 1_000.0 => format!("{:.1}k", value / 1_000.0),
            Self::Count if value.fract() == 0.0 => format!("{value:.0}"),
            Self::Count => format!("{value:.1}"),
            Self::Seconds if value < 1.0 => format!("{:.0} ms", value * 1_000.0),
            Self::Seconds => format!("{value:.2} s"),
            Self::Percent => format!("{value:.1} %"),
        }
    }
}

/// One point of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MetricPoint {
    /// The start of its period.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// Its value.
    pub value: f64,
}

/// One line of a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MetricSeries {
    /// e.g. `p99`, or an instance id.
    pub label: String,
    /// Oldest first.
    pub points: Vec<MetricPoint>,
}

/// One chart: one or more lines of the same unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MetricChart {
    /// e.g. `Requests`.
    pub title: String,
    /// The unit of every line.
    pub unit: MetricUnit,
    /// Its lines.
    pub series: Vec<MetricSeries>,
}

impl MetricChart {
    /// Whether no line has a point.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// The smallest and largest value of every line (0 to 1 when empty), the bottom at 0 for
    /// values that are never negative.
    pub fn value_bounds(&self) -> (f64, f64) {
        let values = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.value));
        let (low, high) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if low > high {
            return (0.0, 1.0);
        }
        (
            low.min(0.0),
            if high > low.min(0.0) {
                high
            } else {
                low.min(0.0) + 1.0
            },
        )
    }
}

/// Round tick values (steps of 1, 2 or 5 times a power of ten) from at or below `low` to at
/// or above `high`, so every value lies within the axis; at least two and at most `most`
/// of them (which is taken as 2–50). A flat line (`low == high`) gets `[low, low + 1]`; ends
/// that are not finite are left out (both: `[0, 1]`), reversed ends are swapped, and when no
/// round step fits (a span far narrower than its distance from zero) the ends themselves are
/// the ticks.
pub fn nice_ticks(low: f64, high: f64, most: usize) -> Vec<f64> {
    // More than 50 labels never fit an axis, and the cap bounds the allocation below.
    let most = most.clamp(2, 50);
    let (low, high) = match (low.is_finite(), high.is_finite()) {
        (true, true) => (low.min(high), low.max(high)),
        (true, false) => (low, low),
        (false, true) => (high, high),
        (false, false) => (0.0, 0.0),
    };
    let raw = (high - low) / (most - 1) as f64;
    if !(raw > 0.0 && raw.is_finite()) {
        return if high > low {
            vec![low, high]
        } else {
            vec![low, low + 1.0]
        };
    }
    let exponent = raw.log10().floor() as i32;
    // The first step of 1, 2 or 5 × 10^e (from just below the raw step up) whose ticks fit.
    for power in exponent..exponent + 4 {
        for mantissa in [1.0, 2.0, 5.0] {
            if let Some(ticks) = ticks_of_step(low, high, mantissa, power, most) {
                return ticks;
            }
        }
    }
    vec![low, high]
}

/// The multiples of `mantissa × 10^power` covering `low`–`high`, if there are at most `most`.
fn ticks_of_step(low: f64, high: f64, mantissa: f64, power: i32, most: usize) -> Option<Vec<f64>> {
    let scale = 10f64.powi(power.abs());
    let step = if power >= 0 {
        mantissa * scale
    } else {
        mantissa / scale
    };
    if !(step > 0.0 && step.is_finite()) {
        return None;
    }
    let first = (low / step).floor();
    let last = (high / step).ceil().max(first + 1.0);
    if last - first + 1.0 > most as f64 {
        return None;
    }
    // Dividing whole numbers by a power of ten keeps ticks like 0.3 exact (not 0.30000000000000004).
    let at = |n: f64| {
        if power >= 0 {
            n * mantissa * scale
        } else {
            n * mantissa / scale
        }
    };
    let count = (last - first) as usize + 1;
    Some((0..count).map(|k| at(first + k as f64)).collect())
}

/// Time ticks for `range` ending at `end`: every 10 minutes for an hour, every hour for 6,
/// every 4 hours for 24, at round clock times (UTC).
pub fn time_ticks(range: ChartRange, end: Timestamp) -> Vec<Timestamp> {
    let every_ms: i64 = match range {
        ChartRange::LastHour => 600_000,
        ChartRange::Last6Hours => 3_600_000,
        ChartRange::Last24Hours => 4 * 3_600_000,
    };
    let start = end.millis() - i64::from(range.span_seconds()) * 1_000;
    let first = (start + every_ms - 1).div_euclid(every_ms) * every_ms;
    (0..)
        .map(|n| first + n * every_ms)
        .take_while(|at| *at <= end.millis())
        .map(Timestamp::from_millis)
        .collect()
}

/// `HH:MM` of `at` in UTC, as the time axis and the readout say it.
pub fn clock_label(at: Timestamp) -> String {
    let minutes = at.millis().div_euclid(60_000).rem_euclid(1_440);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_back_and_keep_each_chart_under_a_hundred_points() {
        for range in ChartRange::ALL {
            assert_eq!(ChartRange::parse(range.as_str()), Some(range));
            let json = serde_json::to_string(&range).unwrap();
            assert_eq!(json, format!("\"{}\"", range.as_str()));
            assert!(range.span_seconds() / range.period_seconds() <= 100);
        }
        assert_eq!(ChartRange::parse("2h"), None);
    }

    #[test]
    fn units_say_values_as_people_read_them() {
        assert_eq!(MetricUnit::Count.format(42.0), "42");
        assert_eq!(MetricUnit::Count.format(1_250.0), "1.2k");
        assert_eq!(MetricUnit::Count.format(2_500_000.0), "2.5M");
        assert_eq!(MetricUnit::Seconds.format(0.012), "12 ms");
        assert_eq!(MetricUnit::Seconds.format(1.4), "1.40 s");
        assert_eq!(MetricUnit::Percent.format(37.54), "37.5 %");
        assert_eq!(MetricUnit::Count.format(f64::NAN), "–");
    }

    #[test]
    fn ticks_are_round_steps_that_cover_the_values() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 6),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 0.9, 4), [0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(0.0, 7.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(
            nice_ticks(3.0, 3.0, 5),
            [3.0, 4.0],
            "a flat line still has an axis"
        );
        assert_eq!(nice_ticks(f64::NAN, 1.0, 5), [1.0, 2.0]);
        for (low, high) in [(0.0, 9.4), (0.0, 171.0), (0.0, 0.0123), (12.0, 97.0)] {
            let ticks = nice_ticks(low, high, 5);
            assert!(
                ticks[0] <= low && *ticks.last().unwrap() >= high,
                "{low}–{high}: {ticks:?}"
            );
            assert!(ticks.len() <= 7, "{ticks:?}");
        }
    }

    #[test]
    fn ticks_reach_past_the_highest_value_so_no_line_leaves_the_plot() {
        assert_eq!(nice_ticks(0.0, 6.9, 5), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.0, 0.21, 2), [0.0, 0.5]);
        assert_eq!(nice_ticks(-7.0, 3.0, 5), [-10.0, -5.0, 0.0, 5.0]);
        assert_eq!(nice_ticks(0.9, 1.1, 2), [0.0, 2.0]);
    }

    #[test]
    fn ticks_are_exact_decimals() {
        assert_eq!(nice_ticks(0.0, 0.3, 4), [0.0, 0.1, 0.2, 0.3]);
        assert_eq!(
            nice_ticks(0.0, 0.0007, 8),
            [0.0, 0.0001, 0.0002, 0.0003, 0.0004, 0.0005, 0.0006, 0.0007]
        );
    }

    #[test]
    fn ticks_survive_odd_input_without_panicking() {
        assert_eq!(nice_ticks(0.0, 0.0, 5), [0.0, 1.0], "all zeros");
        assert_eq!(nice_ticks(f64::NAN, f64::NAN, 5), [0.0, 1.0]);
        assert_eq!(nice_ticks(f64::NEG_INFINITY, 4.0, 5), [4.0, 5.0]);
        assert_eq!(
            nice_ticks(100.0, 0.0, 6),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0],
            "swapped"
        );
        assert_eq!(nice_ticks(-f64::MAX, f64::MAX, 5), [-f64::MAX, f64::MAX]);
        assert_eq!(
            nice_ticks(0.0, 100.0, 0),
            [0.0, 100.0],
            "fewer than two asked for"
        );
        assert_eq!(nice_ticks(0.0, 1e-320, 5).len(), 2, "a subnormal span");
        let many = nice_ticks(0.0, 1.0, usize::MAX);
        assert!(many.len() <= 50 && many.first() == Some(&0.0) && many.last() == Some(&1.0));
        assert_eq!(
            nice_ticks(999.9, 1000.1, 2),
            [999.9, 1000.1],
            "no round step fits"
        );
    }

    #[test]
    fn clock_labels_are_hours_and_minutes_in_utc() {
        assert_eq!(
            clock_label(Timestamp::from_millis(1_700_000_000_000)),
            "22:13"
        );
        assert_eq!(clock_label(Timestamp::from_millis(0)), "00:00");
        assert_eq!(clock_label(Timestamp::from_millis(-60_000)), "23:59");
    }

    #[test]
    fn time_ticks_fall_on_round_clock_times_inside_the_range() {
        let end = Timestamp::from_millis(1_700_000_000_000);
        let ticks = time_ticks(ChartRange::LastHour, end);
        assert_eq!(ticks.len(), 6);
        assert!(ticks.iter().all(|t| t.millis() % 600_000 == 0));
        assert!(ticks[0].millis() >= end.millis() - 3_600_000);
        assert_eq!(time_ticks(ChartRange::Last24Hours, end).len(), 6);
    }

    #[test]
    fn bounds_start_at_zero_for_counts_and_never_collapse() {
        let chart = |values: &[f64]| MetricChart {
            title: "Requests".into(),
            unit: MetricUnit::Count,
            series: vec![MetricSeries {
                label: "requests".into(),
                points: values
                    .iter()
                    .map(|v| MetricPoint {
                        at: Timestamp::from_millis(0),
                        value: *v,
                    })
                    .collect(),
            }],
        };
        assert_eq!(chart(&[5.0, 9.0]).value_bounds(), (0.0, 9.0));
        assert_eq!(chart(&[0.0, 0.0]).value_bounds(), (0.0, 1.0));
        assert_eq!(chart(&[]).value_bounds(), (0.0, 1.0));
        assert!(chart(&[]).is_empty());
    }
}
