//! `delar ledger`: monthly outcome and budget per account group or account.

use crate::{By, Format};
use anyhow::{bail, Result};
use delar_core::{Amount, Unit};
use delar_store::{LedgerBy, LedgerRow, Store};
use serde_json::json;
use std::process::ExitCode;

/// Parse `DIM:CODE`.
pub fn parse_object(s: &str) -> Result<(u32, String)> {
    let Some((d, c)) = s.split_once(':') else {
        bail!("objektet \"{s}\" ska skrivas DIM:KOD, till exempel 1:100");
    };
    let dim: u32 = d
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("dimensionen \"{d}\" är inget heltal"))?;
    if c.is_empty() {
        bail!("objektkoden saknas i \"{s}\"");
    }
    Ok((dim, c.to_string()))
}

/// Print the ledger.
pub fn run(
    store: &dyn Store,
    year: i32,
    by: By,
    object: Option<&str>,
    format: Format,
) -> Result<ExitCode> {
    let obj = object.map(parse_object).transpose()?;
    let lb = match by {
        By::Group => LedgerBy::Group,
        By::Account => LedgerBy::Account,
    };
    let rows = store.ledger(year, lb, obj.as_ref().map(|(d, c)| (*d, c.as_str())))?;
    let periodised: Vec<delar_store::Periodised> = store
        .budget_periodisation(year, None)?
        .into_iter()
        .filter(|p| match &obj {
            Some((1, code)) => &p.responsible == code,
            Some(_) => false,
            None => true,
        })
        .collect();
    match format {
        Format::Json => {
            let v: Vec<_> = rows
                .iter()
                .map(|r| {
                    json!({
                        "key": r.key, "name": r.name, "group": r.group,
                        "outcome": r.outcome.iter().map(|a| a.to_fixed2()).collect::<Vec<_>>(),
                        "budget": r.budget.iter().map(|a| a.to_fixed2()).collect::<Vec<_>>(),
                        "outcome_total": r.outcome_total.to_fixed2(),
                        "budget_total": r.budget_total.to_fixed2(),
                    })
                })
                .collect();
            let p: Vec<_> = periodised
                .iter()
                .map(|p| {
                    json!({
                        "responsible": p.responsible, "account": p.account,
                        "amount": p.amount.to_fixed2(),
                        "spread": match p.spread {
                            delar_core::budget::Spread::LastYear => "foregaende_ar",
                            delar_core::budget::Spread::Even => "jamn",
                        },
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"year": year, "rows": v, "periodised_budget": p})
                )?
            );
        }
        Format::Csv => print!("{}", csv(&rows)),
        Format::Table => {
            print!("{}", table(year, &rows));
            print!("{}", periodisation_note(&periodised));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the table says of annual budget amounts: how many were periodised, and how.
pub fn periodisation_note(periodised: &[delar_store::Periodised]) -> String {
    use delar_core::budget::Spread;
    if periodised.is_empty() {
        return String::new();
    }
    let part = |spread: Spread| -> Option<String> {
        let of: Vec<&delar_store::Periodised> =
            periodised.iter().filter(|p| p.spread == spread).collect();
        if of.is_empty() {
            return None;
        }
        let sum: Amount = of.iter().map(|p| p.amount).sum();
        Some(format!(
            "{} ({} tkr) {}",
            crate::out::count(of.len()),
            sum.format(Unit::Tkr, 0),
            spread.label()
        ))
    };
    let parts: Vec<String> = [Spread::LastYear, Spread::Even]
        .into_iter()
        .filter_map(part)
        .collect();
    format!(
        "Budgeten innehåller årsbelopp som periodiserats över månaderna: {}. Periodiseringen \
         väljs per kontogrupp (periodisering = \"foregaende_ar\" eller \"jamn\" i \
         kontogruppsfilen); jämnt används när fjolårets utfall saknas eller växlar tecken.\n",
        parts.join(", ")
    )
}

/// CSV with semicolons and decimal commas (what Swedish Excel opens directly), amounts in kr.
pub fn csv(rows: &[LedgerRow]) -> String {
    let n = rows.first().map(|r| r.outcome.len()).unwrap_or(12);
    let mut out = String::from("nyckel;namn;typ");
    for m in 1..=n {
        out.push_str(&format!(";m{m}"));
    }
    out.push_str(";totalt\n");
    let fmt = |a: &Amount| crate::out::csv_kr(*a);
    for r in rows {
        for (kind, vals, total) in [
            ("utfall", &r.outcome, r.outcome_total),
            ("budget", &r.budget, r.budget_total),
        ] {
            out.push_str(&format!(
                "{};\"{}\";{kind}",
                r.key,
                r.name.replace('"', "\"\"")
            ));
            for v in vals.iter() {
                out.push(';');
                out.push_str(&fmt(v));
            }
            out.push(';');
            out.push_str(&fmt(&total));
            out.push('\n');
        }
    }
    out
}

/// A screen table in tkr: outcome per month with the budget total and deviation.
pub fn table(year: i32, rows: &[LedgerRow]) -> String {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let mut out = format!(
        "Utfall och budget {year}, tkr (kostnader positiva, intäkter negativa som i huvudboken)\n"
    );
    if rows.is_empty() {
        out.push_str("Inga belopp för året.\n");
        return out;
    }
    let n = rows[0].outcome.len();
    out.push_str(&format!("{:<40}", ""));
    for m in MONTHS.iter().take(n.min(12)) {
        out.push_str(&format!("{:>9}", m));
    }
    out.push_str(&format!(
        "{:>11}{:>11}{:>11}\n",
        "utfall", "budget", "avvikelse"
    ));
    let t = |a: Amount| a.format(Unit::Tkr, 0);
    let mut tot_o = Amount::ZERO;
    let mut tot_b = Amount::ZERO;
    for r in rows {
        let label = if r.key == r.group {
            r.name.clone()
        } else {
            format!("{} {}", r.key, r.name)
        };
        let label: String = label.chars().take(39).collect();
        out.push_str(&format!("{:<40}", label));
        for v in &r.outcome {
            out.push_str(&format!("{:>9}", t(*v)));
        }
        // Favourable deviation positive: budget − outcome (costs positive in the ledger).
        out.push_str(&format!(
            "{:>11}{:>11}{:>11}\n",
            t(r.outcome_total),
            t(r.budget_total),
            t(r.budget_total - r.outcome_total)
        ));
        tot_o += r.outcome_total;
        tot_b += r.budget_total;
    }
    out.push_str(&format!("{:<40}", "Netto"));
    for i in 0..n {
        let s: Amount = rows.iter().map(|r| r.outcome[i]).sum();
        out.push_str(&format!("{:>9}", t(s)));
    }
    out.push_str(&format!(
        "{:>11}{:>11}{:>11}\n",
        t(tot_o),
        t(tot_b),
        t(tot_b - tot_o)
    ));
    out.push_str("Avvikelse = budget − utfall; positiv avvikelse är gynnsam (överskott).\n");
    out
}
