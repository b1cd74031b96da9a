//! A line chart drawn as SVG by our own small component (no charting library in the bundle):
//! axes with round ticks and the unit, one line per series with its label in words, every
//! point's value on hover (an SVG title, which works without JavaScript too, and once hydrated
//! the readout below as well), and by keyboard: the chart takes focus and the arrow keys step a
//! cursor through the points, the readout saying each line's value there. One tab stop per
//! chart rather than one per point: an hour is 60 points a line, and tabbing through hundreds
//! of points to reach the next chart would make the page unusable by keyboard. It scales to
//! the width it is given, 360 px included.

use crate::domain::metric_series::{clock_label, nice_ticks, time_ticks, ChartRange, MetricChart};
use crate::domain::Timestamp;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 24.0;

/// One chart of `range` ending at `end`.
#[component]
pub fn LineChart(chart: MetricChart, range: ChartRange, end: Timestamp) -> impl IntoView {
    let slug = chart.title.to_lowercase().replace(' ', "-");
    if chart.is_empty() {
        return view! {
            <figure class="chart" data-testid="chart" data-metric=slug>
                <figcaption>{chart.title.clone()}</figcaption>
                <p class="muted">"No data in this range."</p>
            </figure>
        }
        .into_erased();
    }
    let unit = chart.unit;
    let (low, high) = chart.value_bounds();
    let ticks = nice_ticks(low, high, 5);
    let (bottom, top) = (ticks[0], *ticks.last().unwrap_or(&high));
    let start = end.millis() - i64::from(range.span_seconds()) * 1_000;
    let span = (end.millis() - start).max(1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = move |at: Timestamp| LEFT + (at.millis() - start) as f64 / span * plot_w;
    let y = move |v: f64| TOP + plot_h - (v - bottom) / (top - bottom).max(f64::EPSILON) * plot_h;
    let latest = chart
        .series
        .iter()
        .filter_map(|s| {
            s.points
                .last()
                .map(|p| format!("{} {}", s.label, unit.format(p.value)))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let summary = format!("{}, {}: latest {latest}", chart.title, range.label());
    // The cursor steps through every moment any line has a point (lines may start late, e.g.
    // an instance launched mid-range); the readout names every line with a value there.
    let mut times: Vec<Timestamp> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.at))
        .collect();
    times.sort_unstable();
    times.dedup();
    let cursor = RwSignal::new(None::<usize>);
    let last = times.len().saturating_sub(1);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let step = match ev.key().as_str() {
            "ArrowRight" => 1i64,
            "ArrowLeft" => -1,
            "Home" => -(last as i64) - 1,
            "End" => last as i64 + 1,
            _ => return,
        };
        ev.prevent_default();
        cursor.update(|c| {
            let at = c.map_or(if step > 0 { -1 } else { last as i64 + 1 }, |c| c as i64) + step;
            *c = Some(at.clamp(0, last as i64) as usize);
        });
    };
    let readout = {
        let chart = chart.clone();
        let times = times.clone();
        move || {
            cursor.get().and_then(|i| times.get(i).copied()).map(|at| {
                let values = chart
                    .series
                    .iter()
                    .filter_map(|s| {
                        s.points
                            .iter()
                            .find(|p| p.at == at)
                            .map(|p| format!("{} {}", s.label, unit.format(p.value)))
                    })
                    .collect::<Vec<_>>()
                    .join(" · ");
                format!("{} — {values}", clock_label(at))
            })
        }
    };
    let rule = {
        let times = times.clone();
        move || {
            cursor.get().and_then(|i| times.get(i).copied()).map(|at| {
                let at_x = x(at);
                view! { <line class="cursor" x1=at_x x2=at_x y1=TOP y2=TOP + plot_h/> }
            })
        }
    };
    view! {
        <figure class="chart" data-testid="chart" data-metric=slug>
            <figcaption>{chart.title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary tabindex="0" on:keydown=on_key
                 on:blur=move |_| cursor.set(None) on:mouseleave=move |_| cursor.set(None)>
                {ticks.iter().map(|v| {
                    let at_y = y(*v);
                    view! {
                        <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=at_y y2=at_y/>
                        <text class="axis" x=LEFT - 4.0 y=at_y + 4.0 text-anchor="end">{unit.format(*v)}</text>
                    }
                }).collect_view()}
                {time_ticks(range, end).into_iter().map(|at| {
                    let at_x = x(at);
                    view! { <text class="axis" x=at_x y=HEIGHT - 6.0 text-anchor="middle">{clock_label(at)}</text> }
                }).collect_view()}
                {chart.series.iter().enumerate().map(|(n, series)| {
                    let line = series.points.iter().map(|p| format!("{:.1},{:.1}", x(p.at), y(p.value))).collect::<Vec<_>>().join(" ");
                    let label = series.label.clone();
                    view! {
                        <polyline class=format!("line series-{}", n % 8) points=line/>
                        {series.points.iter().map(|p| {
                            // A lone point draws no line: its dot shows instead.
                            let index = times.binary_search(&p.at).ok();
                            view! {
                                <circle class=format!("dot series-{}{}", n % 8, if series.points.len() == 1 { " lone" } else { "" }) cx=x(p.at) cy=y(p.value) r="2.5"
                                        on:mouseenter=move |_| cursor.set(index)>
                                    <title>{format!("{} · {label} · {}", clock_label(p.at), unit.format(p.value))}</title>
                                </circle>
                            }
                        }).collect_view()}
                    }
                }).collect_view()}
                {rule}
            </svg>
            <ul class="legend">
                {chart.series.iter().enumerate().map(|(n, s)| view! {
                    <li><span class=format!("swatch series-{}", n % 8) aria-hidden="true"></span>{s.label.clone()}</li>
                }).collect_view()}
            </ul>
            <p class="readout" aria-live="polite">{readout}</p>
        </figure>
    }
    .into_erased()
}
