//! The goals of a round per organisation node (migration 24): indicator values entered in the
//! browser for a round (the value to date at the round's cut-off month and the forecast for
//! the year), the goals' workflow per round × node with the same states as the forecast's
//! (`utkast` → `inskickad` → `godkänd`, or `återskickad` with a comment), and an append-only
//! audit trail of everything done on a goal page (entries, status decisions).
//!
//! The goals' workflow has tables of its own rather than a kind column in `workflow_state`:
//! that table's primary key `(round_id, node)` cannot gain a column in SQLite without
//! rebuilding the table, and the forecast's queries (the sheet, the start page, the load
//! benchmark) stay exactly as they are. The states, transitions and their types
//! ([`WorkflowState`], [`NodeState`], [`Transition`]) are the forecast's.

use crate::db::{params, OptionalExtension};
use crate::goals::{write_clear, write_override, GoalOverrideError};
use crate::rounds::{refuse_if_locked, write_tx};
use crate::time::now_utc;
use crate::workflow::{NodeState, Transition, WorkflowState};
use crate::{FollowupFilter, SqlStore, StoreError};
use delar_followup::assess::Override;
use delar_followup::model::{FollowupData, GoalTextKind, Word};
use serde::Serialize;

/// Migration 24: goal workflow, indicator entries per round, the goal pages' audit trail.
pub(crate) const MIGRATION_GOAL_ROUND: crate::schema::Migration = crate::schema::Migration {
    version: 24,
    name: "mål per omgång och nod",
    sql: r#"
-- The goals' state of a node in a round; no row = utkast. version counts the transitions.
CREATE TABLE goal_workflow_state (
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

-- Every transition of the goals' workflow, oldest first.
CREATE TABLE goal_workflow_transition (
    id         INTEGER PRIMARY KEY,
    round_id   TEXT NOT NULL REFERENCES forecast_round (id),
    node       TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    at         TEXT NOT NULL,
    comment    TEXT
);
CREATE INDEX goal_workflow_transition_round ON goal_workflow_transition (round_id, node, id);

-- An indicator's value entered for a round: kind 'hittills' (to date, at the round's cut-off
-- month) or 'prognos' (the year's forecast); a number (women/men/total) or a direction word.
-- It takes the place of an imported value of the same kind when the round's goals are
-- assessed. version counts the changes.
CREATE TABLE indicator_entry (
    round_id   TEXT NOT NULL REFERENCES forecast_round (id),
    indicator  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('hittills', 'prognos')),
    women      REAL,
    men        REAL,
    total      REAL,
    word       TEXT,
    version    INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (round_id, indicator, kind)
);

-- Everything done on a goal page, oldest first: subject is an indicator or a goal code.
CREATE TABLE goal_audit (
    id        INTEGER PRIMARY KEY,
    round_id  TEXT NOT NULL,
    node      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    action    TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    user_name TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX goal_audit_round ON goal_audit (round_id, node, id);
"#,
};

/// Migration 26: the analysis texts of a goal (summary, positive observations, areas for
/// improvement) as edited for a round, in a table of their own so that the imported register
/// (`fu_goal_text`) is never rewritten.
pub(crate) const MIGRATION_GOAL_TEXT: crate::schema::Migration = crate::schema::Migration {
    version: 26,
    name: "målens analystexter per omgång",
    sql: r#"
-- A text of one kind for a goal or goal area, of one node (the committee writing it), as
-- edited for a round on that node's goal page: it takes the place of the node's imported texts
-- of that kind for the goal. version counts the changes.
CREATE TABLE goal_text_entry (
    round_id   TEXT NOT NULL REFERENCES forecast_round (id),
    goal       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('analys', 'positiva', 'forbattring')),
    node       TEXT NOT NULL,
    text       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (round_id, node, goal, kind)
);
"#,
};

/// The code a goal text's kind is stored and sent in forms as (`analys`, `positiva`,
/// `forbattring`).
pub const fn text_kind_code(k: GoalTextKind) -> &'static str {
    match k {
        GoalTextKind::Analysis => "analys",
        GoalTextKind::Positive => "positiva",
        GoalTextKind::Improvement => "forbattring",
    }
}

/// The kind of a goal text from its code ([`text_kind_code`]).
pub fn text_kind_parse(s: &str) -> Option<GoalTextKind> {
    match s.trim() {
        "analys" => Some(GoalTextKind::Analysis),
        "positiva" => Some(GoalTextKind::Positive),
        "forbattring" => Some(GoalTextKind::Improvement),
        _ => None,
    }
}

