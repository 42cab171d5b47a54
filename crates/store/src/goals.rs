//! Goal statuses in the store (migration 6): the status of each goal for a year is stored
//! once, with the rule's proposal and, when a person decided otherwise, the decision with its
//! mandatory rationale. Every chapter reads the status from here (R10).

use crate::db::{params, OptionalExtension, Transaction};
use crate::rounds::write_tx;
use crate::time::now_utc;
use crate::{SqlStore, StoreError};
use delar_followup::assess::{Assessment, GoalStatus, Override, OverrideError, Scale};
use std::collections::{BTreeMap, HashMap};

/// Migration 6: stored goal statuses and overrides.
pub(crate) const MIGRATION_GOAL_STATUS: crate::schema::Migration = crate::schema::Migration {
    version: 6,
    name: "målbedömning",
    sql: r#"
-- One row per goal and year. proposed: the rule's proposal when last assessed; status: the
-- status in force (the decision's when decided_by is set). Statuses are keys: met, partly,
-- not_met, not_assessed. A decision needs a rationale.
CREATE TABLE goal_status (
    year        INTEGER NOT NULL,
    goal        TEXT NOT NULL,
    proposed    TEXT NOT NULL,
    status      TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    rationale   TEXT,
    decided_by  TEXT,
    decided_at  TEXT,
    PRIMARY KEY (year, goal),
    CHECK (decided_by IS NULL OR length(trim(rationale)) > 0)
);
"#,
};

/// Migration 16: every stored goal status carries a version, raised by each change of the
/// status in force or the proposal (a decision, its withdrawal, a re-assessment that changes
/// the proposal), with who made the latest change and when (`changed_by` NULL: a
/// re-assessment), so that a decision based on an older version is refused instead of
/// silently overwriting someone else's.
pub(crate) const MIGRATION_GOAL_VERSIONS: crate::schema::Migration = crate::schema::Migration {
    version: 16,
    name: "versioner på målbedömningar",
    sql: r#"
ALTER TABLE goal_status ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE goal_status ADD COLUMN changed_by TEXT;
ALTER TABLE goal_status ADD COLUMN changed_at TEXT;
"#,
};

/// A goal's stored status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredGoalStatus {
    /// Goal code.
    pub goal: String,
    /// The rule's proposal.
    pub proposed: GoalStatus,
    /// The status in force.
    pub status: GoalStatus,
    /// The decision, when a person overrode the proposal.
    pub decision: Option<Override>,
    /// Raised by every change of the status or the proposal; a decision based on another
    /// version is refused ([`StoreError::Conflict`]).
    pub version: i64,
    /// Who made the latest change (`None`: a re-assessment, or never changed).
    pub changed_by: Option<String>,
    /// When (UTC, `ÅÅÅÅ-MM-DDTHH:MM:SSZ`).
    pub changed_at: Option<String>,
}

fn key(s: &str) -> crate::db::Result<GoalStatus> {
    GoalStatus::from_key(s).ok_or_else(|| {
        crate::db::Error::FromSqlConversionFailure(
            0,
            crate::db::types::Type::Text,
            format!("okänd målstatus {s}").into(),
        )
    })
}

/// Goal statuses and overrides (the goal assessment) in a store.
pub trait GoalStore {
    /// Store the statuses of an assessment (after [`delar_followup::assess::apply_overrides`]
    /// with [`SqlStore::goal_overrides`]): the year's rows take the new proposals, and the
    /// decisions stored when the write begins are kept (a decision made after the caller read
    /// them is never overwritten; a decision withdrawn meanwhile stays withdrawn). A row whose
    /// proposal or status changes gets a new version. Goals no longer assessed are removed.
    /// One write transaction.
    fn save_assessment(&mut self, a: &Assessment) -> Result<(), StoreError>;

    /// Assess every goal of `year` from what is stored (the financial indicators' values
    /// `computed` from the ledger and forecast replace typed ones), apply the stored decisions
    /// and store the result: the one status every chapter shows.
    fn assess_goals(
        &mut self,
        year: i32,
        computed: &[delar_followup::model::IndicatorValue],
        rule: &delar_followup::assess::Rule,
    ) -> Result<Assessment, StoreError>;

