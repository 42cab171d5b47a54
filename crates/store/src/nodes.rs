//! The ledger per node × kontogrupp (or account) × counterparty, for consolidation, and
//! migration 5 (compensation model rates and intraprenad opening balances).

use crate::db::{params, Connection};
use crate::templates::{self, Problems};
use crate::types::{CounterpartyLedgerRow, LedgerBy, TemplateKind, TemplateReport, TemplateSource};
use crate::{SqlStore, StoreError};
use delar_consolidate::intraprenad::{CarryForwardRules, IntraprenadOpening};
use delar_consolidate::purchase::{Basis, CompensationRate};
use delar_core::{Amount, OrgKind, YearMonth};
use std::collections::{HashMap, HashSet};

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

impl SqlStore {
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

    /// See [`crate::Store::ledger_by_counterparty`].
    pub(crate) fn ledger_by_counterparty_impl(
        &self,
        year: i32,
        through: Option<YearMonth>,
        by: LedgerBy,
        counterparty_dim: u32,
    ) -> Result<Vec<CounterpartyLedgerRow>, StoreError> {
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
        let mut spread: Option<crate::sqlite::Periodiser> = None;
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
                let ansvar = ansvar.unwrap_or_default();
                if kind == "budget" && period % 100 == 0 {
                    // An annual #PBUDGET, spread like everywhere else.
                    if spread.is_none() {
                        spread = Some(self.periodiser(&fy)?);
                    }
                    let parts = spread
                        .as_ref()
                        .expect("set above")
                        .spread(&ansvar, number, sum)
                        .0;
                    for (m, part) in parts {
                        entries.push((
                            ansvar.clone(),
                            number.clone(),
                            name.clone(),
                            group.clone(),
                            cp.clone(),
                            true,
                            m,
                            part,
                        ));
                    }
                    continue;
                }
                entries.push((
                    ansvar,
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
        // CSV budget versions (all imported), per ansvar, annual amounts periodised.
        for (ansvar, _, number, period, sum) in self.csv_budget(&fy, None)?.0 {
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

        let mut rows: HashMap<(String, String, Option<String>), CounterpartyLedgerRow> =
            HashMap::new();
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
                .or_insert_with(|| CounterpartyLedgerRow {
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
        let mut out: Vec<CounterpartyLedgerRow> = rows
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

fn basis_code(b: Basis) -> &'static str {
    match b {
        Basis::PerHour => "timme",
        Basis::PerOccupiedDay => "belagt_dygn",
        Basis::PerAttendanceDay => "narvarodag",
        Basis::FixedMonthly => "fast_manad",
    }
}

fn basis_from(s: &str) -> Basis {
    match s {
        "belagt_dygn" => Basis::PerOccupiedDay,
        "narvarodag" => Basis::PerAttendanceDay,
        "fast_manad" => Basis::FixedMonthly,
        _ => Basis::PerHour,
    }
}

/// Import compensation rates: the whole stored set is replaced. With an organisation
/// imported, purchaser and provider must be in it; with volume series imported, a named
/// series must be one of them.
pub(crate) fn import_rates(
    conn: &mut Connection,
    src: &TemplateSource<'_>,
    rates: &[CompensationRate],
) -> Result<TemplateReport, StoreError> {
    templates::run(
        conn,
        TemplateKind::CompensationModel,
        src,
        rates.len(),
        |tx, batch| {
            let org = templates::organisation(tx)?;
            let codes: HashSet<&str> = org.nodes().iter().map(|n| n.code.as_str()).collect();
            let series: HashSet<String> = templates::stored_series(tx)?
                .into_iter()
                .map(|s| s.code)
                .collect();
            let mut p = Problems::new();
            for (i, r) in rates.iter().enumerate() {
                let line = src.line(i);
                for (col, code) in [("beställare", &r.purchaser), ("utförare", &r.provider)] {
                    if !org.is_empty() && !codes.contains(code.as_str()) {
                        p.push(
                            line,
                            Some(col),
                            format!(
                                "\"{code}\" finns inte i organisationen. Rätta koden eller \
                                 importera en organisation där den ingår."
                            ),
                        );
                    }
                }
                if r.purchaser == r.provider {
                    p.push(
                        line,
                        Some("utförare"),
                        "beställare och utförare är samma; ett internt köp har två parter.".into(),
                    );
                }
                if let Some(s) = &r.volume_series {
                    if !series.is_empty() && !series.contains(s) {
                        p.push(
                            line,
                            Some("volymserie"),
                            format!(
                                "volymserien \"{s}\" finns inte. Importera den med \
                                 volymserier.csv eller rätta namnet."
                            ),
                        );
                    }
                }
            }
            p.into_result(src.file_name)?;
            let before: i64 =
                tx.query_row("SELECT COUNT(*) FROM compensation_rate", [], |r| r.get(0))?;
            tx.execute("DELETE FROM compensation_rate", [])?;
            let mut ins = tx.prepare(
                "INSERT INTO compensation_rate (batch_id, position, model, name, basis, level,
                 purchaser, provider, price_ore, volume_series, account, valid_from, valid_to)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for (i, r) in rates.iter().enumerate() {
                ins.execute(params![
                    batch,
                    i as i64,
                    r.model,
                    r.name,
                    basis_code(r.basis),
                    r.level,
                    r.purchaser,
                    r.provider,
                    r.price.ore(),
                    r.volume_series,
                    r.account,
                    r.from.map(YearMonth::as_int),
                    r.to.map(YearMonth::as_int),
                ])?;
            }
            let models: HashSet<&str> = rates.iter().map(|r| r.model.as_str()).collect();
            let mut s = format!(
                "{} för {}.",
                templates::plural(rates.len(), "pris", "priser"),
                templates::plural(models.len(), "ersättningsmodell", "ersättningsmodeller")
            );
            if before > 0 {
                s.push_str(&format!(
                    " De tidigare priserna ({}) är ersatta.",
                    templates::plural(before as usize, "rad", "rader")
                ));
            }
            Ok(s)
        },
    )
}

/// The stored rates, in file order.
pub(crate) fn rates(conn: &Connection) -> Result<Vec<CompensationRate>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT model, name, basis, level, purchaser, provider, price_ore, volume_series,
                account, valid_from, valid_to
         FROM compensation_rate ORDER BY position",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            CompensationRate {
                model: r.get(0)?,
                name: r.get(1)?,
                basis: basis_from(&r.get::<_, String>(2)?),
                level: r.get(3)?,
                purchaser: r.get(4)?,
                provider: r.get(5)?,
                price: Amount::from_ore(r.get(6)?),
                volume_series: r.get(7)?,
                account: r.get(8)?,
                from: None,
                to: None,
            },
            r.get::<_, Option<i32>>(9)?,
            r.get::<_, Option<i32>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut rate, f, t) = row?;
        let month = |v: Option<i32>| -> Result<Option<YearMonth>, StoreError> {
            v.map(|v| {
                YearMonth::from_int(v)
                    .map_err(|_| StoreError::Corrupt(format!("månaden {v} i ersättningsmodellen")))
            })
            .transpose()
        };
        rate.from = month(f)?;
        rate.to = month(t)?;
        out.push(rate);
    }
    Ok(out)
}

/// Import intraprenad opening balances, replacing each (intraprenad, year) in the file. With
/// an organisation imported, every code must be an intraprenad in some version of it.
pub(crate) fn import_intraprenader(
    conn: &mut Connection,
    src: &TemplateSource<'_>,
    rows: &[IntraprenadOpening],
) -> Result<TemplateReport, StoreError> {
    templates::run(
        conn,
        TemplateKind::Intraprenader,
        src,
        rows.len(),
        |tx, batch| {
            let org = templates::organisation(tx)?;
            let mut p = Problems::new();
            for (i, o) in rows.iter().enumerate() {
                if org.is_empty() {
                    break;
                }
                let mut versions = org.versions(&o.code).peekable();
                if versions.peek().is_none() {
                    p.push(
                        src.line(i),
                        Some("intraprenad"),
                        format!(
                            "\"{}\" finns inte i organisationen. Rätta koden eller importera en \
                             organisation där den ingår.",
                            o.code
                        ),
                    );
                } else if !versions.any(|n| n.kind == OrgKind::Intraprenad) {
                    p.push(
                        src.line(i),
                        Some("intraprenad"),
                        format!(
                            "\"{}\" är inte en intraprenad i organisationen (typ intraprenad i \
                             organisation.csv).",
                            o.code
                        ),
                    );
                }
            }
            p.into_result(src.file_name)?;
            let mut replaced = 0usize;
            let mut ins = tx.prepare(
                "INSERT INTO intraprenad_opening (code, year, batch_id, opening_ore,
                 planned_use_ore, deficit_since, cap_percent, cap_ore, write_off_years)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (code, year) DO UPDATE SET batch_id = excluded.batch_id,
                   opening_ore = excluded.opening_ore, planned_use_ore = excluded.planned_use_ore,
                   deficit_since = excluded.deficit_since, cap_percent = excluded.cap_percent,
                   cap_ore = excluded.cap_ore, write_off_years = excluded.write_off_years",
            )?;
            let mut exists = tx.prepare(
                "SELECT COUNT(*) FROM intraprenad_opening WHERE code = ?1 AND year = ?2",
            )?;
            for o in rows {
                let n: i64 = exists.query_row(params![o.code, o.year], |r| r.get(0))?;
                replaced += n as usize;
                ins.execute(params![
                    o.code,
                    o.year,
                    batch,
                    o.opening.ore(),
                    o.planned_use.ore(),
                    o.deficit_since,
                    o.rules.surplus_cap_percent,
                    o.rules.surplus_cap_amount.map(|a| a.ore()),
                    o.rules.write_off_after_years.map(i64::from),
                ])?;
            }
            let mut s = format!(
                "{} ingående balanser.",
                templates::plural(rows.len(), "intraprenads", "intraprenaders")
            );
            if replaced > 0 {
                s.push_str(&format!(
                    " {} ersatta.",
                    templates::plural(replaced, "tidigare rad", "tidigare rader")
                ));
            }
            Ok(s)
        },
    )
}

/// The stored opening balances of `year` (every year when `None`), by code and year.
pub(crate) fn intraprenader(
    conn: &Connection,
    year: Option<i32>,
) -> Result<Vec<IntraprenadOpening>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, year, opening_ore, planned_use_ore, deficit_since, cap_percent, cap_ore,
                write_off_years
         FROM intraprenad_opening WHERE CAST(?1 AS BIGINT) IS NULL OR year = ?1
         ORDER BY code, year",
    )?;
    let rows = stmt.query_map(params![year], |r| {
        Ok(IntraprenadOpening {
            code: r.get(0)?,
            year: r.get(1)?,
            opening: Amount::from_ore(r.get(2)?),
            planned_use: Amount::from_ore(r.get(3)?),
            deficit_since: r.get(4)?,
            rules: CarryForwardRules {
                surplus_cap_percent: r.get(5)?,
                surplus_cap_amount: r.get::<_, Option<i64>>(6)?.map(Amount::from_ore),
                write_off_after_years: r.get::<_, Option<i64>>(7)?.map(|v| v.max(0) as u32),
            },
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
