//! Forecast rounds in the store: lines and adjustments round-trip, recomputing keeps what
//! people changed, locked rounds refuse every write, locking needs comments on flagged lines,
//! every change is audited; and the single per-node ledger query equals the per-object ledger.

#[macro_use]
mod common;

use delar_core::{Amount, Date, Round, RoundKind};
use delar_demo::kommun::{self, KommunOptions, Scale};
use delar_forecast::{Adjustment, AdjustmentKind, ForecastLine, Method};
use delar_store::prelude::*;
use delar_store::{
    CommentKind, ComputedLine, ForecastStore, ImportOptions, LedgerBy, MethodEstimate, RoundStatus,
    SqliteStore, Store, StoreError, TemplateSource,
};
use std::collections::BTreeMap;

fn tk(v: i64) -> Amount {
    Amount::from_ore(v * 100_000)
}

fn est(method: Method, v: Option<i64>) -> MethodEstimate {
    MethodEstimate {
        method,
        full_year: v.map(tk),
        explanation: match v {
            Some(v) => format!("{} ger {v} tkr.", method.name()),
            None => "går inte".into(),
        },
        mae: Some(tk(10)),
        bias: Some(tk(-2)),
        years: 3,
        replay: vec![],
    }
}

/// A computed line: seasonal 1 000 tkr recommended, run-rate 1 100, budget 950.
fn computed(node: &str, group: &str, seasonal: i64, to_date: i64) -> ComputedLine {
    ComputedLine {
        line: ForecastLine {
            node: node.into(),
            group: group.into(),
            method: Method::Seasonal,
            base: tk(seasonal),
            explanation: format!("Säsong {seasonal}."),
            adjustments: vec![],
            to_date: tk(to_date),
            budget: tk(950),
            comment: Some("ignored".into()),
        },
        recommended: Some(Method::Seasonal),
        budget_to_date: tk(633),
        estimates: vec![
            est(Method::BudgetBased, Some(950)),
            est(Method::RunRate, Some(seasonal + 100)),
            est(Method::Seasonal, Some(seasonal)),
            est(Method::VolumePrice, None),
        ],
    }
}

fn p2() -> Round {
    Round::new(2025, RoundKind::P2).unwrap()
}

fn forecast_err(e: StoreError) -> String {
    match e {
        StoreError::Forecast(m) => m,
        other => panic!("expected a forecast error, got {other:?}"),
    }
}

