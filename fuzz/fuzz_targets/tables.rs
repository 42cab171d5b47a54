//! Fuzz the template readers (CSV and XLSX), the number parser, the four import templates and the
//! follow-up register templates (whatever parses writes back to CSV that parses to the same rows).
#![no_main]

use delar_tabular::{parse_number, Table};
use delar_templates::{budget, organisation, volume_series, volumes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = Table::from_csv(data, "f.csv") {
        templates(&t);
        for row in &t.rows {
            assert_eq!(row.cells.len(), t.headers.len());
            assert!(row.line >= 2);
        }
        for reg in delar_followup::REGISTERS {
            let mut data = delar_followup::FollowupData::default();
            if delar_followup::parse_into(reg, &t, &mut data).is_ok() {
                let _ = delar_followup::validate(&data);
                for (name, csv) in delar_followup::write_all(&data) {
                    let stem = name.trim_end_matches(".csv");
                    if stem != *reg {
                        continue;
                    }
                    let back = Table::from_csv(csv.as_bytes(), &name).expect("written CSV reads");
                    let mut again = delar_followup::FollowupData::default();
                    delar_followup::parse_into(reg, &back, &mut again).expect("written rows parse");
                    assert_eq!(
                        delar_followup::write_all(&again),
                        delar_followup::write_all(&data)
                    );
                }
            }
        }
        if let Some(c) = t.headers.first().and_then(|h| t.optional_column(h)) {
            for cells in t.iter() {
                let _ = cells.number(&c);
                let _ = cells.date(&c);
                let _ = cells.month(&c);
                let _ = cells.amount(&c);
            }
        }
    }
    let _ = Table::from_xlsx(data, "f.xlsx", None);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = parse_number(s);
    }
});

/// Every template parser on the table; accepted rows must survive write → read unchanged.
fn templates(t: &Table) {
    fn again(text: String) -> Table {
        Table::from_csv(text.as_bytes(), "f.csv").expect("written template reads back")
    }
    if let Ok(rows) = organisation::parse(t) {
        assert_eq!(
            organisation::parse(&again(organisation::write_csv(&rows))),
            Ok(rows)
        );
    }
    if let Ok(rows) = volume_series::parse(t) {
        assert_eq!(
            volume_series::parse(&again(volume_series::write_csv(&rows))),
            Ok(rows)
        );
    }
    if let Ok(rows) = volumes::parse(t) {
        assert_eq!(volumes::parse(&again(volumes::write_csv(&rows))), Ok(rows));
    }
    if let Ok(rows) = budget::parse(t) {
        assert_eq!(budget::parse(&again(budget::write_csv(&rows))), Ok(rows));
    }
}
