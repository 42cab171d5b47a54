//! The SQLite implementation of [`Store`].

use crate::db::{params, Connection, Dialect, OptionalExtension};
use crate::schema::MIGRATIONS;
use crate::time::now_utc;
use crate::types::{
    BatchInfo, BatchStatus, BudgetRow, BudgetVersionInfo, ImportOptions, ImportReport, LedgerBy,
    LedgerRow, TemplateReport, TemplateSource,
};
use crate::{objset, templates, Progress, Store, StoreError};
use delar_core::accounts::is_balance_typed;
use delar_core::{
    AccountGroup, AccountMapping, Amount, BudgetLine, Date, FinancialYear, GroupKind, OrgNode,
    Organisation, PeriodRange, VolumeSeries, VolumeValue, YearMonth,
};
use delar_sie::ObjectRef;
use rusqlite::OpenFlags;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// `PRAGMA application_id` of a delar database ("DELR").
pub const APPLICATION_ID: i32 = 0x4445_4C52;

/// How long a write waits for another process's write transaction before it gives up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// The store over either backend: an SQLite database file (or memory; [`SqlStore::create`],
/// [`SqlStore::open`], [`SqlStore::open_in_memory`]) or a PostgreSQL database
/// ([`SqlStore::connect`]). Every query and every rule is the same code on both (see
/// [`crate::db`]); only the schema's types and the SIE import's bulk writes differ.
///
/// An SQLite connection runs with `foreign_keys=ON`, `journal_mode=WAL` and `synchronous=NORMAL`:
/// with WAL, NORMAL keeps the database consistent after a crash, and at worst loses the last
/// committed imports on power loss (they can simply be imported again).
pub struct SqlStore {
    pub(crate) conn: Connection,
    applied: Vec<i64>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("path", &self.conn.path())
            .finish()
    }
}

