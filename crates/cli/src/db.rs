//! Which database a command works on (`--db`: an SQLite file, or `postgres://…` for a
//! PostgreSQL server; `DELAR_DB` when `--db` is not given), and `delar db kopiera|status`.

use crate::out;
use anyhow::{bail, Result};
use clap::Subcommand;
use delar_store::SqlStore;
use std::process::ExitCode;

/// The database when `--db` is not given: `DELAR_DB`, else `delar.db` here.
pub fn default_db() -> String {
    std::env::var(delar_store::DB_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| crate::DEFAULT_DB.to_string())
}

/// Open an existing database (an SQLite file that must exist, or a PostgreSQL database).
pub fn open(db: &str) -> Result<SqlStore> {
    Ok(delar_store::open(db)?)
}

/// Open a database, creating an SQLite file that does not exist.
pub fn open_or_create(db: &str) -> Result<SqlStore> {
    Ok(delar_store::open_or_create(db)?)
}

/// Create a new database: a new SQLite file (fails when it exists), or a PostgreSQL
/// database that holds no delar data yet.
pub fn create(db: &str) -> Result<SqlStore> {
    if !delar_store::pg::is_url(db) {
        return Ok(SqlStore::create(std::path::Path::new(
            delar_store::sqlite_path(db),
        ))?);
    }
    let store = SqlStore::connect(db)?;
    if store.migrations_applied().is_empty() {
        bail!(
            "databasen {} är redan en delar-databas; använd den som den är, eller ange en tom \
             databas",
            delar_store::pg::redact(db)
        );
    }
    Ok(store)
}

/// How a database is named in messages (a connection string without its password).
pub fn shown(db: &str) -> String {
    if delar_store::pg::is_url(db) {
        delar_store::pg::redact(db)
    } else {
        delar_store::sqlite_path(db).to_string()
    }
}

/// `delar db …`
#[derive(Subcommand)]
pub enum DbCmd {
    /// Kopiera en hel databas till en ny (SQLite ↔ PostgreSQL): allt i en transaktion,
    /// kontrollerat med antal rader och kontrollsumma per tabell.
    Kopiera {
        /// Databasen att kopiera från: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long)]
        fran: String,
        /// Databasen att kopiera till: en ny SQLite-fil eller en tom PostgreSQL-databas.
        #[arg(long)]
        till: String,
    },
    /// Visa databasen: SQLite eller PostgreSQL, schemaversion, storlek och rader per tabell.
    Status {
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = default_db())]
        db: String,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Run `delar db …`.
pub fn run(cmd: DbCmd) -> Result<ExitCode> {
    match cmd {
        DbCmd::Kopiera { fran, till } => kopiera(&fran, &till),
        DbCmd::Status { db, json } => status(&db, json),
    }
}

fn kopiera(from: &str, to: &str) -> Result<ExitCode> {
    let source = open(from)?;
    let target_path = (!delar_store::pg::is_url(to)).then(|| delar_store::sqlite_path(to));
    if let Some(p) = target_path {
        if std::path::Path::new(p).exists() {
            bail!(
                "{p} finns redan; kopiera till en ny fil (ta bort eller byt namn på den gamla \
                 först)"
            );
        }
    }
    let mut target = open_or_create(to)?;
    let result = delar_store::copy::copy_database(&source, &mut target, None);
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            drop(target);
            // A new SQLite file that received nothing is removed again.
            if let Some(p) = target_path {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{p}{suffix}"));
                }
            }
            return Err(e.into());
        }
    };
    println!(
        "Kopierade {} rader i {} tabeller från {} till {} (schemaversion {}).",
        out::count(report.rows()),
        out::count(report.tables.len()),
        shown(from),
        shown(to),
        report.schema_version
    );
    println!("Kontrollerat: antal rader och kontrollsumma stämmer i varje tabell.");
    for t in report.tables.iter().filter(|t| t.rows > 0) {
        println!(
            "  {:<24} {:>12}  {}",
            t.table,
            out::count(t.rows),
            t.checksum
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn status(db: &str, json: bool) -> Result<ExitCode> {
    let store = open(db)?;
    let s = delar_store::copy::status(&store, db)?;
    if json {
        let tables: serde_json::Map<String, serde_json::Value> = s
            .tables
            .iter()
            .map(|(t, n)| (t.to_string(), serde_json::json!(n)))
            .collect();
        let v = serde_json::json!({
            "databas": s.backend,
            "plats": s.location,
            "schemaversion": s.schema_version,
            "kand_schemaversion": s.known_version,
            "storlek_byte": s.bytes,
            "rader": tables,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("Databas:        {} ({})", s.backend, s.location);
    println!(
        "Schemaversion:  {} (programmet känner till {})",
        s.schema_version, s.known_version
    );
    println!(
        "Storlek:        {} MB",
        out::decimal(s.bytes as f64 / 1_048_576.0, 1)
    );
    let total: u64 = s.tables.iter().map(|(_, n)| n).sum();
    println!(
        "Rader:          {} i {} tabeller",
        out::count(total),
        out::count(s.tables.len())
    );
    for (t, n) in s.tables.iter().filter(|(_, n)| *n > 0) {
        println!("  {:<24} {:>12}", t, out::count(*n));
    }
    Ok(ExitCode::SUCCESS)
}
