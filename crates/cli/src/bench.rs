//! `delar bench`: throughput and memory figures for docs/PERFORMANCE.md. Benchmarks print
//! numbers; they never pass or fail on time.

use crate::out::{count, decimal};
use anyhow::{Context, Result};
use clap::Subcommand;
use delar_sie::{ReadOptions, SieReader, SieStream};
use delar_store::ImportOptions;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// A measurement right-aligned in `width` columns with `decimals` decimals (`   12,34`).
fn num(x: f64, decimals: u8, width: usize) -> String {
    format!("{:>width$}", decimal(x, decimals))
}

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
        db: String,
        /// Prognosomgång.
        #[arg(long, default_value = "2025-P2")]
        round: String,
    },
    /// Skriv rapporten för en omgång i alla format: tid per steg och format, högsta minne.
    Report {
        /// Databasfil med en beräknad prognosomgång (till exempel delar-demo/delar.db).
        #[arg(long)]
        db: String,
        /// Prognosomgång.
        #[arg(long, default_value = "2025-P2")]
        round: String,
        /// Katalog att skriva till.
        #[arg(long, default_value = "bench-rapport")]
        out: PathBuf,
    },
    /// Webbapplikationen under last: N inloggade enhetschefer läser sitt prognosblad och
    /// sparar egna rader under en viss tid; anrop per sekund, p50/p99, fel och förlorade
    /// uppdateringar. Ändrar prognosrader: mät på en demodatabas (delar demo).
    Web {
        /// Databas med demokonton och en beräknad omgång: en SQLite-fil eller postgres://….
        #[arg(long)]
        db: String,
        /// Prognosomgång (standard: den senaste öppna).
        #[arg(long)]
        round: Option<String>,
        /// Antal samtidiga personer.
        #[arg(long, default_value_t = 50)]
        anvandare: usize,
        /// Hur länge, i sekunder.
        #[arg(long, default_value_t = 60)]
        sekunder: u64,
        /// Fler sidor som varje person läser efter prognosbladet, i varje varv:
        /// ETIKETT=/väg/{omgång}/{nod} eller bara sökvägen; flera med komma eller upprepat.
        #[arg(long, value_name = "SIDA")]
        sidor: Vec<String>,
        /// Betänketid i millisekunder efter varje anrop (i medel; varierar ±50 %): 0 (standard)
        /// är en sluten slinga utan paus, ett stressprov; människor gör en ändring på sekunder.
        #[arg(long, value_name = "MS", default_value_t = 0)]
        betanketid: u64,
        /// Hur många av personerna som är ekonomer (demons ekonom-konton): de läser samma
        /// sidor för sin nämnd eller hela programområdet och sparar inget.
        #[arg(long, value_name = "ANTAL", default_value_t = 0)]
        ekonomer: usize,
    },
    /// Importera en SIE-fil till en ny databas.
    Import {
        /// SIE-fil.
        file: PathBuf,
        /// Databas: en SQLite-fil (skrivs över) eller en tom PostgreSQL-databas
        /// (postgres://användare@värd/databas).
        #[arg(long, default_value = "bench.db")]
        db: String,
    },
}