impl SqlStore {
    /// Create a new database file; fails when the file already exists.
    pub fn create(path: &Path) -> Result<SqlStore, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        SqlStore::setup_sqlite(conn)
    }

    /// Open an existing delar database, applying pending migrations; fails with a Swedish
    /// message when the file does not exist or is not a delar database.
    pub fn open(path: &Path) -> Result<SqlStore, StoreError> {
        if !path.exists() {
            return Err(StoreError::NotFound(path.to_path_buf()));
        }
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|_| StoreError::NotDelar(path.to_path_buf()))?;
        let id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|_| StoreError::NotDelar(path.to_path_buf()))?;
        if id != APPLICATION_ID {
            return Err(StoreError::NotDelar(path.to_path_buf()));
        }
        SqlStore::setup_sqlite(conn)
    }

    /// Connect to a PostgreSQL database (`postgres://user@host/dbname`) and migrate it; see
    /// [`crate::pg::connect`].
    pub fn connect(url: &str) -> Result<SqlStore, StoreError> {
        crate::pg::connect(url)
    }

    /// A fresh database in memory (for tests and dry runs).
    pub fn open_in_memory() -> Result<SqlStore, StoreError> {
        let conn = rusqlite::Connection::open_in_memory()?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        SqlStore::setup_sqlite(conn)
    }

    fn setup_sqlite(conn: rusqlite::Connection) -> Result<SqlStore, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // journal_mode answers with the new mode ("memory" for an in-memory database).
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A 64 MB page cache keeps a large import's pages in memory until commit instead of
        // spilling them to the WAL half-way.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.set_prepared_statement_cache_capacity(64);
        // Another process's write transaction is waited for (BEGIN IMMEDIATE), not reported
        // as "database is locked"; a large import holds the lock for minutes.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        SqlStore::on_connection(conn.into())
    }

    /// Apply pending migrations (every one not recorded in `schema_migrations`, in order) in
    /// one transaction; returns the versions applied.
    pub(crate) fn migrate(&mut self) -> Result<Vec<i64>, StoreError> {
        let migrations = match self.conn.dialect() {
            Dialect::Sqlite => MIGRATIONS,
            Dialect::Postgres => crate::pg::schema::MIGRATIONS,
        };
        // Without pending migrations nothing is written, so opening a database does not wait
        // for another process's import (the write lock is taken only to migrate).
        if let Some(done) = self.versions_done()? {
            let known = migrations.last().map(|m| m.version).unwrap_or(0);
            let current = done.iter().copied().max().unwrap_or(0);
            if current > known {
                return Err(StoreError::TooNew {
                    found: current,
                    known,
                });
            }
            if migrations.iter().all(|m| done.contains(&m.version)) {
                return Ok(Vec::new());
            }
        }
        let tx = self.conn.transaction()?;
        tx.execute_batch(match tx.dialect() {
            Dialect::Sqlite => {
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    INTEGER PRIMARY KEY,
                     name       TEXT NOT NULL,
                     applied_at TEXT NOT NULL
                 )"
            }
            Dialect::Postgres => {
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    BIGINT PRIMARY KEY,
                     name       TEXT COLLATE \"C\" NOT NULL,
                     applied_at TEXT COLLATE \"C\" NOT NULL
                 )"
            }
        })?;
        let current: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        let known = migrations.last().map(|m| m.version).unwrap_or(0);
        if current > known {
            return Err(StoreError::TooNew {
                found: current,
                known,
            });
        }
        // Every migration not yet recorded, not only those above the highest: migrations are
        // developed on branches, so a database may have 6 without 5.
        let done: std::collections::HashSet<i64> = {
            let mut stmt = tx.prepare("SELECT version FROM schema_migrations")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        let mut applied = Vec::new();
        for m in migrations.iter().filter(|m| !done.contains(&m.version)) {
            tx.execute_batch(m.sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, now_utc()],
            )?;
            applied.push(m.version);
        }
        tx.commit()?;
        self.conn.clear_statements();
        Ok(applied)
    }

    /// The migration versions recorded, `None` when the database has no `schema_migrations`
    /// table yet.
    fn versions_done(&self) -> Result<Option<std::collections::HashSet<i64>>, StoreError> {
        let exists: i64 = match self.conn.dialect() {
            Dialect::Sqlite => self.conn.query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'
                   AND name = 'schema_migrations'",
                [],
                |r| r.get(0),
            )?,
            Dialect::Postgres => self.conn.query_row(
                "SELECT COUNT(*) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
                [],
                |r| r.get(0),
            )?,
        };
        if exists == 0 {
            return Ok(None);
        }
        let mut stmt = self.conn.prepare("SELECT version FROM schema_migrations")?;
        let done = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Some(done))
    }

    /// A store on an open connection of either backend, migrated.
    pub(crate) fn on_connection(conn: Connection) -> Result<SqlStore, StoreError> {
        let mut store = SqlStore {
            conn,
            applied: Vec::new(),
        };
        store.applied = store.migrate()?;
        Ok(store)
    }

    /// Which backend this store is on.
    pub fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    /// The migration versions applied when this store was opened (empty when none was
    /// pending).
    pub fn migrations_applied(&self) -> &[i64] {
        &self.applied
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    /// Row counts of every table, in schema order (for diagnostics and tests).
    pub fn table_counts(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        // One list of the schema's tables: the copy's, which a test holds against the schema.
        std::iter::once(&"schema_migrations")
            .chain(crate::copy::TABLES)
            .map(|t| {
                let n: i64 =
                    self.conn
                        .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?;
                Ok((*t, n))
            })
            .collect()
    }

    /// The underlying connection, for diagnostics and tests; callers should use [`Store`].
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The financial year named `year` (the year of its last day): id and dates.
    fn year_named(&self, year: i32) -> Result<(i64, FinancialYear), StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, start_date, end_date FROM financial_year ORDER BY start_date DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, s, e) = row?;
            let fy = parse_year(&s, &e)?;
            if fy.label_year() == year {
                return Ok((id, fy));
            }
        }
        Err(StoreError::NoSuchYear(year))
    }
}

fn parse_year(start: &str, end: &str) -> Result<FinancialYear, StoreError> {
    let bad = |_| StoreError::Corrupt(format!("räkenskapsåret {start}–{end}"));
    Ok(FinancialYear {
        start: Date::parse(start).map_err(bad)?,
        end: Date::parse(end).map_err(bad)?,
    })
}

/// The stored kind: a technical budget post is stored as a cost with the `technical` flag
/// (migration 20), so the kind column keeps its original constraint.
fn kind_str(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Revenue => "revenue",
        GroupKind::Cost | GroupKind::Technical => "cost",
        GroupKind::Financial => "financial",
    }
}

fn kind_from(s: &str, technical: bool) -> GroupKind {
    match s {
        "revenue" => GroupKind::Revenue,
        "financial" => GroupKind::Financial,
        _ if technical => GroupKind::Technical,
        _ => GroupKind::Cost,
    }
}