both! {
#[test]
fn lines_and_adjustments_round_trip_and_recompute_keeps_overrides() {
    let mut s = common::store();
    assert!(s.migrations_applied().contains(&4));
    assert!(s.forecast_rounds().unwrap().is_empty());
    let r = p2();
    let lines = vec![
        computed("SN41", "kop_verksamhet", 1000, 660),
        computed("SN41", "personal", 400, 270),
        computed("SN42", "kop_verksamhet", 500, 330),
    ];
    let sum = s.save_round(&r, LedgerBy::Group, &lines, "anna").unwrap();
    assert_eq!((sum.lines, sum.added), (3, 3));
    let info = s.forecast_round("2025-P2").unwrap().unwrap();
    assert_eq!(info.status, RoundStatus::Open);
    assert_eq!(info.created_by, "anna");
    assert_eq!(info.lines, 3);
    let got = s.forecast_lines("2025-P2").unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].node, "SN41");
    assert_eq!(got[0].group, "kop_verksamhet");
    assert_eq!(got[0].base, tk(1000));
    assert_eq!(got[0].method, Method::Seasonal);
    assert_eq!(got[0].comment, None, "computed lines carry no comment");
    assert_eq!(got[0].to_date, tk(660));

    // A person chooses run-rate on one line, a manual amount on another, and adds an
    // adjustment with a range.
    let e = s
        .set_line_method(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            Method::RunRate,
            " ",
            CommentKind::Report,
            "bo",
        )
        .unwrap_err();
    assert!(forecast_err(e).contains("kommentar är obligatorisk"));
    let l = s
        .set_line_method(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            Method::RunRate,
            "Placeringarna ökar jämnt.",
            CommentKind::Report,
            "bo",
        )
        .unwrap();
    assert_eq!((l.method, l.base), (Method::RunRate, tk(1100)));
    let e = s
        .set_line_method(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            Method::VolumePrice,
            "x",
            CommentKind::Report,
            "bo",
        )
        .unwrap_err();
    assert!(forecast_err(e).contains("kan inte användas"));
    s.set_line_amount(
        "2025-P2",
        "SN41",
        "personal",
        tk(420),
        "Två nya familjehem.",
        CommentKind::Report,
        "bo",
    )
    .unwrap();
    let adj = Adjustment {
        kind: AdjustmentKind::SpecialOther,
        amount: tk(30),
        low: Some(tk(20)),
        high: Some(tk(45)),
        comment: "Covid-19, skyddsutrustning".into(),
        code: None,
    };
    let id = s
        .add_adjustment("2025-P2", "SN42", "kop_verksamhet", &adj, "bo")
        .unwrap();
    let id2 = s
        .add_adjustment(
            "2025-P2",
            "SN42",
            "kop_verksamhet",
            &Adjustment {
                kind: AdjustmentKind::OneOff,
                amount: tk(-5),
                low: None,
                high: None,
                comment: "Återbetalning".into(),
                code: None,
            },
            "bo",
        )
        .unwrap();
    s.remove_adjustment("2025-P2", id2, "bo").unwrap();
    let got = s.forecast_lines("2025-P2").unwrap();
    assert_eq!(got[2].adjustments, vec![adj.clone()]);
    assert_eq!(got[2].full_year(), tk(530));
    assert_eq!(got[2].range(), (tk(520), tk(545)));
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert_eq!(d[2].adjustment_ids, vec![id]);
    assert_eq!(d[1].line.method, Method::Manual);
    assert!(d[1].manual);
    assert_eq!(d[1].override_by.as_deref(), Some("bo"));
    assert_eq!(
        d[0].override_reason.as_deref(),
        Some("Placeringarna ökar jämnt.")
    );
    assert_eq!(d[0].estimates.len(), 4);
    assert_eq!(d[0].estimates[2].mae, Some(tk(10)));

    // Recompute with new outcome: overrides, manual amount and adjustments stay; the chosen
    // method gets its new result; a line no longer computed and untouched goes away.
    let new = vec![
        computed("SN41", "kop_verksamhet", 1010, 700),
        computed("SN41", "personal", 410, 280),
        computed("SN42", "kop_verksamhet", 520, 340),
        computed("SN43", "kop_verksamhet", 200, 130),
    ];
    let sum = s.save_round(&r, LedgerBy::Group, &new, "anna").unwrap();
    assert_eq!(
        (sum.lines, sum.added, sum.updated, sum.kept_overrides),
        (4, 1, 1, 2)
    );
    let got = s.forecast_lines("2025-P2").unwrap();
    assert_eq!((got[0].method, got[0].base), (Method::RunRate, tk(1110)));
    assert_eq!(got[0].to_date, tk(700));
    assert_eq!((got[1].method, got[1].base), (Method::Manual, tk(420)));
    assert_eq!(got[1].comment.as_deref(), Some("Två nya familjehem."));
    assert_eq!(got[2].base, tk(520));
    assert_eq!(got[2].adjustments, vec![adj]);
    let sum = s
        .save_round(&r, LedgerBy::Group, &new[..3], "anna")
        .unwrap();
    assert_eq!((sum.lines, sum.removed), (3, 1));
    // Another grain is refused for an existing round.
    let e = s
        .save_round(&r, LedgerBy::Account, &new, "anna")
        .unwrap_err();
    assert!(forecast_err(e).contains("per kontogrupp"));

    // Every change is in the audit log.
    let log = s.forecast_audit("2025-P2").unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "berakna",
            "metod",
            "belopp",
            "justering",
            "justering",
            "ta_bort_justering",
            "berakna",
            "berakna"
        ]
    );
    assert_eq!(log[1].node.as_deref(), Some("SN41"));
    assert_eq!(log[1].user, "bo");
    assert!(log[1].old_value.as_deref().unwrap().starts_with("sasong"));
    assert!(log[1]
        .new_value
        .as_deref()
        .unwrap()
        .contains("Placeringarna ökar jämnt."));
}
}

