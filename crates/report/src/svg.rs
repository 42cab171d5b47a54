//! Charts as self-contained SVG for the HTML and PDF renderers.
//!
//! [`chart_svg`] draws a [`Chart`] on a fixed 720 × 360 canvas with inline presentation
//! attributes only (no stylesheet, no ids, no external resources), so the same string can be
//! inlined in HTML, embedded in a PDF through Typst/usvg and rasterised with resvg. Axes get
//! "nice" ticks (1, 2 or 5 × 10^k) in Swedish notation, the value axis carries the chart's
//! unit, several series get a legend, and the output is deterministic: coordinates are printed
//! with at most two decimals and nothing depends on time or randomness.

use crate::model::{format_number, Chart, ChartKind, SeriesStyle};
use std::fmt::Write;

/// The font stack every SVG text uses (fonts bundled with the PDF renderer come first).
pub const SVG_FONT_FAMILY: &str = "DejaVu Sans, Liberation Sans, Arial, sans-serif";

/// Width of the SVG canvas in user units (and pixels).
pub const SVG_WIDTH: f64 = 720.0;

/// The chart font: a subset of DejaVu Sans (Latin-1, dashes, quotes, the status symbols; see
/// `assets/FONT-LICENSE.txt`), embedded by the renderers that draw the SVG themselves (PDF,
/// Word), so a chart looks the same on every machine.
pub static CHART_FONT: &[u8] = include_bytes!("../assets/DejaVuSans-subset.ttf");

/// Height of the SVG canvas in user units (and pixels).
pub const SVG_HEIGHT: f64 = 360.0;

/// Series colours in order: a colour-blind-safe palette (Okabe–Ito, the lightest hues left out
/// so every colour has at least 3:1 contrast against white). Line styles and the legend carry
/// the meaning as well, never colour alone.
pub const PALETTE: [&str; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#000000", "#8c6d00",
];

/// Bar colour for negative values in a single-series horizontal bar chart (deviations).
const NEGATIVE: &str = "#d55e00";
const TEXT: &str = "#333333";
const MUTED: &str = "#555555";
const GRID: &str = "#dddddd";
const AXIS: &str = "#555555";
const FONT: f64 = 11.0;
const LINE_HEIGHT: f64 = 13.0;

/// Axis ticks: evenly spaced "nice" values and the decimals their labels need.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    /// Tick values from the lowest to the highest; they cover the data range.
    pub values: Vec<f64>,
    /// Decimals to print them with.
    pub decimals: u8,
}

impl Ticks {
    /// The lowest tick (the axis minimum).
    pub fn min(&self) -> f64 {
        self.values[0]
    }

    /// The highest tick (the axis maximum).
    pub fn max(&self) -> f64 {
        self.values[self.values.len() - 1]
    }

    /// The tick labels in Swedish notation (decimal comma, real minus sign).
    pub fn labels(&self) -> Vec<String> {
        self.values
            .iter()
            .map(|v| format_number(*v, self.decimals))
            .collect()
    }
}

/// Ticks with a step of 1, 2 or 5 × 10^k covering `min..=max` with about `target` intervals.
/// An empty or degenerate range gets a sensible axis around its value (0–1 for zero).
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) = if min.is_finite() && max.is_finite() {
        (min.min(max), min.max(max))
    } else {
        (0.0, 1.0)
    };
    if hi <= lo {
        if lo == 0.0 {
            hi = 1.0;
        } else if lo > 0.0 {
            lo = 0.0;
        } else {
            hi = 0.0;
        }
    }
    let target = target.max(1) as f64;
    let raw = (hi - lo) / target;
    let k = floor_log10(raw);
    // the 1-2-5 step whose number of intervals comes closest to the target (the finer on a tie);
    // steps are (mantissa, power of ten) so the decimals follow without logarithms
    let mut best: Option<(f64, i32, i64, i64, f64)> = None;
    for (m, kk) in [(1.0, k), (2.0, k), (5.0, k), (1.0, k + 1), (2.0, k + 1)] {
        let step = m * pow10(kk);
        let first = (lo / step + 1e-9).floor() as i64;
        let last = (hi / step - 1e-9).ceil() as i64;
        let score = ((last - first).max(1) as f64 - target).abs();
        if best.is_none_or(|b| score < b.4) {
            best = Some((step, kk, first, last, score));
        }
    }
    let (step, kk, first, last, _) = best.expect("candidates");
    let decimals = (-kk).clamp(0, 10) as u8;
    let scale = pow10(decimals as i32);
    let values = (first..=last)
        .map(|k| {
            // snap to the printed precision so 0.30000000000000004 becomes 0.3
            let v = ((k as f64 * step) * scale).round() / scale;
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect();
    Ticks { values, decimals }
}

/// 10^k by multiplication and one division only (exact up to 10^22), so every platform computes
/// the same bits; `powf`/`log10` come from the platform's maths library.
fn pow10(k: i32) -> f64 {
    let mut p = 1.0;
    for _ in 0..k.unsigned_abs().min(400) {
        p *= 10.0;
    }
    if k < 0 {
        1.0 / p
    } else {
        p
    }
}

/// The k with 10^k ≤ x < 10^(k+1) for a positive finite x (clamped to ±400).
fn floor_log10(x: f64) -> i32 {
    let mut k = 0;
    while k < 400 && pow10(k + 1) <= x {
        k += 1;
    }
    while k > -400 && pow10(k) > x {
        k -= 1;
    }
    k
}

/// The chart as a self-contained SVG document: `role="img"`, `aria-label` and `<desc>` are
/// the chart's alt text, `<title>` its title.
pub fn chart_svg(chart: &Chart) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{alt}\" font-family=\"{font}\" \
         font-size=\"{size}\" fill=\"{TEXT}\">\n<title>{title}</title>\n<desc>{alt}</desc>\n\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = num(SVG_WIDTH),
        h = num(SVG_HEIGHT),
        alt = escape(&chart.alt),
        font = escape(SVG_FONT_FAMILY),
        size = num(FONT),
        title = escape(&chart.title),
    );
    let data = Data::new(chart);
    match chart.kind {
        ChartKind::Line | ChartKind::Bar => vertical(&mut out, chart, &data),
        ChartKind::HorizontalBar => horizontal(&mut out, chart, &data),
    }
    out.push_str("</svg>\n");
    out
}