/// A goal's analysis text of one kind as edited for a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalTextEntry {
    /// The goal's or goal area's code.
    pub goal: String,
    /// Summary, positive observations or areas for improvement.
    pub kind: GoalTextKind,
    /// The node whose text it is (the committee; whose page it was edited on).
    pub node: String,
    /// The text; for observations and areas one per line.
    pub text: String,
    /// Changes so far (0 = never edited).
    pub version: i64,
    /// Who made the latest change.
    pub changed_by: String,
    /// When (UTC).
    pub changed_at: String,
}

/// Which value of an indicator an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntryKind {
    /// The value to date, at the round's cut-off month.
    ToDate,
    /// The forecast for the year.
    Forecast,
}

impl EntryKind {
    /// The code stored and used in forms (`hittills`, `prognos`).
    pub const fn code(self) -> &'static str {
        match self {
            EntryKind::ToDate => "hittills",
            EntryKind::Forecast => "prognos",
        }
    }

    /// The Swedish words (`värde hittills`, `prognos`).
    pub const fn label(self) -> &'static str {
        match self {
            EntryKind::ToDate => "värde hittills",
            EntryKind::Forecast => "prognos",
        }
    }

    /// Parse a code.
    pub fn parse(s: &str) -> Option<EntryKind> {
        match s.trim() {
            "hittills" => Some(EntryKind::ToDate),
            "prognos" => Some(EntryKind::Forecast),
            _ => None,
        }
    }
}

/// One indicator value entered for a round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorEntry {
    /// The indicator's code.
    pub indicator: String,
    /// To date or forecast.
    pub kind: EntryKind,
    /// Women.
    pub women: Option<f64>,
    /// Men.
    pub men: Option<f64>,
    /// Total.
    pub total: Option<f64>,
    /// A direction word instead of a number (a forecast: `Ökar`, `Bibehåller`, `Minskar`).
    pub word: Option<String>,
    /// Changes so far (0 = never entered).
    pub version: i64,
    /// Who made the latest change.
    pub changed_by: String,
    /// When (UTC).
    pub changed_at: String,
}

impl IndicatorEntry {
    /// The entry as text for the audit trail (`k 80 / m 75 / t 78`, `Ökar`, `i.u.`).
    pub fn summary(&self) -> String {
        if let Some(w) = &self.word {
            return w.clone();
        }
        let f = |v: Option<f64>| v.map(|x| x.to_string().replace('.', ","));
        match (f(self.women), f(self.men), f(self.total)) {
            (None, None, None) => "i.u.".to_string(),
            (None, None, Some(t)) => t,
            (w, m, t) => format!(
                "kvinnor {} / män {} / totalt {}",
                w.unwrap_or_else(|| "–".into()),
                m.unwrap_or_else(|| "–".into()),
                t.unwrap_or_else(|| "–".into())
            ),
        }
    }
}

/// One line of a goal page's audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalAuditEntry {
    /// The node whose page it was done on.
    pub node: String,
    /// The indicator or goal.
    pub subject: String,
    /// What was done (Swedish words).
    pub action: String,
    /// Before.
    pub old_value: Option<String>,
    /// After.
    pub new_value: Option<String>,
    /// Who.
    pub user: String,
    /// When (UTC).
    pub at: String,
}

/// The goals of a round per node in a store.
pub trait GoalRoundStore {
    /// What a goal page shows and assesses of the follow-up registers for `year`, and
    /// nothing else: the year's goals, their texts, indicators and activities, and the
    /// indicator values of the year and the two before it (the page's history).
    fn goal_data(&self, year: i32) -> Result<FollowupData, StoreError>;

    /// The goals' state of one node (a draft when never changed).
    fn goal_workflow_state(&self, round: &str, node: &str) -> Result<NodeState, StoreError>;

    /// The goals' state of every node of a round that has left the draft at least once.
    fn goal_workflow_states(&self, round: &str) -> Result<Vec<NodeState>, StoreError>;

    /// Move a node's goals from `from` to `to`, recording who, when and the comment. Refused
    /// when the round is missing or locked, and with [`StoreError::Conflict`] (naming who
    /// changed it and when) when the node is no longer in `from`.
    fn set_goal_workflow_state(
        &mut self,
        round: &str,
        node: &str,
        from: WorkflowState,
        to: WorkflowState,
        user: &str,
        comment: Option<&str>,
    ) -> Result<NodeState, StoreError>;

