//! `delar volymer [--serie S] [--year ÅÅÅÅ]`: the volume series imported, or one series'
//! monthly values.

use anyhow::Result;
use delar_core::money::format_scaled;
use delar_core::{FinancialYear, VolumeSeries};
use delar_store::Store;
use std::process::ExitCode;

/// Print the series list, or the values of `serie`, optionally for one year.
pub fn run(store: &dyn Store, serie: Option<&str>, year: Option<i32>) -> Result<ExitCode> {
    let range = year.map(|y| FinancialYear::calendar(y).months());
    let all = store.volume_series()?;
    match serie {
        Some(code) => {
            let values = store.volumes(code, range)?;
            let s = all
                .iter()
                .find(|s| s.code == code)
                .expect("volumes() found the series");
            println!("{}", heading(s));
            if let Some(p) = &s.price_series {
                println!("Prisserie: {p}");
            }
            if values.is_empty() {
                println!(
                    "Inga värden{}.",
                    year.map(|y| format!(" för {y}")).unwrap_or_default()
                );
            } else {
                println!("{:<8} {:>14}  kommentar", "månad", "värde");
                for v in values {
                    let line = format!(
                        "{:<8} {:>14}  {}",
                        v.month.to_string(),
                        number(v.value),
                        v.comment.unwrap_or_default()
                    );
                    println!("{}", line.trim_end());
                }
            }
        }
        None => {
            if all.is_empty() {
                println!(
                    "Inga volymserier är importerade. Importera dem med \"delar import \
                     volymserier volymserier.csv\"."
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<32} {:<8} {:<20} {:<10} {:>6}  period",
                "serie", "typ", "måttenhet", "ansvar", "värden"
            );
            for s in &all {
                let values = store.volumes(&s.code, range)?;
                let period = match (values.first(), values.last()) {
                    (Some(a), Some(b)) if a.month == b.month => a.month.to_string(),
                    (Some(a), Some(b)) => format!("{}\u{2013}{}", a.month, b.month),
                    _ => "–".into(),
                };
                println!(
                    "{:<32} {:<8} {:<20} {:<10} {:>6}  {period}",
                    s.code,
                    s.kind.label(),
                    s.unit,
                    s.responsible,
                    values.len()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn heading(s: &VolumeSeries) -> String {
    let mut h = format!(
        "{} \u{2013} {} ({}, {}, ansvar {}",
        s.code,
        s.name,
        s.kind.label(),
        s.unit,
        s.responsible
    );
    if let Some(c) = &s.category {
        h.push_str(&format!(", kategori {c}"));
    }
    h.push(')');
    h
}

/// A value the Swedish way with at most two decimals: `31 250`, `14,2`, `−3,5`.
pub fn number(v: f64) -> String {
    let scaled = (v * 100.0).round();
    if !scaled.is_finite() || scaled.abs() > 9.0e17 {
        return format!("{v}");
    }
    let s = format_scaled(scaled as i64, 2, '\u{a0}');
    let s = s.trim_end_matches('0');
    s.trim_end_matches(',').to_string()
}
