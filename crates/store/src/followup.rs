//! The follow-up registers in the store: migration 3 (one table per register), imports from
//! the templates of `delar_followup::templates` and queries that return the model types.
//!
//! # Import semantics
//!
//! One file of one register is one database transaction and one batch in `import_batch`
//! (source = the register's name, no SIE fields) with a row in `followup_batch` saying which
//! register it holds. Every row carries a *scope*, its unit of replacement (for most registers
//! year and committee; see [`StoredRegister::scope`]): importing a file first deletes every
//! stored row of the register in any scope the file contains, then inserts the file's rows.
//! So re-importing a corrected file for SN 2025 replaces SN 2025 and leaves VON alone. A batch
//! none of whose rows remain gets the status `replaced`. Importing a byte-identical file whose
//! batch is still wholly in force changes nothing.
//!
//! After the rows are written, the integrity checks of `delar_followup::validate` run on
//! everything stored. Findings about the imported register that make its own rows
//! contradictory (women + men ≠ total, two values for one period, a status outside its
//! scale, …) roll the import back; findings about references to other registers (a goal
//! without indicators, an indicator of an unknown goal) are returned as warnings, because the
//! registers may be imported in any order.

use crate::db::types::Value;
use crate::db::{params, params_from_iter, Connection, OptionalExtension, Row};
use crate::time::now_utc;
use crate::types::ImportStatus;
use crate::{hex, SqlStore, StoreError};
use delar_core::{Amount, Date, YearMonth};
use delar_followup::model::*;
use delar_followup::templates::{parse, Template};
use delar_followup::validate::{validate, Finding, Severity};
use delar_tabular::{Table, TableError};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

