//! `delar import <register> FILE…`: the follow-up registers (goals, indicators, commitments,
//! efficiency measures, investments, staff, events, state grants, population, comparisons,
//! queues).

use crate::open_or_create;
use anyhow::Result;
use clap::{Args, Subcommand};
use delar_store::SqlStore;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Files and database for a register import.
#[derive(Args)]
pub struct RegisterArgs {
    /// Filer att importera (CSV med semikolon eller XLSX, mallarna i docs/IMPORT.md).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
    #[arg(long, default_value_t = crate::db::default_db())]
    db: String,
}

/// The register subcommands of `delar import`.
#[derive(Subcommand)]
pub enum RegisterImport {
    /// Importera målhierarkin: målområden, kommunfullmäktigemål och nämndmål (mal.csv).
    Mal(RegisterArgs),
    /// Importera nämndernas klassning av KF-målen (malklassning.csv).
    Malklassning(RegisterArgs),
    /// Importera analystexter, positiva iakttagelser och förbättringsområden (maltexter.csv).
    Maltexter(RegisterArgs),
    /// Importera indikatorer: definition, enhet, källa, polaritet (indikatorer.csv).
    Indikatorer(RegisterArgs),
    /// Importera indikatorvärden: utfall, hittills, prognos och mål (indikatorvarden.csv).
    Indikatorvarden(RegisterArgs),
    /// Importera åtaganden, strategiska uppdrag och aktiviteter med status (uppdrag.csv).
    Uppdrag(RegisterArgs),
    /// Importera effektiviseringsåtgärder (effektiviseringar.csv).
    Effektiviseringar(RegisterArgs),
    /// Importera investeringsprojekt (investeringar.csv).
    Investeringar(RegisterArgs),
    /// Importera personalnyckeltal per nämnd och period (personal.csv).
    Personal(RegisterArgs),
    /// Importera väsentliga händelser (handelser.csv).
    Handelser(RegisterArgs),
    /// Importera riktade statsbidrag (statsbidrag.csv).
    Statsbidrag(RegisterArgs),
    /// Importera befolkning per åldersgrupp (befolkning.csv).
    Befolkning(RegisterArgs),
    /// Importera kostnadsjämförelser med liknande kommuner (jamforelser.csv).
    Jamforelser(RegisterArgs),
    /// Importera ej verkställda beslut och väntetider per nämnd, insats och månad (koer.csv).
    Koer(RegisterArgs),
    /// Importera indikatorvärden från en KPI-fil (Stratsys-export: datum, enhet, mått, kolumn, värde).
    Kpi {
        /// KPI-filen (tabb- eller semikolonseparerad, med eller utan rubrikrad).
        file: PathBuf,
        /// Mappningsfil (kpi-mappning.csv): måttkod → indikator, typ och kön. Utan den
        /// matchas måttkoden mot indikatorns kod eller källid.
        #[arg(long)]
        mappning: Option<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Importera alla uppföljningsregister som finns i en katalog (mal.csv, indikatorer.csv …).
    Uppfoljning {
        /// Katalog med mallfilerna.
        dir: PathBuf,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
}

/// Run a register import; exit status 1 when any file failed (that file changed nothing).
pub fn run(cmd: RegisterImport) -> Result<ExitCode> {
    use RegisterImport::*;
    let (register, args) = match cmd {
        Mal(a) => ("mal", a),
        Malklassning(a) => ("malklassning", a),
        Maltexter(a) => ("maltexter", a),
        Indikatorer(a) => ("indikatorer", a),
        Indikatorvarden(a) => ("indikatorvarden", a),
        Uppdrag(a) => ("uppdrag", a),
        Effektiviseringar(a) => ("effektiviseringar", a),
        Investeringar(a) => ("investeringar", a),
        Personal(a) => ("personal", a),
        Handelser(a) => ("handelser", a),
        Statsbidrag(a) => ("statsbidrag", a),
        Befolkning(a) => ("befolkning", a),
        Jamforelser(a) => ("jamforelser", a),
        Koer(a) => ("koer", a),
        Uppfoljning { dir, db } => return run_dir(&dir, &db),
        Kpi { file, mappning, db } => return run_kpi(&file, mappning.as_deref(), &db),
    };
    let mut store = open_or_create(&args.db)?;
    let mut failed = false;
    for f in &args.files {
        failed |= !import_file(&mut store, register, f, true);
    }
    Ok(exit(failed))
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Import one file, printing the report or the error; true on success.
pub(crate) fn import_file(store: &mut SqlStore, register: &str, f: &Path, warnings: bool) -> bool {
    match delar_app::imports::import_register(store, register, f) {
        Ok(mut report) => {
            if !warnings {
                report.warnings.clear();
            }
            println!("{report}");
            true
        }
        Err(e) => {
            eprintln!("delar: {e}");
            false
        }
    }
}

/// Import every register template found in `dir` (`NAME.csv` or `NAME.xlsx`), in dependency
/// order; each file is its own transaction.
pub fn run_dir(dir: &Path, db: &str) -> Result<ExitCode> {
    if !dir.is_dir() {
        anyhow::bail!("katalogen {} finns inte", dir.display());
    }
    let mut store = open_or_create(db)?;
    let mut failed = false;
    let files = delar_app::imports::register_files(dir);
    for (reg, p) in &files {
        // Warnings about references to registers not yet imported are checked once at the
        // end, over everything stored.
        failed |= !import_file(&mut store, reg, p, false);
    }
    if files.is_empty() {
        anyhow::bail!(
            "katalogen {} innehåller inga uppföljningsmallar (till exempel mal.csv, \
             indikatorer.csv; se docs/IMPORT.md)",
            dir.display()
        );
    }
    let findings = store.followup_findings()?;
    if !findings.is_empty() {
        println!(
            "Kontroll av alla uppföljningsregister: {} {}.",
            crate::out::count(findings.len()),
            if findings.len() == 1 {
                "anmärkning"
            } else {
                "anmärkningar"
            }
        );
        for f in findings.iter().take(30) {
            println!("  {f}");
        }
    }
    Ok(exit(failed))
}

/// `delar import kpi FILE [--mappning FILE]`: the KPI interchange file into the indicator
/// values; exit status 1 when it failed (nothing changed).
pub fn run_kpi(file: &Path, mapping: Option<&Path>, db: &str) -> Result<ExitCode> {
    for f in std::iter::once(file).chain(mapping) {
        if !f.exists() {
            eprintln!(
                "delar: filen {} finns inte. Kontrollera sökvägen.",
                f.display()
            );
            return Ok(exit(true));
        }
    }
    let mut store = open_or_create(db)?;
    match store.import_kpi_file(file, mapping) {
        Ok(r) => {
            println!("{r}");
            Ok(exit(false))
        }
        Err(e) => {
            eprintln!("delar: {e}");
            Ok(exit(true))
        }
    }
}
