//! Writes the sample report as PDF: `cargo run -p delar-render-pdf --example sample_pdf -- [FILE] [--draft]`.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let draft = args.iter().any(|a| a == "--draft");
    let typ = args.iter().any(|a| a == "--typ");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "sample.pdf".to_string());
    let mut report = delar_report::fixture::sample();
    report.meta.draft = draft;
    if typ {
        let src = delar_render_pdf::typst_source(&report).expect("markup");
        std::fs::write(format!("{path}.typ"), src).expect("write markup");
    }
    let start = Instant::now();
    let pdf = match delar_render_pdf::render(&report) {
        Ok(pdf) => pdf,
        Err(e) => {
            eprintln!("fel: {e}");
            std::process::exit(1);
        }
    };
    let first = start.elapsed();
    let start = Instant::now();
    let again = delar_render_pdf::render(&report).expect("second render");
    let second = start.elapsed();
    assert_eq!(pdf, again, "two renders differ");
    // Another report (another date and title): little of Typst's memoised work is reusable.
    let mut other = report.clone();
    other.meta.date = "2025-10-01".into();
    other.meta.title = "Delårsrapport 2 2025 (rev)".into();
    let start = Instant::now();
    delar_render_pdf::render(&other).expect("third render");
    let third = start.elapsed();
    std::fs::write(&path, &pdf).expect("write pdf");
    println!(
        "{path}: {} byte; första rendering {:.0} ms (med typsnitt), samma igen {:.0} ms, \
         ändrad rapport {:.0} ms",
        pdf.len(),
        first.as_secs_f64() * 1e3,
        second.as_secs_f64() * 1e3,
        third.as_secs_f64() * 1e3
    );
}
