//! The workflow of a forecast round per organisation node (migration 18): `utkast` →
//! `inskickad` → `godkänd`, or `återskickad` with the reviewer's comment, and back. The store
//! keeps the state and every transition (who, when, from, to, comment) and changes a state
//! only from the state the caller saw (compare and set, in the write transaction that also
//! refuses a locked round); who may make which transition is the application layer's rule.

use crate::db::{params, OptionalExtension};
use crate::rounds::{refuse_if_locked, write_tx};
use crate::time::now_utc;
use crate::{SqlStore, StoreError};
use serde::Serialize;

/// Migration 18: workflow state per round × node and its transitions.
pub(crate) const MIGRATION_WORKFLOW: crate::schema::Migration = crate::schema::Migration {
    version: 18,
    name: "arbetsflöde per omgång och nod",
    sql: r#"
-- The state of a node in a round; no row = utkast. version counts the transitions.
CREATE TABLE workflow_state (
    round_id   TEXT NOT NULL REFERENCES forecast_round (id),
    node       TEXT NOT NULL,
    state      TEXT NOT NULL
               CHECK (state IN ('utkast', 'inskickad', 'godkand', 'aterskickad')),
    version    INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    comment    TEXT,
    PRIMARY KEY (round_id, node)
);

-- Every transition, oldest first (the audit trail).
CREATE TABLE workflow_transition (
    id         INTEGER PRIMARY KEY,
    round_id   TEXT NOT NULL REFERENCES forecast_round (id),
    node       TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    at         TEXT NOT NULL,
    comment    TEXT
);
CREATE INDEX workflow_transition_round ON workflow_transition (round_id, node, id);
"#,
};

/// Where a node's forecast is in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum WorkflowState {
    /// Being worked on (the start, and after a recall).
    Draft,
    /// Submitted by the unit manager, waiting for review.
    Submitted,
    /// Approved by a controller.
    Approved,
    /// Returned by a controller with a comment, to be corrected.
    Returned,
}

impl WorkflowState {
    /// Every state, in workflow order.
    pub const ALL: [WorkflowState; 4] = [
        WorkflowState::Draft,
        WorkflowState::Submitted,
        WorkflowState::Approved,
        WorkflowState::Returned,
    ];

    /// The ASCII code stored (`utkast`, `inskickad`, `godkand`, `aterskickad`).
    pub const fn code(self) -> &'static str {
        match self {
            WorkflowState::Draft => "utkast",
            WorkflowState::Submitted => "inskickad",
            WorkflowState::Approved => "godkand",
            WorkflowState::Returned => "aterskickad",
        }
    }

    /// The Swedish word (`utkast`, `inskickad`, `godkänd`, `återskickad`).
    pub const fn label(self) -> &'static str {
        match self {
            WorkflowState::Draft => "utkast",
            WorkflowState::Submitted => "inskickad",
            WorkflowState::Approved => "godkänd",
            WorkflowState::Returned => "återskickad",
        }
    }

    /// Parse a code or a Swedish word.
    pub fn parse(s: &str) -> Option<WorkflowState> {
        let t = s.trim().to_lowercase();
        WorkflowState::ALL
            .into_iter()
            .find(|w| w.code() == t || w.label() == t)
    }
}

/// A node's state in a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeState {
    /// The node.
    pub node: String,
    /// Its state.
    pub state: WorkflowState,
    /// Transitions so far (0 = never changed: a draft).
    pub version: i64,
    /// Who made the latest transition.
    pub changed_by: Option<String>,
    /// When (UTC).
    pub changed_at: Option<String>,
    /// The latest transition's comment (a returned node: the reviewer's).
    pub comment: Option<String>,
}

impl NodeState {
    /// A node no one has touched: a draft.
    pub fn draft(node: &str) -> NodeState {
        NodeState {
            node: node.to_string(),
            state: WorkflowState::Draft,
            version: 0,
            changed_by: None,
            changed_at: None,
            comment: None,
        }
    }
}

/// One transition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The node.
    pub node: String,
    /// State before.
    pub from: WorkflowState,
    /// State after.
    pub to: WorkflowState,
    /// Who.
    pub user: String,
    /// When (UTC).
    pub at: String,
    /// Why (mandatory when returning).
    pub comment: Option<String>,
}

/// The workflow of forecast rounds in a store.
pub trait WorkflowStore {
    /// The state of every node of a round that has left the draft at least once, by node.
    fn workflow_states(&self, round: &str) -> Result<Vec<NodeState>, StoreError>;

    /// The state of one node (a draft when never changed).
    fn workflow_state(&self, round: &str, node: &str) -> Result<NodeState, StoreError>;

    /// Move a node from `from` to `to`, recording who, when and the comment. Refused when the
    /// round is missing or locked, and with [`StoreError::Conflict`] (naming who changed it
    /// and when) when the node is no longer in `from`. Returns the new state.
    fn set_workflow_state(
        &mut self,
        round: &str,
        node: &str,
        from: WorkflowState,
        to: WorkflowState,
        user: &str,
        comment: Option<&str>,
    ) -> Result<NodeState, StoreError>;

