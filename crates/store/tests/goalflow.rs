//! The goals of a round in the store, on both backends: a status decision and its line in the
//! audit trail are one transaction (a failing audit write leaves no decision behind), and the
//! analysis texts edited per round × goal × kind are versioned, audited, refused on a locked
//! round, and kept apart from the imported register.

#[macro_use]
mod common;

use delar_core::Round;
use delar_followup::assess::{assess, GoalStatus, Override, Rule};
use delar_followup::model::{FollowupData, Goal, GoalLevel, GoalText, GoalTextKind};
use delar_store::prelude::*;
use delar_store::{GoalTextEntry, LedgerBy, SqlStore, StoreError};

const ROUND: &str = "2025-P2";

/// A store holding the (empty) round 2025-P2 and the assessed goal SN1 (owned by SN).
fn with_goal(mut s: SqlStore) -> SqlStore {
    let round = Round::parse(ROUND).unwrap();
    s.save_round(&round, LedgerBy::Group, &[], "ekonom-sn")
        .unwrap();
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
    let d = FollowupData {
        goals: vec![
            g("KF1", GoalLevel::Council, None),
            g("SN1", GoalLevel::Committee, Some("KF1")),
        ],
        ..Default::default()
    };
    s.save_assessment(&assess(&d, 2025, &d.values, &Rule::default()))
        .unwrap();
    s
}

fn decision(status: GoalStatus) -> Override {
    Override {
        year: 2025,
        goal: "SN1".into(),
        status,
        rationale: "Placeringarna ökade under hösten.".into(),
        by: "ekonom-sn".into(),
        date: String::new(),
    }
}

/// Make every insert into the goal pages' audit trail fail, as a full disk or a broken
/// constraint would.
fn break_audit(s: &SqlStore) {
    let sql = match common::backend() {
        common::Backend::Sqlite => {
            "CREATE TRIGGER audit_fails BEFORE INSERT ON goal_audit
             BEGIN SELECT RAISE(ABORT, 'granskningsloggen går inte att skriva'); END;"
        }
        common::Backend::Postgres => {
            "CREATE FUNCTION audit_fails() RETURNS trigger LANGUAGE plpgsql AS
                 'BEGIN RAISE EXCEPTION ''granskningsloggen går inte att skriva''; END';
             CREATE TRIGGER audit_fails BEFORE INSERT ON goal_audit
                 FOR EACH ROW EXECUTE FUNCTION audit_fails();"
        }
    };
    s.connection().execute_batch(sql).unwrap();
}

fn text(kind: GoalTextKind, body: &str, version: i64) -> GoalTextEntry {
    GoalTextEntry {
        goal: "SN1".into(),
        kind,
        node: "SN".into(),
        text: body.into(),
        version,
        changed_by: String::new(),
        changed_at: String::new(),
    }
}

both! {
#[test]
fn a_decision_and_its_audit_line_are_written_together() {
    let mut s = with_goal(common::store());
    let v = s.goal_statuses(2025).unwrap()["SN1"].version;
    let v2 = s
        .decide_goal(ROUND, "SN", &decision(GoalStatus::NotMet), Some(v))
        .unwrap();
    assert_eq!(v2, v + 1);
    let st = &s.goal_statuses(2025).unwrap()["SN1"];
    assert_eq!(st.status, GoalStatus::NotMet);
    let audit = s.goal_audit(ROUND, &[]).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "bedömning ändrad");
    assert_eq!(audit[0].old_value.as_deref(), Some("Kan inte bedömas"), "{audit:?}");
    assert_eq!(
        audit[0].new_value.as_deref(),
        Some("Uppnås inte – Placeringarna ökade under hösten.")
    );
    assert_eq!((audit[0].node.as_str(), audit[0].user.as_str()), ("SN", "ekonom-sn"));
    // Withdrawn: the proposal holds again, with its line.
    assert!(s.reset_goal(ROUND, "SN", 2025, "SN1", Some(v2), "ekonom-sn").unwrap());
    assert!(s.goal_statuses(2025).unwrap()["SN1"].decision.is_none());
    let audit = s.goal_audit(ROUND, &[]).unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].action, "förslaget gäller igen");
    // Nothing to withdraw: no line.
    let v3 = s.goal_statuses(2025).unwrap()["SN1"].version;
    assert!(!s.reset_goal(ROUND, "SN", 2025, "SN1", Some(v3), "ekonom-sn").unwrap());
    assert_eq!(s.goal_audit(ROUND, &[]).unwrap().len(), 2);
    // A stale version writes neither.
    let e = s
        .decide_goal(ROUND, "SN", &decision(GoalStatus::Met), Some(v))
        .unwrap_err();
    assert!(e.to_string().contains("har ändrats sedan du läste den"), "{e}");
    assert_eq!(s.goal_audit(ROUND, &[]).unwrap().len(), 2);
}

