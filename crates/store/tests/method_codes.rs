//! Migration 13: the volume × price method's code `volym_pris` became `volym`. A database
//! written before the rename is rewritten when opened, so a method a person chose keeps being
//! recomputed.

#[macro_use]
mod common;

use delar_core::{Amount, Round, RoundKind};
use delar_forecast::{ForecastLine, Method};
use delar_store::{
    CommentKind, ComputedLine, ForecastStore, LedgerBy, MethodEstimate, SqliteStore,
};

fn tk(v: i64) -> Amount {
    Amount::from_ore(v * 100_000)
}

fn est(method: Method, v: i64) -> MethodEstimate {
    MethodEstimate {
        method,
        full_year: Some(tk(v)),
        explanation: format!("{} ger {v} tkr.", method.name()),
        mae: Some(tk(10)),
        bias: Some(tk(-2)),
        years: 3,
        replay: vec![],
    }
}

/// SN41:kop_verksamhet computed with the seasonal profile at `seasonal` tkr and volume × price
/// at `volume` tkr, volume × price recommended.
fn line(seasonal: i64, volume: i64) -> ComputedLine {
    ComputedLine {
        line: ForecastLine {
            node: "SN41".into(),
            group: "kop_verksamhet".into(),
            method: Method::VolumePrice,
            base: tk(volume),
            explanation: "Volym × pris.".into(),
            adjustments: vec![],
            to_date: tk(660),
            budget: tk(950),
            comment: None,
        },
        recommended: Some(Method::VolumePrice),
        budget_to_date: tk(633),
        estimates: vec![
            est(Method::Seasonal, seasonal),
            est(Method::VolumePrice, volume),
        ],
    }
}

fn count(s: &SqliteStore, sql: &str) -> i64 {
    s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

both! {
#[test]
fn old_method_codes_are_rewritten_and_a_chosen_method_keeps_being_recomputed() {
    let db = common::Persistent::new();
    let round = Round::new(2025, RoundKind::P2).unwrap();
    {
        let mut s = db.create();
        s.save_round(&round, LedgerBy::Group, &[line(1000, 1200)], "anna")
            .unwrap();
        // A person chooses volume × price on the line (after someone else had changed it).
        s.set_line_method(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            Method::Seasonal,
            "Säsongen är stabil.",
            CommentKind::Report,
            "bo",
        )
        .unwrap();
        s.set_line_method(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            Method::VolumePrice,
            "Placeringarna styr.",
            CommentKind::Report,
            "bo",
        )
        .unwrap();
        assert_eq!(
            count(
                &s,
                "SELECT COUNT(*) FROM forecast_line WHERE method = 'volym' AND recommended = 'volym'"
            ),
            1
        );
        // As a database written before the rename has it.
        s.connection()
            .execute_batch(
                "UPDATE forecast_line SET method = 'volym_pris', recommended = 'volym_pris';
                 UPDATE forecast_estimate SET method = 'volym_pris' WHERE method = 'volym';
                 DELETE FROM schema_migrations WHERE version = 13;",
            )
            .unwrap();
    }
    let mut s = db.open();
    assert_eq!(s.migrations_applied(), [13]);
    let old = "SELECT (SELECT COUNT(*) FROM forecast_line WHERE method = 'volym_pris' OR recommended = 'volym_pris')
                    + (SELECT COUNT(*) FROM forecast_estimate WHERE method = 'volym_pris')";
    assert_eq!(count(&s, old), 0);
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM forecast_estimate WHERE method = 'volym'"
        ),
        1
    );
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert_eq!(d[0].line.method, Method::VolumePrice);
    assert_eq!(d[0].recommended, Some(Method::VolumePrice));
    // Recomputing with new figures: the person's choice is kept and takes the method's new
    // value (the stored code and the computed one are the same again).
    s.save_round(&round, LedgerBy::Group, &[line(1000, 1300)], "anna")
        .unwrap();
    let l = &s.forecast_lines("2025-P2").unwrap()[0];
    assert_eq!((l.method, l.base), (Method::VolumePrice, tk(1300)));
}
}
