//! Writes the sample report as HTML: `cargo run -p delar-render-html --example sample_html -- OUT.html
//! [--draft]`, and each chart as its own SVG beside it.

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "rapport.html".to_string());
    let draft = args.any(|a| a == "--draft");
    let mut report = delar_report::fixture::sample();
    report.meta.draft = draft;
    std::fs::write(&out, delar_render_html::render(&report)).expect("kunde inte skriva filen");
    for c in report.charts() {
        let path = format!("{}-{}.svg", out.trim_end_matches(".html"), c.id);
        std::fs::write(&path, delar_report::svg::chart_svg(c)).expect("kunde inte skriva filen");
    }
}