/// The chart's values, cleaned: one entry per category, non-finite values as gaps.
struct Data {
    n: usize,
    values: Vec<Vec<Option<f64>>>,
    min: Option<f64>,
    max: Option<f64>,
}

impl Data {
    fn new(chart: &Chart) -> Data {
        let n = chart.categories.len();
        let values: Vec<Vec<Option<f64>>> = chart
            .series
            .iter()
            .map(|s| {
                (0..n)
                    .map(|i| s.values.get(i).copied().flatten().filter(|v| v.is_finite()))
                    .collect()
            })
            .collect();
        let all = values.iter().flatten().flatten().copied();
        let min = all.clone().reduce(f64::min);
        let max = all.reduce(f64::max);
        Data {
            n,
            values,
            min,
            max,
        }
    }

    fn is_empty(&self) -> bool {
        self.min.is_none()
    }

    /// The range the value axis must show: bars always include zero; lines include zero
    /// unless the data sits far from it.
    fn axis_range(&self, bars: bool) -> (f64, f64) {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => {
                if bars {
                    (lo.min(0.0), hi.max(0.0))
                } else if (lo > 0.0 && lo / hi > 0.6) || (hi < 0.0 && hi / lo > 0.6) {
                    (lo, hi)
                } else {
                    (lo.min(0.0), hi.max(0.0))
                }
            }
            _ => (0.0, 1.0),
        }
    }

    /// Decimals for value labels: as many as the values need, at most 2, and about three
    /// significant digits for the largest value.
    fn label_decimals(&self) -> u8 {
        let maxabs = self
            .min
            .unwrap_or(0.0)
            .abs()
            .max(self.max.unwrap_or(0.0).abs());
        let cap = if maxabs > 0.0 {
            (2 - floor_log10(maxabs)).clamp(0, 2) as u8
        } else {
            0
        };
        let needed = (0..=2u8)
            .find(|d| {
                let s = pow10(*d as i32);
                self.values
                    .iter()
                    .flatten()
                    .flatten()
                    .all(|v| ((v * s).round() - v * s).abs() < 1e-6 * s.max(1.0))
            })
            .unwrap_or(2);
        needed.min(cap)
    }
}

/// Draw the legend (only for several series) from `left`, wrapping rows; returns its height.
fn legend(out: &mut String, chart: &Chart, top: f64, left: f64, bars: bool) -> f64 {
    if chart.series.len() < 2 {
        return 0.0;
    }
    let right = SVG_WIDTH - 16.0;
    let (mut x, mut y) = (left, top + 10.0);
    let mut rows = 1.0;
    for (i, s) in chart.series.iter().enumerate() {
        let w = 28.0 + text_width(&s.name, FONT) + 18.0;
        if x > left && x + w > right {
            x = left;
            y += 18.0;
            rows += 1.0;
        }
        let colour = PALETTE[i % PALETTE.len()];
        if bars {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"20\" height=\"10\" {}/>",
                num(x + 2.0),
                num(y - 5.0),
                bar_paint(colour, s.style)
            );
        } else {
            let _ = writeln!(
                out,
                "<path d=\"M{} {}H{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{}/>",
                num(x),
                num(y),
                num(x + 24.0),
                dash(s.style)
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            num(x + 28.0),
            num(y + 4.0),
            escape(&s.name)
        );
        x += w;
    }
    rows * 18.0 + 4.0
}

fn dash(style: SeriesStyle) -> &'static str {
    match style {
        SeriesStyle::Solid => "",
        SeriesStyle::Dashed => " stroke-dasharray=\"7 4\"",
        SeriesStyle::Dotted => " stroke-dasharray=\"2 3\"",
    }
}

/// Fill and outline of a bar: solid bars are filled, dashed bars are light with a dashed
/// outline (forecast), dotted bars are white with a dotted outline (budget).
fn bar_paint(colour: &str, style: SeriesStyle) -> String {
    match style {
        SeriesStyle::Solid => format!("fill=\"{colour}\""),
        SeriesStyle::Dashed => format!(
            "fill=\"{colour}\" fill-opacity=\"0.35\" stroke=\"{colour}\" stroke-width=\"1.5\" \
             stroke-dasharray=\"5 3\""
        ),
        SeriesStyle::Dotted => format!(
            "fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"2 2\""
        ),
    }
}

