//! `delar demo`: the main job on the embedded example municipality. For now it generates
//! Exempelkommun's ledger as an SIE 4 file, imports it into a fresh database and writes the
//! ledger per account group; later issues extend it to the full report.

use anyhow::{Context, Result};
use delar_demo::bigsie::{big_sie_to_path, BigSieOptions};
use delar_store::{ImportOptions, LedgerBy, SqliteStore, Store};
use std::path::Path;
use std::process::ExitCode;

/// Year of the demo ledger.
pub const DEMO_YEAR: i32 = 2025;

/// Run the demo into `out`.
pub fn run(out: &Path, seed: u64) -> Result<ExitCode> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("kunde inte skapa katalogen {}", out.display()))?;
    let sie = out.join("exempelkommun-2025.se");
    let opts = BigSieOptions {
        seed,
        year: DEMO_YEAR,
        target_bytes: 5_000_000,
        units: 50,
        utf8: false,
    };
    let stats = big_sie_to_path(&sie, &opts)
        .with_context(|| format!("kunde inte skriva {}", sie.display()))?;
    println!(
        "Skrev {} ({} verifikationer, {} transaktioner).",
        sie.display(),
        stats.vouchers,
        stats.transactions
    );
    let db = out.join("delar.db");
    for suffix in ["", "-wal", "-shm"] {
        let p = out.join(format!("delar.db{suffix}"));
        if p.exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("kunde inte ta bort {}", p.display()))?;
        }
    }
    let mut store = SqliteStore::create(&db)?;
    let report = crate::import_one(&mut store, &sie, &ImportOptions::default(), true)?;
    println!("{report}");
    let rows = store.ledger(DEMO_YEAR, LedgerBy::Group, None)?;
    let table = crate::ledger::table(DEMO_YEAR, &rows);
    let path = out.join("huvudbok-kontogrupper.txt");
    std::fs::write(&path, &table)
        .with_context(|| format!("kunde inte skriva {}", path.display()))?;
    let csv_path = out.join("huvudbok-kontogrupper.csv");
    std::fs::write(&csv_path, crate::ledger::csv(&rows))
        .with_context(|| format!("kunde inte skriva {}", csv_path.display()))?;
    print!("{table}");
    println!("Skrev {} och {}.", path.display(), csv_path.display());
    Ok(ExitCode::SUCCESS)
}