    /// Record a person's decision on a goal's status. The rationale is required; the goal
    /// must have been assessed for the year ([`SqlStore::save_assessment`]). An empty
    /// `date` is today's (UTC). With `expected` (the [`StoredGoalStatus::version`] the
    /// person saw), a goal changed since is refused with [`StoreError::Conflict`] naming who
    /// changed it, when and the status now stored; nothing is written. Returns the new version.
    fn set_goal_override(
        &mut self,
        o: &Override,
        expected: Option<i64>,
    ) -> Result<i64, GoalOverrideError>;

    /// Remove a decision (by `by`): the goal's status returns to the proposal; `false` when
    /// there was none. `expected` as for [`GoalStore::set_goal_override`].
    fn clear_goal_override(
        &mut self,
        year: i32,
        goal: &str,
        expected: Option<i64>,
        by: &str,
    ) -> Result<bool, StoreError>;

    /// The decisions in force for a year.
    fn goal_overrides(&self, year: i32) -> Result<Vec<Override>, StoreError>;

    /// The stored statuses of a year, by goal code.
    fn goal_statuses(&self, year: i32) -> Result<BTreeMap<String, StoredGoalStatus>, StoreError>;

    /// The stored status of one goal, when assessed.
    fn goal_status(&self, year: i32, goal: &str) -> Result<Option<GoalStatus>, StoreError>;
}