both! {
#[test]
fn a_round_deadline_is_set_audited_cleared_and_kept_by_a_locked_round() {
    let mut s = common::store();
    let r = p2();
    let ok = computed("SN42", "kop_verksamhet", 950, 633);
    s.save_round(&r, LedgerBy::Group, &[ok], "anna").unwrap();
    assert_eq!(s.forecast_round("2025-P2").unwrap().unwrap().deadline, None);
    let d = Date::parse("2025-09-05").unwrap();
    s.set_round_deadline("2025-P2", Some(d), "anna").unwrap();
    assert_eq!(s.forecast_round("2025-P2").unwrap().unwrap().deadline, Some(d));
    assert_eq!(s.forecast_rounds().unwrap()[0].deadline, Some(d));
    // Setting the same date again changes nothing; a new one is logged with the old.
    s.set_round_deadline("2025-P2", Some(d), "anna").unwrap();
    let later = Date::parse("2025-09-12").unwrap();
    s.set_round_deadline("2025-P2", Some(later), "bo").unwrap();
    let log: Vec<_> = s
        .forecast_audit("2025-P2")
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "tidsfrist")
        .collect();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[1].old_value.as_deref(), Some("2025-09-05"));
    assert_eq!(log[1].new_value.as_deref(), Some("2025-09-12"));
    assert_eq!(log[1].user, "bo");
    s.set_round_deadline("2025-P2", None, "bo").unwrap();
    assert_eq!(s.forecast_round("2025-P2").unwrap().unwrap().deadline, None);
    // A locked round keeps its deadline and refuses a new one.
    s.set_round_deadline("2025-P2", Some(d), "bo").unwrap();
    s.lock_round("2025-P2", "bo").unwrap();
    assert!(s.set_round_deadline("2025-P2", Some(later), "bo").is_err());
    assert_eq!(s.forecast_round("2025-P2").unwrap().unwrap().deadline, Some(d));
    // A round that does not exist.
    assert!(s.set_round_deadline("2024-P2", Some(d), "bo").is_err());
}
}

