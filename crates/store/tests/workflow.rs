//! A round's workflow per node in the store, on both backends: transitions are compare and
//! set and audited, a second writer that saw an older state is refused naming who changed it,
//! and a locked or missing round refuses every transition.

#[macro_use]
mod common;

use delar_core::Round;
use delar_store::prelude::*;
use delar_store::{LedgerBy, NodeState, SqlStore, StoreError, WorkflowState::*};

/// A store holding the (empty) round 2025-P2.
fn with_round(mut s: SqlStore) -> SqlStore {
    let round = Round::parse("2025-P2").unwrap();
    s.save_round(&round, LedgerBy::Group, &[], "ekonom-sn")
        .unwrap();
    s
}

both! {
#[test]
fn transitions_are_compare_and_set_and_audited() {
    let mut s = with_round(common::store());
    assert!(s.migrations_applied().contains(&18));
    assert_eq!(s.workflow_state("2025-P2", "SN41").unwrap(), NodeState::draft("SN41"));
    let st = s
        .set_workflow_state("2025-P2", "SN41", Draft, Submitted, "enhetschef-sn41", None)
        .unwrap();
    assert_eq!((st.state, st.version), (Submitted, 1));
    assert_eq!(st.changed_by.as_deref(), Some("enhetschef-sn41"));
    // A second tab still showing the draft cannot submit again.
    let e = s
        .set_workflow_state("2025-P2", "SN41", Draft, Submitted, "enhetschef-sn41", None)
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert!(e.to_string().contains("inte längre utkast utan inskickad"), "{e}");
    assert!(e.to_string().contains("enhetschef-sn41 ändrade den"), "{e}");
    let st = s
        .set_workflow_state(
            "2025-P2",
            "SN41",
            Submitted,
            Returned,
            "ekonom-sn",
            Some("  Motivera placeringskostnaden.  "),
        )
        .unwrap();
    assert_eq!(st.comment.as_deref(), Some("Motivera placeringskostnaden."));
    assert_eq!(st.version, 2);
    s.set_workflow_state("2025-P2", "SN42", Draft, Submitted, "enhetschef-sn42", Some("  "))
        .unwrap();
    let all = s.workflow_states("2025-P2").unwrap();
    assert_eq!(
        all.iter().map(|n| (n.node.as_str(), n.state, n.version)).collect::<Vec<_>>(),
        vec![("SN41", Returned, 2), ("SN42", Submitted, 1)]
    );
    assert_eq!(all[1].comment, None, "a blank comment is no comment");
    let h = s.workflow_history("2025-P2", Some("SN41")).unwrap();
    assert_eq!(
        h.iter().map(|t| (t.from, t.to, t.user.as_str())).collect::<Vec<_>>(),
        vec![
            (Draft, Submitted, "enhetschef-sn41"),
            (Submitted, Returned, "ekonom-sn")
        ]
    );
    assert_eq!(h[1].comment.as_deref(), Some("Motivera placeringskostnaden."));
    let every = s.workflow_history("2025-P2", None).unwrap();
    assert_eq!(
        every.iter().map(|t| (t.node.as_str(), t.to)).collect::<Vec<_>>(),
        vec![("SN41", Submitted), ("SN41", Returned), ("SN42", Submitted)],
        "oldest first"
    );
    assert!(s.workflow_history("2025-P1", None).unwrap().is_empty());
}

#[test]
fn a_locked_or_missing_round_refuses_transitions() {
    let mut s = with_round(common::store());
    let e = s
        .set_workflow_state("2025-P1", "SN41", Draft, Submitted, "x", None)
        .unwrap_err();
    assert!(e.to_string().contains("prognosomgången 2025-P1 finns inte"), "{e}");
    s.lock_round("2025-P2", "ekonom").unwrap();
    let e = s
        .set_workflow_state("2025-P2", "SN41", Draft, Submitted, "x", None)
        .unwrap_err();
    assert!(e.to_string().contains("är låst"), "{e}");
    assert!(s.workflow_states("2025-P2").unwrap().is_empty());
    assert!(s.workflow_history("2025-P2", None).unwrap().is_empty());
}

#[test]
fn two_writers_on_one_database_cannot_both_move_a_node() {
    let db = common::Persistent::new();
    let mut a = with_round(db.create());
    let mut b = db.open();
    a.set_workflow_state("2025-P2", "SN41", Draft, Submitted, "enhetschef-sn41", None)
        .unwrap();
    // b saw the node submitted too: the controller approves, the manager's recall is refused.
    b.set_workflow_state("2025-P2", "SN41", Submitted, Approved, "ekonom-sn", None)
        .unwrap();
    let e = a
        .set_workflow_state("2025-P2", "SN41", Submitted, Draft, "enhetschef-sn41", None)
        .unwrap_err();
    assert!(
        e.to_string().contains("inte längre inskickad utan godkänd (ekonom-sn ändrade den"),
        "{e}"
    );
    let st = a.workflow_state("2025-P2", "SN41").unwrap();
    assert_eq!((st.state, st.version), (Approved, 2));
    assert_eq!(b.workflow_history("2025-P2", Some("SN41")).unwrap().len(), 2);
}
}
