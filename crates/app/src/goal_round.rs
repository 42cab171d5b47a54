//! The goals of a node in a forecast round, as the web application's goal page shows and
//! changes them (docs/GOALS.md "In the browser"): the goals in scope with their indicators,
//! the proposed status from the assessment rule with its reason, decisions with a mandatory
//! rationale, the analysis texts per goal; indicator values to date and forecasts entered per
//! round by the people responsible; the goals' workflow per round × node with the forecast's
//! states and rules; everything in an audit trail.
//!
//! Goals and indicators belong to an organisation node (their `nämnd` column, the committee):
//! that node's page is where they are entered, submitted and reviewed. A node above shows the
//! goals of the nodes under it; a node below (a unit) shows its committee's goals to read.
//! Who may do what is [`crate::auth`]'s: entering needs [`Action::Edit`], submitting and
//! recalling [`Action::Submit`], decisions, approving and returning [`Action::Review`], all on
//! the node that owns the goals.

use crate::auth::{authorize, Action, Authorized};
use crate::workflow::{Step, MAX_COMMENT};
use crate::{fail, AppError, Result};
use delar_core::{Round, YearMonth};
use delar_followup::assess::{
    apply_overrides, assess, Assessment, GoalStatus, IndicatorJudgement, Override, Rule, Scale,
};
use delar_followup::model::{
    Figure, FollowupData, Goal, GoalLevel, GoalText, GoalTextKind, Indicator, IndicatorValue, Kmt,
    Trend, ValueKind, Word,
};
use delar_store::prelude::*;
use delar_store::{
    EntryKind, GoalAuditEntry, GoalOverrideError, GoalTextEntry, IndicatorEntry, NodeState,
    RoundStatus, StoredGoalStatus, Transition, WorkflowState,
};
use std::collections::{BTreeMap, BTreeSet};

/// One indicator as the goal page shows it.
#[derive(Clone, Debug)]
pub struct IndicatorRow {
    /// The indicator.
    pub indicator: Indicator,
    /// The outcome of the two years before the round's (oldest first): year and figure.
    pub history: Vec<(i32, Option<Figure>)>,
    /// The value to date in force (an entry for the round, else the latest imported) and its
    /// month.
    pub to_date: Option<(YearMonth, Figure)>,
    /// The forecast in force (an entry for the round, else the imported one).
    pub forecast: Option<Figure>,
    /// The target.
    pub target: Option<Figure>,
    /// The round's entries (to date, forecast), when made, with who and when.
    pub entries: BTreeMap<EntryKind, IndicatorEntry>,
    /// How the indicator is judged.
    pub judgement: Option<IndicatorJudgement>,
}

impl IndicatorRow {
    /// The version of the round's entry of `kind` (0 = none yet): what a form sends back.
    pub fn version(&self, kind: EntryKind) -> i64 {
        self.entries.get(&kind).map(|e| e.version).unwrap_or(0)
    }
}

/// One goal as the goal page shows it.
#[derive(Clone, Debug)]
pub struct GoalRow {
    /// The goal.
    pub goal: Goal,
    /// The node its indicators, entries and decisions belong to.
    pub owner: String,
    /// The status in force, the proposal and the decision with its version.
    pub stored: Option<StoredGoalStatus>,
    /// The status in force now (from the round's values), the proposal and its reason.
    pub status: GoalStatus,
    /// The proposal from the rule.
    pub proposed: GoalStatus,
    /// The proposal's reasoning in Swedish.
    pub reason: String,
    /// The indicators following it.
    pub indicators: Vec<IndicatorRow>,
    /// Analysis texts in force (summary, positive observations, areas for improvement): the
    /// round's edited text of a kind where there is one, else the imported ones.
    pub texts: Vec<GoalText>,
    /// The round's edited texts by kind, with their versions, who and when.
    pub text_entries: BTreeMap<GoalTextKind, GoalTextEntry>,
}

impl GoalRow {
    /// The version of the round's edited text of `kind` (0 = none yet): what a form sends
    /// back.
    pub fn text_version(&self, kind: GoalTextKind) -> i64 {
        self.text_entries.get(&kind).map(|e| e.version).unwrap_or(0)
    }