    /// The transitions of a round (of one node with `node`), oldest first.
    fn workflow_history(
        &self,
        round: &str,
        node: Option<&str>,
    ) -> Result<Vec<Transition>, StoreError>;
}

/// Why a unit's lines cannot be changed in `state` by someone who does not review them.
pub fn not_editable(node: &str, state: WorkflowState) -> String {
    format!(
        "prognosen för {node} är {} och kan inte ändras; återkalla den först (om den inte är \
         granskad) eller be ekonomen skicka tillbaka den",
        state.label()
    )
}

fn state_of(s: &str) -> Result<WorkflowState, StoreError> {
    WorkflowState::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("arbetsflödets status \"{s}\"")))
}

/// A unit's state in a round (a unit without a row is a draft), read on `conn` (the
/// connection, or a transaction).
pub(crate) fn read_state(
    conn: &crate::db::Connection,
    round: &str,
    node: &str,
) -> Result<NodeState, StoreError> {
    let row: Option<(String, i64, String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT state, version, changed_by, changed_at, comment FROM workflow_state
             WHERE round_id = ?1 AND node = ?2",
        )?
        .query_row(params![round, node], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    match row {
        None => Ok(NodeState::draft(node)),
        Some((state, version, by, at, comment)) => Ok(NodeState {
            node: node.to_string(),
            state: state_of(&state)?,
            version,
            changed_by: Some(by),
            changed_at: Some(at),
            comment,
        }),
    }
}

impl WorkflowStore for SqlStore {
    fn workflow_states(&self, round: &str) -> Result<Vec<NodeState>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT node, state, version, changed_by, changed_at, comment FROM workflow_state
             WHERE round_id = ?1 ORDER BY node",
        )?;
        let rows = stmt.query_map(params![round], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (node, state, version, by, at, comment) = row?;
            out.push(NodeState {
                node,
                state: state_of(&state)?,
                version,
                changed_by: Some(by),
                changed_at: Some(at),
                comment,
            });
        }
        Ok(out)
    }

    fn workflow_state(&self, round: &str, node: &str) -> Result<NodeState, StoreError> {
        read_state(&self.conn, round, node)
    }

    fn set_workflow_state(
        &mut self,
        round: &str,
        node: &str,
        from: WorkflowState,
        to: WorkflowState,
        user: &str,
        comment: Option<&str>,
    ) -> Result<NodeState, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        refuse_if_locked(&tx, round)?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM forecast_round WHERE id = ?1",
                params![round],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::Forecast(format!(
                "prognosomgången {round} finns inte (beräkna den först med \"delar forecast run \
                 --round {round}\")"
            )));
        }
        let now = read_state(&tx, round, node)?;
        if now.state != from {
            let who = match (&now.changed_by, &now.changed_at) {
                (Some(by), Some(at)) => format!(
                    " ({by} ändrade den {})",
                    at.replace('T', " ").trim_end_matches('Z')
                ),
                _ => String::new(),
            };
            return Err(StoreError::Conflict(format!(
                "{node} i {round} är inte längre {} utan {}{who}; ladda om sidan och se vad som \
                 gäller nu",
                from.label(),
                now.state.label()
            )));
        }
        let at = now_utc();
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        tx.execute(
            "INSERT INTO workflow_state (round_id, node, state, version, changed_by, changed_at,
                                         comment)
             VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6)
             ON CONFLICT (round_id, node) DO UPDATE SET state = excluded.state,
                 version = workflow_state.version + 1, changed_by = excluded.changed_by,
                 changed_at = excluded.changed_at, comment = excluded.comment",
            params![round, node, to.code(), user, at, comment],
        )?;
        tx.execute(
            "INSERT INTO workflow_transition (round_id, node, from_state, to_state, user_name, at,
                                              comment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![round, node, from.code(), to.code(), user, at, comment],
        )?;
        let state = read_state(&tx, round, node)?;
        tx.commit()?;
        Ok(state)
    }

    fn workflow_history(
        &self,
        round: &str,
        node: Option<&str>,
    ) -> Result<Vec<Transition>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT node, from_state, to_state, user_name, at, comment FROM workflow_transition
             WHERE round_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR node = ?2) ORDER BY id",
        )?;
        let rows = stmt.query_map(params![round, node], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (node, from, to, user, at, comment) = row?;
            out.push(Transition {
                node,
                from: state_of(&from)?,
                to: state_of(&to)?,
                user,
                at,
                comment,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_parse_from_codes_and_words() {
        for w in WorkflowState::ALL {
            assert_eq!(WorkflowState::parse(w.code()), Some(w));
            assert_eq!(WorkflowState::parse(w.label()), Some(w));
        }
        assert_eq!(
            WorkflowState::parse("Godkänd"),
            Some(WorkflowState::Approved)
        );
        assert_eq!(WorkflowState::parse("klar"), None);
    }
}
