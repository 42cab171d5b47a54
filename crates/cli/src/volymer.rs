//! `delar volymer [--serie S] [--year ÅÅÅÅ]`: the volume series imported, or one series'
//! monthly values.

use anyhow::Result;
use delar_core::money::format_scaled;
use delar_core::{FinancialYear, PeriodRange, VolumeSeries, YearMonth};
use delar_store::prelude::*;
use delar_store::{SqlStore, Store};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Print the series list, or the values of `serie` with its budget, optionally for one year.
pub fn run(store: &SqlStore, serie: Option<&str>, year: Option<i32>) -> Result<ExitCode> {
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
            // The budget in force today (every decided version), over the years shown.
            let budget_range = match range {
                Some(r) => Some(r),
                None => match (values.first(), values.last()) {
                    (Some(a), Some(b)) => Some(whole_years(a.month, b.month)?),
                    _ => None,
                },
            };
            let budget = match budget_range {
                Some(r) => store.volume_budget(code, r, None)?,
                None => BTreeMap::new(),
            };
            if values.is_empty() && budget.is_empty() {
                println!(
                    "Inga värden{}.",
                    year.map(|y| format!(" för {y}")).unwrap_or_default()
                );
            } else if budget.is_empty() {
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
            } else {
                println!(
                    "{:<8} {:>14} {:>14} {:>14}  kommentar",
                    "månad", "värde", "budget", "mot budget"
                );
                let mut months: BTreeMap<YearMonth, (Option<f64>, Option<f64>, String)> =
                    BTreeMap::new();
                for v in values {
                    let e = months.entry(v.month).or_default();
                    e.0 = Some(v.value);
                    e.2 = v.comment.unwrap_or_default();
                }
                for (m, b) in &budget {
                    months.entry(*m).or_default().1 = Some(*b);
                }
                let cell = |v: Option<f64>| v.map(number).unwrap_or_else(|| "–".into());
                for (m, (v, b, comment)) in months {
                    let diff = v.zip(b).map(|(v, b)| v - b);
                    let line = format!(
                        "{:<8} {:>14} {:>14} {:>14}  {comment}",
                        m.to_string(),
                        cell(v),
                        cell(b),
                        diff.map(signed).unwrap_or_else(|| "–".into()),
                    );
                    println!("{}", line.trim_end());
                }
                println!(
                    "Budget = volymbudgeten i kraft i dag (alla beslutade versioner); \
                     mot budget = värde − budget."
                );
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
                "{:<32} {:<8} {:<20} {:<10} {:>6} {:>7}  period",
                "serie", "typ", "måttenhet", "ansvar", "värden", "budget"
            );
            for s in &all {
                let values = store.volumes(&s.code, range)?;
                let period = match (values.first(), values.last()) {
                    (Some(a), Some(b)) if a.month == b.month => a.month.to_string(),
                    (Some(a), Some(b)) => format!("{}\u{2013}{}", a.month, b.month),
                    _ => "–".into(),
                };
                let budget_months = match range {
                    Some(r) => store.volume_budget(&s.code, r, None)?.len(),
                    None => store.volume_budget(&s.code, everything()?, None)?.len(),
                };
                println!(
                    "{:<32} {:<8} {:<20} {:<10} {:>6} {:>7}  {period}",
                    s.code,
                    s.kind.label(),
                    s.unit,
                    s.responsible,
                    values.len(),
                    if budget_months == 0 {
                        "–".to_string()
                    } else {
                        budget_months.to_string()
                    }
                );
            }
            println!("budget = antal månader med volymbudget (delar import volymbudget).");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// January of `a`'s year to December of `b`'s.
fn whole_years(a: YearMonth, b: YearMonth) -> Result<PeriodRange> {
    let start = YearMonth::new(a.year(), 1).map_err(|e| anyhow::anyhow!("{e}"))?;
    let end = YearMonth::new(b.year(), 12).map_err(|e| anyhow::anyhow!("{e}"))?;
    PeriodRange::new(start, end).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Every month a budget can have.
fn everything() -> Result<PeriodRange> {
    whole_years(
        YearMonth::new(1900, 1).map_err(|e| anyhow::anyhow!("{e}"))?,
        YearMonth::new(2999, 12).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
}

/// A difference with its sign: `+1,5`, `−0,3`, `0`.
fn signed(v: f64) -> String {
    let n = number(v);
    if n == "0" || n.starts_with('\u{2212}') || n.starts_with('-') {
        n
    } else {
        format!("+{n}")
    }
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
