//! `delar generate`: write Exempelkommun (SIE per year, CSV templates, ground truth).

use anyhow::{Context, Result};
use delar_core::Round;
use delar_demo::kommun::{self, KommunOptions, Scale};
use std::path::Path;
use std::process::ExitCode;

/// The scales on the command line, with Swedish names (the English ones are accepted too).
pub fn scale_values() -> clap::builder::PossibleValuesParser {
    use clap::builder::PossibleValue;
    clap::builder::PossibleValuesParser::new([
        PossibleValue::new("liten")
            .alias("small")
            .help("Standardorganisationen med få verifikationer, för tester"),
        PossibleValue::new("standard")
            .alias("default")
            .help("Omkring 50 enheter och 150 000 invånare (som delar demo)"),
        PossibleValue::new("mellan")
            .alias("medium")
            .help("Omkring 400 enheter, en stad med 500 000 invånare"),
        PossibleValue::new("stor")
            .alias("large")
            .help("Omkring 2 000 enheter och 10 miljoner transaktioner om året"),
    ])
}

/// The Swedish name of a scale (as on the command line).
fn scale_name(s: Scale) -> &'static str {
    match s {
        Scale::Small => "liten",
        Scale::Default => "standard",
        Scale::Medium => "mellan",
        Scale::Large => "stor",
    }
}

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
        "Skapar Exempelkommun (frö {seed}, skala {}, brytmånad {}) i {} …",
        scale_name(scale),
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
        crate::out::decimal(t.elapsed().as_secs_f64(), 1),
        crate::out::count(stats.files.len()),
        size(total),
        crate::out::count(stats.units),
        crate::out::count(stats.series),
        crate::out::count(stats.vouchers),
        crate::out::count(stats.transactions),
    );
    println!(
        "Facit för resten av {} (månaderna efter brytmånaden) ligger i {}.",
        kommun::CURRENT_YEAR,
        out.join("truth").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A byte count in Swedish: `12,3 MB`.
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{} MB", crate::out::decimal(bytes as f64 / 1e6, 1))
    } else {
        format!("{} kB", crate::out::decimal(bytes as f64 / 1e3, 1))
    }
}
