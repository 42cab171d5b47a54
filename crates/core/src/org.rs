//! The organisation: a versioned tree of nodes (programme area, committees, areas, units)
//! identified by the codes the ledger uses for the object dimension *ansvar*.
//!
//! Each [`OrgNode`] row is in force for an inclusive range of months (open at either end). A
//! unit that moves to another committee has two rows with the same code and non-overlapping
//! periods. [`Organisation`] holds all rows and is validated when built; [`OrgTree`] is the tree
//! in force in one month, with the navigation the reports need (children, ancestors, the
//! committee a unit belongs to, paths).

use crate::period::YearMonth;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// The kind of an organisation node (`typ` in the organisation template).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OrgKind {
    /// Programme area (programområde): the root of a welfare organisation.
    Programomrade,
    /// Programme committee (programnämnd): holds the budget and buys from committees.
    Programnamnd,
    /// Operating committee (nämnd).
    Namnd,
    /// Area or department (område, avdelning) inside a committee.
    Omrade,
    /// Unit (enhet).
    Enhet,
    /// A unit that carries its own accumulated result (intraprenad).
    Intraprenad,
    /// An external provider (extern utförare).
    Extern,
}

impl OrgKind {
    /// Every kind, in hierarchy order.
    pub const ALL: [OrgKind; 7] = [
        OrgKind::Programomrade,
        OrgKind::Programnamnd,
        OrgKind::Namnd,
        OrgKind::Omrade,
        OrgKind::Enhet,
        OrgKind::Intraprenad,
        OrgKind::Extern,
    ];

    /// The Swedish name as written in the template (`programområde`, `nämnd`, …).
    pub const fn label(self) -> &'static str {
        match self {
            OrgKind::Programomrade => "programområde",
            OrgKind::Programnamnd => "programnämnd",
            OrgKind::Namnd => "nämnd",
            OrgKind::Omrade => "område",
            OrgKind::Enhet => "enhet",
            OrgKind::Intraprenad => "intraprenad",
            OrgKind::Extern => "extern",
        }
    }

    /// An ASCII code for storage (`programomrade`, `namnd`, …).
    pub const fn code(self) -> &'static str {
        match self {
            OrgKind::Programomrade => "programomrade",
            OrgKind::Programnamnd => "programnamnd",
            OrgKind::Namnd => "namnd",
            OrgKind::Omrade => "omrade",
            OrgKind::Enhet => "enhet",
            OrgKind::Intraprenad => "intraprenad",
            OrgKind::Extern => "extern",
        }
    }

    /// Parse the Swedish name or the storage code, ignoring case (`Nämnd`, `namnd`).
    pub fn parse(s: &str) -> Option<OrgKind> {
        let t = s.trim().to_lowercase();
        OrgKind::ALL
            .into_iter()
            .find(|k| k.label() == t || k.code() == t)
    }

    /// True for committees (nämnd and programnämnd): the level that decides a budget.
    pub const fn is_committee(self) -> bool {
        matches!(self, OrgKind::Namnd | OrgKind::Programnamnd)
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One row of the organisation: a node and the months it is in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgNode {
    /// Code (the ansvar object code in the ledger), e.g. `SN` or `SN-IFO-12`.
    pub code: String,
    /// Name, e.g. `Socialnämnden`.
    pub name: String,
    /// Kind of node.
    pub kind: OrgKind,
    /// The parent's code; `None` for the root.
    pub parent: Option<String>,
    /// First month in force (inclusive); `None` = from the beginning.
    pub from: Option<YearMonth>,
    /// Last month in force (inclusive); `None` = still in force.
    pub to: Option<YearMonth>,
    /// The unit's main SCB activity code (verksamhet), when given.
    pub activity: Option<String>,
}

impl OrgNode {
    /// True when the row is in force in month `ym`.
    pub fn in_force(&self, ym: YearMonth) -> bool {
        self.from.is_none_or(|f| f <= ym) && self.to.is_none_or(|t| ym <= t)
    }

    /// The period as Swedish text: `2023-01–2024-12`, `från 2024-01`, `till 2023-12`, `hela
    /// tiden`.
    pub fn period_label(&self) -> String {
        match (self.from, self.to) {
            (Some(f), Some(t)) => format!("{f}\u{2013}{t}"),
            (Some(f), None) => format!("från {f}"),
            (None, Some(t)) => format!("till {t}"),
            (None, None) => "hela tiden".into(),
        }
    }

    fn overlaps(&self, other: &OrgNode) -> bool {
        let starts_before_other_ends = match (self.from, other.to) {
            (Some(f), Some(t)) => f <= t,
            _ => true,
        };
        let other_starts_before_end = match (other.from, self.to) {
            (Some(f), Some(t)) => f <= t,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_end
    }
}

/// A problem found when validating an organisation: which row (index into the rows given to
/// [`Organisation::new`]), which field, and a Swedish message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgError {
    /// Index of the row in the input (0-based).
    pub index: usize,
    /// The template column the problem is in (`kod`, `överordnad`, `från`, `till`), if one.
    pub column: Option<&'static str>,
    /// What is wrong and what to do, in Swedish.
    pub message: String,
}

impl fmt::Display for OrgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// All rows of an organisation, validated: in every month, codes are unique, every parent is
/// in force, there are no cycles and there is exactly one root (months where no row is in force
/// are allowed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Organisation {
    nodes: Vec<OrgNode>,
}

