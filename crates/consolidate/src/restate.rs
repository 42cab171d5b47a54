//! Comparisons across organisation versions: last year's figures restated to this year's
//! structure, or kept in last year's structure with the affected rows marked as not
//! comparable. Either way the footnote says what changed.

use delar_core::{Amount, OrgTree, Organisation, Unit, YearMonth};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How last year's figures are compared with this year's (chosen in the report definition).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ComparisonMode {
    /// Restate last year's figures to this year's structure.
    Restate,
    /// Keep last year's structure; mark rows whose content changed as not comparable.
    NotComparable,
}

/// A node whose place in the tree changed between the two months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Move {
    /// Its code.
    pub code: String,
    /// Its name (this year's).
    pub name: String,
    /// The committee (or nearest differing ancestor) it belonged to last year.
    pub from: String,
    /// The committee (or nearest differing ancestor) it belongs to this year.
    pub to: String,
    /// Last year's amount of its subtree.
    pub amount: Amount,
}

/// Last year's figures per node of this year's tree, and what is comparable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The mode used.
    pub mode: ComparisonMode,
    /// Last year's amount per node code of this year's tree (subtree sums).
    pub values: BTreeMap<String, Amount>,
    /// Nodes whose last-year figure is not comparable (only in [`ComparisonMode::NotComparable`]).
    pub not_comparable: BTreeSet<String>,
    /// The moves between the two structures, top-most moved node only.
    pub moves: Vec<Move>,
    /// The footnote (Swedish), when the structure changed.
    pub footnote: Option<String>,
}

impl Comparison {
    /// Last year's value of `code`, `None` when not comparable (or unknown).
    pub fn comparable_value(&self, code: &str) -> Option<Amount> {
        if self.not_comparable.contains(code) {
            None
        } else {
            self.values.get(code).copied()
        }
    }
}

/// The branch below the lowest common ancestor of two paths (root first), on each side, named
/// by the committee when the branch node is one or lies under one.
fn branches(
    old: &OrgTree,
    new: &OrgTree,
    code: &str,
) -> (String, String, Vec<String>, Vec<String>) {
    let a: Vec<String> = old.path(code).iter().map(|n| n.code.clone()).collect();
    let b: Vec<String> = new.path(code).iter().map(|n| n.code.clone()).collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let name_old = old
        .committee_of(code)
        .map(|c| c.name.clone())
        .or_else(|| old.parent(code).map(|p| p.name.clone()))
        .unwrap_or_default();
    let name_new = new
        .committee_of(code)
        .map(|c| c.name.clone())
        .or_else(|| new.parent(code).map(|p| p.name.clone()))
        .unwrap_or_default();
    // Ancestors below the common part (excluding the node itself).
    let old_only = a[common.min(a.len())..a.len().saturating_sub(1)].to_vec();
    let new_only = b[common.min(b.len())..b.len().saturating_sub(1)].to_vec();
    (name_old, name_new, old_only, new_only)
}