    /// The text of `kind` in force as one text to edit (observations and areas one per
    /// line).
    pub fn text_of(&self, kind: GoalTextKind) -> String {
        self.texts
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Everything a goal page shows for one node.
#[derive(Clone, Debug)]
pub struct GoalSheet {
    /// Who asks and the round's tree.
    pub auth: Authorized,
    /// The path from the top to the node (code, name).
    pub path: Vec<(String, String)>,
    /// The node's name.
    pub name: String,
    /// The goals' year (the round's).
    pub year: i32,
    /// The nodes that own goals in scope, in tree order.
    pub owners: Vec<String>,
    /// The node's own goals' state (`None` when the node owns no goals).
    pub state: Option<NodeState>,
    /// The goals in scope: the committee goals, by owner.
    pub goals: Vec<GoalRow>,
    /// The goal areas the goals in scope serve, once per owner, with that owner's analysis
    /// texts for the area (what the report's goal chapter prints per area); no indicators.
    pub areas: Vec<GoalRow>,
    /// The person may enter values now (role, state and lock considered).
    pub may_edit: bool,
    /// The person may decide statuses now.
    pub may_decide: bool,
    /// The workflow steps the person may take now.
    pub steps: Vec<Step>,
    /// The status scale's words.
    pub scale: Scale,
    /// The states of the owners under the node (for a higher node), by owner.
    pub owner_states: BTreeMap<String, NodeState>,
}

/// The goal areas that `owner`'s committee goals serve (through their council goals), in the
/// order of the goals.
fn areas_of<'a>(goals: &'a [Goal], owner: &str) -> Vec<&'a Goal> {
    let parent = |code: &str| {
        goals
            .iter()
            .find(|g| g.code == code)
            .and_then(|g| g.parent.as_deref())
    };
    let served: BTreeSet<&str> = goals
        .iter()
        .filter(|g| g.level == GoalLevel::Committee && goal_owner(g) == Some(owner))
        .filter_map(|g| g.parent.as_deref())
        .flat_map(|p| [Some(p), parent(p)])
        .flatten()
        .collect();
    goals
        .iter()
        .filter(|g| g.level == GoalLevel::Area && served.contains(g.code.as_str()))
        .collect()
}

/// The node a goal belongs to: its committee, else (a council goal or goal area) none.
fn goal_owner(g: &Goal) -> Option<&str> {
    g.committee.as_deref()
}

/// The node an indicator belongs to: its committee, else its goal's.
fn indicator_owner<'a>(i: &'a Indicator, goals: &'a [Goal]) -> Option<&'a str> {
    i.committee
        .as_deref()
        .or_else(|| goals.iter().find(|g| g.code == i.goal).and_then(goal_owner))
}

/// The round's values: the imported ones with the round's entries in place of the imported
/// value of the same kind (to date at the cut-off month, the forecast).
pub fn values_with_entries(
    data: &FollowupData,
    round: &Round,
    entries: &[IndicatorEntry],
) -> Vec<IndicatorValue> {
    let month = round.cutoff_month();
    let kind_of = |k: EntryKind| match k {
        EntryKind::ToDate => ValueKind::ToDate(month),
        EntryKind::Forecast => ValueKind::Forecast,
    };
    let mut out: Vec<IndicatorValue> = data
        .values
        .iter()
        .filter(|v| {
            !(v.year == round.year
                && entries
                    .iter()
                    .any(|e| e.indicator == v.indicator && kind_of(e.kind) == v.kind))
        })
        .cloned()
        .collect();
    for e in entries {
        out.push(IndicatorValue {
            indicator: e.indicator.clone(),
            year: round.year,
            kind: kind_of(e.kind),
            figure: entry_figure(e),
            comment: None,
        });
    }
    out
}

fn entry_figure(e: &IndicatorEntry) -> Figure {
    if let Some(t) = e.word.as_deref().and_then(Trend::from_label) {
        return Figure::Word(t);
    }
    let k = Kmt {
        women: e.women,
        men: e.men,
        total: e.total,
    };
    if k.is_empty() {
        Figure::NoData
    } else {
        Figure::Number(k)
    }
}