both! {
#[test]
fn locking_needs_comments_on_flagged_lines_and_locked_rounds_never_change() {
    let mut s = common::store();
    let r = p2();
    // Budget 950 (633 to date); outcome 700 to date (−67 so far); forecast 960 (−10 for the
    // year): the rest of the year forecast 57 tkr better than budget, the deficit almost all
    // realised already. Flagged.
    let mut flagged = computed("SN41", "kop_verksamhet", 960, 700);
    flagged.line.base = tk(960);
    let ok = computed("SN42", "kop_verksamhet", 950, 633);
    s.save_round(&r, LedgerBy::Group, &[flagged, ok], "anna")
        .unwrap();
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert!(!d[0].flags.is_empty(), "{:?}", d[0].flags);
    assert!(d[1].flags.is_empty(), "{:?}", d[1].flags);
    let e = forecast_err(s.lock_round("2025-P2", "anna").unwrap_err());
    assert!(e.contains("kan inte låsas"), "{e}");
    assert!(e.contains("SN41:kop_verksamhet"), "{e}");
    assert!(!e.contains("SN42"), "{e}");
    assert_eq!(
        s.forecast_round("2025-P2").unwrap().unwrap().status,
        RoundStatus::Open
    );
    s.set_line_comment(
        "2025-P2",
        "SN41",
        "kop_verksamhet",
        "Två placeringar avslutas i september.",
        CommentKind::Report,
        "anna",
    )
    .unwrap();
    s.lock_round("2025-P2", "chef").unwrap();
    let info = s.forecast_round("2025-P2").unwrap().unwrap();
    assert_eq!(info.status, RoundStatus::Locked);
    assert_eq!(info.locked_by.as_deref(), Some("chef"));
    let before = s.forecast_line_details("2025-P2").unwrap();

    // Every write fails with the one message, naming when and by whom.
    let message = delar_store::locked_message(
        "2025-P2",
        info.locked_at.as_deref(),
        info.locked_by.as_deref(),
    );
    assert!(message.contains("är låst (låst 20"), "{message}");
    assert!(
        message.ends_with("(beräkna den med \"delar forecast run --round 2025-B\")."),
        "{message}"
    );
    assert!(message.contains(" av chef)"), "{message}");
    let locked = |e: StoreError| {
        let m = forecast_err(e);
        assert_eq!(m, message);
    };
    locked(
        s.save_round(
            &r,
            LedgerBy::Group,
            &[computed("SN41", "kop_verksamhet", 1, 1)],
            "x",
        )
        .unwrap_err(),
    );
    locked(
        s.set_line_method(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            Method::RunRate,
            "c",
            CommentKind::Report,
            "x",
        )
        .unwrap_err(),
    );
    locked(
        s.set_line_amount(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            tk(1),
            "c",
            CommentKind::Report,
            "x",
        )
        .unwrap_err(),
    );
    locked(
        s.set_line_comment(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            "c",
            CommentKind::Report,
            "x",
        )
        .unwrap_err(),
    );
    locked(
        s.add_adjustment(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            &Adjustment {
                kind: AdjustmentKind::CentralBuffer,
                amount: tk(1),
                low: None,
                high: None,
                comment: "c".into(),
                code: None,
            },
            "x",
        )
        .unwrap_err(),
    );
    locked(s.remove_adjustment("2025-P2", 1, "x").unwrap_err());
    locked(s.lock_round("2025-P2", "x").unwrap_err());
    locked(
        s.set_line_comment(
            "2025-P2",
            "SN42",
            "kop_verksamhet",
            "Granskad.",
            CommentKind::Review,
            "x",
        )
        .unwrap_err(),
    );
    locked(
        s.review_lines(
            "2025-P2",
            &[delar_store::ReviewNote {
                node: "SN42".into(),
                group: "kop_verksamhet".into(),
                note: "Granskad.".into(),
            }],
            "x",
        )
        .unwrap_err(),
    );
    // The report's edited texts are the round's too.
    locked(
        s.set_report_text("2025-P2", "analys.SN", "Egen text.", "x", None)
            .unwrap_err(),
    );
    locked(
        s.clear_report_text("2025-P2", "analys.SN", "x", None)
            .unwrap_err(),
    );
    assert!(s.report_text_history("2025-P2").unwrap().is_empty());
    assert_eq!(s.forecast_line_details("2025-P2").unwrap(), before);
    let log = s.forecast_audit("2025-P2").unwrap();
    assert_eq!(log.last().unwrap().action, "las");
    assert_eq!(log.len(), 3);
    // A round that does not exist.
    let e = forecast_err(
        s.set_line_comment(
            "2025-P1",
            "SN41",
            "kop_verksamhet",
            "c",
            CommentKind::Report,
            "x",
        )
        .unwrap_err(),
    );
    assert!(e.contains("finns inte"), "{e}");
}
}

/// A round with one flagged line (SN41, the deficit almost all realised) and one that is not.
fn flagged_round(s: &mut SqliteStore) {
    let mut flagged = computed("SN41", "kop_verksamhet", 960, 700);
    flagged.line.base = tk(960);
    let ok = computed("SN42", "kop_verksamhet", 950, 633);
    s.save_round(&p2(), LedgerBy::Group, &[flagged, ok], "anna")
        .unwrap();
}