/// A month before any real one, standing for "from the beginning" in validation.
fn beginning() -> YearMonth {
    YearMonth::new(1, 1).expect("valid month")
}

impl Organisation {
    /// An organisation without rows (nothing imported yet).
    pub fn empty() -> Organisation {
        Organisation::default()
    }

    /// Validate rows and build the organisation; every problem is reported (one per row and
    /// kind of problem), in row order.
    pub fn new(nodes: Vec<OrgNode>) -> Result<Organisation, Vec<OrgError>> {
        let mut errors: Vec<OrgError> = Vec::new();
        let mut push = |index: usize, column: Option<&'static str>, message: String| {
            if !errors
                .iter()
                .any(|e| e.index == index && e.column == column && e.message == message)
            {
                errors.push(OrgError {
                    index,
                    column,
                    message,
                });
            }
        };

        // Row-level checks and overlapping periods of one code.
        let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            if n.code.trim().is_empty() {
                push(i, Some("kod"), "koden saknas.".into());
            }
            if let (Some(f), Some(t)) = (n.from, n.to) {
                if t < f {
                    push(
                        i,
                        Some("till"),
                        format!("sista månaden {t} är före första månaden {f}."),
                    );
                }
            }
            if n.parent.as_deref() == Some(n.code.as_str()) {
                push(
                    i,
                    Some("överordnad"),
                    format!("\"{}\" kan inte vara överordnad sig själv.", n.code),
                );
            }
            let same = by_code.entry(n.code.as_str()).or_default();
            for &j in same.iter() {
                if nodes[j].overlaps(n) {
                    push(
                        i,
                        Some("från"),
                        format!(
                            "koden \"{}\" finns redan för en överlappande period ({}); en \
                             enhet som byter plats ska ha två rader med perioder som inte \
                             överlappar (ange \"till\" på den första och \"från\" på den andra).",
                            n.code,
                            nodes[j].period_label()
                        ),
                    );
                }
            }
            same.push(i);
        }

        // Tree checks per segment of months where the set of rows in force is constant.
        let mut starts: BTreeSet<YearMonth> = BTreeSet::new();
        for n in &nodes {
            starts.insert(n.from.unwrap_or_else(beginning));
            if let Some(t) = n.to {
                starts.insert(t.next());
            }
        }
        let all_codes: BTreeSet<&str> = nodes.iter().map(|n| n.code.as_str()).collect();
        for &m in &starts {
            let in_force: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].in_force(m)).collect();
            if in_force.is_empty() {
                continue;
            }
            let when = if m == beginning() {
                "från början".to_string()
            } else {
                format!("i {m}")
            };
            let mut index: HashMap<&str, usize> = HashMap::new();
            for &i in &in_force {
                index.entry(nodes[i].code.as_str()).or_insert(i);
            }
            // Parents in force.
            for &i in &in_force {
                if let Some(p) = &nodes[i].parent {
                    if p != &nodes[i].code && !index.contains_key(p.as_str()) {
                        let msg = if all_codes.contains(p.as_str()) {
                            format!(
                                "den överordnade \"{p}\" gäller inte {when} men \"{}\" gör det; \
                                 perioderna måste täcka varandra.",
                                nodes[i].code
                            )
                        } else {
                            format!(
                                "den överordnade \"{p}\" finns inte i organisationen. Lägg till \
                                 en rad för \"{p}\" eller rätta koden."
                            )
                        };
                        push(i, Some("överordnad"), msg);
                    }
                }
            }
            // Roots.
            let roots: Vec<usize> = in_force
                .iter()
                .copied()
                .filter(|&i| nodes[i].parent.is_none())
                .collect();
            if roots.len() > 1 {
                for &r in &roots[1..] {
                    push(
                        r,
                        Some("överordnad"),
                        format!(
                            "både \"{}\" och \"{}\" saknar överordnad {when}; organisationen \
                             ska ha exakt en rot. Ange överordnad för den ena.",
                            nodes[roots[0]].code, nodes[r].code
                        ),
                    );
                }
            }
            // Cycles: follow parents from every node; a walk longer than the number of nodes
            // in force has looped.
            let mut in_cycle_reported: BTreeSet<&str> = BTreeSet::new();
            for &i in &in_force {
                let mut cur = i;
                let mut steps = 0usize;
                let mut looped = false;
                while let Some(p) = &nodes[cur].parent {
                    match index.get(p.as_str()) {
                        Some(&j) if p != &nodes[cur].code => {
                            cur = j;
                            steps += 1;
                            if steps > in_force.len() {
                                looped = true;
                                break;
                            }
                        }
                        _ => break,
                    }
                }
                if looped {
                    // `cur` is on the cycle; collect it.
                    let mut cycle = vec![nodes[cur].code.as_str()];
                    let mut c = cur;
                    while let Some(&j) = nodes[c].parent.as_deref().and_then(|p| index.get(p)) {
                        if j == cur {
                            break;
                        }
                        cycle.push(nodes[j].code.as_str());
                        c = j;
                    }
                    // Start the cycle at its smallest code, so it is reported once and
                    // the same way whichever node the walk started from.
                    let start = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
                    cycle.rotate_left(start);
                    let first = cycle[0];
                    if in_cycle_reported.insert(first) {
                        let at = index[first];
                        push(
                            at,
                            Some("överordnad"),
                            format!(
                                "de överordnade bildar en slinga {when}: {} → {}. Rätta \
                                 \"överordnad\" så att alla når roten.",
                                cycle.join(" → "),
                                cycle[0]
                            ),
                        );
                    }
                }
            }
            if roots.is_empty() && in_cycle_reported.is_empty() {
                push(
                    in_force[0],
                    Some("överordnad"),
                    format!(
                        "ingen rad saknar överordnad {when}; organisationen ska ha exakt en \
                         rot (till exempel programområdet)."
                    ),
                );
            }
        }
        if errors.is_empty() {
            Ok(Organisation { nodes })
        } else {
            errors.sort_by_key(|e| e.index);
            Err(errors)
        }
    }

    /// All rows, in input order.
    pub fn nodes(&self) -> &[OrgNode] {
        &self.nodes
    }

    /// True when no row has been given.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The rows of one code (its versions), in input order.
    pub fn versions<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a OrgNode> + 'a {
        self.nodes.iter().filter(move |n| n.code == code)
    }

    /// True when `code` is in force in month `ym`.
    pub fn contains(&self, code: &str, ym: YearMonth) -> bool {
        self.versions(code).any(|n| n.in_force(ym))
    }

    /// The tree in force in month `ym` (empty when no row is in force).
    pub fn tree_at(&self, ym: YearMonth) -> OrgTree {
        OrgTree::build(
            ym,
            self.nodes
                .iter()
                .filter(|n| n.in_force(ym))
                .cloned()
                .collect(),
        )
    }

    /// The codes of `code`'s ancestors in month `ym`, root first (empty for the root);
    /// `None` when `code` is not in force then.
    pub fn position_at(&self, code: &str, ym: YearMonth) -> Option<Vec<String>> {
        self.tree_at(ym).position(code)
    }

    /// True when `code`'s place in the tree differs between months `a` and `b`: it exists in
    /// only one of them, or its chain of ancestors differs. Comparisons across such months
    /// must be restated to one structure or marked as not comparable.
    pub fn position_changed(&self, code: &str, a: YearMonth, b: YearMonth) -> bool {
        self.position_at(code, a) != self.position_at(code, b)
    }

    /// The months (first month of each change) where the structure changes: every `från` and
    /// every month after a `till`, in order.
    pub fn change_months(&self) -> Vec<YearMonth> {
        let mut s: BTreeSet<YearMonth> = BTreeSet::new();
        for n in &self.nodes {
            if let Some(f) = n.from {
                s.insert(f);
            }
            if let Some(t) = n.to {
                s.insert(t.next());
            }
        }
        s.into_iter().collect()
    }
}

