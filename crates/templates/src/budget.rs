//! `budget.csv`: `version;beslutad;månad;konto;ansvar;verksamhet;belopp;kommentar`.
//!
//! Monthly budget lines in kronor, in the ledger's sign (costs positive, revenues negative).
//! Lines are grouped in versions (budget decisions) that add up; every line of a version has
//! the same decision date. Accounts are digits; whether they map to a kontogrupp, and whether
//! the ansvar is in the organisation, is checked by the store against the database.

use crate::{format_amount, write_table, Errors, Table, TableError};
use delar_core::accounts::check_account_number;
use delar_core::{BudgetLine, BudgetPeriod, Date};
use std::collections::HashMap;

/// The template's usual file name.
pub const FILE_NAME: &str = "budget.csv";

/// The columns, in the template's order.
pub const COLUMNS: [&str; 8] = [
    "version",
    "beslutad",
    "månad",
    "konto",
    "ansvar",
    "verksamhet",
    "belopp",
    "kommentar",
];

/// Read the budget lines (one per table row, in order), checking that each version has one
/// decision date.
pub fn parse(table: &Table) -> Result<Vec<BudgetLine>, Vec<TableError>> {
    let one = |e: TableError| vec![e];
    let version = table.column("version").map_err(one)?;
    let decided = table.column("beslutad").map_err(one)?;
    let month = table.column("månad").map_err(one)?;
    let account = table.column("konto").map_err(one)?;
    let responsible = table.column("ansvar").map_err(one)?;
    let activity = table.optional_column("verksamhet");
    let amount = table.column("belopp").map_err(one)?;
    let comment = table.optional_column("kommentar");

    let mut errors = Errors::new(table);
    let mut out = Vec::with_capacity(table.rows.len());
    let mut dates: HashMap<String, (Date, usize)> = HashMap::new();
    for c in table.iter() {
        let v = errors.take(c.required(&version));
        let d = errors.take(c.date(&decided));
        let m = errors.take(budget_period(&c, &month));
        let a = errors.take(c.required(&account).and_then(|a| {
            check_account_number(a).map(|()| a).map_err(|e| {
                c.error(
                    Some(&account),
                    format!("{e}. Skriv kontot med siffror, till exempel 4610."),
                )
            })
        }));
        let r = errors.take(c.required(&responsible));
        let amt = errors.take(c.amount(&amount));
        if let (Some(v), Some(d)) = (v, d) {
            match dates.get(v) {
                Some(&(first, line)) if first != d => errors.push(c.error(
                    Some(&decided),
                    format!(
                        "versionen \"{v}\" är beslutad {first} enligt rad {line}. Alla rader \
                         i en version ska ha samma datum i \"beslutad\"; en ny beslutad \
                         ändring blir en egen version."
                    ),
                )),
                Some(_) => {}
                None => {
                    dates.insert(v.to_string(), (d, c.line()));
                }
            }
        }
        if let (Some(v), Some(d), Some(m), Some(a), Some(r), Some(amt)) = (v, d, m, a, r, amt) {
            out.push(BudgetLine {
                version: v.to_string(),
                decided: d,
                period: m,
                account: a.to_string(),
                responsible: r.to_string(),
                activity: c.opt_text(activity.as_ref()).map(str::to_string),
                amount: amt,
                comment: c.opt_text(comment.as_ref()).map(str::to_string),
            });
        }
    }
    errors.finish(out)
}

/// `månad`: a month (`2025-03`, `202503`, `2025-03-01`), or a year alone (`2025`) for an
/// annual amount that delar periodises when the budget is read.
fn budget_period(c: &crate::Cells<'_>, col: &crate::Col) -> Result<BudgetPeriod, TableError> {
    let t = c.text(col).trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = t.parse().unwrap_or(0);
        if !(1900..=2200).contains(&y) {
            return Err(c.error(
                Some(col),
                format!("året {y} i \"månad\" är inte rimligt; skriv till exempel 2025 för ett årsbelopp eller 2025-03 för mars"),
            ));
        }
        return Ok(BudgetPeriod::Year(y));
    }
    crate::month(c, col).map(BudgetPeriod::Month).map_err(|e| {
        c.error(
            Some(col),
            format!(
                "{} Ett årsbelopp skrivs med bara året (2025); delar periodiserar det.",
                e.message
            ),
        )
    })
}