both! {
#[test]
fn a_review_note_satisfies_the_lock_and_stays_out_of_the_reports_lines() {
    let mut s = common::store();
    assert!(s.migrations_applied().contains(&12));
    flagged_round(&mut s);
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert!(d[0].needs_review() && !d[1].needs_review());

    // A report comment on the other line, then a review note on the flagged one.
    s.set_line_comment(
        "2025-P2",
        "SN42",
        "kop_verksamhet",
        "Budgeten följs.",
        CommentKind::Report,
        "anna",
    )
    .unwrap();
    let l = s
        .set_line_comment(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            "Granskad: två placeringar avslutas i september enligt beslut.",
            CommentKind::Review,
            "bo",
        )
        .unwrap();
    assert_eq!(l.comment, None, "a review note is not the report comment");
    let lines = s.forecast_lines("2025-P2").unwrap();
    assert_eq!(lines[0].comment, None);
    assert_eq!(lines[1].comment.as_deref(), Some("Budgeten följs."));
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert_eq!(
        d[0].review_note.as_deref(),
        Some("Granskad: två placeringar avslutas i september enligt beslut.")
    );
    assert_eq!(d[1].review_note, None);
    // Still flagged (the report explains nothing), but reviewed.
    assert!(!d[0].flags.is_empty());
    assert!(!d[0].needs_review());

    // A method chosen with a review note keeps the report comment as it was.
    let l = s
        .set_line_method(
            "2025-P2",
            "SN42",
            "kop_verksamhet",
            Method::RunRate,
            "Kontroll mot takten.",
            CommentKind::Review,
            "bo",
        )
        .unwrap();
    assert_eq!(l.comment.as_deref(), Some("Budgeten följs."));
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert_eq!(d[1].review_note.as_deref(), Some("Kontroll mot takten."));
    assert_eq!(
        d[1].override_reason.as_deref(),
        Some("Kontroll mot takten.")
    );

    // Recomputing keeps both kinds.
    flagged_round(&mut s);
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert!(d[0].review_note.is_some());
    assert_eq!(d[1].line.comment.as_deref(), Some("Budgeten följs."));

    s.lock_round("2025-P2", "chef").unwrap();
    let log = s.forecast_audit("2025-P2").unwrap();
    let review = log
        .iter()
        .find(|a| a.action == "granskning")
        .expect("the review note is audited");
    assert_eq!(review.node.as_deref(), Some("SN41"));
    assert_eq!(review.user, "bo");
    assert!(log
        .iter()
        .any(|a| a.action == "metod" && a.new_value.as_deref().unwrap().ends_with("(granskning)")));
}
}

both! {
#[test]
fn bulk_review_is_all_or_nothing_with_one_audit_entry_per_line() {
    let mut s = common::store();
    flagged_round(&mut s);
    let note = |node: &str, text: &str| delar_store::ReviewNote {
        node: node.into(),
        group: "kop_verksamhet".into(),
        note: text.into(),
    };
    let before = s.forecast_audit("2025-P2").unwrap().len();
    let e = forecast_err(
        s.review_lines(
            "2025-P2",
            &[
                note("SN41", "Granskad."),
                note("SN99", "Granskad."),
                note("SN42", "  "),
            ],
            "bo",
        )
        .unwrap_err(),
    );
    assert!(e.contains("ingen granskning sparades"), "{e}");
    assert!(e.contains("SN99:kop_verksamhet finns inte"), "{e}");
    assert!(
        e.contains("SN42:kop_verksamhet: granskningskommentaren är tom"),
        "{e}"
    );
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert!(d.iter().all(|d| d.review_note.is_none()), "nothing written");
    assert_eq!(s.forecast_audit("2025-P2").unwrap().len(), before);

    let n = s
        .review_lines(
            "2025-P2",
            &[
                note("SN41", "Granskad mot placeringslistan."),
                note("SN42", "Granskad mot placeringslistan."),
            ],
            "bo",
        )
        .unwrap();
    assert_eq!(n, 2);
    let log = s.forecast_audit("2025-P2").unwrap();
    let reviews: Vec<_> = log.iter().filter(|a| a.action == "granskning").collect();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0].node.as_deref(), Some("SN41"));
    assert_eq!(reviews[1].node.as_deref(), Some("SN42"));
    s.lock_round("2025-P2", "chef").unwrap();
}
}

both! {
#[test]
fn migration_12_keeps_existing_comments_as_report_comments() {
    let db = common::Persistent::new();
    {
        let mut s = db.create();
        flagged_round(&mut s);
        s.set_line_comment(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            "Två placeringar avslutas i september.",
            CommentKind::Report,
            "anna",
        )
        .unwrap();
        // Back to the schema before migration 12: no review notes.
        s.connection()
            .execute_batch(
                "ALTER TABLE forecast_line DROP COLUMN review_note;
                 DELETE FROM schema_migrations WHERE version = 12;",
            )
            .unwrap();
    }
    let s = db.open();
    assert_eq!(s.migrations_applied(), &[12]);
    let lines = s.forecast_lines("2025-P2").unwrap();
    assert_eq!(
        lines[0].comment.as_deref(),
        Some("Två placeringar avslutas i september.")
    );
    let d = s.forecast_line_details("2025-P2").unwrap();
    assert_eq!(d[0].review_note, None);
    assert!(
        !d[0].needs_review(),
        "the old comment still counts for the lock"
    );
}
}

