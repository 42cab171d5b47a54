//! Budgeted volumes and prices (migration 8, `volymbudget.csv`): per version, series and month
//! the budgeted value. Versions replace rather than add up: the budget in force at a date is,
//! per series and month, the value of the latest version decided on or before it (a version
//! without a date is the original budget and comes first). Re-importing a version replaces it.

use crate::db::params;
use crate::templates::{plural, run, Problems};
use crate::types::{TemplateKind, TemplateReport, TemplateSource};
use crate::{SqlStore, StoreError};
use delar_core::{Date, PeriodRange, VolumeBudgetValue, YearMonth};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Migration 8: volume budget versions and values.
pub(crate) const MIGRATION_VOLUME_BUDGET: crate::schema::Migration = crate::schema::Migration {
    version: 8,
    name: "volymbudget",
    sql: r#"
-- Volume budget versions (volymbudget.csv): a decision, with its date (NULL = the original
-- budget, in force from the start). A new file replaces the versions it holds (by name).
CREATE TABLE volume_budget_version (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES import_batch (id),
    name     TEXT NOT NULL UNIQUE,
    decided  TEXT
);

-- Budgeted value per version, series and month: a volume for a volume series, a price for
-- a price series. The value in force is the latest version's (see the module doc).
CREATE TABLE volume_budget_value (
    version_id INTEGER NOT NULL REFERENCES volume_budget_version (id),
    series_id  INTEGER NOT NULL REFERENCES volume_series (id),
    period     INTEGER NOT NULL,
    value      REAL NOT NULL,
    comment    TEXT,
    PRIMARY KEY (version_id, series_id, period)
);
"#,
};

/// Migration 11: the volume budget read per series (the report reads every series' budget).
pub(crate) const MIGRATION_VOLUME_BUDGET_INDEX: crate::schema::Migration =
    crate::schema::Migration {
        version: 11,
        name: "volymbudget per serie",
        sql: r#"
CREATE INDEX volume_budget_value_series ON volume_budget_value (series_id, period);
"#,
    };

/// A stored volume budget version.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeBudgetVersion {
    /// Name (`Budget 2025`, `Tilläggsbudget 1`).
    pub name: String,
    /// Decision date; `None` for the original budget.
    pub decided: Option<Date>,
    /// Number of values.
    pub values: u64,
}

/// Volume budget versions in a store.
pub trait VolumeBudgetStore {
    /// Import budgeted volumes and prices (`volymbudget.csv`), replacing each version (by
    /// name) in the file. Fails, storing nothing, when a series is not imported, a value is
    /// negative, a version has two decision dates or a (version, series, month) appears twice.
    fn import_volume_budget(
        &mut self,
        source: &TemplateSource<'_>,
        values: &[VolumeBudgetValue],
    ) -> Result<TemplateReport, StoreError>;

    /// The volume budget versions imported, the original first, then by decision date.
    fn volume_budget_versions(&self) -> Result<Vec<VolumeBudgetVersion>, StoreError>;

    /// The budgeted values of one series in force at `as_of` (every version when `None`),
    /// by month within `range`; empty when the series has no budget. Fails with
    /// [`StoreError::NoSuchSeries`] for an unknown series.
    fn volume_budget(
        &self,
        series: &str,
        range: PeriodRange,
        as_of: Option<Date>,
    ) -> Result<BTreeMap<YearMonth, f64>, StoreError>;
}