#[test]
fn a_failing_audit_write_leaves_no_decision() {
    let mut s = with_goal(common::store());
    let before = s.goal_statuses(2025).unwrap()["SN1"].clone();
    let v = before.version;
    break_audit(&s);
    let e = s
        .decide_goal(ROUND, "SN", &decision(GoalStatus::NotMet), Some(v))
        .unwrap_err();
    assert!(e.to_string().contains("granskningsloggen"), "{e}");
    assert_eq!(s.goal_statuses(2025).unwrap()["SN1"], before, "the decision rolled back");
    assert!(s.goal_audit(ROUND, &[]).unwrap().is_empty());
    // A withdrawal likewise: decided while the audit worked, then the audit breaks.
    let mut s = with_goal(common::store());
    let v = s
        .decide_goal(ROUND, "SN", &decision(GoalStatus::NotMet), Some(v))
        .unwrap();
    break_audit(&s);
    assert!(s.reset_goal(ROUND, "SN", 2025, "SN1", Some(v), "ekonom-sn").is_err());
    let st = &s.goal_statuses(2025).unwrap()["SN1"];
    assert_eq!(st.version, v, "the withdrawal rolled back");
    assert!(st.decision.is_some());
    assert_eq!(s.goal_audit(ROUND, &[]).unwrap().len(), 1);
    // An edited text too.
    assert!(s.set_goal_text(ROUND, &text(GoalTextKind::Analysis, "Ny.", 0), "a").is_err());
    assert!(s.goal_text_entries(ROUND, &[]).unwrap().is_empty());
}

#[test]
fn a_locked_round_refuses_decisions_and_texts() {
    let mut s = with_goal(common::store());
    s.lock_round(ROUND, "ekonom").unwrap();
    let e = s
        .decide_goal(ROUND, "SN", &decision(GoalStatus::NotMet), None)
        .unwrap_err();
    assert!(e.to_string().contains("låst"), "{e}");
    let e = s
        .set_goal_text(ROUND, &text(GoalTextKind::Analysis, "Ny.", 0), "a")
        .unwrap_err();
    assert!(e.to_string().contains("låst"), "{e}");
    assert!(s.goal_audit(ROUND, &[]).unwrap().is_empty());
}

#[test]
fn goal_texts_are_versioned_audited_and_kept_apart_from_the_register() {
    let mut s = with_goal(common::store());
    s.import_followup_rows(
        &[GoalText {
            year: 2025,
            committee: "SN".into(),
            goal: "SN1".into(),
            kind: GoalTextKind::Analysis,
            text: "Importerad analys.".into(),
        }],
        "maltexter.csv",
        "t1",
    )
    .unwrap();
    let v = s
        .set_goal_text(
            ROUND,
            &text(GoalTextKind::Analysis, "Analysen för delåret.", 0),
            "enhetschef-sn",
        )
        .unwrap();
    assert_eq!(v, 1);
    s.set_goal_text(
        ROUND,
        &text(GoalTextKind::Positive, "Fler i öppenvård.\nKortare köer.", 0),
        "enhetschef-sn",
    )
    .unwrap();
    let all = s.goal_text_entries(ROUND, &[]).unwrap();
    assert_eq!(
        all.iter().map(|t| (t.kind, t.text.as_str(), t.version)).collect::<Vec<_>>(),
        vec![
            (GoalTextKind::Analysis, "Analysen för delåret.", 1),
            (GoalTextKind::Positive, "Fler i öppenvård.\nKortare köer.", 1),
        ]
    );
    assert_eq!(all[0].changed_by, "enhetschef-sn");
    assert!(s.goal_text_entries(ROUND, &["SN2".into()]).unwrap().is_empty());
    // A second tab that read version 0 is refused, naming who changed it.
    let e = s
        .set_goal_text(ROUND, &text(GoalTextKind::Analysis, "Annan.", 0), "ekonom-sn")
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert!(e.to_string().contains("enhetschef-sn ändrade den"), "{e}");
    assert_eq!(
        s.set_goal_text(ROUND, &text(GoalTextKind::Analysis, "Andra versionen.", 1), "ekonom-sn")
            .unwrap(),
        2
    );
    // The register is untouched; the audit trail has old → new.
    let reg = s.followup(&Default::default()).unwrap().texts;
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].text, "Importerad analys.");
    let audit = s.goal_audit(ROUND, &[]).unwrap();
    assert_eq!(audit.len(), 3);
    assert_eq!(audit[2].action, "sammanfattande analys ändrad");
    assert_eq!(audit[2].old_value.as_deref(), Some("Analysen för delåret."));
    assert_eq!(audit[2].new_value.as_deref(), Some("Andra versionen."));
    // Another committee's text of the same goal area is its own (version 0 → 1).
    let mut von = text(GoalTextKind::Analysis, "Vård- och omsorgsnämndens analys.", 0);
    von.node = "VON".into();
    assert_eq!(s.set_goal_text(ROUND, &von, "ekonom-von").unwrap(), 1);
    let all = s.goal_text_entries(ROUND, &[]).unwrap();
    assert_eq!(
        all.iter()
            .filter(|t| t.kind == GoalTextKind::Analysis)
            .map(|t| (t.node.as_str(), t.version))
            .collect::<Vec<_>>(),
        vec![("SN", 2), ("VON", 1)]
    );
    // Another round has texts of its own.
    assert!(s.goal_text_entries("2025-P1", &[]).unwrap().is_empty());
}
}
