use super::*;
use crate::templates::parse;
use proptest::prelude::*;

fn ind(code: &str, by_sex: bool, source_id: Option<&str>) -> Indicator {
    Indicator {
        code: code.into(),
        name: code.into(),
        goal: "G".into(),
        committee: Some("SN".into()),
        unit: "%".into(),
        decimals: 0,
        measure: MeasureKind::Share,
        definition: None,
        source: SourceKind::Internal,
        source_id: source_id.map(Into::into),
        publication_month: None,
        polarity: Polarity::Higher,
        by_sex,
    }
}

fn indicators() -> Vec<Indicator> {
    vec![ind("SN01", false, None), ind("VON01", true, Some("U23471"))]
}

fn table(text: &str) -> Table {
    read_kpi_table(text.as_bytes(), "kpi.txt").unwrap()
}

fn mapping(text: &str) -> Vec<KpiMapping> {
    parse::<KpiMapping>(&Table::from_csv(text.as_bytes(), "kpi-mappning.csv").unwrap()).unwrap()
}

#[test]
fn headerless_tab_file_without_mapping() {
    let t = table(
        "2025-08-31\tSN\tSN01\tUtfall\t63,5\n\
         2024-12-31\tVON\tU23471\tutfall kvinnor\t87\n\
         2024-12-31\tVON\tU23471\tutfall män\t89\n\
         2024-12-31\tVON\tU23471\tutfall\t88\n\
         2025-12-31\tVON\tVON01\tprognos\tBibehåller\n\
         2025\tVON\tVON01\tmål\tÖka\n\
         2025-12-31\tX\tOKAND\tUtfall\t1\n",
    );
    assert_eq!(t.rows[0].line, 1, "no header: the first row is row 1");
    let k = parse_kpi(&t, None, &indicators()).unwrap();
    assert_eq!(k.rows, 7);
    assert_eq!(k.skipped.get("OKAND"), Some(&1));
    let get = |code: &str, year: i32, kind: ValueKind| {
        k.values
            .iter()
            .find(|v| v.indicator == code && v.year == year && v.kind == kind)
            .map(|v| v.figure)
    };
    // An outcome dated August is the value to date.
    assert_eq!(
        get(
            "SN01",
            2025,
            ValueKind::ToDate(YearMonth::new(2025, 8).unwrap())
        ),
        Some(Figure::Number(Kmt::total(63.5)))
    );
    assert_eq!(
        get("VON01", 2024, ValueKind::Outcome),
        Some(Figure::Number(Kmt::new(87.0, 89.0, 88.0)))
    );
    assert_eq!(
        get("VON01", 2025, ValueKind::Forecast),
        Some(Figure::Word(Trend::Maintain))
    );
    assert_eq!(
        get("VON01", 2025, ValueKind::Target),
        Some(Figure::Word(Trend::Increase))
    );
}

#[test]
fn semicolon_file_with_header_and_mapping() {
    let t = table(
        "Datum;Enhetskod;Måttkod;Måttkolumnkod;Värde\n\
         2025-08-31;SN;M100;UTF;61\n\
         2025-08-31;SN;M100;MAL;65\n\
         2025-08-31;VON;M200;UTF_K;70\n\
         2025-08-31;VON;M200;UTF_M;60\n\
         2025-08-31;VON;M200;UTF_T;68\n\
         2025-08-31;FSN;M100;UTF;99\n",
    );
    let m = mapping(
        "mått;kolumn;enhet;indikator;typ;kön\n\
         M100;UTF;SN;SN01;hittills;\n\
         M100;MAL;;SN01;mål;\n\
         M200;UTF_K;;VON01;hittills;kvinnor\n\
         M200;UTF_M;;VON01;hittills;män\n\
         M200;UTF_T;;VON01;hittills;totalt\n",
    );
    let k = parse_kpi(&t, Some(&m), &indicators()).unwrap();
    // FSN's M100 UTF has no mapping (the SN one names the unit).
    assert_eq!(k.skipped.get("M100"), Some(&1));
    let aug = ValueKind::ToDate(YearMonth::new(2025, 8).unwrap());
    let v: Vec<(&str, ValueKind, Figure)> = k
        .values
        .iter()
        .map(|v| (v.indicator.as_str(), v.kind, v.figure))
        .collect();
    assert!(v.contains(&("SN01", aug, Figure::Number(Kmt::total(61.0)))));
    assert!(v.contains(&("SN01", ValueKind::Target, Figure::Number(Kmt::total(65.0)))));
    assert!(v.contains(&("VON01", aug, Figure::Number(Kmt::new(70.0, 60.0, 68.0)))));
    // The mapping template round-trips.
    let again = mapping(&crate::templates::write_csv(&m));
    assert_eq!(again, m);
}