/// Migration 3: the follow-up registers. Amounts are öre (`BIGINT`), months `YYYYMM`
/// integers, dates ISO text, ratios `REAL`; words are stored as their Swedish labels.
pub(crate) const MIGRATION_FOLLOWUP: crate::schema::Migration = crate::schema::Migration {
    version: 3,
    name: "uppföljningsregister",
    sql: r#"
-- Which register a batch of import_batch holds (import_batch itself is shaped for SIE).
CREATE TABLE followup_batch (
    batch_id   INTEGER PRIMARY KEY REFERENCES import_batch (id),
    register   TEXT NOT NULL,
    rows_count BIGINT NOT NULL,
    scopes     TEXT NOT NULL
);

CREATE TABLE fu_goal (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES import_batch (id),
    scope       TEXT NOT NULL,
    year        INTEGER,
    committee   TEXT,
    code        TEXT NOT NULL,
    level       TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent      TEXT,
    cluster     TEXT,
    description TEXT
);
CREATE INDEX fu_goal_scope ON fu_goal (scope);

CREATE TABLE fu_goal_class (
    id        INTEGER PRIMARY KEY,
    batch_id  INTEGER NOT NULL REFERENCES import_batch (id),
    scope     TEXT NOT NULL,
    year      INTEGER,
    committee TEXT,
    goal      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    reason    TEXT
);
CREATE INDEX fu_goal_class_scope ON fu_goal_class (scope);

CREATE TABLE fu_goal_text (
    id        INTEGER PRIMARY KEY,
    batch_id  INTEGER NOT NULL REFERENCES import_batch (id),
    scope     TEXT NOT NULL,
    year      INTEGER,
    committee TEXT,
    goal      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX fu_goal_text_scope ON fu_goal_text (scope);

CREATE TABLE fu_indicator (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES import_batch (id),
    scope             TEXT NOT NULL,
    year              INTEGER,
    committee         TEXT,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    goal              TEXT NOT NULL,
    unit              TEXT NOT NULL,
    decimals          INTEGER NOT NULL,
    measure           TEXT NOT NULL,
    polarity          TEXT NOT NULL,
    limit_low         REAL,
    limit_high        REAL,
    by_sex            INTEGER NOT NULL,
    source            TEXT NOT NULL,
    source_id         TEXT,
    publication_month INTEGER,
    definition        TEXT
);
CREATE INDEX fu_indicator_scope ON fu_indicator (scope);

-- figure: 'none' (i.u.), 'number' (women/men/total) or 'word' (a direction word).
CREATE TABLE fu_indicator_value (
    id        INTEGER PRIMARY KEY,
    batch_id  INTEGER NOT NULL REFERENCES import_batch (id),
    scope     TEXT NOT NULL,
    year      INTEGER,
    committee TEXT,
    indicator TEXT NOT NULL,
    kind      TEXT NOT NULL,
    period    INTEGER,
    figure    TEXT NOT NULL CHECK (figure IN ('none', 'number', 'word')),
    women     REAL,
    men       REAL,
    total     REAL,
    word      TEXT,
    comment   TEXT
);
CREATE INDEX fu_indicator_value_scope ON fu_indicator_value (scope);

-- flags: a commitment's ticked boxes, comma-separated; status/forecast: an assignment's.
CREATE TABLE fu_commitment (
    id        INTEGER PRIMARY KEY,
    batch_id  INTEGER NOT NULL REFERENCES import_batch (id),
    scope     TEXT NOT NULL,
    year      INTEGER,
    committee TEXT,
    code      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    name      TEXT NOT NULL,
    goal      TEXT,
    flags     TEXT,
    status    TEXT,
    forecast  TEXT,
    comment   TEXT
);
CREATE INDEX fu_commitment_scope ON fu_commitment (scope);

CREATE TABLE fu_efficiency (
    id               INTEGER PRIMARY KEY,
    batch_id         INTEGER NOT NULL REFERENCES import_batch (id),
    scope            TEXT NOT NULL,
    year             INTEGER,
    committee        TEXT,
    period           INTEGER NOT NULL,
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    account_group    TEXT,
    ansvar           TEXT,
    planned_ore      BIGINT NOT NULL,
    to_date_ore      BIGINT,
    forecast_ore     BIGINT,
    carried_over_ore BIGINT NOT NULL,
    comment          TEXT
);
CREATE INDEX fu_efficiency_scope ON fu_efficiency (scope);

CREATE TABLE fu_investment (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES import_batch (id),
    scope        TEXT NOT NULL,
    year         INTEGER,
    committee    TEXT,
    period       INTEGER NOT NULL,
    project      TEXT NOT NULL,
    name         TEXT NOT NULL,
    category     TEXT,
    budget_ore   BIGINT NOT NULL,
    outcome_ore  BIGINT NOT NULL,
    forecast_ore BIGINT NOT NULL,
    status       TEXT NOT NULL,
    comment      TEXT
);
CREATE INDEX fu_investment_scope ON fu_investment (scope);

CREATE TABLE fu_staff (
    id                    INTEGER PRIMARY KEY,
    batch_id              INTEGER NOT NULL REFERENCES import_batch (id),
    scope                 TEXT NOT NULL,
    year                  INTEGER,
    committee             TEXT,
    period                INTEGER NOT NULL,
    fte                   REAL NOT NULL,
    head_women            REAL,
    head_men              REAL,
    head_total            REAL,
    sick_women            REAL,
    sick_men              REAL,
    sick_total            REAL,
    short_women           REAL,
    short_men             REAL,
    short_total           REAL,
    full_time_share       REAL,
    hourly_paid_share     REAL,
    turnover              REAL,
    employees_per_manager REAL
);
CREATE INDEX fu_staff_scope ON fu_staff (scope);

CREATE TABLE fu_event (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES import_batch (id),
    scope       TEXT NOT NULL,
    year        INTEGER,
    committee   TEXT,
    date        TEXT NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    area        TEXT,
    title       TEXT NOT NULL,
    description TEXT,
    impact_ore  BIGINT,
    adjustment  TEXT
);
CREATE INDEX fu_event_scope ON fu_event (scope);

CREATE TABLE fu_state_grant (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES import_batch (id),
    scope        TEXT NOT NULL,
    year         INTEGER,
    committee    TEXT,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    amount_ore   BIGINT NOT NULL,
    report_back  INTEGER NOT NULL,
    repayable    INTEGER NOT NULL,
    coming_years TEXT,
    comment      TEXT
);
CREATE INDEX fu_state_grant_scope ON fu_state_grant (scope);

-- age_to NULL = open band (85–).
CREATE TABLE fu_population (
    id        INTEGER PRIMARY KEY,
    batch_id  INTEGER NOT NULL REFERENCES import_batch (id),
    scope     TEXT NOT NULL,
    year      INTEGER,
    committee TEXT,
    basis     TEXT NOT NULL,
    age_from  INTEGER NOT NULL,
    age_to    INTEGER,
    women     BIGINT NOT NULL,
    men       BIGINT NOT NULL,
    total     BIGINT NOT NULL
);
CREATE INDEX fu_population_scope ON fu_population (scope);

CREATE TABLE fu_comparison (
    id                 INTEGER PRIMARY KEY,
    batch_id           INTEGER NOT NULL REFERENCES import_batch (id),
    scope              TEXT NOT NULL,
    year               INTEGER,
    committee          TEXT,
    area               TEXT NOT NULL,
    kolada_id          TEXT,
    municipality       TEXT NOT NULL,
    own                INTEGER NOT NULL,
    cost_ore           BIGINT,
    net_cost_deviation REAL
);
CREATE INDEX fu_comparison_scope ON fu_comparison (scope);
"#,
};

/// Migration 7: the queue register (decisions not carried out, `koer.csv`) and the follow-up
/// of state grants (used to date and forecast use, both optional).
pub(crate) const MIGRATION_QUEUES: crate::schema::Migration = crate::schema::Migration {
    version: 7,
    name: "köer och statsbidragens förbrukning",
    sql: r#"
ALTER TABLE fu_state_grant ADD COLUMN used_to_date_ore BIGINT;
ALTER TABLE fu_state_grant ADD COLUMN forecast_use_ore BIGINT;

-- law: 'SoL' or 'LSS'; women/men NULL when not broken down by sex; waits in days.
CREATE TABLE fu_queue (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES import_batch (id),
    scope             TEXT NOT NULL,
    year              INTEGER,
    committee         TEXT,
    period            INTEGER NOT NULL,
    law               TEXT NOT NULL,
    decision          TEXT NOT NULL,
    women             BIGINT,
    men               BIGINT,
    total             BIGINT NOT NULL,
    over_three_months BIGINT,
    mean_wait_days    REAL,
    median_wait_days  REAL,
    comment           TEXT
);
CREATE INDEX fu_queue_scope ON fu_queue (scope);
"#,
};

/// Finding codes that make a register's own rows contradictory: they roll the import back.
const BLOCKING: &[&str] = &[
    "duplicate-goal",
    "goal-parent",
    "goal-committee",
    "missing-reason",
    "duplicate-classification",
    "duplicate-indicator",
    "polarity-range",
    "duplicate-value",
    "word-in-outcome",
    "period-year",
    "kmt-sum",
    "kmt-range",
    "kmt-weighted",
    "kmt-missing-total",
    "share-range",
    "short-above-total",
    "duplicate-commitment",
    "status-missing",
    "status-scale",
    "status-forecast",
    "duplicate-measure",
    "duplicate-investment",
    "duplicate-event",
    "duplicate-grant",
    "duplicate-staff",
    "band-overlap",
    "negative",
    "duplicate-comparison",
    "own-municipality",
    "duplicate-queue",
    "of-which-above-total",
];

/// A register that can be stored: its table, columns and the mapping of a row to and from
/// SQL values. Every table also has `id`, `batch_id`, `scope`, `year` and `committee`.
pub trait StoredRegister: Template {
    /// Table name.
    const TABLE: &'static str;
    /// The register-specific columns, in the order of [`StoredRegister::values`].
    const COLUMNS_SQL: &'static [&'static str];
    /// Unit of replacement: re-importing a file replaces every stored row whose scope occurs
    /// in the file.
    fn scope(&self) -> String;
    /// The year the row belongs to (`None` for indicator definitions).
    fn year(&self) -> Option<i32>;
    /// The committee the row belongs to, when it has one.
    fn committee(&self) -> Option<&str>;
    /// Values for [`StoredRegister::COLUMNS_SQL`].
    fn values(&self) -> Vec<Value>;
    /// The row back from the columns, starting at index 0.
    fn from_row(r: &Row<'_>) -> crate::db::Result<Self>;
    /// The register's rows in a [`FollowupData`].
    fn rows(data: &mut FollowupData) -> &mut Vec<Self>;
}

/// What a query returns: all rows, or those of one year and/or committee. Rows without a
/// year (indicator definitions) or without a committee are always included.
#[derive(Clone, Debug, Default)]
pub struct FollowupFilter {
    /// Only this year.
    pub year: Option<i32>,
    /// Only this committee (organisation code).
    pub committee: Option<String>,
}

/// The result of importing one register file.
#[derive(Clone, Debug, Serialize)]
pub struct FollowupReport {
    /// The batch created (or, when unchanged, the batch already holding the file).
    pub batch_id: i64,
    /// Register name (`indikatorer`).
    pub register: String,
    /// File name as given.
    pub file_name: String,
    /// Imported, unchanged or replaced.
    pub status: ImportStatus,
    /// Rows imported.
    pub rows: usize,
    /// Scopes the file covers (replaced when already stored), e.g. `2025|SN`.
    pub scopes: Vec<String>,
    /// Rows of earlier imports deleted because the file covers their scopes.
    pub rows_replaced: usize,
    /// Earlier batches that lost rows to this import.
    pub replaced_batches: Vec<i64>,
    /// Integrity findings about this register that did not stop the import (references to
    /// other registers).
    pub warnings: Vec<Finding>,
}

impl fmt::Display for FollowupReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status == ImportStatus::Unchanged {
            return write!(
                f,
                "{} är redan importerad (batch {}); inget ändrades.",
                self.file_name, self.batch_id
            );
        }
        write!(
            f,
            "Importerade {} ({}) som batch {}: {} rader",
            self.file_name,
            self.register,
            self.batch_id,
            count(self.rows)
        )?;
        if self.rows_replaced > 0 {
            write!(
                f,
                ", ersatte {} tidigare rader för samma år och nämnd",
                count(self.rows_replaced)
            )?;
        }
        write!(f, ".")?;
        if !self.warnings.is_empty() {
            let noun = if self.warnings.len() == 1 {
                "varning"
            } else {
                "varningar"
            };
            write!(f, "\n{} {noun}:", count(self.warnings.len()))?;
            for w in self.warnings.iter().take(20) {
                write!(f, "\n  {w}")?;
            }
            if self.warnings.len() > 20 {
                write!(f, "\n  … och {} till", self.warnings.len() - 20)?;
            }
        }
        Ok(())
    }
}

