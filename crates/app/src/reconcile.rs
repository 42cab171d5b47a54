//! R16, reconciliation: a round's outcome to date and budget against the ledger's, to the öre,
//! per committee and in total; and the amounts the organisation does not place on a unit of
//! their own ("Ej fördelat på enhet"), named with their codes and amounts.

use crate::Result;
use delar_core::placement::Moved;
use delar_core::{Amount, Placement, Round, Unit};
use delar_forecast::ForecastLine;
use delar_report::check::{Finding, Severity};
use delar_store::prelude::*;
use delar_store::{LedgerBy, StoreError};
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
    /// Result accounts outside every kontogrupp ("Ej kontogrupperat") with outcome this year:
    /// number, name, outcome.
    pub ungrouped: Vec<(String, String, Amount)>,
}

fn kr(a: Amount) -> String {
    format!("{} kr", a.format(Unit::Kr, 2))
}

/// Reconcile the round's lines with the ledger now in the store.
pub fn reconcile(
    store: &dyn Backend,
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
    let ungrouped = match store.ungrouped_accounts(Some(round.year)) {
        Ok(v) => v.into_iter().filter(|(_, _, a)| !a.is_zero()).collect(),
        Err(StoreError::NoSuchYear(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    Ok(Reconciliation {
        controls,
        placement_gap,
        unplaced,
        locked,
        ungrouped,
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
        if !self.ungrouped.is_empty() {
            let list: Vec<String> = self
                .ungrouped
                .iter()
                .map(|(n, name, a)| {
                    if name.is_empty() {
                        format!("{n} ({})", kr(*a))
                    } else {
                        format!("{n} {name} ({})", kr(*a))
                    }
                })
                .collect();
            let total: Amount = self.ungrouped.iter().map(|(_, _, a)| *a).sum();
            out.push(Finding {
                rule: "R16",
                severity: Severity::Warning,
                location: format!("Huvudboken {}, kontogrupp Ej kontogrupperat", round.year),
                message: format!(
                    "{} kr utfall {} på konton som inte hör till någon kontogrupp och \
                     redovisas som egen rad \"Ej kontogrupperat\": {}. Lägg kontona i \
                     kontogruppsfilen (`delar kontogrupper` visar hur) och läs in den med \
                     `delar kontogrupper FIL`.",
                    total.format(Unit::Kr, 2),
                    round.year,
                    list.join(", ")
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

#[cfg(test)]
mod tests {
    //! Property: for random organisations and ledgers with amounts on committees' own codes,
    //! closed and unknown codes and without an ansvar, the round's and the report's totals
    //! equal the ledger's to the öre, per committee and in total.

    use super::*;
    use delar_core::{OrgKind, OrgNode, RoundKind, YearMonth};
    use delar_store::{ImportOptions, TemplateSource};
    use proptest::prelude::*;
    use std::fmt::Write as _;

    /// Where an amount is booked.
    #[derive(Clone, Debug)]
    enum Target {
        /// A unit (index into the units).
        Unit(usize),
        /// A committee's own code (index into the committees).
        Committee(usize),
        /// A unit closed at the end of last year.
        Closed,
        /// A code the organisation has never had.
        Unknown,
        /// No ansvar object.
        NoObject,
    }

    fn target() -> impl Strategy<Value = Target> {
        prop_oneof![
            6 => (0usize..8).prop_map(Target::Unit),
            1 => (0usize..3).prop_map(Target::Committee),
            1 => Just(Target::Closed),
            1 => Just(Target::Unknown),
            1 => Just(Target::NoObject),
        ]
    }

    /// (target, account, year offset 0 = last year, month, öre, budget?)
    type Booking = (Target, &'static str, i32, u8, i64, bool);

    fn booking() -> impl Strategy<Value = Booking> {
        (
            target(),
            prop::sample::select(vec!["5010", "4610", "3010", "7010"]),
            0i32..2,
            1u8..13,
            -50_000_000i64..50_000_000,
            any::<bool>(),
        )
    }

    fn node(code: &str, kind: OrgKind, parent: Option<&str>) -> OrgNode {
        OrgNode {
            code: code.into(),
            name: format!("Namn {code}"),
            kind,
            parent: parent.map(str::to_string),
            from: None,
            to: None,
            activity: None,
        }
    }

    /// The organisation: PO with `committees` committees holding `units[i]` units each (a
    /// committee without units is a leaf), and unit X1 under the first committee closed at
    /// the end of 2024.
    fn organisation(units: &[usize]) -> (Vec<OrgNode>, Vec<String>, Vec<String>) {
        let mut nodes = vec![node("PO", OrgKind::Programomrade, None)];
        let mut committees = Vec::new();
        let mut leaves = Vec::new();
        for (i, n) in units.iter().enumerate() {
            let c = format!("N{i}");
            nodes.push(node(&c, OrgKind::Namnd, Some("PO")));
            for u in 0..*n {
                let code = format!("N{i}U{u}");
                nodes.push(node(&code, OrgKind::Enhet, Some(&c)));
                leaves.push(code);
            }
            committees.push(c);
        }
        let mut closed = node("X1", OrgKind::Enhet, Some("N0"));
        closed.to = Some(YearMonth::new(2024, 12).unwrap());
        nodes.push(closed);
        if leaves.is_empty() {
            leaves.push(committees[0].clone());
        }
        (nodes, committees, leaves)
    }

    fn sie(year: i32, bookings: &[Booking], committees: &[String], units: &[String]) -> String {
        let mut s = format!(
            "#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#PROGRAM \"t\" 1\n#FNAMN \"T\"\n\
             #RAR 0 {year}0101 {year}1231\n#DIM 1 \"Ansvar\"\n"
        );
        let obj = |t: &Target| match t {
            Target::Unit(i) => format!("{{1 \"{}\"}}", units[i % units.len()]),
            Target::Committee(i) => format!("{{1 \"{}\"}}", committees[i % committees.len()]),
            Target::Closed => "{1 \"X1\"}".into(),
            Target::Unknown => "{1 \"ZZ9\"}".into(),
            Target::NoObject => "{}".into(),
        };
        let money = |o: i64| {
            let sign = if o < 0 { "-" } else { "" };
            format!("{sign}{}.{:02}", o.abs() / 100, o.abs() % 100)
        };
        let mut n = 0;
        for (t, account, y, m, ore, budget) in bookings {
            if 2024 + y != year {
                continue;
            }
            let amount = money(*ore);
            if *budget {
                let _ = writeln!(s, "#PBUDGET 0 {year}{m:02} {account} {} {amount}", obj(t));
            } else {
                n += 1;
                let _ = writeln!(
                    s,
                    "#VER A {n} {year}{m:02}10 \"v\"\n{{\n#TRANS {account} {} {amount}\n\
                     #TRANS 1930 {{}} {}\n}}",
                    obj(t),
                    money(-ore)
                );
            }
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn round_and_report_equal_the_ledger(
            units in prop::collection::vec(0usize..4, 1..4),
            bookings in prop::collection::vec(booking(), 1..40),
            kind in prop::sample::select(vec![RoundKind::P1, RoundKind::P2]),
        ) {
            let (nodes, committees, leaves) = organisation(&units);
            let mut store = delar_store::SqliteStore::open_in_memory().unwrap();
            let lines: Vec<usize> = (0..nodes.len()).map(|i| i + 2).collect();
            store
                .import_organisation(
                    &TemplateSource { file_name: "organisation.csv", sha256: "x", lines: &lines },
                    &nodes,
                )
                .unwrap();
            for year in [2024, 2025] {
                let text = sie(year, &bookings, &committees, &leaves);
                store
                    .import_sie_reader(
                        &mut text.as_bytes(),
                        &format!("{year}.se"),
                        None,
                        &ImportOptions { source: Some(format!("k{year}")), ..ImportOptions::default() },
                        None,
                    )
                    .unwrap();
            }
            let round = Round::new(2025, kind).unwrap();
            let s = crate::forecast::run_round(
                &mut store,
                &round,
                &crate::forecast::RoundOptions::default(),
            );
            let s = match s {
                Ok(s) => s,
                // Nothing at all booked in 2025 before the cut-off: nothing to forecast.
                Err(e) => {
                    prop_assert!(e.to_string().contains("2025"), "{e}");
                    return Ok(());
                }
            };
            for c in &s.reconciliation.controls {
                prop_assert!(c.agrees(), "{c:?}");
            }
            prop_assert!(s.reconciliation.placement_gap.is_none());
            // The ledger's own total (read whole) through the cut-off.
            let m = round.cutoff as usize;
            let whole: Amount = store
                .ledger(2025, LedgerBy::Group, None)
                .unwrap()
                .iter()
                .flat_map(|r| r.outcome.iter().take(m))
                .copied()
                .sum();
            let total = s.reconciliation.controls.last().unwrap();
            prop_assert_eq!(total.round_to_date, whole);
            // The report's inputs and roll-up hold the same totals.
            let inputs = crate::report::gather(&store, round, "T");
            let inputs = match inputs {
                Ok(i) => i,
                Err(e) => {
                    prop_assert!(e.to_string().contains("inget utfall"), "{e}");
                    return Ok(());
                }
            };
            let rollup = delar_compose::data::Rollup::new(&inputs);
            let root = rollup.total("PO");
            prop_assert_eq!(root.to_date, whole);
            prop_assert_eq!(root.budget, total.ledger_budget);
        }
    }
}
