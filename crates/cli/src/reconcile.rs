//! R16, reconciliation: a round's outcome to date and budget against the ledger's, to the öre,
//! per committee and in total; and the amounts the organisation does not place on a unit of
//! their own ("Ej fördelat på enhet"), named with their codes and amounts.

use anyhow::Result;
use delar_core::placement::Moved;
use delar_core::{Amount, Placement, Round, Unit};
use delar_forecast::ForecastLine;
use delar_report::check::{Finding, Severity};
use delar_store::{ForecastStore, LedgerBy, SqliteStore, Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// The control figures of one scope: a committee (or an unassigned leaf outside every
/// committee), or the total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Control {
    /// The committee's code; `None` for the total.
    pub scope: Option<String>,
    /// The committee's name, or `Totalt`.
    pub name: String,
    /// The ledger's outcome January to the cut-off.
    pub ledger_to_date: Amount,
    /// The ledger's annual budget in force at the cut-off.
    pub ledger_budget: Amount,
    /// The round's outcome to date (sum of its lines).
    pub round_to_date: Amount,
    /// The round's budget (sum of its lines).
    pub round_budget: Amount,
}

impl Control {
    /// True when round and ledger agree to the öre.
    pub fn agrees(&self) -> bool {
        self.ledger_to_date == self.round_to_date && self.ledger_budget == self.round_budget
    }
}

/// Amounts of one ledger code placed off a unit of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unplaced {
    /// The code, the reason and the leaf.
    pub moved: Moved,
    /// The name of the node the leaf is under (or of the leaf).
    pub under: String,
    /// Outcome January to the cut-off.
    pub to_date: Amount,
    /// Annual budget in force.
    pub budget: Amount,
}

/// The reconciliation of a round with the ledger.
#[derive(Clone, Debug, Default)]
pub struct Reconciliation {
    /// Per committee (tree order), then the total.
    pub controls: Vec<Control>,
    /// The total of the ledger read per ansvar, when it differs from the ledger read whole
    /// (a fault in the store's placement; never expected).
    pub placement_gap: Option<(Amount, Amount)>,
    /// Codes whose amounts are not on a unit of their own.
    pub unplaced: Vec<Unplaced>,
    /// Whether the round is locked (differences are then warnings: a locked round never
    /// changes).
    pub locked: bool,
}

fn kr(a: Amount) -> String {
    format!("{} kr", a.format(Unit::Kr, 2))
}

