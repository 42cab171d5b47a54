//! `volymserier.csv`: `serie;namn;måttenhet;typ;ansvar;kategori;prisserie`.
//!
//! One row per series. `typ` is `bestånd`, `flöde` or `pris`; `prisserie` (optional) names the
//! price series that goes with a stock or flow series. Within the file, series codes are
//! unique, a `prisserie` named in the file must be of typ pris, and a price series has no
//! `prisserie` of its own. (A `prisserie` not in the file must already be imported; the store
//! checks that.)

use crate::{write_table, Errors, Table, TableError};
use delar_core::{VolumeKind, VolumeSeries};
use std::collections::HashMap;

/// The template's usual file name.
pub const FILE_NAME: &str = "volymserier.csv";

/// The columns, in the template's order.
pub const COLUMNS: [&str; 7] = [
    "serie",
    "namn",
    "måttenhet",
    "typ",
    "ansvar",
    "kategori",
    "prisserie",
];

/// Read the series (one per table row, in order), checking the rows against each other.
pub fn parse(table: &Table) -> Result<Vec<VolumeSeries>, Vec<TableError>> {
    let one = |e: TableError| vec![e];
    let code = table.column("serie").map_err(one)?;
    let name = table.column("namn").map_err(one)?;
    let unit = table.column("måttenhet").map_err(one)?;
    let kind = table.column("typ").map_err(one)?;
    let responsible = table.column("ansvar").map_err(one)?;
    let category = table.optional_column("kategori");
    let price = table.optional_column("prisserie");
    let labels: Vec<&'static str> = VolumeKind::ALL.iter().map(|k| k.label()).collect();

    let mut errors = Errors::new(table);
    let mut out = Vec::with_capacity(table.rows.len());
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for c in table.iter() {
        let s_code = errors.take(c.required(&code));
        let s_name = errors.take(c.required(&name));
        let s_unit = errors.take(c.required(&unit));
        let s_kind = errors.take(c.one_of(&kind, &labels).map(VolumeKind::parse));
        let s_resp = errors.take(c.required(&responsible));
        if let Some(code_text) = s_code {
            if let Some(first) = seen.get(code_text) {
                errors.push(c.error(
                    Some(&code),
                    format!(
                        "serien \"{code_text}\" finns redan på rad {first}. Varje serie ska \
                         ha en rad."
                    ),
                ));
            } else {
                seen.insert(code_text.to_string(), c.line());
            }
        }
        if let (Some(code), Some(name), Some(unit), Some(Some(kind)), Some(resp)) =
            (s_code, s_name, s_unit, s_kind, s_resp)
        {
            out.push(VolumeSeries {
                code: code.to_string(),
                name: name.to_string(),
                unit: unit.to_string(),
                kind,
                responsible: resp.to_string(),
                category: c.opt_text(category.as_ref()).map(str::to_string),
                price_series: c.opt_text(price.as_ref()).map(str::to_string),
            });
            rows.push(c);
        }
    }
    // Price series named in the file must be prices; prices have no price series.
    let kinds: HashMap<&str, VolumeKind> = out.iter().map(|s| (s.code.as_str(), s.kind)).collect();
    for (s, c) in out.iter().zip(&rows) {
        let Some(p) = &s.price_series else { continue };
        if s.kind == VolumeKind::Price {
            errors.push(c.error(
                price.as_ref(),
                format!(
                    "serien \"{}\" är själv av typ pris och kan inte ha en prisserie. Lämna \
                     cellen tom.",
                    s.code
                ),
            ));
        } else if let Some(k) = kinds.get(p.as_str()) {
            if *k != VolumeKind::Price {
                errors.push(c.error(
                    price.as_ref(),
                    format!(
                        "prisserien \"{p}\" är av typ {k}, inte pris. Ange en serie av typ \
                         pris (kr per enhet)."
                    ),
                ));
            }
        }
    }
    errors.finish(out)
}

