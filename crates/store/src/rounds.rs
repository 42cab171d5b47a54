//! Forecast rounds in the database: computed lines, manual overrides, adjustments, per-line
//! backtest results, locking and an audit log of every change; plus the single ledger query
//! per organisation node × kontogrupp × month that the forecast computation reads.
//!
//! A round (`2025-P2`) is open until it is locked; a locked round never changes: every write
//! on it (recompute, method, amount, comment, review note, adjustment, the report's edited
//! texts) is refused inside the write transaction with the one message [`locked_message`]
//! builds. Recomputing an open round replaces the computed part of its lines (outcome to
//! date, budget, method results, recommendation) but keeps what people did: a chosen method,
//! a manual amount, comments, review notes and adjustments.
//!
//! A line carries two comments of different kinds ([`CommentKind`]): the report comment
//! (`rapport`, [`ForecastLine::comment`], drafted into the report's analysis and bridge) and
//! the review note (`granskning`, [`LineDetail::review_note`], internal: never in the report).
//! Either one satisfies the lock's rule that a flagged line needs a comment.

use crate::db::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use crate::sqlite::SqlStore;
use crate::time::now_utc;
use crate::types::{LedgerBy, LedgerRow};
use crate::{Store, StoreError};
use delar_core::{Amount, Date, Round};
use delar_forecast::{plausibility, Adjustment, AdjustmentKind, BacktestRow, ForecastLine, Method};
use serde::Serialize;
use std::collections::HashMap;

/// A valid adjustment code (`SN-J1`): 1–20 letters, digits, `-`, `_` or `.`, as registers
/// write it; returned trimmed.
fn check_adjustment_code(code: &str) -> Result<String, StoreError> {
    let c = code.trim();
    let ok = !c.is_empty()
        && c.chars().count() <= 20
        && c.chars()
            .all(|ch| ch.is_alphanumeric() || "-_.".contains(ch));
    if !ok {
        return Err(err(format!(
            "justeringskoden «{code}» går inte att använda: ange 1–20 tecken av bokstäver, \
             siffror, bindestreck, understreck eller punkt (till exempel SN-J1)."
        )));
    }
    Ok(c.to_string())
}

/// Migration 4: forecast rounds, lines, method results, adjustments and the audit log.
pub(crate) const MIGRATION_ROUNDS: crate::schema::Migration = crate::schema::Migration {
    version: 4,
    name: "prognosomgångar",
    sql: r#"
-- A forecast round: id as written (2025-P2, 2025-P1@3, 2025-05, 2025-B).
CREATE TABLE forecast_round (
    id          TEXT PRIMARY KEY,
    year        INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    cutoff      INTEGER NOT NULL CHECK (cutoff BETWEEN 1 AND 12),
    grain       TEXT NOT NULL CHECK (grain IN ('group', 'account')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'locked')),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    locked_at   TEXT,
    locked_by   TEXT
);

-- One line: node (ansvar) × kontogrupp (or account). method is the method in use; recommended
-- the backtest's choice. A person's choice of method or manual amount is recorded in
-- override_by/override_at/override_reason (manual_ore set for a manual amount).
CREATE TABLE forecast_line (
    id                 INTEGER PRIMARY KEY,
    round_id           TEXT NOT NULL REFERENCES forecast_round (id),
    position           INTEGER NOT NULL,
    node               TEXT NOT NULL,
    grp                TEXT NOT NULL,
    method             TEXT NOT NULL,
    base_ore           BIGINT NOT NULL,
    explanation        TEXT NOT NULL,
    to_date_ore        BIGINT NOT NULL,
    budget_ore         BIGINT NOT NULL,
    budget_to_date_ore BIGINT NOT NULL,
    comment            TEXT,
    recommended        TEXT,
    manual_ore         BIGINT,
    override_by        TEXT,
    override_at        TEXT,
    override_reason    TEXT,
    UNIQUE (round_id, node, grp)
);

-- Every method's result on a line and its backtest: full-year amount (NULL when the method
-- cannot be used; explanation then says why), MAE and bias over the replayed years.
CREATE TABLE forecast_estimate (
    line_id     INTEGER NOT NULL REFERENCES forecast_line (id) ON DELETE CASCADE,
    method      TEXT NOT NULL,
    full_ore    BIGINT,
    explanation TEXT NOT NULL,
    mae_ore     BIGINT,
    bias_ore    BIGINT,
    years       INTEGER NOT NULL,
    PRIMARY KEY (line_id, method)
);

CREATE TABLE forecast_adjustment (
    id         INTEGER PRIMARY KEY,
    line_id    INTEGER NOT NULL REFERENCES forecast_line (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    amount_ore BIGINT NOT NULL,
    low_ore    BIGINT,
    high_ore   BIGINT,
    comment    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX forecast_adjustment_line ON forecast_adjustment (line_id);

-- Every change to a round: action (berakna, metod, belopp, kommentar, justering,
-- ta_bort_justering, las), the line (NULL for the whole round), old and new value as text.
CREATE TABLE forecast_audit (
    id        INTEGER PRIMARY KEY,
    round_id  TEXT NOT NULL REFERENCES forecast_round (id),
    node      TEXT,
    grp       TEXT,
    action    TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    user_name TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX forecast_audit_round ON forecast_audit (round_id, id);
"#,
};

/// Migration 12: a line's review note, the internal kind of comment (`granskning`). The
/// existing `comment` column is the report comment (`rapport`), so comments written before
/// stay report comments and existing reports do not change.
pub(crate) const MIGRATION_REVIEW_NOTE: crate::schema::Migration = crate::schema::Migration {
    version: 12,
    name: "granskningskommentar",
    sql: r#"
-- The line's review note: why a flagged line is fine, written for the round's reviewers and
-- the lock, never printed in the report. NULL = none. forecast_line.comment is the comment
-- for the report.
ALTER TABLE forecast_line ADD COLUMN review_note TEXT;
"#,
};

/// The two kinds of comment on a forecast line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CommentKind {
    /// An internal review note (`granskning`): recorded and audited, satisfies the lock's
    /// rule for flagged lines, never printed in the report.
    Review,
    /// Text for the report (`rapport`): drafted into the analysis and the bridge.
    Report,
}

impl CommentKind {
    /// The Swedish code used on the command line and in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            CommentKind::Review => "granskning",
            CommentKind::Report => "rapport",
        }
    }

    /// Parse a [`CommentKind::code`].
    pub fn from_code(s: &str) -> Option<CommentKind> {
        match s.trim() {
            "granskning" => Some(CommentKind::Review),
            "rapport" => Some(CommentKind::Report),
            _ => None,
        }
    }
}

/// A review note for one line, for [`ForecastStore::review_lines`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewNote {
    /// Organisation code of the line.
    pub node: String,
    /// Kontogrupp (or account) of the line.
    pub group: String,
    /// The note (mandatory).
    pub note: String,
}

/// Whether a round can still change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundStatus {
    /// Editable.
    Open,
    /// Locked: never changes again.
    Locked,
}

impl RoundStatus {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            RoundStatus::Open => "öppen",
            RoundStatus::Locked => "låst",
        }
    }
}

/// A stored round and who did what when.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundInfo {
    /// The round (id, year, kind, cut-off).
    pub round: Round,
    /// `group` (node × kontogrupp) or `account` (node × account).
    pub grain: String,
    /// Open or locked.
    pub status: RoundStatus,
    /// When and by whom the round was first computed.
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// When it was last computed.
    pub computed_at: String,
    /// When it was locked.
    pub locked_at: Option<String>,
    /// Who locked it.
    pub locked_by: Option<String>,
    /// Number of lines.
    pub lines: u64,
    /// The deadline for submitting the units, if the round has one.
    pub deadline: Option<Date>,
}

/// One method's result on a line with its backtest record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MethodEstimate {
    /// The method.
    pub method: Method,
    /// Full-year amount; `None` when the method cannot be used on the line.
    pub full_year: Option<Amount>,
    /// The arithmetic, or why the method cannot be used (Swedish).
    pub explanation: String,
    /// Mean absolute error over the replayed years (`None` when none could be replayed).
    pub mae: Option<Amount>,
    /// Mean signed error (positive = forecast too high).
    pub bias: Option<Amount>,
    /// Replayed years.
    pub years: u32,
    /// The replayed years themselves (year, forecast, outcome), from which the line's and its
    /// committee's 80 % ranges are drawn (`delar_forecast::line_range80`, `sum_range80`);
    /// empty in rounds saved before migration 21.
    #[serde(skip)]
    pub replay: Vec<BacktestRow>,
}