/// Reconcile the round's lines with the ledger now in the store.
pub fn reconcile(
    store: &SqliteStore,
    round: Round,
    lines: &[ForecastLine],
) -> Result<Reconciliation> {
    let m = round.cutoff as usize;
    let as_of = round.cutoff_month().last_day();
    let rows = match store.ledger_by_node(round.year, LedgerBy::Group, Some(as_of)) {
        Ok(r) => r,
        Err(StoreError::NoSuchYear(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let org = store.organisation()?;
    let placement = Placement::new(
        &org,
        &org.tree_at(round.cutoff_month()),
        rows.iter()
            .map(|r| r.node.as_str())
            .chain(lines.iter().map(|l| l.node.as_str())),
    );
    let tree = placement.tree();
    let scope_of = |leaf: &str| -> (String, String) {
        match tree.committee_of(leaf) {
            Some(c) => (c.code.clone(), c.name.clone()),
            None => (
                leaf.to_string(),
                tree.node(leaf)
                    .map(|n| n.name.clone())
                    .unwrap_or_else(|| leaf.to_string()),
            ),
        }
    };
    let mut by: BTreeMap<String, Control> = BTreeMap::new();
    fn entry(by: &mut BTreeMap<String, Control>, (code, name): (String, String)) -> &mut Control {
        by.entry(code.clone()).or_insert_with(|| Control {
            scope: Some(code),
            name,
            ledger_to_date: Amount::ZERO,
            ledger_budget: Amount::ZERO,
            round_to_date: Amount::ZERO,
            round_budget: Amount::ZERO,
        })
    }
    let mut per_code: BTreeMap<&str, (Amount, Amount)> = BTreeMap::new();
    for r in &rows {
        let Some(leaf) = placement.leaf_of(&r.node) else {
            continue;
        };
        let to_date: Amount = r.row.outcome.iter().take(m).copied().sum();
        let c = entry(&mut by, scope_of(leaf));
        c.ledger_to_date += to_date;
        c.ledger_budget += r.row.budget_total;
        let e = per_code.entry(r.node.as_str()).or_default();
        e.0 += to_date;
        e.1 += r.row.budget_total;
    }
    for l in lines {
        let leaf = placement.leaf_of(&l.node).unwrap_or(&l.node).to_string();
        let c = entry(&mut by, scope_of(&leaf));
        c.round_to_date += l.to_date;
        c.round_budget += l.budget;
    }
    // Committees in tree order, then scopes outside the tree.
    let mut controls: Vec<Control> = Vec::new();
    for n in tree.nodes() {
        if let Some(c) = by.remove(&n.code) {
            controls.push(c);
        }
    }
    controls.extend(by.into_values());
    let sum = |f: fn(&Control) -> Amount| controls.iter().map(f).sum::<Amount>();
    // The total from the ledger read whole (not per ansvar): a second path to the same figure.
    let (whole_to_date, whole_budget) = match store.ledger(round.year, LedgerBy::Group, None) {
        Ok(rows) => {
            let to_date: Amount = rows
                .iter()
                .flat_map(|r| r.outcome.iter().take(m))
                .copied()
                .sum();
            let budget: Amount = store
                .budget_in_force(round.year, as_of, LedgerBy::Group, None)?
                .iter()
                .map(|b| b.total)
                .sum();
            (to_date, budget)
        }
        Err(StoreError::NoSuchYear(_)) => (Amount::ZERO, Amount::ZERO),
        Err(e) => return Err(e.into()),
    };
    let placed = (sum(|c| c.ledger_to_date), sum(|c| c.ledger_budget));
    let placement_gap =
        (placed != (whole_to_date, whole_budget)).then_some((whole_to_date, whole_budget));
    controls.push(Control {
        scope: None,
        name: "Totalt".into(),
        ledger_to_date: whole_to_date,
        ledger_budget: whole_budget,
        round_to_date: sum(|c| c.round_to_date),
        round_budget: sum(|c| c.round_budget),
    });
    let unplaced = placement
        .moved()
        .iter()
        .filter_map(|mv| {
            let (to_date, budget) = per_code.get(mv.code.as_str()).copied()?;
            if to_date.is_zero() && budget.is_zero() {
                return None;
            }
            let under = tree
                .parent(&mv.leaf)
                .filter(|_| delar_core::placement::is_unassigned(&mv.leaf))
                .or_else(|| tree.node(&mv.leaf))
                .map(|n| n.name.clone())
                .unwrap_or_default();
            Some(Unplaced {
                moved: mv.clone(),
                under,
                to_date,
                budget,
            })
        })
        .collect();
    let locked = store
        .forecast_round(&round.id())?
        .is_some_and(|i| i.status == delar_store::RoundStatus::Locked);
    Ok(Reconciliation {
        controls,
        placement_gap,
        unplaced,
        locked,
    })
}

impl Reconciliation {
    /// The findings of rule R16: an error per scope where the round and the ledger differ (a
    /// warning when the round is locked), and a warning per code placed off a unit.
    pub fn findings(&self, round: Round) -> Vec<Finding> {
        let id = round.id();
        let mut out = Vec::new();
        for c in self.controls.iter().filter(|c| !c.agrees()) {
            let mut parts = Vec::new();
            if c.round_to_date != c.ledger_to_date {
                parts.push(format!(
                    "utfallet hittills är {} i omgången men {} i huvudboken (skillnad {})",
                    kr(c.round_to_date),
                    kr(c.ledger_to_date),
                    kr(c.round_to_date - c.ledger_to_date)
                ));
            }
            if c.round_budget != c.ledger_budget {
                parts.push(format!(
                    "budgeten är {} i omgången men {} i huvudboken (skillnad {})",
                    kr(c.round_budget),
                    kr(c.ledger_budget),
                    kr(c.round_budget - c.ledger_budget)
                ));
            }
            let what = if self.locked {
                "Omgången är låst och ändras inte; huvudboken eller budgeten har ändrats sedan \
                 den beräknades. Redovisa skillnaden i nästa omgång."
                    .to_string()
            } else {
                format!(
                    "Huvudboken eller budgeten har ändrats sedan omgången beräknades, eller rader \
                     saknas i den; beräkna om den med `delar forecast run --round {id}`."
                )
            };
            out.push(Finding {
                rule: "R16",
                severity: if self.locked {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                location: format!("Prognosomgång {id}, {}", c.name),
                message: format!("{}. {what}", capitalise(&parts.join("; "))),
            });
        }
        if let Some((to_date, budget)) = self.placement_gap {
            let placed_to_date: Amount = self
                .controls
                .iter()
                .filter(|c| c.scope.is_some())
                .map(|c| c.ledger_to_date)
                .sum();
            let placed_budget: Amount = self
                .controls
                .iter()
                .filter(|c| c.scope.is_some())
                .map(|c| c.ledger_budget)
                .sum();
            out.push(Finding {
                rule: "R16",
                severity: Severity::Error,
                location: format!("Huvudboken {}", round.year),
                message: format!(
                    "Huvudboken per ansvar summerar till {} utfall och {} budget, men hela \
                     huvudboken till {} och {}. Det är ett fel i delar; rapportera det med \
                     databasfilen.",
                    kr(placed_to_date),
                    kr(placed_budget),
                    kr(to_date),
                    kr(budget)
                ),
            });
        }
        for u in &self.unplaced {
            out.push(Finding {
                rule: "R16",
                severity: Severity::Warning,
                location: format!("Huvudboken {}, ansvar {}", round.year, u.moved.code_label()),
                message: format!(
                    "{} utfall hittills och {} budget ({}) redovisas som \"{}\" under {}. Lägg \
                     koden i organisationen (organisation.csv) eller boka om beloppen på en \
                     enhet.",
                    kr(u.to_date),
                    kr(u.budget),
                    u.moved.reason.label(),
                    if delar_core::placement::is_unassigned(&u.moved.leaf) {
                        delar_core::placement::UNASSIGNED_NAME
                    } else {
                        "närmaste kända nod"
                    },
                    u.under
                ),
            });
        }
        out
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