/// The year's goal texts with the round's edits in place of the imported texts of the same
/// goal and kind: a summary is one text, observations and areas for improvement one text per
/// non-empty line; an edit left empty removes the kind. The one rule the goal page and the
/// report share.
pub fn texts_with_edits(texts: &[GoalText], year: i32, edits: &[GoalTextEntry]) -> Vec<GoalText> {
    let mut out: Vec<GoalText> = texts
        .iter()
        .filter(|t| {
            !(t.year == year
                && edits
                    .iter()
                    .any(|e| e.goal == t.goal && e.kind == t.kind && e.node == t.committee))
        })
        .cloned()
        .collect();
    for e in edits {
        let text = |s: &str| GoalText {
            year,
            committee: e.node.clone(),
            goal: e.goal.clone(),
            kind: e.kind,
            text: s.to_string(),
        };
        match e.kind {
            GoalTextKind::Analysis => {
                if !e.text.trim().is_empty() {
                    out.push(text(e.text.trim()));
                }
            }
            GoalTextKind::Positive | GoalTextKind::Improvement => out.extend(
                e.text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(text),
            ),
        }
    }
    out
}

/// The round's follow-up data as the goal page and the report show it: the indicator values
/// entered for the round in place of the imported ones of the same kind, and the goal texts
/// edited for the round in place of the imported ones ([`values_with_entries`],
/// [`texts_with_edits`]).
pub fn with_round_entries(
    store: &dyn Backend,
    round: &Round,
    data: &mut FollowupData,
) -> Result<()> {
    let id = round.id();
    let entries = store.indicator_entries(&id)?;
    data.values = values_with_entries(data, round, &entries);
    let edits = store.goal_text_entries(&id, &[])?;
    data.texts = texts_with_edits(&data.texts, round.year, &edits);
    Ok(())
}

/// The round's assessment of the year's goals: the rule over the values with the round's
/// entries, with the stored decisions (`stored`, the year's statuses) applied.
fn assessment(
    round: &Round,
    data: &FollowupData,
    values: &[IndicatorValue],
    stored: &BTreeMap<String, StoredGoalStatus>,
) -> Result<Assessment> {
    let mut a = assess(data, round.year, values, &Rule::default());
    let decisions: Vec<Override> = stored
        .values()
        .filter_map(|s| s.decision.clone())
        .filter(|d| a.goals.contains_key(&d.goal))
        .collect();
    apply_overrides(&mut a, &decisions).map_err(AppError::from_display)?;
    Ok(a)
}

/// Assess the round's goals with its entries and store the proposals (decisions kept): the
/// status every chapter and page then shows.
pub fn reassess(store: &mut dyn Backend, round: &Round) -> Result<Assessment> {
    let data = store.followup(&delar_store::FollowupFilter {
        year: Some(round.year),
        committee: None,
    })?;
    let entries = store.indicator_entries(&round.id())?;
    let values = values_with_entries(&data, round, &entries);
    let a = assessment(round, &data, &values, &store.goal_statuses(round.year)?)?;
    store.save_assessment(&a)?;
    Ok(a)
}

/// The owners in scope of `node`: itself, the one above it (a unit's committee) or those under
/// it, in tree order.
fn owners_in_scope(auth: &Authorized, owners: &BTreeSet<String>) -> Vec<String> {
    let node = auth.node.as_str();
    let tree = &auth.tree;
    let mut out: Vec<String> = tree
        .walk()
        .map(|(_, n)| n.code.clone())
        .filter(|c| owners.contains(c))
        .filter(|c| {
            c == node
                || tree.ancestors(node).iter().any(|a| &a.code == c)
                || tree.ancestors(c).iter().any(|a| a.code == node)
        })
        .collect();
    out.dedup();
    out
}

