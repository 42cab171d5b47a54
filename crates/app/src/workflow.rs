//! A round carried out together: unit managers forecast and submit their nodes, controllers
//! return or approve them, and the round is locked on top.
//!
//! The states and their transitions ([`Step`]):
//!
//! | step | from | to | who (role on the node) | rule |
//! |---|---|---|---|---|
//! | submit (`skicka-in`) | utkast, återskickad | inskickad | enhetschef | every flagged or overridden line has a comment |
//! | recall (`aterkalla`) | inskickad | utkast | the person who submitted | not yet reviewed |
//! | approve (`godkann`) | inskickad | godkänd | ekonom | |
//! | return (`skicka-tillbaka`) | inskickad, godkänd | återskickad | ekonom | a comment is required |
//!
//! Only nodes with lines of their own (the units) have a workflow; a higher node's status is
//! what its units' states add up to ([`overview`]). A submitted or approved node's lines are
//! locked for those who may not review it ([`save_line`]); a locked round refuses everything.

use crate::auth::{authorize, Access, Action, Authorized, Role};
use crate::forecast::{node_view, NodeView};
use crate::{fail, AppError, Result};
use delar_core::{Amount, Round, Unit};
use delar_forecast::Method;
use delar_store::prelude::*;
use delar_store::{
    AuditEntry, CommentKind, LineDetail, LineEdit, NodeState, RoundStatus, Transition,
    WorkflowState,
};
use std::collections::BTreeMap;

/// Whether `user` may lock `round` (the lock is asked on the round's top node: a controller
/// or an administrator for the whole organisation).
pub fn may_lock(store: &dyn Backend, user: &str, round: &Round) -> Result<bool> {
    let (_, tree) = crate::auth::round_tree(store, round)?;
    let Some(top) = tree.root().map(|n| n.code.clone()) else {
        return Ok(false);
    };
    let Some(access) = Access::load(store, user)? else {
        return Ok(false);
    };
    Ok(access.may(&tree, &top, Action::Lock))
}

/// The refusal of a change in a locked round for a person in the web application: which
/// round, when and by whom it was locked, and what to do there (the store's
/// [`delar_store::locked_message`] names the command that computes the next round, which a
/// unit manager in the browser cannot run).
pub fn locked_for_web(info: &delar_store::RoundInfo) -> String {
    let id = info.round.id();
    let at = info.locked_at.as_deref().map(|t| t.get(..10).unwrap_or(t));
    let when = match (at, info.locked_by.as_deref()) {
        (Some(at), Some(by)) => format!(" (låst {at} av {by})"),
        (Some(at), None) => format!(" (låst {at})"),
        (None, Some(by)) => format!(" (låst av {by})"),
        (None, None) => String::new(),
    };
    let next = match delar_store::next_round(&id) {
        Some(n) => format!("nästa prognosomgång, {n}"),
        None => "nästa prognosomgång".to_string(),
    };
    format!(
        "prognosomgången {id} är låst{when}; en låst omgång och dess rapport ändras inte. Gör \
         ändringen i {next}, i stället: välj den på startsidan när ekonomen har öppnat den, \
         eller be ekonomen ta med ändringen där."
    )
}

/// Lock `round` as `user` (who needs the lock on the round's top node): every later change
/// and transition is refused. Locking a locked round is refused with who locked it and when.
pub fn lock_round(store: &mut dyn Backend, user: &str, round: &Round) -> Result<()> {
    let (info, tree) = crate::auth::round_tree(store, round)?;
    let top = tree.root().map(|n| n.code.clone()).ok_or_else(|| {
        AppError::NotFound(format!(
            "organisationen för {} har ingen översta nod; importera organisationen",
            round.id()
        ))
    })?;
    authorize(store, user, round, &top, Action::Lock)?;
    if info.status == RoundStatus::Locked {
        fail!("{}", locked_for_web(&info));
    }
    store.lock_round(&round.id(), user)?;
    Ok(())
}

/// Longest comment accepted on a line or a transition.
pub const MAX_COMMENT: usize = 2000;

/// A transition of a node's workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The unit manager submits the node's forecast.
    Submit,
    /// The submitter takes it back before it is reviewed.
    Recall,
    /// A controller approves it.
    Approve,
    /// A controller returns it with a comment.
    Return,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 4] = [Step::Submit, Step::Recall, Step::Approve, Step::Return];

    /// The code used in forms and URLs (`skicka-in`, `aterkalla`, `godkann`,
    /// `skicka-tillbaka`).
    pub const fn code(self) -> &'static str {
        match self {
            Step::Submit => "skicka-in",
            Step::Recall => "aterkalla",
            Step::Approve => "godkann",
            Step::Return => "skicka-tillbaka",
        }
    }

    /// The Swedish words on the button.
    pub const fn label(self) -> &'static str {
        match self {
            Step::Submit => "Skicka in",
            Step::Recall => "Återkalla",
            Step::Approve => "Godkänn",
            Step::Return => "Skicka tillbaka",
        }
    }

    /// Parse a code.
    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.code() == s.trim())
    }

    /// The action a step needs on the node.
    pub fn action(self) -> Action {
        match self {
            Step::Submit | Step::Recall => Action::Submit,
            Step::Approve | Step::Return => Action::Review,
        }
    }

    /// The state a step leads to.
    pub fn target(self) -> WorkflowState {
        match self {
            Step::Submit => WorkflowState::Submitted,
            Step::Recall => WorkflowState::Draft,
            Step::Approve => WorkflowState::Approved,
            Step::Return => WorkflowState::Returned,
        }
    }

    /// Whether the step may be taken from state `s`.
    pub fn allowed_from(self, s: WorkflowState) -> bool {
        use WorkflowState::*;
        match self {
            Step::Submit => matches!(s, Draft | Returned),
            Step::Recall | Step::Approve => s == Submitted,
            Step::Return => matches!(s, Submitted | Approved),
        }
    }
}

fn blank(c: &Option<String>) -> bool {
    c.as_deref().is_none_or(|c| c.trim().is_empty())
}

/// Why a line needs a comment before its node can be submitted: it is flagged, or a person
/// overrode the recommendation (another method or a manual amount). `None` when it has a
/// comment (report comment or review note) or needs none.
pub fn missing_comment(d: &LineDetail) -> Option<&'static str> {
    if !blank(&d.line.comment) || !blank(&d.review_note) {
        return None;
    }
    if !d.flags.is_empty() {
        Some("flaggad")
    } else if d.manual || d.override_by.is_some() {
        Some("ändrad från rekommendationen")
    } else {
        None
    }
}

