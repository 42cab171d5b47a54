//! Fuzz the template readers (CSV and XLSX) and the number parser.
#![no_main]

use delar_tabular::{parse_number, Table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = Table::from_csv(data, "f.csv") {
        for row in &t.rows {
            assert_eq!(row.cells.len(), t.headers.len());
            assert!(row.line >= 2);
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