#[test]
fn bad_rows_name_file_row_and_column() {
    let t = table(
        "2025-13-40;SN;SN01;utfall;5\n\
         2025-08-31;SN;SN01;utfall;femtio\n\
         2025-08-31;SN;SN01;utfall kvinnor;5\n\
         2025-08-31;SN;SN01;utfall;7\n\
         2025-08-31;SN;SN01;hittills;6\n\
         2025-08-31;SN;SN01;utfall;Ökar\n\
         2025-08-31;SN;SN01;konstig;1\n",
    );
    let e = parse_kpi(&t, None, &indicators()).unwrap_err();
    let s: Vec<String> = e.iter().map(|e| e.to_string()).collect();
    assert_eq!(s.len(), 6, "{s:#?}");
    assert!(s[0].starts_with("kpi.txt, rad 1, kolumn \"datum\": \"2025-13-40\" är inget datum"));
    assert!(s[1].starts_with("kpi.txt, rad 2, kolumn \"värde\": \"femtio\" är inget tal"));
    assert!(s[2].contains("rad 3") && s[2].contains("redovisas inte per kön"));
    assert!(s[3].contains("rad 5") && s[3].contains("redan ett värde") && s[3].contains("rad 4"));
    assert!(s[4].contains("rad 6") && s[4].contains("riktningsord"));
    assert!(s[5].contains("rad 7") && s[5].contains("kolumnkoden \"konstig\""));
    // A mapping to an unknown indicator.
    let m = mapping("mått;indikator\nSN01;SN99\n");
    let e = parse_kpi(
        &table("2025-08-31;SN;SN01;utfall;5\n"),
        Some(&m),
        &indicators(),
    )
    .unwrap_err();
    assert!(
        e[0].to_string().contains("\"SN99\", som inte finns"),
        "{}",
        e[0]
    );
    // Nothing mapped at all.
    let e = parse_kpi(&table("2025-08-31;SN;X1;utfall;5\n"), None, &indicators()).unwrap_err();
    assert!(e[0].to_string().contains("ingen rad kunde kopplas"));
    // A header without the needed columns.
    let e = parse_kpi(&table("a;b;c\n1;2;3\n"), None, &indicators()).unwrap_err();
    assert!(e[0].to_string().contains("kolumnen \"datum\" saknas"));
}

#[test]
fn blank_lines_before_a_headerless_file_keep_row_numbers() {
    let t = table("\n\n2025-08-31;SN;SN01;utfall;x\n");
    let e = parse_kpi(&t, None, &indicators()).unwrap_err();
    assert_eq!(e[0].line, 3);
}

#[test]
fn merge_keeps_what_the_import_does_not_carry() {
    let v = |kind, x: f64| IndicatorValue {
        indicator: "SN01".into(),
        year: 2025,
        kind,
        figure: Figure::Number(Kmt::total(x)),
        comment: None,
    };
    let stored = vec![v(ValueKind::Target, 65.0), v(ValueKind::Forecast, 62.0)];
    let merged = merge_values(&stored, &[v(ValueKind::Forecast, 64.0)]);
    assert_eq!(
        merged,
        vec![v(ValueKind::Target, 65.0), v(ValueKind::Forecast, 64.0)]
    );
}

proptest! {
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec("[0-9a-zåäö;\t,. -]{0,40}", 0..8)) {
        let text = lines.join("\n");
        if let Ok(t) = read_kpi_table(text.as_bytes(), "kpi.txt") {
            let _ = parse_kpi(&t, None, &indicators());
        }
    }

    #[test]
    fn written_values_read_back(x in 0.0f64..1000.0, month in 1u8..=11) {
        let x = (x * 10.0).round() / 10.0;
        let text = format!("2025-{month:02}-28;SN;SN01;utfall;{}\n", x.to_string().replace('.', ","));
        let k = parse_kpi(&table(&text), None, &indicators()).unwrap();
        prop_assert_eq!(k.values.len(), 1);
        prop_assert_eq!(k.values[0].kind, ValueKind::ToDate(YearMonth::new(2025, month).unwrap()));
        prop_assert_eq!(k.values[0].figure, Figure::Number(Kmt::total(x)));
    }
}