/// The organisation in force in one month, as a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgTree {
    month: YearMonth,
    /// Nodes in depth-first order from the root, children in input order.
    nodes: Vec<OrgNode>,
    index: HashMap<String, usize>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    depth: Vec<usize>,
}

impl OrgTree {
    /// The codes of `code`'s ancestors, root first (empty for the root); `None` when `code`
    /// is not in this tree.
    pub fn position(&self, code: &str) -> Option<Vec<String>> {
        self.node(code)?;
        Some(
            self.ancestors(code)
                .into_iter()
                .rev()
                .map(|n| n.code.clone())
                .collect(),
        )
    }

    /// [`Organisation::position_changed`] between this tree and `other`, without building
    /// either again (for loops over every node).
    pub fn position_changed(&self, other: &OrgTree, code: &str) -> bool {
        self.position(code) != other.position(code)
    }

    fn build(month: YearMonth, rows: Vec<OrgNode>) -> OrgTree {
        let pos: HashMap<&str, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.as_str(), i))
            .collect();
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
        let mut roots = Vec::new();
        for (i, n) in rows.iter().enumerate() {
            match n.parent.as_deref().and_then(|p| pos.get(p)) {
                Some(&p) if p != i => kids[p].push(i),
                _ => roots.push(i),
            }
        }
        // Depth-first order; nodes not reachable from a root (only in unvalidated input) are
        // left out.
        let mut order: Vec<(usize, Option<usize>, usize)> = Vec::with_capacity(rows.len());
        let mut stack: Vec<(usize, Option<usize>, usize)> =
            roots.iter().rev().map(|&r| (r, None, 0)).collect();
        let mut seen = vec![false; rows.len()];
        while let Some((i, p, d)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push((i, p, d));
            for &c in kids[i].iter().rev() {
                stack.push((c, Some(i), d + 1));
            }
        }
        let mut new_pos = vec![usize::MAX; rows.len()];
        for (k, &(i, _, _)) in order.iter().enumerate() {
            new_pos[i] = k;
        }
        let mut nodes = Vec::with_capacity(order.len());
        let mut parent = Vec::with_capacity(order.len());
        let mut depth = Vec::with_capacity(order.len());
        let mut children = vec![Vec::new(); order.len()];
        for &(i, p, d) in &order {
            nodes.push(rows[i].clone());
            let np = p.map(|p| new_pos[p]);
            if let Some(np) = np {
                children[np].push(nodes.len() - 1);
            }
            parent.push(np);
            depth.push(d);
        }
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.clone(), i))
            .collect();
        OrgTree {
            month,
            nodes,
            index,
            parent,
            children,
            depth,
        }
    }

    /// This tree with `extra` nodes added after the existing ones (each under its parent,
    /// after the parent's own children); used to add "Ej fördelat på enhet" leaves.
    pub fn with_leaves(&self, extra: Vec<OrgNode>) -> OrgTree {
        let mut rows = self.nodes.clone();
        rows.extend(extra);
        OrgTree::build(self.month, rows)
    }

    /// The subtree under `code` (the node becomes the root); `None` when `code` is not in the
    /// tree.
    pub fn subtree(&self, code: &str) -> Option<OrgTree> {
        let n = self.node(code)?;
        let mut root = n.clone();
        root.parent = None;
        let mut rows = vec![root];
        rows.extend(self.descendants(code).into_iter().cloned());
        Some(OrgTree::build(self.month, rows))
    }

    /// The month this tree is in force.
    pub fn month(&self) -> YearMonth {
        self.month
    }

    /// The nodes in depth-first order from the root (children in input order).
    pub fn nodes(&self) -> &[OrgNode] {
        &self.nodes
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when no node is in force.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The root, when any node is in force.
    pub fn root(&self) -> Option<&OrgNode> {
        self.nodes.first()
    }

    /// The node with this code.
    pub fn node(&self, code: &str) -> Option<&OrgNode> {
        self.index.get(code).map(|&i| &self.nodes[i])
    }

    /// True when `code` is in the tree.
    pub fn contains(&self, code: &str) -> bool {
        self.index.contains_key(code)
    }

    /// The parent of `code` (`None` for the root or an unknown code).
    pub fn parent(&self, code: &str) -> Option<&OrgNode> {
        let i = *self.index.get(code)?;
        self.parent[i].map(|p| &self.nodes[p])
    }

    /// The children of `code`, in input order.
    pub fn children(&self, code: &str) -> Vec<&OrgNode> {
        match self.index.get(code) {
            Some(&i) => self.children[i].iter().map(|&c| &self.nodes[c]).collect(),
            None => Vec::new(),
        }
    }

    /// The ancestors of `code`, nearest first (the parent, its parent, …, the root).
    pub fn ancestors(&self, code: &str) -> Vec<&OrgNode> {
        let mut out = Vec::new();
        let mut cur = self.index.get(code).copied();
        while let Some(i) = cur {
            cur = self.parent[i];
            if let Some(p) = cur {
                out.push(&self.nodes[p]);
            }
        }
        out
    }

    /// All nodes below `code`, depth-first (not `code` itself).
    pub fn descendants(&self, code: &str) -> Vec<&OrgNode> {
        let Some(&i) = self.index.get(code) else {
            return Vec::new();
        };
        // Depth-first order makes the subtree a contiguous run after the node.
        let d = self.depth[i];
        self.nodes[i + 1..]
            .iter()
            .zip(&self.depth[i + 1..])
            .take_while(|(_, &dd)| dd > d)
            .map(|(n, _)| n)
            .collect()
    }

    /// The nodes without children, depth-first.
    pub fn leaves(&self) -> Vec<&OrgNode> {
        (0..self.nodes.len())
            .filter(|&i| self.children[i].is_empty())
            .map(|i| &self.nodes[i])
            .collect()
    }

    /// The committee `code` belongs to: the node itself when it is a nämnd or programnämnd,
    /// otherwise its nearest ancestor that is one.
    pub fn committee_of(&self, code: &str) -> Option<&OrgNode> {
        let n = self.node(code)?;
        if n.kind.is_committee() {
            return Some(n);
        }
        self.ancestors(code)
            .into_iter()
            .find(|a| a.kind.is_committee())
    }

    /// The path from the root to `code`, both included (empty for an unknown code).
    pub fn path(&self, code: &str) -> Vec<&OrgNode> {
        let Some(n) = self.node(code) else {
            return Vec::new();
        };
        let mut p = self.ancestors(code);
        p.reverse();
        p.push(n);
        p
    }

    /// Depth of `code` (0 for the root).
    pub fn depth(&self, code: &str) -> Option<usize> {
        self.index.get(code).map(|&i| self.depth[i])
    }

    /// The nodes with their depth, depth-first (for printing the tree indented).
    pub fn walk(&self) -> impl Iterator<Item = (usize, &OrgNode)> + '_ {
        self.depth.iter().copied().zip(self.nodes.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
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

    fn period(mut n: OrgNode, from: Option<&str>, to: Option<&str>) -> OrgNode {
        n.from = from.map(ym);
        n.to = to.map(ym);
        n
    }

    /// A slice of Exempelkommun: the top levels, a few units, and a unit (VON-HS-3) that moves
    /// from Vård- och omsorgsnämnden to Funktionsstödsnämnden at the turn of 2024.
    fn exempel() -> Vec<OrgNode> {
        use OrgKind::*;
        vec![
            node("PO", Programomrade, None),
            node("PN", Programnamnd, Some("PO")),
            node("SN", Namnd, Some("PO")),
            node("VON", Namnd, Some("PO")),
            node("FSN", Namnd, Some("PO")),
            node("SN-IFO", Omrade, Some("SN")),
            node("SN-IFO-1", Enhet, Some("SN-IFO")),
            node("SN-EXT", Extern, Some("SN")),
            node("VON-HT", Omrade, Some("VON")),
            node("VON-HT-1", Intraprenad, Some("VON-HT")),
            period(node("VON-HS-3", Enhet, Some("VON")), None, Some("2023-12")),
            period(node("VON-HS-3", Enhet, Some("FSN")), Some("2024-01"), None),
        ]
    }

    #[test]
    fn kinds_parse_and_label() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.label()), Some(k));
            assert_eq!(OrgKind::parse(k.code()), Some(k));
        }
        assert_eq!(OrgKind::parse("Nämnd"), Some(OrgKind::Namnd));
        assert_eq!(OrgKind::parse("förvaltning"), None);
        assert!(OrgKind::Programnamnd.is_committee());
        assert!(!OrgKind::Omrade.is_committee());
    }

    #[test]
    fn exempel_tree_navigation() {
        let org = Organisation::new(exempel()).unwrap();
        let t = org.tree_at(ym("2023-06"));
        assert_eq!(t.root().unwrap().code, "PO");
        assert_eq!(t.len(), 11);
        let kids: Vec<&str> = t.children("PO").iter().map(|n| n.code.as_str()).collect();
        assert_eq!(kids, ["PN", "SN", "VON", "FSN"]);
        assert_eq!(t.parent("SN-IFO-1").unwrap().code, "SN-IFO");
        let anc: Vec<&str> = t
            .ancestors("SN-IFO-1")
            .iter()
            .map(|n| n.code.as_str())
            .collect();
        assert_eq!(anc, ["SN-IFO", "SN", "PO"]);
        let path: Vec<&str> = t.path("VON-HT-1").iter().map(|n| n.code.as_str()).collect();
        assert_eq!(path, ["PO", "VON", "VON-HT", "VON-HT-1"]);
        let desc: Vec<&str> = t
            .descendants("SN")
            .iter()
            .map(|n| n.code.as_str())
            .collect();
        assert_eq!(desc, ["SN-IFO", "SN-IFO-1", "SN-EXT"]);
        assert_eq!(t.committee_of("VON-HT-1").unwrap().code, "VON");
        assert_eq!(t.committee_of("SN").unwrap().code, "SN");
        assert!(t.committee_of("PO").is_none());
        assert_eq!(t.committee_of("VON-HS-3").unwrap().code, "VON");
        let leaves: Vec<&str> = t.leaves().iter().map(|n| n.code.as_str()).collect();
        assert_eq!(
            leaves,
            ["PN", "SN-IFO-1", "SN-EXT", "VON-HT-1", "VON-HS-3", "FSN"]
        );
        assert_eq!(t.depth("VON-HT-1"), Some(3));
        assert!(t.children("nope").is_empty() && t.path("nope").is_empty());

        // After the move.
        let t24 = org.tree_at(ym("2024-01"));
        assert_eq!(t24.committee_of("VON-HS-3").unwrap().code, "FSN");
        assert!(org.position_changed("VON-HS-3", ym("2023-12"), ym("2024-01")));
        assert!(!org.position_changed("VON-HT-1", ym("2023-12"), ym("2024-01")));
        assert!(!org.position_changed("VON-HS-3", ym("2024-01"), ym("2025-08")));
        // The same answers from two trees built once.
        let t23 = org.tree_at(ym("2023-12"));
        let t25 = org.tree_at(ym("2025-08"));
        for n in t23.nodes() {
            assert_eq!(
                t23.position_changed(&t24, &n.code),
                org.position_changed(&n.code, ym("2023-12"), ym("2024-01")),
                "{}",
                n.code
            );
            assert!(!t24.position_changed(&t25, &n.code), "{}", n.code);
        }
        assert!(t23.position_changed(&t24, "VON-HS-3"));
        assert!(!t24.position_changed(&t23, "ingen-sadan")); // in neither tree
        assert_eq!(
            org.position_at("VON-HS-3", ym("2024-03")).unwrap(),
            ["PO", "FSN"]
        );
        assert_eq!(org.change_months(), [ym("2024-01")]);
        assert_eq!(org.versions("VON-HS-3").count(), 2);
    }

    #[test]
    fn a_unit_that_starts_later_is_not_comparable() {
        let mut rows = exempel();
        rows.push(period(
            node("FSN-DV-9", OrgKind::Enhet, Some("FSN")),
            Some("2025-03"),
            None,
        ));
        let org = Organisation::new(rows).unwrap();
        assert!(!org.contains("FSN-DV-9", ym("2025-02")));
        assert!(org.tree_at(ym("2025-03")).contains("FSN-DV-9"));
        assert!(org.position_changed("FSN-DV-9", ym("2024-08"), ym("2025-08")));
    }

    fn messages(rows: Vec<OrgNode>) -> Vec<(usize, String)> {
        Organisation::new(rows)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.index, e.message))
            .collect()
    }

    #[test]
    fn validation_errors_are_swedish_and_point_at_rows() {
        use OrgKind::*;
        // Unknown parent.
        let mut rows = exempel();
        rows.push(node("X", Enhet, Some("SAKNAS")));
        let m = messages(rows);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0, 12);
        assert!(m[0].1.contains("\"SAKNAS\" finns inte"), "{m:?}");

        // Parent not in force for the child's whole period.
        let mut rows = exempel();
        rows.push(period(
            node("NY", Omrade, Some("PO")),
            Some("2025-01"),
            None,
        ));
        rows.push(node("NY-1", Enhet, Some("NY")));
        let m = messages(rows);
        assert!(m
            .iter()
            .any(|(i, s)| *i == 13 && s.contains("gäller inte från början")));

        // Two roots.
        let mut rows = exempel();
        rows.push(node("KS", Namnd, None));
        let m = messages(rows);
        assert!(m[0].1.contains("exakt en rot"), "{m:?}");

        // Overlapping periods of one code.
        let mut rows = exempel();
        rows[11].from = Some(ym("2023-06"));
        let m = messages(rows);
        assert!(m
            .iter()
            .any(|(i, s)| *i == 11 && s.contains("överlappande")));

        // A cycle.
        let rows = vec![
            node("PO", Programomrade, None),
            node("A", Omrade, Some("B")),
            node("B", Omrade, Some("C")),
            node("C", Omrade, Some("A")),
        ];
        let m = messages(rows);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].1.contains("slinga"), "{m:?}");
        assert!(m[0].1.contains("A → B → C → A"), "{m:?}");

        // Self parent, reversed period, no root at all.
        let rows = vec![node("A", Omrade, Some("A"))];
        let m = messages(rows);
        assert!(m.iter().any(|(_, s)| s.contains("sig själv")));
        assert!(m
            .iter()
            .any(|(_, s)| s.contains("ingen rad saknar överordnad")));
        let rows = vec![period(
            node("PO", Programomrade, None),
            Some("2025-05"),
            Some("2025-01"),
        )];
        assert!(messages(rows)[0].1.contains("före första månaden"));

        // An empty organisation is valid, and its trees are empty.
        let org = Organisation::new(vec![]).unwrap();
        assert!(org.is_empty() && org.tree_at(ym("2025-01")).is_empty());
    }

    #[test]
    fn months_without_rows_are_allowed() {
        use OrgKind::*;
        let rows = vec![
            period(node("PO", Programomrade, None), Some("2021-01"), None),
            period(node("SN", Namnd, Some("PO")), Some("2021-01"), None),
        ];
        let org = Organisation::new(rows).unwrap();
        assert!(org.tree_at(ym("2020-12")).is_empty());
        assert_eq!(org.tree_at(ym("2021-01")).len(), 2);
    }

    /// A random tree: node i > 0 has a parent among 0..i; some nodes get a second version
    /// under another parent from a month on.
    fn arb_org() -> impl Strategy<Value = (Vec<OrgNode>, usize)> {
        (1usize..40)
            .prop_flat_map(|n| {
                (
                    Just(n),
                    proptest::collection::vec(any::<prop::sample::Index>(), n),
                    proptest::collection::vec(0usize..7, n),
                    proptest::collection::vec(any::<prop::sample::Index>(), n),
                    proptest::collection::vec(any::<bool>(), n),
                )
            })
            .prop_map(|(n, parents, kinds, moves, do_move)| {
                let mut rows = Vec::new();
                let split = YearMonth::new(2024, 1).unwrap();
                for i in 0..n {
                    let kind = if i == 0 {
                        OrgKind::Programomrade
                    } else {
                        OrgKind::ALL[kinds[i]]
                    };
                    let parent = (i > 0).then(|| format!("N{}", parents[i].index(i)));
                    let base = OrgNode {
                        code: format!("N{i}"),
                        name: format!("Nod {i}"),
                        kind,
                        parent,
                        from: None,
                        to: None,
                        activity: None,
                    };
                    if i > 1 && do_move[i] {
                        let mut old = base.clone();
                        old.to = Some(split.prev());
                        let mut new = base;
                        new.from = Some(split);
                        new.parent = Some(format!("N{}", moves[i].index(i)));
                        rows.push(old);
                        rows.push(new);
                    } else {
                        rows.push(base);
                    }
                }
                (rows, n)
            })
    }

    proptest! {
        #[test]
        fn random_trees_are_valid_and_consistent((rows, n) in arb_org()) {
            let org = Organisation::new(rows).unwrap();
            for m in ["2023-12", "2024-01"] {
                let t = org.tree_at(ym(m));
                prop_assert_eq!(t.len(), n);
                let root = t.root().unwrap().code.clone();
                prop_assert_eq!(&root, "N0");
                // Every node reaches the root, and its path ends at itself.
                for node in t.nodes() {
                    let path = t.path(&node.code);
                    prop_assert_eq!(&path[0].code, &root);
                    prop_assert_eq!(&path.last().unwrap().code, &node.code);
                    prop_assert_eq!(path.len(), t.depth(&node.code).unwrap() + 1);
                    prop_assert_eq!(t.ancestors(&node.code).len() + 1, path.len());
                    // Children point back at their parent.
                    for c in t.children(&node.code) {
                        prop_assert_eq!(&t.parent(&c.code).unwrap().code, &node.code);
                    }
                    // Descendants = children + their descendants.
                    let mut expected: Vec<&str> = Vec::new();
                    for c in t.children(&node.code) {
                        expected.push(&c.code);
                        expected.extend(t.descendants(&c.code).iter().map(|d| d.code.as_str()));
                    }
                    let got: Vec<&str> =
                        t.descendants(&node.code).iter().map(|d| d.code.as_str()).collect();
                    prop_assert_eq!(got, expected);
                }
                // The root's descendants are everything else.
                prop_assert_eq!(t.descendants(&root).len() + 1, n);
                // Leaves are exactly the nodes without children.
                let leaves = t.leaves();
                prop_assert!(leaves.iter().all(|l| t.children(&l.code).is_empty()));
                prop_assert_eq!(
                    leaves.len(),
                    t.nodes().iter().filter(|x| t.children(&x.code).is_empty()).count()
                );
            }
        }

        #[test]
        fn a_cycle_anywhere_is_found((rows, n) in arb_org(), pick in any::<prop::sample::Index>()) {
            prop_assume!(n > 2);
            // Point a node's first version at one of its descendants (or itself): a cycle.
            let org = Organisation::new(rows.clone()).unwrap();
            let t = org.tree_at(ym("2023-12"));
            let victim = format!("N{}", 1 + pick.index(n - 1));
            let mut below: Vec<String> =
                t.descendants(&victim).iter().map(|d| d.code.clone()).collect();
            below.push(victim.clone());
            let target = below[pick.index(below.len())].clone();
            let mut rows = rows;
            let i = rows.iter().position(|r| r.code == victim).unwrap();
            rows[i].parent = Some(target);
            let errs = Organisation::new(rows).unwrap_err();
            prop_assert!(errs.iter().any(|e| e.message.contains("slinga")
                || e.message.contains("sig själv")));
        }
    }
}
