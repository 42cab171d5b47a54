//! `delar import organisation|volymserier|volymer|volymbudget|budget|ersattningsmodell|intraprenader FIL…`: read a template (CSV or
//! XLSX), check every row, and import it in one transaction. On any problem the Swedish
//! errors (file, row, column) go to standard error, the exit code is 1 and the database is
//! unchanged.

use anyhow::Result;
use delar_store::prelude::*;
use delar_store::{SqliteStore, Store, StoreError, TemplateKind, TemplateReport, TemplateSource};
use delar_templates::{budget, organisation, volume_series, volumes, Table, TableError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Import each file; returns exit code 1 when any failed (the others are still imported).
pub fn run(kind: TemplateKind, files: &[PathBuf], db: &Path) -> Result<ExitCode> {
    let mut store = crate::open_or_create(db)?;
    let mut failed = false;
    for f in files {
        match import_file(&mut store, kind, f) {
            Ok(report) => println!("{report}"),
            Err(message) => {
                eprintln!("delar: {message}");
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Read, parse and import one file; the error is the full Swedish message.
pub fn import_file(
    store: &mut SqliteStore,
    kind: TemplateKind,
    path: &Path,
) -> Result<TemplateReport, String> {
    let table = Table::read_path(path).map_err(|e| e.to_string())?;
    let sha = delar_store::sha256_file(path).map_err(|e| e.to_string())?;
    let lines = delar_templates::lines(&table);
    let source = TemplateSource {
        file_name: &table.file,
        sha256: &sha,
        lines: &lines,
    };
    match kind {
        TemplateKind::Organisation => organisation::parse(&table)
            .map_err(|e| errors(&table.file, &e))
            .and_then(|rows| {
                store
                    .import_organisation(&source, &rows)
                    .map_err(store_error)
            }),
        TemplateKind::VolumeSeries => volume_series::parse(&table)
            .map_err(|e| errors(&table.file, &e))
            .and_then(|rows| {
                store
                    .import_volume_series(&source, &rows)
                    .map_err(store_error)
            }),
        TemplateKind::Volumes => volumes::parse(&table)
            .map_err(|e| errors(&table.file, &e))
            .and_then(|rows| store.import_volumes(&source, &rows).map_err(store_error)),
        TemplateKind::Budget => budget::parse(&table)
            .map_err(|e| errors(&table.file, &e))
            .and_then(|rows| store.import_budget(&source, &rows).map_err(store_error)),
        TemplateKind::CompensationModel => delar_consolidate::templates::parse_rates(&table)
            .map_err(|e| errors(&table.file, &e))
            .and_then(|rows| {
                store
                    .import_compensation_rates(&source, &rows)
                    .map_err(store_error)
            }),
        TemplateKind::VolumeBudget => delar_templates::volume_budget::parse(&table)
            .map_err(|e| errors(&table.file, &e))
            .and_then(|rows| {
                store
                    .import_volume_budget(&source, &rows)
                    .map_err(store_error)
            }),
        TemplateKind::Intraprenader => delar_consolidate::templates::parse_intraprenader(&table)
            .map_err(|e| errors(&table.file, &e))
            .and_then(|rows| {
                store
                    .import_intraprenader(&source, &rows)
                    .map_err(store_error)
            }),
    }
}

/// Template read errors in the same shape as the store's row errors: a head line, then one
/// line per problem with file, row and column.
fn errors(file: &str, list: &[TableError]) -> String {
    let capped = list.len() > delar_templates::MAX_ERRORS;
    let mut s = if capped {
        format!(
            "{file} har fler än {} fel; ingenting importerades",
            delar_templates::MAX_ERRORS
        )
    } else {
        format!(
            "{file} har {} fel; ingenting importerades",
            crate::out::count(list.len())
        )
    };
    for e in list {
        s.push_str(&format!("\n  {e}"));
    }
    s
}

fn store_error(e: StoreError) -> String {
    e.to_string()
}
