//! `delar bench`: throughput and memory figures for docs/PERFORMANCE.md. Benchmarks print
//! numbers; they never pass or fail on time.

use anyhow::{Context, Result};
use clap::Subcommand;
use delar_sie::{ReadOptions, SieReader, SieStream};
use delar_store::{ImportOptions, SqliteStore};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// What to measure.
#[derive(Subcommand)]
pub enum BenchWhat {
    /// Läs en SIE-fil: radräkning (taket), läsning, läsning med kontroll.
    Parse {
        /// SIE-fil.
        file: PathBuf,
    },
    /// Beräkna en prognosomgång med backtest av varje rad i en befintlig databas (och spara den).
    Forecast {
        /// Databasfil med huvudbok, organisation och volymer (till exempel Exempelkommun i
        /// skala large).
        #[arg(long)]
        db: PathBuf,
        /// Prognosomgång.
        #[arg(long, default_value = "2025-P2")]
        round: String,
    },
    /// Skriv rapporten för en omgång i alla format: tid per steg och format, högsta minne.
    Report {
        /// Databasfil med en beräknad prognosomgång (till exempel delar-demo/delar.db).
        #[arg(long)]
        db: PathBuf,
        /// Prognosomgång.
        #[arg(long, default_value = "2025-P2")]
        round: String,
        /// Katalog att skriva till.
        #[arg(long, default_value = "bench-rapport")]
        out: PathBuf,
    },
    /// Importera en SIE-fil till en ny databas.
    Import {
        /// SIE-fil.
        file: PathBuf,
        /// Databasfil (skrivs över).
        #[arg(long, default_value = "bench.db")]
        db: PathBuf,
    },
}

/// Peak resident memory of this process in MB (Linux `VmHWM`), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn open(file: &PathBuf) -> Result<BufReader<File>> {
    Ok(BufReader::with_capacity(
        1 << 20,
        File::open(file).with_context(|| format!("kunde inte öppna {}", file.display()))?,
    ))
}

/// Run a benchmark and print its figures.
pub fn run(what: BenchWhat) -> Result<ExitCode> {
    match what {
        BenchWhat::Parse { file } => {
            let size = std::fs::metadata(&file)?.len() as f64;
            let mb = size / 1e6;
            // Ceiling: count lines with a plain read loop.
            let t = Instant::now();
            let mut f = File::open(&file)?;
            let mut buf = vec![0u8; 1 << 20];
            let mut lines = 0u64;
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            }
            let s0 = t.elapsed().as_secs_f64();
            println!("fil: {} ({:.1} MB, {} rader)", file.display(), mb, lines);
            println!(
                "radräkning (tak):        {:>8.2} s {:>8.0} MB/s",
                s0,
                mb / s0
            );
            let t = Instant::now();
            let mut trans = 0u64;
            let mut records = 0u64;
            for r in SieReader::new(open(&file)?, ReadOptions::default()) {
                records += 1;
                if let delar_sie::Record::Voucher(v) = &r {
                    trans += v.transactions.len() as u64;
                }
            }
            let s1 = t.elapsed().as_secs_f64();
            println!(
                "läsning:                 {:>8.2} s {:>8.0} MB/s {:>12.0} transaktioner/s ({records} poster, {trans} transaktioner)",
                s1,
                mb / s1,
                trans as f64 / s1
            );
            let t = Instant::now();
            let c = SieStream::new(open(&file)?, ReadOptions::default()).finish();
            let s2 = t.elapsed().as_secs_f64();
            println!(
                "läsning med kontroll:    {:>8.2} s {:>8.0} MB/s {:>12.0} transaktioner/s ({} fel, {} varningar)",
                s2,
                mb / s2,
                c.summary.transactions as f64 / s2,
                c.findings.errors(),
                c.findings.warnings()
            );
            if let Some(p) = peak_rss_mb() {
                println!("högsta minnesanvändning: {p:>8.1} MB");
            }
        }
        BenchWhat::Forecast { db, round } => {
            let round = delar_core::Round::parse(&round).map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut store = SqliteStore::open(&db)?;
            let t = Instant::now();
            let s = crate::forecast::run_round(
                &mut store,
                &round,
                &crate::forecast::RoundOptions::default(),
            )?;
            let total = t.elapsed().as_secs_f64();
            let methods: u64 = s.by_method.values().map(|n| *n as u64).sum();
            println!(
                "prognosomgång {}: {} rader ({} beräknade), {} med rekommendation",
                round.id(),
                s.save.lines,
                methods,
                s.recommended
            );
            println!("läsning ur databasen:    {:>8.2} s", s.seconds.0);
            println!("metoder och backtest:    {:>8.2} s", s.seconds.1);
            println!("sparande:                {:>8.2} s", s.seconds.2);
            println!("totalt:                  {total:>8.2} s");
            if let Some(p) = peak_rss_mb() {
                println!("högsta minnesanvändning: {p:>8.1} MB");
            }
        }
        BenchWhat::Report { db, round, out } => {
            use crate::report::OutFormat;
            let round = delar_core::Round::parse(&round).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = SqliteStore::open(&db)?;
            let all = Instant::now();
            let t = Instant::now();
            let inputs =
                crate::report::gather(&store, round, &crate::report::organisation_name(&store))?;
            println!(
                "läsning ur databasen:    {:>8.3} s",
                t.elapsed().as_secs_f64()
            );
            let def = delar_compose::Definition::default_definition();
            let t = Instant::now();
            let (report, findings) = crate::report::build_and_check(&inputs, &def, false)?;
            println!(
                "modell och kontroller:   {:>8.3} s ({} tabeller, {} diagram, {} fynd)",
                t.elapsed().as_secs_f64(),
                report.tables().len(),
                report.charts().len(),
                findings.len()
            );
            std::fs::create_dir_all(&out)?;
            for f in OutFormat::ALL {
                let t = Instant::now();
                let bytes = crate::report::render(&report, *f)?;
                let secs = t.elapsed().as_secs_f64();
                let name = format!("{f:?}").to_lowercase();
                std::fs::write(out.join(format!("rapport.{name}")), &bytes)?;
                println!(
                    "{name:<24} {secs:>8.3} s {:>8.0} kB",
                    bytes.len() as f64 / 1e3
                );
            }
            println!(
                "totalt:                  {:>8.3} s",
                all.elapsed().as_secs_f64()
            );
            if let Some(p) = peak_rss_mb() {
                println!("högsta minnesanvändning: {p:>8.1} MB");
            }
        }
        BenchWhat::Import { file, db } => {
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", db.display()));
                if p.exists() {
                    std::fs::remove_file(&p)?;
                }
            }
            let size = std::fs::metadata(&file)?.len() as f64;
            let mut store = SqliteStore::create(&db)?;
            let t = Instant::now();
            let report = crate::import_one(&mut store, &file, &ImportOptions::default(), true)?;
            let s = t.elapsed().as_secs_f64();
            println!("fil: {} ({:.1} MB)", file.display(), size / 1e6);
            println!(
                "import:                  {:>8.2} s {:>8.0} MB/s {:>12.0} transaktioner/s ({} verifikationer, {} transaktioner)",
                s,
                size / 1e6 / s,
                report.transactions as f64 / s,
                report.vouchers,
                report.transactions
            );
            if let Some(p) = peak_rss_mb() {
                println!("högsta minnesanvändning: {p:>8.1} MB");
            }
            println!(
                "databas: {} ({:.1} MB)",
                db.display(),
                std::fs::metadata(&db)
                    .map(|m| m.len() as f64 / 1e6)
                    .unwrap_or(0.0)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