/// The replayed years as stored: `year:forecast_öre:outcome_öre` separated by `;`.
fn encode_replay(rows: &[BacktestRow]) -> String {
    rows.iter()
        .map(|r| format!("{}:{}:{}", r.year, r.forecast.ore(), r.actual.ore()))
        .collect::<Vec<_>>()
        .join(";")
}

/// Read what [`encode_replay`] wrote.
fn decode_replay(s: &str) -> Result<Vec<BacktestRow>, StoreError> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut it = p.split(':').map(str::parse::<i64>);
            match (it.next(), it.next(), it.next(), it.next()) {
                (Some(Ok(y)), Some(Ok(f)), Some(Ok(a)), None) => {
                    let (forecast, actual) = (Amount::from_ore(f), Amount::from_ore(a));
                    Ok(BacktestRow {
                        year: y as i32,
                        forecast,
                        actual,
                        error: forecast - actual,
                    })
                }
                _ => Err(StoreError::Corrupt(format!(
                    "backtestraden \"{p}\" i forecast_estimate.replay"
                ))),
            }
        })
        .collect()
}

/// A line as computed, to be saved with [`ForecastStore::save_round`]. `line.method`,
/// `line.base` and `line.explanation` are the computed choice (the recommendation, or a
/// fallback when there is none); adjustments and comment are ignored (people add those).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComputedLine {
    /// The line.
    pub line: ForecastLine,
    /// The backtest's recommendation.
    pub recommended: Option<Method>,
    /// Budget for the months up to the cut-off (for the plausibility checks).
    pub budget_to_date: Amount,
    /// Every method's result.
    pub estimates: Vec<MethodEstimate>,
}

/// A stored line with everything around it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineDetail {
    /// The line as the report builder sees it.
    pub line: ForecastLine,
    /// Ids of `line.adjustments`, in the same order (for removal).
    pub adjustment_ids: Vec<i64>,
    /// The backtest's recommendation.
    pub recommended: Option<Method>,
    /// Budget up to the cut-off.
    pub budget_to_date: Amount,
    /// A manual amount is in force.
    pub manual: bool,
    /// Who overrode the recommendation (method or amount), when and why.
    pub override_by: Option<String>,
    /// When.
    pub override_at: Option<String>,
    /// Why.
    pub override_reason: Option<String>,
    /// Every method's result.
    pub estimates: Vec<MethodEstimate>,
    /// Plausibility warnings (Swedish).
    pub flags: Vec<String>,
    /// The internal review note (`granskning`), never printed in the report.
    pub review_note: Option<String>,
    /// The line's version, raised by every change: an edit based on another version is
    /// refused ([`ForecastStore::edit_line`]).
    pub version: i64,
    /// Who made the latest change (a person's edit or a recomputation), when there was one.
    pub changed_by: Option<String>,
    /// When.
    pub changed_at: Option<String>,
}

impl LineDetail {
    /// A flagged line with neither a report comment nor a review note: the lock refuses the
    /// round while there is one, and `delar forecast granska` lists them.
    pub fn needs_review(&self) -> bool {
        let blank = |c: &Option<String>| c.as_deref().is_none_or(|c| c.trim().is_empty());
        !self.flags.is_empty() && blank(&self.line.comment) && blank(&self.review_note)
    }
}

/// One row of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Round id.
    pub round: String,
    /// Node of the line (`None` for the whole round).
    pub node: Option<String>,
    /// Group of the line.
    pub group: Option<String>,
    /// What was done.
    pub action: String,
    /// Value before.
    pub old_value: Option<String>,
    /// Value after.
    pub new_value: Option<String>,
    /// Who.
    pub user: String,
    /// When (UTC).
    pub at: String,
}

/// What saving a computed round did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SaveSummary {
    /// Lines now in the round.
    pub lines: u64,
    /// New lines.
    pub added: u64,
    /// Lines whose computed part was replaced.
    pub updated: u64,
    /// Lines where a person's method or amount was kept.
    pub kept_overrides: u64,
    /// Lines no longer computed and removed (those without anything a person added).
    pub removed: u64,
}

/// Ledger rows of one organisation node (dimension 1 object).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeLedgerRow {
    /// Organisation code (ansvar).
    pub node: String,
    /// The row, with the same meaning as in [`Store::ledger`] for that object.
    pub row: LedgerRow,
}

/// One change of a forecast line ([`ForecastStore::edit_line`]).
#[derive(Clone, Copy, Debug)]
pub enum LineEdit<'a> {
    /// Use another method's stored result; the comment is mandatory.
    Method {
        /// The method.
        method: Method,
        /// Why (mandatory).
        comment: &'a str,
        /// Whether the comment is for the report or a review note.
        kind: CommentKind,
    },
    /// A manual full-year amount before adjustments; the comment is mandatory.
    Amount {
        /// The amount.
        amount: Amount,
        /// Why (mandatory).
        comment: &'a str,
        /// Whether the comment is for the report or a review note.
        kind: CommentKind,
    },
    /// Set (or, when empty, clear) a comment.
    Comment {
        /// The text.
        text: &'a str,
        /// Report comment or review note.
        kind: CommentKind,
    },
    /// Add an adjustment (its comment is mandatory).
    AddAdjustment(&'a Adjustment),
}

/// One change of [`ForecastStore::edit_lines`]: which line, what, and the version it was
/// based on (`None`: whatever it holds now).
#[derive(Clone, Copy, Debug)]
pub struct LineChange<'a> {
    /// The line's node.
    pub node: &'a str,
    /// Its kontogrupp (or account).
    pub group: &'a str,
    /// The change.
    pub edit: LineEdit<'a>,
    /// The version the change is based on.
    pub expected: Option<i64>,
}

/// What an edit left: the line, its new version, and the new adjustment's id (for
/// [`LineEdit::AddAdjustment`]).
#[derive(Clone, Debug)]
pub struct Edited {
    /// The line after the change.
    pub line: ForecastLine,
    /// Its version now.
    pub version: i64,
    /// The id of an adjustment added.
    pub adjustment: Option<i64>,
}

/// Forecast rounds in a store.
pub trait ForecastStore {
    /// Outcome and budget per dimension-1 object (ansvar) × kontogrupp (or account) × month
    /// for the financial year named `year`, in one query: the same figures as
    /// [`Store::ledger`] with the object filter `(1, node)` for each node (budget: with
    /// `budget_as_of`, the CSV versions decided on or before that date, as
    /// [`Store::budget_in_force`]; without it, all). Ordered by node, then as the ledger.
    fn ledger_by_node(
        &self,
        year: i32,
        by: LedgerBy,
        budget_as_of: Option<Date>,
    ) -> Result<Vec<NodeLedgerRow>, StoreError>;

    /// Save a computed round. A new round is created open; an open round's computed lines
    /// are replaced, keeping methods and amounts people chose, comments and adjustments
    /// (lines no longer computed are removed unless a person added something to them). Fails
    /// on a locked round.
    fn save_round(
        &mut self,
        round: &Round,
        grain: LedgerBy,
        lines: &[ComputedLine],
        user: &str,
    ) -> Result<SaveSummary, StoreError>;

    /// All rounds, by year and cut-off.
    fn forecast_rounds(&self) -> Result<Vec<RoundInfo>, StoreError>;

    /// One round, `None` when it does not exist.
    fn forecast_round(&self, id: &str) -> Result<Option<RoundInfo>, StoreError>;

    /// The round's lines with their adjustments, in computation order (organisation order).
    fn forecast_lines(&self, round: &str) -> Result<Vec<ForecastLine>, StoreError>;

    /// The lines of `nodes` in the round with their adjustments, in computation order (as
    /// [`ForecastStore::forecast_lines`] for a part of the round; the method results are not
    /// read). Fails for a round that does not exist.
    fn forecast_node_lines(
        &self,
        round: &str,
        nodes: &[&str],
    ) -> Result<Vec<ForecastLine>, StoreError>;

    /// The round's lines with recommendation, overrides, method results and plausibility
    /// flags.
    fn forecast_line_details(&self, round: &str) -> Result<Vec<LineDetail>, StoreError>;

    /// The nodes that have lines in the round, each once, sorted: what the round's
    /// organisation tree is built from (its "Ej fördelat på enhet" leaves) without reading the
    /// lines. Empty for a round without lines; fails for a round that does not exist.
    fn forecast_line_nodes(&self, round: &str) -> Result<Vec<String>, StoreError>;