/// Write lines as `budget.csv`.
pub fn write_csv(lines: &[BudgetLine]) -> String {
    write_table(
        &COLUMNS,
        lines.iter().map(|l| {
            vec![
                l.version.clone(),
                l.decided.to_string(),
                l.period.to_string(),
                l.account.clone(),
                l.responsible.clone(),
                l.activity.clone().unwrap_or_default(),
                format_amount(l.amount),
                l.comment.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::{Amount, YearMonth};
    use proptest::prelude::*;

    const EXEMPEL: &str = "\
version;beslutad;månad;konto;ansvar;verksamhet;belopp;kommentar
Budget 2025;2024-11-20;2025-01;4610;SN-EXT;569;1250000;
Budget 2025;2024-11-20;2025-01;3110;VON-HT-N;510;-85000,50;Avgifter hemtjänst
Tilläggsbudget 1;2025-05-15;2025-06;4610;SN-EXT;569;300000;Fler placeringar
";

    fn table(text: &str) -> Table {
        Table::from_csv(text.as_bytes(), FILE_NAME).unwrap()
    }

    #[test]
    fn reads_versions_and_signs() {
        let l = parse(&table(EXEMPEL)).unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].amount, Amount::from_kr(1_250_000).unwrap());
        assert_eq!(l[1].amount, Amount::from_ore(-8_500_050));
        assert_eq!(l[2].decided, Date::new(2025, 5, 15).unwrap());
        assert_eq!(
            l[2].period,
            BudgetPeriod::Month(YearMonth::new(2025, 6).unwrap())
        );
        assert_eq!(l[0].activity.as_deref(), Some("569"));
        assert_eq!(write_csv(&l), EXEMPEL);
        // Swedish notation with spaces and a real minus sign reads the same.
        let swedish = EXEMPEL.replace("-85000,50", "\u{2212}85\u{a0}000,50");
        assert_eq!(parse(&table(&swedish)).unwrap(), l);
    }

    #[test]
    fn errors() {
        let bad = format!(
            "{EXEMPEL}Tilläggsbudget 1;2025-05-16;2025-07;4610;SN-EXT;569;1;\n\
             Budget 2025;2024-11-20;2025-01;46x0;SN;;1;\n\
             Budget 2025;2024-11-20;2025-01;4610;;;1 000 kr;\n"
        );
        let e: Vec<String> = parse(&table(&bad))
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].starts_with("budget.csv, rad 5, kolumn \"beslutad\": versionen \"Tilläggsbudget 1\" är beslutad 2025-05-15 enligt rad 4."), "{e:?}");
        assert!(e[1].starts_with("budget.csv, rad 6, kolumn \"konto\": kontonumret \"46x0\" innehåller annat än siffror"), "{e:?}");
        assert!(
            e[2].starts_with("budget.csv, rad 7, kolumn \"ansvar\": värde saknas"),
            "{e:?}"
        );
    }

    proptest! {
        #[test]
        fn write_then_read(
            rows in proptest::collection::vec(
                (0usize..3, 0i32..26, 3000u32..8999, "[A-Z]{2,4}(-[0-9]{1,3})?",
                 proptest::option::of("[0-9]{3}"), -10_000_000_000i64..10_000_000_000,
                 proptest::option::of("[A-Za-zåäö ;\"]{0,10}[a-z]")),
                1..40)
        ) {
            let versions = ["Budget 2025", "Tilläggsbudget 1", "Teknisk; justering"];
            let lines: Vec<BudgetLine> = rows.into_iter().map(|(v, m, a, r, act, ore, c)| BudgetLine {
                version: versions[v].to_string(),
                decided: Date::new(2024, 11, 20).unwrap().add_days(v as i64 * 100).unwrap(),
                // 24 and 25: an annual amount (månad = the year alone).
                period: if m >= 24 {
                    BudgetPeriod::Year(2001 + m)
                } else {
                    BudgetPeriod::Month(YearMonth::new(2025, 1).unwrap().add_months(m))
                },
                account: a.to_string(),
                responsible: r,
                activity: act,
                amount: Amount::from_ore(ore),
                comment: c.map(|c| c.trim().to_string()),
            }).collect();
            let text = write_csv(&lines);
            prop_assert_eq!(parse(&table(&text)).unwrap(), lines);
        }
    }
}
