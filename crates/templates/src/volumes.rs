//! `volymer.csv`: `serie;månad;värde;kommentar`.
//!
//! One row per series and month; values are not negative; a (serie, månad) pair appears once.
//! Whether the series exist is checked against the series imported ([`check_series`], and the
//! store does the same against the database).

use crate::{write_table, Errors, Table, TableError};
use delar_core::{VolumeSeries, VolumeValue, YearMonth};
use std::collections::{HashMap, HashSet};

/// The template's usual file name.
pub const FILE_NAME: &str = "volymer.csv";

/// The columns, in the template's order.
pub const COLUMNS: [&str; 4] = ["serie", "månad", "värde", "kommentar"];

/// Read the values (one per table row, in order).
pub fn parse(table: &Table) -> Result<Vec<VolumeValue>, Vec<TableError>> {
    let one = |e: TableError| vec![e];
    let series = table.column("serie").map_err(one)?;
    let month = table.column("månad").map_err(one)?;
    let value = table.column("värde").map_err(one)?;
    let comment = table.optional_column("kommentar");

    let mut errors = Errors::new(table);
    let mut out = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<(String, YearMonth), usize> = HashMap::new();
    for c in table.iter() {
        let s = errors.take(c.required(&series));
        let m = errors.take(crate::month(&c, &month));
        let v = errors.take(c.number(&value).and_then(|v| {
            if v < 0.0 {
                Err(c.error(
                    Some(&value),
                    format!(
                        "\"{}\" är negativt; volymer och priser kan inte vara negativa.",
                        c.text(&value)
                    ),
                ))
            } else {
                Ok(v)
            }
        }));
        if let (Some(s), Some(m)) = (s, m) {
            if let Some(first) = seen.get(&(s.to_string(), m)) {
                errors.push(c.error(
                    Some(&month),
                    format!(
                        "serien \"{s}\" har redan ett värde för {m} på rad {first}. Ta bort \
                         den ena raden."
                    ),
                ));
            } else {
                seen.insert((s.to_string(), m), c.line());
            }
        }
        if let (Some(s), Some(m), Some(v)) = (s, m, v) {
            out.push(VolumeValue {
                series: s.to_string(),
                month: m,
                value: v + 0.0,
                comment: c.opt_text(comment.as_ref()).map(str::to_string),
            });
        }
    }
    errors.finish(out)
}

/// Check that every value's series is among `known`; `values` must be `parse(table)`'s
/// result (one per row, in order). Each row of an unknown series is reported (up to the cap).
pub fn check_series(
    table: &Table,
    values: &[VolumeValue],
    known: &[VolumeSeries],
) -> Result<(), Vec<TableError>> {
    let codes: HashSet<&str> = known.iter().map(|s| s.code.as_str()).collect();
    let col = table.optional_column("serie");
    let mut errors = Errors::new(table);
    for (v, c) in values.iter().zip(table.iter()) {
        if !codes.contains(v.series.as_str()) {
            errors.push(c.error(col.as_ref(), unknown_series(&v.series)));
        }
    }
    errors.finish(())
}

/// The message for a value of a series that is not imported.
pub fn unknown_series(code: &str) -> String {
    format!(
        "serien \"{code}\" finns inte. Importera den först med volymserier.csv (delar import \
         volymserier), eller rätta namnet."
    )
}

/// Write values as `volymer.csv`.
pub fn write_csv(values: &[VolumeValue]) -> String {
    write_table(
        &COLUMNS,
        values.iter().map(|v| {
            vec![
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
serie;månad;värde;kommentar
plac_barn_hvb_personer;2025-01;14,2;
plac_barn_hvb_personer;2025-02;15;Två nya placeringar
plac_barn_hvb_dygnskostnad;2025-01;4 350,5;
";

    fn table(text: &str) -> Table {
        Table::from_csv(text.as_bytes(), FILE_NAME).unwrap()
    }

    #[test]
    fn reads_swedish_numbers_and_comments() {
        let v = parse(&table(EXEMPEL)).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].value, 14.2);
        assert_eq!(v[1].comment.as_deref(), Some("Två nya placeringar"));
        assert_eq!(v[2].value, 4350.5);
        assert_eq!(
            write_csv(&v),
            EXEMPEL.replace("4 350,5", "4350,5"),
            "written without thousands separators"
        );
    }

    #[test]
    fn errors_and_unknown_series() {
        let bad = format!(
            "{EXEMPEL}plac_barn_hvb_personer;2025-02;16;\nx;2025-14;1;\ny;2025-01;-3;\nz;2025-01;12x;\n"
        );
        let e: Vec<String> = parse(&table(&bad))
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[0].starts_with("volymer.csv, rad 5, kolumn \"månad\": serien \"plac_barn_hvb_personer\" har redan ett värde för 2025-02 på rad 3"), "{e:?}");
        assert!(
            e[1].starts_with("volymer.csv, rad 6, kolumn \"månad\""),
            "{e:?}"
        );
        assert!(
            e[2].contains("rad 7, kolumn \"värde\": \"-3\" är negativt"),
            "{e:?}"
        );
        assert!(
            e[3].contains("rad 8, kolumn \"värde\": \"12x\" är inget tal"),
            "{e:?}"
        );

        let t = table(EXEMPEL);
        let v = parse(&t).unwrap();
        let known = crate::volume_series::parse(&Table::from_csv(
            b"serie;namn;m\xc3\xa5ttenhet;typ;ansvar\nplac_barn_hvb_personer;P;st;best\xc3\xa5nd;SN\n",
            "volymserier.csv",
        ).unwrap()).unwrap();
        let e = check_series(&t, &v, &known).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 4);
        assert!(e[0]
            .message
            .contains("serien \"plac_barn_hvb_dygnskostnad\" finns inte"));
    }

    proptest! {
        #[test]
        fn write_then_read(
            rows in proptest::collection::vec(
                (0usize..4, 0i32..60, 0.0f64..1.0e9, proptest::option::of("[A-Za-zåäö ;\"]{0,10}[a-z]")),
                1..40)
        ) {
            let mut seen = HashSet::new();
            let values: Vec<VolumeValue> = rows.into_iter().filter_map(|(s, m, v, c)| {
                let month = YearMonth::new(2021, 1).unwrap().add_months(m);
                seen.insert((s, month)).then(|| VolumeValue {
                    series: format!("serie_{s}"),
                    month,
                    value: v,
                    comment: c.map(|c| c.trim().to_string()),
                })
            }).collect();
            let text = write_csv(&values);
            prop_assert_eq!(parse(&table(&text)).unwrap(), values);
        }
    }
}
