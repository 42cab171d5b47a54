//! Many writers at once, on both backends: several connections to one database (an SQLite
//! file in WAL mode, or a PostgreSQL database) write at the same time. Writers queue (SQLite's
//! `BEGIN IMMEDIATE` with a busy timeout, PostgreSQL's write lock) instead of failing with
//! "database is locked", and a round's lock, an import and an edit each happen whole, one
//! after the other.
//!
//! Concurrent edits are never silently overwritten: every forecast line and every report text
//! carries a version; a change based on a version someone else has since changed is refused,
//! naming who changed it, when and what is stored now, and nothing is written.

#[macro_use]
mod common;

use delar_core::{Amount, Round, RoundKind};
use delar_forecast::{Adjustment, AdjustmentKind, ForecastLine, Method};
use delar_store::prelude::*;
use delar_store::{
    locked_message, CommentKind, ComputedLine, ImportOptions, ImportStatus, LedgerBy, LineChange,
    LineEdit, MethodEstimate, SqlStore, StoreError,
};
use std::sync::{Arc, Barrier};

const HEAD: &str = r#"#FLAGGA 0
#PROGRAM "Testsystem" "1.0"
#FORMAT PC8
#GEN 20250905
#SIETYP 4
#ORGNR 212000-0000
#FNAMN "Exempelkommun"
#RAR 0 20250101 20251231
#KONTO 1930 "Bank"
#KONTO 4610 "Kop av huvudverksamhet"
#DIM 1 "Ansvar"
#OBJEKT 1 "100" "Hemtjanst Norr"
#OBJEKT 1 "200" "Hemtjanst Syd"
"#;

/// A ledger of `n` balanced vouchers, large enough that two imports overlap in time.
fn ledger(n: usize) -> String {
    let mut text = HEAD.to_string();
    for v in 0..n {
        let month = v % 12 + 1;
        let amount = 100 + (v % 997);
        text.push_str(&format!(
            "#VER A {} 2025{month:02}10 \"v{v}\"\n{{\n#TRANS 4610 {{1 \"{}\"}} {amount}\n#TRANS 1930 {{}} -{amount}\n}}\n",
            v + 1,
            if v % 3 == 0 { "100" } else { "200" },
        ));
    }
    text
}

fn count(s: &delar_store::SqlStore, table: &str) -> i64 {
    s.table_counts()
        .unwrap()
        .into_iter()
        .find(|(t, _)| *t == table)
        .unwrap()
        .1
}

both! {
/// Two processes import the same file at the same moment: one imports it, the other finds it
/// already imported and says so; nothing is stored twice.
#[test]
fn two_imports_of_the_same_file_at_once_one_wins() {
    let db = common::Persistent::new();
    drop(db.create());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huvudbok.se");
    std::fs::write(&path, ledger(6_000)).unwrap();
    let start = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (db, path, start) = (db.db.clone(), path.clone(), start.clone());
            let backend = common::backend();
            std::thread::spawn(move || {
                common::set_backend(backend);
                let mut s = delar_store::open(&db).unwrap();
                start.wait();
                s.import_sie(&path, &ImportOptions::default(), None)
            })
        })
        .collect();
    let reports: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().unwrap().expect("neither import fails"))
        .collect();
    let mut statuses: Vec<ImportStatus> = reports.iter().map(|r| r.status).collect();
    statuses.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(statuses, [ImportStatus::Imported, ImportStatus::Unchanged]);
    let winner = reports
        .iter()
        .find(|r| r.status == ImportStatus::Imported)
        .unwrap();
    let other = reports
        .iter()
        .find(|r| r.status == ImportStatus::Unchanged)
        .unwrap();
    assert_eq!(other.batch_id, winner.batch_id, "the other names the batch that has it");
    assert!(other.to_string().contains("redan"), "{other}");
    let s = db.open();
    assert_eq!(count(&s, "import_batch"), 1);
    assert_eq!(count(&s, "voucher"), 6_000);
    assert_eq!(count(&s, "trans"), 12_000);
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    let total: Amount = rows.iter().map(|r| r.outcome_total).sum();
    let expected: i64 = (0..6_000).map(|v| 100 + (v % 997) as i64).sum();
    assert_eq!(total, Amount::from_ore(expected * 100));
}
}