impl GoalStore for SqlStore {
    /// Store the statuses of an assessment (after [`delar_followup::assess::apply_overrides`]
    /// with [`SqlStore::goal_overrides`]); replaces the year's rows, keeping the stored
    /// decisions of goals that remain. Goals no longer assessed are removed. One transaction.
    fn save_assessment(&mut self, a: &Assessment) -> Result<(), StoreError> {
        let now = now_utc();
        let tx = write_tx(&mut self.conn)?;
        // Read inside the write transaction: what is stored now, not what the caller read.
        let stored: HashMap<String, GoalRow> = {
            let mut stmt = tx.prepare(
                "SELECT goal, proposed, status, rationale, decided_by, decided_at, version,
                     changed_by, changed_at
                 FROM goal_status WHERE year = ?1",
            )?;
            let rows = stmt.query_map(params![a.year], goal_row)?;
            let mut out = HashMap::new();
            for r in rows {
                let r = r?;
                out.insert(r.goal.clone(), r);
            }
            out
        };
        for goal in stored.keys().filter(|g| !a.goals.contains_key(*g)) {
            tx.execute(
                "DELETE FROM goal_status WHERE year = ?1 AND goal = ?2",
                params![a.year, goal],
            )?;
        }
        for g in a.goals.values() {
            match stored.get(&g.goal) {
                Some(row) => {
                    // A person's decision stands; without one the proposal is the status.
                    let status = if row.decided_by.is_some() {
                        row.status.clone()
                    } else {
                        g.proposed.key().to_string()
                    };
                    if row.proposed != g.proposed.key() || row.status != status {
                        tx.execute(
                            "UPDATE goal_status SET proposed = ?3, status = ?4, assessed_at = ?5,
                                 version = version + 1, changed_by = NULL, changed_at = ?5
                             WHERE year = ?1 AND goal = ?2",
                            params![a.year, g.goal, g.proposed.key(), status, now],
                        )?;
                    } else {
                        tx.execute(
                            "UPDATE goal_status SET assessed_at = ?3 WHERE year = ?1 AND goal = ?2",
                            params![a.year, g.goal, now],
                        )?;
                    }
                }
                None => {
                    tx.execute(
                        "INSERT INTO goal_status (year, goal, proposed, status, assessed_at,
                             version, changed_at)
                         VALUES (?1, ?2, ?3, ?3, ?4, 1, ?4)",
                        params![a.year, g.goal, g.proposed.key(), now],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Assess every goal of `year` from what is stored (the financial indicators' values
    /// `computed` from the ledger and forecast replace typed ones), apply the stored decisions
    /// and store the result: the one status every chapter shows.
    fn assess_goals(
        &mut self,
        year: i32,
        computed: &[delar_followup::model::IndicatorValue],
        rule: &delar_followup::assess::Rule,
    ) -> Result<Assessment, StoreError> {
        use delar_followup::assess::{apply_overrides, assess, with_financial};
        let data = self.followup(&crate::FollowupFilter::default())?;
        let values = with_financial(&data, year, computed);
        let mut a = assess(&data, year, &values, rule);
        let decisions: Vec<Override> = self
            .goal_overrides(year)?
            .into_iter()
            .filter(|d| a.goals.contains_key(&d.goal))
            .collect();
        apply_overrides(&mut a, &decisions).expect("stored decisions have a rationale");
        self.save_assessment(&a)?;
        // A decision made or withdrawn while this ran was kept by the save; return what is
        // stored, not what was read before.
        let stored: Vec<Override> = self
            .goal_overrides(year)?
            .into_iter()
            .filter(|d| a.goals.contains_key(&d.goal))
            .collect();
        if stored != decisions {
            a = assess(&data, year, &values, rule);
            apply_overrides(&mut a, &stored).expect("stored decisions have a rationale");
        }
        Ok(a)
    }

    /// Record a person's decision on a goal's status. The rationale is required; the goal
    /// must have been assessed for the year ([`SqlStore::save_assessment`]). An empty
    /// `date` is today's (UTC).
    fn set_goal_override(
        &mut self,
        o: &Override,
        expected: Option<i64>,
    ) -> Result<i64, GoalOverrideError> {
        let tx = write_tx(&mut self.conn).map_err(GoalOverrideError::Store)?;
        let (_, version) = write_override(&tx, o, expected)?;
        tx.commit()
            .map_err(|e| GoalOverrideError::Store(e.into()))?;
        Ok(version)
    }

    fn clear_goal_override(
        &mut self,
        year: i32,
        goal: &str,
        expected: Option<i64>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        let done = write_clear(&tx, year, goal, expected, by)?.is_some();
        tx.commit()?;
        Ok(done)
    }

    /// The decisions in force for a year.
    fn goal_overrides(&self, year: i32) -> Result<Vec<Override>, StoreError> {
        Ok(self
            .goal_statuses(year)?
            .into_values()
            .filter_map(|s| s.decision)
            .collect())
    }

    /// The stored statuses of a year, by goal code.
    fn goal_statuses(&self, year: i32) -> Result<BTreeMap<String, StoredGoalStatus>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT goal, proposed, status, rationale, decided_by, decided_at, version,
                 changed_by, changed_at
             FROM goal_status WHERE year = ?1 ORDER BY goal",
        )?;
        let rows = stmt.query_map(params![year], goal_row)?;
        let mut out = BTreeMap::new();
        for r in rows {
            let r = r?;
            let status = key(&r.status).map_err(StoreError::from)?;
            let decision = r.decided_by.clone().map(|by| Override {
                year,
                goal: r.goal.clone(),
                status,
                rationale: r.rationale.clone().unwrap_or_default(),
                by,
                date: r.decided_at.clone().unwrap_or_default(),
            });
            out.insert(
                r.goal.clone(),
                StoredGoalStatus {
                    goal: r.goal.clone(),
                    proposed: key(&r.proposed).map_err(StoreError::from)?,
                    status,
                    decision,
                    version: r.version,
                    changed_by: r.changed_by,
                    changed_at: r.changed_at,
                },
            );
        }
        Ok(out)
    }

    /// The stored status of one goal, when assessed.
    fn goal_status(&self, year: i32, goal: &str) -> Result<Option<GoalStatus>, StoreError> {
        let s: Option<String> = self
            .conn
            .query_row(
                "SELECT status FROM goal_status WHERE year = ?1 AND goal = ?2",
                params![year, goal],
                |r| r.get(0),
            )
            .optional()?;
        Ok(s.and_then(|s| GoalStatus::from_key(&s)))
    }
}

/// Record a decision inside `tx` (see [`GoalStore::set_goal_override`]): the row as it was
/// before and the new version. Nothing is committed here.
pub(crate) fn write_override(
    tx: &Transaction<'_>,
    o: &Override,
    expected: Option<i64>,
) -> Result<(StoredRow, i64), GoalOverrideError> {
    if o.rationale.trim().is_empty() {
        return Err(GoalOverrideError::Rule(OverrideError::MissingRationale(
            o.goal.clone(),
        )));
    }
    let now = now_utc();
    let date = if o.date.trim().is_empty() {
        now[..10].to_string()
    } else {
        o.date.clone()
    };
    let store = GoalOverrideError::Store;
    let Some(row) = read_goal(tx, o.year, &o.goal).map_err(store)? else {
        return Err(GoalOverrideError::Rule(OverrideError::UnknownGoal(
            o.goal.clone(),
        )));
    };
    check_goal_version(o.year, &row, expected).map_err(store)?;
    tx.execute(
        "UPDATE goal_status SET status = ?3, rationale = ?4, decided_by = ?5,
             decided_at = ?6, version = version + 1, changed_by = ?5, changed_at = ?7
         WHERE year = ?1 AND goal = ?2",
        params![
            o.year,
            o.goal,
            o.status.key(),
            o.rationale.trim(),
            o.by,
            date,
            now
        ],
    )
    .map_err(|e| store(e.into()))?;
    let version = row.version + 1;
    Ok((StoredRow(row), version))
}

/// Withdraw a decision inside `tx` (see [`GoalStore::clear_goal_override`]): the row as it
/// was before, `None` when there was no decision. Nothing is committed here.
pub(crate) fn write_clear(
    tx: &Transaction<'_>,
    year: i32,
    goal: &str,
    expected: Option<i64>,
    by: &str,
) -> Result<Option<StoredRow>, StoreError> {
    let Some(row) = read_goal(tx, year, goal)? else {
        return Ok(None);
    };
    check_goal_version(year, &row, expected)?;
    if row.decided_by.is_none() {
        return Ok(None);
    }
    tx.execute(
        "UPDATE goal_status SET status = proposed, rationale = NULL, decided_by = NULL,
             decided_at = NULL, version = version + 1, changed_by = ?3, changed_at = ?4
         WHERE year = ?1 AND goal = ?2",
        params![year, goal, by, now_utc()],
    )?;
    Ok(Some(StoredRow(row)))
}

/// A goal's stored row as read inside a write (for the audit trail of a change).
pub(crate) struct StoredRow(GoalRow);

impl StoredRow {
    /// The status in force, as a word of the default scale.
    pub(crate) fn status_label(&self) -> String {
        label_of(&self.0.status)
    }

    /// The rule's proposal, as a word of the default scale.
    pub(crate) fn proposed_label(&self) -> String {
        label_of(&self.0.proposed)
    }
}

fn label_of(key: &str) -> String {
    GoalStatus::from_key(key)
        .map(|s| Scale::default().label(s).to_string())
        .unwrap_or_else(|| key.to_string())
}

/// A `goal_status` row as stored.
struct GoalRow {
    goal: String,
    proposed: String,
    status: String,
    rationale: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<String>,
    version: i64,
    changed_by: Option<String>,
    changed_at: Option<String>,
}

fn goal_row(r: &crate::db::Row<'_>) -> crate::db::Result<GoalRow> {
    Ok(GoalRow {
        goal: r.get(0)?,
        proposed: r.get(1)?,
        status: r.get(2)?,
        rationale: r.get(3)?,
        decided_by: r.get(4)?,
        decided_at: r.get(5)?,
        version: r.get(6)?,
        changed_by: r.get(7)?,
        changed_at: r.get(8)?,
    })
}

fn read_goal(tx: &Transaction<'_>, year: i32, goal: &str) -> Result<Option<GoalRow>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT goal, proposed, status, rationale, decided_by, decided_at, version,
                 changed_by, changed_at
             FROM goal_status WHERE year = ?1 AND goal = ?2",
            params![year, goal],
            goal_row,
        )
        .optional()?)
}

/// Refuse a change of a goal's status based on version `expected` when the row is at another:
/// the message names who changed it, when, and the status now stored.
fn check_goal_version(year: i32, row: &GoalRow, expected: Option<i64>) -> Result<(), StoreError> {
    let Some(v) = expected else {
        return Ok(());
    };
    if v == row.version {
        return Ok(());
    }
    let when = row
        .changed_at
        .as_deref()
        .map(|at| format!(" {}", at.replace('T', " ").trim_end_matches('Z')))
        .unwrap_or_default();
    let who = match &row.changed_by {
        Some(by) => format!("{by} ändrade den{when}"),
        None => format!("en ny bedömning ändrade den{when}"),
    };
    let scale = Scale::default();
    let label = |k: &str| {
        GoalStatus::from_key(k)
            .map(|s| scale.label(s).to_string())
            .unwrap_or_else(|| k.to_string())
    };
    let now = match (&row.decided_by, &row.rationale) {
        (Some(by), Some(why)) => format!(
            "nu gäller «{}», beslutat av {by} med motiveringen «{why}» (förslaget är «{}»)",
            label(&row.status),
            label(&row.proposed)
        ),
        _ => format!("nu gäller förslaget «{}»", label(&row.status)),
    };
    Err(StoreError::Conflict(format!(
        "bedömningen av mål {} {year} har ändrats sedan du läste den: {who} och {now} (version \
         {}). Din ändring sparades inte; läs bedömningen igen och gör ändringen på nytt.",
        row.goal, row.version
    )))
}

/// Why a decision was not stored.
#[derive(Debug)]
pub enum GoalOverrideError {
    /// Rationale missing or unknown goal.
    Rule(OverrideError),
    /// A store error.
    Store(StoreError),
}

impl std::fmt::Display for GoalOverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoalOverrideError::Rule(e) => write!(f, "{e}"),
            GoalOverrideError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for GoalOverrideError {}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_followup::assess::{apply_overrides, assess, Rule};
    use delar_followup::model::*;

