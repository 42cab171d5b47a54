//! Moving a database between backends: SQLite → PostgreSQL → SQLite copies every table with
//! the same rows (verified by count and checksum), the copies answer every query alike, a
//! non-empty target is refused, and the table list covers the whole schema.

mod common;

use delar_core::{Amount, Round, RoundKind};
use delar_demo::kommun::{self, KommunOptions, Scale};
use delar_forecast::{Adjustment, AdjustmentKind, ForecastLine, Method};
use delar_store::copy::{copy_database, status, TABLES};
use delar_store::prelude::*;
use delar_store::{
    CommentKind, ComputedLine, ImportOptions, LedgerBy, MethodEstimate, SqlStore, StoreError,
    TemplateSource,
};
use std::path::Path;

fn tk(v: i64) -> Amount {
    Amount::from_ore(v * 100_000)
}

fn computed(node: &str, v: i64) -> ComputedLine {
    let est = |method: Method, v: i64| MethodEstimate {
        method,
        full_year: Some(tk(v)),
        explanation: format!("{} ger {v} tkr.", method.name()),
        mae: Some(tk(10)),
        bias: Some(tk(-2)),
        years: 3,
        replay: vec![delar_forecast::BacktestRow {
            year: 2024,
            forecast: tk(v),
            actual: tk(v - 3),
            error: tk(3),
        }],
    };
    ComputedLine {
        line: ForecastLine {
            node: node.into(),
            group: "kop_verksamhet".into(),
            method: Method::Seasonal,
            base: tk(v),
            explanation: format!("Säsong {v}."),
            adjustments: vec![],
            to_date: tk(v * 2 / 3),
            budget: tk(950),
            comment: None,
        },
        recommended: Some(Method::Seasonal),
        budget_to_date: tk(633),
        estimates: vec![est(Method::RunRate, v + 10), est(Method::Seasonal, v)],
    }
}

/// Exempelkommun's ledger, budget, organisation and follow-up registers, and a round with
/// edits, in `s`.
fn fill(s: &mut SqlStore, dir: &Path) {
    let opts = KommunOptions {
        scale: Scale::Small,
        ..KommunOptions::default()
    };
    kommun::generate(&opts, dir, |_, _| {}).unwrap();
    for year in [2024, 2025] {
        s.import_sie(
            &dir.join("sie").join(kommun::sie_name(year)),
            &ImportOptions::default(),
            None,
        )
        .unwrap();
    }
    let read = |name: &str| {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        delar_templates::Table::from_csv(text.as_bytes(), name).unwrap()
    };
    let t = read("organisation.csv");
    let nodes = delar_templates::organisation::parse(&t).unwrap();
    let lines = delar_templates::lines(&t);
    let src = |file_name: &'static str, lines: &'static [usize]| TemplateSource {
        file_name,
        sha256: "x",
        lines,
    };
    let lines: &'static [usize] = Box::leak(lines.into_boxed_slice());
    s.import_organisation(&src("organisation.csv", lines), &nodes)
        .unwrap();
    let t = read("budget.csv");
    let rows = delar_templates::budget::parse(&t).unwrap();
    let lines: &'static [usize] = Box::leak(delar_templates::lines(&t).into_boxed_slice());
    s.import_budget(&src("budget.csv", lines), &rows).unwrap();
    let fu = dir.join("uppfoljning");
    for p in delar_demo::followup::write_followup(&fu, &Default::default()).unwrap() {
        let register = p.file_stem().unwrap().to_string_lossy().into_owned();
        s.import_followup_file(&register, &p).unwrap();
    }
    let round = Round::new(2025, RoundKind::P2).unwrap();
    s.save_round(
        &round,
        LedgerBy::Group,
        &[computed("SN41", 960), computed("SN42", 1000)],
        "anna",
    )
    .unwrap();
    s.set_line_comment(
        "2025-P2",
        "SN41",
        "kop_verksamhet",
        "Två placeringar avslutas i september – «citat» och 'apostrof'.",
        CommentKind::Report,
        "anna",
    )
    .unwrap();
    s.add_adjustment(
        "2025-P2",
        "SN42",
        "kop_verksamhet",
        &Adjustment {
            kind: AdjustmentKind::OneOff,
            amount: Amount::from_ore(-1_234_567),
            low: None,
            high: None,
            comment: "Engångsintäkt.".into(),
            code: None,
        },
        "bo",
    )
    .unwrap();
    // The web application's people and the round's workflow.
    s.add_user(
        "enhetschef-sn41",
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        "admin",
    )
    .unwrap();
    s.add_user(
        "ekonom-sn",
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$b3RoZXI",
        "admin",
    )
    .unwrap();
    s.grant("enhetschef-sn41", "enhetschef", "SN41", "admin")
        .unwrap();
    s.grant("ekonom-sn", "ekonom", "SN", "admin").unwrap();
    s.set_login_failures("ekonom-sn", 2, None).unwrap();
    s.create_session(
        "9f86d081884c7d65",
        "ekonom-sn",
        1_760_000_000,
        1_760_003_600,
    )
    .unwrap();
    use delar_store::WorkflowState::*;
    s.set_workflow_state("2025-P2", "SN41", Draft, Submitted, "enhetschef-sn41", None)
        .unwrap();
    s.set_workflow_state(
        "2025-P2",
        "SN41",
        Submitted,
        Returned,
        "ekonom-sn",
        Some("Motivera placeringskostnaden."),
    )
    .unwrap();
}