fn tk(v: i64) -> Amount {
    Amount::from_ore(v * 100_000)
}

/// A line without plausibility flags (so the round can be locked without comments).
fn line(node: &str) -> ComputedLine {
    let est = |method: Method, v: i64| MethodEstimate {
        method,
        full_year: Some(tk(v)),
        explanation: format!("{} ger {v} tkr.", method.name()),
        mae: Some(tk(10)),
        bias: Some(tk(-2)),
        years: 3,
        replay: Vec::new(),
    };
    ComputedLine {
        line: ForecastLine {
            node: node.into(),
            group: "kop_verksamhet".into(),
            method: Method::Seasonal,
            base: tk(950),
            explanation: "Säsong 950.".into(),
            adjustments: vec![],
            to_date: tk(633),
            budget: tk(950),
            comment: None,
        },
        recommended: Some(Method::Seasonal),
        budget_to_date: tk(633),
        estimates: vec![
            est(Method::BudgetBased, 950),
            est(Method::RunRate, 960),
            est(Method::Seasonal, 950),
        ],
    }
}

both! {
/// People comment on lines while the controller locks the round: every edit lands before the
/// lock or is refused with the locked message; none lands after it, and none is lost.
#[test]
fn edits_during_a_lock_land_before_it_or_are_refused() {
    let db = common::Persistent::new();
    let nodes = ["SN41", "SN42", "SN43", "SN44"];
    {
        let mut s = db.create();
        let lines: Vec<ComputedLine> = nodes.iter().map(|n| line(n)).collect();
        s.save_round(&Round::new(2025, RoundKind::P2).unwrap(), LedgerBy::Group, &lines, "anna")
            .unwrap();
    }
    let start = Arc::new(Barrier::new(nodes.len() + 1));
    let backend = common::backend();
    let editors: Vec<_> = nodes
        .iter()
        .map(|node| {
            let (db, start, node) = (db.db.clone(), start.clone(), node.to_string());
            std::thread::spawn(move || {
                common::set_backend(backend);
                let mut s = delar_store::open(&db).unwrap();
                start.wait();
                let mut last_ok = None;
                for i in 0..200 {
                    let text = format!("Kommentar {i} om {node}.");
                    match s.set_line_comment(
                        "2025-P2",
                        &node,
                        "kop_verksamhet",
                        &text,
                        CommentKind::Report,
                        &node,
                    ) {
                        Ok(_) => last_ok = Some(text),
                        Err(StoreError::Forecast(m)) => return (node, last_ok, Some(m)),
                        Err(e) => panic!("{node}: {e}"),
                    }
                }
                (node, last_ok, None)
            })
        })
        .collect();
    let locker = {
        let (db, start) = (db.db.clone(), start.clone());
        std::thread::spawn(move || {
            common::set_backend(backend);
            let mut s = delar_store::open(&db).unwrap();
            start.wait();
            std::thread::sleep(std::time::Duration::from_millis(30));
            s.lock_round("2025-P2", "chef")
        })
    };
    locker.join().unwrap().expect("the lock succeeds");
    let results: Vec<_> = editors.into_iter().map(|h| h.join().unwrap()).collect();

    let s = db.open();
    let round = s.forecast_round("2025-P2").unwrap().unwrap();
    let refused = locked_message(
        "2025-P2",
        round.locked_at.as_deref(),
        round.locked_by.as_deref(),
    );
    let audit = s.forecast_audit("2025-P2").unwrap();
    let lock_at = audit
        .iter()
        .position(|a| a.action == "las")
        .expect("the lock is in the audit log");
    assert!(
        audit[lock_at + 1..].is_empty(),
        "nothing after the lock: {:?}",
        &audit[lock_at + 1..]
    );
    let lines = s.forecast_lines("2025-P2").unwrap();
    for (node, last_ok, error) in results {
        if let Some(m) = &error {
            assert_eq!(m, &refused, "{node} is refused with the locked message");
        }
        let stored = lines.iter().find(|l| l.node == node).unwrap();
        assert_eq!(stored.comment, last_ok, "{node}: the last accepted edit is kept");
        let edits = audit[..lock_at]
            .iter()
            .filter(|a| a.node.as_deref() == Some(node.as_str()) && a.action == "kommentar")
            .count();
        let accepted = last_ok
            .as_deref()
            .map(|t| {
                t.trim_start_matches("Kommentar ")
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
                    + 1
            })
            .unwrap_or(0);
        assert_eq!(edits, accepted, "{node}: one audit entry per accepted edit");
    }
}
}