/// The goal page of `node` in `round` for `user` (who must be allowed to read the node).
pub fn goal_sheet(store: &dyn Backend, user: &str, round: &Round, node: &str) -> Result<GoalSheet> {
    let auth = authorize(store, user, round, node, Action::Read)?;
    let id = round.id();
    // Only what the page shows: the year's goals, indicators, texts and activities, and the
    // values of the year and the two before it; nothing is written on a read.
    let data = store.goal_data(round.year)?;
    let goals: Vec<Goal> = data
        .goals
        .iter()
        .filter(|g| g.year == round.year)
        .cloned()
        .collect();
    let all_owners: BTreeSet<String> = goals
        .iter()
        .filter_map(|g| goal_owner(g).map(str::to_string))
        .chain(
            data.indicators
                .iter()
                .filter_map(|i| indicator_owner(i, &goals).map(str::to_string)),
        )
        .collect();
    let owners = owners_in_scope(&auth, &all_owners);
    // The page assesses and shows the goals of the owners in scope only: the other
    // committees' indicators and values stay out of the work (a committee goal's status
    // depends on its own indicators and activities alone).
    let mut data = data;
    data.indicators
        .retain(|i| indicator_owner(i, &goals).is_some_and(|o| owners.iter().any(|x| x == o)));
    let shown: BTreeSet<&str> = data.indicators.iter().map(|i| i.code.as_str()).collect();
    data.values.retain(|v| shown.contains(v.indicator.as_str()));
    let entries: Vec<IndicatorEntry> = store
        .indicator_entries(&id)?
        .into_iter()
        .filter(|e| shown.contains(e.indicator.as_str()))
        .collect();
    let values = values_with_entries(&data, round, &entries);
    let stored = store.goal_statuses(round.year)?;
    let a = assessment(round, &data, &values, &stored)?;
    let edits = store.goal_text_entries(&id, &[])?;
    let texts = texts_with_edits(&data.texts, round.year, &edits);
    let scale = Scale::default();
    let mut by_indicator: BTreeMap<&str, BTreeMap<EntryKind, IndicatorEntry>> = BTreeMap::new();
    for e in &entries {
        by_indicator
            .entry(e.indicator.as_str())
            .or_default()
            .insert(e.kind, e.clone());
    }
    let value = |ind: &str, year: i32, pick: &dyn Fn(&ValueKind) -> bool| {
        values
            .iter()
            .filter(|v| v.indicator == ind && v.year == year && pick(&v.kind))
            .max_by_key(|v| v.kind)
            .cloned()
    };
    let row_of = |g: &Goal, owner: &str| -> GoalRow {
        let indicators = data
            .indicators
            .iter()
            .filter(|i| i.goal == g.code)
            .map(|i| {
                let to_date = value(&i.code, round.year, &|k| matches!(k, ValueKind::ToDate(_)))
                    .and_then(|v| match v.kind {
                        ValueKind::ToDate(m) => Some((m, v.figure)),
                        _ => None,
                    });
                IndicatorRow {
                    history: (round.year - 2..round.year)
                        .map(|y| {
                            (
                                y,
                                value(&i.code, y, &|k| *k == ValueKind::Outcome).map(|v| v.figure),
                            )
                        })
                        .collect(),
                    to_date,
                    forecast: value(&i.code, round.year, &|k| *k == ValueKind::Forecast)
                        .map(|v| v.figure),
                    target: value(&i.code, round.year, &|k| *k == ValueKind::Target)
                        .map(|v| v.figure),
                    entries: by_indicator
                        .get(i.code.as_str())
                        .cloned()
                        .unwrap_or_default(),
                    judgement: a.indicators.get(&i.code).cloned(),
                    indicator: i.clone(),
                }
            })
            .collect();
        let ga = a.goals.get(&g.code);
        GoalRow {
            owner: owner.to_string(),
            stored: stored.get(&g.code).cloned(),
            status: ga.map(|x| x.status).unwrap_or(GoalStatus::NotAssessed),
            proposed: ga.map(|x| x.proposed).unwrap_or(GoalStatus::NotAssessed),
            reason: ga.map(|x| x.explanation(&scale)).unwrap_or_default(),
            indicators,
            texts: texts
                .iter()
                .filter(|t| t.goal == g.code && t.year == round.year && t.committee == owner)
                .cloned()
                .collect(),
            text_entries: edits
                .iter()
                .filter(|e| e.goal == g.code && e.node == owner)
                .map(|e| (e.kind, e.clone()))
                .collect(),
            goal: g.clone(),
        }
    };
    let mut rows = Vec::new();
    let mut areas = Vec::new();
    for o in &owners {
        for area in areas_of(&goals, o) {
            let mut row = row_of(area, o);
            row.indicators.clear();
            areas.push(row);
        }
        for g in goals
            .iter()
            .filter(|g| g.level == GoalLevel::Committee && goal_owner(g) == Some(o.as_str()))
        {
            rows.push(row_of(g, o));
        }
    }
    let own = owners.iter().any(|o| o == node);
    let state = if own {
        Some(store.goal_workflow_state(&id, node)?)
    } else {
        None
    };
    let owner_states: BTreeMap<String, NodeState> = store
        .goal_workflow_states(&id)?
        .into_iter()
        .filter(|s| owners.contains(&s.node))
        .map(|s| (s.node.clone(), s))
        .collect();
    let open = auth.round.status == RoundStatus::Open;
    let may = |a| auth.access.may(&auth.tree, node, a);
    let s = state.as_ref().map(|s| s.state);
    let may_edit = open
        && own
        && may(Action::Edit)
        && (may(Action::Review)
            || !matches!(s, Some(WorkflowState::Submitted | WorkflowState::Approved)));
    let may_decide = open && own && may(Action::Review);
    let steps = match (open, &state) {
        (true, Some(st)) => Step::ALL
            .into_iter()
            .filter(|x| x.allowed_from(st.state) && may(x.action()))
            .filter(|x| *x != Step::Recall || st.changed_by.as_deref() == Some(user))
            .collect(),
        _ => Vec::new(),
    };
    let path = auth
        .tree
        .path(node)
        .iter()
        .map(|n| (n.code.clone(), n.name.clone()))
        .collect();
    let name = auth
        .tree
        .node(node)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    Ok(GoalSheet {
        path,
        name,
        year: round.year,
        owners,
        state,
        goals: rows,
        areas,
        may_edit,
        may_decide,
        steps,
        scale,
        owner_states,
        auth,
    })
}

