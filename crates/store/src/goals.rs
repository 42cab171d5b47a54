//! Goal statuses in the store (migration 6): the status of each goal for a year is stored
//! once, with the rule's proposal and, when a person decided otherwise, the decision with its
//! mandatory rationale. Every chapter reads the status from here (R10).

use crate::db::{params, OptionalExtension};
use crate::time::now_utc;
use crate::{SqlStore, StoreError};
use delar_followup::assess::{Assessment, GoalStatus, Override, OverrideError};
use std::collections::BTreeMap;

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
    /// with [`SqlStore::goal_overrides`]); replaces the year's rows, keeping the stored
    /// decisions of goals that remain. Goals no longer assessed are removed. One transaction.
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
    /// `date` is today's (UTC).
    fn set_goal_override(&mut self, o: &Override) -> Result<(), GoalOverrideError>;

    /// Remove a decision: the goal's status returns to the proposal.
    fn clear_goal_override(&mut self, year: i32, goal: &str) -> Result<bool, StoreError>;

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
        let decisions = self.goal_overrides(a.year)?;
        let now = now_utc();
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM goal_status WHERE year = ?1", params![a.year])?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO goal_status (year, goal, proposed, status, assessed_at, rationale,
                     decided_by, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for g in a.goals.values() {
                let d = decisions.iter().find(|d| d.goal == g.goal);
                let status = d.map(|d| d.status).unwrap_or(g.status);
                ins.execute(params![
                    a.year,
                    g.goal,
                    g.proposed.key(),
                    status.key(),
                    now,
                    d.map(|d| d.rationale.as_str()),
                    d.map(|d| d.by.as_str()),
                    d.map(|d| d.date.as_str()),
                ])?;
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
        Ok(a)
    }

    /// Record a person's decision on a goal's status. The rationale is required; the goal
    /// must have been assessed for the year ([`SqlStore::save_assessment`]). An empty
    /// `date` is today's (UTC).
    fn set_goal_override(&mut self, o: &Override) -> Result<(), GoalOverrideError> {
        if o.rationale.trim().is_empty() {
            return Err(GoalOverrideError::Rule(OverrideError::MissingRationale(
                o.goal.clone(),
            )));
        }
        let date = if o.date.trim().is_empty() {
            now_utc()[..10].to_string()
        } else {
            o.date.clone()
        };
        let n = self
            .conn
            .execute(
                "UPDATE goal_status SET status = ?3, rationale = ?4, decided_by = ?5,
                     decided_at = ?6 WHERE year = ?1 AND goal = ?2",
                params![
                    o.year,
                    o.goal,
                    o.status.key(),
                    o.rationale.trim(),
                    o.by,
                    date
                ],
            )
            .map_err(|e| GoalOverrideError::Store(e.into()))?;
        if n == 0 {
            return Err(GoalOverrideError::Rule(OverrideError::UnknownGoal(
                o.goal.clone(),
            )));
        }
        Ok(())
    }

    /// Remove a decision: the goal's status returns to the proposal.
    fn clear_goal_override(&mut self, year: i32, goal: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE goal_status SET status = proposed, rationale = NULL, decided_by = NULL,
                 decided_at = NULL WHERE year = ?1 AND goal = ?2 AND decided_by IS NOT NULL",
            params![year, goal],
        )?;
        Ok(n > 0)
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
            "SELECT goal, proposed, status, rationale, decided_by, decided_at
             FROM goal_status WHERE year = ?1 ORDER BY goal",
        )?;
        let rows = stmt.query_map(params![year], |r| {
            let goal: String = r.get(0)?;
            let status = key(&r.get::<_, String>(2)?)?;
            let by: Option<String> = r.get(4)?;
            Ok(StoredGoalStatus {
                proposed: key(&r.get::<_, String>(1)?)?,
                status,
                decision: match by {
                    Some(by) => Some(Override {
                        year,
                        goal: goal.clone(),
                        status,
                        rationale: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        by,
                        date: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    }),
                    None => None,
                },
                goal,
            })
        })?;
        let mut out = BTreeMap::new();
        for r in rows {
            let r = r?;
            out.insert(r.goal.clone(), r);
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
        let e = s.set_goal_override(&o).unwrap_err();
        assert!(e.to_string().contains("utan motivering"), "{e}");
        let mut unknown = o.clone();
        unknown.goal = "X".into();
        unknown.rationale = "x".into();
        assert!(s.set_goal_override(&unknown).is_err());
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
        s.set_goal_override(&o).unwrap();
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
        assert!(s.clear_goal_override(2025, "SN1").unwrap());
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
        s.set_goal_override(&Override {
            year: 2025,
            goal: "SN1".into(),
            status: GoalStatus::NotMet,
            rationale: "Effekten uteblev.".into(),
            by: "Anna".into(),
            date: "2025-09-10".into(),
        })
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