/// A count the Swedish way (`12 345`).
fn count<N: TryInto<i64>>(n: N) -> String {
    delar_core::money::format_int(n.try_into().unwrap_or(i64::MAX))
}

/// The result of a KPI file import.
#[derive(Clone, Debug, Serialize)]
pub struct KpiReport {
    /// The `indikatorvarden` batch the values went into.
    pub report: FollowupReport,
    /// Rows in the file.
    pub rows: usize,
    /// Indicator values made from them (K/M/T rows of one value count once).
    pub values: usize,
    /// Measure codes without a mapping, with the number of rows skipped.
    pub skipped: std::collections::BTreeMap<String, usize>,
}

impl fmt::Display for KpiReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\nKPI-filen: {} rader gav {} indikatorvärden.",
            self.report,
            count(self.rows),
            count(self.values)
        )?;
        if !self.skipped.is_empty() {
            let n: usize = self.skipped.values().sum();
            let codes: Vec<String> = self
                .skipped
                .iter()
                .take(10)
                .map(|(c, n)| format!("{c} ({n})"))
                .collect();
            write!(
                f,
                "\n{n} rader med måttkoder utan mappning hoppades över: {}{}",
                codes.join(", "),
                if self.skipped.len() > 10 { " …" } else { "" }
            )?;
        }
        Ok(())
    }
}

/// Why a register import failed; nothing was changed.
#[derive(Debug)]
pub enum FollowupError {
    /// The file cannot be read as the template (every error with file, row and column).
    Table(Vec<TableError>),
    /// The rows contradict themselves (integrity findings about the register).
    Invalid {
        /// File name.
        file: String,
        /// The blocking findings.
        findings: Vec<Finding>,
    },
    /// The register name is not known.
    UnknownRegister(String),
    /// A store error.
    Store(StoreError),
}

impl fmt::Display for FollowupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FollowupError::Table(errs) => {
                let file = errs.first().map(|e| e.file.as_str()).unwrap_or("filen");
                write!(f, "{file} har {} fel; ingenting importerades", errs.len())?;
                for e in errs.iter().take(30) {
                    write!(f, "\n  {e}")?;
                }
                if errs.len() > 30 {
                    write!(f, "\n  … och {} fel till", errs.len() - 30)?;
                }
                Ok(())
            }
            FollowupError::Invalid { file, findings } => {
                write!(
                    f,
                    "{file} motsäger sig själv ({} fel); ingenting importerades",
                    findings.len()
                )?;
                for x in findings.iter().take(30) {
                    write!(f, "\n  {file}: {x}")?;
                }
                Ok(())
            }
            FollowupError::UnknownRegister(r) => write!(
                f,
                "okänt register \"{r}\". Välj ett av: {}",
                delar_followup::REGISTERS.join(", ")
            ),
            FollowupError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FollowupError {}

impl From<StoreError> for FollowupError {
    fn from(e: StoreError) -> Self {
        FollowupError::Store(e)
    }
}

impl From<crate::db::Error> for FollowupError {
    fn from(e: crate::db::Error) -> Self {
        FollowupError::Store(StoreError::Db(e))
    }
}

// ---------------------------------------------------------------------------------------------
// Value helpers

fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}
fn ot(s: &Option<String>) -> Value {
    s.as_ref().map(|s| t(s)).unwrap_or(Value::Null)
}
fn r(v: f64) -> Value {
    Value::Real(v)
}
fn or(v: Option<f64>) -> Value {
    v.map(Value::Real).unwrap_or(Value::Null)
}
fn i(v: i64) -> Value {
    Value::Integer(v)
}
fn a(v: Amount) -> Value {
    Value::Integer(v.ore())
}
fn oa(v: Option<Amount>) -> Value {
    v.map(a).unwrap_or(Value::Null)
}
fn ym(v: YearMonth) -> Value {
    Value::Integer(v.as_int() as i64)
}
fn w<W: Word>(v: W) -> Value {
    t(v.label())
}