/// Refuse a change on a locked round, naming who locked it and when.
fn refuse_locked(auth: &Authorized) -> Result<()> {
    if auth.round.status == RoundStatus::Locked {
        return Err(AppError::Invalid(delar_store::locked_message(
            &auth.round.round.id(),
            auth.round.locked_at.as_deref(),
            auth.round.locked_by.as_deref(),
        )));
    }
    Ok(())
}

/// The year's follow-up data (goals, indicators) and a refusal when `node` does not own
/// `indicator`.
fn owned_indicator(
    store: &dyn Backend,
    round: &Round,
    node: &str,
    code: &str,
) -> Result<Indicator> {
    let data = store.goal_data(round.year)?;
    let goals: Vec<Goal> = data
        .goals
        .iter()
        .filter(|g| g.year == round.year)
        .cloned()
        .collect();
    let Some(i) = data.indicators.iter().find(|i| i.code == code) else {
        return Err(AppError::NotFound(format!(
            "indikatorn {code} finns inte för {}; ladda om sidan",
            round.year
        )));
    };
    if indicator_owner(i, &goals) != Some(node) {
        return Err(AppError::NotFound(format!(
            "indikatorn {code} hör inte till {node} utan till {}; ange värdet på den sidan",
            indicator_owner(i, &goals).unwrap_or("ingen nod")
        )));
    }
    Ok(i.clone())
}

/// Whether the goals of `node` may be changed now by the person `auth` is for: refused in a
/// locked round, and for those who may not review the node while its goals are submitted or
/// approved.
fn check_goals_editable(store: &dyn Backend, auth: &Authorized, node: &str) -> Result<()> {
    refuse_locked(auth)?;
    let state = store.goal_workflow_state(&auth.round.round.id(), node)?;
    if matches!(
        state.state,
        WorkflowState::Submitted | WorkflowState::Approved
    ) && !auth.access.may(&auth.tree, node, Action::Review)
    {
        fail!(
            "målen för {node} är {} och kan inte ändras; återkalla dem först (om de inte är \
             granskade) eller be ekonomen skicka tillbaka dem",
            state.state.label()
        );
    }
    Ok(())
}

/// Why a value of `kind` of the indicator cannot be entered on the goal page, when it cannot:
/// the report takes it from elsewhere (one measure, one source), so an entry would make the
/// page and the report disagree. A financial indicator is computed from the ledger and the
/// forecast; an indicator whose `källa` is a register (staff, queues, volumes, comparisons)
/// takes its value to date from it (its forecast may be entered).
pub fn not_enterable(i: &Indicator, kind: EntryKind) -> Option<String> {
    if i.source == delar_followup::model::SourceKind::Ledger {
        return Some(format!(
            "indikatorn {} beräknas ur huvudboken och prognosen; dess värden kan inte anges \
             här utan följer omgångens prognos",
            i.code
        ));
    }
    if kind == EntryKind::ToDate && delar_followup::sources::source_of(i).is_some() {
        return Some(format!(
            "indikatorn {} hämtar sitt värde hittills ur registret \"{}\"; ändra värdet där \
             (en prognos kan anges här)",
            i.code,
            i.source.label()
        ));
    }
    None
}

