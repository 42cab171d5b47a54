//! Where the ledger's ansvar codes belong in an organisation tree, so that every krona of the
//! ledger reaches exactly one forecast line and the report.
//!
//! Amounts are forecast and reported per leaf of the tree in force at a cut-off. A ledger code
//! that is a leaf stays there. Every other amount is placed on an explicit leaf
//! "Ej fördelat på enhet" (code `NODE~ejfordelat`) under the nearest node that is known:
//! - a node's own code when the node has nodes under it (a committee's own ansvar code):
//!   under that node;
//! - a code that was in the organisation once but is not at the cut-off (a closed unit):
//!   under its nearest former ancestor still in force;
//! - a code the organisation has never had, and amounts without an ansvar object: under the
//!   root.
//!
//! When the nearest known node is itself a leaf, the amounts go to that leaf directly. Each
//! such placement is listed ([`Placement::moved`]) so that the caller can warn with codes and
//! amounts.

use crate::org::{OrgKind, OrgNode, OrgTree, Organisation};
use std::collections::{BTreeMap, HashMap};

/// The ledger code of amounts booked without an ansvar object.
pub const NO_OBJECT: &str = "";

/// Suffix of the code of an "Ej fördelat på enhet" leaf (`SN~ejfordelat`).
pub const UNASSIGNED_SUFFIX: &str = "~ejfordelat";

/// Name of an "Ej fördelat på enhet" leaf.
pub const UNASSIGNED_NAME: &str = "Ej fördelat på enhet";

/// True for the code of an "Ej fördelat på enhet" leaf.
pub fn is_unassigned(code: &str) -> bool {
    code.ends_with(UNASSIGNED_SUFFIX)
}

/// Why a ledger code is not on a leaf of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// The code of a node with nodes under it (e.g. a committee's own ansvar code).
    OwnCode,
    /// A code the organisation had earlier (or later) but not at the cut-off.
    NotInForce,
    /// A code the organisation has never had.
    Unknown,
    /// Amounts booked without an ansvar object.
    NoObject,
}

impl Reason {
    /// Swedish description, for warnings.
    pub fn label(self) -> &'static str {
        match self {
            Reason::OwnCode => "nodens egen kod, och noden har enheter under sig",
            Reason::NotInForce => "koden finns inte i organisationen vid brytmånaden",
            Reason::Unknown => "koden finns inte i organisationen",
            Reason::NoObject => "bokfört utan ansvar",
        }
    }
}

/// A ledger code placed elsewhere than on a leaf of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The ledger code ([`NO_OBJECT`] for amounts without an ansvar).
    pub code: String,
    /// Why.
    pub reason: Reason,
    /// The leaf the amounts are placed on.
    pub leaf: String,
}

impl Moved {
    /// The code as Swedish text: the code, or "(utan ansvar)".
    pub fn code_label(&self) -> String {
        if self.code == NO_OBJECT {
            "(utan ansvar)".into()
        } else {
            self.code.clone()
        }
    }
}

/// The placement of a set of ledger codes on the leaves of a tree.
#[derive(Clone, Debug)]
pub struct Placement {
    tree: OrgTree,
    leaf_of: HashMap<String, String>,
    moved: Vec<Moved>,
}