/// A line of `seasonal` tkr with a run-rate alternative.
fn vline(node: &str, group: &str, seasonal: i64) -> ComputedLine {
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

fn version(s: &SqlStore, node: &str, group: &str) -> i64 {
    s.forecast_line_details("2025-P2")
        .unwrap()
        .into_iter()
        .find(|d| d.line.node == node && d.line.group == group)
        .unwrap()
        .version
}

both! {
#[test]
fn two_writers_on_one_line_the_second_is_refused_and_told_who_and_what() {
    let db = common::Persistent::new();
    let mut a = db.create();
    a.save_round(
        &p2(),
        LedgerBy::Group,
        &[vline("SN41", "kop_verksamhet", 1000)],
        "system",
    )
    .unwrap();
    // Two people (two connections) read the line at the same version.
    let mut b = db.open();
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
        code: None,
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
fn a_save_that_returns_only_the_version_writes_and_audits_as_a_full_edit() {
    let db = common::Persistent::new();
    let mut a = db.create();
    a.save_round(
        &p2(),
        LedgerBy::Group,
        &[vline("SN41", "kop_verksamhet", 1000), vline("SN42", "kop_verksamhet", 1000)],
        "system",
    )
    .unwrap();
    let mut b = db.open();
    let v = version(&a, "SN41", "kop_verksamhet");
    // Each kind of change: the version returned is the one stored, the line holds the change
    // and the comment, and the audit log has one row per change with the old and new value.
    let v1 = a
        .edit_line_version(
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
    assert_eq!(v1, v + 1);
    assert_eq!(version(&b, "SN41", "kop_verksamhet"), v1);
    let v2 = a
        .edit_line_version(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            LineEdit::Comment {
                text: "Stämmer med placeringslistan.",
                kind: CommentKind::Review,
            },
            Some(v1),
            "cia",
        )
        .unwrap();
    let v3 = a
        .edit_line_version(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            LineEdit::Method {
                method: Method::RunRate,
                comment: "Takten håller.",
                kind: CommentKind::Report,
            },
            Some(v2),
            "anna",
        )
        .unwrap();
    assert_eq!((v2, v3), (v1 + 1, v1 + 2));
    let d = b
        .forecast_line_detail("2025-P2", "SN41", "kop_verksamhet")
        .unwrap()
        .unwrap();
    assert_eq!(d.version, v3);
    assert_eq!(d.line.method, Method::RunRate);
    assert_eq!(d.line.comment.as_deref(), Some("Takten håller."));
    assert_eq!(d.review_note.as_deref(), Some("Stämmer med placeringslistan."));
    assert_eq!(d.changed_by.as_deref(), Some("anna"));
    let log: Vec<_> = b
        .forecast_audit("2025-P2")
        .unwrap()
        .into_iter()
        .filter(|e| e.group.as_deref() == Some("kop_verksamhet"))
        .map(|e| (e.action, e.user))
        .collect();
    assert_eq!(
        log,
        [
            ("belopp".to_string(), "anna".to_string()),
            ("granskning".to_string(), "cia".to_string()),
            ("metod".to_string(), "anna".to_string()),
        ]
    );
    // A stale version is refused and nothing is written; the other line is untouched.
    let err = b
        .edit_line_version(
            "2025-P2",
            "SN41",
            "kop_verksamhet",
            LineEdit::Comment {
                text: "Sen ändring.",
                kind: CommentKind::Report,
            },
            Some(v1),
            "bo",
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(version(&a, "SN41", "kop_verksamhet"), v3);
    assert_eq!(version(&a, "SN42", "kop_verksamhet"), v);
    // A locked round refuses the change inside its transaction (the flagged line reviewed
    // first, as locking needs).
    let v4 = a
        .edit_line_version(
            "2025-P2",
            "SN42",
            "kop_verksamhet",
            LineEdit::Comment {
                text: "Granskad.",
                kind: CommentKind::Review,
            },
            Some(v),
            "cia",
        )
        .unwrap();
    a.lock_round("2025-P2", "cia").unwrap();
    let err = b
        .edit_line_version(
            "2025-P2",
            "SN42",
            "kop_verksamhet",
            LineEdit::Comment {
                text: "Efter låsningen.",
                kind: CommentKind::Report,
            },
            Some(v4),
            "bo",
        )
        .unwrap_err();
    assert!(err.to_string().contains("är låst"), "{err}");
}

#[test]
fn a_recomputation_makes_an_earlier_read_stale() {
    let mut s = common::store();
    s.save_round(
        &p2(),
        LedgerBy::Group,
        &[vline("SN41", "personal", 400)],
        "system",
    )
    .unwrap();
    let v = version(&s, "SN41", "personal");
    s.save_round(
        &p2(),
        LedgerBy::Group,
        &[vline("SN41", "personal", 420)],
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
    let mut s = common::store();
    s.save_round(
        &p2(),
        LedgerBy::Group,
        &[vline("SN41", "personal", 400)],
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
}

/// Goals MO1 → KF1 → SN1, SN1 met by its one activity (the rule proposes "met").
fn goals(forecast: delar_followup::model::AssignmentStatus) -> delar_followup::model::FollowupData {
    use delar_followup::model::*;
    let g = |code: &str, level, parent: Option<&str>| Goal {
        year: 2025,
        code: code.into(),
        level,
        name: code.into(),
        parent: parent.map(Into::into),
        committee: (level == GoalLevel::Committee).then(|| "SN".into()),
        cluster: None,
        description: None,
    };
    FollowupData {
        goals: vec![
            g("MO1", GoalLevel::Area, None),
            g("KF1", GoalLevel::Council, Some("MO1")),
            g("SN1", GoalLevel::Committee, Some("KF1")),
        ],
        commitments: vec![Commitment {
            year: 2025,
            committee: "SN".into(),
            code: "K1".into(),
            kind: CommitmentKind::Activity,
            name: "Handlingsplan".into(),
            goal: Some("SN1".into()),
            status: CommitmentStatus::Progress {
                current: AssignmentStatus::Ongoing,
                forecast,
            },
            comment: None,
        }],
        ..Default::default()
    }
}

fn decision(status: GoalStatus, why: &str, by: &str) -> Override {
    Override {
        year: 2025,
        goal: "SN1".into(),
        status,
        rationale: why.into(),
        by: by.into(),
        date: String::new(),
    }
}

fn goal_version(s: &SqlStore) -> i64 {
    s.goal_statuses(2025).unwrap()["SN1"].version
}

use delar_followup::assess::{apply_overrides, assess, GoalStatus, Override, Rule};
use delar_followup::model::AssignmentStatus;

both! {
/// Two people decide one goal's status from the same reading: the second is refused, told who
/// decided, when and what holds now; nothing of theirs is written. Withdrawing is checked alike.
#[test]
fn two_decisions_on_one_goal_the_second_is_refused_and_told_who_and_what() {
    let db = common::Persistent::new();
    let mut a = db.create();
    let d = goals(AssignmentStatus::Done);
    a.import_followup_rows(&d.goals, "mal.csv", "a").unwrap();
    a.import_followup_rows(&d.commitments, "uppdrag.csv", "b").unwrap();
    a.assess_goals(2025, &[], &Rule::default()).unwrap();
    let mut b = db.open();
    let v = goal_version(&a);
    assert_eq!(goal_version(&b), v);
    let st = a.goal_statuses(2025).unwrap();
    assert_eq!((st["SN1"].changed_by.as_deref(), st["SN1"].status), (None, GoalStatus::Met));

    let now = a
        .set_goal_override(
            &decision(GoalStatus::Partly, "Effekten syns först nästa år.", "Anna"),
            Some(v),
        )
        .unwrap();
    assert_eq!(now, v + 1);
    let err = b
        .set_goal_override(&decision(GoalStatus::NotMet, "Målet nåddes inte.", "Bo"), Some(v))
        .unwrap_err();
    let delar_store::GoalOverrideError::Store(StoreError::Conflict(m)) = err else {
        panic!("expected a conflict, got {err:?}");
    };
    assert!(m.contains("mål SN1 2025"), "{m}");
    assert!(m.contains("Anna ändrade den 2"), "names who and when: {m}");
    assert!(
        m.contains("nu gäller «Uppnås delvis»")
            && m.contains("«Effekten syns först nästa år.»")
            && m.contains(&format!("version {}", v + 1)),
        "the status now: {m}"
    );
    let st = b.goal_statuses(2025).unwrap();
    assert_eq!(st["SN1"].status, GoalStatus::Partly, "Anna's decision stays");
    assert_eq!(st["SN1"].decision.as_ref().unwrap().by, "Anna");
    assert_eq!(st["SN1"].changed_by.as_deref(), Some("Anna"));

    // Withdrawing on the old reading is refused too; on the current one it goes through.
    let err = b.clear_goal_override(2025, "SN1", Some(v), "Bo").unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(b.goal_status(2025, "SN1").unwrap(), Some(GoalStatus::Partly));
    assert!(b.clear_goal_override(2025, "SN1", Some(v + 1), "Bo").unwrap());
    let st = a.goal_statuses(2025).unwrap();
    assert_eq!(
        (st["SN1"].status, st["SN1"].version, st["SN1"].changed_by.as_deref()),
        (GoalStatus::Met, v + 2, Some("Bo"))
    );
    // Without a version (the command line's own read-and-write) nothing is checked.
    b.set_goal_override(&decision(GoalStatus::NotMet, "Målet nåddes inte.", "Bo"), None)
        .unwrap();
    assert_eq!(goal_version(&a), v + 3);
}

/// A re-assessment never overwrites a person's decision: one made after the assessment read
/// the decisions is kept, and a proposal that changes makes an earlier reading stale.
#[test]
fn a_reassessment_keeps_a_decision_made_meanwhile() {
    let db = common::Persistent::new();
    let mut a = db.create();
    let d = goals(AssignmentStatus::Done);
    a.import_followup_rows(&d.goals, "mal.csv", "a").unwrap();
    a.import_followup_rows(&d.commitments, "uppdrag.csv", "b").unwrap();
    a.assess_goals(2025, &[], &Rule::default()).unwrap();
    let v = goal_version(&a);
    // A re-assessment that changes nothing leaves the versions alone.
    a.assess_goals(2025, &[], &Rule::default()).unwrap();
    assert_eq!(goal_version(&a), v);

    // The assessment reads the (no) decisions, then Anna decides, then it is saved.
    let mut stale = assess(&d, 2025, &d.values, &Rule::default());
    apply_overrides(&mut stale, &a.goal_overrides(2025).unwrap()).unwrap();
    let mut anna = db.open();
    anna.set_goal_override(
        &decision(GoalStatus::NotMet, "Handlingsplanen saknar effekt.", "Anna"),
        Some(v),
    )
    .unwrap();
    a.save_assessment(&stale).unwrap();
    let st = a.goal_statuses(2025).unwrap();
    assert_eq!(st["SN1"].status, GoalStatus::NotMet, "Anna's decision is kept");
    assert_eq!(st["SN1"].proposed, GoalStatus::Met);
    assert_eq!(st["SN1"].decision.as_ref().unwrap().by, "Anna");
    assert_eq!(st["SN1"].version, v + 1, "nothing changed by the re-assessment");

    // The proposal changes (the activity will not be done): a new version, by a re-assessment,
    // and the decision still holds.
    let later = goals(AssignmentStatus::Remaining);
    a.import_followup_rows(&later.commitments, "uppdrag.csv", "c").unwrap();
    a.assess_goals(2025, &[], &Rule::default()).unwrap();
    let st = a.goal_statuses(2025).unwrap();
    assert_ne!(st["SN1"].proposed, GoalStatus::Met, "{:?}", st["SN1"]);
    assert_eq!(st["SN1"].status, GoalStatus::NotMet);
    assert_eq!((st["SN1"].version, st["SN1"].changed_by.as_deref()), (v + 2, None));
    let err = anna
        .clear_goal_override(2025, "SN1", Some(v + 1), "Anna")
        .unwrap_err();
    let StoreError::Conflict(m) = err else {
        panic!("expected a conflict, got {err:?}");
    };
    assert!(m.contains("en ny bedömning ändrade den 2"), "{m}");
    assert!(m.contains("beslutat av Anna"), "{m}");
}

/// Several lines changed in one transaction (an uploaded sheet): all go through, each audited
/// and versioned as a single edit; when one is stale, none is written.
#[test]
fn edit_lines_is_all_or_nothing() {
    let db = common::Persistent::new();
    let mut a = db.create();
    a.save_round(
        &p2(),
        LedgerBy::Group,
        &[
            vline("SN41", "kop_verksamhet", 1000),
            vline("SN41", "personal", 5000),
        ],
        "system",
    )
    .unwrap();
    let (vk, vp) = (
        version(&a, "SN41", "kop_verksamhet"),
        version(&a, "SN41", "personal"),
    );
    let audit_before = a.forecast_audit("2025-P2").unwrap().len();
    // Bo changes "personal" meanwhile: Anna's two changes based on the old versions are
    // refused whole, the first (still current) one included.
    let mut bo = db.open();
    bo.edit_line(
        "2025-P2",
        "SN41",
        "personal",
        LineEdit::Comment {
            text: "Bos kommentar.",
            kind: CommentKind::Report,
        },
        Some(vp),
        "bo",
    )
    .unwrap();
    let changes = [
        LineChange {
            node: "SN41",
            group: "kop_verksamhet",
            edit: LineEdit::Amount {
                amount: tk(1100),
                comment: "En placering till.",
                kind: CommentKind::Report,
            },
            expected: Some(vk),
        },
        LineChange {
            node: "SN41",
            group: "personal",
            edit: LineEdit::Comment {
                text: "Annas kommentar.",
                kind: CommentKind::Report,
            },
            expected: Some(vp),
        },
    ];
    let err = a.edit_lines("2025-P2", &changes, "anna").unwrap_err();
    let StoreError::Conflict(m) = err else {
        panic!("expected a conflict, got {err:?}");
    };
    assert!(m.contains("SN41:personal") && m.contains("bo"), "{m}");
    let lines = a.forecast_lines("2025-P2").unwrap();
    let kop = lines.iter().find(|l| l.group == "kop_verksamhet").unwrap();
    assert_eq!(kop.base, tk(1000), "the first change was rolled back");
    assert_eq!(version(&a, "SN41", "kop_verksamhet"), vk);
    assert_eq!(
        a.forecast_audit("2025-P2").unwrap().len(),
        audit_before + 1,
        "only Bo's edit is in the log"
    );
    // Based on the current versions, both go through, each with its own version and audit.
    let vp = version(&a, "SN41", "personal");
    let changes = [
        changes[0],
        LineChange {
            expected: Some(vp),
            ..changes[1]
        },
    ];
    let done = a.edit_lines("2025-P2", &changes, "anna").unwrap();
    assert_eq!(done.len(), 2);
    assert_eq!((done[0].line.base, done[0].version), (tk(1100), vk + 1));
    assert_eq!(done[1].line.comment.as_deref(), Some("Annas kommentar."));
    assert_eq!(done[1].version, vp + 1);
    let log = a.forecast_audit("2025-P2").unwrap();
    assert_eq!(log.len(), audit_before + 3);
    assert!(log[audit_before + 1..].iter().all(|e| e.user == "anna"));
    // A locked round refuses the whole batch.
    a.lock_round("2025-P2", "anna").unwrap();
    let vk = version(&a, "SN41", "kop_verksamhet");
    let late = [LineChange {
        expected: Some(vk),
        ..changes[0]
    }];
    assert!(a.edit_lines("2025-P2", &late, "anna").is_err());
    assert_eq!(version(&a, "SN41", "kop_verksamhet"), vk);
}
}
