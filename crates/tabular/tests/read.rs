use delar_tabular::{Table, TableError};

fn csv(text: &str) -> Result<Table, TableError> {
    Table::from_csv(text.as_bytes(), "volymer.csv")
}

#[test]
fn semicolon_csv_with_bom_and_swedish_headers() {
    let t = Table::from_csv(
        "\u{feff}Serie;Månad;Värde\nplac_barn;2025-01;12,5\n\n plac_barn ;2025-02;\"1 013,25\"\n"
            .as_bytes(),
        "volymer.csv",
    )
    .unwrap();
    assert_eq!(t.headers, ["Serie", "Månad", "Värde"]);
    assert_eq!(t.rows.len(), 2);
    let serie = t.column("serie").unwrap();
    let month = t.column("manad").unwrap();
    let value = t.column("VARDE").unwrap();
    let rows: Vec<_> = t.iter().collect();
    assert_eq!(rows[0].text(&serie), "plac_barn");
    assert_eq!(rows[1].text(&serie), "plac_barn");
    assert_eq!(rows[1].line(), 4);
    assert_eq!(rows[1].month(&month).unwrap().to_string(), "2025-02");
    assert_eq!(rows[1].number(&value).unwrap(), 1013.25);
}

#[test]
fn comma_and_tab_separators_are_detected() {
    let t = csv("a,b\n1,2\n").unwrap();
    assert_eq!(t.headers, ["a", "b"]);
    let t = csv("a\tb\n1\t2\n").unwrap();
    assert_eq!(t.rows[0].cells, ["1", "2"]);
}

#[test]
fn windows_1252_is_decoded() {
    let bytes = b"namn;belopp\nV\xe5rd- och omsorgsn\xe4mnden \x96 \xf6st;\x80 5\n";
    let t = Table::from_csv(bytes, "org.csv").unwrap();
    assert_eq!(t.rows[0].cells[0], "Vård- och omsorgsnämnden – öst");
    assert_eq!(t.rows[0].cells[1], "€ 5");
}

#[test]
fn cell_errors_name_file_line_and_column() {
    let t = csv("serie;månad;värde\nx;2025-01;12,3x\nx;2025-13;1\nx;2025-02;\n").unwrap();
    let value = t.column("värde").unwrap();
    let month = t.column("månad").unwrap();
    let rows: Vec<_> = t.iter().collect();
    let e = rows[0].number(&value).unwrap_err();
    assert_eq!(e.line, 2);
    assert_eq!(
        e.to_string(),
        "volymer.csv, rad 2, kolumn \"värde\": \"12,3x\" är inget tal. Skriv till exempel 1 234,5 (mellanslag mellan tusental, decimalkomma)."
    );
    let e = rows[1].month(&month).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("ÅÅÅÅ-MM"), "{e}");
    let e = rows[2].number(&value).unwrap_err();
    assert!(
        e.to_string()
            .contains("rad 4, kolumn \"värde\": värde saknas"),
        "{e}"
    );
    assert_eq!(rows[2].opt_number(Some(&value)).unwrap(), None);
}

#[test]
fn missing_column_lists_what_the_file_has() {
    let t = csv("serie;månad\nx;2025-01\n").unwrap();
    let e = t.column("värde").unwrap_err();
    assert_eq!(e.line, 0);
    assert!(e.to_string().contains("kolumnen \"värde\" saknas"), "{e}");
    assert!(e.to_string().contains("serie, månad"), "{e}");
}

