//! Imports of the templates (organisation, volume series, volumes, volume budget, budget,
//! compensation model, intraprenader) and of the follow-up registers: read the file, check
//! every row, and store it in one transaction, or nothing with every problem named.

use delar_store::prelude::*;
use delar_store::{StoreError, TemplateKind, TemplateReport, TemplateSource};
use delar_templates::{budget, organisation, volume_series, volumes, Table, TableError};
use std::path::Path;

/// Read a template file (CSV or XLSX), check every row and import it in one transaction;
/// the error is the full Swedish message (every row error with file, row and column), and
/// then nothing was stored.
pub fn import_template(
    store: &mut dyn Backend,
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
            delar_core::money::format_int(list.len() as i64)
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

/// Import one follow-up register file; the error is the full Swedish message. A file that
/// does not exist is named.
pub fn import_register(
    store: &mut dyn Backend,
    register: &str,
    path: &Path,
) -> Result<delar_store::FollowupReport, String> {
    if !path.exists() {
        return Err(format!(
            "filen {} finns inte. Kontrollera sökvägen.",
            path.display()
        ));
    }
    store
        .import_followup_file(register, path)
        .map_err(|e| e.to_string())
}

/// The register files found in `dir` (`NAME.csv` or `NAME.xlsx`), in dependency order.
pub fn register_files(dir: &Path) -> Vec<(&'static str, std::path::PathBuf)> {
    let mut out = Vec::new();
    for &reg in delar_followup::REGISTERS {
        for ext in ["csv", "xlsx"] {
            let p = dir.join(format!("{reg}.{ext}"));
            if p.exists() {
                out.push((reg, p));
            }
        }
    }
    out
}