/// Read the stored mapping, `None` when no groups are stored. The reserved group
/// "Ej kontogrupperat" is stored as the last row (so accounts can refer to it) and added back
/// by [`AccountMapping::new`].
pub(crate) fn stored_mapping(conn: &Connection) -> Result<Option<AccountMapping>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, name, kind, ranges, periodisation, technical FROM account_group
         ORDER BY position",
    )?;
    let groups = stmt
        .query_map([], |r| {
            let ranges: String = r.get(3)?;
            Ok(AccountGroup {
                code: r.get(0)?,
                name: r.get(1)?,
                kind: kind_from(&r.get::<_, String>(2)?, r.get::<_, i64>(5)? != 0),
                ranges: ranges
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                periodisation: match r.get::<_, String>(4)?.as_str() {
                    "jamn" => delar_core::Periodisation::Even,
                    _ => delar_core::Periodisation::LastYear,
                },
            })
        })?
        .collect::<Result<Vec<AccountGroup>, _>>()?;
    let groups: Vec<AccountGroup> = groups
        .into_iter()
        .filter(|g| g.code != delar_core::UNGROUPED)
        .collect();
    if groups.is_empty() {
        return Ok(None);
    }
    let name: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'mapping_name'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    AccountMapping::new(name.unwrap_or_else(|| "egen".into()), groups)
        .map(Some)
        .map_err(|e| StoreError::Mapping(e.0))
}

/// Write a mapping's groups (the caller reclassifies accounts).
fn write_mapping(conn: &Connection, mapping: &AccountMapping) -> Result<(), StoreError> {
    conn.execute("UPDATE account SET group_code = NULL", [])?;
    conn.execute("DELETE FROM account_group", [])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO account_group (code, name, kind, position, ranges, periodisation, technical)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, g) in mapping.groups().iter().enumerate() {
        ins.execute(params![
            g.code,
            g.name,
            kind_str(g.kind),
            i as i64,
            g.ranges.join(","),
            g.periodisation.code(),
            i64::from(g.kind == GroupKind::Technical)
        ])?;
    }
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('mapping_name', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![mapping.name],
    )?;
    Ok(())
}

/// The stored mapping; stores Kommun-Bas first when none is stored. A mapping stored before
/// the reserved group existed gets its row, so accounts can be put in it.
pub(crate) fn ensure_mapping(conn: &Connection) -> Result<AccountMapping, StoreError> {
    if let Some(m) = stored_mapping(conn)? {
        let g = m.ungrouped();
        conn.execute(
            "INSERT INTO account_group (code, name, kind, position, ranges)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position), 0) + 1 FROM account_group), '')
             ON CONFLICT (code) DO NOTHING",
            params![g.code, g.name, kind_str(g.kind)],
        )?;
        return Ok(m);
    }
    let m = AccountMapping::kommun_bas();
    write_mapping(conn, &m)?;
    Ok(m)
}

/// Spreads annual budget amounts over a financial year's months by the periodisation of the
/// account's kontogrupp ([`delar_core::budget::periodise`]).
pub(crate) struct Periodiser {
    months: Vec<i32>,
    profiles: templates::Profiles,
    mapping: AccountMapping,
}

impl Periodiser {
    /// The monthly parts (`YYYYMM`, öre; zero parts left out) of an annual amount on `account`
    /// for `ansvar`, and how it was spread.
    pub(crate) fn spread(
        &self,
        ansvar: &str,
        account: &str,
        ore: i64,
    ) -> (Vec<(i32, i64)>, delar_core::budget::Spread) {
        let how = self
            .mapping
            .group_of(account)
            .map(|g| g.periodisation)
            .unwrap_or_default();
        let profile = self
            .profiles
            .get(&(ansvar.to_string(), account.to_string()));
        let (parts, spread) = delar_core::budget::periodise(
            Amount::from_ore(ore),
            self.months.len(),
            how,
            profile.map(Vec::as_slice),
        );
        (
            self.months
                .iter()
                .zip(parts)
                .filter(|(_, a)| !a.is_zero())
                .map(|(m, a)| (*m, a.ore()))
                .collect(),
            spread,
        )
    }
}

