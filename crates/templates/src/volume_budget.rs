//! `volymbudget.csv`: `version;beslutad;serie;månad;värde;kommentar`.
//!
//! The budgeted value per series and month: for a volume series the budgeted volume (persons
//! per day, hours), for its price series the budgeted price (kr per dygn, kr per månad). With
//! both, the budget of a placement form is budgeted volume × budgeted price × days, and a
//! forecast's deviation from it splits into a volume part and a price part.
//!
//! `version` and `beslutad` are optional: without them the rows are the original budget
//! (version `Budget`, in force from the start). A later decision is a version of its own with
//! a date; it holds the new values of the series and months it changes, and the budget in
//! force at a date takes, per series and month, the latest version decided by then (volumes
//! and prices are levels, so versions replace rather than add up as money versions do). Every
//! row of a version has the same date; a (version, serie, månad) appears once. Whether the
//! series exist is checked by the store.

use crate::{write_table, Errors, Table, TableError};
use delar_core::{Date, VolumeBudgetValue, YearMonth};
use std::collections::HashMap;

/// The template's usual file name.
pub const FILE_NAME: &str = "volymbudget.csv";

/// The columns, in the template's order.
pub const COLUMNS: [&str; 6] = [
    "version",
    "beslutad",
    "serie",
    "månad",
    "värde",
    "kommentar",
];

/// The version name of rows without one: the original budget.
pub const ORIGINAL: &str = "Budget";

/// Read the budgeted values (one per table row, in order).
pub fn parse(table: &Table) -> Result<Vec<VolumeBudgetValue>, Vec<TableError>> {
    let one = |e: TableError| vec![e];
    let version = table.optional_column("version");
    let decided = table.optional_column("beslutad");
    let series = table.column("serie").map_err(one)?;
    let month = table.column("månad").map_err(one)?;
    let value = table.column("värde").map_err(one)?;
    let comment = table.optional_column("kommentar");

    let mut errors = Errors::new(table);
    let mut out = Vec::with_capacity(table.rows.len());
    let mut dates: HashMap<String, (Option<Date>, usize)> = HashMap::new();
    let mut seen: HashMap<(String, String, YearMonth), usize> = HashMap::new();
    for c in table.iter() {
        let v = c.opt_text(version.as_ref()).unwrap_or(ORIGINAL).to_string();
        let d = errors.take(c.opt_date(decided.as_ref()));
        let s = errors.take(c.required(&series));
        let m = errors.take(crate::month(&c, &month));
        let x = errors.take(c.number(&value).and_then(|x| {
            if x < 0.0 {
                Err(c.error(
                    Some(&value),
                    format!(
                        "\"{}\" är negativt; budgeterade volymer och priser kan inte vara \
                         negativa.",
                        c.text(&value)
                    ),
                ))
            } else {
                Ok(x)
            }
        }));
        if let Some(d) = d {
            match dates.get(&v) {
                Some(&(first, line)) if first != d => errors.push(c.error(
                    decided.as_ref(),
                    format!(
                        "versionen \"{v}\" är {} enligt rad {line}. Alla rader i en version \
                         ska ha samma datum i \"beslutad\"; en ny beslutad ändring blir en \
                         egen version.",
                        first.map_or("utan datum".to_string(), |f| format!("beslutad {f}"))
                    ),
                )),
                Some(_) => {}
                None => {
                    dates.insert(v.clone(), (d, c.line()));
                }
            }
        }
        if let (Some(s), Some(m)) = (s, m) {
            let key = (v.clone(), s.to_string(), m);
            if let Some(first) = seen.get(&key) {
                errors.push(c.error(
                    Some(&month),
                    format!(
                        "serien \"{s}\" har redan ett budgetvärde för {m} i versionen \"{v}\" på \
                         rad {first}. Ta bort den ena raden."
                    ),
                ));
            } else {
                seen.insert(key, c.line());
            }
        }
        if let (Some(d), Some(s), Some(m), Some(x)) = (d, s, m, x) {
            out.push(VolumeBudgetValue {
                version: v,
                decided: d,
                series: s.to_string(),
                month: m,
                value: x + 0.0,
                comment: c.opt_text(comment.as_ref()).map(str::to_string),
            });
        }
    }
    errors.finish(out)
}

