//! `delar generate`: write Exempelkommun (SIE per year, CSV templates, ground truth).

use anyhow::{Context, Result};
use delar_core::Round;
use delar_demo::kommun::{self, KommunOptions, Scale};
use std::path::Path;
use std::process::ExitCode;

/// Generate into `out` and print what was written.
pub fn run(out: &Path, seed: u64, scale: &str, round: &str, utf8: bool) -> Result<ExitCode> {
    let scale: Scale = scale.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let round = Round::parse(round).map_err(|e| anyhow::anyhow!("{e}"))?;
    let opts = KommunOptions {
        seed,
        scale,
        cutoff: round.cutoff_month(),
        utf8,
    };
    let t = std::time::Instant::now();
    println!(
        "Skapar Exempelkommun (frö {seed}, skala {scale}, brytmånad {}) i {} …",
        opts.cutoff,
        out.display()
    );
    let stats = kommun::generate(&opts, out, |path, bytes| {
        let shown = path.strip_prefix(out).unwrap_or(path);
        println!("  {:<40} {:>12}", shown.display(), size(bytes));
    })
    .with_context(|| format!("kunde inte skriva Exempelkommun till {}", out.display()))?;
    let total: u64 = stats.files.iter().map(|f| f.1).sum();
    println!(
        "Klart på {} s: {} filer ({}), {} enheter, {} volymserier, {} verifikationer och {} transaktioner (utan facit).",
        format!("{:.1}", t.elapsed().as_secs_f64()).replace('.', ","),
        stats.files.len(),
        size(total),
        stats.units,
        stats.series,
        group(stats.vouchers),
        group(stats.transactions),
    );
    println!(
        "Facit för resten av {} (månaderna efter brytmånaden) ligger i {}.",
        kommun::CURRENT_YEAR,
        out.join("truth").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Thousands grouped with spaces.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A byte count in Swedish: `12,3 MB`.
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6).replace('.', ",")
    } else {
        format!("{:.1} kB", bytes as f64 / 1e3).replace('.', ",")
    }
}