fn bad(i: usize, what: &str) -> crate::db::Error {
    crate::db::Error::FromSqlConversionFailure(
        i,
        crate::db::types::Type::Text,
        format!("felaktigt värde ({what})").into(),
    )
}

fn gw<W: Word>(row: &Row<'_>, i: usize) -> crate::db::Result<W> {
    let s: String = row.get(i)?;
    W::from_label(&s).ok_or_else(|| bad(i, &s))
}
fn gym(row: &Row<'_>, i: usize) -> crate::db::Result<YearMonth> {
    let v: i64 = row.get(i)?;
    YearMonth::from_int(v as i32).map_err(|_| bad(i, &v.to_string()))
}
fn ga(row: &Row<'_>, i: usize) -> crate::db::Result<Amount> {
    Ok(Amount::from_ore(row.get(i)?))
}
fn goa(row: &Row<'_>, i: usize) -> crate::db::Result<Option<Amount>> {
    Ok(row.get::<_, Option<i64>>(i)?.map(Amount::from_ore))
}
fn gkmt(row: &Row<'_>, i: usize) -> crate::db::Result<Kmt> {
    Ok(Kmt {
        women: row.get(i)?,
        men: row.get(i + 1)?,
        total: row.get(i + 2)?,
    })
}

fn scope2(year: i32, second: &str) -> String {
    format!("{year}|{second}")
}

// ---------------------------------------------------------------------------------------------
// The registers