    fn data() -> FollowupData {
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
                    forecast: AssignmentStatus::Done,
                },
                comment: None,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn statuses_are_stored_once_and_decisions_survive_reassessment() {
        let mut s = SqlStore::open_in_memory().unwrap();
        let d = data();
        let a = assess(&d, 2025, &d.values, &Rule::default());
        s.save_assessment(&a).unwrap();
        assert_eq!(s.goal_status(2025, "SN1").unwrap(), Some(GoalStatus::Met));
        let o = Override {
            year: 2025,
            goal: "SN1".into(),
            status: GoalStatus::Partly,
            rationale: String::new(),
            by: "Anna".into(),
            date: "2025-09-10".into(),
        };
        let e = s.set_goal_override(&o, None).unwrap_err();
        assert!(e.to_string().contains("utan motivering"), "{e}");
        let mut unknown = o.clone();
        unknown.goal = "X".into();
        unknown.rationale = "x".into();
        assert!(s.set_goal_override(&unknown, None).is_err());
        // The database refuses a decision without a rationale even past the API.
        assert!(s
            .connection()
            .execute(
                "UPDATE goal_status SET decided_by = 'x', rationale = ' ' WHERE goal = 'SN1'",
                [],
            )
            .is_err());
        let o = Override {
            rationale: "Aktiviteten är genomförd men effekten syns först nästa år.".into(),
            ..o
        };
        s.set_goal_override(&o, None).unwrap();
        assert_eq!(
            s.goal_status(2025, "SN1").unwrap(),
            Some(GoalStatus::Partly)
        );
        // Reassessing keeps the decision.
        let mut a = assess(&d, 2025, &d.values, &Rule::default());
        apply_overrides(&mut a, &s.goal_overrides(2025).unwrap()).unwrap();
        s.save_assessment(&a).unwrap();
        let st = s.goal_statuses(2025).unwrap();
        assert_eq!(st["SN1"].proposed, GoalStatus::Met);
        assert_eq!(st["SN1"].status, GoalStatus::Partly);
        assert_eq!(st["SN1"].decision.as_ref().unwrap().by, "Anna");
        assert_eq!(st["MO1"].status, GoalStatus::Met);
        assert!(s.clear_goal_override(2025, "SN1", None, "Anna").unwrap());
        assert_eq!(s.goal_status(2025, "SN1").unwrap(), Some(GoalStatus::Met));
        assert!(s.goal_overrides(2025).unwrap().is_empty());
    }

    #[test]
    fn assess_goals_from_the_store_keeps_decisions() {
        let mut s = SqlStore::open_in_memory().unwrap();
        let d = data();
        s.import_followup_rows(&d.goals, "mal.csv", "a").unwrap();
        s.import_followup_rows(&d.commitments, "uppdrag.csv", "b")
            .unwrap();
        let a = s.assess_goals(2025, &[], &Rule::default()).unwrap();
        assert_eq!(a.status("SN1"), GoalStatus::Met);
        s.set_goal_override(
            &Override {
                year: 2025,
                goal: "SN1".into(),
                status: GoalStatus::NotMet,
                rationale: "Effekten uteblev.".into(),
                by: "Anna".into(),
                date: "2025-09-10".into(),
            },
            None,
        )
        .unwrap();
        let a = s.assess_goals(2025, &[], &Rule::default()).unwrap();
        assert_eq!(a.status("SN1"), GoalStatus::NotMet);
        assert_eq!(a.goals["SN1"].proposed, GoalStatus::Met);
        assert_eq!(
            s.goal_status(2025, "SN1").unwrap(),
            Some(GoalStatus::NotMet)
        );
    }
}
