//! Charts for Word: the report's SVG rasterised to PNG with resvg and one embedded font
//! (no system font scan, so the same chart gives the same bytes on every machine).

use delar_report::Chart;
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// A subset of DejaVu Sans (Latin-1, dashes, quotes, the status symbols); see
/// `assets/FONT-LICENSE.txt`.
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans-subset.ttf");

/// Width of the PNG in pixels; the picture is placed 16 cm wide, so this is about 250 dpi.
pub(crate) const PNG_WIDTH: u32 = 1600;

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        // Every generic family, and so every unknown named family (usvg falls back to the
        // serif family), resolves to the embedded font.
        let family = "DejaVu Sans";
        db.set_serif_family(family);
        db.set_sans_serif_family(family);
        db.set_monospace_family(family);
        db.set_cursive_family(family);
        db.set_fantasy_family(family);
        Arc::new(db)
    })
    .clone()
}

/// A chart as PNG bytes with its pixel size.
pub(crate) struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Rasterise the chart's SVG to a PNG [`PNG_WIDTH`] pixels wide on a white background.
pub(crate) fn chart_png(chart: &Chart) -> Result<Png, String> {
    let svg = chart_svg(chart);
    svg_to_png(&svg)
}

pub(crate) fn svg_to_png(svg: &str) -> Result<Png, String> {
    let opt = usvg::Options {
        font_family: "DejaVu Sans".to_string(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = PNG_WIDTH as f32 / size.width();
    let width = PNG_WIDTH;
    let height = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or_else(|| "tom bild".to_string())?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| e.to_string())?;
    Ok(Png {
        bytes,
        width,
        height,
    })
}

/// The chart as SVG. Placeholder until `delar_report::svg::chart_svg` lands on main: a plain
/// line or bar chart with axis, gridlines and legend.
pub(crate) fn chart_svg(chart: &Chart) -> String {
    placeholder::chart_svg(chart)
}

mod placeholder {
    use delar_report::{Chart, ChartKind, SeriesStyle};
    use std::fmt::Write;

    const COLOURS: [&str; 4] = ["#1f4e79", "#c55a11", "#548235", "#7f6000"];

    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    fn fmt(v: f64) -> String {
        let s = format!("{v:.0}");
        s.replace('-', "\u{2212}")
    }

    pub(super) fn chart_svg(c: &Chart) -> String {
        let (w, h) = (800.0, 420.0);
        let horizontal = c.kind == ChartKind::HorizontalBar;
        let left = if horizontal { 210.0 } else { 60.0 };
        let (top, right, bottom) = (20.0, 20.0, 80.0);
        let values: Vec<f64> = c
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .collect();
        let mut lo = values.iter().copied().fold(0.0f64, f64::min);
        let mut hi = values.iter().copied().fold(0.0f64, f64::max);
        if hi == lo {
            hi = lo + 1.0;
        }
        let step = nice_step((hi - lo) / 5.0);
        lo = (lo / step).floor() * step;
        hi = (hi / step).ceil() * step;
        let pw = w - left - right;
        let ph = h - top - bottom;
        let n = c.categories.len().max(1) as f64;
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="13">"#
        );
        // value axis gridlines
        let mut v = lo;
        while v <= hi + step / 2.0 {
            if horizontal {
                let x = left + (v - lo) / (hi - lo) * pw;
                let _ = write!(
                    s,
                    r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{:.1}" stroke="#d9d9d9"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                    top + ph,
                    top + ph + 16.0,
                    fmt(v)
                );
            } else {
                let y = top + ph - (v - lo) / (hi - lo) * ph;
                let _ = write!(
                    s,
                    r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d9d9d9"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
                    left + pw,
                    left - 6.0,
                    y + 4.0,
                    fmt(v)
                );
            }
            v += step;
        }
        // categories
        for (i, cat) in c.categories.iter().enumerate() {
            let mid = (i as f64 + 0.5) / n;
            if horizontal {
                let y = top + mid * ph;
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                    left - 6.0,
                    y + 4.0,
                    esc(cat)
                );
            } else {
                let x = left + mid * pw;
                let _ = write!(
                    s,
                    r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    top + ph + 18.0,
                    esc(cat)
                );
            }
        }
        let zero = |v: f64| (v - lo) / (hi - lo);
        let k = c.series.len().max(1) as f64;
        for (si, series) in c.series.iter().enumerate() {
            let colour = COLOURS[si % COLOURS.len()];
            match c.kind {
                ChartKind::Line => {
                    let dash = match series.style {
                        SeriesStyle::Solid => "",
                        SeriesStyle::Dashed => r#" stroke-dasharray="8 5""#,
                        SeriesStyle::Dotted => r#" stroke-dasharray="2 4""#,
                    };
                    let mut d = String::new();
                    let mut pen = false;
                    for (i, v) in series.values.iter().enumerate() {
                        match v {
                            Some(v) => {
                                let x = left + (i as f64 + 0.5) / n * pw;
                                let y = top + ph - zero(*v) * ph;
                                let _ = write!(d, "{}{x:.1} {y:.1} ", if pen { "L" } else { "M" });
                                pen = true;
                            }
                            None => pen = false,
                        }
                    }
                    let _ = write!(
                        s,
                        r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>"#
                    );
                }
                ChartKind::Bar | ChartKind::HorizontalBar => {
                    for (i, v) in series.values.iter().enumerate() {
                        let Some(v) = v else { continue };
                        let band = 1.0 / n;
                        let start = (i as f64 + 0.15 + 0.7 * si as f64 / k) * band;
                        let size = 0.7 * band / k;
                        let (a, b) = (zero(0.0), zero(*v));
                        let (from, to) = if a < b { (a, b) } else { (b, a) };
                        if horizontal {
                            let _ = write!(
                                s,
                                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
                                left + from * pw,
                                top + start * ph,
                                (to - from) * pw,
                                size * ph
                            );
                        } else {
                            let _ = write!(
                                s,
                                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
                                left + start * pw,
                                top + ph - to * ph,
                                size * pw,
                                (to - from) * ph
                            );
                        }
                    }
                }
            }
            let lx = left + si as f64 * 200.0;
            let ly = h - 22.0;
            let _ = write!(
                s,
                r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="14" fill="{colour}"/><text x="{:.1}" y="{ly:.1}">{}</text>"#,
                ly - 11.0,
                lx + 20.0,
                esc(&series.name)
            );
        }
        let _ = write!(
            s,
            r#"<text x="4" y="{:.1}" font-size="12">{}</text></svg>"#,
            top - 6.0 + 12.0,
            esc(&c.unit)
        );
        s
    }

    fn nice_step(raw: f64) -> f64 {
        let p = 10f64.powf(raw.abs().max(1e-9).log10().floor());
        let m = raw / p;
        let f = if m <= 1.0 {
            1.0
        } else if m <= 2.0 {
            2.0
        } else if m <= 5.0 {
            5.0
        } else {
            10.0
        };
        f * p
    }
}
