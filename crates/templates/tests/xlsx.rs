//! The templates read from Excel workbooks as people fill them in: months typed as `2025-01`
//! become dates, amounts become numbers.

use delar_core::{Amount, YearMonth};
use delar_templates::{budget, Table};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

#[test]
fn budget_from_a_workbook() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (i, h) in budget::COLUMNS.iter().enumerate() {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let month = Format::new().set_num_format("yyyy-mm");
    let d = |y, m, day| ExcelDateTime::from_ymd(y, m, day).unwrap();
    for (r, (m, amount)) in [(1u8, 1_250_000.0), (2, -85_000.5)].into_iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, "Budget 2025").unwrap();
        sheet
            .write_datetime_with_format(r, 1, d(2024, 11, 20), &date)
            .unwrap();
        sheet
            .write_datetime_with_format(r, 2, d(2025, m, 1), &month)
            .unwrap();
        sheet.write_number(r, 3, 4610.0).unwrap();
        sheet.write_string(r, 4, "SN-EXT").unwrap();
        sheet.write_number(r, 5, 569.0).unwrap();
        sheet.write_number(r, 6, amount).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let t = Table::from_xlsx(&bytes, "budget.xlsx", None).unwrap();
    let lines = budget::parse(&t).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].period,
        delar_core::BudgetPeriod::Month(YearMonth::new(2025, 1).unwrap())
    );
    assert_eq!(lines[0].account, "4610");
    assert_eq!(lines[0].activity.as_deref(), Some("569"));
    assert_eq!(lines[1].amount, Amount::from_ore(-8_500_050));
    assert_eq!(lines[1].decided.to_string(), "2024-11-20");
}