/// Per node: key → (outcome months, budget months).
type Sums = BTreeMap<(String, String), (Vec<Amount>, Vec<Amount>)>;

both! {
#[test]
fn ledger_by_node_equals_the_per_object_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let opts = KommunOptions {
        scale: Scale::Small,
        ..KommunOptions::default()
    };
    kommun::generate(&opts, dir.path(), |_, _| {}).unwrap();
    let mut s = common::store();
    for year in [2024, 2025] {
        s.import_sie(
            &dir.path().join("sie").join(kommun::sie_name(year)),
            &ImportOptions::default(),
            None,
        )
        .unwrap();
    }
    // The CSV supplementary budget (decided 2025-06-17) on top of #PBUDGET.
    let text = std::fs::read_to_string(dir.path().join("budget.csv")).unwrap();
    let table = delar_templates::Table::from_csv(text.as_bytes(), "budget.csv").unwrap();
    let rows = delar_templates::budget::parse(&table).unwrap();
    let lines = delar_templates::lines(&table);
    s.import_budget(
        &TemplateSource {
            file_name: "budget.csv",
            sha256: "x",
            lines: &lines,
        },
        &rows,
    )
    .unwrap();
    for by in [LedgerBy::Group, LedgerBy::Account] {
        for as_of in [None, Some(Date::parse("2025-04-30").unwrap())] {
            let all = s.ledger_by_node(2025, by, as_of).unwrap();
            let mut single: Sums = BTreeMap::new();
            for r in &all {
                single.insert(
                    (r.node.clone(), r.row.key.clone()),
                    (r.row.outcome.clone(), r.row.budget.clone()),
                );
            }
            let nodes: std::collections::BTreeSet<&str> =
                all.iter().map(|r| r.node.as_str()).collect();
            assert!(nodes.len() > 40, "{}", nodes.len());
            let mut per: Sums = BTreeMap::new();
            for n in &nodes {
                let ledger = s.ledger(2025, by, Some((1, n))).unwrap();
                let budget = as_of.map(|d| s.budget_in_force(2025, d, by, Some((1, n))).unwrap());
                for r in ledger {
                    let b = match &budget {
                        Some(b) => b
                            .iter()
                            .find(|x| x.key == r.key)
                            .map(|x| x.budget.clone())
                            .unwrap_or_else(|| vec![Amount::ZERO; 12]),
                        None => r.budget.clone(),
                    };
                    per.insert((n.to_string(), r.key.clone()), (r.outcome, b));
                }
            }
            assert_eq!(single.len(), per.len());
            assert_eq!(single, per);
        }
    }
    // The supplementary budget counts only from its decision date.
    let later = s
        .ledger_by_node(
            2025,
            LedgerBy::Group,
            Some(Date::parse("2025-08-31").unwrap()),
        )
        .unwrap();
    let earlier = s
        .ledger_by_node(
            2025,
            LedgerBy::Group,
            Some(Date::parse("2025-04-30").unwrap()),
        )
        .unwrap();
    let total = |rows: &[delar_store::NodeLedgerRow]| -> Amount {
        rows.iter()
            .filter(|r| r.node == "SN43")
            .map(|r| r.row.budget_total)
            .sum()
    };
    let (april, august) = (
        Date::parse("2025-04-30").unwrap(),
        Date::parse("2025-08-31").unwrap(),
    );
    let supplement: Amount = rows
        .iter()
        .filter(|l| l.responsible == "SN43" && l.decided > april && l.decided <= august)
        .map(|l| l.amount)
        .sum();
    assert!(!supplement.is_zero(), "the demo's supplement reaches SN43");
    assert_eq!(total(&later) - total(&earlier), supplement);
}