impl Placement {
    /// Place `codes` (ledger ansvar codes, [`NO_OBJECT`] included when such amounts exist) on
    /// the leaves of `tree` (the organisation in force at the cut-off), adding an
    /// "Ej fördelat på enhet" leaf where one is needed. `org` gives the history of codes not in
    /// force. Codes that are unassigned leaves already (from a stored round) keep their place
    /// when their node is in the tree.
    pub fn new<'a>(
        org: &Organisation,
        tree: &OrgTree,
        codes: impl IntoIterator<Item = &'a str>,
    ) -> Placement {
        let mut leaf_of: HashMap<String, String> = HashMap::new();
        let mut moved: Vec<Moved> = Vec::new();
        let Some(root) = tree.root().map(|r| r.code.clone()) else {
            return Placement {
                tree: tree.clone(),
                leaf_of,
                moved,
            };
        };
        let mut extra: BTreeMap<String, OrgNode> = BTreeMap::new();
        let suffix = unassigned_suffix(tree);
        let mut codes: Vec<&str> = codes.into_iter().collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let (target, reason) = if let Some(parent) = code.strip_suffix(suffix.as_str()) {
                // An unassigned leaf of a stored round: under its node when that is in force.
                if tree.contains(parent) {
                    (parent.to_string(), None)
                } else {
                    (root.clone(), Some(Reason::Unknown))
                }
            } else if code == NO_OBJECT {
                (root.clone(), Some(Reason::NoObject))
            } else if tree.contains(code) {
                if tree.children(code).is_empty() {
                    leaf_of.insert(code.to_string(), code.to_string());
                    continue;
                }
                (code.to_string(), Some(Reason::OwnCode))
            } else if org.versions(code).next().is_some() {
                (
                    nearest_in_force(org, tree, code).unwrap_or_else(|| root.clone()),
                    Some(Reason::NotInForce),
                )
            } else {
                (root.clone(), Some(Reason::Unknown))
            };
            let leaf = if tree.children(&target).is_empty() {
                target
            } else {
                let leaf = format!("{target}{suffix}");
                extra.entry(leaf.clone()).or_insert_with(|| OrgNode {
                    code: leaf.clone(),
                    name: UNASSIGNED_NAME.into(),
                    kind: OrgKind::Enhet,
                    parent: Some(target.clone()),
                    from: None,
                    to: None,
                    activity: None,
                });
                leaf
            };
            if let Some(reason) = reason {
                moved.push(Moved {
                    code: code.to_string(),
                    reason,
                    leaf: leaf.clone(),
                });
            }
            leaf_of.insert(code.to_string(), leaf);
        }
        let tree = if extra.is_empty() {
            tree.clone()
        } else {
            tree.with_leaves(extra.into_values().collect())
        };
        Placement {
            tree,
            leaf_of,
            moved,
        }
    }

    /// The tree with the "Ej fördelat på enhet" leaves that are needed.
    pub fn tree(&self) -> &OrgTree {
        &self.tree
    }

    /// The leaf a ledger code's amounts belong to (`None` for a code not given to
    /// [`Placement::new`], or when the tree is empty).
    pub fn leaf_of(&self, code: &str) -> Option<&str> {
        self.leaf_of.get(code).map(String::as_str)
    }

    /// The codes not on a leaf of their own, by code.
    pub fn moved(&self) -> &[Moved] {
        &self.moved
    }

    /// The ledger codes placed on each leaf (only leaves with codes), codes sorted.
    pub fn codes_by_leaf(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (code, leaf) in &self.leaf_of {
            out.entry(leaf.as_str()).or_default().push(code.as_str());
        }
        for v in out.values_mut() {
            v.sort_unstable();
        }
        out
    }
}

/// The suffix for unassigned leaves: [`UNASSIGNED_SUFFIX`], lengthened in the unlikely case
/// that a real code of the tree already ends with it.
fn unassigned_suffix(tree: &OrgTree) -> String {
    let mut s = UNASSIGNED_SUFFIX.to_string();
    while tree
        .nodes()
        .iter()
        .any(|n| n.code.ends_with(&s) && n.name != UNASSIGNED_NAME)
    {
        s.insert(0, '~');
    }
    s
}

