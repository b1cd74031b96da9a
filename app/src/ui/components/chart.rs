//! A line chart drawn as SVG by our own small component (no charting library in the bundle):
//! axes with round ticks and the unit, one line per series with its label in words, every
//! point's value on hover (an SVG title, which works without JavaScript too, and once hydrated
//! the readout below as well), and by keyboard: the chart takes focus and the arrow keys step a
//! cursor through the points, the readout saying each line's value there. One tab stop per
//! chart rather than one per point: an hour is 60 points a line, and tabbing through hundreds
//! of points to reach the next chart would make the page unusable by keyboard. It scales to
//! the width it is given, 360 px included. The static drawing is markup from `chart_plot.rs`.

use super::chart_plot::{moments, plot_markup, Plot, HEIGHT, PLOT_HEIGHT, TOP, WIDTH};
use crate::domain::metric_series::{clock_label, ChartRange, MetricChart};
use crate::domain::Timestamp;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// One chart of `range` ending at `end`.
#[component]
pub fn LineChart(chart: MetricChart, range: ChartRange, end: Timestamp) -> impl IntoView {
    let slug = chart.title.to_ascii_lowercase().replace(' ', "-");
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
    let (plot, _) = Plot::new(&chart, range, end);
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
    let times = moments(&chart);
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
    // Hovering a point (drawn as markup, so one handler for all) moves the cursor there.
    let on_point = move |ev: leptos::ev::MouseEvent| {
        let moment = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
            .and_then(|el| el.get_attribute("data-moment"))
            .and_then(|m| m.parse::<usize>().ok());
        if moment.is_some() {
            cursor.set(moment);
        }
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
                let at_x = plot.x(at);
                view! { <line class="cursor" x1=at_x x2=at_x y1=TOP y2=TOP + PLOT_HEIGHT/> }
            })
        }
    };
    view! {
        <figure class="chart" data-testid="chart" data-metric=slug>
            <figcaption>{chart.title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary tabindex="0" on:keydown=on_key
                 on:blur=move |_| cursor.set(None) on:mouseleave=move |_| cursor.set(None) on:mouseover=on_point>
                <g class="plot" inner_html=plot_markup(&chart, range, end)></g>
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