/// An indicator value typed on the goal page.
#[derive(Clone, Copy, Debug)]
pub struct EntryInput<'a> {
    /// The indicator's code.
    pub indicator: &'a str,
    /// To date or forecast.
    pub kind: EntryKind,
    /// The version of the round's entry the page was built from (0 = none yet).
    pub version: i64,
    /// Women, as typed (empty = none).
    pub women: &'a str,
    /// Men, as typed.
    pub men: &'a str,
    /// Total, as typed: a number (`80,5`, `1 234`, `−3`), or for a forecast a direction word
    /// (`Ökar`, `Bibehåller`, `Minskar`); empty = no data (i.u.).
    pub total: &'a str,
}

fn number(field: &str, indicator: &str, s: &str) -> Result<Option<f64>> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("i.u.") {
        return Ok(None);
    }
    delar_tabular::parse_number(t)
        .map(Some)
        .map_err(|e| AppError::Invalid(format!("fältet {field} för indikatorn {indicator}: {e}")))
}

/// Keep an indicator's value to date or forecast for the round, entered on `node`'s page by
/// `user` (who needs [`Action::Edit`] on the node that owns the indicator), and reassess the
/// goals. A stale version is refused naming who changed it; a locked round and submitted or
/// approved goals (for those who may not review them) refuse. Returns the new version.
pub fn save_entry(
    store: &mut dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    input: &EntryInput<'_>,
) -> Result<i64> {
    let auth = authorize(store, user, round, node, Action::Edit)?;
    check_goals_editable(store, &auth, node)?;
    let ind = owned_indicator(store, round, node, input.indicator)?;
    if let Some(why) = not_enterable(&ind, input.kind) {
        fail!("{why}");
    }
    let code = ind.code.as_str();
    let mut word = None;
    let total = match number("totalt", code, input.total) {
        Ok(v) => v,
        Err(e) => match (input.kind, Trend::from_label(input.total)) {
            (EntryKind::Forecast, Some(t)) => {
                word = Some(t.label().to_string());
                None
            }
            _ => {
                return Err(match input.kind {
                    EntryKind::Forecast => AppError::Invalid(format!(
                        "{e} En prognos kan också vara ett av orden {}.",
                        Trend::labels().join(", ")
                    )),
                    EntryKind::ToDate => e,
                })
            }
        },
    };
    let (women, men) = if ind.by_sex {
        (
            number("kvinnor", code, input.women)?,
            number("män", code, input.men)?,
        )
    } else {
        if !input.women.trim().is_empty() || !input.men.trim().is_empty() {
            fail!(
                "indikatorn {code} redovisas inte per kön; skriv bara totalt och lämna kvinnor \
                 och män tomma"
            );
        }
        (None, None)
    };
    if word.is_some() && (women.is_some() || men.is_some()) {
        fail!("en prognos i ord för indikatorn {code} har inga värden för kvinnor och män");
    }
    let entry = IndicatorEntry {
        indicator: code.to_string(),
        kind: input.kind,
        women,
        men,
        total,
        word,
        version: input.version,
        changed_by: user.to_string(),
        changed_at: String::new(),
    };
    let v = store.set_indicator_entry(&round.id(), node, &entry, user)?;
    reassess(store, round)?;
    Ok(v)
}

fn owned_goal(store: &dyn Backend, round: &Round, node: &str, goal: &str) -> Result<Goal> {
    let data = store.goal_data(round.year)?;
    let g = data
        .goals
        .into_iter()
        .find(|g| g.code == goal && g.year == round.year)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "målet {goal} finns inte för {}; ladda om sidan",
                round.year
            ))
        })?;
    if goal_owner(&g) != Some(node) {
        return Err(AppError::NotFound(format!(
            "målet {goal} hör inte till {node}; bedöm det på {}s sida",
            goal_owner(&g).unwrap_or("den översta nodens")
        )));
    }
    Ok(g)
}