#[test]
fn structural_errors() {
    assert!(csv("").unwrap_err().message.contains("tom"));
    assert!(csv("\n  \n").unwrap_err().message.contains("tom"));
    let e = csv("a;b\n1;2;3\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("3 fält"), "{e}");
    // Trailing empty fields (Excel's habit) are fine; missing ones are empty.
    let t = csv("a;b;c\n1;2;3;;\n1\n").unwrap();
    assert_eq!(t.rows[0].cells, ["1", "2", "3"]);
    assert_eq!(t.rows[1].cells, ["1", "", ""]);
    let e = csv("a;A\n1;2\n").unwrap_err();
    assert!(e.message.contains("två gånger"), "{e}");
}

#[test]
fn no_data_markers_and_choices() {
    let t = csv("värde;status\ni.u.;pågår\n–;klar\n").unwrap();
    let v = t.column("värde").unwrap();
    let s = t.column("status").unwrap();
    let rows: Vec<_> = t.iter().collect();
    assert_eq!(rows[0].opt_number(Some(&v)).unwrap(), None);
    assert_eq!(rows[1].opt_number(Some(&v)).unwrap(), None);
    assert_eq!(rows[0].one_of(&s, &["Pågår", "Planeras"]).unwrap(), "Pågår");
    let e = rows[1].one_of(&s, &["Pågår", "Planeras"]).unwrap_err();
    assert!(e.message.contains("Välj ett av: Pågår, Planeras"), "{e}");
}

#[test]
fn xlsx_first_or_named_sheet_with_dates_and_numbers() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let first = book.add_worksheet();
    first.set_name("Instruktion").unwrap();
    first.write_string(0, 0, "Fyll i bladet Data").unwrap();
    let data = book.add_worksheet();
    data.set_name("Data").unwrap();
    data.write_string(1, 1, "Datum").unwrap();
    data.write_string(1, 2, "Belopp").unwrap();
    data.write_string(1, 3, "Text").unwrap();
    let fmt = Format::new().set_num_format("yyyy-mm-dd");
    data.write_datetime_with_format(2, 1, ExcelDateTime::from_ymd(2025, 8, 31).unwrap(), &fmt)
        .unwrap();
    data.write_number(2, 2, 1234.5).unwrap();
    data.write_string(2, 3, " Hemtjänst ").unwrap();
    data.write_number(3, 2, 7.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let t = Table::from_xlsx(&bytes, "mall.xlsx", Some("data")).unwrap();
    assert_eq!(t.headers, ["", "Datum", "Belopp", "Text"]);
    let date = t.column("datum").unwrap();
    let amount = t.column("belopp").unwrap();
    let rows: Vec<_> = t.iter().collect();
    assert_eq!(rows[0].line(), 3);
    assert_eq!(rows[0].date(&date).unwrap().to_string(), "2025-08-31");
    assert_eq!(rows[0].amount(&amount).unwrap().to_sie(), "1234.50");
    assert_eq!(rows[0].text(&t.column("text").unwrap()), "Hemtjänst");
    assert_eq!(rows[1].text(&amount), "7");

    let t = Table::from_xlsx(&bytes, "mall.xlsx", None).unwrap();
    assert_eq!(t.headers, ["Fyll i bladet Data"]);
    let e = Table::from_xlsx(&bytes, "mall.xlsx", Some("Volymer")).unwrap_err();
    assert!(e.message.contains("Instruktion, Data"), "{e}");
    let e = Table::from_xlsx(b"not a zip", "mall.xlsx", None).unwrap_err();
    assert!(e.message.contains("ingen läsbar Excel-arbetsbok"), "{e}");
}

#[test]
fn read_path_dispatches_on_extension() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, "a;b\n1;2\n").unwrap();
    assert_eq!(Table::read_path(&p).unwrap().rows.len(), 1);
    let p = dir.path().join("x.xls");
    std::fs::write(&p, "junk").unwrap();
    assert!(Table::read_path(&p).unwrap_err().message.contains(".xlsx"));
    let e = Table::read_path(&dir.path().join("saknas.csv")).unwrap_err();
    assert!(e.message.contains("kunde inte läsas"), "{e}");
}

#[test]
fn line_numbers_with_crlf_and_lone_cr() {
    let t = csv("a;b\r\n1;2\r\n\r\n3;4\r5;6\n").unwrap();
    let lines: Vec<_> = t.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4, 5]);
}