    /// The lines of `nodes` in the round, with everything [`forecast_line_details`] gives
    /// (adjustments, method results, flags, versions), in computation order: one node's sheet
    /// reads only its own rows (through the `(round_id, node, grp)` index). Fails for a round
    /// that does not exist.
    ///
    /// [`forecast_line_details`]: ForecastStore::forecast_line_details
    fn forecast_node_details(
        &self,
        round: &str,
        nodes: &[&str],
    ) -> Result<Vec<LineDetail>, StoreError>;

    /// One line with everything [`forecast_line_details`] gives, `None` when the round has no
    /// such line. Fails for a round that does not exist.
    ///
    /// [`forecast_line_details`]: ForecastStore::forecast_line_details
    fn forecast_line_detail(
        &self,
        round: &str,
        node: &str,
        group: &str,
    ) -> Result<Option<LineDetail>, StoreError>;

    /// Change one line: another method, a manual amount, a comment, or a new adjustment (see
    /// [`LineEdit`]). With `expected`, the change is refused with [`StoreError::Conflict`]
    /// (naming who changed the line, when, and what it holds now) unless the line is still at
    /// that version; every change raises the version. One transaction, audited.
    #[allow(clippy::too_many_arguments)]
    fn edit_line(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        edit: LineEdit<'_>,
        expected: Option<i64>,
        user: &str,
    ) -> Result<Edited, StoreError>;

    /// One change of one line as [`ForecastStore::edit_line`], returning only the line's new
    /// version (the line is not read again): what a form that redirects after saving needs.
    #[allow(clippy::too_many_arguments)]
    fn edit_line_version(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        edit: LineEdit<'_>,
        expected: Option<i64>,
        user: &str,
    ) -> Result<i64, StoreError>;

    /// Several changes of lines of one round in one transaction, in order: all are made or,
    /// when one is refused (a stale version, a locked round, a missing comment …), none is.
    /// Each change is checked and audited as [`ForecastStore::edit_line`] does it.
    fn edit_lines(
        &mut self,
        round: &str,
        changes: &[LineChange<'_>],
        user: &str,
    ) -> Result<Vec<Edited>, StoreError>;

    /// Use another method on a line (its stored result); the comment is mandatory and is
    /// recorded with the override, and becomes the line's comment of `kind` (the report
    /// comment, or the review note leaving the report comment as it was).
    #[allow(clippy::too_many_arguments)]
    fn set_line_method(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        method: Method,
        comment: &str,
        kind: CommentKind,
        user: &str,
    ) -> Result<ForecastLine, StoreError> {
        let edit = LineEdit::Method {
            method,
            comment,
            kind,
        };
        Ok(self.edit_line(round, node, group, edit, None, user)?.line)
    }

    /// Set a manual full-year amount (before adjustments) on a line; the comment is mandatory
    /// and becomes the line's comment of `kind`, as with [`ForecastStore::set_line_method`].
    #[allow(clippy::too_many_arguments)]
    fn set_line_amount(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        amount: Amount,
        comment: &str,
        kind: CommentKind,
        user: &str,
    ) -> Result<ForecastLine, StoreError> {
        let edit = LineEdit::Amount {
            amount,
            comment,
            kind,
        };
        Ok(self.edit_line(round, node, group, edit, None, user)?.line)
    }

    /// Set (or, with an empty text, clear) the line's comment of `kind`.
    fn set_line_comment(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        comment: &str,
        kind: CommentKind,
        user: &str,
    ) -> Result<ForecastLine, StoreError> {
        let edit = LineEdit::Comment {
            text: comment,
            kind,
        };
        Ok(self.edit_line(round, node, group, edit, None, user)?.line)
    }

    /// Record review notes on several lines in one transaction, one audit entry per line: all
    /// or nothing (a missing line, an empty note or a locked round writes none). Returns the
    /// number of lines noted.
    fn review_lines(
        &mut self,
        round: &str,
        notes: &[ReviewNote],
        user: &str,
    ) -> Result<usize, StoreError>;

    /// Add an adjustment to a line (the comment is mandatory); returns its id.
    fn add_adjustment(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        adjustment: &Adjustment,
        user: &str,
    ) -> Result<i64, StoreError> {
        let edit = LineEdit::AddAdjustment(adjustment);
        let e = self.edit_line(round, node, group, edit, None, user)?;
        e.adjustment
            .ok_or_else(|| StoreError::Corrupt("justeringen fick inget nummer".into()))
    }

    /// Remove an adjustment by id.
    fn remove_adjustment(&mut self, round: &str, id: i64, user: &str) -> Result<(), StoreError>;

    /// Lock a round. Refused while a line with a plausibility flag has neither a report
    /// comment nor a review note ([`LineDetail::needs_review`]; the message lists them).
    fn lock_round(&mut self, round: &str, user: &str) -> Result<(), StoreError>;

    /// Set (or with `None` remove) the round's deadline for submitting the units; audited.
    /// A locked round refuses it.
    fn set_round_deadline(
        &mut self,
        round: &str,
        deadline: Option<Date>,
        user: &str,
    ) -> Result<(), StoreError>;

    /// The audit log of a round, oldest first.
    fn forecast_audit(&self, round: &str) -> Result<Vec<AuditEntry>, StoreError>;
}

fn err(msg: impl Into<String>) -> StoreError {
    StoreError::Forecast(msg.into())
}

fn grain_code(by: LedgerBy) -> &'static str {
    match by {
        LedgerBy::Group => "group",
        LedgerBy::Account => "account",
    }
}

fn kind_code(round: &Round) -> &'static str {
    match round.kind {
        delar_core::RoundKind::Month(_) => "month",
        delar_core::RoundKind::P1 => "P1",
        delar_core::RoundKind::P2 => "P2",
        delar_core::RoundKind::YearEnd => "B",
    }
}

fn method_of(s: &str) -> Result<Method, StoreError> {
    Method::from_code(s).ok_or_else(|| StoreError::Corrupt(format!("prognosmetoden \"{s}\"")))
}

fn tkr(a: Amount) -> String {
    format!("{} tkr", a.format(delar_core::Unit::Tkr, 0))
}

/// The one message every write to a locked round is refused with: which round, when and by
/// whom it was locked, and what to do instead (the change goes into the next round, named).
/// `locked_at` is the stored UTC time (`2025-09-12T08:15:00Z`); its date is shown.
pub fn locked_message(round: &str, locked_at: Option<&str>, locked_by: Option<&str>) -> String {
    let when = match (locked_at.map(|t| t.get(..10).unwrap_or(t)), locked_by) {
        (Some(at), Some(by)) => format!(" (låst {at} av {by})"),
        (Some(at), None) => format!(" (låst {at})"),
        (None, Some(by)) => format!(" (låst av {by})"),
        (None, None) => String::new(),
    };
    let next = next_round(round).unwrap_or_else(|| "…".into());
    format!(
        "prognosomgången {round} är låst{when}; en låst omgång och dess rapport ändras inte. Gör \
         ändringen i nästa prognosomgång i stället (beräkna den med \"delar forecast run --round \
         {next}\")."
    )
}

/// The round after `round`: P1 → P2 → year end → next year's P1; a month → the next month
/// (`None` for an id that is not a round's).
pub fn next_round(round: &str) -> Option<String> {
    use delar_core::RoundKind;
    let r = Round::parse(round).ok()?;
    let next = match r.kind {
        RoundKind::P1 => Round::new(r.year, RoundKind::P2),
        RoundKind::P2 => Round::new(r.year, RoundKind::YearEnd),
        RoundKind::YearEnd => Round::new(r.year + 1, RoundKind::P1),
        RoundKind::Month(12) => Round::new(r.year + 1, RoundKind::Month(1)),
        RoundKind::Month(m) => Round::new(r.year, RoundKind::Month(m + 1)),
    };
    next.ok().map(|n| n.id())
}