/// Decide the status of `goal` (a word of the scale) with a rationale, as `user` (who needs
/// [`Action::Review`] on `node`, the goal's owner), based on the goal's version the page
/// showed (a stale one is refused naming who changed it). Recorded in the audit trail.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    store: &mut dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    goal: &str,
    status: &str,
    rationale: &str,
    version: Option<i64>,
) -> Result<GoalStatus> {
    let auth = authorize(store, user, round, node, Action::Review)?;
    refuse_locked(&auth)?;
    owned_goal(store, round, node, goal)?;
    if rationale.trim().is_empty() {
        fail!(
            "skriv en motivering till den ändrade bedömningen av mål {goal}; den visas i \
             rapporten"
        );
    }
    if rationale.chars().count() > MAX_COMMENT {
        fail!("motiveringen är för lång; korta den till högst {MAX_COMMENT} tecken");
    }
    let scale = Scale::default();
    let Some(st) = scale.parse(status) else {
        fail!(
            "\"{status}\" finns inte i skalan. Välj {}, {} eller {}.",
            scale.met,
            scale.partly,
            scale.not_met
        );
    };
    if !store.goal_statuses(round.year)?.contains_key(goal) {
        reassess(store, round)?;
    }
    let decision = Override {
        year: round.year,
        goal: goal.to_string(),
        status: st,
        rationale: rationale.trim().to_string(),
        by: user.to_string(),
        date: String::new(),
    };
    // The decision and its line in the audit trail: one transaction.
    store
        .decide_goal(&round.id(), node, &decision, version)
        .map_err(|e| match e {
            GoalOverrideError::Store(e) => AppError::from(e),
            GoalOverrideError::Rule(e) => AppError::Invalid(e.to_string()),
        })?;
    Ok(st)
}

/// Withdraw the decision on `goal` (the proposal holds again), as [`decide`], with its line in
/// the audit trail in the same transaction. `false` when there was none.
pub fn reset(
    store: &mut dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    goal: &str,
    version: Option<i64>,
) -> Result<bool> {
    let auth = authorize(store, user, round, node, Action::Review)?;
    refuse_locked(&auth)?;
    owned_goal(store, round, node, goal)?;
    Ok(store.reset_goal(&round.id(), node, round.year, goal, version, user)?)
}

/// A count with a non-breaking space between thousands (`4 000`).
fn thousands(n: usize) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// The goal whose texts `node` writes: one of its committee goals, or a goal area they serve
/// (the report prints each committee's texts per goal area).
fn owned_text_goal(store: &dyn Backend, round: &Round, node: &str, goal: &str) -> Result<Goal> {
    let data = store.goal_data(round.year)?;
    let goals: Vec<Goal> = data
        .goals
        .into_iter()
        .filter(|g| g.year == round.year)
        .collect();
    let Some(g) = goals.iter().find(|g| g.code == goal) else {
        return Err(AppError::NotFound(format!(
            "målet {goal} finns inte för {}; ladda om sidan",
            round.year
        )));
    };
    let own = match g.level {
        GoalLevel::Committee => goal_owner(g) == Some(node),
        GoalLevel::Area => areas_of(&goals, node).iter().any(|a| a.code == goal),
        _ => false,
    };
    if !own {
        return Err(AppError::NotFound(format!(
            "{node} skriver inga texter för {goal}; texter skrivs för nämndens egna mål och de \
             målområden de hör till"
        )));
    }
    Ok(g.clone())
}

/// The longest analysis text of a goal, in characters.
pub const MAX_GOAL_TEXT: usize = 4000;

/// An analysis text typed on the goal page.
#[derive(Clone, Copy, Debug)]
pub struct TextInput<'a> {
    /// The goal's code.
    pub goal: &'a str,
    /// Summary, positive observations or areas for improvement.
    pub kind: GoalTextKind,
    /// The version of the round's text the page was built from (0 = none yet).
    pub version: i64,
    /// The text (observations and areas one per line); empty = none of this kind.
    pub text: &'a str,
}

