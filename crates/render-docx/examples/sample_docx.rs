//! Writes the sample report as DOCX: `cargo run -p delar-render-docx --example sample_docx -- OUT.docx [utkast]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "sample.docx".to_string());
    let mut r = delar_report::fixture::sample();
    r.meta.draft = args.next().as_deref() == Some("utkast");
    let t = std::time::Instant::now();
    let bytes = delar_render_docx::render(&r).expect("renders");
    eprintln!("rendered {} bytes in {:?}", bytes.len(), t.elapsed());
    std::fs::write(&out, bytes).expect("writes");
}