fn check_comment(comment: &str) -> Result<()> {
    if let Some(problem) = control_character(comment) {
        fail!("kommentaren {problem}");
    }
    let n = comment.chars().count();
    if n > MAX_COMMENT {
        fail!(
            "kommentaren är {n} tecken lång; korta den till högst {MAX_COMMENT} tecken (en längre \
             motivering hör hemma i analysen)"
        );
    }
    Ok(())
}

/// What is wrong with a text that holds a control character other than tab and line breaks
/// (`innehåller tecknet U+0000 på plats 5; ta bort det`), `None` when it holds none. Such
/// characters have no meaning in a comment, and PostgreSQL cannot store a NUL at all.
pub fn control_character(text: &str) -> Option<String> {
    text.chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .map(|(i, c)| {
            format!(
                "innehåller det osynliga tecknet U+{:04X} på plats {}; ta bort det och skriv \
                 texten igen",
                c as u32,
                i + 1
            )
        })
}

/// Take a step in a node's workflow. `seen` is the state the person saw (the form's): when
/// the node has moved on since, the step is refused with the store's conflict message.
/// Returns the node's new state.
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
    let id = round.id();
    if auth.round.status == RoundStatus::Locked {
        return Err(AppError::Invalid(locked_for_web(&auth.round)));
    }
    check_comment(comment)?;
    let details: Vec<LineDetail> = store.forecast_node_details(&id, &[node])?;
    if details.is_empty() {
        fail!(
            "{node} har inga egna prognosrader i {id}; skicka in, godkänn eller skicka tillbaka \
             enheterna under den var för sig"
        );
    }
    let now = store.workflow_state(&id, node)?;
    let from = seen.unwrap_or(now.state);
    if !step.allowed_from(from) {
        fail!(
            "prognosen för {node} är {}; \"{}\" går inte från den statusen",
            from.label(),
            step.label()
        );
    }
    match step {
        Step::Submit => {
            let missing: Vec<String> = details
                .iter()
                .filter_map(|d| missing_comment(d).map(|why| format!("{} ({why})", d.line.group)))
                .collect();
            if !missing.is_empty() {
                fail!(
                    "{node} kan inte skickas in: {} saknar kommentar: {}. Skriv en kommentar på \
                     raderna och skicka in igen.",
                    if missing.len() == 1 {
                        "en rad".to_string()
                    } else {
                        format!("{} rader", missing.len())
                    },
                    missing.join(", ")
                );
            }
        }
        Step::Recall => {
            if now.state == WorkflowState::Submitted && now.changed_by.as_deref() != Some(user) {
                fail!(
                    "prognosen för {node} skickades in av {}; bara den som skickade in kan \
                     återkalla den (be en ekonom skicka tillbaka den i stället)",
                    now.changed_by.as_deref().unwrap_or("någon annan")
                );
            }
        }
        Step::Return => {
            if comment.trim().is_empty() {
                fail!(
                    "skriv en kommentar som säger vad som ska rättas när du skickar tillbaka \
                     prognosen för {node}"
                );
            }
        }
        Step::Approve => {}
    }
    let c = (!comment.trim().is_empty()).then_some(comment);
    Ok(store.set_workflow_state(&id, node, from, step.target(), user, c)?)
}

/// Whether the lines of `node` may be changed now by the person `auth` is for (who may edit
/// it): refused in a locked round, and for those who may not review the node while it is
/// submitted or approved.
pub fn check_editable(store: &dyn Backend, auth: &Authorized, node: &str) -> Result<()> {
    let may_review = auth.access.may(&auth.tree, node, Action::Review);
    editable_now(store, &auth.round, node, may_review)
}

/// [`check_editable`] on the round as `info` holds it, for a person who may (or may not)
/// review the node.
fn editable_now(
    store: &dyn Backend,
    info: &delar_store::RoundInfo,
    node: &str,
    may_review: bool,
) -> Result<()> {
    if info.status == RoundStatus::Locked {
        return Err(AppError::Invalid(locked_for_web(info)));
    }
    state_allows_edit(store, &info.round.id(), node, may_review)
}

/// Refuse a change of a unit's lines when its forecast is submitted or approved, unless the
/// person reviews it.
fn state_allows_edit(store: &dyn Backend, round: &str, node: &str, may_review: bool) -> Result<()> {
    let state = store.workflow_state(round, node)?;
    if matches!(
        state.state,
        WorkflowState::Submitted | WorkflowState::Approved
    ) && !may_review
    {
        fail!(
            "prognosen för {node} är {} och kan inte ändras; återkalla den först (om den inte \
             är granskad) eller be ekonomen skicka tillbaka den",
            state.state.label()
        );
    }
    Ok(())
}

/// A change of one line from the forecast sheet's form.
#[derive(Clone, Copy, Debug)]
pub struct LineInput<'a> {
    /// The line's kontogrupp (or account).
    pub group: &'a str,
    /// The version the form was built from.
    pub version: i64,
    /// A manual full-year amount in tkr as typed (`1 234,5`, `−12`); empty = no manual amount.
    pub amount: &'a str,
    /// The method code chosen (`budget`, `linjar`, …); empty = unchanged.
    pub method: &'a str,
    /// The report comment.
    pub comment: &'a str,
}

/// What [`save_line`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Nothing differed from the stored line.
    Unchanged,
    /// The line changed; its new version.
    Changed(i64),
}

/// A line as its sheet shows it: `SN41, Köp av verksamhet` (the kontogrupp's name; the code
/// for a line whose group has none, such as an account).
fn line_label(store: &dyn Backend, node: &str, group: &str) -> String {
    let name = store.account_mapping().ok().and_then(|m| {
        m.groups()
            .iter()
            .find(|g| g.code == group)
            .map(|g| g.name.clone())
    });
    format!("{node}, {}", name.as_deref().unwrap_or(group))
}

/// Save one line of a node's sheet: a manual amount (with its mandatory comment), another
/// method (with its comment) or a comment alone, based on the version the form was built
/// from (a stale version is refused with the store's message naming who changed the line and
/// what it holds now). Refused when the person may not edit the node, and for those who may
/// not review it when the node is submitted or approved.
pub fn save_line(
    store: &mut dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    input: &LineInput<'_>,
) -> Result<Saved> {
    let prepared = prepare_save(&*store, user, round, node, input)?;
    apply_save(store, user, &prepared)
}