/// Line and vertical bar charts: categories along the bottom, values up the left.
fn vertical(out: &mut String, chart: &Chart, data: &Data) {
    let bars = chart.kind == ChartKind::Bar;
    let (lo, hi) = data.axis_range(bars);
    let ticks = nice_ticks(lo, hi, 5);
    let labels = ticks.labels();
    let tick_w = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    let left = (tick_w + 16.0).max(40.0);
    let right = SVG_WIDTH - 16.0;
    let legend_h = legend(out, chart, 4.0, left, bars);
    let top = 8.0 + legend_h + 22.0;
    let n = data.n.max(1);
    let band = (right - left) / n as f64;

    // category labels: every label on up to two lines, or every k-th label on one line
    let (cat_lines, every) = category_layout(&chart.categories, band);
    let lines = cat_lines.iter().map(|l| l.len()).max().unwrap_or(1).max(1);
    let bottom = SVG_HEIGHT - 12.0 - lines as f64 * LINE_HEIGHT;
    let y_of = |v: f64| bottom - (v - ticks.min()) / (ticks.max() - ticks.min()) * (bottom - top);
    let x_of = |i: usize| left + (i as f64 + 0.5) * band;

    // unit label above the value axis
    let _ = writeln!(
        out,
        "<text x=\"8\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
        num(top - 12.0),
        escape(&chart.unit)
    );
    // grid and tick labels
    for (v, l) in ticks.values.iter().zip(&labels) {
        let y = y_of(*v);
        let _ = writeln!(
            out,
            "<path d=\"M{} {}H{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>",
            num(left),
            num(y),
            num(right)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{MUTED}\">{}</text>",
            num(left - 6.0),
            num(y + 4.0),
            escape(l)
        );
    }
    // the zero line (or the axis floor) is darker
    let base = if ticks.min() <= 0.0 && ticks.max() >= 0.0 {
        0.0
    } else {
        ticks.min()
    };
    let _ = writeln!(
        out,
        "<path d=\"M{} {}H{}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
        num(left),
        num(y_of(base)),
        num(right)
    );
    let _ = writeln!(
        out,
        "<path d=\"M{l} {t}V{b}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
        l = num(left),
        t = num(top),
        b = num(bottom)
    );
    if base != 0.0 {
        // The axis does not start at zero (a line far from it): break the axis near its foot
        // with two short slashes, so no reader takes the lowest gridline for zero.
        let y = bottom - 12.0;
        let _ = writeln!(
            out,
            "<path d=\"M{x0} {y0}h12v7h-12z\" fill=\"#ffffff\"/>\n\
             <path d=\"M{x0} {y1}l12 -4M{x0} {y2}l12 -4\" stroke=\"{AXIS}\" \
             stroke-width=\"1\" fill=\"none\"/>",
            x0 = num(left - 6.0),
            y0 = num(y - 1.0),
            y1 = num(y + 3.0),
            y2 = num(y + 8.0),
        );
    }
    // category labels
    for (i, ls) in cat_lines.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = x_of(i);
        let _ = writeln!(
            out,
            "<path d=\"M{x} {b}V{b2}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
            x = num(x),
            b = num(bottom),
            b2 = num(bottom + 4.0)
        );
        text_lines(out, x, bottom + 16.0, "middle", FONT, ls);
    }

    if data.is_empty() {
        no_data(out, (left + right) / 2.0, (top + bottom) / 2.0);
        return;
    }
    if bars {
        let k = data.values.len().max(1);
        let group = band * 0.8;
        let slot = group / k as f64;
        let bar_w = (slot * 0.9).min(60.0);
        let single = data.values.len() == 1;
        let decimals = data.label_decimals();
        let signed = data.min.unwrap_or(0.0) < 0.0;
        for (si, (series, values)) in chart.series.iter().zip(&data.values).enumerate() {
            let colour = PALETTE[si % PALETTE.len()];
            for (i, v) in values.iter().enumerate() {
                let Some(v) = *v else { continue };
                let cx = x_of(i) - group / 2.0 + (si as f64 + 0.5) * slot;
                let (y0, y1) = (y_of(0.0_f64.max(ticks.min())), y_of(v));
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}/>",
                    num(cx - bar_w / 2.0),
                    num(y0.min(y1)),
                    num(bar_w),
                    num((y1 - y0).abs()),
                    bar_paint(colour, series.style)
                );
                if single {
                    let label = value_label(v, decimals, signed);
                    if text_width(&label, FONT) <= band {
                        let y = if v < 0.0 { y1 + 13.0 } else { y1 - 4.0 };
                        let _ = writeln!(
                            out,
                            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                            num(cx),
                            num(y),
                            escape(&label)
                        );
                    }
                }
            }
        }
    } else {
        let markers = data.n <= 16;
        for (si, (series, values)) in chart.series.iter().zip(&data.values).enumerate() {
            let colour = PALETTE[si % PALETTE.len()];
            let mut d = String::new();
            let mut run = 0usize;
            let mut isolated = Vec::new();
            for (i, v) in values.iter().enumerate() {
                match v {
                    Some(v) => {
                        let _ = write!(
                            d,
                            "{}{} {}",
                            if run == 0 { "M" } else { "L" },
                            num(x_of(i)),
                            num(y_of(*v))
                        );
                        run += 1;
                    }
                    None => {
                        if run == 1 {
                            isolated.push(i - 1);
                        }
                        run = 0;
                    }
                }
            }
            if run == 1 {
                isolated.push(values.len() - 1);
            }
            if !d.is_empty() {
                let _ = writeln!(
                    out,
                    "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" \
                     stroke-linejoin=\"round\"{}/>",
                    dash(series.style)
                );
            }
            for (i, v) in values.iter().enumerate() {
                let Some(v) = *v else { continue };
                if markers || isolated.contains(&i) {
                    let _ = writeln!(
                        out,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\" stroke=\"{colour}\" \
                         stroke-width=\"1.5\"/>",
                        num(x_of(i)),
                        num(y_of(v)),
                        if series.style == SeriesStyle::Solid {
                            colour
                        } else {
                            "#ffffff"
                        }
                    );
                }
            }
        }
    }
}