impl VolumeBudgetStore for SqlStore {
    /// Import budgeted volumes and prices (`volymbudget.csv`), replacing each version (by
    /// name) in the file. Fails, storing nothing, when a series is not imported, a value is
    /// negative, a version has two decision dates or a (version, series, month) appears twice.
    fn import_volume_budget(
        &mut self,
        source: &TemplateSource<'_>,
        values: &[VolumeBudgetValue],
    ) -> Result<TemplateReport, StoreError> {
        run(
            &mut self.conn,
            TemplateKind::VolumeBudget,
            source,
            values.len(),
            |tx, batch| {
                let ids: HashMap<String, i64> = {
                    let mut stmt = tx.prepare("SELECT code, id FROM volume_series")?;
                    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    rows.collect::<Result<_, _>>()?
                };
                let mut p = Problems::new();
                let mut dates: HashMap<&str, (Option<Date>, usize)> = HashMap::new();
                let mut seen: HashMap<(&str, &str, YearMonth), usize> = HashMap::new();
                for (i, v) in values.iter().enumerate() {
                    let line = source.line(i);
                    if !ids.contains_key(&v.series) {
                        p.push(
                            line,
                            Some("serie"),
                            format!(
                                "serien \"{}\" finns inte. Importera den först med \
                                 volymserier.csv (delar import volymserier), eller rätta namnet.",
                                v.series
                            ),
                        );
                    }
                    if !v.value.is_finite() || v.value < 0.0 {
                        p.push(
                            line,
                            Some("värde"),
                            "budgeterade volymer och priser kan inte vara negativa.".into(),
                        );
                    }
                    match dates.get(v.version.as_str()) {
                        Some(&(d, first)) if d != v.decided => p.push(
                            line,
                            Some("beslutad"),
                            format!(
                                "versionen \"{}\" har ett annat datum på rad {first}. Alla rader \
                                 i en version ska ha samma datum i \"beslutad\".",
                                v.version
                            ),
                        ),
                        Some(_) => {}
                        None => {
                            dates.insert(&v.version, (v.decided, line));
                        }
                    }
                    if let Some(first) =
                        seen.insert((v.version.as_str(), v.series.as_str(), v.month), line)
                    {
                        p.push(
                            line,
                            Some("månad"),
                            format!(
                                "serien \"{}\" har redan ett budgetvärde för {} i versionen \
                                 \"{}\" på rad {first}. Ta bort den ena raden.",
                                v.series, v.month, v.version
                            ),
                        );
                    }
                }
                p.into_result(source.file_name)?;
                let mut replaced = 0usize;
                let mut versions: Vec<&str> = Vec::new();
                for v in values {
                    if !versions.contains(&v.version.as_str()) {
                        versions.push(&v.version);
                    }
                }
                let mut version_ids: HashMap<&str, i64> = HashMap::new();
                for name in &versions {
                    let old: Option<i64> = tx
                        .query_row(
                            "SELECT id FROM volume_budget_version WHERE name = ?1",
                            params![name],
                            |r| r.get(0),
                        )
                        .ok();
                    if let Some(id) = old {
                        tx.execute(
                            "DELETE FROM volume_budget_value WHERE version_id = ?1",
                            params![id],
                        )?;
                        tx.execute(
                            "DELETE FROM volume_budget_version WHERE id = ?1",
                            params![id],
                        )?;
                        replaced += 1;
                    }
                    let decided = dates[name].0.map(|d| d.to_string());
                    let id: i64 = tx.query_row(
                        "INSERT INTO volume_budget_version (batch_id, name, decided)
                         VALUES (?1, ?2, ?3) RETURNING id",
                        params![batch, name, decided],
                        |r| r.get(0),
                    )?;
                    version_ids.insert(name, id);
                }
                let mut ins = tx.prepare(
                    "INSERT INTO volume_budget_value (version_id, series_id, period, value,
                         comment) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                let mut series: HashSet<&str> = HashSet::new();
                for v in values {
                    ins.execute(params![
                        version_ids[v.version.as_str()],
                        ids[&v.series],
                        v.month.as_int(),
                        v.value,
                        v.comment
                    ])?;
                    series.insert(&v.series);
                }
                let mut s = format!(
                    "{} för {} i {}",
                    plural(values.len(), "budgetvärde", "budgetvärden"),
                    plural(series.len(), "serie", "serier"),
                    plural(versions.len(), "version", "versioner"),
                );
                s.push_str(&format!(" ({}).", versions.join(", ")));
                if replaced > 0 {
                    s.push_str(&format!(
                        " {} ersatte tidigare importerade.",
                        plural(replaced, "version", "versioner")
                    ));
                }
                Ok(s)
            },
        )
    }

    /// The volume budget versions imported, the original first, then by decision date.
    fn volume_budget_versions(&self) -> Result<Vec<VolumeBudgetVersion>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT v.name, v.decided, (SELECT COUNT(*) FROM volume_budget_value x
                 WHERE x.version_id = v.id)
             FROM volume_budget_version v
             ORDER BY v.decided IS NOT NULL, v.decided, v.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, decided, n) = row?;
            out.push(VolumeBudgetVersion {
                name,
                decided: decided.as_deref().map(parse_date).transpose()?,
                values: n.max(0) as u64,
            });
        }
        Ok(out)
    }

    /// The budgeted values of one series in force at `as_of` (every version when `None`),
    /// by month within `range`; empty when the series has no budget. Fails with
    /// [`StoreError::NoSuchSeries`] for an unknown series.
    fn volume_budget(
        &self,
        series: &str,
        range: PeriodRange,
        as_of: Option<Date>,
    ) -> Result<BTreeMap<YearMonth, f64>, StoreError> {
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM volume_series WHERE code = ?1")?
            .query_row(params![series], |r| r.get(0))
            .ok();
        let Some(id) = id else {
            return Err(StoreError::NoSuchSeries(series.to_string()));
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT x.period, x.value, v.decided
             FROM volume_budget_value x JOIN volume_budget_version v ON v.id = x.version_id
             WHERE x.series_id = ?1 AND x.period BETWEEN ?2 AND ?3
             ORDER BY x.period, v.decided IS NOT NULL, v.decided, v.id",
        )?;
        let rows = stmt.query_map(params![id, range.start.as_int(), range.end.as_int()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, f64>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (period, value, decided) = row?;
            if let (Some(as_of), Some(d)) = (as_of, decided.as_deref()) {
                if parse_date(d)? > as_of {
                    continue;
                }
            }
            // later versions come later in the order and replace the earlier value
            out.insert(month_of(period)?, value);
        }
        Ok(out)
    }
}

fn parse_date(s: &str) -> Result<Date, StoreError> {
    Date::parse(s).map_err(|e| StoreError::Corrupt(format!("volymbudgetens datum {s}: {e}")))
}

fn month_of(period: i64) -> Result<YearMonth, StoreError> {
    YearMonth::from_int(period as i32)
        .map_err(|e| StoreError::Corrupt(format!("volymbudgetens månad {period}: {e}")))
}