/// Peak resident memory of this process in MB (Linux `VmHWM`), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The peak resident memory, when known.
fn print_peak() {
    if let Some(p) = peak_rss_mb() {
        println!("högsta minnesanvändning: {} MB", num(p, 1, 8));
    }
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
            println!(
                "fil: {} ({} MB, {} rader)",
                file.display(),
                decimal(mb, 1),
                count(lines)
            );
            println!(
                "radräkning (tak):        {} s {} MB/s",
                num(s0, 2, 8),
                num(mb / s0, 0, 8)
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
                "läsning:                 {} s {} MB/s {} transaktioner/s ({} poster, {} transaktioner)",
                num(s1, 2, 8),
                num(mb / s1, 0, 8),
                num(trans as f64 / s1, 0, 12),
                count(records),
                count(trans)
            );
            let t = Instant::now();
            let c = SieStream::new(open(&file)?, ReadOptions::default()).finish();
            let s2 = t.elapsed().as_secs_f64();
            println!(
                "läsning med kontroll:    {} s {} MB/s {} transaktioner/s ({} fel, {} varningar)",
                num(s2, 2, 8),
                num(mb / s2, 0, 8),
                num(c.summary.transactions as f64 / s2, 0, 12),
                count(c.findings.errors()),
                count(c.findings.warnings())
            );
            print_peak();
        }
        BenchWhat::Web {
            db,
            round,
            anvandare,
            sekunder,
            sidor,
            betanketid,
            ekonomer,
        } => {
            let pages = crate::bench_web::pages(&sidor)?;
            let load = crate::bench_web::Load {
                users: anvandare.max(1),
                seconds: sekunder,
                think_ms: betanketid,
                controllers: ekonomer,
            };
            crate::bench_web::run(&db, round.as_deref(), &load, &pages)?;
        }
        BenchWhat::Forecast { db, round } => {
            let round = delar_core::Round::parse(&round).map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut store = crate::db::open(&db)?;
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
                count(s.save.lines),
                count(methods),
                count(s.recommended)
            );
            println!("läsning ur databasen:    {} s", num(s.seconds.0, 2, 8));
            println!("metoder och backtest:    {} s", num(s.seconds.1, 2, 8));
            println!("sparande:                {} s", num(s.seconds.2, 2, 8));
            println!("totalt:                  {} s", num(total, 2, 8));
            print_peak();
        }
        BenchWhat::Report { db, round, out } => {
            use crate::report::OutFormat;
            let round = delar_core::Round::parse(&round).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = crate::db::open(&db)?;
            let all = Instant::now();
            let t = Instant::now();
            let inputs =
                crate::report::gather(&store, round, &crate::report::organisation_name(&store))?;
            println!(
                "läsning ur databasen:    {} s",
                num(t.elapsed().as_secs_f64(), 3, 8)
            );
            let def = delar_compose::Definition::default_definition();
            let t = Instant::now();
            let (report, findings) = crate::report::build_and_check(&inputs, &def, false)?;
            println!(
                "modell och kontroller:   {} s ({} tabeller, {} diagram, {} fynd)",
                num(t.elapsed().as_secs_f64(), 3, 8),
                count(report.tables().len()),
                count(report.charts().len()),
                count(findings.len())
            );
            std::fs::create_dir_all(&out)?;
            for f in OutFormat::ALL {
                let t = Instant::now();
                let bytes = crate::report::render(&report, f.to_app())?;
                let secs = t.elapsed().as_secs_f64();
                let name = format!("{f:?}").to_lowercase();
                std::fs::write(out.join(format!("rapport.{name}")), &bytes)?;
                println!(
                    "{name:<24} {} s {} kB",
                    num(secs, 3, 8),
                    num(bytes.len() as f64 / 1e3, 0, 8)
                );
            }
            println!(
                "totalt:                  {} s",
                num(all.elapsed().as_secs_f64(), 3, 8)
            );
            print_peak();
        }
        BenchWhat::Import { file, db } => {
            if !delar_store::pg::is_url(&db) {
                for suffix in ["", "-wal", "-shm"] {
                    let p = PathBuf::from(format!("{}{suffix}", delar_store::sqlite_path(&db)));
                    if p.exists() {
                        std::fs::remove_file(&p)?;
                    }
                }
            }
            let size = std::fs::metadata(&file)?.len() as f64;
            let mut store = crate::db::create(&db)?;
            let t = Instant::now();
            let report = crate::import_one(&mut store, &file, &ImportOptions::default(), true)?;
            let s = t.elapsed().as_secs_f64();
            println!("fil: {} ({} MB)", file.display(), decimal(size / 1e6, 1));
            println!(
                "import:                  {} s {} MB/s {} transaktioner/s ({} verifikationer, {} transaktioner)",
                num(s, 2, 8),
                num(size / 1e6 / s, 0, 8),
                num(report.transactions as f64 / s, 0, 12),
                count(report.vouchers),
                count(report.transactions)
            );
            print_peak();
            let st = delar_store::copy::status(&store, &db)?;
            println!(
                "databas: {} {} ({} MB)",
                st.backend,
                st.location,
                decimal(st.bytes as f64 / 1e6, 1)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