/// The nearest former ancestor of `code` (not in `tree`) that is in `tree`: the parents of the
/// code's latest version before the tree's month (else its earliest), followed upwards through
/// their own versions.
fn nearest_in_force(org: &Organisation, tree: &OrgTree, code: &str) -> Option<String> {
    let month = tree.month();
    let mut cur = code.to_string();
    for _ in 0..64 {
        let versions: Vec<&OrgNode> = org.versions(&cur).collect();
        let before = versions
            .iter()
            .filter(|n| n.to.is_some_and(|t| t < month))
            .max_by_key(|n| n.to);
        let pick = before.or_else(|| versions.iter().min_by_key(|n| n.from))?;
        let parent = pick.parent.clone()?;
        if tree.contains(&parent) {
            return Some(parent);
        }
        cur = parent;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::YearMonth;

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

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    fn org() -> Organisation {
        let mut closed = node("SN9", OrgKind::Enhet, Some("SN1"));
        closed.to = Some(ym("2024-12"));
        Organisation::new(vec![
            node("PO", OrgKind::Programomrade, None),
            node("SN", OrgKind::Namnd, Some("PO")),
            node("SN1", OrgKind::Omrade, Some("SN")),
            node("SN11", OrgKind::Enhet, Some("SN1")),
            node("SN12", OrgKind::Enhet, Some("SN1")),
            node("VON", OrgKind::Namnd, Some("PO")),
            closed,
        ])
        .unwrap()
    }

    #[test]
    fn every_code_lands_on_exactly_one_leaf() {
        let org = org();
        let tree = org.tree_at(ym("2025-08"));
        let p = Placement::new(
            &org,
            &tree,
            ["SN11", "SN", "SN9", "XYZ", NO_OBJECT, "VON", "SN1"],
        );
        assert_eq!(p.leaf_of("SN11"), Some("SN11"));
        // VON has no units: its own code is a leaf.
        assert_eq!(p.leaf_of("VON"), Some("VON"));
        assert_eq!(p.leaf_of("SN"), Some("SN~ejfordelat"));
        assert_eq!(p.leaf_of("SN1"), Some("SN1~ejfordelat"));
        // Closed unit: under its former parent, which is in force.
        assert_eq!(p.leaf_of("SN9"), Some("SN1~ejfordelat"));
        assert_eq!(p.leaf_of("XYZ"), Some("PO~ejfordelat"));
        assert_eq!(p.leaf_of(NO_OBJECT), Some("PO~ejfordelat"));
        let t = p.tree();
        for leaf in ["SN~ejfordelat", "SN1~ejfordelat", "PO~ejfordelat"] {
            let n = t.node(leaf).expect("added");
            assert_eq!(n.name, UNASSIGNED_NAME);
            assert!(t.children(leaf).is_empty());
        }
        assert_eq!(t.parent("SN~ejfordelat").unwrap().code, "SN");
        assert_eq!(t.committee_of("SN1~ejfordelat").unwrap().code, "SN");
        // Every placed code's leaf is a leaf of the new tree.
        let leaves: Vec<&str> = t.leaves().iter().map(|n| n.code.as_str()).collect();
        for code in ["SN11", "SN", "SN9", "XYZ", NO_OBJECT, "VON", "SN1"] {
            assert!(leaves.contains(&p.leaf_of(code).unwrap()), "{code}");
        }
        let moved: Vec<(&str, Reason)> = p
            .moved()
            .iter()
            .map(|m| (m.code.as_str(), m.reason))
            .collect();
        assert_eq!(
            moved,
            vec![
                (NO_OBJECT, Reason::NoObject),
                ("SN", Reason::OwnCode),
                ("SN1", Reason::OwnCode),
                ("SN9", Reason::NotInForce),
                ("XYZ", Reason::Unknown),
            ]
        );
    }

    #[test]
    fn a_leaf_as_nearest_node_takes_the_amounts_itself() {
        let mut closed = node("VON5", OrgKind::Enhet, Some("VON"));
        closed.to = Some(ym("2024-06"));
        let org = Organisation::new(vec![
            node("PO", OrgKind::Programomrade, None),
            node("VON", OrgKind::Namnd, Some("PO")),
            closed,
        ])
        .unwrap();
        let tree = org.tree_at(ym("2025-04"));
        let p = Placement::new(&org, &tree, ["VON5"]);
        assert_eq!(p.leaf_of("VON5"), Some("VON"));
        assert_eq!(p.tree().len(), 2);
    }

    #[test]
    fn nothing_added_when_every_code_is_a_leaf() {
        let org = org();
        let tree = org.tree_at(ym("2025-08"));
        let p = Placement::new(&org, &tree, ["SN11", "SN12"]);
        assert!(p.moved().is_empty());
        assert_eq!(p.tree(), &tree);
    }

    #[test]
    fn stored_unassigned_codes_keep_their_place() {
        let org = org();
        let tree = org.tree_at(ym("2025-08"));
        let p = Placement::new(&org, &tree, ["SN~ejfordelat", "GONE~ejfordelat"]);
        assert_eq!(p.leaf_of("SN~ejfordelat"), Some("SN~ejfordelat"));
        assert_eq!(p.leaf_of("GONE~ejfordelat"), Some("PO~ejfordelat"));
        assert!(is_unassigned("SN~ejfordelat"));
        assert!(!is_unassigned("SN"));
    }
}
