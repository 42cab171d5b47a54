//! The ledger per node × kontogrupp (or account) × counterparty, for consolidation, and
//! migration 5 (compensation model rates and intraprenad opening balances).

use crate::types::{LedgerBy, NodeLedgerRow};
use crate::{SqliteStore, StoreError};
use delar_core::{Amount, YearMonth};
use rusqlite::params;
use std::collections::HashMap;

/// Migration 5: the tables of `ersattningsmodell.csv` and `intraprenader.csv`.
pub(crate) const MIGRATION_CONSOLIDATION: crate::schema::Migration = crate::schema::Migration {
    version: 5,
    name: "konsolidering: ersättningsmodeller, intraprenader",
    sql: r#"
-- Compensation model rates (ersattningsmodell.csv): who pays whom (organisation codes), per
-- what (basis), at what price (öre per unit; per month for 'fast_manad'), from when (YYYYMM,
-- inclusive; NULL = open). A new file replaces every rate; position = row order.
CREATE TABLE compensation_rate (
    id            INTEGER PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES import_batch (id),
    position      INTEGER NOT NULL,
    model         TEXT NOT NULL,
    name          TEXT NOT NULL,
    basis         TEXT NOT NULL
                  CHECK (basis IN ('timme', 'belagt_dygn', 'narvarodag', 'fast_manad')),
    level         TEXT,
    purchaser     TEXT NOT NULL,
    provider      TEXT NOT NULL,
    price_ore     BIGINT NOT NULL,
    volume_series TEXT,
    account       TEXT,
    valid_from    INTEGER,
    valid_to      INTEGER
);
CREATE INDEX compensation_rate_pair ON compensation_rate (purchaser, provider);

-- Intraprenad opening balances and carry-forward rules (intraprenader.csv), one row per
-- intraprenad (organisation code) and year; a new file replaces the pairs it holds.
-- Amounts in öre: opening accumulated result (positive = surplus), planned use of equity
-- (>= 0), surplus cap as an amount; cap_percent of the year's turnover; write_off_years:
-- deficits carried longer are written off; deficit_since: the year a deficit arose.
CREATE TABLE intraprenad_opening (
    code            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    batch_id        INTEGER NOT NULL REFERENCES import_batch (id),
    opening_ore     BIGINT NOT NULL,
    planned_use_ore BIGINT NOT NULL DEFAULT 0,
    deficit_since   INTEGER,
    cap_percent     REAL,
    cap_ore         BIGINT,
    write_off_years INTEGER,
    PRIMARY KEY (code, year)
);
"#,
};

/// (ansvar code, counterparty code, number of members) of each object set.
type SetInfo = (Option<String>, Option<String>, i64);

