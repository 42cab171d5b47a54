//! The volume budget (`volymbudget.csv`, migration 8): all or nothing with file, row and
//! column; versions replace by name; the budget in force at a date takes the latest version
//! decided by then, per series and month.

#[macro_use]
mod common;

use delar_core::{Date, PeriodRange, YearMonth};
use delar_store::prelude::*;
use delar_store::{ImportStatus, SqliteStore, Store, StoreError, TemplateReport, TemplateSource};
use delar_templates::{volume_budget, volume_series, Table};

const SERIES: &str = "\
serie;namn;måttenhet;typ;ansvar;kategori;prisserie
plac_unga_inst_personer;Unga institutionsvård (HVB), personer per dygn;personer;bestånd;SN42;Externa placeringar unga;plac_unga_inst_pris
plac_unga_inst_pris;Unga institutionsvård (HVB), kostnad per dygn;kr per dygn;pris;SN42;Externa placeringar unga;
";

/// The original budget for the whole year and a supplementary budget adding five persons per
/// day from July (the shape of Exempelkommun's).
fn budget_2025() -> String {
    let mut s = String::from("version;beslutad;serie;månad;värde;kommentar\n");
    for m in 1..=12 {
        s.push_str(&format!(
            "Budget 2025;;plac_unga_inst_personer;2025-{m:02};44,5;\n"
        ));
        s.push_str(&format!(
            "Budget 2025;;plac_unga_inst_pris;2025-{m:02};4 630;\n"
        ));
    }
    s
}

const SUPPLEMENT: &str = "\
version;beslutad;serie;månad;värde;kommentar
Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-07;49,5;Fem fler från juli
Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-08;49,5;
Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-09;49,5;
Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-10;49,5;
Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-11;49,5;
Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-12;49,5;
";

fn sha(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    format!("{:016x}", h.finish())
}

fn store() -> SqliteStore {
    let mut s = common::store();
    let t = Table::from_csv(SERIES.as_bytes(), "volymserier.csv").unwrap();
    let rows = volume_series::parse(&t).unwrap();
    let lines = delar_templates::lines(&t);
    let src = TemplateSource {
        file_name: "volymserier.csv",
        sha256: &sha(SERIES),
        lines: &lines,
    };
    s.import_volume_series(&src, &rows).unwrap();
    s
}

fn import(s: &mut SqliteStore, text: &str) -> Result<TemplateReport, StoreError> {
    let t = Table::from_csv(text.as_bytes(), "volymbudget.csv").unwrap();
    let rows = volume_budget::parse(&t).unwrap();
    let lines = delar_templates::lines(&t);
    let src = TemplateSource {
        file_name: "volymbudget.csv",
        sha256: &sha(text),
        lines: &lines,
    };
    s.import_volume_budget(&src, &rows)
}

fn year() -> PeriodRange {
    PeriodRange::new(
        YearMonth::new(2025, 1).unwrap(),
        YearMonth::new(2025, 12).unwrap(),
    )
    .unwrap()
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn vols(s: &SqliteStore, as_of: Option<Date>) -> std::collections::BTreeMap<YearMonth, f64> {
    s.volume_budget("plac_unga_inst_personer", year(), as_of)
        .unwrap()
}

fn ym(m: u8) -> YearMonth {
    YearMonth::new(2025, m).unwrap()
}

both! {
#[test]
fn versions_in_force_replace_per_series_and_month() {
    let mut s = store();
    let r = import(&mut s, &budget_2025()).unwrap();
    assert_eq!(r.status, ImportStatus::Imported);
    assert!(
        r.summary
            .contains("24 budgetvärden för 2 serier i 1 version (Budget 2025)"),
        "{}",
        r.summary
    );
    import(&mut s, SUPPLEMENT).unwrap();

    // at P1 (April) the supplement is not decided: 44,5 all year
    let p1 = vols(&s, Some(date("2025-04-30")));
    assert_eq!(p1.len(), 12);
    assert!(p1.values().all(|&v| v == 44.5));
    // at P2 (August) July–December are 49,5, the first half unchanged
    let p2 = vols(&s, Some(date("2025-08-31")));
    assert_eq!(p2[&ym(6)], 44.5);
    assert_eq!(p2[&ym(7)], 49.5);
    assert_eq!(p2[&ym(12)], 49.5);
    // every version: the latest decision
    assert_eq!(vols(&s, None)[&ym(9)], 49.5);
    // the price series is untouched by the supplement
    let price = s
        .volume_budget("plac_unga_inst_pris", year(), Some(date("2025-08-31")))
        .unwrap();
    assert!(price.values().all(|&p| p == 4630.0));

    let v = s.volume_budget_versions().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(
        (v[0].name.as_str(), v[0].decided, v[0].values),
        ("Budget 2025", None, 24)
    );
    assert_eq!(v[1].decided, Some(date("2025-06-17")));
    assert_eq!(v[1].values, 6);

    // the same file again changes nothing
    let again = import(&mut s, SUPPLEMENT).unwrap();
    assert_eq!(again.status, ImportStatus::Unchanged);

    // a corrected supplement (four more, not five) replaces the version as a whole
    let corrected = SUPPLEMENT.replace("49,5", "48,5").replace(
        "Tilläggsbudget 1;2025-06-17;plac_unga_inst_personer;2025-12;48,5;\n",
        "",
    );
    let r = import(&mut s, &corrected).unwrap();
    assert!(r.summary.contains("1 version ersatte"), "{}", r.summary);
    let p2 = vols(&s, Some(date("2025-08-31")));
    assert_eq!(p2[&ym(7)], 48.5);
    assert_eq!(p2[&ym(12)], 44.5, "December is no longer in the supplement");
    assert_eq!(s.volume_budget_versions().unwrap()[1].values, 5);

    // a series without a budget has none; an unknown one is an error
    assert!(matches!(
        s.volume_budget("okand", year(), None),
        Err(StoreError::NoSuchSeries(_))
    ));
}
}

both! {
#[test]
fn unknown_series_and_bad_rows_store_nothing() {
    let mut s = store();
    import(&mut s, &budget_2025()).unwrap();
    let bad = "\
version;beslutad;serie;månad;värde
Tilläggsbudget 2;2025-09-01;plac_unga_inst_personer;2025-10;50
Tilläggsbudget 2;2025-09-01;plac_barn_inst_personer;2025-10;18
";
    let e = import(&mut s, bad).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("volymbudget.csv") && text.contains("rad 3") && text.contains("serie"),
        "{text}"
    );
    assert!(text.contains("plac_barn_inst_personer"), "{text}");
    // nothing of the file is stored: October is still the original
    let b = s
        .volume_budget("plac_unga_inst_personer", year(), None)
        .unwrap();
    assert_eq!(b[&ym(10)], 44.5);
    assert_eq!(s.volume_budget_versions().unwrap().len(), 1);
}
}

both! {
#[test]
fn the_schema_has_migration_8() {
    let s = common::store();
    assert!(s.schema_version().unwrap() >= 8);
    let counts = s.table_counts().unwrap();
    assert!(counts.iter().any(|(t, _)| *t == "volume_budget_value"));
}
}