/// Inside a write transaction: refuse when the round is locked ([`locked_message`]). A round
/// that does not exist is not locked.
pub(crate) fn refuse_if_locked(conn: &Connection, round: &str) -> Result<(), StoreError> {
    let row: Option<(String, Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT status, locked_at, locked_by FROM forecast_round WHERE id = ?1",
            params![round],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match row {
        Some((status, at, by)) if status == "locked" => {
            Err(err(locked_message(round, at.as_deref(), by.as_deref())))
        }
        _ => Ok(()),
    }
}

fn missing_round(round: &str) -> StoreError {
    err(format!(
        "prognosomgången {round} finns inte (beräkna den först med \"delar forecast run --round {round}\")"
    ))
}

/// Status of a round inside a transaction: `Err` when missing or locked (one query).
fn open_round(tx: &Transaction<'_>, round: &str) -> Result<(), StoreError> {
    let row: Option<(String, Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT status, locked_at, locked_by FROM forecast_round WHERE id = ?1",
            params![round],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match row {
        None => Err(missing_round(round)),
        Some((status, at, by)) if status == "locked" => {
            Err(err(locked_message(round, at.as_deref(), by.as_deref())))
        }
        Some(_) => Ok(()),
    }
}

/// A write transaction that holds the write lock from its start, so the locked check and the
/// write it guards see the same database.
pub(crate) fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// The line's id and its current method, base, manual amount and comment.
struct LineRow {
    id: i64,
    method: String,
    base: i64,
    comment: Option<String>,
    review_note: Option<String>,
    version: i64,
    changed_by: Option<String>,
    changed_at: Option<String>,
}

fn find_line(
    tx: &Transaction<'_>,
    round: &str,
    node: &str,
    group: &str,
) -> Result<LineRow, StoreError> {
    tx.query_row(
        "SELECT id, method, base_ore, comment, review_note, version, changed_by, changed_at
         FROM forecast_line WHERE round_id = ?1 AND node = ?2 AND grp = ?3",
        params![round, node, group],
        |r| {
            Ok(LineRow {
                id: r.get(0)?,
                method: r.get(1)?,
                base: r.get(2)?,
                comment: r.get(3)?,
                review_note: r.get(4)?,
                version: r.get(5)?,
                changed_by: r.get(6)?,
                changed_at: r.get(7)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| {
        err(format!(
            "prognosraden {node}:{group} finns inte i prognosomgången {round}"
        ))
    })
}

/// Refuse a change based on version `expected` when the line is at another: the message names
/// who changed it, when, and the forecast now stored.
fn check_version(
    tx: &Transaction<'_>,
    round: &str,
    node: &str,
    group: &str,
    line: &LineRow,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    let Some(v) = expected else {
        return Ok(());
    };
    if v == line.version {
        return Ok(());
    }
    let adjustments: i64 = tx.query_row(
        "SELECT COALESCE(SUM(amount_ore), 0) FROM forecast_adjustment WHERE line_id = ?1",
        params![line.id],
        |r| r.get(0),
    )?;
    let who = match (&line.changed_by, &line.changed_at) {
        (Some(by), Some(at)) => format!(
            "{by} ändrade den {}",
            at.replace('T', " ").trim_end_matches('Z')
        ),
        (Some(by), None) => format!("{by} ändrade den"),
        _ => "den har ändrats".to_string(),
    };
    Err(StoreError::Conflict(format!(
        "prognosraden {node}:{group} i {round} har ändrats sedan du läste den: {who}. Nu gäller \
         metod {}, prognos {} (version {}). Din ändring sparades inte; läs in raden igen och \
         gör ändringen på nytt.",
        line.method,
        tkr(Amount::from_ore(line.base + adjustments)),
        line.version
    )))
}

/// Raise a line's version and record who changed it; returns the new version.
fn bump(tx: &Transaction<'_>, line: i64, user: &str, at: &str) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "UPDATE forecast_line SET version = version + 1, changed_by = ?2, changed_at = ?3
         WHERE id = ?1 RETURNING version",
        params![line, user, at],
        |r| r.get(0),
    )?)
}

/// The column a comment of `kind` is kept in.
fn comment_column(kind: CommentKind) -> &'static str {
    match kind {
        CommentKind::Report => "comment",
        CommentKind::Review => "review_note",
    }
}

#[allow(clippy::too_many_arguments)]
fn audit(
    tx: &Transaction<'_>,
    round: &str,
    line: Option<(&str, &str)>,
    action: &str,
    old: Option<&str>,
    new: Option<&str>,
    user: &str,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO forecast_audit (round_id, node, grp, action, old_value, new_value, user_name, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            round,
            line.map(|l| l.0),
            line.map(|l| l.1),
            action,
            old,
            new,
            user,
            at
        ],
    )?;
    Ok(())
}

/// Write a line's comment of `kind` (`None` clears it).
fn write_comment(
    tx: &Transaction<'_>,
    line_id: i64,
    kind: CommentKind,
    text: Option<&str>,
) -> Result<(), StoreError> {
    let sql = match kind {
        CommentKind::Report => "UPDATE forecast_line SET comment = ?2 WHERE id = ?1",
        CommentKind::Review => "UPDATE forecast_line SET review_note = ?2 WHERE id = ?1",
    };
    tx.execute(sql, params![line_id, text])?;
    Ok(())
}

/// How the audit log marks a comment that went to the review note.
fn kind_suffix(kind: CommentKind) -> &'static str {
    match kind {
        CommentKind::Report => "",
        CommentKind::Review => " (granskning)",
    }
}

fn require_comment(comment: &str) -> Result<&str, StoreError> {
    let c = comment.trim();
    if c.is_empty() {
        return Err(err("en kommentar är obligatorisk (ange --comment \"…\")"));
    }
    Ok(c)
}

/// One round, read on `conn` (the connection, or a transaction).
fn read_round(conn: &Connection, id: &str) -> Result<Option<RoundInfo>, StoreError> {
    let row = conn
        .query_row(
            "SELECT r.id, r.grain, r.status, r.created_at, r.created_by, r.computed_at,
                        r.locked_at, r.locked_by,
                        (SELECT COUNT(*) FROM forecast_line l WHERE l.round_id = r.id),
                        r.deadline
                 FROM forecast_round r WHERE r.id = ?1",
            params![id],
            round_from_row,
        )
        .optional()?;
    row.transpose()
}

/// A round's cut-off month (one primary-key lookup); fails for a round that does not exist.
fn round_cutoff(conn: &Connection, round: &str) -> Result<u32, StoreError> {
    let cutoff: Option<i64> = conn
        .prepare_cached("SELECT cutoff FROM forecast_round WHERE id = ?1")?
        .query_row(params![round], |r| r.get(0))
        .optional()?;
    let c = cutoff.ok_or_else(|| missing_round(round))?;
    valid_cutoff(round, c)
}

/// A stored cut-off month, checked (1–12).
fn valid_cutoff(round: &str, c: i64) -> Result<u32, StoreError> {
    u32::try_from(c)
        .ok()
        .filter(|c| (1..=12).contains(c))
        .ok_or_else(|| StoreError::Corrupt(format!("brytmånaden {c} i prognosomgången {round}")))
}

/// Which lines of a round to read.
#[derive(Clone, Copy)]
enum Which<'a> {
    /// Every line.
    Round,
    /// The lines of these nodes (found through the `(round_id, node, grp)` index).
    Nodes(&'a [&'a str]),
    /// One line.
    Line(&'a str, &'a str),
}

impl Which<'_> {
    /// The condition on `forecast_line l` after `l.round_id = ?1`, and its parameters.
    fn condition(&self) -> (String, Vec<&str>) {
        match self {
            Which::Round => (String::new(), Vec::new()),
            Which::Nodes(nodes) => {
                let marks: Vec<String> = (0..nodes.len()).map(|i| format!("?{}", i + 2)).collect();
                (
                    format!(" AND l.node IN ({})", marks.join(", ")),
                    nodes.to_vec(),
                )
            }
            Which::Line(node, group) => (
                " AND l.node = ?2 AND l.grp = ?3".to_string(),
                vec![*node, *group],
            ),
        }
    }
}

/// A round's lines with everything around them, read on `conn` (the connection, or a
/// transaction).
fn read_lines(conn: &Connection, round: &str) -> Result<Vec<LineDetail>, StoreError> {
    read_lines_of(conn, round, Which::Round, true)
}