/// Horizontal bars: category labels at the left, bars left or right of a zero line, value
/// labels at the bar ends, the value axis along the bottom.
fn horizontal(out: &mut String, chart: &Chart, data: &Data) {
    let legend_h = legend(out, chart, 4.0, 8.0, true);
    let top = 12.0 + legend_h;
    let bottom = SVG_HEIGHT - 44.0;
    let right = SVG_WIDTH - 16.0;
    let max_label = 250.0;
    let n = data.n.max(1);
    let band = (bottom - top) / n as f64;
    // many categories: one line each, in a smaller font when the rows are tight
    let cat_font = if band >= LINE_HEIGHT {
        FONT
    } else {
        (band * 0.85).clamp(5.0, FONT)
    };
    let max_lines = if band >= 2.0 * LINE_HEIGHT + 2.0 {
        2
    } else {
        1
    };
    let cat_lines: Vec<Vec<String>> = chart
        .categories
        .iter()
        .map(|c| wrap(c, max_label, cat_font, max_lines))
        .collect();
    let label_w = cat_lines
        .iter()
        .flatten()
        .map(|l| text_width(l, cat_font))
        .fold(0.0, f64::max);
    let left = 8.0 + label_w + 12.0;

    let decimals = data.label_decimals();
    let signed = data.min.unwrap_or(0.0) < 0.0;
    let mut pad_pos: f64 = 0.0;
    let mut pad_neg: f64 = 0.0;
    for v in data.values.iter().flatten().flatten() {
        let w = text_width(&value_label(*v, decimals, signed), FONT) + 8.0;
        if *v < 0.0 {
            pad_neg = pad_neg.max(w);
        } else {
            pad_pos = pad_pos.max(w);
        }
    }
    let (lo, hi) = data.axis_range(true);
    let ticks = nice_ticks(lo, hi, 5);
    let (x0, x1) = (left + pad_neg, right - pad_pos);
    let x_of = |v: f64| x0 + (v - ticks.min()) / (ticks.max() - ticks.min()) * (x1 - x0);

    for (v, l) in ticks.values.iter().zip(ticks.labels()) {
        let x = x_of(*v);
        let _ = writeln!(
            out,
            "<path d=\"M{x} {t}V{b}\" stroke=\"{GRID}\" stroke-width=\"1\"/>",
            x = num(x),
            t = num(top),
            b = num(bottom)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
            num(x),
            num(bottom + 16.0),
            escape(&l)
        );
    }
    let _ = writeln!(
        out,
        "<path d=\"M{} {b}H{}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
        num(x0),
        num(x1),
        b = num(bottom)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
        num((x0 + x1) / 2.0),
        num(bottom + 32.0),
        escape(&chart.unit)
    );
    for (i, ls) in cat_lines.iter().enumerate() {
        let cy = top + (i as f64 + 0.5) * band;
        let line_h = cat_font * LINE_HEIGHT / FONT;
        let y = cy + cat_font * 0.36 - (ls.len() as f64 - 1.0) * line_h / 2.0;
        text_lines(out, left - 10.0, y, "end", cat_font, ls);
    }

    if data.is_empty() {
        no_data(out, (x0 + x1) / 2.0, (top + bottom) / 2.0);
    } else {
        let k = data.values.len().max(1);
        let group = band * 0.75;
        let slot = group / k as f64;
        let bar_h = (slot * 0.85).min(28.0);
        let single = k == 1;
        // value labels only when the bars are thick enough to keep them apart
        let labelled = slot >= LINE_HEIGHT;
        let zero = x_of(0.0);
        for (si, (series, values)) in chart.series.iter().zip(&data.values).enumerate() {
            for (i, v) in values.iter().enumerate() {
                let Some(v) = *v else { continue };
                let colour = if single && v < 0.0 {
                    NEGATIVE
                } else {
                    PALETTE[si % PALETTE.len()]
                };
                let cy = top + (i as f64 + 0.5) * band - group / 2.0 + (si as f64 + 0.5) * slot;
                let xv = x_of(v);
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}/>",
                    num(zero.min(xv)),
                    num(cy - bar_h / 2.0),
                    num((xv - zero).abs()),
                    num(bar_h),
                    bar_paint(colour, series.style)
                );
                if !labelled {
                    continue;
                }
                let label = value_label(v, decimals, signed);
                let (x, anchor) = if v < 0.0 {
                    (xv - 5.0, "end")
                } else {
                    (xv + 5.0, "start")
                };
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                    num(x),
                    num(cy + 4.0),
                    escape(&label)
                );
            }
        }
    }
    // the zero line on top of the bars
    let zero = x_of(0.0_f64.clamp(ticks.min(), ticks.max()));
    let _ = writeln!(
        out,
        "<path d=\"M{z} {t}V{b}\" stroke=\"{AXIS}\" stroke-width=\"1.5\"/>",
        z = num(zero),
        t = num(top),
        b = num(bottom)
    );
}

/// The value labels the bar charts carry, per series and category (`None` for a missing
/// value): Swedish notation with the chart's decimals, `+` before positive values when the
/// chart also has negative ones. Other renderers (Excel) use them so their charts read like
/// the SVG's.
pub fn bar_value_labels(chart: &Chart) -> Vec<Vec<Option<String>>> {
    let data = Data::new(chart);
    let decimals = data.label_decimals();
    let signed = data.min.unwrap_or(0.0) < 0.0;
    data.values
        .iter()
        .map(|vs| {
            vs.iter()
                .map(|v| v.map(|v| value_label(v, decimals, signed)))
                .collect()
        })
        .collect()
}

/// The fill of a bar as the SVG paints it: the series' palette colour, and for a chart of one
/// series of horizontal bars (deviations) the negative colour below zero.
pub fn bar_colour(chart: &Chart, series: usize, value: f64) -> &'static str {
    if chart.kind == ChartKind::HorizontalBar && chart.series.len() == 1 && value < 0.0 {
        NEGATIVE
    } else {
        PALETTE[series % PALETTE.len()]
    }
}

/// A value at a bar end: Swedish notation, `+` before positive values when the chart also has
/// negative ones (deviations).
fn value_label(v: f64, decimals: u8, signed: bool) -> String {
    let s = format_number(v, decimals);
    if signed && v > 0.0 && !s.chars().all(|c| c == '0' || c == ',') {
        format!("+{s}")
    } else {
        s
    }
}

fn no_data(out: &mut String, x: f64, y: f64) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">Inga värden att visa</text>",
        num(x),
        num(y)
    );
}

/// Category labels for a band width: each on up to two lines when all fit, otherwise every
/// `k`-th label on one line. Returns the lines per category and `k`.
fn category_layout(categories: &[String], band: f64) -> (Vec<Vec<String>>, usize) {
    let room = band - 6.0;
    let longest = categories
        .iter()
        .map(|c| text_width(c, FONT))
        .fold(0.0, f64::max);
    if longest <= room {
        return (categories.iter().map(|c| vec![c.clone()]).collect(), 1);
    }
    let wrapped: Vec<Vec<String>> = categories.iter().map(|c| wrap(c, room, FONT, 2)).collect();
    let truncated = wrapped
        .iter()
        .zip(categories)
        .any(|(w, c)| w.join(" ") != *c);
    if !truncated || categories.len() <= 12 {
        return (wrapped, 1);
    }
    let every = ((longest + 6.0) / band).ceil().max(1.0) as usize;
    (categories.iter().map(|c| vec![c.clone()]).collect(), every)
}

/// Word-wrap `text` to `max_width` in at most `max_lines` lines; a line that still does not fit
/// ends with an ellipsis.
fn wrap(text: &str, max_width: f64, size: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&candidate, size) <= max_width || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(rest);
    }
    lines
        .into_iter()
        .map(|l| ellipsis(&l, max_width, size))
        .collect()
}