impl SqlStore {
    /// The ledger: outcome (when `with_outcome`), SIE budget and the CSV budget versions
    /// decided on or before `as_of` (all versions when `None`).
    fn ledger_impl(
        &self,
        year: i32,
        by: LedgerBy,
        object: Option<(u32, &str)>,
        as_of: Option<Date>,
        with_outcome: bool,
    ) -> Result<Vec<LedgerRow>, StoreError> {
        let (fy_id, fy) = self.year_or_budget_year(year)?;
        let months = fy.months().len();
        let first = fy.start.year_month();

        let set_id = |objects: &[ObjectRef]| -> Result<i64, StoreError> {
            let key = objset::key(&objset::canonical(objects));
            Ok(self
                .conn
                .query_row(
                    "SELECT id FROM object_set WHERE key = ?1",
                    params![key],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(-1))
        };
        const BASE: &str = "SELECT m.account_id, m.kind, m.period, SUM(m.amount_ore)
             FROM monthly m
             JOIN batch_part p ON p.batch_id = m.batch_id
                AND p.financial_year_id = m.financial_year_id AND p.part = m.kind
             WHERE m.financial_year_id = ?1 AND p.replaced_by IS NULL AND ";
        const GROUP: &str = " GROUP BY m.account_id, m.kind, m.period";
        let mut sums: Vec<(i64, String, i32, i64)> = Vec::new();
        let mut collect = |sql: String, p: &[&dyn crate::db::ToSql]| -> Result<(), StoreError> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(p, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            for row in rows {
                sums.push(row?);
            }
            Ok(())
        };
        match object {
            None => {
                // The same placement as the ledger per node, summed over ansvar: the two
                // views give the same totals whatever levels the files' #PSALDO and #PBUDGET
                // have.
                let shapes = self.set_shapes()?;
                let mut per: HashMap<(i64, bool, i32), i64> = HashMap::new();
                for p in self.placed_sums(fy_id, &fy, &shapes)? {
                    *per.entry((p.account, p.budget, p.period)).or_default() += p.amount;
                }
                for ((account, budget, period), amount) in per {
                    let kind = if budget { "budget" } else { "outcome" };
                    sums.push((account, kind.to_string(), period, amount));
                }
            }
            Some((1, code)) => {
                // An ansvar: the ledger per node's placement, for this code.
                if !self.object_exists(1, code)?
                    && !templates::budget_has_object(&self.conn, 1, code)?
                {
                    return Err(StoreError::NoSuchObject {
                        dim: 1,
                        code: code.to_string(),
                    });
                }
                let shapes = self.set_shapes()?;
                let mut per: HashMap<(i64, bool, i32), i64> = HashMap::new();
                for p in self.placed_sums(fy_id, &fy, &shapes)? {
                    if p.ansvar == code {
                        *per.entry((p.account, p.budget, p.period)).or_default() += p.amount;
                    }
                }
                for ((account, budget, period), amount) in per {
                    let kind = if budget { "budget" } else { "outcome" };
                    sums.push((account, kind.to_string(), period, amount));
                }
            }
            Some((dim, code)) => {
                let object_id: i64 = match self
                    .conn
                    .query_row(
                        "SELECT id FROM object WHERE dim = ?1 AND code = ?2",
                        params![dim, code],
                        |r| r.get(0),
                    )
                    .optional()?
                {
                    Some(id) => id,
                    None if templates::budget_has_object(&self.conn, dim, code)? => -1,
                    None => {
                        return Err(StoreError::NoSuchObject {
                            dim,
                            code: code.to_string(),
                        })
                    }
                };
                let single = set_id(&[ObjectRef {
                    dim,
                    code: code.to_string(),
                }])?;
                collect(
                    format!(
                        "{BASE}((m.origin = 'trans' AND EXISTS (SELECT 1 FROM object_set_member s
                          WHERE s.object_set_id = m.object_set_id AND s.object_id = ?2))
                         OR (m.origin <> 'trans' AND m.object_set_id = ?3)){GROUP}"
                    ),
                    &[&fy_id, &object_id, &single],
                )?;
            }
        }

        if !with_outcome {
            sums.retain(|s| s.1 == "budget");
        }
        // Accounts and groups.
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
        // CSV budget lines, keyed by account number (the account may be missing from the
        // SIE files; its group then comes from the mapping, its name stays empty).
        let names: HashMap<&str, &str> = accounts
            .values()
            .map(|(n, name, _)| (n.as_str(), name.as_str()))
            .collect();
        let mut entries: Vec<(String, String, String, String, i32, i64)> = Vec::new();
        for (account_id, kind, period, amount) in sums {
            if let Some((number, name, group)) = accounts.get(&account_id) {
                entries.push((
                    number.clone(),
                    name.clone(),
                    group.clone(),
                    kind,
                    period,
                    amount,
                ));
            }
        }
        let (csv, _) = self.csv_budget(&fy, as_of)?;
        let mut csv_sums: HashMap<(String, i32), i64> = HashMap::new();
        for (resp, act, account, period, amount) in csv {
            let keep = match object {
                None => true,
                Some((1, code)) => resp == code,
                Some((2, code)) => act.as_deref() == Some(code),
                Some(_) => false,
            };
            if keep {
                *csv_sums.entry((account, period)).or_default() += amount;
            }
        }
        let mut csv_sums: Vec<((String, i32), i64)> = csv_sums.into_iter().collect();
        csv_sums.sort();
        for ((number, period), amount) in csv_sums {
            let Some(g) = groups.group_of(&number) else {
                continue;
            };
            let name = names
                .get(number.as_str())
                .copied()
                .unwrap_or("")
                .to_string();
            entries.push((
                number,
                name,
                g.code.clone(),
                "budget".into(),
                period,
                amount,
            ));
        }

        let mut rows: HashMap<String, LedgerRow> = HashMap::new();
        for (number, name, group, kind, period, amount) in &entries {
            let (period, amount) = (*period, *amount);
            let Ok(ym) = YearMonth::from_int(period) else {
                continue;
            };
            let idx = first.months_until(ym);
            if idx < 0 || idx as usize >= months {
                continue;
            }
            let (key, row_name) = match by {
                LedgerBy::Account => (number.clone(), name.clone()),
                LedgerBy::Group => (
                    group.clone(),
                    groups
                        .group(group)
                        .map(|g| g.name.clone())
                        .unwrap_or_else(|| group.clone()),
                ),
            };
            let row = rows.entry(key.clone()).or_insert_with(|| LedgerRow {
                key,
                name: row_name,
                group: group.clone(),
                outcome: vec![Amount::ZERO; months],
                budget: vec![Amount::ZERO; months],
                outcome_total: Amount::ZERO,
                budget_total: Amount::ZERO,
            });
            let a = Amount::from_ore(amount);
            if kind == "budget" {
                row.budget[idx as usize] += a;
                row.budget_total += a;
            } else {
                row.outcome[idx as usize] += a;
                row.outcome_total += a;
            }
        }
        let mut out: Vec<LedgerRow> = rows.into_values().collect();
        match by {
            LedgerBy::Account => out.sort_by(|a, b| a.key.cmp(&b.key)),
            LedgerBy::Group => {
                let pos = |code: &str| {
                    groups
                        .groups()
                        .iter()
                        .position(|g| g.code == code)
                        .unwrap_or(usize::MAX)
                };
                out.sort_by(|a, b| pos(&a.key).cmp(&pos(&b.key)).then(a.key.cmp(&b.key)));
            }
        }
        Ok(out)
    }

    /// Last year's outcome (the financial year before `fy`) per (ansvar, account number), one
    /// amount per month of that year: the profile annual budgets are periodised by. Empty when
    /// that year is not stored.
    pub(crate) fn last_year_profiles(
        &self,
        fy: &FinancialYear,
    ) -> Result<templates::Profiles, StoreError> {
        let (id, prev) = match self.year_named(fy.label_year() - 1) {
            Ok(y) => y,
            Err(StoreError::NoSuchYear(_)) => return Ok(HashMap::new()),
            Err(e) => return Err(e),
        };
        let numbers: HashMap<i64, String> = {
            let mut stmt = self.conn.prepare_cached("SELECT id, number FROM account")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let first = prev.start.year_month();
        let n = prev.months().len();
        let shapes = self.set_shapes()?;
        let mut out: HashMap<(String, String), Vec<Amount>> = HashMap::new();
        for p in crate::resolve::place(self.monthly_sums(id)?, &shapes) {
            if p.budget {
                continue;
            }
            let (Some(number), Ok(ym)) = (numbers.get(&p.account), YearMonth::from_int(p.period))
            else {
                continue;
            };
            let idx = first.months_until(ym);
            if idx < 0 || idx as usize >= n {
                continue;
            }
            out.entry((p.ansvar.to_string(), number.clone()))
                .or_insert_with(|| vec![Amount::ZERO; n])[idx as usize] +=
                Amount::from_ore(p.amount);
        }
        Ok(out)
    }

    /// The CSV budget of a financial year (versions decided on or before `as_of`, all when
    /// `None`) per ansvar × verksamhet × account × month, annual amounts periodised; and the
    /// annual amounts with how they were spread.
    pub(crate) fn csv_budget(
        &self,
        fy: &FinancialYear,
        as_of: Option<Date>,
    ) -> Result<(Vec<templates::BudgetEntry>, Vec<templates::Periodised>), StoreError> {
        templates::budget_entries(&self.conn, fy, as_of, &|| self.periodiser(fy))
    }

    /// What spreads a financial year's annual budget amounts over its months.
    pub(crate) fn periodiser(&self, fy: &FinancialYear) -> Result<Periodiser, StoreError> {
        Ok(Periodiser {
            months: fy.months().months().map(|m| m.as_int()).collect(),
            profiles: self.last_year_profiles(fy)?,
            mapping: crate::Store::account_mapping(self)?,
        })
    }

    /// The stored monthly sums of a financial year placed on ansvar codes
    /// ([`crate::resolve::place`]), with annual #PBUDGET amounts (month `00`) spread over the
    /// year's months like the CSV budget's.
    pub(crate) fn placed_sums<'a>(
        &self,
        fy_id: i64,
        fy: &FinancialYear,
        shapes: &'a HashMap<i64, crate::resolve::SetShape>,
    ) -> Result<Vec<crate::resolve::Placed<'a>>, StoreError> {
        let placed = crate::resolve::place(self.monthly_sums(fy_id)?, shapes);
        if !placed.iter().any(|p| p.budget && p.period % 100 == 0) {
            return Ok(placed);
        }
        let spread = self.periodiser(fy)?;
        let numbers: HashMap<i64, String> = {
            let mut stmt = self.conn.prepare_cached("SELECT id, number FROM account")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(placed.len() + 12);
        for p in placed {
            if !(p.budget && p.period % 100 == 0) {
                out.push(p);
                continue;
            }
            let number = numbers.get(&p.account).map(String::as_str).unwrap_or("");
            for (period, amount) in spread.spread(p.ansvar, number, p.amount).0 {
                out.push(crate::resolve::Placed {
                    period,
                    amount,
                    ..p.clone()
                });
            }
        }
        Ok(out)
    }

    /// True when object `(dim, code)` exists.
    fn object_exists(&self, dim: u32, code: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM object WHERE dim = ?1 AND code = ?2)",
            params![dim, code],
            |r| r.get(0),
        )?)
    }

    /// Every object set's dimensions and ansvar code (sets without members are absent).
    pub(crate) fn set_shapes(&self) -> Result<HashMap<i64, crate::resolve::SetShape>, StoreError> {
        let mut out: HashMap<i64, crate::resolve::SetShape> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.object_set_id, o.dim, o.code FROM object_set_member s
             JOIN object o ON o.id = s.object_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (set, dim, code) = row?;
            let e = out.entry(set).or_default();
            e.dims.push(dim);
            if dim == 1 {
                e.ansvar = Some(code);
            }
        }
        for e in out.values_mut() {
            e.dims.sort_unstable();
        }
        Ok(out)
    }

    /// The monthly sums in force for a financial year (outcome from transactions or #PSALDO,
    /// budget from #PBUDGET), as stored: one row per batch, account, month and object set.
    pub(crate) fn monthly_sums(
        &self,
        fy_id: i64,
    ) -> Result<Vec<crate::resolve::RawSum>, StoreError> {
        // No GROUP BY: the rows are already sums per batch, and adding them up in memory is
        // four times faster than SQLite's temporary B-tree at the large scale.
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.account_id, m.kind = 'budget', m.period, m.object_set_id,
                    m.origin = 'trans', m.amount_ore
             FROM monthly m
             JOIN batch_part p ON p.batch_id = m.batch_id
                AND p.financial_year_id = m.financial_year_id AND p.part = m.kind
             WHERE m.financial_year_id = ?1 AND p.replaced_by IS NULL",
        )?;
        let rows = stmt.query_map(params![fy_id], |r| {
            Ok(crate::resolve::RawSum {
                account: r.get(0)?,
                budget: r.get(1)?,
                period: r.get(2)?,
                set: r.get(3)?,
                trans: r.get(4)?,
                amount: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The financial year named `year`, or, when no SIE file has declared it but CSV budget
    /// lines exist in that calendar year, the calendar year (with no id: id -1).
    pub(crate) fn year_or_budget_year(
        &self,
        year: i32,
    ) -> Result<(i64, FinancialYear), StoreError> {
        match self.year_named(year) {
            Err(StoreError::NoSuchYear(_)) if templates::budget_has_year(&self.conn, year)? => {
                Ok((-1, FinancialYear::calendar(year)))
            }
            other => other,
        }
    }
}

impl Store for SqlStore {
    fn organisation_name(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT o.name FROM import_batch b JOIN organisation o ON o.id = b.organisation_id
                 WHERE b.status = 'active' AND o.name IS NOT NULL AND o.name <> ''
                 ORDER BY b.transactions DESC, b.id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn budget_periodisation(
        &self,
        year: i32,
        as_of: Option<Date>,
    ) -> Result<Vec<templates::Periodised>, StoreError> {
        let (_, fy) = self.year_or_budget_year(year)?;
        Ok(self.csv_budget(&fy, as_of)?.1)
    }

    fn set_account_mapping(&mut self, mapping: &AccountMapping) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        write_mapping(&tx, mapping)?;
        let accounts = {
            let mut stmt = tx.prepare("SELECT id, number, kind FROM account ORDER BY number")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        {
            // A result account no range covers goes to "Ej kontogrupperat"; `delar
            // kontogrupper` lists those.
            let mut upd = tx.prepare("UPDATE account SET group_code = ?2 WHERE id = ?1")?;
            for (id, number, kind) in &accounts {
                let balance = is_balance_typed(number, kind.as_deref());
                if let Some(g) = mapping.classify_as(number, balance) {
                    upd.execute(params![id, g.code])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn account_mapping(&self) -> Result<AccountMapping, StoreError> {
        Ok(stored_mapping(&self.conn)?.unwrap_or_else(AccountMapping::kommun_bas))
    }

    fn import_sie_reader(
        &mut self,
        input: &mut (dyn Read + Send),
        file_name: &str,
        sha256: Option<&str>,
        options: &ImportOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<ImportReport, StoreError> {
        crate::import::import(&mut self.conn, input, file_name, sha256, options, progress)
    }

    fn ledger(
        &self,
        year: i32,
        by: LedgerBy,
        object: Option<(u32, &str)>,
    ) -> Result<Vec<LedgerRow>, StoreError> {
        self.ledger_impl(year, by, object, None, true)
    }

    fn import_organisation(
        &mut self,
        source: &TemplateSource<'_>,
        nodes: &[OrgNode],
    ) -> Result<TemplateReport, StoreError> {
        templates::import_organisation(&mut self.conn, source, nodes)
    }

    fn import_volume_series(
        &mut self,
        source: &TemplateSource<'_>,
        series: &[VolumeSeries],
    ) -> Result<TemplateReport, StoreError> {
        templates::import_volume_series(&mut self.conn, source, series)
    }

    fn import_volumes(
        &mut self,
        source: &TemplateSource<'_>,
        values: &[VolumeValue],
    ) -> Result<TemplateReport, StoreError> {
        templates::import_volumes(&mut self.conn, source, values)
    }

    fn import_budget(
        &mut self,
        source: &TemplateSource<'_>,
        lines: &[BudgetLine],
    ) -> Result<TemplateReport, StoreError> {
        templates::import_budget(&mut self.conn, source, lines)
    }

    fn organisation(&self) -> Result<Organisation, StoreError> {
        templates::organisation(&self.conn)
    }

    fn volume_series(&self) -> Result<Vec<VolumeSeries>, StoreError> {
        templates::stored_series(&self.conn)
    }

    fn volumes(
        &self,
        series: &str,
        range: Option<PeriodRange>,
    ) -> Result<Vec<VolumeValue>, StoreError> {
        templates::volumes(&self.conn, series, range)
    }

    fn budget_versions(&self, year: i32) -> Result<Vec<BudgetVersionInfo>, StoreError> {
        let (_, fy) = self.year_or_budget_year(year)?;
        templates::budget_versions(&self.conn, &fy)
    }

    fn budget_in_force(
        &self,
        year: i32,
        as_of: Date,
        by: LedgerBy,
        object: Option<(u32, &str)>,
    ) -> Result<Vec<BudgetRow>, StoreError> {
        let rows = self.ledger_impl(year, by, object, Some(as_of), false)?;
        Ok(rows
            .into_iter()
            .map(|r| BudgetRow {
                key: r.key,
                name: r.name,
                group: r.group,
                budget: r.budget,
                total: r.budget_total,
            })
            .collect())
    }

    fn ledger_by_counterparty(
        &self,
        year: i32,
        through: Option<YearMonth>,
        by: LedgerBy,
        counterparty_dim: u32,
    ) -> Result<Vec<crate::CounterpartyLedgerRow>, StoreError> {
        self.ledger_by_counterparty_impl(year, through, by, counterparty_dim)
    }

    fn import_compensation_rates(
        &mut self,
        source: &TemplateSource<'_>,
        rates: &[delar_consolidate::purchase::CompensationRate],
    ) -> Result<TemplateReport, StoreError> {
        crate::nodes::import_rates(&mut self.conn, source, rates)
    }

    fn compensation_rates(
        &self,
    ) -> Result<Vec<delar_consolidate::purchase::CompensationRate>, StoreError> {
        crate::nodes::rates(&self.conn)
    }

    fn import_intraprenader(
        &mut self,
        source: &TemplateSource<'_>,
        rows: &[delar_consolidate::intraprenad::IntraprenadOpening],
    ) -> Result<TemplateReport, StoreError> {
        crate::nodes::import_intraprenader(&mut self.conn, source, rows)
    }

    fn intraprenader(
        &self,
        year: Option<i32>,
    ) -> Result<Vec<delar_consolidate::intraprenad::IntraprenadOpening>, StoreError> {
        crate::nodes::intraprenader(&self.conn, year)
    }

    fn batches(&self) -> Result<Vec<BatchInfo>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, source, file_name, sha256, imported_at, sie_type, encoding, program,
                    vouchers, transactions, accounts, objects, months_outcome, months_budget,
                    warnings, status, replaced_by, kind, rows_count
             FROM import_batch ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let n = |i: usize| -> crate::db::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
            Ok(BatchInfo {
                id: r.get(0)?,
                source: r.get(1)?,
                file_name: r.get(2)?,
                sha256: r.get(3)?,
                imported_at: r.get(4)?,
                sie_type: r.get(5)?,
                encoding: r.get(6)?,
                program: r.get(7)?,
                vouchers: n(8)?,
                transactions: n(9)?,
                accounts: n(10)?,
                objects: n(11)?,
                months_outcome: n(12)?,
                months_budget: n(13)?,
                warnings: n(14)?,
                status: if r.get::<_, String>(15)? == "replaced" {
                    BatchStatus::Replaced
                } else {
                    BatchStatus::Active
                },
                replaced_by: r.get(16)?,
                kind: r.get(17)?,
                rows: n(18)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn ungrouped_accounts(
        &self,
        year: Option<i32>,
    ) -> Result<Vec<(String, String, Amount)>, StoreError> {
        let mut out: Vec<(String, String, Amount)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT number, COALESCE(name, '') FROM account WHERE group_code = ?1
                 ORDER BY number",
            )?;
            let rows = stmt.query_map(params![delar_core::UNGROUPED], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, Amount::ZERO))
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        if out.is_empty() {
            return Ok(out);
        }
        let years: Vec<i32> = match year {
            Some(y) => vec![y],
            None => self.years()?.iter().map(|fy| fy.label_year()).collect(),
        };
        let mut totals: HashMap<String, Amount> = HashMap::new();
        for y in years {
            for row in self.ledger_impl(y, LedgerBy::Account, None, None, true)? {
                if row.group == delar_core::UNGROUPED {
                    *totals.entry(row.key).or_insert(Amount::ZERO) += row.outcome_total;
                }
            }
        }
        for (number, _, amount) in &mut out {
            if let Some(t) = totals.get(number.as_str()) {
                *amount = *t;
            }
        }
        Ok(out)
    }

    fn years(&self) -> Result<Vec<FinancialYear>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT start_date, end_date FROM financial_year ORDER BY start_date, end_date",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (s, e) = row?;
            out.push(parse_year(&s, &e)?);
        }
        Ok(out)
    }
}
