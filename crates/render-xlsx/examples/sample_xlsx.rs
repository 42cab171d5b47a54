//! Writes the sample report as XLSX: `cargo run -p delar-render-xlsx --example sample_xlsx -- OUT.xlsx [utkast]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "sample.xlsx".to_string());
    let mut r = delar_report::fixture::sample();
    r.meta.draft = args.next().as_deref() == Some("utkast");
    let t = std::time::Instant::now();
    let bytes = delar_render_xlsx::render(&r).expect("renders");
    eprintln!("rendered {} bytes in {:?}", bytes.len(), t.elapsed());
    std::fs::write(&out, bytes).expect("writes");
}