/// Write series as `volymserier.csv`.
pub fn write_csv(series: &[VolumeSeries]) -> String {
    write_table(
        &COLUMNS,
        series.iter().map(|s| {
            vec![
                s.code.clone(),
                s.name.clone(),
                s.unit.clone(),
                s.kind.label().to_string(),
                s.responsible.clone(),
                s.category.clone().unwrap_or_default(),
                s.price_series.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) const EXEMPEL: &str = "\
serie;namn;måttenhet;typ;ansvar;kategori;prisserie
plac_barn_hvb_personer;Barn och unga, HVB;personer per dygn;bestånd;SN-EXT;Externa placeringar;plac_barn_hvb_dygnskostnad
plac_barn_hvb_dygnskostnad;Barn och unga, HVB, kostnad per dygn;kr/dygn;pris;SN-EXT;Externa placeringar;
hemtjanst_utforda_timmar;Utförda hemtjänsttimmar;timmar;flöde;VON-HT;Hemtjänst;
";

    fn table(text: &str) -> Table {
        Table::from_csv(text.as_bytes(), FILE_NAME).unwrap()
    }

    #[test]
    fn reads_and_writes_the_example() {
        let s = parse(&table(EXEMPEL)).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].kind, VolumeKind::Stock);
        assert_eq!(
            s[0].price_series.as_deref(),
            Some("plac_barn_hvb_dygnskostnad")
        );
        assert_eq!(s[2].kind, VolumeKind::Flow);
        assert_eq!(s[2].category.as_deref(), Some("Hemtjänst"));
        assert_eq!(write_csv(&s), EXEMPEL);
    }

    #[test]
    fn cross_row_errors() {
        let bad = format!(
            "{EXEMPEL}hemtjanst_utforda_timmar;Dubblett;timmar;flöde;VON-HT;;\n\
             x;X;st;pris;SN;;plac_barn_hvb_dygnskostnad\n\
             y;Y;st;bestånd;SN;;hemtjanst_utforda_timmar\n\
             z;Z;st;volym;;;\n"
        );
        let e: Vec<String> = parse(&table(&bad))
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(e.len(), 5, "{e:?}");
        assert!(e[0].starts_with("volymserier.csv, rad 5, kolumn \"serie\": serien \"hemtjanst_utforda_timmar\" finns redan på rad 4"), "{e:?}");
        assert!(
            e[1].starts_with(
                "volymserier.csv, rad 6, kolumn \"prisserie\": serien \"x\" är själv av typ pris"
            ),
            "{e:?}"
        );
        assert!(e[2].contains("rad 7, kolumn \"prisserie\": prisserien \"hemtjanst_utforda_timmar\" är av typ flöde, inte pris"), "{e:?}");
        assert!(e[3].contains("rad 8, kolumn \"typ\": \"volym\" är inte tillåtet. Välj ett av: bestånd, flöde, pris."), "{e:?}");
        assert!(
            e[4].contains("rad 8, kolumn \"ansvar\": värde saknas"),
            "{e:?}"
        );
    }

    proptest! {
        #[test]
        fn write_then_read(
            rows in proptest::collection::vec(
                ("[a-z_;]{1,12}", "[A-Za-zåäö ;\"]{0,10}[a-z]", 0usize..3,
                 proptest::option::of("[A-Za-zåäö]{1,8}")),
                1..20)
        ) {
            let series: Vec<VolumeSeries> = rows.iter().enumerate().map(|(i, (c, n, k, cat))| {
                let kind = VolumeKind::ALL[*k];
                VolumeSeries {
                    code: format!("{c}{i}"),
                    name: n.trim().to_string(),
                    unit: "st".into(),
                    kind,
                    responsible: "SN".into(),
                    category: cat.clone(),
                    price_series: (kind != VolumeKind::Price).then(|| "extern_pris".to_string()),
                }
            }).collect();
            let text = write_csv(&series);
            prop_assert_eq!(parse(&table(&text)).unwrap(), series);
        }
    }
}
