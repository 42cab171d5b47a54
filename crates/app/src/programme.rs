//! The programme area's consolidation for the report (`typ = "programomrade…"` in the report
//! definition, docs/REPORTS.md and docs/CONSOLIDATION.md §7): budget and forecast
//! consolidated with internal purchases and sales eliminated, the intraprenad equity ledger,
//! special effects and last year's outcome per organisation code; and the committees'
//! subtrees for their own reports (`[[bilaga]]`).

use crate::{AppError, Result};
use delar_compose::ProgrammeData;
use delar_consolidate::intraprenad::{equity_ledger, YearFigures};
use delar_consolidate::{consolidate, InputRow, InternalRule, Series};
use delar_core::{AccountMapping, Amount, GroupKind, OrgKind, OrgTree, Organisation, Round};
use delar_forecast::ForecastLine;
use delar_store::prelude::*;
use delar_store::{CounterpartyLedgerRow, LedgerBy, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// Amounts per counterparty (`None`: no counterparty).
type Shares = Vec<(Option<String>, Amount)>;

/// Shares per (node, kontogrupp).
type SharesBy = BTreeMap<(String, String), Shares>;

/// Split `total` on counterparties in proportion to `shares` (amounts per counterparty, all of
/// one sign), exactly to the öre: the rounding remainder goes to the largest share. `None`
/// when the shares cannot carry a split (empty, zero, or of mixed signs).
pub fn split_by_shares(
    total: Amount,
    shares: &[(Option<String>, Amount)],
) -> Option<Vec<(Option<String>, Amount)>> {
    let sum: i128 = shares.iter().map(|(_, a)| a.ore() as i128).sum();
    if sum == 0
        || shares
            .iter()
            .any(|(_, a)| a.ore() != 0 && (a.ore() > 0) != (sum > 0))
    {
        return None;
    }
    let mut out: Vec<(Option<String>, Amount)> = shares
        .iter()
        .map(|(c, a)| {
            let x = total.ore() as i128 * a.ore() as i128;
            // x / sum rounded half away from zero
            let q = (2 * x.abs() + sum.abs()) / (2 * sum.abs()) * x.signum() * sum.signum();
            (c.clone(), Amount::from_ore(q as i64))
        })
        .collect();
    let rest = total - out.iter().map(|(_, a)| *a).sum::<Amount>();
    if !rest.is_zero() {
        let big = shares
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, a))| a.ore().abs())
            .map(|(i, _)| i)
            .unwrap_or(0);
        out[big].1 += rest;
    }
    Some(out)
}

/// The consolidation input rows for one measure: per (node, kontogrupp) the amount, split on
/// counterparties by the ledger's shares of that (node, kontogrupp).
fn rows_for(
    amounts: &BTreeMap<(String, String), Amount>,
    shares: &dyn Fn(&str, &str) -> Shares,
    kind: &dyn Fn(&str) -> GroupKind,
    split: &mut bool,
) -> Vec<InputRow> {
    let mut out = Vec::new();
    for ((node, group), a) in amounts {
        if a.is_zero() {
            continue;
        }
        let parts = split_by_shares(*a, &shares(node, group)).unwrap_or_else(|| vec![(None, *a)]);
        if parts.iter().any(|(c, _)| c.is_some()) {
            *split = true;
        }
        for (cp, x) in parts {
            if x.is_zero() {
                continue;
            }
            out.push(InputRow {
                node: node.clone(),
                key: group.clone(),
                account: None,
                kind: kind(group),
                counterparty: cp,
                amounts: Series::one(x),
            });
        }
    }
    out
}

