//! The static part of a line chart — grid, axis labels, lines and their points — as one SVG
//! markup string. Drawn as elements by the view, each of these (dozens of element and attribute
//! types per chart) cost the browser build its own rendering and hydration code; as markup
//! they cost one string builder, and the page sets it as the plot's inner HTML. Only the
//! interactive parts (focus, the cursor and the readout) stay elements, in `chart.rs`.

use crate::domain::markup::escape;
use crate::domain::metric_series::{clock_label, nice_ticks, time_ticks, ChartRange, MetricChart};
use crate::domain::Timestamp;
use std::fmt::Write;

/// The drawing's width in SVG units (it scales to the width the page gives it).
pub const WIDTH: f64 = 400.0;
/// The drawing's height in SVG units.
pub const HEIGHT: f64 = 200.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 8.0;
/// Room above the plot area.
pub const TOP: f64 = 10.0;
const BOTTOM: f64 = 24.0;
/// The plot area's height.
pub const PLOT_HEIGHT: f64 = HEIGHT - TOP - BOTTOM;

/// Where values and moments of one chart fall in the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plot {
    start_ms: i64,
    span_ms: f64,
    bottom: f64,
    top: f64,
}

impl Plot {
    /// The plot of `chart` over `range` ending at `end`, its value axis on round ticks.
    pub fn new(chart: &MetricChart, range: ChartRange, end: Timestamp) -> (Self, Vec<f64>) {
        let (low, high) = chart.value_bounds();
        let ticks = nice_ticks(low, high, 5);
        let bottom = ticks[0];
        let top = *ticks.last().unwrap_or(&high);
        let start_ms = end.millis() - i64::from(range.span_seconds()) * 1_000;
        let span_ms = (end.millis() - start_ms).max(1) as f64;
        (
            Self {
                start_ms,
                span_ms,
                bottom,
                top,
            },
            ticks,
        )
    }

    /// The horizontal position of a moment.
    pub fn x(&self, at: Timestamp) -> f64 {
        LEFT + (at.millis() - self.start_ms) as f64 / self.span_ms * (WIDTH - LEFT - RIGHT)
    }

    /// The vertical position of a value.
    pub fn y(&self, value: f64) -> f64 {
        TOP + PLOT_HEIGHT
            - (value - self.bottom) / (self.top - self.bottom).max(f64::EPSILON) * PLOT_HEIGHT
    }
}

/// Every moment any line has a point, oldest first: the steps of the chart's cursor.
pub fn moments(chart: &MetricChart) -> Vec<Timestamp> {
    let mut times: Vec<Timestamp> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.at))
        .collect();
    times.sort_unstable();
    times.dedup();
    times
}

/// The grid, the axis labels, each line and each point (with its value as a title, shown on
/// hover with or without JavaScript, and `data-moment`, its index in [`moments`]) as markup.
pub fn plot_markup(chart: &MetricChart, range: ChartRange, end: Timestamp) -> String {
    let (plot, ticks) = Plot::new(chart, range, end);
    let unit = chart.unit;
    let times = moments(chart);
    let mut svg = String::new();
    for value in &ticks {
        let y = plot.y(*value);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"></line><text class="axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            escape(&unit.format(*value))
        );
    }
    for at in time_ticks(range, end) {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            plot.x(at),
            HEIGHT - 6.0,
            clock_label(at)
        );
    }
    for (n, series) in chart.series.iter().enumerate() {
        let points = series
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", plot.x(p.at), plot.y(p.value)))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = write!(
            svg,
            r#"<polyline class="line series-{}" points="{points}"></polyline>"#,
            n % 8
        );
        // A lone point draws no line: its dot shows instead.
        let lone = if series.points.len() == 1 {
            " lone"
        } else {
            ""
        };
        let label = escape(&series.label);
        for p in &series.points {
            let moment = times.binary_search(&p.at).unwrap_or_default();
            let _ = write!(
                svg,
                r#"<circle class="dot series-{}{lone}" cx="{:.1}" cy="{:.1}" r="2.5" data-moment="{moment}"><title>{} · {label} · {}</title></circle>"#,
                n % 8,
                plot.x(p.at),
                plot.y(p.value),
                clock_label(p.at),
                escape(&unit.format(p.value))
            );
        }
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metric_series::{MetricPoint, MetricSeries, MetricUnit};

    fn chart(series: Vec<(&str, Vec<(i64, f64)>)>) -> MetricChart {
        MetricChart {
            title: "Requests".into(),
            unit: MetricUnit::Count,
            series: series
                .into_iter()
                .map(|(label, points)| MetricSeries {
                    label: label.into(),
                    points: points
                        .into_iter()
                        .map(|(ms, value)| MetricPoint {
                            at: Timestamp::from_millis(ms),
                            value,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    const END: i64 = 1_700_000_400_000;

    #[test]
    fn each_line_and_point_is_drawn_with_its_value_and_its_moment() {
        let c = chart(vec![
            ("p50", vec![(END - 120_000, 10.0), (END - 60_000, 20.0)]),
            ("p99", vec![(END - 60_000, 40.0)]),
        ]);
        let svg = plot_markup(&c, ChartRange::LastHour, Timestamp::from_millis(END));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(r#"data-moment="0""#) && svg.contains(r#"data-moment="1""#));
        assert!(
            !svg.contains(r#"data-moment="2""#),
            "two moments in all: {svg}"
        );
        assert!(svg.contains("· p99 · 40</title>"), "{svg}");
        assert!(
            svg.contains(r#"class="dot series-1 lone""#),
            "a lone point shows: {svg}"
        );
        assert!(
            svg.contains(r#"text-anchor="end">40</text>"#),
            "the axis reaches 40: {svg}"
        );
    }

    #[test]
    fn the_newest_point_sits_at_the_right_edge_and_the_lowest_tick_at_the_bottom() {
        let c = chart(vec![("requests", vec![(END, 5.0)])]);
        let (plot, ticks) = Plot::new(&c, ChartRange::LastHour, Timestamp::from_millis(END));
        assert_eq!(plot.x(Timestamp::from_millis(END)), WIDTH - RIGHT);
        assert_eq!(plot.x(Timestamp::from_millis(END - 3_600_000)), LEFT);
        assert_eq!(plot.y(ticks[0]), TOP + PLOT_HEIGHT);
        assert_eq!(plot.y(*ticks.last().unwrap()), TOP);
    }

    #[test]
    fn labels_are_escaped_so_a_series_name_cannot_add_markup() {
        let c = chart(vec![(r#"<b a="1">&"#, vec![(END, 1.0)])]);
        let svg = plot_markup(&c, ChartRange::LastHour, Timestamp::from_millis(END));
        assert!(svg.contains("&lt;b a=&quot;1&quot;&gt;&amp;"), "{svg}");
        assert!(!svg.contains("<b "), "{svg}");
    }
}