    /// The goals' transitions of a round (of one node with `node`), oldest first.
    fn goal_workflow_history(
        &self,
        round: &str,
        node: Option<&str>,
    ) -> Result<Vec<Transition>, StoreError>;

    /// The indicator values entered for a round.
    fn indicator_entries(&self, round: &str) -> Result<Vec<IndicatorEntry>, StoreError>;

    /// Keep an indicator's value for a round (entered on `node`'s page), recorded in the audit
    /// trail. `entry.version` is the version the person read (0 = none yet): when the stored
    /// entry is at another, the change is refused with [`StoreError::Conflict`] naming who
    /// changed it, when and the value now. Refused when the round is missing or locked.
    /// Returns the new version.
    fn set_indicator_entry(
        &mut self,
        round: &str,
        node: &str,
        entry: &IndicatorEntry,
        user: &str,
    ) -> Result<i64, StoreError>;

    /// The analysis texts edited for a round (of the goals in `goals`; all when empty).
    fn goal_text_entries(
        &self,
        round: &str,
        goals: &[String],
    ) -> Result<Vec<GoalTextEntry>, StoreError>;

    /// Keep a node's text of one kind for a goal or goal area for a round (edited on
    /// `entry.node`'s page), recorded
    /// in the audit trail in the same transaction. `entry.version` is the version the person
    /// read (0 = none yet): when the stored text is at another, the change is refused with
    /// [`StoreError::Conflict`] naming who changed it and when. Refused when the round is
    /// missing or locked. Returns the new version.
    fn set_goal_text(
        &mut self,
        round: &str,
        entry: &GoalTextEntry,
        user: &str,
    ) -> Result<i64, StoreError>;

    /// Decide a goal's status (see [`crate::GoalStore::set_goal_override`]) on `node`'s page
    /// of `round`, and add its line to the audit trail, in one transaction: either both are
    /// stored or neither. Refused when the round is locked. Returns the new version.
    fn decide_goal(
        &mut self,
        round: &str,
        node: &str,
        decision: &Override,
        expected: Option<i64>,
    ) -> Result<i64, GoalOverrideError>;

    /// Withdraw a decision (see [`crate::GoalStore::clear_goal_override`]) with its line in
    /// the audit trail, in one transaction. `false` (nothing written) when there was none.
    fn reset_goal(
        &mut self,
        round: &str,
        node: &str,
        year: i32,
        goal: &str,
        expected: Option<i64>,
        by: &str,
    ) -> Result<bool, StoreError>;

    /// Add a line to a goal page's audit trail (a status decision or its withdrawal).
    #[allow(clippy::too_many_arguments)]
    fn record_goal_audit(
        &mut self,
        round: &str,
        node: &str,
        subject: &str,
        action: &str,
        old: Option<&str>,
        new: Option<&str>,
        user: &str,
    ) -> Result<(), StoreError>;

    /// The audit trail of a round's goal pages (of the nodes in `nodes`; all when empty),
    /// oldest first.
    fn goal_audit(&self, round: &str, nodes: &[String]) -> Result<Vec<GoalAuditEntry>, StoreError>;
}

fn state_of(s: &str) -> Result<WorkflowState, StoreError> {
    WorkflowState::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("målens arbetsflödesstatus \"{s}\"")))
}

fn read_state(
    conn: &crate::db::Connection,
    round: &str,
    node: &str,
) -> Result<NodeState, StoreError> {
    let row: Option<(String, i64, String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT state, version, changed_by, changed_at, comment FROM goal_workflow_state
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

fn round_exists(conn: &crate::db::Connection, round: &str) -> Result<(), StoreError> {
    let exists: Option<i64> = conn
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
    Ok(())
}

fn when(at: &str) -> String {
    at.replace('T', " ").trim_end_matches('Z').to_string()
}

type EntryRow = (
    String,
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    i64,
    String,
    String,
);

fn entry_of(r: EntryRow) -> Result<IndicatorEntry, StoreError> {
    let (indicator, kind, women, men, total, word, version, changed_by, changed_at) = r;
    Ok(IndicatorEntry {
        kind: EntryKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("indikatorvärdets slag \"{kind}\"")))?,
        indicator,
        women,
        men,
        total,
        word,
        version,
        changed_by,
        changed_at,
    })
}