/// The programme area's data for the report, `None` when the tree has no programnämnd under
/// its root or the year has no ledger. Budget and forecast per (node, kontogrupp) are the ones
/// the economic tables use (the forecast line's, else the ledger's budget and outcome), so the
/// programme table agrees with the operating statement; they are split on counterparties by
/// the ledger's shares (outcome to the cut-off for the forecast, the budget's for the budget,
/// each falling back on the other).
pub fn gather(
    store: &dyn Backend,
    round: Round,
    org: &Organisation,
    tree: &OrgTree,
    placement: &delar_core::Placement,
    mapping: &AccountMapping,
    lines: &[ForecastLine],
) -> Result<Option<ProgrammeData>> {
    let Some(root) = tree.root() else {
        return Ok(None);
    };
    let Some(pn) = tree
        .children(&root.code)
        .into_iter()
        .find(|n| n.kind == OrgKind::Programnamnd)
    else {
        return Ok(None);
    };
    let rule = InternalRule::exempelkommun();
    let ledger = |year: i32| -> Result<Vec<CounterpartyLedgerRow>> {
        match store.ledger_by_counterparty(year, None, LedgerBy::Group, rule.counterparty_dim) {
            Ok(r) => Ok(r),
            Err(StoreError::NoSuchYear(_)) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    };
    let rows = ledger(round.year)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let cutoff = round.cutoff as usize;
    // The economic tables place every code on a leaf (report::placed_monthly); so does this.
    let leaves: BTreeSet<&str> = tree.leaves().iter().map(|n| n.code.as_str()).collect();
    let rows: Vec<CounterpartyLedgerRow> = rows
        .into_iter()
        .filter_map(|mut r| {
            r.node = placement.leaf_of(&r.node)?.to_string();
            Some(r)
        })
        .collect();
    let mut outcome_shares: SharesBy = BTreeMap::new();
    let mut budget_shares: SharesBy = BTreeMap::new();
    let mut ledger_budget: BTreeMap<(String, String), Amount> = BTreeMap::new();
    let mut ledger_outcome: BTreeMap<(String, String), Amount> = BTreeMap::new();
    for r in rows.iter().filter(|r| leaves.contains(r.node.as_str())) {
        let k = (r.node.clone(), r.group.clone());
        let to_date: Amount = r.outcome.iter().take(cutoff).sum();
        outcome_shares
            .entry(k.clone())
            .or_default()
            .push((r.counterparty.clone(), to_date));
        budget_shares
            .entry(k.clone())
            .or_default()
            .push((r.counterparty.clone(), r.budget_total));
        *ledger_budget.entry(k.clone()).or_default() += r.budget_total;
        *ledger_outcome.entry(k).or_default() += r.outcome_total;
    }
    // Budget and forecast per (node, kontogrupp), as in delar_compose::Rollup.
    let mut budget = ledger_budget;
    let mut forecast = ledger_outcome;
    for l in lines {
        let k = (l.node.clone(), l.group.clone());
        budget.insert(k.clone(), l.budget);
        forecast.insert(k, l.full_year());
    }
    let pick = |first: &SharesBy, second: &SharesBy, node: &str, group: &str| {
        let k = (node.to_string(), group.to_string());
        let usable = |v: Option<&Shares>| {
            v.filter(|v| split_by_shares(Amount::from_ore(100), v).is_some())
                .cloned()
        };
        usable(first.get(&k))
            .or_else(|| usable(second.get(&k)))
            .unwrap_or_default()
    };
    let kind = |g: &str| mapping.group(g).map(|g| g.kind).unwrap_or(GroupKind::Cost);
    let mut split_budget = false;
    let mut split_forecast = false;
    let budget_rows = rows_for(
        &budget,
        &|n, g| pick(&budget_shares, &outcome_shares, n, g),
        &kind,
        &mut split_budget,
    );
    let forecast_rows = rows_for(
        &forecast,
        &|n, g| pick(&outcome_shares, &budget_shares, n, g),
        &kind,
        &mut split_forecast,
    );
    let budget = consolidate(tree, &budget_rows, &rule).map_err(AppError::from_display)?;
    let forecast = consolidate(tree, &forecast_rows, &rule).map_err(AppError::from_display)?;

    let openings = store.intraprenader(Some(round.year))?;
    let fig = |code: &str| {
        let b = budget.node(code)?;
        let f = forecast.node(code)?;
        Some(YearFigures {
            budget: b.consolidated.result.total(),
            forecast: f.consolidated.result.total(),
            turnover: f.consolidated.cost.total(),
        })
    };
    let (equity, _warnings) = equity_ledger(tree, &openings, &fig);
    let (special, _) = delar_consolidate::special::special_by_level(tree, lines);
    let mut last: BTreeMap<String, Amount> = BTreeMap::new();
    for r in ledger(round.year - 1)? {
        *last.entry(r.node).or_default() += r.outcome_total;
    }
    let line_names = mapping
        .groups()
        .iter()
        .map(|g| (g.code.clone(), g.name.clone()))
        .collect();
    let period = if round.cutoff == 1 {
        format!("januari {}", round.year)
    } else {
        format!(
            "januari\u{2013}{} {}",
            delar_core::period::MONTH_NAMES[round.cutoff as usize - 1],
            round.year
        )
    };
    let method_note = split_forecast.then(|| {
        format!(
            "Prognosen bokförs utan motpart. Dess interna köp och försäljningar är fördelade på \
             motpart efter utfallet {period} per enhet och kontogrupp (efter budgetens \
             fördelning där utfall saknas) och elimineras sedan på samma sätt som budgeten."
        )
    });
    Ok(Some(ProgrammeData {
        programme_committee: pn.code.clone(),
        budget,
        forecast,
        line_names,
        equity,
        special,
        organisation: org.clone(),
        last_year: last.into_iter().collect(),
        method_note,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(x: i64) -> Amount {
        Amount::from_kr(x).unwrap()
    }

    #[test]
    fn split_is_exact_and_proportional() {
        let shares = vec![
            (Some("SN".to_string()), kr(1)),
            (Some("VON".to_string()), kr(2)),
            (None, kr(0)),
        ];
        let out = split_by_shares(Amount::from_ore(100), &shares).unwrap();
        assert_eq!(
            out.iter().map(|(_, a)| a.ore()).collect::<Vec<_>>(),
            [33, 67, 0]
        );
        let out = split_by_shares(Amount::from_ore(-1_000_001), &shares).unwrap();
        assert_eq!(
            out.iter().map(|(_, a)| *a).sum::<Amount>(),
            Amount::from_ore(-1_000_001)
        );
        assert_eq!(out[0].1, Amount::from_ore(-333_334));
        // revenue shares (negative) split a negative forecast the same way
        let neg = vec![(Some("PN".to_string()), kr(-30)), (None, kr(-10))];
        let out = split_by_shares(kr(-80), &neg).unwrap();
        assert_eq!(out[0].1, kr(-60));
        assert_eq!(out[1].1, kr(-20));
        // mixed signs or nothing to go by: no split
        assert!(split_by_shares(kr(5), &[(None, kr(1)), (None, kr(-2))]).is_none());
        assert!(split_by_shares(kr(5), &[]).is_none());
    }
}