fn ellipsis(line: &str, max_width: f64, size: f64) -> String {
    if text_width(line, size) <= max_width {
        return line.to_string();
    }
    let mut s: String = line.to_string();
    while !s.is_empty() && text_width(&s, size) + text_width("…", size) > max_width {
        s.pop();
    }
    format!("{}…", s.trim_end())
}

fn text_lines(out: &mut String, x: f64, y: f64, anchor: &str, size: f64, lines: &[String]) {
    let size_attr = if size == FONT {
        String::new()
    } else {
        format!(" font-size=\"{}\"", num(size))
    };
    for (j, l) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"{size_attr}>{}</text>",
            num(x),
            num(y + j as f64 * size * LINE_HEIGHT / FONT),
            escape(l)
        );
    }
}

/// Estimated width of `s` in DejaVu Sans at `size` (generous, so labels rarely collide).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | '\'' | '|' | '!' | ':' | ';' => 0.3,
            ' ' | '\u{a0}' | 'f' | 't' | 'r' | 'I' => 0.4,
            'm' | 'w' | 'M' | 'W' => 0.9,
            c if c.is_uppercase() => 0.7,
            _ => 0.62,
        })
        .sum::<f64>()
        * size
}

/// A coordinate with at most two decimals, no trailing zeros, never `-0`.
fn num(x: f64) -> String {
    let k = (x * 100.0).round() as i64;
    if k == 0 {
        return "0".to_string();
    }
    let sign = if k < 0 { "-" } else { "" };
    let a = k.unsigned_abs();
    let (int, frac) = (a / 100, a % 100);
    if frac == 0 {
        format!("{sign}{int}")
    } else if frac % 10 == 0 {
        format!("{sign}{int}.{}", frac / 10)
    } else {
        format!("{sign}{int}.{frac:02}")
    }
}

