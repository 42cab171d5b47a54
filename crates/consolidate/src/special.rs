//! Special effects (särskilda effekter, e.g. covid-19) added up from the forecast lines to
//! every level of the organisation, results including and excluding them, and the proposal
//! for decision generated from them.

use delar_core::{Amount, OrgTree};
use delar_forecast::{AdjustmentKind, ForecastLine};
use serde::Serialize;
use std::collections::BTreeMap;

/// Budget, forecast and special effects of a node (its subtree), in the ledger's sign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpecialEffects {
    /// Annual budget (net cost).
    pub budget: Amount,
    /// Full-year forecast including special effects (net cost).
    pub forecast: Amount,
    /// Structural special effects in the forecast (a cost increase is positive).
    pub structural: Amount,
    /// Other special effects in the forecast.
    pub other: Amount,
}

impl SpecialEffects {
    /// structural + other (ledger sign).
    pub fn total(&self) -> Amount {
        self.structural + self.other
    }

    /// The effect on the result (positive = favourable): −(structural + other).
    pub fn effect(&self) -> Amount {
        -self.total()
    }

    /// Forecast without the special effects.
    pub fn forecast_excluding(&self) -> Amount {
        self.forecast - self.total()
    }

    /// budget − forecast; positive = surplus.
    pub fn deviation(&self) -> Amount {
        self.budget - self.forecast
    }

    /// budget − forecast excluding special effects.
    pub fn deviation_excluding(&self) -> Amount {
        self.budget - self.forecast_excluding()
    }
}

/// Sum the lines' budget, forecast and special effects to every node of `tree` (each line
/// counts at its node and every ancestor). Lines on codes outside the tree count at the root,
/// with a warning (Swedish).
pub fn special_by_level(
    tree: &OrgTree,
    lines: &[ForecastLine],
) -> (BTreeMap<String, SpecialEffects>, Vec<String>) {
    let mut out: BTreeMap<String, SpecialEffects> = tree
        .nodes()
        .iter()
        .map(|n| (n.code.clone(), SpecialEffects::default()))
        .collect();
    let mut warnings = Vec::new();
    let root = match tree.root() {
        Some(r) => r.code.clone(),
        None => return (out, warnings),
    };
    for l in lines {
        let at = if tree.contains(&l.node) {
            l.node.clone()
        } else {
            let w = format!(
                "Prognosraden på \"{}\" finns inte i organisationen i {}; den räknas på {root}.",
                l.node,
                tree.month()
            );
            if !warnings.contains(&w) {
                warnings.push(w);
            }
            root.clone()
        };
        let mut s = SpecialEffects {
            budget: l.budget,
            forecast: l.full_year(),
            ..SpecialEffects::default()
        };
        for a in &l.adjustments {
            match a.kind {
                AdjustmentKind::SpecialStructural => s.structural += a.amount,
                AdjustmentKind::SpecialOther => s.other += a.amount,
                _ => {}
            }
        }
        let mut codes = vec![at.clone()];
        codes.extend(tree.ancestors(&at).iter().map(|n| n.code.clone()));
        for c in codes {
            let t = out.entry(c).or_default();
            t.budget += s.budget;
            t.forecast += s.forecast;
            t.structural += s.structural;
            t.other += s.other;
        }
    }
    (out, warnings)
}

/// The conditional items of the proposal for decision: every committee (nämnd or
/// programnämnd) of `tree` whose forecast deviation excluding special effects is a deficit
/// is given the task to reach a balanced budget. In tree order.
pub fn proposal(tree: &OrgTree, effects: &BTreeMap<String, SpecialEffects>) -> Vec<String> {
    tree.nodes()
        .iter()
        .filter(|n| n.kind.is_committee())
        .filter(|n| {
            effects
                .get(&n.code)
                .is_some_and(|e| e.deviation_excluding().ore() < 0)
        })
        .map(|n| {
            format!(
                "{} får i uppdrag att vidta åtgärder för att nå en budget i balans.",
                n.name
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::{OrgKind, OrgNode, Organisation, YearMonth};
    use delar_forecast::{Adjustment, Method};

    fn node(code: &str, name: &str, kind: OrgKind, parent: Option<&str>) -> OrgNode {
        OrgNode {
            code: code.into(),
            name: name.into(),
            kind,
            parent: parent.map(str::to_string),
            from: None,
            to: None,
            activity: None,
        }
    }

    fn m(x: i64) -> Amount {
        Amount::from_kr(x * 100_000).unwrap()
    }

    fn line(node: &str, budget: i64, base: i64, adj: &[(AdjustmentKind, i64)]) -> ForecastLine {
        ForecastLine {
            node: node.into(),
            group: "personal".into(),
            method: Method::BudgetBased,
            base: m(base),
            explanation: String::new(),
            adjustments: adj
                .iter()
                .map(|(k, a)| Adjustment {
                    kind: *k,
                    amount: m(*a),
                    low: None,
                    high: None,
                    comment: "covid-19".into(),
                    code: None,
                })
                .collect(),
            to_date: Amount::ZERO,
            budget: m(budget),
            comment: None,
        }
    }

    /// Örebro 2021 (tenths of mnkr): VBN −3,8 including covid, +6,4 excluding (covid −10,2:
    /// structural −2,2, other −8,0); SN −15,2 including, covid +0,6.
    #[test]
    fn sums_to_every_level_and_proposes() {
        use AdjustmentKind::*;
        use OrgKind::*;
        let org = Organisation::new(vec![
            node("PO", "Programområde", Programomrade, None),
            node("SN", "Socialnämnden", Namnd, Some("PO")),
            node("SN1", "Enhet", Enhet, Some("SN")),
            node("VBN", "Vårdboendenämnden", Namnd, Some("PO")),
            node("VBN1", "Boende", Enhet, Some("VBN")),
        ])
        .unwrap();
        let tree = org.tree_at(YearMonth::new(2021, 8).unwrap());
        let lines = vec![
            // A special effect is a cost increase in the ledger's sign: covid cost 10,2.
            line(
                "VBN1",
                314,
                250,
                &[(SpecialStructural, 22), (SpecialOther, 80)],
            ),
            line("SN1", 5_822, 5_980, &[(SpecialOther, -6), (OneOff, 0)]),
        ];
        let (e, w) = special_by_level(&tree, &lines);
        assert!(w.is_empty());
        let vbn = e["VBN"];
        assert_eq!(vbn.deviation(), m(-38));
        assert_eq!(vbn.effect(), m(-102));
        assert_eq!(vbn.deviation_excluding(), m(64));
        assert_eq!(vbn.total(), vbn.structural + vbn.other);
        let sn = e["SN"];
        assert_eq!(sn.deviation(), m(-152));
        assert_eq!(sn.deviation_excluding(), m(-158));
        let po = e["PO"];
        assert_eq!(po.total(), vbn.total() + sn.total());
        assert_eq!(po.deviation_excluding(), m(64 - 158));
        assert_eq!(
            proposal(&tree, &e),
            vec!["Socialnämnden får i uppdrag att vidta åtgärder för att nå en budget i balans."]
        );
    }
}