/// Some of a round's lines with everything around them (adjustments, method results,
/// plausibility flags), in computation order: the lines, their adjustments and their method
/// results are read with the same condition, so one node's sheet reads one node's rows.
/// Without `estimates` the method results (the bulk of a round: every method's replayed
/// years) are not read, and the details have none.
fn read_lines_of(
    conn: &Connection,
    round: &str,
    which: Which<'_>,
    estimates: bool,
) -> Result<Vec<LineDetail>, StoreError> {
    if matches!(which, Which::Nodes(n) if n.is_empty()) {
        // The round must exist.
        round_cutoff(conn, round)?;
        return Ok(Vec::new());
    }
    let (cond, values) = which.condition();
    let mut args: Vec<&dyn crate::db::ToSql> = vec![&round];
    for v in &values {
        args.push(v);
    }
    let args: &[&dyn crate::db::ToSql] = &args;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.id, l.node, l.grp, l.method, l.base_ore, l.explanation, l.to_date_ore,
                l.budget_ore, l.budget_to_date_ore, l.comment, l.recommended, l.manual_ore,
                l.override_by, l.override_at, l.override_reason, l.review_note, l.version,
                l.changed_by, l.changed_at
                , r.cutoff
             FROM forecast_line l JOIN forecast_round r ON r.id = l.round_id
             WHERE l.round_id = ?1{cond} ORDER BY l.position, l.id"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            (
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
            ),
            (
                r.get::<_, i64>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<i64>>(11)?,
                r.get::<_, Option<String>>(12)?,
                r.get::<_, Option<String>>(13)?,
                r.get::<_, Option<String>>(14)?,
            ),
            (
                r.get::<_, Option<String>>(15)?,
                r.get::<_, i64>(16)?,
                r.get::<_, Option<String>>(17)?,
                r.get::<_, Option<String>>(18)?,
            ),
            r.get::<_, i64>(19)?,
        ))
    })?;
    let mut out = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    // The cut-off month (for the plausibility flags), with the lines.
    let mut cutoff: Option<i64> = None;
    for row in rows {
        let (id, a, b, (review_note, version, changed_by, changed_at), c) = row?;
        cutoff = Some(c);
        let line = ForecastLine {
            node: a.0,
            group: a.1,
            method: method_of(&a.2)?,
            base: Amount::from_ore(a.3),
            explanation: a.4,
            adjustments: Vec::new(),
            to_date: Amount::from_ore(a.5),
            budget: Amount::from_ore(a.6),
            comment: b.1,
        };
        let recommended = match b.2 {
            Some(m) => Some(method_of(&m)?),
            None => None,
        };
        index.insert(id, out.len());
        out.push(LineDetail {
            line,
            adjustment_ids: Vec::new(),
            recommended,
            budget_to_date: Amount::from_ore(b.0),
            manual: b.3.is_some(),
            override_by: b.4,
            override_at: b.5,
            override_reason: b.6,
            estimates: Vec::new(),
            flags: Vec::new(),
            review_note,
            version,
            changed_by,
            changed_at,
        });
    }
    let Some(cutoff) = cutoff else {
        // No lines: the round must still exist.
        round_cutoff(conn, round)?;
        return Ok(out);
    };
    let cutoff = valid_cutoff(round, cutoff)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.line_id, a.id, a.kind, a.amount_ore, a.low_ore, a.high_ore, a.comment, a.code
             FROM forecast_adjustment a JOIN forecast_line l ON l.id = a.line_id
             WHERE l.round_id = ?1{cond} ORDER BY a.id"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            (
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ),
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    for row in rows {
        let ((line_id, id, kind, amount), low, high, comment, code) = row?;
        let Some(&i) = index.get(&line_id) else {
            continue;
        };
        let kind = AdjustmentKind::from_code(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("justeringstypen \"{kind}\"")))?;
        out[i].line.adjustments.push(Adjustment {
            kind,
            amount: Amount::from_ore(amount),
            low: low.map(Amount::from_ore),
            high: high.map(Amount::from_ore),
            comment,
            code,
        });
        out[i].adjustment_ids.push(id);
    }
    if !estimates {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.line_id, e.method, e.full_ore, e.explanation, e.mae_ore, e.bias_ore, e.years,
                e.replay
             FROM forecast_estimate e JOIN forecast_line l ON l.id = e.line_id
             WHERE l.round_id = ?1{cond}"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    for row in rows {
        let (line_id, method, full, explanation, mae, bias, years, replay) = row?;
        let Some(&i) = index.get(&line_id) else {
            continue;
        };
        out[i].estimates.push(MethodEstimate {
            method: method_of(&method)?,
            full_year: full.map(Amount::from_ore),
            explanation,
            mae: mae.map(Amount::from_ore),
            bias: bias.map(Amount::from_ore),
            years: years.max(0) as u32,
            replay: decode_replay(&replay)?,
        });
    }
    let m = cutoff as usize;
    for d in &mut out {
        d.estimates.sort_by_key(|e| e.method);
        d.flags = plausibility(&d.line, d.budget_to_date, m);
    }
    Ok(out)
}

impl SqlStore {
    fn write_estimates(
        tx: &Transaction<'_>,
        line_id: i64,
        estimates: &[MethodEstimate],
    ) -> Result<(), StoreError> {
        tx.execute(
            "DELETE FROM forecast_estimate WHERE line_id = ?1",
            params![line_id],
        )?;
        let mut ins = tx.prepare_cached(
            "INSERT INTO forecast_estimate (line_id, method, full_ore, explanation, mae_ore, bias_ore, years, replay)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for e in estimates {
            ins.execute(params![
                line_id,
                e.method.code(),
                e.full_year.map(|a| a.ore()),
                e.explanation,
                e.mae.map(|a| a.ore()),
                e.bias.map(|a| a.ore()),
                e.years as i64,
                encode_replay(&e.replay)
            ])?;
        }
        Ok(())
    }

    fn line_with_version(
        &self,
        round: &str,
        node: &str,
        group: &str,
    ) -> Result<(ForecastLine, i64), StoreError> {
        read_lines_of(&self.conn, round, Which::Line(node, group), false)?
            .into_iter()
            .next()
            .map(|d| (d.line, d.version))
            .ok_or_else(|| err(format!("prognosraden {node}:{group} finns inte")))
    }
}

type RoundRow = Result<RoundInfo, StoreError>;

fn round_from_row(r: &crate::db::Row<'_>) -> crate::db::Result<RoundRow> {
    let id: String = r.get(0)?;
    let status: String = r.get(2)?;
    let round = match Round::parse(&id) {
        Ok(round) => round,
        Err(_) => {
            return Ok(Err(StoreError::Corrupt(format!(
                "prognosomgången \"{id}\""
            ))))
        }
    };
    let deadline: Option<String> = r.get(9)?;
    let deadline = match deadline.as_deref().map(Date::parse) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(_)) => {
            return Ok(Err(StoreError::Corrupt(format!(
                "tidsfristen för prognosomgången \"{id}\""
            ))))
        }
    };
    Ok(Ok(RoundInfo {
        deadline,
        round,
        grain: r.get(1)?,
        status: if status == "locked" {
            RoundStatus::Locked
        } else {
            RoundStatus::Open
        },
        created_at: r.get(3)?,
        created_by: r.get(4)?,
        computed_at: r.get(5)?,
        locked_at: r.get(6)?,
        locked_by: r.get(7)?,
        lines: r.get::<_, i64>(8)?.max(0) as u64,
    }))
}