/// A line's save checked and ready to be written ([`prepare_save`], then [`apply_save`]).
#[derive(Clone, Debug)]
pub struct PreparedSave {
    round: String,
    node: String,
    group: String,
    version: i64,
    may_review: bool,
    change: Option<Change>,
}

/// What a save changes on a line (`None` in [`PreparedSave`]: nothing).
#[derive(Clone, Debug)]
enum Change {
    Amount(Amount, String),
    Method(Method, String),
    Comment(String),
}

/// The part of [`save_line`] that only reads: who may, the round's lock, the node's state,
/// the line as stored and what the form asks for, checked; refused as [`save_line`] refuses.
/// A front end runs it beside other requests and lets [`apply_save`] write.
pub fn prepare_save(
    store: &dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    input: &LineInput<'_>,
) -> Result<PreparedSave> {
    let auth = authorize(store, user, round, node, Action::Edit)?;
    let id = round.id();
    // A locked round refuses every save, also one that would change nothing: the person must
    // learn that the round is closed rather than see "saved".
    check_editable(store, &auth, node)?;
    let prepared = |change| PreparedSave {
        round: id.clone(),
        node: node.to_string(),
        group: input.group.to_string(),
        version: input.version,
        may_review: auth.access.may(&auth.tree, node, Action::Review),
        change,
    };
    // A kontogrupp code with control characters is no line (and PostgreSQL refuses a NUL in
    // a query's text): not found, before the store is asked.
    if input.group.chars().any(char::is_control) {
        return Err(AppError::NotFound(format!(
            "raden {node}:{} finns inte i {id}; ladda om sidan",
            input.group.escape_default()
        )));
    }
    let detail = store
        .forecast_line_detail(&id, node, input.group)?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "raden {node}:{} finns inte i {id}; ladda om sidan",
                input.group
            ))
        })?;
    let comment = input.comment.trim();
    check_comment(comment)?;
    let amount = input.amount.trim();
    // Only a refusal names the line, by its kontogrupp's name as the sheet shows it.
    let where_ = || line_label(store, node, input.group);
    let edit = if !amount.is_empty() {
        let a = Amount::parse_swedish_in(amount, Unit::Tkr).map_err(|e| {
            AppError::Invalid(format!(
                "beloppet på raden {} kan inte läsas: {e}; skriv det i tkr, till exempel \
                 1 234,5 eller −12",
                where_()
            ))
        })?;
        if comment.is_empty() {
            fail!(
                "skriv en kommentar som förklarar det manuella beloppet på raden {} (den \
                 kommer med i rapporten)",
                where_()
            );
        }
        if detail.manual && a == detail.line.base && Some(comment) == detail.line.comment.as_deref()
        {
            return Ok(prepared(None));
        }
        Change::Amount(a, comment.to_string())
    } else if !input.method.trim().is_empty() && input.method.trim() != detail.line.method.code() {
        let m = Method::from_code(input.method.trim())
            .filter(|m| *m != Method::Manual)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "metoden \"{}\" finns inte; välj en metod i listan på raden {}",
                    input.method.trim(),
                    where_()
                ))
            })?;
        if comment.is_empty() {
            fail!(
                "skriv en kommentar som förklarar varför raden {} ska använda metoden {}",
                where_(),
                m.name().to_lowercase()
            );
        }
        Change::Method(m, comment.to_string())
    } else if comment != detail.line.comment.as_deref().unwrap_or("").trim() {
        Change::Comment(comment.to_string())
    } else {
        return Ok(prepared(None));
    };
    Ok(prepared(Some(edit)))
}

/// The part of [`save_line`] that writes: the round's lock and the node's state are checked
/// again (they may have changed since [`prepare_save`]), then the line is changed in one
/// transaction based on the version the form was built from, so a line changed in between
/// is refused, never overwritten ([`StoreError::Conflict`](delar_store::StoreError)).
///
/// The writer does as few round trips as it can (this is what 50 people saving at once queue
/// for): the node's state is one read, and the round's lock is checked inside the change's
/// transaction; only when the change is refused is the round read again, to say in the web's
/// words that it was locked meanwhile.
pub fn apply_save(store: &mut dyn Backend, user: &str, p: &PreparedSave) -> Result<Saved> {
    if p.change.is_none() {
        return Ok(Saved::Unchanged);
    }
    state_allows_edit(&*store, &p.round, &p.node, p.may_review)?;
    let edit = match &p.change {
        None => return Ok(Saved::Unchanged),
        Some(Change::Amount(a, comment)) => LineEdit::Amount {
            amount: *a,
            comment,
            kind: CommentKind::Report,
        },
        Some(Change::Method(m, comment)) => LineEdit::Method {
            method: *m,
            comment,
            kind: CommentKind::Report,
        },
        Some(Change::Comment(text)) => LineEdit::Comment {
            text,
            kind: CommentKind::Report,
        },
    };
    match store.edit_line_version(&p.round, &p.node, &p.group, edit, Some(p.version), user) {
        Ok(v) => Ok(Saved::Changed(v)),
        Err(e) => match store.forecast_round(&p.round)? {
            Some(info) if info.status == RoundStatus::Locked => {
                Err(AppError::Invalid(locked_for_web(&info)))
            }
            _ => Err(e.into()),
        },
    }
}

/// A node's workflow summed over the units under it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// Units per state.
    pub by_state: BTreeMap<WorkflowState, usize>,
    /// Lines that need a comment before their unit can be submitted.
    pub missing_comments: usize,
}

impl StateCounts {
    /// Units counted.
    pub fn units(&self) -> usize {
        self.by_state.values().sum()
    }

    /// Units in a state.
    pub fn count(&self, s: WorkflowState) -> usize {
        self.by_state.get(&s).copied().unwrap_or(0)
    }

    /// A short Swedish summary: `3 av 5 godkända, 1 inskickad, 1 återskickad`.
    pub fn summary(&self) -> String {
        let n = self.units();
        let mut parts = vec![format!(
            "{} av {n} godkända",
            self.count(WorkflowState::Approved)
        )];
        for (s, word) in [
            (WorkflowState::Submitted, "inskickade"),
            (WorkflowState::Returned, "återskickade"),
            (WorkflowState::Draft, "utkast"),
        ] {
            let c = self.count(s);
            if c > 0 {
                parts.push(format!("{c} {word}"));
            }
        }
        parts.join(", ")
    }
}

