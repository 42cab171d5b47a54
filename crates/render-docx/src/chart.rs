//! Charts for Word: the report's SVG rasterised to PNG with resvg and one embedded font
//! (no system font scan, so the same chart gives the same bytes on every machine).

use delar_report::Chart;
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

use delar_report::svg::CHART_FONT as FONT;

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
    let svg = delar_report::svg::chart_svg(chart);
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

/// The pixel size of a PNG from its header (`IHDR`); an error for anything else.
pub(crate) fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return Err("PNG-filen saknar bildhuvud (IHDR)".into());
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Ok((be(16), be(20)))
}
