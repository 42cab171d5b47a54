//! Fuzz the KPI interchange reader (header detection, separators, dates, values, mapping by
//! code): never a panic, and every error points at a row of the file or the file itself.
#![no_main]

use delar_followup::kpi::{parse_kpi, read_kpi_table};
use delar_followup::model::{Indicator, MeasureKind, Polarity, SourceKind};
use libfuzzer_sys::fuzz_target;

fn indicator(code: &str, by_sex: bool) -> Indicator {
    Indicator {
        code: code.into(),
        name: code.into(),
        goal: "G".into(),
        committee: None,
        unit: "%".into(),
        decimals: 1,
        measure: MeasureKind::Share,
        definition: None,
        source: SourceKind::Kolada,
        source_id: Some(format!("U{code}")),
        publication_month: None,
        polarity: Polarity::Higher,
        by_sex,
    }
}

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
    if let Ok(t) = read_kpi_table(data, "kpi.txt") {
        let inds = [indicator("A1", false), indicator("B2", true)];
        match parse_kpi(&t, None, &inds) {
            Ok(k) => assert!(k.values.len() <= k.rows),
            Err(errors) => {
                for e in errors {
                    assert!(e.line <= lines + 1, "{e}");
                }
            }
        }
    }
});
