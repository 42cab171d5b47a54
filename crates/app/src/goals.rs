//! The goal assessment: the proposed status of every goal of a year from its indicators,
//! activities and child goals (`delar_followup::assess`), and a person's decisions that
//! override it, each with a mandatory rationale (docs/GOALS.md).

use crate::{fail, Result};
use delar_followup::assess::{Assessment, GoalStatus as Status, Override, Rule, Scale};
use delar_followup::model::Goal;
use delar_store::prelude::*;

/// A status scale by name: `standard`, or `orebro2019` (any case, dashes and spaces ignored).
pub fn scale(name: &str) -> Result<Scale> {
    match name.to_lowercase().replace(['-', ' ', '_'], "").as_str() {
        "standard" => Ok(Scale::default()),
        "orebro2019" | "örebro2019" => Ok(Scale::orebro_2019()),
        other => fail!("okänd skala \"{other}\". Välj standard eller orebro2019."),
    }
}

/// `year`, or the latest year with goals when `None`.
pub fn year_or_latest(store: &dyn Backend, year: Option<i32>) -> Result<i32> {
    if let Some(y) = year {
        return Ok(y);
    }
    let data = store.followup(&Default::default())?;
    match data.goals.iter().map(|g| g.year).max() {
        Some(y) => Ok(y),
        None => fail!("databasen har inga mål. Importera mal.csv först (delar import mal)."),
    }
}

/// Assess the year's goals (and store the proposal); returns the goals of the year with the
/// assessment.
pub fn assess(store: &mut dyn Backend, year: i32) -> Result<(Vec<Goal>, Assessment)> {
    let a = store.assess_goals(year, &[], &Rule::default())?;
    let goals = store
        .followup(&Default::default())?
        .goals
        .into_iter()
        .filter(|g| g.year == year)
        .collect();
    Ok((goals, a))
}

/// Decide a goal's status (`status` a word of `scale`) with a rationale, by `by`; the year is
/// assessed first when it has not been. With `expected` (the version the person saw,
/// [`delar_store::StoredGoalStatus::version`]) a goal changed since is refused
/// (`StoreError::Conflict`, naming who changed it, when and the status now). Returns the
/// status decided.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    store: &mut dyn Backend,
    year: i32,
    goal: &str,
    status: &str,
    scale: &Scale,
    rationale: String,
    by: String,
    expected: Option<i64>,
) -> Result<Status> {
    let Some(st) = scale.parse(status) else {
        fail!(
            "\"{status}\" finns inte i skalan. Välj {}, {} eller {}.",
            scale.met,
            scale.partly,
            scale.not_met
        );
    };
    if store.goal_statuses(year)?.is_empty() {
        store.assess_goals(year, &[], &Rule::default())?;
    }
    store.set_goal_override(
        &Override {
            year,
            goal: goal.to_string(),
            status: st,
            rationale,
            by,
            date: String::new(),
        },
        expected,
    )?;
    Ok(st)
}

/// Withdraw the decision on a goal (the proposal holds again), by `by`; `false` when there was
/// none. `expected` as for [`decide`].
pub fn reset(
    store: &mut dyn Backend,
    year: i32,
    goal: &str,
    by: &str,
    expected: Option<i64>,
) -> Result<bool> {
    Ok(store.clear_goal_override(year, goal, expected, by)?)
}