/// Escape text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // characters XML 1.0 does not allow
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use crate::model::Series;
    use proptest::prelude::*;

    /// A parsed XML element: just enough to check well-formedness and read the result.
    #[derive(Debug, Default)]
    struct Node {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
        text: String,
    }

    impl Node {
        fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }

        fn all(&self, name: &str) -> Vec<&Node> {
            let mut out = Vec::new();
            fn go<'a>(n: &'a Node, name: &str, out: &mut Vec<&'a Node>) {
                if n.name == name {
                    out.push(n);
                }
                for c in &n.children {
                    go(c, name, out);
                }
            }
            go(self, name, &mut out);
            out
        }
    }

    fn unescape(s: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find(';').ok_or("& without ;")? + i;
            let ent = &rest[i + 1..end];
            let c = match ent {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ if ent.starts_with("#x") => {
                    char::from_u32(u32::from_str_radix(&ent[2..], 16).map_err(|e| e.to_string())?)
                        .ok_or("bad char")?
                }
                _ if ent.starts_with('#') => {
                    char::from_u32(ent[1..].parse().map_err(|_| format!("bad entity {ent}"))?)
                        .ok_or("bad char")?
                }
                _ => return Err(format!("unknown entity &{ent};")),
            };
            out.push(c);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A strict little XML parser: one root, balanced tags, quoted attributes, known entities,
    /// no stray `<`, `&` or `>` in text.
    fn parse_xml(s: &str) -> Result<Node, String> {
        let mut stack: Vec<Node> = vec![Node::default()];
        let mut rest = s.trim_start();
        if let Some(r) = rest.strip_prefix("<?xml") {
            rest = &r[r.find("?>").ok_or("unterminated declaration")? + 2..];
        }
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("<!--") {
                rest = &r[r.find("-->").ok_or("unterminated comment")? + 3..];
            } else if let Some(r) = rest.strip_prefix("</") {
                let end = r.find('>').ok_or("unterminated end tag")?;
                let name = r[..end].trim();
                let node = stack.pop().ok_or("end tag without start")?;
                if node.name != name {
                    return Err(format!("</{name}> closes <{}>", node.name));
                }
                stack
                    .last_mut()
                    .ok_or("end tag at top")?
                    .children
                    .push(node);
                rest = &r[end + 1..];
            } else if let Some(r) = rest.strip_prefix('<') {
                let end = r.find('>').ok_or("unterminated tag")?;
                let mut inner = &r[..end];
                let empty = inner.ends_with('/');
                if empty {
                    inner = &inner[..inner.len() - 1];
                }
                let name_end = inner
                    .find(|c: char| c.is_whitespace())
                    .unwrap_or(inner.len());
                let name = &inner[..name_end];
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_alphanumeric() || "-:_".contains(c))
                {
                    return Err(format!("bad element name {name:?}"));
                }
                let mut node = Node {
                    name: name.to_string(),
                    ..Node::default()
                };
                let mut a = inner[name_end..].trim_start();
                while !a.is_empty() {
                    let eq = a
                        .find('=')
                        .ok_or(format!("attribute without value in <{name}>"))?;
                    let key = a[..eq].trim();
                    if key.is_empty() || key.contains(char::is_whitespace) {
                        return Err(format!("bad attribute name {key:?}"));
                    }
                    let v = a[eq + 1..].trim_start();
                    let q = v.chars().next().ok_or("missing attribute value")?;
                    if q != '"' && q != '\'' {
                        return Err(format!("unquoted attribute {key}"));
                    }
                    let close = v[1..].find(q).ok_or("unterminated attribute")? + 1;
                    let raw = &v[1..close];
                    if raw.contains('<') {
                        return Err(format!("< in attribute {key}"));
                    }
                    if node.attrs.iter().any(|(k, _)| k == key) {
                        return Err(format!("duplicate attribute {key}"));
                    }
                    node.attrs.push((key.to_string(), unescape(raw)?));
                    a = v[close + 1..].trim_start();
                }
                if empty {
                    stack.last_mut().unwrap().children.push(node);
                } else {
                    stack.push(node);
                }
                rest = &r[end + 1..];
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                let raw = &rest[..end];
                if raw.contains('>') {
                    return Err(format!("> in text {raw:?}"));
                }
                let text = unescape(raw)?;
                if stack.len() == 1 && !text.trim().is_empty() {
                    return Err("text outside the root".into());
                }
                stack.last_mut().unwrap().text.push_str(&text);
                rest = &rest[end..];
            }
        }
        if stack.len() != 1 {
            return Err(format!("unclosed <{}>", stack.last().unwrap().name));
        }
        let mut doc = stack.pop().unwrap();
        if doc.children.len() != 1 {
            return Err(format!("{} root elements", doc.children.len()));
        }
        Ok(doc.children.pop().unwrap())
    }

    fn chart(kind: ChartKind, categories: &[&str], series: Vec<Vec<Option<f64>>>) -> Chart {
        let styles = [SeriesStyle::Solid, SeriesStyle::Dashed, SeriesStyle::Dotted];
        Chart {
            id: "c".into(),
            number: 1,
            title: "Testdiagram".into(),
            kind,
            unit: "mnkr".into(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            series: series
                .into_iter()
                .enumerate()
                .map(|(i, values)| Series {
                    name: format!("Serie {}", i + 1),
                    values,
                    style: styles[i % 3],
                })
                .collect(),
            alt: "Beskrivning av diagrammet.".into(),
        }
    }

    /// An edge case: name, categories, series values.
    type Case<'a> = (&'a str, Vec<&'a str>, Vec<Vec<Option<f64>>>);

    const KINDS: [ChartKind; 3] = [ChartKind::Line, ChartKind::Bar, ChartKind::HorizontalBar];

    /// Render, parse and check what every chart must have; returns the parsed root.
    fn render_checked(c: &Chart) -> (String, Node) {
        let svg = chart_svg(c);
        let root = parse_xml(&svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
        assert_eq!(root.name, "svg");
        assert_eq!(root.attr("xmlns"), Some("http://www.w3.org/2000/svg"));
        assert_eq!(root.attr("width"), Some("720"));
        assert_eq!(root.attr("height"), Some("360"));
        assert_eq!(root.attr("viewBox"), Some("0 0 720 360"));
        assert_eq!(root.attr("role"), Some("img"));
        assert_eq!(root.attr("aria-label"), Some(c.alt.as_str()));
        assert_eq!(root.attr("font-family"), Some(SVG_FONT_FAMILY));
        assert_eq!(root.children[0].name, "title");
        assert_eq!(root.children[0].text, c.title);
        assert_eq!(root.children[1].name, "desc");
        assert_eq!(root.children[1].text, c.alt);
        for bad in ["NaN", "inf", "class=", "href", "<style", "<script", "id="] {
            assert!(!svg.contains(bad), "{bad} in\n{svg}");
        }
        // every number in an attribute has at most two decimals
        for n in root.all("rect").iter().chain(root.all("text").iter()) {
            for (k, v) in &n.attrs {
                if ["x", "y", "width", "height"].contains(&k.as_str()) {
                    let dec = v.split('.').nth(1).map_or(0, str::len);
                    assert!(dec <= 2, "{k}={v}");
                    assert!(v.parse::<f64>().is_ok(), "{k}={v}");
                }
            }
        }
        for t in root.all("text") {
            let x: f64 = t.attr("x").unwrap().parse().unwrap();
            let y: f64 = t.attr("y").unwrap().parse().unwrap();
            assert!(
                (0.0..=720.0).contains(&x) && (0.0..=360.0).contains(&y),
                "{t:?}"
            );
        }
        assert_eq!(chart_svg(c), svg, "deterministic");
        (svg, root)
    }

    fn texts(root: &Node) -> Vec<String> {
        root.all("text").iter().map(|t| t.text.clone()).collect()
    }

    #[test]
    fn the_sample_charts_render() {
        let r = fixture::sample();
        for c in r.charts() {
            let (_, root) = render_checked(c);
            let t = texts(&root);
            assert!(t.contains(&"mnkr".to_string()));
            for cat in &c.categories {
                assert!(t.iter().any(|x| x == cat), "category {cat} in {t:?}");
            }
        }
    }

    #[test]
    fn twelve_months_line_chart_has_styled_lines_legend_and_gaps() {
        let r = fixture::sample();
        let c = r.charts().into_iter().find(|c| c.id == "ack").unwrap();
        let (svg, root) = render_checked(c);
        let t = texts(&root);
        for s in &c.series {
            assert!(t.contains(&s.name), "legend {}", s.name);
        }
        // three series lines + three legend swatches; grid lines have no fill="none"
        let lines: Vec<&Node> = root
            .all("path")
            .into_iter()
            .filter(|p| p.attr("fill") == Some("none"))
            .collect();
        assert_eq!(lines.len(), 6);
        assert!(svg.contains("stroke-dasharray=\"7 4\""));
        assert!(svg.contains("stroke-dasharray=\"2 3\""));
        // outcome: 8 points, one segment; forecast: 5 points from August
        let outcome = lines
            .iter()
            .filter(|p| p.attr("stroke") == Some(PALETTE[1]))
            .map(|p| p.attr("d").unwrap())
            .max_by_key(|d| d.len())
            .unwrap();
        assert_eq!(outcome.matches('M').count(), 1);
        assert_eq!(outcome.matches('L').count(), 7);
        // ticks: 0 to at least 312, Swedish labels
        assert!(t.contains(&"0".to_string()));
        assert!(t.iter().any(|x| x == "350" || x == "400"), "{t:?}");
        assert_eq!(root.all("circle").len(), 12 + 8 + 5);
    }

    #[test]
    fn a_line_far_from_zero_marks_the_broken_axis() {
        // 195–200 persons per day: the axis starts near the data, and says so with a break.
        let values: Vec<Option<f64>> = [198.8, 195.9, 198.4, 199.5, 196.1, 197.6]
            .iter()
            .map(|v| Some(*v))
            .collect();
        let months = ["jan", "feb", "mar", "apr", "maj", "jun"];
        let (svg, root) = render_checked(&chart(ChartKind::Line, &months, vec![values]));
        let t = texts(&root);
        assert!(!t.contains(&"0".to_string()), "{t:?}");
        assert_eq!(svg.matches("l12 -4M").count(), 1, "{svg}");
        // From zero there is no break.
        let from_zero: Vec<Option<f64>> = [0.0, 10.0, 20.0].iter().map(|v| Some(*v)).collect();
        let (svg, _) = render_checked(&chart(ChartKind::Line, &months[..3], vec![from_zero]));
        assert!(!svg.contains("l12 -4M"));
    }

    #[test]
    fn every_kind_renders_edge_cases() {
        let months = [
            "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
        ];
        let cases: Vec<Case> = vec![
            (
                "all none",
                vec!["a", "b", "c"],
                vec![vec![None, None, None]],
            ),
            ("no categories", vec![], vec![vec![]]),
            ("no series", vec!["a", "b"], vec![]),
            (
                "single category",
                vec!["Socialnämnden"],
                vec![vec![Some(12.5)]],
            ),
            (
                "all zero",
                vec!["a", "b", "c"],
                vec![vec![Some(0.0); 3], vec![Some(0.0); 3]],
            ),
            (
                "negative",
                vec!["PN", "SN", "VON", "FSN"],
                vec![vec![Some(4.5), Some(-44.4), Some(3.2), Some(-5.4)]],
            ),
            (
                "all negative",
                vec!["a", "b"],
                vec![vec![Some(-3.0), Some(-7.25)], vec![Some(-1.0), None]],
            ),
            (
                "nan and short series",
                vec!["a", "b", "c"],
                vec![vec![Some(f64::NAN), Some(1.0)], vec![Some(f64::INFINITY)]],
            ),
            (
                "twelve months",
                months.to_vec(),
                vec![
                    (1..=12).map(|m| Some(1_234.5 * m as f64)).collect(),
                    (1..=12)
                        .map(|m| (m <= 8).then_some(1_300.0 * m as f64))
                        .collect(),
                    (1..=12)
                        .map(|m| (m >= 8).then_some(1_290.0 * m as f64))
                        .collect(),
                ],
            ),
        ];
        for kind in KINDS {
            for (name, cats, series) in &cases {
                let c = chart(kind, cats, series.clone());
                let (svg, root) = render_checked(&c);
                let t = texts(&root);
                let has_data = series.iter().flatten().flatten().any(|v| v.is_finite());
                assert_eq!(
                    t.iter().any(|x| x == "Inga värden att visa"),
                    !has_data || cats.is_empty(),
                    "{kind:?} {name}"
                );
                if *name == "negative" {
                    assert!(
                        t.iter().any(|x| x.starts_with('\u{2212}')),
                        "{kind:?} {t:?}"
                    );
                    assert!(!svg.contains(">-"), "ASCII minus in a label");
                }
                if *name == "twelve months" {
                    assert!(t.iter().any(|x| x == "15\u{a0}000"), "{kind:?} {t:?}");
                }
            }
        }
    }

    #[test]
    fn horizontal_bars_have_value_labels_and_sign_colours() {
        let c = chart(
            ChartKind::HorizontalBar,
            &["Programnämnd social välfärd", "Socialnämnden"],
            vec![vec![Some(4.5), Some(-44.4)]],
        );
        let (_, root) = render_checked(&c);
        let t = texts(&root);
        assert!(t.contains(&"+4,5".to_string()), "{t:?}");
        assert!(t.contains(&"\u{2212}44,4".to_string()), "{t:?}");
        let rects: Vec<&Node> = root.all("rect").into_iter().skip(1).collect();
        assert_eq!(rects.len(), 2);
        assert_eq!(rects[0].attr("fill"), Some(PALETTE[0]));
        assert_eq!(rects[1].attr("fill"), Some(NEGATIVE));
        // the negative bar ends left of the positive one's start (the zero line)
        let x = |n: &Node, a: &str| n.attr(a).unwrap().parse::<f64>().unwrap();
        assert!((x(rects[1], "x") + x(rects[1], "width") - x(rects[0], "x")).abs() < 0.02);
        assert!(x(rects[1], "width") > 5.0 * x(rects[0], "width"));
        // category labels right-aligned left of the bars
        for cat in &c.categories {
            let label = root
                .all("text")
                .into_iter()
                .find(|n| &n.text == cat)
                .unwrap();
            assert_eq!(label.attr("text-anchor"), Some("end"));
            assert!(x(label, "x") < x(rects[1], "x"));
        }
    }

    #[test]
    fn grouped_bars_sit_side_by_side() {
        let c = chart(
            ChartKind::Bar,
            &["2023", "2024", "2025"],
            vec![
                vec![Some(10.0), Some(12.0), Some(13.0)],
                vec![Some(11.0), Some(12.5), None],
            ],
        );
        let (_, root) = render_checked(&c);
        let x = |n: &Node, a: &str| n.attr(a).unwrap().parse::<f64>().unwrap();
        // background, two legend swatches, five bars
        let rects = root.all("rect");
        assert_eq!(rects.len(), 1 + 2 + 5);
        let bars = &rects[3..];
        assert!(x(bars[0], "x") + x(bars[0], "width") <= x(bars[3], "x"));
        assert_eq!(bars[3].attr("stroke-dasharray"), Some("5 3"));
        // taller value, taller bar
        assert!(x(bars[2], "height") > x(bars[0], "height"));
    }

    #[test]
    fn long_category_labels_are_wrapped_or_thinned() {
        let names = [
            "Vård- och omsorgsnämnden",
            "Funktionsstödsnämnden",
            "Programnämnd social välfärd",
            "Socialnämnden",
            "Arbetsmarknads- och vuxenutbildningsnämnden med ett mycket långt namn",
            "Kultur- och fritidsnämnden",
            "Byggnadsnämnden",
        ];
        let c = chart(
            ChartKind::Bar,
            &names,
            vec![(1..=7).map(|i| Some(i as f64)).collect()],
        );
        let (_, root) = render_checked(&c);
        let t = texts(&root);
        assert!(t.iter().any(|x| x.ends_with('…')), "{t:?}");
        let hb = chart(
            ChartKind::HorizontalBar,
            &names,
            c.series.iter().map(|s| s.values.clone()).collect(),
        );
        render_checked(&hb);
        // 36 months: labels thinned out, never overlapping
        let cats: Vec<String> = (0..36)
            .map(|i| format!("{}-{:02}", 2023 + i / 12, i % 12 + 1))
            .collect();
        let cat_refs: Vec<&str> = cats.iter().map(String::as_str).collect();
        let c = chart(
            ChartKind::Line,
            &cat_refs,
            vec![(0..36).map(|i| Some(i as f64)).collect()],
        );
        let (_, root) = render_checked(&c);
        let shown = texts(&root).iter().filter(|t| t.starts_with("202")).count();
        assert!(shown > 3 && shown < 36, "{shown}");
    }

    #[test]
    fn many_horizontal_categories_get_one_line_each_in_a_smaller_font() {
        let cats: Vec<String> = (1..=40)
            .map(|i| format!("Enhet {i} med ett långt namn"))
            .collect();
        let refs: Vec<&str> = cats.iter().map(String::as_str).collect();
        let c = chart(
            ChartKind::HorizontalBar,
            &refs,
            vec![(1..=40).map(|i| Some(i as f64 - 20.5)).collect()],
        );
        let (_, root) = render_checked(&c);
        let labels: Vec<&Node> = root
            .all("text")
            .into_iter()
            .filter(|t| t.text.starts_with("Enhet"))
            .collect();
        assert_eq!(labels.len(), 40);
        let ys: Vec<f64> = labels
            .iter()
            .map(|t| t.attr("y").unwrap().parse().unwrap())
            .collect();
        let size: f64 = labels[0].attr("font-size").unwrap().parse().unwrap();
        assert!(size < FONT);
        for w in ys.windows(2) {
            assert!(w[1] - w[0] >= size, "{ys:?}");
        }
        // bars too thin for value labels: none drawn
        assert!(!texts(&root).iter().any(|t| t == "+19,5"));
    }

    #[test]
    fn text_is_escaped() {
        let mut c = chart(ChartKind::Bar, &["<b>&"], vec![vec![Some(1.0)]]);
        c.title = "Kostnad <script>alert(1)</script> & \"citat\" 'x'".into();
        c.alt = "a < b & \"c\"".into();
        c.unit = "kr/<dygn>".into();
        c.series[0].name = "x & y".into();
        let (svg, root) = render_checked(&c);
        assert!(!svg.contains("<script"));
        assert!(texts(&root).contains(&"<b>&".to_string()));
        assert!(texts(&root).contains(&"kr/<dygn>".to_string()));
    }

    #[test]
    fn nice_ticks_examples() {
        let t = nice_ticks(0.0, 312.0, 5);
        assert_eq!(t.values, vec![0.0, 100.0, 200.0, 300.0, 400.0]);
        assert_eq!(t.decimals, 0);
        let t = nice_ticks(-44.4, 4.5, 5);
        assert_eq!(t.values, vec![-50.0, -40.0, -30.0, -20.0, -10.0, 0.0, 10.0]);
        assert_eq!(t.labels()[0], "\u{2212}50");
        let t = nice_ticks(0.0, 0.9, 5);
        assert_eq!(t.decimals, 1);
        assert_eq!(t.labels()[1], "0,2");
        assert_eq!(
            nice_ticks(0.0, 0.0, 5).values,
            vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        );
        assert_eq!(nice_ticks(5.0, 5.0, 5).max(), 5.0);
        assert_eq!(nice_ticks(-5.0, -5.0, 5).min(), -5.0);
        assert_eq!(nice_ticks(0.0, 150_000.0, 5).labels()[1], "50\u{a0}000");
        // the step that gives about five intervals, not three
        let t = nice_ticks(-1_700.0, 8_750.0, 5);
        assert_eq!(t.values[0], -2_000.0);
        assert_eq!(t.values[1] - t.values[0], 2_000.0);
        assert_eq!(t.max(), 10_000.0);
    }

    proptest! {
        #[test]
        fn escaping_round_trips_and_leaves_no_markup(s in "\\PC*|[<>&\"' a-zåäö\\x00-\\x1f]*") {
            let e = escape(&s);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let kept: String = s
                .chars()
                .filter(|c| (*c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
                .collect();
            prop_assert_eq!(unescape(&e).unwrap(), kept);
        }

        #[test]
        fn ticks_cover_the_range_with_nice_steps(a in -1e9f64..1e9, b in -1e9f64..1e9, target in 2usize..10) {
            let t = nice_ticks(a, b, target);
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(t.values.len() >= 2 && t.values.len() <= 2 * target + 3, "{:?}", t);
            let tol = (hi - lo).abs() * 1e-9 + 1e-9;
            prop_assert!(t.min() <= lo + tol && t.max() >= hi - tol, "{:?} for {lo}..{hi}", t);
            let step = t.values[1] - t.values[0];
            let mant = step / 10f64.powf(step.log10().floor());
            prop_assert!([1.0, 2.0, 5.0, 10.0].iter().any(|m| (mant - m).abs() < 1e-6), "step {step}");
            for w in t.values.windows(2) {
                prop_assert!(((w[1] - w[0]) - step).abs() <= step * 1e-6);
            }
            // labels are distinct (enough decimals)
            let labels = t.labels();
            let mut dedup = labels.clone();
            dedup.dedup();
            prop_assert_eq!(dedup.len(), labels.len());
        }
    }

    #[test]
    fn powers_of_ten_without_the_maths_library() {
        assert_eq!(pow10(0), 1.0);
        assert_eq!(pow10(3), 1000.0);
        assert_eq!(pow10(-2), 0.01);
        for (x, k) in [
            (1.0, 0),
            (999.0, 2),
            (1000.0, 3),
            (0.05, -2),
            (0.1, -1),
            (3.2e7, 7),
        ] {
            assert_eq!(floor_log10(x), k, "{x}");
        }
    }

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(0.004), "0");
        assert_eq!(num(-0.004), "0");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-3.456), "-3.46");
        assert_eq!(num(720.0), "720");
        assert_eq!(num(1.05), "1.05");
    }
}