#[test]
fn each_methods_replayed_years_round_trip() {
    let mut s = common::store();
    assert!(s.migrations_applied().contains(&21));
    let row = |year: i32, f: i64, a: i64| delar_forecast::BacktestRow {
        year,
        forecast: Amount::from_ore(f),
        actual: Amount::from_ore(a),
        error: Amount::from_ore(f - a),
    };
    let mut c = computed("SN41", "kop_verksamhet", 1000, 660);
    // A revenue line's replay (negative amounts, öre kept exact) on the seasonal profile.
    c.estimates[2].replay = vec![row(2022, -123_456_789, -120_000_001), row(2024, 5, -7)];
    s.save_round(&p2(), LedgerBy::Group, &[c.clone()], "anna")
        .unwrap();
    let d = s.forecast_line_details("2025-P2").unwrap();
    let seasonal = d[0]
        .estimates
        .iter()
        .find(|e| e.method == Method::Seasonal)
        .unwrap();
    assert_eq!(seasonal.replay, c.estimates[2].replay);
    let run = d[0]
        .estimates
        .iter()
        .find(|e| e.method == Method::RunRate)
        .unwrap();
    assert!(run.replay.is_empty());
}
}

both! {
#[test]
fn adjustment_codes_round_trip_are_unique_in_the_round_and_validated() {
    let mut s = common::store();
    let r = p2();
    let lines = vec![
        computed("SN41", "kop_verksamhet", 1000, 660),
        computed("SN42", "kop_verksamhet", 500, 330),
    ];
    s.save_round(&r, LedgerBy::Group, &lines, "anna").unwrap();
    let adj = |code: &str, amount: i64| Adjustment {
        kind: AdjustmentKind::RuleChange,
        amount: tk(amount),
        low: None,
        high: None,
        comment: "Höjd riksnorm från den 1 september.".into(),
        code: Some(code.into()),
    };
    s.add_adjustment("2025-P2", "SN41", "kop_verksamhet", &adj(" SN-J1 ", 40), "bo")
        .unwrap();
    let got = s.forecast_lines("2025-P2").unwrap();
    assert_eq!(got[0].adjustments[0].code.as_deref(), Some("SN-J1"), "stored trimmed");
    assert_eq!(got[0].full_year(), tk(1040));
    assert_eq!(got[1].adjustments, vec![]);

    // The same code on another line of the round is refused, naming the line that has it.
    let e = forecast_err(
        s.add_adjustment("2025-P2", "SN42", "kop_verksamhet", &adj("SN-J1", 5), "bo")
            .unwrap_err(),
    );
    assert!(e.contains("SN-J1") && e.contains("SN41:kop_verksamhet"), "{e}");
    // A code that is not a code is refused before anything is written.
    let e = forecast_err(
        s.add_adjustment("2025-P2", "SN42", "kop_verksamhet", &adj("SN J2; --", 5), "bo")
            .unwrap_err(),
    );
    assert!(e.contains("1–20 tecken"), "{e}");
    assert!(s.forecast_lines("2025-P2").unwrap()[1].adjustments.is_empty());
    // The audit log names the code.
    let log = s.forecast_audit("2025-P2").unwrap();
    assert!(
        log.iter().any(|a| a.new_value.as_deref().is_some_and(|n| n.contains("(SN-J1)"))),
        "{log:?}"
    );
}
}

