//! End-to-end test of `delar forecast utvardera` on constructed monthly series.

mod common;
use common::{fails, ok};
use std::fmt::Write as _;

/// A summer-heavy cost series growing 4 % a year, and a revenue series (negative) with a
/// December peak, 2016–2023, as one file with a column per series.
fn two_series() -> String {
    let mut s = String::from("år;månad;kostnad;intakt\n");
    for y in 2016..=2023 {
        for m in 1..=12 {
            let g = 1.04f64.powi(y - 2016);
            let cost = 1000.0 * g * if (6..=8).contains(&m) { 1.5 } else { 1.0 };
            let rev = -200.0 * g * if m == 12 { 2.0 } else { 1.0 };
            let _ = writeln!(
                s,
                "{y};{m};{};{}",
                format!("{cost:.2}").replace('.', ","),
                format!("{rev:.2}").replace('.', ",")
            );
        }
    }
    s
}

#[test]
fn measures_methods_and_mix_on_series_files() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("serier.csv"), two_series()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&ok(
        &[
            "forecast",
            "utvardera",
            "serier.csv",
            "--manader",
            "4,8",
            "--json",
            "--fall",
            "fall.csv",
        ],
        p,
    ))
    .unwrap();
    // 2019–2023 of two series.
    assert_eq!(json["cases"], 10);
    assert_eq!(json["series"], 2);
    assert!(json["seconds"].as_f64().unwrap() >= 0.0);
    for m in ["4", "8"] {
        let c = &json["cutoffs"][m];
        for k in ["mix", "sasong", "linjar", "utjamning", "kombination"] {
            assert_eq!(c[k]["n"], 10, "{m} {k}");
        }
        // Exact seasonal shape: the seasonal profile and the mix are (almost) exact.
        assert!(c["sasong"]["mape"].as_f64().unwrap() < 0.01, "{c}");
        assert!(c["mix"]["mape"].as_f64().unwrap() < 1.0, "{c}");
        let cov = c["mix"]["coverage80"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&cov));
    }
    // Run-rate misses the peaks after April (cost 11 % too low, revenue 8 % too small).
    let rr = &json["cutoffs"]["4"]["linjar"];
    assert!(rr["mape"].as_f64().unwrap() > 9.0, "{rr}");
    assert!(rr["median_ape"].as_f64().unwrap() > 7.0, "{rr}");
    let cases = std::fs::read_to_string(p.join("fall.csv")).unwrap();
    assert!(cases.starts_with("serie;år;brytmånad;utfall;"), "{cases}");
    assert_eq!(cases.lines().count(), 1 + 20);
    assert!(cases.contains("\"serier:intakt\";2023;8;-"), "{cases}");
    // Amounts as every CSV of delar: decimal comma, no thousands separator.
    let row = cases.lines().nth(1).unwrap();
    let actual = row.split(';').nth(3).unwrap();
    assert!(actual.contains(',') && !actual.contains('\u{a0}'), "{row}");

    let table = ok(&["forecast", "utvardera", "serier.csv"], p);
    assert!(table.contains("2 serier, 10 serieår"), "{table}");
    assert!(table.contains("(10 fall)"), "{table}");
    assert!(table.contains("Rekommenderad mix"), "{table}");
    assert!(table.contains("Mixen valde:"), "{table}");

    let err = fails(
        &["forecast", "utvardera", "serier.csv", "--manader", "12"],
        p,
    );
    assert!(err.contains("--manader") && err.contains("1–11"), "{err}");
}

#[test]
fn measures_the_sum_of_a_files_series_as_a_committee() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("serier.csv"), two_series()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&ok(
        &[
            "forecast",
            "utvardera",
            "serier.csv",
            "--json",
            "--summa",
            "--fall",
            "fall.csv",
        ],
        p,
    ))
    .unwrap();
    // One file with two series: its sum is measured in 2019–2023 at both cut-offs.
    for m in ["4", "8"] {
        let s = &json["sums"][m];
        assert_eq!(s["n"], 5, "{json}");
        // Both series have an exact seasonal shape, so the sum's mix is close.
        assert!(s["mape"].as_f64().unwrap() < 1.0, "{s}");
        assert!(
            (0.0..=1.0).contains(&s["coverage80"].as_f64().unwrap()),
            "{s}"
        );
        // Coverage by replayed years adds up to the cases with a range.
        let by = json["coverage_by_years"][m].as_object().unwrap();
        let n: u64 = by.values().map(|v| v[0].as_u64().unwrap()).sum();
        let inside: u64 = by.values().map(|v| v[1].as_u64().unwrap()).sum();
        let cov = json["cutoffs"][m]["mix"]["coverage80"].as_f64().unwrap();
        assert!((inside as f64 / n as f64 - cov).abs() < 1e-9, "{json}");
    }
    let cases = std::fs::read_to_string(p.join("fall.csv")).unwrap();
    assert!(
        cases.lines().next().unwrap().ends_with(";år_bakåt"),
        "{cases}"
    );
    // Without --summa no sums; the table names them with it.
    let plain = ok(&["forecast", "utvardera", "serier.csv", "--json"], p);
    assert!(!plain.contains("\"sums\""), "{plain}");
    let table = ok(&["forecast", "utvardera", "serier.csv", "--summa"], p);
    assert!(table.contains("Summor (en fil med flera serier"), "{table}");
    assert!(
        table.contains("Inom 80 %-intervallet, efter antal återspelade år:"),
        "{table}"
    );
}