/// Compare last year's figures (`rows`: amount per organisation code, as booked) with this
/// year's structure. `last` and `this` are the months whose trees are compared (e.g. 2024-12
/// and 2025-08).
pub fn compare(
    org: &Organisation,
    last: YearMonth,
    this: YearMonth,
    rows: &[(String, Amount)],
    mode: ComparisonMode,
    unit: Unit,
    decimals: u8,
) -> Comparison {
    let old = org.tree_at(last);
    let new = org.tree_at(this);
    let root = new.root().map(|r| r.code.clone()).unwrap_or_default();
    let mut by_code: BTreeMap<&str, Amount> = BTreeMap::new();
    for (c, a) in rows {
        *by_code.entry(c.as_str()).or_default() += *a;
    }
    // Subtree sums of last year's figures in last year's tree.
    let mut old_sub: BTreeMap<String, Amount> = BTreeMap::new();
    for (c, a) in &by_code {
        let mut codes = vec![c.to_string()];
        codes.extend(old.ancestors(c).iter().map(|n| n.code.clone()));
        for k in codes {
            *old_sub.entry(k).or_default() += *a;
        }
    }

    // Moves: codes in both trees whose chain of ancestors differs, top-most only.
    let mut moves = Vec::new();
    let mut not_comparable = BTreeSet::new();
    for n in new.nodes() {
        if !old.contains(&n.code) || !old.position_changed(&new, &n.code) {
            continue;
        }
        let parent_moved_along = new.parent(&n.code).is_some_and(|p| {
            old.parent(&n.code).is_some_and(|op| op.code == p.code)
                && old.position_changed(&new, &p.code)
        });
        let (from, to, old_only, new_only) = branches(&old, &new, &n.code);
        not_comparable.extend(old_only);
        not_comparable.extend(new_only);
        if parent_moved_along {
            continue;
        }
        moves.push(Move {
            code: n.code.clone(),
            name: n.name.clone(),
            from,
            to,
            amount: old_sub.get(&n.code).copied().unwrap_or_default(),
        });
    }

    let values = match mode {
        ComparisonMode::NotComparable => new
            .nodes()
            .iter()
            .map(|n| {
                (
                    n.code.clone(),
                    old_sub.get(&n.code).copied().unwrap_or_default(),
                )
            })
            .collect(),
        ComparisonMode::Restate => {
            let mut v: BTreeMap<String, Amount> = new
                .nodes()
                .iter()
                .map(|n| (n.code.clone(), Amount::ZERO))
                .collect();
            for (c, a) in &by_code {
                // Where the amount lands in this year's tree: the code itself, or its nearest
                // last-year ancestor that still exists, or the root.
                let at = if new.contains(c) {
                    c.to_string()
                } else {
                    old.ancestors(c)
                        .iter()
                        .find(|x| new.contains(&x.code))
                        .map(|x| x.code.clone())
                        .unwrap_or_else(|| root.clone())
                };
                if at.is_empty() {
                    continue;
                }
                let mut codes = vec![at.clone()];
                codes.extend(new.ancestors(&at).iter().map(|n| n.code.clone()));
                for k in codes {
                    *v.entry(k).or_default() += *a;
                }
            }
            v
        }
    };
    if mode == ComparisonMode::Restate {
        not_comparable.clear();
    } else {
        not_comparable.retain(|c| new.contains(c));
    }

    let f = |a: Amount| format!("{} {}", a.format(unit, decimals), unit.label());
    let footnote = if moves.is_empty() {
        None
    } else {
        let what: Vec<String> = moves
            .iter()
            .map(|m| {
                format!(
                    "{} ({}) har flyttats från {} till {} ({} år {})",
                    m.name,
                    m.code,
                    m.from,
                    m.to,
                    f(m.amount),
                    last.year()
                )
            })
            .collect();
        Some(match mode {
            ComparisonMode::Restate => format!(
                "Jämförelsetalen för {} är omräknade till {} års organisation: {}.",
                last.year(),
                this.year(),
                crate::engine::join_sv(&what)
            ),
            ComparisonMode::NotComparable => {
                let names: Vec<String> = not_comparable
                    .iter()
                    .filter_map(|c| new.node(c))
                    .map(|n| n.name.clone())
                    .collect();
                format!(
                    "Jämförelsetalen för {} följer {} års organisation. {} är inte jämförbara \
                     med föregående år eftersom {}.",
                    last.year(),
                    last.year(),
                    crate::engine::join_sv(&names),
                    crate::engine::join_sv(&what)
                )
            }
        })
    };
    Comparison {
        mode,
        values,
        not_comparable,
        moves,
        footnote,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::{OrgKind, OrgNode};

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

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    /// Exempelkommun's move: FSN51 leaves FSN50 (closed) for SN30 from 2024-01.
    fn org() -> Organisation {
        use OrgKind::*;
        let mut fsn50 = node("FSN50", "Socialpsykiatri", Omrade, Some("FSN"));
        fsn50.to = Some(ym("2023-12"));
        let mut old = node("FSN51", "Boendestöd socialpsykiatri", Enhet, Some("FSN50"));
        old.to = Some(ym("2023-12"));
        let mut new = node("FSN51", "Boendestöd socialpsykiatri", Enhet, Some("SN30"));
        new.from = Some(ym("2024-01"));
        Organisation::new(vec![
            node("PO", "Programområde social välfärd", Programomrade, None),
            node("SN", "Socialnämnden", Namnd, Some("PO")),
            node("SN30", "Eget utförande", Omrade, Some("SN")),
            node("SN31", "Öppenvård", Enhet, Some("SN30")),
            node("FSN", "Funktionsstödsnämnden", Namnd, Some("PO")),
            node("FSN20", "LSS-boende", Omrade, Some("FSN")),
            fsn50,
            old,
            new,
        ])
        .unwrap()
    }

    fn kr(m: i64) -> Amount {
        Amount::from_kr(m * 1_000_000).unwrap()
    }

    #[test]
    fn restated_and_not_comparable() {
        let org = org();
        let rows = vec![
            ("SN31".to_string(), kr(10)),
            ("FSN20".to_string(), kr(30)),
            ("FSN51".to_string(), kr(4)),
            ("FSN50".to_string(), kr(1)),
        ];
        let c = compare(
            &org,
            ym("2023-12"),
            ym("2024-08"),
            &rows,
            ComparisonMode::Restate,
            Unit::Mnkr,
            1,
        );
        // FSN51 counts under SN now; FSN50 (closed) stays with FSN, its nearest living
        // ancestor.
        assert_eq!(c.values["SN"], kr(14));
        assert_eq!(c.values["SN30"], kr(14));
        assert_eq!(c.values["FSN"], kr(31));
        assert_eq!(c.values["PO"], kr(45));
        assert!(c.not_comparable.is_empty());
        assert_eq!(c.moves.len(), 1);
        assert_eq!(c.moves[0].from, "Funktionsstödsnämnden");
        assert_eq!(c.moves[0].to, "Socialnämnden");
        let note = c.footnote.clone().unwrap();
        assert_eq!(
            note,
            "Jämförelsetalen för 2023 är omräknade till 2024 års organisation: Boendestöd \
             socialpsykiatri (FSN51) har flyttats från Funktionsstödsnämnden till \
             Socialnämnden (4,0 mnkr år 2023)."
        );

        let c = compare(
            &org,
            ym("2023-12"),
            ym("2024-08"),
            &rows,
            ComparisonMode::NotComparable,
            Unit::Mnkr,
            1,
        );
        assert_eq!(c.values["SN"], kr(10));
        assert_eq!(c.values["FSN"], kr(35));
        assert_eq!(c.values["PO"], kr(45));
        let nc: Vec<&str> = c.not_comparable.iter().map(String::as_str).collect();
        assert_eq!(nc, ["FSN", "SN", "SN30"]);
        assert_eq!(c.comparable_value("SN"), None);
        assert_eq!(c.comparable_value("PO"), Some(kr(45)));
        let note = c.footnote.unwrap();
        assert!(note.starts_with("Jämförelsetalen för 2023 följer 2023 års organisation. Funktionsstödsnämnden, Socialnämnden och Eget utförande är inte jämförbara"), "{note}");

        // No change within a year: no footnote.
        let c = compare(
            &org,
            ym("2024-01"),
            ym("2024-08"),
            &rows,
            ComparisonMode::Restate,
            Unit::Mnkr,
            1,
        );
        assert!(c.moves.is_empty() && c.footnote.is_none());
    }
}
