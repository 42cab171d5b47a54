//! Concurrent edits are never silently overwritten: every forecast line and every report text
//! carries a version; a change based on a version someone else has since changed is refused,
//! naming who changed it, when and what is stored now, and nothing is written. Two writers on
//! one database file (two connections, as two processes would have) see the same.

use delar_core::{Amount, Round, RoundKind};
use delar_forecast::{Adjustment, AdjustmentKind, ForecastLine, Method};
use delar_store::prelude::*;
use delar_store::{
    CommentKind, ComputedLine, LedgerBy, LineEdit, MethodEstimate, SqliteStore, StoreError,
};

fn tk(v: i64) -> Amount {
    Amount::from_ore(v * 100_000)
}

fn line(node: &str, group: &str, seasonal: i64) -> ComputedLine {
    let est = |m: Method, v: i64| MethodEstimate {
        method: m,
        full_year: Some(tk(v)),
        explanation: format!("{} ger {v} tkr.", m.name()),
        mae: Some(tk(10)),
        bias: Some(tk(0)),
        years: 3,
        replay: vec![],
    };
    ComputedLine {
        line: ForecastLine {
            node: node.into(),
            group: group.into(),
            method: Method::Seasonal,
            base: tk(seasonal),
            explanation: "Säsong.".into(),
            adjustments: vec![],
            to_date: tk(seasonal / 2),
            budget: tk(seasonal),
            comment: None,
        },
        recommended: Some(Method::Seasonal),
        budget_to_date: tk(seasonal / 2),
        estimates: vec![
            est(Method::Seasonal, seasonal),
            est(Method::RunRate, seasonal + 100),
        ],
    }
}

fn p2() -> Round {
    Round::new(2025, RoundKind::P2).unwrap()
}

fn version(s: &SqliteStore, node: &str, group: &str) -> i64 {
    s.forecast_line_details("2025-P2")
        .unwrap()
        .into_iter()
        .find(|d| d.line.node == node && d.line.group == group)
        .unwrap()
        .version
}

#[test]
fn two_writers_on_one_line_the_second_is_refused_and_told_who_and_what() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delar.db");
    let mut a = SqliteStore::create(&path).unwrap();
    a.save_round(
        &p2(),
        LedgerBy::Group,
        &[line("SN41", "kop_verksamhet", 1000)],
        "system",
    )
    .unwrap();
    // Two people (two connections) read the line at the same version.
    let mut b = SqliteStore::open(&path).unwrap();
    let v = version(&a, "SN41", "kop_verksamhet");
    assert_eq!(version(&b, "SN41", "kop_verksamhet"), v);
    // Anna sets a manual amount based on it.
    let e = a
        .edit_line(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            LineEdit::Amount {
                amount: tk(1250),
                comment: "Två nya placeringar.",
                kind: CommentKind::Report,
            },
            Some(v),
            "anna",
        )
        .unwrap();
    assert_eq!(e.version, v + 1);
    assert_eq!(e.line.base, tk(1250));
    // Bo, still looking at version v, chooses run-rate: refused, nothing written.
    let err = b
        .edit_line(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            LineEdit::Method {
                method: Method::RunRate,
                comment: "Takten håller.",
                kind: CommentKind::Report,
            },
            Some(v),
            "bo",
        )
        .unwrap_err();
    let StoreError::Conflict(m) = err else {
        panic!("expected a conflict, got {err:?}");
    };
    assert!(m.contains("SN41:kop_verksamhet"), "{m}");
    assert!(m.contains("anna ändrade den 2"), "names who and when: {m}");
    assert!(
        m.contains("manuell") && m.contains("1\u{a0}250 tkr"),
        "the value now: {m}"
    );
    let now = b.forecast_lines("2025-P2").unwrap();
    assert_eq!(
        (now[0].method, now[0].base),
        (Method::Manual, tk(1250)),
        "Anna's amount stays"
    );
    // Having read the line again, Bo's change goes through.
    let v2 = version(&b, "SN41", "kop_verksamhet");
    assert_eq!(v2, v + 1);
    b.edit_line(
        "2025-P2",
        "SN41",
        "kop_verksamhet",
        LineEdit::Comment {
            text: "Kontrollerad mot placeringslistan.",
            kind: CommentKind::Review,
        },
        Some(v2),
        "bo",
    )
    .unwrap();
    // An adjustment is a change of its line too.
    let adj = Adjustment {
        kind: AdjustmentKind::OneOff,
        amount: tk(50),
        low: None,
        high: None,
        comment: "Engångskostnad.".into(),
    };
    let err = a
        .edit_line(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            LineEdit::AddAdjustment(&adj),
            Some(v2),
            "anna",
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let done = a
        .edit_line(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            LineEdit::AddAdjustment(&adj),
            Some(v2 + 1),
            "anna",
        )
        .unwrap();
    assert!(done.adjustment.is_some());
    assert_eq!(done.line.full_year(), tk(1300));
    // Without a version (the command line's own read-and-write) the edit is not checked.
    a.set_line_comment(
        "2025-P2",
        "SN41",
        "kop_verksamhet",
        "Enligt plan.",
        CommentKind::Report,
        "anna",
    )
    .unwrap();
    let d = a.forecast_line_details("2025-P2").unwrap();
    assert_eq!(d[0].version, v2 + 3);
    assert_eq!(d[0].changed_by.as_deref(), Some("anna"));
}

#[test]
fn a_recomputation_makes_an_earlier_read_stale() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.save_round(
        &p2(),
        LedgerBy::Group,
        &[line("SN41", "personal", 400)],
        "system",
    )
    .unwrap();
    let v = version(&s, "SN41", "personal");
    s.save_round(
        &p2(),
        LedgerBy::Group,
        &[line("SN41", "personal", 420)],
        "system",
    )
    .unwrap();
    let err = s
        .edit_line(
            "2025-P2",
            "SN41",
            "personal",
            LineEdit::Comment {
                text: "x",
                kind: CommentKind::Report,
            },
            Some(v),
            "anna",
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

#[test]
fn two_writers_on_one_text_the_second_is_refused() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.save_round(
        &p2(),
        LedgerBy::Group,
        &[line("SN41", "personal", 400)],
        "system",
    )
    .unwrap();
    assert_eq!(s.report_text_version("2025-P2", "analys.SN").unwrap(), 0);
    s.set_report_text("2025-P2", "analys.SN", "Anna skriver.", "anna", Some(0))
        .unwrap();
    let err = s
        .set_report_text("2025-P2", "analys.SN", "Bo skriver.", "bo", Some(0))
        .unwrap_err();
    let StoreError::Conflict(m) = err else {
        panic!("expected a conflict, got {err:?}");
    };
    assert!(
        m.contains("anna ändrade den") && m.contains("«Anna skriver.»"),
        "{m}"
    );
    assert_eq!(
        s.report_texts("2025-P2").unwrap()["analys.SN"],
        "Anna skriver."
    );
    // Withdrawing is a change too, and is checked the same way.
    assert!(s
        .clear_report_text("2025-P2", "analys.SN", "bo", Some(0))
        .is_err());
    assert!(s
        .clear_report_text("2025-P2", "analys.SN", "bo", Some(1))
        .unwrap());
    assert_eq!(s.report_text_version("2025-P2", "analys.SN").unwrap(), 2);
}
