//! `delar import organisation|volymserier|volymer|volymbudget|budget|ersattningsmodell|intraprenader FIL…`: read a template (CSV or
//! XLSX), check every row, and import it in one transaction. On any problem the Swedish
//! errors (file, row, column) go to standard error, the exit code is 1 and the database is
//! unchanged.

use anyhow::Result;
pub use delar_app::imports::import_template as import_file;
use delar_store::TemplateKind;
use std::path::PathBuf;
use std::process::ExitCode;

/// Import each file; returns exit code 1 when any failed (the others are still imported).
pub fn run(kind: TemplateKind, files: &[PathBuf], db: &str) -> Result<ExitCode> {
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