both! {
#[test]
fn one_nodes_lines_read_alone_equal_the_same_lines_read_with_the_round() {
    let mut s = common::store();
    let p1 = Round::new(2025, RoundKind::P1).unwrap();
    let r = p2();
    // Another round with the same nodes: nothing of it may leak into P2's reads.
    s.save_round(
        &p1,
        LedgerBy::Group,
        &[computed("SN41", "kop_verksamhet", 900, 300)],
        "anna",
    )
    .unwrap();
    let lines = vec![
        computed("SN41", "kop_verksamhet", 1000, 660),
        computed("SN41", "personal", 400, 270),
        computed("SN42", "kop_verksamhet", 500, 330),
        computed("SN51", "personal", 300, 900),
    ];
    s.save_round(&r, LedgerBy::Group, &lines, "anna").unwrap();
    // Changes of every kind, so that versions, overrides, comments and adjustments differ
    // from line to line.
    s.set_line_amount(
        "2025-P2",
        "SN41",
        "personal",
        tk(420),
        "Två nya tjänster.",
        CommentKind::Report,
        "bo",
    )
    .unwrap();
    s.add_adjustment(
        "2025-P2",
        "SN42",
        "kop_verksamhet",
        &Adjustment {
            kind: AdjustmentKind::OneOff,
            amount: tk(-5),
            low: Some(tk(-8)),
            high: None,
            comment: "Återbetalning".into(),
            code: Some("SN-J1".into()),
        },
        "bo",
    )
    .unwrap();
    s.review_lines(
        "2025-P2",
        &[delar_store::ReviewNote {
            node: "SN51".into(),
            group: "personal".into(),
            note: "Utfallet ligger högt.".into(),
        }],
        "cia",
    )
    .unwrap();

    let all = s.forecast_line_details("2025-P2").unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(
        s.forecast_line_nodes("2025-P2").unwrap(),
        ["SN41", "SN42", "SN51"]
    );
    assert_eq!(s.forecast_line_nodes("2025-P1").unwrap(), ["SN41"]);
    let of = |nodes: &[&str]| -> Vec<delar_store::LineDetail> {
        all.iter()
            .filter(|d| nodes.contains(&d.line.node.as_str()))
            .cloned()
            .collect()
    };
    for nodes in [
        &["SN41"][..],
        &["SN42"],
        &["SN51"],
        &["SN51", "SN41"],
        &["SN41", "SN42", "SN51", "SN99"],
    ] {
        let got = s.forecast_node_details("2025-P2", nodes).unwrap();
        assert_eq!(got, of(nodes), "{nodes:?}");
    }
    // What the reads carry is really there (not two empty lists that happen to agree).
    let sn42 = s.forecast_node_details("2025-P2", &["SN42"]).unwrap();
    assert_eq!(sn42[0].line.adjustments.len(), 1);
    assert_eq!(sn42[0].adjustment_ids.len(), 1);
    assert_eq!(sn42[0].estimates.len(), 4);
    let sn41 = s.forecast_node_details("2025-P2", &["SN41"]).unwrap();
    assert_eq!(
        sn41.iter().map(|d| d.line.group.as_str()).collect::<Vec<_>>(),
        ["kop_verksamhet", "personal"],
        "computation order"
    );
    assert_eq!((sn41[1].version, sn41[1].manual), (2, true));
    assert!(s.forecast_node_details("2025-P2", &[]).unwrap().is_empty());
    assert!(s.forecast_node_details("2025-P2", &["SN99"]).unwrap().is_empty());
    assert_eq!(
        s.forecast_node_details("2025-P1", &["SN41"]).unwrap()[0].line.base,
        tk(900)
    );

    for d in &all {
        let one = s
            .forecast_line_detail("2025-P2", &d.line.node, &d.line.group)
            .unwrap();
        assert_eq!(one.as_ref(), Some(d));
    }
    assert_eq!(
        s.forecast_line_detail("2025-P2", "SN42", "personal").unwrap(),
        None
    );
    // A round that does not exist is an error, as for the whole round's read.
    for e in [
        s.forecast_line_nodes("2024-P2").unwrap_err(),
        s.forecast_node_details("2024-P2", &["SN41"]).unwrap_err(),
        s.forecast_node_details("2024-P2", &[]).unwrap_err(),
        s.forecast_line_detail("2024-P2", "SN41", "personal").unwrap_err(),
    ] {
        assert!(forecast_err(e).contains("2024-P2 finns inte"));
    }

    // One node's lines are found through the (round, node, group) index on both backends.
    let sql = "SELECT l.id FROM forecast_line l WHERE l.round_id = ?1 AND l.node IN (?2)";
    let plan: Vec<String> = match common::backend() {
        common::Backend::Sqlite => {
            let mut st = s
                .connection()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let rows = st
                .query_map(delar_store::db::params!["2025-P2", "SN41"], |r| {
                    r.get::<_, String>(3)
                })
                .unwrap();
            rows.map(|r| r.unwrap()).collect()
        }
        common::Backend::Postgres => {
            // The tables are tiny, so the planner would scan them; without that choice it
            // must find an index that serves the condition.
            s.connection()
                .execute_batch("SET enable_seqscan = off")
                .unwrap();
            let mut st = s
                .connection()
                .prepare(&format!("EXPLAIN {}", sql.replace("?1", "'2025-P2'").replace("?2", "'SN41'")))
                .unwrap();
            let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(|r| r.unwrap()).collect()
        }
    };
    let plan = plan.join("\n");
    assert!(plan.contains("INDEX") || plan.contains("Index"), "{plan}");
    assert!(!plan.contains("SCAN l\n") && !plan.ends_with("SCAN l"), "{plan}");
}
}
