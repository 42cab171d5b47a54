//! The programme area consolidated along the organisation in force: outcome to date and annual
//! budget per node, internal purchases and sales eliminated at the lowest common level
//! (docs/CONSOLIDATION.md). Every ledger code is placed on a leaf first, so amounts off the
//! units are consolidated on "Ej fördelat på enhet" rather than lost.

use crate::{app_err, fail, Result};
use delar_consolidate::{consolidate, Consolidation, InputRow, InternalRule, Series};
use delar_core::{Placement, YearMonth};
use delar_store::prelude::*;
use delar_store::LedgerBy;

/// Outcome through a month and the annual budget, each consolidated.
pub struct YearConsolidation {
    /// The last month of outcome.
    pub through: YearMonth,
    /// Outcome January to `through`.
    pub outcome: Consolidation,
    /// The annual budget.
    pub budget: Consolidation,
}

/// Consolidate `year` with outcome through `through` (the whole year when `None`), the
/// counterparty in dimension `counterparty_dim`.
pub fn consolidate_year(
    store: &dyn Backend,
    year: i32,
    through: Option<YearMonth>,
    counterparty_dim: u32,
) -> Result<YearConsolidation> {
    let through = match through {
        Some(t) => t,
        None => YearMonth::new(year, 12).map_err(|e| app_err!("{e}"))?,
    };
    let org = store.organisation()?;
    if org.is_empty() {
        fail!("ingen organisation är importerad; kör först delar import organisation FIL");
    }
    let mapping = store.account_mapping()?;
    let rows =
        store.ledger_by_counterparty(year, Some(through), LedgerBy::Group, counterparty_dim)?;
    let placement = Placement::new(
        &org,
        &org.tree_at(through),
        rows.iter().map(|r| r.node.as_str()),
    );
    let input = |budget: bool| -> Vec<InputRow> {
        rows.iter()
            .filter_map(|r| {
                Some(InputRow {
                    node: placement.leaf_of(&r.node)?.to_string(),
                    key: r.key.clone(),
                    account: None,
                    kind: mapping
                        .group(&r.group)
                        .map(|g| g.kind)
                        .unwrap_or(delar_core::GroupKind::Cost),
                    counterparty: r.counterparty.clone(),
                    amounts: Series::one(if budget {
                        r.budget_total
                    } else {
                        r.outcome_total
                    }),
                })
            })
            .collect()
    };
    let rule = InternalRule {
        counterparty_dim,
        ..InternalRule::exempelkommun()
    };
    let tree = placement.tree();
    let outcome = consolidate(tree, &input(false), &rule).map_err(|e| app_err!("{e}"))?;
    let budget = consolidate(tree, &input(true), &rule).map_err(|e| app_err!("{e}"))?;
    Ok(YearConsolidation {
        through,
        outcome,
        budget,
    })
}