/// One node on the start page or among a sheet's children.
#[derive(Clone, Debug)]
pub struct NodeStatus {
    /// The node with its totals (level relative to the top shown).
    pub view: NodeView,
    /// Its own state when it has lines (a unit), else `None`.
    pub state: Option<NodeState>,
    /// The states of the units under it (itself for a unit).
    pub counts: StateCounts,
    /// The person's roles on it.
    pub roles: Vec<Role>,
}

/// Everything a forecast sheet shows for one node.
#[derive(Clone, Debug)]
pub struct Sheet {
    /// Who asks and the round's tree.
    pub auth: Authorized,
    /// The path from the top to the node (code, name), for the breadcrumb.
    pub path: Vec<(String, String)>,
    /// The node itself with its totals, state and counts.
    pub node: NodeStatus,
    /// The node's own lines (a unit's), in computation order.
    pub lines: Vec<LineDetail>,
    /// Kontogrupp code → name, for the sheet to show names rather than codes.
    pub group_names: BTreeMap<String, String>,
    /// The children with their totals and states.
    pub children: Vec<NodeStatus>,
    /// The person may edit the lines now (role, state and lock considered).
    pub may_edit: bool,
    /// The steps the person may take now, in order.
    pub steps: Vec<Step>,
}

/// The states of every line-carrying node of a round, by node.
fn states_by_node(store: &dyn Backend, id: &str) -> Result<BTreeMap<String, NodeState>> {
    Ok(store
        .workflow_states(id)?
        .into_iter()
        .map(|s| (s.node.clone(), s))
        .collect())
}