impl StoredRegister for Goal {
    const TABLE: &'static str = "fu_goal";
    const COLUMNS_SQL: &'static [&'static str] =
        &["code", "level", "name", "parent", "cluster", "description"];
    fn scope(&self) -> String {
        self.year.to_string()
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        self.committee.as_deref()
    }
    fn values(&self) -> Vec<Value> {
        vec![
            t(&self.code),
            w(self.level),
            t(&self.name),
            ot(&self.parent),
            ot(&self.cluster),
            ot(&self.description),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(Goal {
            year: row.get(0)?,
            committee: row.get(1)?,
            code: row.get(2)?,
            level: gw(row, 3)?,
            name: row.get(4)?,
            parent: row.get(5)?,
            cluster: row.get(6)?,
            description: row.get(7)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.goals
    }
}

impl StoredRegister for GoalClassification {
    const TABLE: &'static str = "fu_goal_class";
    const COLUMNS_SQL: &'static [&'static str] = &["goal", "kind", "reason"];
    fn scope(&self) -> String {
        scope2(self.year, &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        vec![t(&self.goal), w(self.kind), ot(&self.reason)]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(GoalClassification {
            year: row.get(0)?,
            committee: row.get(1)?,
            goal: row.get(2)?,
            kind: gw(row, 3)?,
            reason: row.get(4)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.classifications
    }
}

impl StoredRegister for GoalText {
    const TABLE: &'static str = "fu_goal_text";
    const COLUMNS_SQL: &'static [&'static str] = &["goal", "kind", "text"];
    fn scope(&self) -> String {
        scope2(self.year, &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        vec![t(&self.goal), w(self.kind), t(&self.text)]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(GoalText {
            year: row.get(0)?,
            committee: row.get(1)?,
            goal: row.get(2)?,
            kind: gw(row, 3)?,
            text: row.get(4)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.texts
    }
}

impl StoredRegister for Indicator {
    const TABLE: &'static str = "fu_indicator";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "code",
        "name",
        "goal",
        "unit",
        "decimals",
        "measure",
        "polarity",
        "limit_low",
        "limit_high",
        "by_sex",
        "source",
        "source_id",
        "publication_month",
        "definition",
    ];
    fn scope(&self) -> String {
        self.code.clone()
    }
    fn year(&self) -> Option<i32> {
        None
    }
    fn committee(&self) -> Option<&str> {
        self.committee.as_deref()
    }
    fn values(&self) -> Vec<Value> {
        let (lo, hi) = match self.polarity {
            Polarity::Ceiling(v) | Polarity::Floor(v) => (Some(v), None),
            Polarity::Range(a, b) => (Some(a), Some(b)),
            _ => (None, None),
        };
        vec![
            t(&self.code),
            t(&self.name),
            t(&self.goal),
            t(&self.unit),
            i(self.decimals as i64),
            w(self.measure),
            w(self.polarity.kind()),
            or(lo),
            or(hi),
            i(self.by_sex as i64),
            w(self.source),
            ot(&self.source_id),
            self.publication_month
                .map(|m| i(m as i64))
                .unwrap_or(Value::Null),
            ot(&self.definition),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        let pk: PolarityKind = gw(row, 8)?;
        let lo: Option<f64> = row.get(9)?;
        let hi: Option<f64> = row.get(10)?;
        let polarity = match (pk, lo, hi) {
            (PolarityKind::Higher, ..) => Polarity::Higher,
            (PolarityKind::Lower, ..) => Polarity::Lower,
            (PolarityKind::Neutral, ..) => Polarity::Neutral,
            (PolarityKind::Ceiling, Some(v), _) => Polarity::Ceiling(v),
            (PolarityKind::Floor, Some(v), _) => Polarity::Floor(v),
            (PolarityKind::Range, Some(a), Some(b)) => Polarity::Range(a, b),
            _ => return Err(bad(8, "polaritet utan gräns")),
        };
        Ok(Indicator {
            committee: row.get(1)?,
            code: row.get(2)?,
            name: row.get(3)?,
            goal: row.get(4)?,
            unit: row.get(5)?,
            decimals: row.get::<_, i64>(6)?.clamp(0, 6) as u8,
            measure: gw(row, 7)?,
            polarity,
            by_sex: row.get::<_, i64>(11)? != 0,
            source: gw(row, 12)?,
            source_id: row.get(13)?,
            publication_month: row.get::<_, Option<i64>>(14)?.map(|m| m.clamp(1, 12) as u8),
            definition: row.get(15)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.indicators
    }
}

impl StoredRegister for IndicatorValue {
    const TABLE: &'static str = "fu_indicator_value";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "indicator",
        "kind",
        "period",
        "figure",
        "women",
        "men",
        "total",
        "word",
        "comment",
    ];
    fn scope(&self) -> String {
        format!("{}|{}", self.indicator, self.year)
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        None
    }
    fn values(&self) -> Vec<Value> {
        let period = match self.kind {
            ValueKind::ToDate(m) => ym(m),
            _ => Value::Null,
        };
        let (fig, k, word) = match self.figure {
            Figure::NoData => ("none", Kmt::default(), Value::Null),
            Figure::Number(k) => ("number", k, Value::Null),
            Figure::Word(tr) => ("word", Kmt::default(), w(tr)),
        };
        vec![
            t(&self.indicator),
            w(self.kind.word()),
            period,
            t(fig),
            or(k.women),
            or(k.men),
            or(k.total),
            word,
            ot(&self.comment),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        let kw: ValueKindWord = gw(row, 3)?;
        let kind = match kw {
            ValueKindWord::Outcome => ValueKind::Outcome,
            ValueKindWord::Forecast => ValueKind::Forecast,
            ValueKindWord::Target => ValueKind::Target,
            ValueKindWord::ToDate => ValueKind::ToDate(gym(row, 4)?),
        };
        let fig: String = row.get(5)?;
        let figure = match fig.as_str() {
            "none" => Figure::NoData,
            "number" => Figure::Number(gkmt(row, 6)?),
            _ => Figure::Word(gw(row, 9)?),
        };
        Ok(IndicatorValue {
            year: row.get(0)?,
            indicator: row.get(2)?,
            kind,
            figure,
            comment: row.get(10)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.values
    }
}

impl StoredRegister for Commitment {
    const TABLE: &'static str = "fu_commitment";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "code", "kind", "name", "goal", "flags", "status", "forecast", "comment",
    ];
    fn scope(&self) -> String {
        scope2(self.year, &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        let (flags, status, forecast) = match &self.status {
            CommitmentStatus::Flags(f) => (
                t(&f.iter().map(|x| x.label()).collect::<Vec<_>>().join(",")),
                Value::Null,
                Value::Null,
            ),
            CommitmentStatus::Progress { current, forecast } => {
                (Value::Null, w(*current), w(*forecast))
            }
        };
        vec![
            t(&self.code),
            w(self.kind),
            t(&self.name),
            ot(&self.goal),
            flags,
            status,
            forecast,
            ot(&self.comment),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        let flags: Option<String> = row.get(6)?;
        let status = match flags {
            Some(f) => CommitmentStatus::Flags(
                f.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| CommitmentFlag::from_label(s).ok_or_else(|| bad(6, s)))
                    .collect::<crate::db::Result<Vec<_>>>()?,
            ),
            None => CommitmentStatus::Progress {
                current: gw(row, 7)?,
                forecast: gw(row, 8)?,
            },
        };
        Ok(Commitment {
            year: row.get(0)?,
            committee: row.get(1)?,
            code: row.get(2)?,
            kind: gw(row, 3)?,
            name: row.get(4)?,
            goal: row.get(5)?,
            status,
            comment: row.get(9)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.commitments
    }
}

impl StoredRegister for EfficiencyMeasure {
    const TABLE: &'static str = "fu_efficiency";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "period",
        "code",
        "name",
        "account_group",
        "ansvar",
        "planned_ore",
        "to_date_ore",
        "forecast_ore",
        "carried_over_ore",
        "comment",
    ];
    fn scope(&self) -> String {
        scope2(self.month.year(), &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.month.year())
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        vec![
            ym(self.month),
            t(&self.code),
            t(&self.name),
            ot(&self.account_group),
            ot(&self.ansvar),
            a(self.planned),
            oa(self.to_date),
            oa(self.forecast),
            a(self.carried_over),
            ot(&self.comment),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(EfficiencyMeasure {
            committee: row.get(1)?,
            month: gym(row, 2)?,
            code: row.get(3)?,
            name: row.get(4)?,
            account_group: row.get(5)?,
            ansvar: row.get(6)?,
            planned: ga(row, 7)?,
            to_date: goa(row, 8)?,
            forecast: goa(row, 9)?,
            carried_over: ga(row, 10)?,
            comment: row.get(11)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.efficiency
    }
}

impl StoredRegister for Investment {
    const TABLE: &'static str = "fu_investment";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "period",
        "project",
        "name",
        "category",
        "budget_ore",
        "outcome_ore",
        "forecast_ore",
        "status",
        "comment",
    ];
    fn scope(&self) -> String {
        scope2(self.month.year(), &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.month.year())
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        vec![
            ym(self.month),
            t(&self.project),
            t(&self.name),
            ot(&self.category),
            a(self.budget),
            a(self.outcome),
            a(self.forecast),
            w(self.status),
            ot(&self.comment),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(Investment {
            committee: row.get(1)?,
            month: gym(row, 2)?,
            project: row.get(3)?,
            name: row.get(4)?,
            category: row.get(5)?,
            budget: ga(row, 6)?,
            outcome: ga(row, 7)?,
            forecast: ga(row, 8)?,
            status: gw(row, 9)?,
            comment: row.get(10)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.investments
    }
}

impl StoredRegister for StaffFigures {
    const TABLE: &'static str = "fu_staff";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "period",
        "fte",
        "head_women",
        "head_men",
        "head_total",
        "sick_women",
        "sick_men",
        "sick_total",
        "short_women",
        "short_men",
        "short_total",
        "full_time_share",
        "hourly_paid_share",
        "turnover",
        "employees_per_manager",
    ];
    fn scope(&self) -> String {
        scope2(self.month.year(), &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.month.year())
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        let k = |k: &Kmt| [or(k.women), or(k.men), or(k.total)];
        let mut v = vec![ym(self.month), r(self.fte)];
        v.extend(k(&self.headcount));
        v.extend(k(&self.sick_leave));
        v.extend(k(&self.short_sick_leave));
        v.extend([
            or(self.full_time_share),
            or(self.hourly_paid_share),
            or(self.turnover),
            or(self.employees_per_manager),
        ]);
        v
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(StaffFigures {
            committee: row.get(1)?,
            month: gym(row, 2)?,
            fte: row.get(3)?,
            headcount: gkmt(row, 4)?,
            sick_leave: gkmt(row, 7)?,
            short_sick_leave: gkmt(row, 10)?,
            full_time_share: row.get(13)?,
            hourly_paid_share: row.get(14)?,
            turnover: row.get(15)?,
            employees_per_manager: row.get(16)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.staff
    }
}

impl StoredRegister for Event {
    const TABLE: &'static str = "fu_event";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "date",
        "code",
        "kind",
        "area",
        "title",
        "description",
        "impact_ore",
        "adjustment",
    ];
    fn scope(&self) -> String {
        scope2(self.date.year(), &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.date.year())
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        vec![
            t(&self.date.to_string()),
            t(&self.code),
            w(self.kind),
            ot(&self.area),
            t(&self.title),
            ot(&self.description),
            oa(self.impact),
            ot(&self.adjustment),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        let d: String = row.get(2)?;
        Ok(Event {
            committee: row.get(1)?,
            date: Date::parse(&d).map_err(|_| bad(2, &d))?,
            code: row.get(3)?,
            kind: gw(row, 4)?,
            area: row.get(5)?,
            title: row.get(6)?,
            description: row.get(7)?,
            impact: goa(row, 8)?,
            adjustment: row.get(9)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.events
    }
}

impl StoredRegister for StateGrant {
    const TABLE: &'static str = "fu_state_grant";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "code",
        "name",
        "amount_ore",
        "report_back",
        "repayable",
        "coming_years",
        "comment",
        "used_to_date_ore",
        "forecast_use_ore",
    ];
    fn scope(&self) -> String {
        scope2(self.year, &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        vec![
            t(&self.code),
            t(&self.name),
            a(self.amount),
            i(self.report_back as i64),
            i(self.repayable as i64),
            ot(&self.coming_years),
            ot(&self.comment),
            oa(self.used_to_date),
            oa(self.forecast_use),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(StateGrant {
            year: row.get(0)?,
            committee: row.get(1)?,
            code: row.get(2)?,
            name: row.get(3)?,
            amount: ga(row, 4)?,
            report_back: row.get::<_, i64>(5)? != 0,
            repayable: row.get::<_, i64>(6)? != 0,
            coming_years: row.get(7)?,
            comment: row.get(8)?,
            used_to_date: goa(row, 9)?,
            forecast_use: goa(row, 10)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.grants
    }
}

impl StoredRegister for Population {
    const TABLE: &'static str = "fu_population";
    const COLUMNS_SQL: &'static [&'static str] =
        &["basis", "age_from", "age_to", "women", "men", "total"];
    fn scope(&self) -> String {
        scope2(self.year, self.basis.label())
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        None
    }
    fn values(&self) -> Vec<Value> {
        vec![
            w(self.basis),
            i(self.band.from as i64),
            self.band.to.map(|v| i(v as i64)).unwrap_or(Value::Null),
            i(self.women),
            i(self.men),
            i(self.total),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(Population {
            year: row.get(0)?,
            basis: gw(row, 2)?,
            band: AgeBand {
                from: row.get::<_, i64>(3)?.clamp(0, 255) as u8,
                to: row.get::<_, Option<i64>>(4)?.map(|v| v.clamp(0, 255) as u8),
            },
            women: row.get(5)?,
            men: row.get(6)?,
            total: row.get(7)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.population
    }
}

impl StoredRegister for Comparison {
    const TABLE: &'static str = "fu_comparison";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "area",
        "kolada_id",
        "municipality",
        "own",
        "cost_ore",
        "net_cost_deviation",
    ];
    fn scope(&self) -> String {
        scope2(self.year, &self.area)
    }
    fn year(&self) -> Option<i32> {
        Some(self.year)
    }
    fn committee(&self) -> Option<&str> {
        None
    }
    fn values(&self) -> Vec<Value> {
        vec![
            t(&self.area),
            ot(&self.kolada_id),
            t(&self.municipality),
            i(self.own as i64),
            oa(self.cost_per_inhabitant),
            or(self.net_cost_deviation),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(Comparison {
            year: row.get(0)?,
            area: row.get(2)?,
            kolada_id: row.get(3)?,
            municipality: row.get(4)?,
            own: row.get::<_, i64>(5)? != 0,
            cost_per_inhabitant: goa(row, 6)?,
            net_cost_deviation: row.get(7)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.comparisons
    }
}

impl StoredRegister for Queue {
    const TABLE: &'static str = "fu_queue";
    const COLUMNS_SQL: &'static [&'static str] = &[
        "period",
        "law",
        "decision",
        "women",
        "men",
        "total",
        "over_three_months",
        "mean_wait_days",
        "median_wait_days",
        "comment",
    ];
    fn scope(&self) -> String {
        scope2(self.month.year(), &self.committee)
    }
    fn year(&self) -> Option<i32> {
        Some(self.month.year())
    }
    fn committee(&self) -> Option<&str> {
        Some(&self.committee)
    }
    fn values(&self) -> Vec<Value> {
        let oi = |v: Option<i64>| v.map(i).unwrap_or(Value::Null);
        vec![
            ym(self.month),
            w(self.law),
            t(&self.decision),
            oi(self.women),
            oi(self.men),
            i(self.total),
            oi(self.over_three_months),
            or(self.mean_wait_days),
            or(self.median_wait_days),
            ot(&self.comment),
        ]
    }
    fn from_row(row: &Row<'_>) -> crate::db::Result<Self> {
        Ok(Queue {
            committee: row.get(1)?,
            month: gym(row, 2)?,
            law: gw(row, 3)?,
            decision: row.get(4)?,
            women: row.get(5)?,
            men: row.get(6)?,
            total: row.get(7)?,
            over_three_months: row.get(8)?,
            mean_wait_days: row.get(9)?,
            median_wait_days: row.get(10)?,
            comment: row.get(11)?,
        })
    }
    fn rows(d: &mut FollowupData) -> &mut Vec<Self> {
        &mut d.queues
    }
}

// ---------------------------------------------------------------------------------------------
// Generic import and queries

/// Rows of one register from a connection (file order within a batch, batches in import
/// order).
pub(crate) fn load<T: StoredRegister>(
    conn: &Connection,
    filter: &FollowupFilter,
) -> crate::db::Result<Vec<T>> {
    let sql = format!(
        "SELECT year, committee, {} FROM {}
         WHERE (CAST(?1 AS BIGINT) IS NULL OR year IS NULL OR year = ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR committee IS NULL OR committee = ?2) ORDER BY id",
        T::COLUMNS_SQL.join(", "),
        T::TABLE
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![filter.year, filter.committee], |r| T::from_row(r))?;
    rows.collect()
}

macro_rules! register_dispatch {
    ($(($t:ty, $field:ident)),* $(,)?) => {
        /// The follow-up tables (migrations 3 and 7), for
        /// [`SqlStore::followup_table_counts`].
        const TABLES: &[&str] = &["followup_batch", $(<$t as StoredRegister>::TABLE),*];

        /// Every register's rows (a `FollowupData` field missing from the list of registers
        /// does not compile).
        fn load_all(
            conn: &Connection,
            filter: &FollowupFilter,
        ) -> crate::db::Result<FollowupData> {
            Ok(FollowupData {
                $($field: load::<$t>(conn, filter)?,)*
            })
        }

        impl SqlStore {
            /// Import one register's table (already read); `sha256` identifies the file's
            /// bytes. `register` is the template name (`indikatorer`, `personal`, … see
            /// `delar_followup::REGISTERS`). All or nothing; see the module docs for
            /// replacement.
            pub fn import_followup_table(
                &mut self,
                register: &str,
                table: &Table,
                sha256: &str,
            ) -> Result<FollowupReport, FollowupError> {
                $(
                    if register == <$t as Template>::NAME {
                        return self.import_rows_of::<$t>(table, sha256);
                    }
                )*
                Err(FollowupError::UnknownRegister(register.to_string()))
            }
        }
    };
}

delar_followup::for_each_register!(register_dispatch);

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// The follow-up registers in a store.
pub trait FollowupStore {
    /// Import one register from a CSV or XLSX file on disk (all rows or nothing).
    fn import_followup_file(
        &mut self,
        register: &str,
        path: &Path,
    ) -> Result<FollowupReport, FollowupError>;

    /// Import a KPI interchange file (the Stratsys export), with an optional mapping file.
    fn import_kpi_file(
        &mut self,
        path: &Path,
        mapping: Option<&Path>,
    ) -> Result<KpiReport, FollowupError>;

    /// Everything stored in the registers, filtered.
    fn followup(&self, filter: &FollowupFilter) -> Result<FollowupData, StoreError>;

    /// The integrity findings over everything stored (all registers).
    fn followup_findings(&self) -> Result<Vec<Finding>, StoreError>;
}

impl FollowupStore for SqlStore {
    fn import_followup_file(
        &mut self,
        register: &str,
        path: &Path,
    ) -> Result<FollowupReport, FollowupError> {
        SqlStore::import_followup_file(self, register, path)
    }

    fn import_kpi_file(
        &mut self,
        path: &Path,
        mapping: Option<&Path>,
    ) -> Result<KpiReport, FollowupError> {
        SqlStore::import_kpi_file(self, path, mapping)
    }

    fn followup(&self, filter: &FollowupFilter) -> Result<FollowupData, StoreError> {
        SqlStore::followup(self, filter)
    }

    fn followup_findings(&self) -> Result<Vec<Finding>, StoreError> {
        SqlStore::followup_findings(self)
    }
}

impl SqlStore {
    /// Import one register from a CSV or XLSX file on disk.
    pub fn import_followup_file(
        &mut self,
        register: &str,
        path: &Path,
    ) -> Result<FollowupReport, FollowupError> {
        if !delar_followup::REGISTERS.contains(&register) {
            return Err(FollowupError::UnknownRegister(register.to_string()));
        }
        let bytes = std::fs::read(path).map_err(|e| StoreError::io(path, e))?;
        let table = Table::read_path(path).map_err(|e| FollowupError::Table(vec![e]))?;
        self.import_followup_table(register, &table, &sha256_hex(&bytes))
    }

    fn import_rows_of<T: StoredRegister>(
        &mut self,
        table: &Table,
        sha256: &str,
    ) -> Result<FollowupReport, FollowupError> {
        let rows = parse::<T>(table).map_err(FollowupError::Table)?;
        self.import_followup_rows(&rows, &table.file, sha256)
    }

    /// Import rows of a register directly (the generator and tests); `file_name` and
    /// `sha256` are recorded in the batch log.
    pub fn import_followup_rows<T: StoredRegister>(
        &mut self,
        rows: &[T],
        file_name: &str,
        sha256: &str,
    ) -> Result<FollowupReport, FollowupError> {
        let register = T::NAME;
        let scopes: BTreeSet<String> = rows.iter().map(|r| r.scope()).collect();
        let tx = self.conn.transaction()?;
        // Unchanged: the same file of the same register, still wholly in force.
        let same: Option<(i64, i64)> = tx
            .query_row(
                "SELECT b.id, f.rows_count FROM import_batch b
                 JOIN followup_batch f ON f.batch_id = b.id
                 WHERE b.source = ?1 AND b.sha256 = ?2 AND b.status = 'active'
                 ORDER BY b.id DESC LIMIT 1",
                params![register, sha256],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, n)) = same {
            let in_force: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM {} WHERE batch_id = ?1", T::TABLE),
                params![id],
                |r| r.get(0),
            )?;
            if in_force == n {
                return Ok(FollowupReport {
                    batch_id: id,
                    register: register.into(),
                    file_name: file_name.into(),
                    status: ImportStatus::Unchanged,
                    rows: rows.len(),
                    scopes: scopes.into_iter().collect(),
                    rows_replaced: 0,
                    replaced_batches: vec![],
                    warnings: vec![],
                });
            }
        }
        let batch: i64 = tx.query_row(
            "INSERT INTO import_batch (source, file_name, sha256, imported_at, status)
             VALUES (?1, ?2, ?3, ?4, 'active') RETURNING id",
            params![register, file_name, sha256, now_utc()],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO followup_batch (batch_id, register, rows_count, scopes)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                batch,
                register,
                rows.len() as i64,
                scopes.iter().cloned().collect::<Vec<_>>().join("\n")
            ],
        )?;
        // Replace what the file covers.
        let mut replaced_batches = BTreeSet::new();
        let mut rows_replaced = 0usize;
        {
            let mut find = tx.prepare(&format!(
                "SELECT DISTINCT batch_id FROM {} WHERE scope = ?1",
                T::TABLE
            ))?;
            let mut del = tx.prepare(&format!("DELETE FROM {} WHERE scope = ?1", T::TABLE))?;
            for s in &scopes {
                for b in find.query_map(params![s], |r| r.get::<_, i64>(0))? {
                    replaced_batches.insert(b?);
                }
                rows_replaced += del.execute(params![s])?;
            }
        }
        {
            let cols = T::COLUMNS_SQL.join(", ");
            let marks: Vec<String> = (1..=T::COLUMNS_SQL.len() + 4)
                .map(|n| format!("?{n}"))
                .collect();
            let mut ins = tx.prepare(&format!(
                "INSERT INTO {} (batch_id, scope, year, committee, {cols}) VALUES ({})",
                T::TABLE,
                marks.join(", ")
            ))?;
            for row in rows {
                let mut v = vec![
                    Value::Integer(batch),
                    Value::Text(row.scope()),
                    row.year()
                        .map(|y| Value::Integer(y as i64))
                        .unwrap_or(Value::Null),
                    row.committee().map(t).unwrap_or(Value::Null),
                ];
                v.extend(row.values());
                ins.execute(params_from_iter(v))?;
            }
        }
        for b in &replaced_batches {
            let left: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM {} WHERE batch_id = ?1", T::TABLE),
                params![b],
                |r| r.get(0),
            )?;
            if left == 0 {
                tx.execute(
                    "UPDATE import_batch SET status = 'replaced', replaced_by = ?2 WHERE id = ?1",
                    params![b, batch],
                )?;
            }
        }
        // Integrity of what is now stored.
        let data = load_all(&tx, &FollowupFilter::default())?;
        let findings: Vec<Finding> = validate(&data)
            .into_iter()
            .filter(|f| f.register == register)
            .collect();
        let (blocking, warnings): (Vec<Finding>, Vec<Finding>) = findings
            .into_iter()
            .partition(|f| f.severity == Severity::Error && BLOCKING.contains(&f.code));
        if !blocking.is_empty() {
            return Err(FollowupError::Invalid {
                file: file_name.to_string(),
                findings: blocking,
            });
        }
        tx.commit()?;
        Ok(FollowupReport {
            batch_id: batch,
            register: register.into(),
            file_name: file_name.into(),
            status: if replaced_batches.is_empty() {
                ImportStatus::Imported
            } else {
                ImportStatus::Replaced
            },
            rows: rows.len(),
            scopes: scopes.into_iter().collect(),
            rows_replaced,
            replaced_batches: replaced_batches.into_iter().collect(),
            warnings,
        })
    }

    /// Import a KPI interchange file (the Stratsys export; see `delar_followup::kpi`) into
    /// the indicator values, mapped by `mapping` (`kpi-mappning.csv`) or, without one, by
    /// indicator code or source id. The file's values are merged into the stored values of
    /// the indicators and years it touches (a stored target stays when the file has only
    /// outcomes) and the result is imported as one `indikatorvarden` batch: all or nothing,
    /// checked like the template, and a byte-identical file (with the same mapping) changes
    /// nothing.
    pub fn import_kpi_file(
        &mut self,
        path: &Path,
        mapping: Option<&Path>,
    ) -> Result<KpiReport, FollowupError> {
        use delar_followup::kpi::{merge_values, parse_kpi, read_kpi_table, KpiMapping};
        let name = path.display().to_string();
        let mut bytes = std::fs::read(path).map_err(|e| {
            FollowupError::Table(vec![TableError::file(
                &name,
                format!("filen kunde inte läsas ({e}). Kontrollera sökvägen."),
            )])
        })?;
        let table = read_kpi_table(&bytes, &name).map_err(|e| FollowupError::Table(vec![e]))?;
        let map = match mapping {
            Some(m) => {
                let t = Table::read_path(m).map_err(|e| FollowupError::Table(vec![e]))?;
                bytes.extend_from_slice(&std::fs::read(m).map_err(|e| StoreError::io(m, e))?);
                Some(parse::<KpiMapping>(&t).map_err(FollowupError::Table)?)
            }
            None => None,
        };
        let all = FollowupFilter::default();
        let indicators: Vec<Indicator> = load(&self.conn, &all)?;
        let parsed =
            parse_kpi(&table, map.as_deref(), &indicators).map_err(FollowupError::Table)?;
        let stored: Vec<IndicatorValue> = load(&self.conn, &all)?;
        let merged = merge_values(&stored, &parsed.values);
        let report = self.import_followup_rows(&merged, &name, &sha256_hex(&bytes))?;
        Ok(KpiReport {
            report,
            rows: parsed.rows,
            values: parsed.values.len(),
            skipped: parsed.skipped,
        })
    }

    /// One register's stored rows, filtered by year and committee.
    pub fn followup_rows<T: StoredRegister>(
        &self,
        filter: &FollowupFilter,
    ) -> Result<Vec<T>, StoreError> {
        Ok(load(&self.conn, filter)?)
    }

    /// Every register's stored rows, filtered by year and committee.
    pub fn followup(&self, filter: &FollowupFilter) -> Result<FollowupData, StoreError> {
        Ok(load_all(&self.conn, filter)?)
    }

    /// The integrity findings over everything stored (all registers).
    pub fn followup_findings(&self) -> Result<Vec<Finding>, StoreError> {
        Ok(validate(&self.followup(&FollowupFilter::default())?))
    }

    /// Row counts of the follow-up tables (diagnostics and tests).
    pub fn followup_table_counts(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        TABLES
            .iter()
            .map(|t| {
                let n: i64 =
                    self.conn
                        .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?;
                Ok((*t, n))
            })
            .collect()
    }
}
