//! Writes a report as XLSX: `cargo run -p delar-render-xlsx --example sample_xlsx -- OUT.xlsx [utkast]
//! [REPORT.json]` (the sample report unless a report model in JSON is given, e.g. the one
//! `delar report --format json` writes).
fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "sample.xlsx".to_string());
    let draft = args.next().as_deref() == Some("utkast");
    let mut r = match args.next() {
        Some(path) => {
            let text = std::fs::read_to_string(&path).expect("reads the report");
            serde_json::from_str(&text).expect("a report model in JSON")
        }
        None => delar_report::fixture::sample(),
    };
    r.meta.draft |= draft;
    let t = std::time::Instant::now();
    let bytes = delar_render_xlsx::render(&r).expect("renders");
    eprintln!("rendered {} bytes in {:?}", bytes.len(), t.elapsed());
    std::fs::write(&out, bytes).expect("writes");
}