/// What the stores answer, as text: equal on both sides of a copy.
fn answers(s: &SqlStore) -> String {
    let mut out = String::new();
    for by in [LedgerBy::Group, LedgerBy::Account] {
        out += &format!("{:?}\n", s.ledger(2025, by, None).unwrap());
        out += &format!("{:?}\n", s.ledger(2025, by, Some((1, "SN41"))).unwrap());
        out += &format!("{:?}\n", s.ledger_by_node(2025, by, None).unwrap());
    }
    out += &format!("{:?}\n", s.batches().unwrap());
    out += &format!("{:?}\n", s.organisation().unwrap());
    out += &format!("{:?}\n", s.budget_versions(2025).unwrap());
    out += &format!("{:?}\n", s.forecast_line_details("2025-P2").unwrap());
    out += &format!("{:?}\n", s.forecast_audit("2025-P2").unwrap());
    out += &format!("{:?}\n", s.years().unwrap());
    out += &format!("{:?}\n", s.users().unwrap());
    out += &format!("{:?}\n", s.session("9f86d081884c7d65").unwrap());
    out += &format!("{:?}\n", s.workflow_states("2025-P2").unwrap());
    out += &format!("{:?}\n", s.workflow_history("2025-P2", None).unwrap());
    out
}

fn counts(s: &SqlStore) -> Vec<(&'static str, u64)> {
    status(s, "x").unwrap().tables
}

#[test]
fn sqlite_to_postgres_and_back_copies_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut lite = SqlStore::create(&dir.path().join("a.db")).unwrap();
    fill(&mut lite, &dir.path().join("data"));
    let before = answers(&lite);
    let n = counts(&lite);
    assert!(n.iter().filter(|(_, c)| *c > 0).count() > 25, "{n:?}");

    // SQLite → SQLite runs without a server.
    let mut copy = SqlStore::create(&dir.path().join("b.db")).unwrap();
    let r = copy_database(&lite, &mut copy, None).unwrap();
    assert_eq!(r.tables.len(), TABLES.len());
    assert_eq!(counts(&copy), n);
    assert_eq!(answers(&copy), before);

    if !common::set_backend(common::Backend::Postgres) {
        return;
    }
    let url = common::fresh_pg_database();
    let mut pg = delar_store::open(&url).unwrap();
    let mut seen = Vec::new();
    let mut progress = |t: &str| seen.push(t.to_string());
    let there = copy_database(&lite, &mut pg, Some(&mut progress)).unwrap();
    assert_eq!(seen.len(), TABLES.len());
    assert_eq!(counts(&pg), n);
    assert_eq!(answers(&pg), before, "PostgreSQL answers as SQLite did");
    assert_eq!(
        there.tables, r.tables,
        "the same checksums whichever backend the copy went to"
    );

    // New rows continue after the copied ids on PostgreSQL too.
    pg.set_line_comment(
        "2025-P2",
        "SN42",
        "kop_verksamhet",
        "Efter kopieringen.",
        CommentKind::Report,
        "anna",
    )
    .unwrap();
    let mut lite2 = SqlStore::open(&dir.path().join("a.db")).unwrap();
    lite2
        .set_line_comment(
            "2025-P2",
            "SN42",
            "kop_verksamhet",
            "Efter kopieringen.",
            CommentKind::Report,
            "anna",
        )
        .unwrap();
    let audit = |s: &SqlStore| {
        s.forecast_audit("2025-P2")
            .unwrap()
            .into_iter()
            .map(|a| (a.action, a.node, a.new_value))
            .collect::<Vec<_>>()
    };
    assert_eq!(audit(&pg), audit(&lite2));

    // And back: PostgreSQL → a new SQLite file.
    let mut back = SqlStore::create(&dir.path().join("c.db")).unwrap();
    let r = copy_database(&pg, &mut back, None).unwrap();
    assert_eq!(r.rows(), counts(&pg).iter().map(|(_, c)| c).sum::<u64>());
    assert_eq!(answers(&back), answers(&lite2));
}

#[test]
fn a_target_with_data_is_refused_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = SqlStore::create(&dir.path().join("a.db")).unwrap();
    let round = Round::new(2025, RoundKind::P2).unwrap();
    a.save_round(&round, LedgerBy::Group, &[computed("SN41", 960)], "anna")
        .unwrap();
    let mut b = SqlStore::create(&dir.path().join("b.db")).unwrap();
    b.save_round(&round, LedgerBy::Group, &[computed("SN42", 900)], "bo")
        .unwrap();
    let err = copy_database(&a, &mut b, None).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Copy(_)), "{err:?}");
    assert!(
        msg.contains("måldatabasen är inte tom") && msg.contains("forecast_line (1)"),
        "{msg}"
    );
    assert_eq!(b.forecast_lines("2025-P2").unwrap()[0].node, "SN42");
}

#[test]
fn the_copy_list_holds_every_table_after_those_it_refers_to() {
    let s = SqlStore::open_in_memory().unwrap();
    let conn = s.connection();
    let mut schema: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    schema.sort();
    let mut listed: Vec<String> = TABLES.iter().map(|t| t.to_string()).collect();
    listed.sort();
    assert_eq!(listed, schema);
    for (i, t) in TABLES.iter().enumerate() {
        let refs: Vec<String> = conn
            .prepare(&format!(
                "SELECT \"table\" FROM pragma_foreign_key_list('{t}')"
            ))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for r in refs.iter().filter(|r| r.as_str() != *t) {
            let at = TABLES.iter().position(|x| x == r).unwrap();
            assert!(at < i, "{t} refers to {r}, which is copied later");
        }
    }
}