/// Keep a goal's analysis text of one kind for the round, edited on `node`'s page (the goal's
/// owner) by `user`, who needs [`Action::Edit`] there, as for indicator values. The imported
/// texts are never changed: the round's text takes their place on the page and in the report.
/// A stale version is refused naming who changed it; a locked round, submitted or approved
/// goals (for those who may not review them), a text over [`MAX_GOAL_TEXT`] characters or
/// with control characters refuse. Returns the new version.
pub fn save_text(
    store: &mut dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    input: &TextInput<'_>,
) -> Result<i64> {
    let auth = authorize(store, user, round, node, Action::Edit)?;
    check_goals_editable(store, &auth, node)?;
    let g = owned_text_goal(store, round, node, input.goal)?;
    let text = input.text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    let n = text.chars().count();
    if n > MAX_GOAL_TEXT {
        fail!(
            "texten \"{}\" för mål {} är för lång ({} tecken); korta den till högst {} tecken",
            input.kind.label(),
            g.code,
            thousands(n),
            thousands(MAX_GOAL_TEXT)
        );
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        fail!(
            "texten \"{}\" för mål {} innehåller ett styrtecken (U+{:04X}) som inte kan \
             sparas; skriv om texten utan det",
            input.kind.label(),
            g.code,
            c as u32
        );
    }
    let entry = GoalTextEntry {
        goal: g.code.clone(),
        kind: input.kind,
        node: node.to_string(),
        text: text.to_string(),
        version: input.version,
        changed_by: user.to_string(),
        changed_at: String::new(),
    };
    Ok(store.set_goal_text(&round.id(), &entry, user)?)
}

/// Take a step in the goals' workflow of `node` (which must own goals), with the forecast's
/// states and rules: submit from a draft or a returned state (enhetschef), recall by the one
/// who submitted before review, approve or return with a comment (ekonom). `seen` is the
/// state the page showed: a node that moved on meanwhile is refused with the store's conflict
/// message.
pub fn change_state(
    store: &mut dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    step: Step,
    seen: Option<WorkflowState>,
    comment: &str,
) -> Result<NodeState> {
    let auth = authorize(store, user, round, node, step.action())?;
    refuse_locked(&auth)?;
    let id = round.id();
    if comment.chars().count() > MAX_COMMENT {
        fail!("kommentaren är för lång; korta den till högst {MAX_COMMENT} tecken");
    }
    let data = store.goal_data(round.year)?;
    if !data
        .goals
        .iter()
        .any(|g| g.year == round.year && goal_owner(g) == Some(node))
    {
        fail!(
            "{node} har inga egna mål för {}; skicka in, godkänn eller skicka tillbaka målen \
             på den nämnd som äger dem",
            round.year
        );
    }
    let now = store.goal_workflow_state(&id, node)?;
    let from = seen.unwrap_or(now.state);
    if !step.allowed_from(from) {
        fail!(
            "målen för {node} är {}; \"{}\" går inte från den statusen",
            from.label(),
            step.label()
        );
    }
    match step {
        Step::Recall => {
            if now.state == WorkflowState::Submitted && now.changed_by.as_deref() != Some(user) {
                fail!(
                    "målen för {node} skickades in av {}; bara den som skickade in kan \
                     återkalla dem (be en ekonom skicka tillbaka dem i stället)",
                    now.changed_by.as_deref().unwrap_or("någon annan")
                );
            }
        }
        Step::Return => {
            if comment.trim().is_empty() {
                fail!(
                    "skriv en kommentar som säger vad som ska rättas när du skickar tillbaka \
                     målen för {node}"
                );
            }
        }
        Step::Submit | Step::Approve => {}
    }
    let c = (!comment.trim().is_empty()).then_some(comment);
    Ok(store.set_goal_workflow_state(&id, node, from, step.target(), user, c)?)
}

/// The goal pages' audit trail of `node` and the nodes under it, and the goals' workflow
/// transitions, oldest first (`user` must be allowed to read the node).
pub fn history(
    store: &dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
) -> Result<(Vec<GoalAuditEntry>, Vec<Transition>)> {
    let auth = authorize(store, user, round, node, Action::Read)?;
    let id = round.id();
    let under = |n: &str| crate::auth::Access::covers(&auth.tree, node, n);
    let audit = store
        .goal_audit(&id, &[])?
        .into_iter()
        .filter(|a| under(&a.node))
        .collect();
    let transitions = store
        .goal_workflow_history(&id, None)?
        .into_iter()
        .filter(|t| under(&t.node))
        .collect();
    Ok((audit, transitions))
}

/// The text kinds in the order the page shows them.
pub const TEXT_KINDS: [GoalTextKind; 3] = [
    GoalTextKind::Analysis,
    GoalTextKind::Positive,
    GoalTextKind::Improvement,
];

/// A status word of the scale for a form (`uppnås`, …) from its key.
pub fn status_word(scale: &Scale, s: GoalStatus) -> String {
    scale.label(s).to_string()
}