const ENTRY_COLUMNS: &str =
    "indicator, kind, women, men, total, word, version, changed_by, changed_at";

fn entry_row(r: &crate::db::Row<'_>) -> crate::db::Result<EntryRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

/// Add a line to the goal pages' audit trail inside a write.
#[allow(clippy::too_many_arguments)]
fn insert_audit(
    tx: &crate::db::Connection,
    round: &str,
    node: &str,
    subject: &str,
    action: &str,
    old: Option<&str>,
    new: Option<&str>,
    user: &str,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO goal_audit (round_id, node, subject, action, old_value, new_value,
                                 user_name, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![round, node, subject, action, old, new, user, at],
    )?;
    Ok(())
}

/// The audit trail's words for a goal text's kind (`sammanfattande analys ändrad`).
fn text_action(k: GoalTextKind) -> &'static str {
    match k {
        GoalTextKind::Analysis => "sammanfattande analys ändrad",
        GoalTextKind::Positive => "positiva iakttagelser ändrade",
        GoalTextKind::Improvement => "förbättringsområden ändrade",
    }
}

type TextRow = (String, String, String, String, i64, String, String);

fn text_entry_of(r: TextRow) -> Result<GoalTextEntry, StoreError> {
    let (goal, kind, node, text, version, changed_by, changed_at) = r;
    Ok(GoalTextEntry {
        kind: text_kind_parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("måltextens slag \"{kind}\"")))?,
        goal,
        node,
        text,
        version,
        changed_by,
        changed_at,
    })
}

