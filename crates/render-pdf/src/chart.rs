//! A plain stand-in SVG for charts until `delar_report::svg::chart_svg` lands on main.

use std::fmt::Write;

use delar_report::{Chart, ChartKind, SeriesStyle};

const W: f64 = 640.0;
const H: f64 = 300.0;
const LEFT: f64 = 50.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 30.0;
const COLOURS: [&str; 4] = ["#2f5d8a", "#c98a00", "#2e7d32", "#757575"];

/// A simple SVG of the chart: value lines (or vertical bars) over the categories, a legend.
pub(crate) fn placeholder_svg(chart: &Chart) -> String {
    let values: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let max = values.iter().copied().fold(0.0f64, f64::max);
    let min = values.iter().copied().fold(0.0f64, f64::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let n = chart.categories.len().max(1);
    let plot_w = W - LEFT - 10.0;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| TOP + plot_h * (max - v) / span;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" \
         font-family=\"Libertinus Serif\" font-size=\"11\">"
    );
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#888\"/>",
        y(0.0),
        W - 10.0
    );
    let _ = write!(
        s,
        "<text x=\"4\" y=\"{}\">{}</text>",
        TOP - 12.0,
        escape(&chart.unit)
    );
    for (i, c) in chart.categories.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(i),
            H - BOTTOM + 16.0,
            escape(&short(c))
        );
    }
    let k = chart.series.len().max(1);
    for (si, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[si % COLOURS.len()];
        if chart.kind == ChartKind::Line {
            let dash = match series.style {
                SeriesStyle::Solid => "",
                SeriesStyle::Dashed => " stroke-dasharray=\"6 4\"",
                SeriesStyle::Dotted => " stroke-dasharray=\"2 3\"",
            };
            let points: Vec<String> = series
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
                .collect();
            let _ = write!(
                s,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
                points.join(" ")
            );
        } else {
            let bw = plot_w / n as f64 * 0.7 / k as f64;
            for (i, v) in series.values.iter().enumerate() {
                if let Some(v) = v {
                    let x0 = x(i) - plot_w / n as f64 * 0.35 + bw * si as f64;
                    let (y0, y1) = (y(v.max(0.0)), y(v.min(0.0)));
                    let _ = write!(
                        s,
                        "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{colour}\"/>",
                        (y1 - y0).max(0.5)
                    );
                }
            }
        }
        let lx = LEFT + 150.0 * si as f64;
        let _ = write!(
            s,
            "<rect x=\"{lx}\" y=\"{}\" width=\"12\" height=\"4\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            H - 12.0,
            lx + 16.0,
            H - 7.0,
            escape(&series.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A category label cut to fit under a narrow column.
fn short(s: &str) -> String {
    if s.chars().count() > 14 {
        let mut t: String = s.chars().take(13).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