// One change of a line inside a write transaction whose round [`open_round`] has checked:
// the building blocks of [`ForecastStore::edit_lines`] (and so of `edit_line`). Each returns
// the line's new version.
#[allow(clippy::too_many_arguments)]
fn edit_method(
    tx: &Transaction<'_>,
    now: &str,
    round: &str,
    node: &str,
    group: &str,
    method: Method,
    comment: &str,
    kind: CommentKind,
    expected: Option<i64>,
    user: &str,
) -> Result<i64, StoreError> {
    let comment = require_comment(comment)?;
    let line = find_line(tx, round, node, group)?;
    check_version(tx, round, node, group, &line, expected)?;
    if method == Method::Manual {
        return Err(err(
            "en manuell prognos anges med --amount (belopp) och --comment",
        ));
    }
    let est: Option<(Option<i64>, String)> = tx
        .query_row(
            "SELECT full_ore, explanation FROM forecast_estimate WHERE line_id = ?1 AND method = ?2",
            params![line.id, method.code()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (full, explanation) = match est {
        Some((Some(f), e)) => (f, e),
        Some((None, reason)) => {
            return Err(err(format!(
                "metoden {} kan inte användas på {node}:{group}: {reason}",
                method.name().to_lowercase()
            )))
        }
        None => {
            return Err(err(format!(
                "metoden {} är inte beräknad för {node}:{group}",
                method.name().to_lowercase()
            )))
        }
    };
    // The override, the comment and the version in one statement.
    let version: i64 = tx.query_row(
        &format!(
            "UPDATE forecast_line SET method = ?2, base_ore = ?3, explanation = ?4,
                 manual_ore = NULL, override_by = ?5, override_at = ?6, override_reason = ?7,
                 {} = ?7, version = version + 1, changed_by = ?5, changed_at = ?6
             WHERE id = ?1 RETURNING version",
            comment_column(kind)
        ),
        params![
            line.id,
            method.code(),
            full,
            explanation,
            user,
            now,
            comment
        ],
        |r| r.get(0),
    )?;
    audit(
        tx,
        round,
        Some((node, group)),
        "metod",
        Some(&format!(
            "{} {}",
            line.method,
            tkr(Amount::from_ore(line.base))
        )),
        Some(&format!(
            "{} {}: {comment}{}",
            method.code(),
            tkr(Amount::from_ore(full)),
            kind_suffix(kind)
        )),
        user,
        now,
    )?;

    Ok(version)
}

#[allow(clippy::too_many_arguments)]
fn edit_amount(
    tx: &Transaction<'_>,
    now: &str,
    round: &str,
    node: &str,
    group: &str,
    amount: Amount,
    comment: &str,
    kind: CommentKind,
    expected: Option<i64>,
    user: &str,
) -> Result<i64, StoreError> {
    let comment = require_comment(comment)?;
    let line = find_line(tx, round, node, group)?;
    check_version(tx, round, node, group, &line, expected)?;
    // The explanation is printed with the line (forecast show); a review note stays out of
    // it so that it is written only where review notes are shown.
    let explanation = match kind {
        CommentKind::Report => format!("Manuell prognos {}: {comment}", tkr(amount)),
        CommentKind::Review => format!("Manuell prognos {}.", tkr(amount)),
    };
    // The amount, the comment and the version in one statement.
    let version: i64 = tx.query_row(
        &format!(
            "UPDATE forecast_line SET method = ?2, base_ore = ?3, explanation = ?4,
                 manual_ore = ?3, override_by = ?5, override_at = ?6, override_reason = ?7,
                 {} = ?7, version = version + 1, changed_by = ?5, changed_at = ?6
             WHERE id = ?1 RETURNING version",
            comment_column(kind)
        ),
        params![
            line.id,
            Method::Manual.code(),
            amount.ore(),
            explanation,
            user,
            now,
            comment
        ],
        |r| r.get(0),
    )?;
    audit(
        tx,
        round,
        Some((node, group)),
        "belopp",
        Some(&format!(
            "{} {}",
            line.method,
            tkr(Amount::from_ore(line.base))
        )),
        Some(&format!(
            "manuell {}: {comment}{}",
            tkr(amount),
            kind_suffix(kind)
        )),
        user,
        now,
    )?;

    Ok(version)
}

#[allow(clippy::too_many_arguments)]
fn edit_comment(
    tx: &Transaction<'_>,
    now: &str,
    round: &str,
    node: &str,
    group: &str,
    comment: &str,
    kind: CommentKind,
    expected: Option<i64>,
    user: &str,
) -> Result<i64, StoreError> {
    let line = find_line(tx, round, node, group)?;
    check_version(tx, round, node, group, &line, expected)?;
    let c = comment.trim();
    let new = (!c.is_empty()).then_some(c);
    let version: i64 = tx.query_row(
        &format!(
            "UPDATE forecast_line SET {} = ?2, version = version + 1, changed_by = ?3,
                 changed_at = ?4
             WHERE id = ?1 RETURNING version",
            comment_column(kind)
        ),
        params![line.id, new, user, now],
        |r| r.get(0),
    )?;
    let (action, old) = match kind {
        CommentKind::Report => ("kommentar", line.comment.as_deref()),
        CommentKind::Review => ("granskning", line.review_note.as_deref()),
    };
    audit(tx, round, Some((node, group)), action, old, new, user, now)?;
    Ok(version)
}

#[allow(clippy::too_many_arguments)]
fn edit_add_adjustment(
    tx: &Transaction<'_>,
    now: &str,
    round: &str,
    node: &str,
    group: &str,
    a: &Adjustment,
    expected: Option<i64>,
    user: &str,
) -> Result<(i64, i64), StoreError> {
    let comment = require_comment(&a.comment)?;
    if let (Some(lo), Some(hi)) = (a.low, a.high) {
        if lo > hi {
            return Err(err("det låga värdet är större än det höga"));
        }
    }
    let code = match a.code.as_deref() {
        Some(c) => Some(check_adjustment_code(c)?),
        None => None,
    };
    let line = find_line(tx, round, node, group)?;
    check_version(tx, round, node, group, &line, expected)?;
    if let Some(code) = &code {
        let taken: Option<(String, String)> = tx
            .query_row(
                "SELECT l.node, l.grp FROM forecast_adjustment a
                 JOIN forecast_line l ON l.id = a.line_id
                 WHERE l.round_id = ?1 AND a.code = ?2",
                params![round, code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((n, g)) = taken {
            return Err(err(format!(
                "justeringskoden {code} används redan i prognosomgången {round} (på raden \
                 {n}:{g}). Välj en annan kod, eller ta bort den justeringen först."
            )));
        }
    }
    let id: i64 = tx.query_row(
        "INSERT INTO forecast_adjustment (line_id, kind, amount_ore, low_ore, high_ore,
             comment, created_by, created_at, code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        params![
            line.id,
            a.kind.code(),
            a.amount.ore(),
            a.low.map(|x| x.ore()),
            a.high.map(|x| x.ore()),
            comment,
            user,
            now,
            code
        ],
        |r| r.get(0),
    )?;
    let cited = code
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    audit(
        tx,
        round,
        Some((node, group)),
        "justering",
        None,
        Some(&format!(
            "{}{cited} {}: {comment}",
            a.kind.code(),
            tkr(a.amount)
        )),
        user,
        now,
    )?;
    let version = bump(tx, line.id, user, now)?;
    Ok((id, version))
}

/// Make `changes` in one write transaction (all or none); per change the id of an adjustment
/// added and the line's new version.
fn apply_line_changes(
    conn: &mut Connection,
    round: &str,
    changes: &[LineChange<'_>],
    user: &str,
) -> Result<Vec<(Option<i64>, i64)>, StoreError> {
    let now = now_utc();
    let tx = write_tx(conn)?;
    open_round(&tx, round)?;
    let mut done = Vec::with_capacity(changes.len());
    for c in changes {
        let (node, group, expected) = (c.node, c.group, c.expected);
        let made = match c.edit {
            LineEdit::Method {
                method,
                comment,
                kind,
            } => (
                None,
                edit_method(
                    &tx, &now, round, node, group, method, comment, kind, expected, user,
                )?,
            ),
            LineEdit::Amount {
                amount,
                comment,
                kind,
            } => (
                None,
                edit_amount(
                    &tx, &now, round, node, group, amount, comment, kind, expected, user,
                )?,
            ),
            LineEdit::Comment { text, kind } => (
                None,
                edit_comment(&tx, &now, round, node, group, text, kind, expected, user)?,
            ),
            LineEdit::AddAdjustment(a) => {
                let (id, version) =
                    edit_add_adjustment(&tx, &now, round, node, group, a, expected, user)?;
                (Some(id), version)
            }
        };
        done.push(made);
    }
    tx.commit()?;
    Ok(done)
}

impl ForecastStore for SqlStore {
    fn edit_line(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        edit: LineEdit<'_>,
        expected: Option<i64>,
        user: &str,
    ) -> Result<Edited, StoreError> {
        let mut done = self.edit_lines(
            round,
            &[LineChange {
                node,
                group,
                edit,
                expected,
            }],
            user,
        )?;
        Ok(done.remove(0))
    }

    fn edit_lines(
        &mut self,
        round: &str,
        changes: &[LineChange<'_>],
        user: &str,
    ) -> Result<Vec<Edited>, StoreError> {
        let done = apply_line_changes(&mut self.conn, round, changes, user)?;
        changes
            .iter()
            .zip(done)
            .map(|(c, (adjustment, _))| {
                let (line, version) = self.line_with_version(round, c.node, c.group)?;
                Ok(Edited {
                    line,
                    version,
                    adjustment,
                })
            })
            .collect()
    }

    fn edit_line_version(
        &mut self,
        round: &str,
        node: &str,
        group: &str,
        edit: LineEdit<'_>,
        expected: Option<i64>,
        user: &str,
    ) -> Result<i64, StoreError> {
        let change = LineChange {
            node,
            group,
            edit,
            expected,
        };
        let done = apply_line_changes(&mut self.conn, round, &[change], user)?;
        Ok(done[0].1)
    }

    fn ledger_by_node(
        &self,
        year: i32,
        by: LedgerBy,
        budget_as_of: Option<Date>,
    ) -> Result<Vec<NodeLedgerRow>, StoreError> {
        let (fy_id, fy) = self.year_or_budget_year(year)?;
        let months = fy.months().len();
        let first = fy.start.year_month();
        let shapes = self.set_shapes()?;
        let mut accounts: HashMap<i64, (String, String, String)> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, number, COALESCE(name, ''), group_code FROM account
                 WHERE group_code IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
            })?;
            for row in rows {
                let (id, v) = row?;
                accounts.insert(id, v);
            }
        }
        let groups = self.account_mapping()?;
        let names: HashMap<String, String> = accounts
            .values()
            .map(|(n, name, _)| (n.clone(), name.clone()))
            .collect();
        // node → key → row (looked up by &str, so a hit allocates nothing).
        let mut rows: HashMap<String, HashMap<String, LedgerRow>> = HashMap::new();
        let mut add = |node: &str,
                       number: &str,
                       name: &str,
                       group: &str,
                       budget: bool,
                       period: i32,
                       amount: i64| {
            let Ok(ym) = delar_core::YearMonth::from_int(period) else {
                return;
            };
            let idx = first.months_until(ym);
            if idx < 0 || idx as usize >= months {
                return;
            }
            let key = match by {
                LedgerBy::Account => number,
                LedgerBy::Group => group,
            };
            if !rows.contains_key(node) {
                rows.insert(node.to_string(), HashMap::new());
            }
            let per_node = rows.get_mut(node).expect("inserted above");
            if !per_node.contains_key(key) {
                let row_name = match by {
                    LedgerBy::Account => name.to_string(),
                    LedgerBy::Group => groups
                        .group(group)
                        .map(|g| g.name.clone())
                        .unwrap_or_else(|| group.to_string()),
                };
                per_node.insert(
                    key.to_string(),
                    LedgerRow {
                        key: key.to_string(),
                        name: row_name,
                        group: group.to_string(),
                        outcome: vec![Amount::ZERO; months],
                        budget: vec![Amount::ZERO; months],
                        outcome_total: Amount::ZERO,
                        budget_total: Amount::ZERO,
                    },
                );
            }
            let row = per_node.get_mut(key).expect("inserted above");
            let a = Amount::from_ore(amount);
            if budget {
                row.budget[idx as usize] += a;
                row.budget_total += a;
            } else {
                row.outcome[idx as usize] += a;
                row.outcome_total += a;
            }
        };
        for p in self.placed_sums(fy_id, &fy, &shapes)? {
            let Some((number, name, group)) = accounts.get(&p.account) else {
                continue;
            };
            add(p.ansvar, number, name, group, p.budget, p.period, p.amount);
        }
        for (node, _, number, period, amount) in self.csv_budget(&fy, budget_as_of)?.0 {
            let Some(g) = groups.group_of(&number) else {
                continue;
            };
            let name = names.get(&number).cloned().unwrap_or_default();
            let group = g.code.clone();
            add(&node, &number, &name, &group, true, period, amount);
        }
        let pos = |code: &str| {
            groups
                .groups()
                .iter()
                .position(|g| g.code == code)
                .unwrap_or(usize::MAX)
        };
        let mut out: Vec<NodeLedgerRow> = rows
            .into_iter()
            .flat_map(|(node, per)| {
                per.into_values().map(move |row| NodeLedgerRow {
                    node: node.clone(),
                    row,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            a.node.cmp(&b.node).then_with(|| match by {
                LedgerBy::Account => a.row.key.cmp(&b.row.key),
                LedgerBy::Group => pos(&a.row.key)
                    .cmp(&pos(&b.row.key))
                    .then(a.row.key.cmp(&b.row.key)),
            })
        });
        Ok(out)
    }

    fn save_round(
        &mut self,
        round: &Round,
        grain: LedgerBy,
        lines: &[ComputedLine],
        user: &str,
    ) -> Result<SaveSummary, StoreError> {
        let id = round.id();
        let now = now_utc();
        let tx = write_tx(&mut self.conn)?;
        refuse_if_locked(&tx, &id)?;
        let existing: Option<(String, String)> = tx
            .query_row(
                "SELECT status, grain FROM forecast_round WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match &existing {
            Some((_, g)) if g != grain_code(grain) => {
                return Err(err(format!(
                    "prognosomgången {id} är beräknad per {}; den kan inte beräknas om per {}",
                    if g == "account" {
                        "konto"
                    } else {
                        "kontogrupp"
                    },
                    if grain == LedgerBy::Account {
                        "konto"
                    } else {
                        "kontogrupp"
                    }
                )))
            }
            Some(_) => {
                tx.execute(
                    "UPDATE forecast_round SET computed_at = ?2 WHERE id = ?1",
                    params![id, now],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO forecast_round (id, year, kind, cutoff, grain, status, created_at,
                         created_by, computed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?6)",
                    params![
                        id,
                        round.year,
                        kind_code(round),
                        round.cutoff as i64,
                        grain_code(grain),
                        now,
                        user
                    ],
                )?;
            }
        }
        // What is there now: id, method, manual amount, override, comments, adjustments.
        struct Old {
            id: i64,
            method: String,
            manual: Option<i64>,
            overridden: bool,
            keep: bool,
        }
        let mut old: HashMap<(String, String), Old> = HashMap::new();
        {
            let mut stmt = tx.prepare(
                "SELECT l.id, l.node, l.grp, l.method, l.manual_ore, l.override_by IS NOT NULL,
                        l.comment IS NOT NULL OR l.review_note IS NOT NULL
                        OR EXISTS (SELECT 1 FROM forecast_adjustment a WHERE a.line_id = l.id)
                 FROM forecast_line l WHERE l.round_id = ?1",
            )?;
            let rows = stmt.query_map(params![id], |r| {
                Ok((
                    (r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                    Old {
                        id: r.get(0)?,
                        method: r.get(3)?,
                        manual: r.get(4)?,
                        overridden: r.get(5)?,
                        keep: r.get(6)?,
                    },
                ))
            })?;
            for row in rows {
                let (k, v) = row?;
                old.insert(k, v);
            }
        }
        let mut summary = SaveSummary::default();
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO forecast_line (round_id, position, node, grp, method, base_ore,
                     explanation, to_date_ore, budget_ore, budget_to_date_ore, recommended)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
            )?;
            let mut upd = tx.prepare_cached(
                "UPDATE forecast_line SET position = ?2, method = ?3, base_ore = ?4,
                     explanation = ?5, to_date_ore = ?6, budget_ore = ?7,
                     budget_to_date_ore = ?8, recommended = ?9, version = version + 1
                 WHERE id = ?1",
            )?;
            let mut upd_kept = tx.prepare_cached(
                "UPDATE forecast_line SET position = ?2, to_date_ore = ?3, budget_ore = ?4,
                     budget_to_date_ore = ?5, recommended = ?6, version = version + 1
                 WHERE id = ?1",
            )?;
            let mut upd_method = tx.prepare_cached(
                "UPDATE forecast_line SET base_ore = ?2, explanation = ?3 WHERE id = ?1",
            )?;
            for (position, c) in lines.iter().enumerate() {
                let l = &c.line;
                let rec = c.recommended.map(|m| m.code());
                let key = (l.node.clone(), l.group.clone());
                let line_id = match old.remove(&key) {
                    None => {
                        summary.added += 1;
                        ins.query_row(
                            params![
                                id,
                                position as i64,
                                l.node,
                                l.group,
                                l.method.code(),
                                l.base.ore(),
                                l.explanation,
                                l.to_date.ore(),
                                l.budget.ore(),
                                c.budget_to_date.ore(),
                                rec
                            ],
                            |r| r.get::<_, i64>(0),
                        )?
                    }
                    Some(o) if o.manual.is_some() || o.overridden => {
                        summary.kept_overrides += 1;
                        upd_kept.execute(params![
                            o.id,
                            position as i64,
                            l.to_date.ore(),
                            l.budget.ore(),
                            c.budget_to_date.ore(),
                            rec
                        ])?;
                        if o.manual.is_none() {
                            // A chosen method: its new result, when it still has one.
                            if let Some(e) = c
                                .estimates
                                .iter()
                                .find(|e| e.method.code() == o.method && e.full_year.is_some())
                            {
                                upd_method.execute(params![
                                    o.id,
                                    e.full_year.map(|a| a.ore()),
                                    e.explanation
                                ])?;
                            }
                        }
                        o.id
                    }
                    Some(o) => {
                        summary.updated += 1;
                        upd.execute(params![
                            o.id,
                            position as i64,
                            l.method.code(),
                            l.base.ore(),
                            l.explanation,
                            l.to_date.ore(),
                            l.budget.ore(),
                            c.budget_to_date.ore(),
                            rec
                        ])?;
                        o.id
                    }
                };
                SqlStore::write_estimates(&tx, line_id, &c.estimates)?;
            }
        }
        // Lines no longer computed: removed unless a person added something.
        let mut kept_position = lines.len() as i64;
        for (_, o) in old {
            if o.manual.is_some() || o.overridden || o.keep {
                tx.execute(
                    "UPDATE forecast_line SET position = ?2 WHERE id = ?1",
                    params![o.id, kept_position],
                )?;
                kept_position += 1;
            } else {
                tx.execute(
                    "DELETE FROM forecast_estimate WHERE line_id = ?1",
                    params![o.id],
                )?;
                tx.execute("DELETE FROM forecast_line WHERE id = ?1", params![o.id])?;
                summary.removed += 1;
            }
        }
        summary.lines = tx.query_row(
            "SELECT COUNT(*) FROM forecast_line WHERE round_id = ?1",
            params![id],
            |r| r.get::<_, i64>(0),
        )? as u64;
        audit(
            &tx,
            &id,
            None,
            "berakna",
            None,
            Some(&format!(
                "{} rader ({} nya, {} omräknade, {} med egen metod eller belopp behållna, {} borttagna)",
                summary.lines,
                summary.added,
                summary.updated,
                summary.kept_overrides,
                summary.removed
            )),
            user,
            &now,
        )?;
        tx.commit()?;
        Ok(summary)
    }

    fn forecast_rounds(&self) -> Result<Vec<RoundInfo>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.grain, r.status, r.created_at, r.created_by, r.computed_at,
                    r.locked_at, r.locked_by,
                    (SELECT COUNT(*) FROM forecast_line l WHERE l.round_id = r.id),
                    r.deadline
             FROM forecast_round r ORDER BY r.year, r.cutoff, r.id",
        )?;
        let rows = stmt.query_map([], round_from_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r??);
        }
        Ok(out)
    }

    fn forecast_round(&self, id: &str) -> Result<Option<RoundInfo>, StoreError> {
        read_round(&self.conn, id)
    }

    fn forecast_lines(&self, round: &str) -> Result<Vec<ForecastLine>, StoreError> {
        Ok(read_lines_of(&self.conn, round, Which::Round, false)?
            .into_iter()
            .map(|d| d.line)
            .collect())
    }

    fn forecast_node_lines(
        &self,
        round: &str,
        nodes: &[&str],
    ) -> Result<Vec<ForecastLine>, StoreError> {
        Ok(
            read_lines_of(&self.conn, round, Which::Nodes(nodes), false)?
                .into_iter()
                .map(|d| d.line)
                .collect(),
        )
    }

    fn forecast_line_details(&self, round: &str) -> Result<Vec<LineDetail>, StoreError> {
        read_lines(&self.conn, round)
    }

    fn forecast_line_nodes(&self, round: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT node FROM forecast_line WHERE round_id = ?1 ORDER BY node",
        )?;
        let rows = stmt.query_map(params![round], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?);
        }
        if out.is_empty() {
            // No lines: a round without lines, or no round (asked only then).
            round_cutoff(&self.conn, round)?;
        }
        Ok(out)
    }

    fn forecast_node_details(
        &self,
        round: &str,
        nodes: &[&str],
    ) -> Result<Vec<LineDetail>, StoreError> {
        read_lines_of(&self.conn, round, Which::Nodes(nodes), true)
    }

    fn forecast_line_detail(
        &self,
        round: &str,
        node: &str,
        group: &str,
    ) -> Result<Option<LineDetail>, StoreError> {
        Ok(
            read_lines_of(&self.conn, round, Which::Line(node, group), true)?
                .into_iter()
                .next(),
        )
    }

    fn review_lines(
        &mut self,
        round: &str,
        notes: &[ReviewNote],
        user: &str,
    ) -> Result<usize, StoreError> {
        let now = now_utc();
        let tx = write_tx(&mut self.conn)?;
        open_round(&tx, round)?;
        // Every problem first, then every write: all or nothing.
        let mut problems = Vec::new();
        let mut found = Vec::with_capacity(notes.len());
        for n in notes {
            let note = n.note.trim();
            if note.is_empty() {
                problems.push(format!(
                    "{}:{}: granskningskommentaren är tom",
                    n.node, n.group
                ));
                continue;
            }
            match find_line(&tx, round, &n.node, &n.group) {
                Ok(line) => found.push((n, note, line)),
                Err(StoreError::Forecast(m)) => problems.push(m),
                Err(e) => return Err(e),
            }
        }
        if !problems.is_empty() {
            let shown: Vec<&str> = problems.iter().take(20).map(String::as_str).collect();
            let more = if problems.len() > shown.len() {
                format!("\n  … och {} fel till", problems.len() - shown.len())
            } else {
                String::new()
            };
            return Err(err(format!(
                "ingen granskning sparades i prognosomgången {round}; rätta raderna och försök \
                 igen:\n  {}{more}",
                shown.join("\n  ")
            )));
        }
        for (n, note, line) in &found {
            write_comment(&tx, line.id, CommentKind::Review, Some(note))?;
            bump(&tx, line.id, user, &now)?;
            audit(
                &tx,
                round,
                Some((&n.node, &n.group)),
                "granskning",
                line.review_note.as_deref(),
                Some(note),
                user,
                &now,
            )?;
        }
        tx.commit()?;
        Ok(found.len())
    }

    fn remove_adjustment(&mut self, round: &str, id: i64, user: &str) -> Result<(), StoreError> {
        let now = now_utc();
        let tx = write_tx(&mut self.conn)?;
        open_round(&tx, round)?;
        let row: Option<(String, String, String, i64, String, i64)> = tx
            .query_row(
                "SELECT l.node, l.grp, a.kind, a.amount_ore, a.comment, l.id
                 FROM forecast_adjustment a JOIN forecast_line l ON l.id = a.line_id
                 WHERE a.id = ?1 AND l.round_id = ?2",
                params![id, round],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((node, group, kind, amount, comment, line_id)) = row else {
            return Err(err(format!(
                "justering {id} finns inte i prognosomgången {round}"
            )));
        };
        tx.execute("DELETE FROM forecast_adjustment WHERE id = ?1", params![id])?;
        audit(
            &tx,
            round,
            Some((&node, &group)),
            "ta_bort_justering",
            Some(&format!(
                "{kind} {}: {comment}",
                tkr(Amount::from_ore(amount))
            )),
            None,
            user,
            &now,
        )?;
        bump(&tx, line_id, user, &now)?;
        tx.commit()?;
        Ok(())
    }

    fn set_round_deadline(
        &mut self,
        round: &str,
        deadline: Option<Date>,
        user: &str,
    ) -> Result<(), StoreError> {
        let now = now_utc();
        let tx = write_tx(&mut self.conn)?;
        open_round(&tx, round)?;
        let old: Option<String> = tx.query_row(
            "SELECT deadline FROM forecast_round WHERE id = ?1",
            params![round],
            |r| r.get(0),
        )?;
        let new = deadline.map(|d| d.to_string());
        if old == new {
            return Ok(());
        }
        tx.execute(
            "UPDATE forecast_round SET deadline = ?2 WHERE id = ?1",
            params![round, new],
        )?;
        audit(
            &tx,
            round,
            None,
            "tidsfrist",
            old.as_deref(),
            new.as_deref(),
            user,
            &now,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn lock_round(&mut self, round: &str, user: &str) -> Result<(), StoreError> {
        let now = now_utc();
        let tx = write_tx(&mut self.conn)?;
        open_round(&tx, round)?;
        // The flags are checked on the lines as they are inside the transaction.
        let missing: Vec<String> = read_lines(&tx, round)?
            .iter()
            .filter(|d| d.needs_review())
            .map(|d| format!("{}:{} ({})", d.line.node, d.line.group, d.flags.join(" ")))
            .collect();
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(20).map(String::as_str).collect();
            let more = if missing.len() > shown.len() {
                format!("\n  … och {} rader till", missing.len() - shown.len())
            } else {
                String::new()
            };
            return Err(err(format!(
                "prognosomgången {round} kan inte låsas: {} flaggade rader saknar kommentar. \
                 Granska dem och skriv en granskningskommentar (den kommer inte med i rapporten) \
                 på alla på en gång med \"delar forecast granska --round {round} --kommentar \
                 \"…\" --alla\", eller en i taget med \"delar forecast set NOD:GRUPP --comment \
                 \"…\" --kommentarstyp granskning\":\n  {}{more}",
                missing.len(),
                shown.join("\n  ")
            )));
        }
        tx.execute(
            "UPDATE forecast_round SET status = 'locked', locked_at = ?2, locked_by = ?3 WHERE id = ?1",
            params![round, now, user],
        )?;
        audit(
            &tx,
            round,
            None,
            "las",
            Some("öppen"),
            Some("låst"),
            user,
            &now,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn forecast_audit(&self, round: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT round_id, node, grp, action, old_value, new_value, user_name, at
             FROM forecast_audit WHERE round_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![round], |r| {
            Ok(AuditEntry {
                round: r.get(0)?,
                node: r.get(1)?,
                group: r.get(2)?,
                action: r.get(3)?,
                old_value: r.get(4)?,
                new_value: r.get(5)?,
                user: r.get(6)?,
                at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