fn text_row(r: &crate::db::Row<'_>) -> crate::db::Result<TextRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

const TEXT_COLUMNS: &str = "goal, kind, node, text, version, changed_by, changed_at";

impl GoalRoundStore for SqlStore {
    fn goal_data(&self, year: i32) -> Result<FollowupData, StoreError> {
        use crate::followup::load;
        use delar_followup::model::{Commitment, Goal, GoalText, Indicator, IndicatorValue};
        let of = |y: i32| FollowupFilter {
            year: Some(y),
            committee: None,
        };
        let mut values = Vec::new();
        for y in year - 2..=year {
            values.extend(
                load::<IndicatorValue>(&self.conn, &of(y))?
                    .into_iter()
                    .filter(|v| v.year == y),
            );
        }
        Ok(FollowupData {
            goals: load::<Goal>(&self.conn, &of(year))?,
            texts: load::<GoalText>(&self.conn, &of(year))?,
            indicators: load::<Indicator>(&self.conn, &of(year))?,
            commitments: load::<Commitment>(&self.conn, &of(year))?,
            values,
            ..Default::default()
        })
    }

    fn goal_workflow_state(&self, round: &str, node: &str) -> Result<NodeState, StoreError> {
        read_state(&self.conn, round, node)
    }

    fn goal_workflow_states(&self, round: &str) -> Result<Vec<NodeState>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT node, state, version, changed_by, changed_at, comment
             FROM goal_workflow_state WHERE round_id = ?1 ORDER BY node",
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

    fn set_goal_workflow_state(
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
        round_exists(&tx, round)?;
        let now = read_state(&tx, round, node)?;
        if now.state != from {
            let who = match (&now.changed_by, &now.changed_at) {
                (Some(by), Some(at)) => format!(" ({by} ändrade den {})", when(at)),
                _ => String::new(),
            };
            return Err(StoreError::Conflict(format!(
                "målen för {node} i {round} är inte längre {} utan {}{who}; ladda om sidan och \
                 se vad som gäller nu",
                from.label(),
                now.state.label()
            )));
        }
        let at = now_utc();
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        tx.execute(
            "INSERT INTO goal_workflow_state (round_id, node, state, version, changed_by,
                                              changed_at, comment)
             VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6)
             ON CONFLICT (round_id, node) DO UPDATE SET state = excluded.state,
                 version = goal_workflow_state.version + 1, changed_by = excluded.changed_by,
                 changed_at = excluded.changed_at, comment = excluded.comment",
            params![round, node, to.code(), user, at, comment],
        )?;
        tx.execute(
            "INSERT INTO goal_workflow_transition (round_id, node, from_state, to_state,
                                                   user_name, at, comment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![round, node, from.code(), to.code(), user, at, comment],
        )?;
        let state = read_state(&tx, round, node)?;
        tx.commit()?;
        Ok(state)
    }

    fn goal_workflow_history(
        &self,
        round: &str,
        node: Option<&str>,
    ) -> Result<Vec<Transition>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT node, from_state, to_state, user_name, at, comment
             FROM goal_workflow_transition
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

    fn indicator_entries(&self, round: &str) -> Result<Vec<IndicatorEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM indicator_entry WHERE round_id = ?1
             ORDER BY indicator, kind"
        ))?;
        let rows = stmt.query_map(params![round], entry_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(entry_of(r?)?);
        }
        Ok(out)
    }

    fn set_indicator_entry(
        &mut self,
        round: &str,
        node: &str,
        e: &IndicatorEntry,
        user: &str,
    ) -> Result<i64, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        refuse_if_locked(&tx, round)?;
        round_exists(&tx, round)?;
        let now: Option<IndicatorEntry> = tx
            .query_row(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM indicator_entry
                     WHERE round_id = ?1 AND indicator = ?2 AND kind = ?3"
                ),
                params![round, e.indicator, e.kind.code()],
                entry_row,
            )
            .optional()?
            .map(entry_of)
            .transpose()?;
        let stored = now.as_ref().map(|n| n.version).unwrap_or(0);
        if stored != e.version {
            let n = now.as_ref().expect("a version above 0 has a row");
            return Err(StoreError::Conflict(format!(
                "{} för indikatorn {} i {round} har ändrats sedan du läste den: {} ändrade den {} \
                 och nu gäller {} (version {}). Ditt värde sparades inte; läs in sidan igen och \
                 gör ändringen på nytt.",
                e.kind.label(),
                e.indicator,
                n.changed_by,
                when(&n.changed_at),
                n.summary(),
                n.version
            )));
        }
        let at = now_utc();
        tx.execute(
            "INSERT INTO indicator_entry (round_id, indicator, kind, women, men, total, word,
                                          version, changed_by, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9)
             ON CONFLICT (round_id, indicator, kind) DO UPDATE SET women = excluded.women,
                 men = excluded.men, total = excluded.total, word = excluded.word,
                 version = indicator_entry.version + 1, changed_by = excluded.changed_by,
                 changed_at = excluded.changed_at",
            params![
                round,
                e.indicator,
                e.kind.code(),
                e.women,
                e.men,
                e.total,
                e.word,
                user,
                at
            ],
        )?;
        tx.execute(
            "INSERT INTO goal_audit (round_id, node, subject, action, old_value, new_value,
                                     user_name, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                round,
                node,
                e.indicator,
                e.kind.label(),
                now.as_ref().map(|n| n.summary()),
                e.summary(),
                user,
                at
            ],
        )?;
        tx.commit()?;
        Ok(stored + 1)
    }

    fn goal_text_entries(
        &self,
        round: &str,
        goals: &[String],
    ) -> Result<Vec<GoalTextEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TEXT_COLUMNS} FROM goal_text_entry WHERE round_id = ?1
             ORDER BY node, goal, kind"
        ))?;
        let rows = stmt.query_map(params![round], text_row)?;
        let mut out = Vec::new();
        for r in rows {
            let e = text_entry_of(r?)?;
            if goals.is_empty() || goals.contains(&e.goal) {
                out.push(e);
            }
        }
        Ok(out)
    }

    fn set_goal_text(
        &mut self,
        round: &str,
        e: &GoalTextEntry,
        user: &str,
    ) -> Result<i64, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        refuse_if_locked(&tx, round)?;
        round_exists(&tx, round)?;
        let code = text_kind_code(e.kind);
        let now: Option<GoalTextEntry> = tx
            .query_row(
                &format!(
                    "SELECT {TEXT_COLUMNS} FROM goal_text_entry
                     WHERE round_id = ?1 AND node = ?2 AND goal = ?3 AND kind = ?4"
                ),
                params![round, e.node, e.goal, code],
                text_row,
            )
            .optional()?
            .map(text_entry_of)
            .transpose()?;
        let stored = now.as_ref().map(|n| n.version).unwrap_or(0);
        if stored != e.version {
            let who = match &now {
                Some(n) => format!("{} ändrade den {}", n.changed_by, when(&n.changed_at)),
                None => "texten har tagits bort".to_string(),
            };
            return Err(StoreError::Conflict(format!(
                "texten \"{}\" för mål {} i {round} har ändrats sedan du läste den: {who} \
                 (version {stored}). Din text sparades inte; kopiera den, läs in sidan igen \
                 och gör ändringen på nytt.",
                e.kind.label(),
                e.goal
            )));
        }
        let at = now_utc();
        tx.execute(
            "INSERT INTO goal_text_entry (round_id, goal, kind, node, text, version, changed_by,
                                          changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)
             ON CONFLICT (round_id, node, goal, kind) DO UPDATE SET
                 text = excluded.text, version = goal_text_entry.version + 1,
                 changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            params![round, e.goal, code, e.node, e.text, user, at],
        )?;
        insert_audit(
            &tx,
            round,
            &e.node,
            &e.goal,
            text_action(e.kind),
            now.as_ref().map(|n| n.text.as_str()),
            Some(&e.text),
            user,
            &at,
        )?;
        tx.commit()?;
        Ok(stored + 1)
    }

    fn decide_goal(
        &mut self,
        round: &str,
        node: &str,
        o: &Override,
        expected: Option<i64>,
    ) -> Result<i64, GoalOverrideError> {
        let store = GoalOverrideError::Store;
        let tx = write_tx(&mut self.conn).map_err(store)?;
        refuse_if_locked(&tx, round).map_err(store)?;
        let (before, version) = write_override(&tx, o, expected)?;
        let label = delar_followup::assess::Scale::default()
            .label(o.status)
            .to_string();
        insert_audit(
            &tx,
            round,
            node,
            &o.goal,
            "bedömning ändrad",
            Some(&before.status_label()),
            Some(&format!("{label} – {}", o.rationale.trim())),
            &o.by,
            &now_utc(),
        )
        .map_err(store)?;
        tx.commit().map_err(|e| store(e.into()))?;
        Ok(version)
    }

    fn reset_goal(
        &mut self,
        round: &str,
        node: &str,
        year: i32,
        goal: &str,
        expected: Option<i64>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        refuse_if_locked(&tx, round)?;
        let Some(before) = write_clear(&tx, year, goal, expected, by)? else {
            return Ok(false);
        };
        insert_audit(
            &tx,
            round,
            node,
            goal,
            "förslaget gäller igen",
            Some(&before.status_label()),
            Some(&before.proposed_label()),
            by,
            &now_utc(),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn record_goal_audit(
        &mut self,
        round: &str,
        node: &str,
        subject: &str,
        action: &str,
        old: Option<&str>,
        new: Option<&str>,
        user: &str,
    ) -> Result<(), StoreError> {
        let tx = write_tx(&mut self.conn)?;
        tx.execute(
            "INSERT INTO goal_audit (round_id, node, subject, action, old_value, new_value,
                                     user_name, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![round, node, subject, action, old, new, user, now_utc()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn goal_audit(&self, round: &str, nodes: &[String]) -> Result<Vec<GoalAuditEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT node, subject, action, old_value, new_value, user_name, at FROM goal_audit
             WHERE round_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![round], |r| {
            Ok(GoalAuditEntry {
                node: r.get(0)?,
                subject: r.get(1)?,
                action: r.get(2)?,
                old_value: r.get(3)?,
                new_value: r.get(4)?,
                user: r.get(5)?,
                at: r.get(6)?,
            })
        })?;
        let mut out = Vec::new();
        for r in rows {
            let r = r?;
            if nodes.is_empty() || nodes.contains(&r.node) {
                out.push(r);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_kinds_parse_from_their_codes() {
        for k in [EntryKind::ToDate, EntryKind::Forecast] {
            assert_eq!(EntryKind::parse(k.code()), Some(k));
        }
        assert_eq!(EntryKind::parse("utfall"), None);
    }

    #[test]
    fn an_entry_summarises_as_swedish_text() {
        let mut e = IndicatorEntry {
            indicator: "SN01".into(),
            kind: EntryKind::ToDate,
            women: None,
            men: None,
            total: Some(80.5),
            word: None,
            version: 1,
            changed_by: "a".into(),
            changed_at: "2025-09-01T10:00:00Z".into(),
        };
        assert_eq!(e.summary(), "80,5");
        e.women = Some(82.0);
        e.men = Some(79.0);
        assert_eq!(e.summary(), "kvinnor 82 / män 79 / totalt 80,5");
        e.word = Some("Ökar".into());
        assert_eq!(e.summary(), "Ökar");
    }
}