/// Write values as `volymbudget.csv`.
pub fn write_csv(values: &[VolumeBudgetValue]) -> String {
    write_table(
        &COLUMNS,
        values.iter().map(|v| {
            vec![
                v.version.clone(),
                v.decided.map(|d| d.to_string()).unwrap_or_default(),
                v.series.clone(),
                v.month.to_string(),
                crate::format_number(v.value),
                v.comment.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EXEMPEL: &str = "\
version;beslutad;serie;månad;värde;kommentar
Budget 2025;;plac_unga_inst_personer;2025-07;44,5;
Budget 2025;;plac_unga_inst_pris;2025-07;4630;
Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-07;49,5;Fem fler placeringar
";

    fn table(text: &str) -> Table {
        Table::from_csv(text.as_bytes(), FILE_NAME).unwrap()
    }

    #[test]
    fn reads_versions_dates_and_swedish_numbers() {
        let v = parse(&table(EXEMPEL)).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].version, "Budget 2025");
        assert_eq!(v[0].decided, None);
        assert_eq!(v[0].value, 44.5);
        assert_eq!(v[1].value, 4630.0);
        assert_eq!(v[2].decided, Some(Date::parse("2025-06-17").unwrap()));
        assert_eq!(v[2].comment.as_deref(), Some("Fem fler placeringar"));
        assert_eq!(write_csv(&v), EXEMPEL);
    }

    #[test]
    fn without_version_columns_the_rows_are_the_original_budget() {
        let v = parse(&table(
            "serie;månad;värde\nplac_barn_inst_personer;2025-01;17\n",
        ))
        .unwrap();
        assert_eq!(v[0].version, ORIGINAL);
        assert_eq!(v[0].decided, None);
        assert_eq!(v[0].month, YearMonth::new(2025, 1).unwrap());
    }

    #[test]
    fn errors_name_file_row_and_column() {
        let text = "\
version;beslutad;serie;månad;värde
TB1;2025-06-17;a;2025-07;1
TB1;2025-06-18;a;2025-08;1
TB1;2025-06-17;a;2025-07;2
B;;b;2025-13;1
B;;b;2025-01;-4
";
        let e = parse(&table(text)).unwrap_err();
        let all: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert_eq!(all.len(), 4, "{all:#?}");
        assert!(
            all[0].contains("rad 3") && all[0].contains("beslutad 2025-06-17"),
            "{}",
            all[0]
        );
        assert!(
            all[1].contains("rad 4") && all[1].contains("redan ett budgetvärde"),
            "{}",
            all[1]
        );
        assert!(
            all[2].contains("rad 5") && all[2].contains("månad"),
            "{}",
            all[2]
        );
        assert!(
            all[3].contains("rad 6") && all[3].contains("negativt"),
            "{}",
            all[3]
        );
        assert!(all.iter().all(|m| m.contains(FILE_NAME)));
    }

    proptest! {
        /// Whatever is written is read back the same.
        #[test]
        fn writes_what_it_reads(
            rows in proptest::collection::vec((0u8..3, 1u8..=12, 0.0f64..1e6, any::<bool>()), 1..20)
        ) {
            let mut values = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (s, m, x, tb) in rows {
                let (version, decided) = if tb {
                    ("Tilläggsbudget 1".to_string(), Some(Date::parse("2025-06-17").unwrap()))
                } else {
                    (ORIGINAL.to_string(), None)
                };
                if !seen.insert((version.clone(), s, m)) {
                    continue;
                }
                values.push(VolumeBudgetValue {
                    version,
                    decided,
                    series: format!("serie_{s}"),
                    month: YearMonth::new(2025, m).unwrap(),
                    value: (x * 10.0).round() / 10.0,
                    comment: None,
                });
            }
            let back = parse(&table(&write_csv(&values))).unwrap();
            prop_assert_eq!(back, values);
        }
    }
}