impl SqliteStore {
    fn object_sets(&self, counterparty_dim: u32) -> Result<HashMap<i64, SetInfo>, StoreError> {
        let mut out: HashMap<i64, SetInfo> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.object_set_id, o.dim, o.code FROM object_set_member s
             JOIN object o ON o.id = s.object_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (set, dim, code) = row?;
            let e = out.entry(set).or_insert((None, None, 0));
            e.2 += 1;
            if dim == 1 {
                e.0 = Some(code);
            } else if dim == counterparty_dim as i64 {
                e.1 = Some(code);
            }
        }
        Ok(out)
    }

    /// See [`crate::Store::ledger_by_node`].
    pub(crate) fn ledger_by_node_impl(
        &self,
        year: i32,
        through: Option<YearMonth>,
        by: LedgerBy,
        counterparty_dim: u32,
    ) -> Result<Vec<NodeLedgerRow>, StoreError> {
        let (fy_id, fy) = self.year_or_budget_year(year)?;
        let months = fy.months().len();
        let first = fy.start.year_month();
        let sets = self.object_sets(counterparty_dim)?;
        let mapping = crate::Store::account_mapping(self)?;

        // Result accounts: id → (number, name, group).
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
        let names: HashMap<String, String> = accounts
            .values()
            .map(|(n, name, _)| (n.clone(), name.clone()))
            .collect();

        // (node, account number, name, group, counterparty, is_budget, period, öre)
        type Entry = (
            String,
            String,
            String,
            String,
            Option<String>,
            bool,
            i32,
            i64,
        );
        let mut entries: Vec<Entry> = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT m.account_id, m.kind, m.period, m.origin, m.object_set_id,
                        SUM(m.amount_ore)
                 FROM monthly m
                 JOIN batch_part p ON p.batch_id = m.batch_id
                    AND p.financial_year_id = m.financial_year_id AND p.part = m.kind
                 WHERE m.financial_year_id = ?1 AND p.replaced_by IS NULL
                 GROUP BY m.account_id, m.kind, m.period, m.origin, m.object_set_id",
            )?;
            let rows = stmt.query_map(params![fy_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?;
            for row in rows {
                let (acc, kind, period, origin, set, sum) = row?;
                let Some((number, name, group)) = accounts.get(&acc) else {
                    continue;
                };
                let (ansvar, cp, members) = sets.get(&set).cloned().unwrap_or((None, None, 0));
                if origin != "trans" {
                    // Period balances and budgets: only sets made of an ansvar (and possibly a
                    // counterparty), so the file's totals and other breakdowns are not
                    // counted twice.
                    let expected = 1 + i64::from(cp.is_some());
                    if ansvar.is_none() || members != expected {
                        continue;
                    }
                }
                entries.push((
                    ansvar.unwrap_or_default(),
                    number.clone(),
                    name.clone(),
                    group.clone(),
                    cp,
                    kind == "budget",
                    period,
                    sum,
                ));
            }
        }
        // CSV budget versions (all imported), per ansvar.
        {
            let range = fy.months();
            let mut stmt = self.conn.prepare_cached(
                "SELECT l.account, l.responsible, l.period, SUM(l.amount_ore)
                 FROM budget_line l
                 WHERE l.period BETWEEN ?1 AND ?2
                 GROUP BY l.account, l.responsible, l.period",
            )?;
            let rows = stmt.query_map(params![range.start.as_int(), range.end.as_int()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i32>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            for row in rows {
                let (number, ansvar, period, sum) = row?;
                let Some(g) = mapping.group_of(&number) else {
                    continue;
                };
                let name = names.get(&number).cloned().unwrap_or_default();
                entries.push((
                    ansvar,
                    number,
                    name,
                    g.code.clone(),
                    None,
                    true,
                    period,
                    sum,
                ));
            }
        }

        let mut rows: HashMap<(String, String, Option<String>), NodeLedgerRow> = HashMap::new();
        for (node, number, name, group, cp, is_budget, period, sum) in entries {
            let Ok(ym) = YearMonth::from_int(period) else {
                continue;
            };
            let idx = first.months_until(ym);
            if idx < 0 || idx as usize >= months {
                continue;
            }
            if !is_budget && through.is_some_and(|t| ym > t) {
                continue;
            }
            let (key, row_name) = match by {
                LedgerBy::Account => (number, name),
                LedgerBy::Group => (
                    group.clone(),
                    mapping
                        .group(&group)
                        .map(|g| g.name.clone())
                        .unwrap_or_else(|| group.clone()),
                ),
            };
            let row = rows
                .entry((node.clone(), key.clone(), cp.clone()))
                .or_insert_with(|| NodeLedgerRow {
                    node,
                    key,
                    name: row_name,
                    group,
                    counterparty: cp,
                    outcome: vec![Amount::ZERO; months],
                    budget: vec![Amount::ZERO; months],
                    outcome_total: Amount::ZERO,
                    budget_total: Amount::ZERO,
                });
            let a = Amount::from_ore(sum);
            if is_budget {
                row.budget[idx as usize] += a;
                row.budget_total += a;
            } else {
                row.outcome[idx as usize] += a;
                row.outcome_total += a;
            }
        }
        let pos = |code: &str| {
            mapping
                .groups()
                .iter()
                .position(|g| g.code == code)
                .unwrap_or(usize::MAX)
        };
        let mut out: Vec<NodeLedgerRow> = rows
            .into_values()
            .filter(|r| r.outcome.iter().chain(&r.budget).any(|a| !a.is_zero()))
            .collect();
        out.sort_by(|a, b| {
            a.node
                .cmp(&b.node)
                .then(pos(&a.group).cmp(&pos(&b.group)))
                .then(a.key.cmp(&b.key))
                .then(a.counterparty.cmp(&b.counterparty))
        });
        Ok(out)
    }
}