/// The states of the units that carry `details` (one query for a single unit's sheet).
fn states_of(
    store: &dyn Backend,
    id: &str,
    details: &[LineDetail],
) -> Result<BTreeMap<String, NodeState>> {
    let mut units: Vec<&str> = details.iter().map(|d| d.line.node.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    match units.as_slice() {
        [] => Ok(BTreeMap::new()),
        [one] => {
            let s = store.workflow_state(id, one)?;
            Ok(BTreeMap::from([(s.node.clone(), s)]))
        }
        _ => Ok(states_by_node(store, id)?
            .into_iter()
            .filter(|(n, _)| units.binary_search(&n.as_str()).is_ok())
            .collect()),
    }
}

/// The statuses of nodes of a round view: own state for nodes with lines, counts over units.
fn statuses(
    auth: &Authorized,
    nodes: &[NodeView],
    details: &[LineDetail],
    states: &BTreeMap<String, NodeState>,
) -> Vec<NodeStatus> {
    let mut units: BTreeMap<&str, usize> = BTreeMap::new();
    for d in details {
        *units.entry(d.line.node.as_str()).or_default() += missing_comment(d).is_some() as usize;
    }
    nodes
        .iter()
        .map(|v| {
            let mut counts = StateCounts::default();
            let under = |u: &str| Access::covers(&auth.tree, &v.code, u);
            for (u, missing) in &units {
                if under(u) {
                    let s = states
                        .get(*u)
                        .map(|s| s.state)
                        .unwrap_or(WorkflowState::Draft);
                    *counts.by_state.entry(s).or_default() += 1;
                    counts.missing_comments += missing;
                }
            }
            let state = units.contains_key(v.code.as_str()).then(|| {
                states
                    .get(&v.code)
                    .cloned()
                    .unwrap_or_else(|| NodeState::draft(&v.code))
            });
            NodeStatus {
                view: v.clone(),
                state,
                counts,
                roles: auth.access.roles_on(&auth.tree, &v.code),
            }
        })
        .collect()
}

/// The forecast sheet of `node` for `user` (who must be allowed to read it).
pub fn sheet(store: &dyn Backend, user: &str, round: &Round, node: &str) -> Result<Sheet> {
    let auth = authorize(store, user, round, node, Action::Read)?;
    let id = round.id();
    // Only the node and what is under it: a unit's sheet reads the unit's lines, its state
    // and the tree, never the whole round.
    let view = node_view(store, auth.round.clone(), &auth.tree, node)?;
    let states = states_of(store, &id, &view.details)?;
    let all = statuses(&auth, &view.nodes, &view.details, &states);
    let mut me = None;
    let mut children = Vec::new();
    for s in all {
        if s.view.code == node {
            me = Some(s);
        } else if s.view.level == 1 {
            children.push(s);
        }
    }
    let me =
        me.ok_or_else(|| AppError::NotFound(format!("{node} har inga prognosrader i {id}")))?;
    let lines: Vec<LineDetail> = view
        .details
        .into_iter()
        .filter(|d| d.line.node == node)
        .collect();
    let group_names: BTreeMap<String, String> = store
        .account_mapping()?
        .groups()
        .iter()
        .map(|g| (g.code.clone(), g.name.clone()))
        .collect();
    let open = auth.round.status == RoundStatus::Open;
    let state = me.state.as_ref().map(|s| s.state);
    let may = |a| auth.access.may(&auth.tree, node, a);
    let may_edit = open
        && !lines.is_empty()
        && may(Action::Edit)
        && (may(Action::Review)
            || !matches!(
                state,
                Some(WorkflowState::Submitted | WorkflowState::Approved)
            ));
    let steps = match (open, &me.state) {
        (true, Some(s)) => Step::ALL
            .into_iter()
            .filter(|st| st.allowed_from(s.state) && may(st.action()))
            .filter(|st| *st != Step::Recall || s.changed_by.as_deref() == Some(user))
            .collect(),
        _ => Vec::new(),
    };
    let path = auth
        .tree
        .path(node)
        .iter()
        .map(|n| (n.code.clone(), n.name.clone()))
        .collect();
    Ok(Sheet {
        path,
        node: me,
        lines,
        group_names,
        children,
        may_edit,
        steps,
        auth,
    })
}

/// A person's start page for a round: every node they may read, from their highest nodes
/// down, with totals, states and counts.
pub fn overview(store: &dyn Backend, user: &str, round: &Round) -> Result<Vec<NodeStatus>> {
    Ok(scope(store, user, round)?.0)
}

/// What [`overview`] shows, with the round's lines and the person's authorisation (the
/// controller's overview sums the lines once more, per node, without loading them again).
pub fn scope(
    store: &dyn Backend,
    user: &str,
    round: &Round,
) -> Result<(Vec<NodeStatus>, Vec<LineDetail>, Authorized)> {
    let access = Access::load(store, user)?.ok_or_else(|| {
        AppError::Forbidden(format!(
            "{user} har inget konto; be en administratör om ett"
        ))
    })?;
    let (info, tree) = crate::auth::round_tree(store, round)?;
    let tops = access.top_nodes(&tree);
    let id = round.id();
    let states = states_by_node(store, &id)?;
    let auth = Authorized {
        access,
        round: info,
        tree,
        node: String::new(),
    };
    // Each top node's part of the round only (a unit manager's overview reads one unit's
    // lines, not the round's), with its levels counted from the top node.
    let mut out = Vec::new();
    let mut details = Vec::new();
    for top in &tops {
        let view = crate::forecast::node_view(store, auth.round.clone(), &auth.tree, top)?;
        out.extend(statuses(&auth, &view.nodes, &view.details, &states));
        details.extend(view.details);
    }
    Ok((out, details, auth))
}

/// A node's history: the audit log of the lines under it and the workflow transitions of the
/// units under it, oldest first.
pub fn history(
    store: &dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
) -> Result<(Vec<AuditEntry>, Vec<Transition>)> {
    let auth = authorize(store, user, round, node, Action::Read)?;
    let id = round.id();
    let under = |n: &str| Access::covers(&auth.tree, node, n);
    let audit = store
        .forecast_audit(&id)?
        .into_iter()
        .filter(|e| e.node.as_deref().is_none_or(under))
        .collect();
    let transitions = store
        .workflow_history(&id, None)?
        .into_iter()
        .filter(|t| under(&t.node))
        .collect();
    Ok((audit, transitions))
}

/// Set the round's deadline for submitting the units from a typed date (`ÅÅÅÅ-MM-DD`), or
/// remove it with `None`. Fails with a Swedish message for a date that cannot be read, one
/// outside the round's year and the year after, a round that does not exist and a locked
/// round.
pub fn set_deadline(
    store: &mut dyn Backend,
    round: &Round,
    date: Option<&str>,
    user: &str,
) -> Result<Option<delar_core::Date>> {
    let id = round.id();
    if store.forecast_round(&id)?.is_none() {
        return Err(AppError::NotFound(format!(
            "prognosomgången {id} finns inte; beräkna den först med `delar forecast run --round \
             {id}`"
        )));
    }
    let date = match date {
        None => None,
        Some(t) => {
            let d = delar_core::Date::parse(t).map_err(|e| {
                AppError::Invalid(format!(
                    "tidsfristen \"{t}\" kan inte läsas ({e}); skriv datumet som ÅÅÅÅ-MM-DD, \
                     till exempel {}-09-05",
                    round.year
                ))
            })?;
            let y = d.year_month().year();
            if y < round.year || y > round.year + 1 {
                fail!(
                    "tidsfristen {d} ligger inte i {} eller {}, året för {id} och året efter; \
                     kontrollera årtalet",
                    round.year,
                    round.year + 1
                );
            }
            Some(d)
        }
    };
    store.set_round_deadline(&id, date, user)?;
    Ok(date)
}

/// Whether a unit in `state` is overdue on `today`: the round's deadline has passed and the
/// unit has not been submitted (a draft, or returned and not yet submitted again).
pub fn overdue(
    deadline: Option<delar_core::Date>,
    today: delar_core::Date,
    state: WorkflowState,
) -> bool {
    deadline.is_some_and(|d| today > d)
        && matches!(state, WorkflowState::Draft | WorkflowState::Returned)
}

/// The bridge of one node from the round before to this one ([`node_bridge`]).
#[derive(Clone, Debug)]
pub struct NodeBridge {
    /// Who asks, the round and its tree.
    pub auth: Authorized,
    /// The round bridged from (P1 for P2, P2 for the year end, the month before).
    pub from: Round,
    /// The node's name.
    pub name: String,
    /// The earlier round's full-year forecast of the lines under the node.
    pub previous: Amount,
    /// This round's.
    pub current: Amount,
    /// Every line under the node that changed (or is new or gone), largest change first.
    pub rows: Vec<delar_forecast::BridgeRow>,
    /// Lines under the node that did not change.
    pub unchanged: usize,
}

/// The bridge of `node` from the round before `round` (P1 → P2): the previous and current
/// full-year forecast of the lines under it and every changed line with its reasons, from
/// [`crate::forecast::bridge_view`]. Fails with [`AppError::NotFound`] when there is no
/// earlier round in the same year in the database.
pub fn node_bridge(
    store: &dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
) -> Result<NodeBridge> {
    let auth = authorize(store, user, round, node, Action::Read)?;
    let from = crate::report::previous_round(*round)
        .filter(|p| matches!(store.forecast_round(&p.id()), Ok(Some(_))))
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "det finns ingen tidigare omgång att jämföra {} med{}; beräkna den först med \
                 `delar forecast run --round …`",
                round.id(),
                crate::report::previous_round(*round)
                    .map(|p| format!(" ({} finns inte i databasen)", p.id()))
                    .unwrap_or_default()
            ))
        })?;
    let (_, rows) = crate::forecast::bridge_view(store, &from, round)?;
    let under: Vec<delar_forecast::BridgeRow> = rows
        .into_iter()
        .filter(|r| Access::covers(&auth.tree, node, &r.node))
        .collect();
    let previous = under.iter().map(|r| r.previous).sum();
    let current = under.iter().map(|r| r.current).sum();
    let unchanged = under.iter().filter(|r| r.change.is_zero()).count();
    let mut rows: Vec<delar_forecast::BridgeRow> =
        under.into_iter().filter(|r| !r.change.is_zero()).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.change.ore().unsigned_abs()));
    Ok(NodeBridge {
        name: auth
            .tree
            .node(node)
            .map(|n| n.name.clone())
            .unwrap_or_default(),
        auth,
        from,
        previous,
        current,
        rows,
        unchanged,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::auth::Role;
    use delar_demo::kommun::{self, KommunOptions, Scale};
    use delar_store::{ImportOptions, SqliteStore, TemplateKind};
    use std::path::PathBuf;
    use std::sync::OnceLock;

    /// A database file with Exempelkommun (small scale: the default organisation, few
    /// vouchers) and round 2025-P2 computed, made once per test run.
    fn exempel_db() -> &'static PathBuf {
        static DB: OnceLock<PathBuf> = OnceLock::new();
        DB.get_or_init(|| {
            // Earlier runs' copies (`delar-app-wf-<pid>` of a process gone) are removed.
            if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if let Some(pid) = name
                        .strip_prefix("delar-app-wf-")
                        .and_then(|p| p.parse::<u32>().ok())
                    {
                        if pid != std::process::id()
                            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
                        {
                            let _ = std::fs::remove_dir_all(e.path());
                        }
                    }
                }
            }
            let dir = std::env::temp_dir().join(format!("delar-app-wf-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let opts = KommunOptions {
                scale: Scale::Small,
                ..KommunOptions::default()
            };
            kommun::generate(&opts, &dir.join("in"), |_, _| {}).unwrap();
            let db = dir.join("delar.db");
            let mut s = SqliteStore::create(&db).unwrap();
            crate::imports::import_template(
                &mut s,
                TemplateKind::Organisation,
                &dir.join("in").join("organisation.csv"),
            )
            .unwrap();
            for year in 2022..=2025 {
                let p = dir.join("in").join("sie").join(kommun::sie_name(year));
                s.import_sie(&p, &ImportOptions::default(), None).unwrap();
            }
            let round = Round::parse("2025-P2").unwrap();
            crate::forecast::run_round(&mut s, &round, &Default::default()).unwrap();
            db
        })
    }

    /// A fresh copy of [`exempel_db`] in memory.
    pub(crate) fn exempel_store() -> SqliteStore {
        let src = rusqlite_copy(exempel_db());
        SqliteStore::open(&src).unwrap()
    }

    fn rusqlite_copy(src: &PathBuf) -> PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dst = src.with_file_name(format!("copy-{n}.db"));
        std::fs::copy(src, &dst).unwrap();
        dst
    }

    fn people(s: &mut SqliteStore) {
        let h = crate::auth::hash_password("demo").unwrap();
        for (name, role, node) in [
            ("enhetschef-sn41", Role::Enhetschef, "SN41"),
            ("enhetschef-sn42", Role::Enhetschef, "SN42"),
            ("ekonom-sn", Role::Ekonom, "SN"),
            ("ekonom-von", Role::Ekonom, "VON"),
            ("revisor", Role::Lasare, "PO"),
        ] {
            s.add_user(name, &h, "admin").unwrap();
            s.grant(name, role.code(), node, "admin").unwrap();
        }
    }

    fn p2() -> Round {
        Round::parse("2025-P2").unwrap()
    }

    fn line(s: &SqliteStore, node: &str, i: usize) -> LineDetail {
        s.forecast_line_details("2025-P2")
            .unwrap()
            .into_iter()
            .filter(|d| d.line.node == node)
            .nth(i)
            .unwrap()
    }

    /// Give every line of a node that needs one a comment, as the unit manager.
    fn comment_all(s: &mut SqliteStore, node: &str, user: &str) {
        let lines: Vec<LineDetail> = s
            .forecast_line_details("2025-P2")
            .unwrap()
            .into_iter()
            .filter(|d| d.line.node == node && missing_comment(d).is_some())
            .collect();
        for d in lines {
            let input = LineInput {
                group: &d.line.group,
                version: d.version,
                amount: "",
                method: "",
                comment: "Placeringarna följer budgeten.",
            };
            save_line(s, user, &p2(), node, &input).unwrap();
        }
    }

    #[test]
    fn a_unit_is_submitted_returned_corrected_and_approved() {
        use WorkflowState::*;
        let mut s = exempel_store();
        people(&mut s);
        let r = p2();
        // The unit manager sets a manual amount on a line: it needs a comment.
        let d = line(&s, "SN41", 0);
        let input = LineInput {
            group: &d.line.group,
            version: d.version,
            amount: "1 234,5",
            method: "",
            comment: "",
        };
        let e = save_line(&mut s, "enhetschef-sn41", &r, "SN41", &input)
            .unwrap_err()
            .to_string();
        assert!(e.contains("skriv en kommentar"), "{e}");
        let input = LineInput {
            comment: "Två nya placeringar från september.",
            ..input
        };
        let v = save_line(&mut s, "enhetschef-sn41", &r, "SN41", &input).unwrap();
        assert_eq!(v, Saved::Changed(d.version + 1));
        let after = line(&s, "SN41", 0);
        assert_eq!(after.line.base, Amount::from_ore(123_450_000));
        assert!(after.manual);
        // The same save again from the same (now stale) form is refused, naming who.
        let e = save_line(
            &mut s,
            "ekonom-sn",
            &r,
            "SN41",
            &LineInput {
                amount: "999",
                ..input
            },
        )
        .unwrap_err();
        assert!(
            matches!(e, AppError::Store(delar_store::StoreError::Conflict(_))),
            "{e}"
        );
        assert!(e.to_string().contains("enhetschef-sn41"), "{e}");
        comment_all(&mut s, "SN41", "enhetschef-sn41");
        // Another unit's manager may do nothing on SN41.
        let e = change_state(
            &mut s,
            "enhetschef-sn42",
            &r,
            "SN41",
            Step::Submit,
            None,
            "",
        )
        .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        let st = change_state(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            Step::Submit,
            None,
            "",
        )
        .unwrap();
        assert_eq!(st.state, Submitted);
        // Submitted: locked for the unit manager, not for the controller.
        let d = line(&s, "SN41", 1);
        let edit = LineInput {
            group: &d.line.group,
            version: d.version,
            amount: "",
            method: "",
            comment: "Ny kommentar.",
        };
        let e = save_line(&mut s, "enhetschef-sn41", &r, "SN41", &edit)
            .unwrap_err()
            .to_string();
        assert!(e.contains("är inskickad och kan inte ändras"), "{e}");
        // Returning needs a comment.
        let e = change_state(
            &mut s,
            "ekonom-sn",
            &r,
            "SN41",
            Step::Return,
            Some(Submitted),
            " ",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("skriv en kommentar"), "{e}");
        let st = change_state(
            &mut s,
            "ekonom-sn",
            &r,
            "SN41",
            Step::Return,
            Some(Submitted),
            "Beloppet saknar underlag.",
        )
        .unwrap();
        assert_eq!(st.state, Returned);
        assert_eq!(st.comment.as_deref(), Some("Beloppet saknar underlag."));
        // Corrected and resubmitted; a recall by the submitter; submitted again; approved.
        save_line(&mut s, "enhetschef-sn41", &r, "SN41", &edit).unwrap();
        change_state(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            Step::Submit,
            None,
            "",
        )
        .unwrap();
        let e = change_state(&mut s, "ekonom-sn", &r, "SN41", Step::Recall, None, "").unwrap_err();
        assert!(
            matches!(e, AppError::Forbidden(_)),
            "a controller cannot recall: {e}"
        );
        change_state(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            Step::Recall,
            None,
            "",
        )
        .unwrap();
        change_state(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            Step::Submit,
            None,
            "",
        )
        .unwrap();
        // The other controller's committee is out of scope.
        let e =
            change_state(&mut s, "ekonom-von", &r, "SN41", Step::Approve, None, "").unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        let st = change_state(&mut s, "ekonom-sn", &r, "SN41", Step::Approve, None, "").unwrap();
        assert_eq!(st.state, Approved);
        // Approved: the unit manager can no longer recall.
        let e = change_state(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            Step::Recall,
            None,
            "",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("är godkänd"), "{e}");
        let (audit, transitions) = history(&s, "revisor", &r, "SN").unwrap();
        assert_eq!(
            transitions.iter().map(|t| t.to).collect::<Vec<_>>(),
            vec![Submitted, Returned, Submitted, Draft, Submitted, Approved]
        );
        assert!(audit.iter().any(|a| a.action == "belopp"
            && a.user == "enhetschef-sn41"
            && a.node.as_deref() == Some("SN41")));
        assert!(audit.iter().all(|a| a.node.as_deref() != Some("VON21")));
        // The overview of the committee's controller counts it.
        let o = overview(&s, "ekonom-sn", &r).unwrap();
        assert_eq!(o[0].view.code, "SN");
        assert_eq!(o[0].view.level, 0);
        assert_eq!(o[0].counts.count(Approved), 1);
        assert!(o[0].counts.units() > 10, "{:?}", o[0].counts);
        assert!(
            !o.iter().any(|n| n.view.code.starts_with("VON")),
            "out of scope"
        );
        // Locked (after the controller reviewed the flagged lines): nothing moves any more.
        let notes: Vec<delar_store::ReviewNote> = s
            .forecast_line_details("2025-P2")
            .unwrap()
            .iter()
            .filter(|d| d.needs_review())
            .map(|d| delar_store::ReviewNote {
                node: d.line.node.clone(),
                group: d.line.group.clone(),
                note: "Granskad.".into(),
            })
            .collect();
        s.review_lines("2025-P2", &notes, "ekonom").unwrap();
        s.lock_round("2025-P2", "ekonom").unwrap();
        let e = change_state(&mut s, "ekonom-sn", &r, "SN41", Step::Return, None, "Nej.")
            .unwrap_err()
            .to_string();
        assert!(e.contains("är låst"), "{e}");
        // The web's people are told what to do in the web, not which command to run.
        assert!(
            e.contains("nästa prognosomgång, 2025-B") && e.contains("startsidan"),
            "{e}"
        );
        assert!(!e.contains("delar ") && !e.contains("--round"), "{e}");
        let d = s
            .forecast_line_details("2025-P2")
            .unwrap()
            .into_iter()
            .find(|d| d.line.node == "SN41")
            .unwrap();
        let input = LineInput {
            group: &d.line.group,
            version: d.version,
            amount: "",
            method: "",
            comment: "Ny kommentar.",
        };
        let e = save_line(&mut s, "ekonom-sn", &r, "SN41", &input)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("är låst (låst ") && e.contains("av ekonom)"),
            "{e}"
        );
        assert!(!e.contains("delar ") && !e.contains("--round"), "{e}");
    }

    #[test]
    fn a_flagged_line_without_comment_blocks_submission() {
        let mut s = exempel_store();
        people(&mut s);
        let r = p2();
        // Find a unit with a line that needs a comment (the computation flags some).
        let details = s.forecast_line_details("2025-P2").unwrap();
        let d = details
            .iter()
            .find(|d| d.line.node.starts_with("SN4") && missing_comment(d).is_some())
            .or_else(|| details.iter().find(|d| missing_comment(d).is_some()))
            .cloned();
        let d = match d {
            Some(d) => d,
            None => {
                // No flagged line: override one so that it needs a comment.
                let d = line(&s, "SN41", 0);
                s.set_line_method(
                    "2025-P2",
                    "SN41",
                    &d.line.group,
                    Method::RunRate,
                    "x",
                    CommentKind::Review,
                    "ekonom-sn",
                )
                .unwrap();
                s.set_line_comment(
                    "2025-P2",
                    "SN41",
                    &d.line.group,
                    "",
                    CommentKind::Review,
                    "x",
                )
                .unwrap();
                line(&s, "SN41", 0)
            }
        };
        let node = d.line.node.clone();
        let chef = format!("enhetschef-{}", node.to_lowercase());
        if s.user(&chef).unwrap().is_none() {
            s.add_user(&chef, "h", "admin").unwrap();
            s.grant(&chef, "enhetschef", &node, "admin").unwrap();
        }
        let e = change_state(&mut s, &chef, &r, &node, Step::Submit, None, "")
            .unwrap_err()
            .to_string();
        assert!(e.contains("saknar kommentar"), "{e}");
        assert!(e.contains(&d.line.group), "{e}");
        comment_all(&mut s, &node, &chef);
        change_state(&mut s, &chef, &r, &node, Step::Submit, None, "").unwrap();
    }

    #[test]
    fn bad_input_is_refused_with_where_and_what_to_do() {
        let mut s = exempel_store();
        people(&mut s);
        let r = p2();
        let d = line(&s, "SN41", 0);
        let base = LineInput {
            group: &d.line.group,
            version: d.version,
            amount: "",
            method: "",
            comment: "",
        };
        let e = save_line(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            &LineInput {
                amount: "tolv",
                comment: "x",
                ..base
            },
        )
        .unwrap_err()
        .to_string();
        // The line is named as the sheet shows it: by its kontogrupp's name, not its code.
        let name = s
            .account_mapping()
            .unwrap()
            .groups()
            .iter()
            .find(|g| g.code == d.line.group)
            .map(|g| g.name.clone())
            .unwrap();
        assert_ne!(name, d.line.group);
        assert!(e.contains(&format!("raden SN41, {name} ")), "{e}");
        assert!(!e.contains(&d.line.group), "{e}");
        assert!(e.contains("tkr"), "{e}");
        let long = "å".repeat(10_000);
        let e = save_line(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            &LineInput {
                comment: &long,
                ..base
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("10000 tecken") || e.contains("10 000 tecken"),
            "{e}"
        );
        let e = save_line(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            &LineInput {
                method: "gissning",
                comment: "x",
                ..base
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("metoden \"gissning\" finns inte"), "{e}");
        let e = save_line(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            &LineInput {
                group: "Finns inte",
                ..base
            },
        )
        .unwrap_err();
        assert!(matches!(e, AppError::NotFound(_)), "{e}");
        // A comment with markup is stored as text (the web layer escapes it).
        let c = "<script>alert(1)</script>";
        save_line(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            &LineInput { comment: c, ..base },
        )
        .unwrap();
        assert_eq!(line(&s, "SN41", 0).line.comment.as_deref(), Some(c));
        // The method of another line chosen with a comment: a method change.
        let d2 = line(&s, "SN41", 1);
        let other = crate::forecast::METHODS
            .iter()
            .map(|m| m.code())
            .find(|m| *m != d2.line.method.code())
            .unwrap();
        let res = save_line(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            &LineInput {
                group: &d2.line.group,
                version: d2.version,
                amount: "",
                method: other,
                comment: "Takten speglar året bättre.",
            },
        );
        match res {
            Ok(Saved::Changed(_)) => assert_eq!(line(&s, "SN41", 1).line.method.code(), other),
            Ok(Saved::Unchanged) => panic!("a method change was not saved"),
            // The method may not apply to the line; the store says why, in Swedish.
            Err(e) => assert!(e.to_string().contains("kan inte användas"), "{e}"),
        }
    }

    #[test]
    fn sheets_show_what_the_person_may_do() {
        use WorkflowState::*;
        let mut s = exempel_store();
        people(&mut s);
        let r = p2();
        let sh = sheet(&s, "enhetschef-sn41", &r, "SN41").unwrap();
        assert!(!sh.lines.is_empty());
        assert!(sh.children.is_empty());
        assert!(sh.may_edit);
        assert_eq!(sh.steps, vec![Step::Submit]);
        assert_eq!(
            sh.path.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
            vec!["PO", "SN", "SN40", "SN41"]
        );
        let total: Amount = sh.lines.iter().map(|d| d.line.full_year()).sum();
        assert_eq!(sh.node.view.total.forecast, total);
        let e = sheet(&s, "enhetschef-sn41", &r, "SN42").unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        let e = sheet(&s, "enhetschef-sn41", &r, "SN40").unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        let e = sheet(&s, "ekonom-sn", &r, "XYZ").unwrap_err();
        assert!(matches!(e, AppError::NotFound(_)), "{e}");
        let up = sheet(&s, "ekonom-sn", &r, "SN40").unwrap();
        assert!(up.lines.is_empty());
        assert!(!up.may_edit);
        assert!(up.steps.is_empty());
        let kids: Vec<&str> = up.children.iter().map(|c| c.view.code.as_str()).collect();
        assert!(kids.contains(&"SN41") && kids.contains(&"SN44"), "{kids:?}");
        let sum: Amount = up.children.iter().map(|c| c.view.total.forecast).sum();
        assert_eq!(sum, up.node.view.total.forecast);
        comment_all(&mut s, "SN41", "enhetschef-sn41");
        change_state(
            &mut s,
            "enhetschef-sn41",
            &r,
            "SN41",
            Step::Submit,
            None,
            "",
        )
        .unwrap();
        let sh = sheet(&s, "enhetschef-sn41", &r, "SN41").unwrap();
        assert!(!sh.may_edit);
        assert_eq!(sh.steps, vec![Step::Recall]);
        let sh = sheet(&s, "ekonom-sn", &r, "SN41").unwrap();
        assert!(sh.may_edit);
        assert_eq!(sh.steps, vec![Step::Approve, Step::Return]);
        let up = sheet(&s, "ekonom-sn", &r, "SN40").unwrap();
        assert_eq!(up.node.counts.count(Submitted), 1);
        let units = up.node.counts.units();
        assert!(units >= 2, "{:?}", up.node.counts);
        assert_eq!(
            up.node.counts.summary(),
            format!("0 av {units} godkända, 1 inskickade, {} utkast", units - 1)
        );
        let rev = sheet(&s, "revisor", &r, "SN41").unwrap();
        assert!(!rev.may_edit);
        assert!(rev.steps.is_empty());
    }

    #[test]
    fn a_deadline_is_read_checked_and_makes_unsubmitted_units_overdue() {
        let mut s = exempel_store();
        let r = p2();
        let d = set_deadline(&mut s, &r, Some("2025-09-05"), "admin").unwrap();
        let d = d.unwrap();
        assert_eq!(d.to_string(), "2025-09-05");
        assert_eq!(
            s.forecast_round("2025-P2").unwrap().unwrap().deadline,
            Some(d)
        );
        for (typed, says) in [
            ("5 september", "skriv datumet som ÅÅÅÅ-MM-DD"),
            ("2025-02-30", "kan inte läsas"),
            ("2052-09-05", "kontrollera årtalet"),
        ] {
            let e = set_deadline(&mut s, &r, Some(typed), "admin").unwrap_err();
            assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
            assert!(e.to_string().contains(says), "{typed}: {e}");
        }
        let missing = Round::parse("2024-P2").unwrap();
        assert!(matches!(
            set_deadline(&mut s, &missing, Some("2024-09-05"), "admin"),
            Err(AppError::NotFound(_))
        ));
        assert_eq!(set_deadline(&mut s, &r, None, "admin").unwrap(), None);
        assert_eq!(s.forecast_round("2025-P2").unwrap().unwrap().deadline, None);
        // Overdue: past the deadline and not submitted.
        let day = |t: &str| delar_core::Date::parse(t).unwrap();
        use WorkflowState::*;
        for (today, state, late) in [
            ("2025-09-06", Draft, true),
            ("2025-09-06", Returned, true),
            ("2025-09-06", Submitted, false),
            ("2025-09-06", Approved, false),
            ("2025-09-05", Draft, false),
            ("2025-09-04", Returned, false),
        ] {
            assert_eq!(
                overdue(Some(d), day(today), state),
                late,
                "{today} {state:?}"
            );
        }
        assert!(!overdue(None, day("2030-01-01"), Draft));
    }
}
