//! Consolidation along the organisation tree in force in one month.
//!
//! Every node's consolidated result is its own rows plus the consolidated results of its
//! children. Internal purchases and sales (identified by a counterparty object, or by account
//! with an [`InternalRule`]) are eliminated at the **lowest common ancestor** of the two sides:
//! the lowest node whose subtree holds both. Eliminations are visible rows: the purchase side,
//! the sales side, and the difference between them (purchase + sale in the ledger's sign)
//! which stays in the result and is never silently netted. So the net result of a node is
//! always own + Σ children; eliminations move only the gross cost and revenue.

use crate::series::Series;
use delar_core::{Amount, GroupKind, OrgKind, OrgTree, Unit, YearMonth};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The line key under which differences between internal purchase and sale are kept in
/// [`NodeResult::lines_after`].
pub const DIFFERENCE_KEY: &str = "differens_interna";

/// How internal purchases and sales are recognised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InternalRule {
    /// Account-number prefixes of internal purchases (the buyer's side), e.g. `4691`.
    pub purchase_accounts: Vec<String>,
    /// Account-number prefixes of internal sales (the provider's side), e.g. `3491`.
    pub sales_accounts: Vec<String>,
    /// The object dimension that holds the counterparty (motpart), e.g. 21.
    pub counterparty_dim: u32,
}

impl InternalRule {
    /// Exempelkommun's rule: purchases on 4691–4694, sales on 3491–3494, counterparty in
    /// dimension 21.
    pub fn exempelkommun() -> InternalRule {
        InternalRule {
            purchase_accounts: ["4691", "4692", "4693", "4694"].map(String::from).to_vec(),
            sales_accounts: ["3491", "3492", "3493", "3494"].map(String::from).to_vec(),
            counterparty_dim: 21,
        }
    }

    /// The side an account is on by the account rule alone.
    pub fn side_of_account(&self, account: &str) -> Option<Side> {
        if self
            .purchase_accounts
            .iter()
            .any(|p| !p.is_empty() && account.starts_with(p.as_str()))
        {
            Some(Side::Purchase)
        } else if self
            .sales_accounts
            .iter()
            .any(|p| !p.is_empty() && account.starts_with(p.as_str()))
        {
            Some(Side::Sale)
        } else {
            None
        }
    }
}

/// Which side of an internal transaction a row is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Side {
    /// The buyer's cost.
    Purchase,
    /// The provider's revenue.
    Sale,
}

/// One input row: amounts per period for a node × line (kontogrupp or account) × counterparty,
/// in the ledger's sign (costs positive, revenues negative).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputRow {
    /// Organisation code (ansvar) the amounts are booked on.
    pub node: String,
    /// The line: kontogrupp code or account number.
    pub key: String,
    /// The account number, when the row is per account (the account rule looks at it; when
    /// `None` the rule looks at `key`).
    pub account: Option<String>,
    /// Revenue or cost (financial counts as cost), for gross cost and revenue.
    pub kind: GroupKind,
    /// The counterparty's organisation code (the object in the counterparty dimension).
    pub counterparty: Option<String>,
    /// Amounts per period.
    pub amounts: Series,
}

/// Net result, gross cost and gross revenue (revenue negative, in the ledger's sign).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Net result = cost + revenue.
    pub result: Series,
    /// Gross cost (costs and financial items).
    pub cost: Series,
    /// Gross revenue (negative).
    pub revenue: Series,
}

impl Figures {
    fn zero(n: usize) -> Figures {
        Figures {
            result: Series::zero(n),
            cost: Series::zero(n),
            revenue: Series::zero(n),
        }
    }

    fn add(&mut self, o: &Figures) {
        self.result.add(&o.result);
        self.cost.add(&o.cost);
        self.revenue.add(&o.revenue);
    }

    fn book(&mut self, kind: GroupKind, a: &Series) {
        self.result.add(a);
        if kind == GroupKind::Revenue {
            self.revenue.add(a);
        } else {
            self.cost.add(a);
        }
    }
}

/// The elimination of internal trade between two branches below a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Elimination {
    /// The buyer's branch: the child of the eliminating node holding the purchase side (the
    /// node itself when the side is booked on it); `None` when not known (account rule
    /// without counterparty).
    pub buyer: Option<String>,
    /// The provider's branch, as `buyer`.
    pub seller: Option<String>,
    /// Purchases booked by the buyer from the seller (positive, ledger sign).
    pub purchase: Series,
    /// Sales booked by the seller to the buyer (negative, ledger sign).
    pub sale: Series,
    /// purchase + sale: zero when both sides agree; stays in the result.
    pub difference: Series,
}

impl Elimination {
    /// The rows as shown: the purchase removed (−purchase), the sale removed (−sale) and the
    /// difference kept (+difference); they add up to zero.
    pub fn rows(&self) -> [Series; 3] {
        [
            self.purchase.negated(),
            self.sale.negated(),
            self.difference.clone(),
        ]
    }
}

/// A node's consolidated figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeResult {
    /// Organisation code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind of node.
    pub kind: OrgKind,
    /// Depth in the tree (0 = root).
    pub depth: usize,
    /// Parent code.
    pub parent: Option<String>,
    /// Children codes, in tree order.
    pub children: Vec<String>,
    /// Rows booked on the node itself.
    pub own: Figures,
    /// Σ the children's consolidated figures.
    pub children_total: Figures,
    /// Eliminations made at this node (its subtree is the lowest that holds both sides).
    pub eliminations: Vec<Elimination>,
    /// After the eliminations at this node; `result` = own + Σ children.
    pub consolidated: Figures,
    /// Per line, the subtree's rows before any elimination.
    pub lines_before: BTreeMap<String, Series>,
    /// Per line, after every elimination in the subtree; differences under [`DIFFERENCE_KEY`].
    pub lines_after: BTreeMap<String, Series>,
}

impl NodeResult {
    /// Gross figures as the sum of the parts (own + Σ children), before this node's
    /// eliminations.
    pub fn sum_of_parts(&self) -> Figures {
        let mut f = self.own.clone();
        f.add(&self.children_total);
        f
    }

    /// Σ purchases eliminated here.
    pub fn eliminated_purchases(&self) -> Series {
        let mut s = Series::zero(self.own.result.len());
        for e in &self.eliminations {
            s.add(&e.purchase);
        }
        s
    }

    /// Σ sales eliminated here (negative).
    pub fn eliminated_sales(&self) -> Series {
        let mut s = Series::zero(self.own.result.len());
        for e in &self.eliminations {
            s.add(&e.sale);
        }
        s
    }

    /// Σ differences between purchase and sale here.
    pub fn difference(&self) -> Series {
        let mut s = Series::zero(self.own.result.len());
        for e in &self.eliminations {
            s.add(&e.difference);
        }
        s
    }

    /// Why gross cost and revenue differ from the sum of the parts, in Swedish, for the sum
    /// over all periods, in `unit` with `decimals`; `None` when nothing was eliminated here.
    pub fn explanation(
        &self,
        names: &dyn Fn(&str) -> String,
        unit: Unit,
        decimals: u8,
    ) -> Option<String> {
        if self.eliminations.is_empty() {
            return None;
        }
        let f = |a: Amount| format!("{} {}", a.format(unit, decimals), unit.label());
        let parts = self.sum_of_parts();
        let dc = parts.cost.total() - self.consolidated.cost.total();
        let dr = self.consolidated.revenue.total() - parts.revenue.total();
        let pairs: Vec<String> = self
            .eliminations
            .iter()
            .map(|e| match (&e.buyer, &e.seller) {
                (Some(b), Some(s)) => format!("{} och {}", names(b), names(s)),
                _ => "enheter utan angiven motpart".to_string(),
            })
            .collect();
        let mut t = format!(
            "Bruttokostnaden för {} är {} lägre och bruttointäkterna {} lägre än summan av delarna, \
             eftersom interna köp och försäljningar mellan {} har eliminerats. Nettoresultatet \
             påverkas inte.",
            self.name,
            f(dc),
            f(dr),
            join_with(&pairs, "samt")
        );
        let d = self.difference().total();
        if !d.is_zero() {
            t.push_str(&format!(
                " Köp och försäljning stämmer inte överens: differensen {} visas som egen rad och \
                 ligger kvar i resultatet.",
                f(d)
            ));
        }
        Some(t)
    }
}

/// "a, b och c".
pub(crate) fn join_sv(items: &[String]) -> String {
    join_with(items, "och")
}

/// "a, b `last` c".
pub(crate) fn join_with(items: &[String], last: &str) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} {last} {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// An input the engine cannot consolidate (Swedish message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsolidationError(pub String);

impl fmt::Display for ConsolidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConsolidationError {}

/// The consolidated organisation: one [`NodeResult`] per node of the tree, depth-first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consolidation {
    /// The month whose tree was used.
    pub month: YearMonth,
    /// Number of periods in every series.
    pub periods: usize,
    /// Nodes depth-first from the root.
    pub nodes: Vec<NodeResult>,
    /// Things the reader should know (Swedish): rows on codes outside the tree, counterparties
    /// outside the tree.
    pub warnings: Vec<String>,
}

impl Consolidation {
    /// The result of `code`.
    pub fn node(&self, code: &str) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| n.code == code)
    }

    /// The root's result.
    pub fn root(&self) -> Option<&NodeResult> {
        self.nodes.first()
    }
}

struct Acc {
    own: Figures,
    own_lines: BTreeMap<String, Series>,
    elim: BTreeMap<(Option<String>, Option<String>), (Series, Series)>,
    /// Per line, amounts eliminated at this node.
    elim_lines: BTreeMap<String, Series>,
    /// Eliminated at this node by kind: (cost, revenue).
    elim_cost: Series,
    elim_revenue: Series,
}

/// Consolidate `rows` along `tree`. Rows on a code outside the tree count on the root (with a
/// warning); internal rows whose counterparty is not known are eliminated at the root.
pub fn consolidate(
    tree: &OrgTree,
    rows: &[InputRow],
    rule: &InternalRule,
) -> Result<Consolidation, ConsolidationError> {
    let root = tree.root().ok_or_else(|| {
        ConsolidationError(format!(
            "ingen organisation gäller i {}; importera organisation.csv först.",
            tree.month()
        ))
    })?;
    let n = rows.first().map(|r| r.amounts.len()).unwrap_or(0);
    if let Some(r) = rows.iter().find(|r| r.amounts.len() != n) {
        return Err(ConsolidationError(format!(
            "raden {} / {} har {} perioder men den första raden har {n}; alla rader måste ha \
             lika många perioder.",
            r.node,
            r.key,
            r.amounts.len()
        )));
    }
    let index: HashMap<&str, usize> = tree
        .nodes()
        .iter()
        .enumerate()
        .map(|(i, x)| (x.code.as_str(), i))
        .collect();
    let mut acc: Vec<Acc> = tree
        .nodes()
        .iter()
        .map(|_| Acc {
            own: Figures::zero(n),
            own_lines: BTreeMap::new(),
            elim: BTreeMap::new(),
            elim_lines: BTreeMap::new(),
            elim_cost: Series::zero(n),
            elim_revenue: Series::zero(n),
        })
        .collect();
    let mut warnings: Vec<String> = Vec::new();
    let mut warn = |w: String| {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    };
    let month = tree.month();
    for r in rows {
        let node_code: &str = if index.contains_key(r.node.as_str()) {
            &r.node
        } else {
            warn(if r.node.is_empty() {
                format!(
                    "Belopp utan ansvar räknas på {} ({}).",
                    root.code, root.name
                )
            } else {
                format!(
                    "Ansvaret \"{}\" finns inte i organisationen i {month}; beloppen räknas på {} ({}).",
                    r.node, root.code, root.name
                )
            });
            &root.code
        };
        let i = index[node_code];
        acc[i].own.book(r.kind, &r.amounts);
        acc[i]
            .own_lines
            .entry(r.key.clone())
            .or_insert_with(|| Series::zero(n))
            .add(&r.amounts);

        // Internal? (A row of zeros eliminates nothing.)
        if r.amounts.is_zero() {
            continue;
        }
        let by_account = rule.side_of_account(r.account.as_deref().unwrap_or(&r.key));
        let cp = r
            .counterparty
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| (c, index.contains_key(c)));
        let side = match (by_account, cp) {
            (Some(s), _) => s,
            (None, Some((_, true))) => {
                if r.kind == GroupKind::Revenue {
                    Side::Sale
                } else {
                    Side::Purchase
                }
            }
            (None, Some((c, false))) => {
                warn(format!(
                    "Motparten \"{c}\" finns inte i organisationen i {month}; raderna räknas som externa."
                ));
                continue;
            }
            (None, None) => continue,
        };
        // Where the two sides meet, and the branch of each side below it.
        let (at, mine, theirs) = match cp {
            Some((c, true)) => {
                let a = tree.path(node_code);
                let b = tree.path(c);
                let common = a
                    .iter()
                    .zip(&b)
                    .take_while(|(x, y)| x.code == y.code)
                    .count();
                let lca = a[common - 1].code.as_str();
                let branch = |p: &Vec<&delar_core::OrgNode>| {
                    p.get(common)
                        .map(|x| x.code.clone())
                        .unwrap_or_else(|| lca.to_string())
                };
                (index[lca], Some(branch(&a)), Some(branch(&b)))
            }
            Some((c, false)) => {
                warn(format!(
                    "Motparten \"{c}\" finns inte i organisationen i {month}; de interna raderna \
                     elimineras på {}.",
                    root.code
                ));
                (0, None, None)
            }
            None => {
                warn(format!(
                    "Interna köp eller försäljningar utan motpart elimineras på {} ({}).",
                    root.code, root.name
                ));
                (0, None, None)
            }
        };
        let key = match side {
            Side::Purchase => (mine, theirs),
            Side::Sale => (theirs, mine),
        };
        let e = acc[at]
            .elim
            .entry(key)
            .or_insert_with(|| (Series::zero(n), Series::zero(n)));
        match side {
            Side::Purchase => e.0.add(&r.amounts),
            Side::Sale => e.1.add(&r.amounts),
        }
        acc[at]
            .elim_lines
            .entry(r.key.clone())
            .or_insert_with(|| Series::zero(n))
            .add(&r.amounts);
        if r.kind == GroupKind::Revenue {
            acc[at].elim_revenue.add(&r.amounts);
        } else {
            acc[at].elim_cost.add(&r.amounts);
        }
    }

    // Bottom-up: the tree is depth-first, so children come after their parent.
    let nodes = tree.nodes();
    let mut out: Vec<Option<NodeResult>> = vec![None; nodes.len()];
    let mut sub_lines: Vec<BTreeMap<String, Series>> = vec![BTreeMap::new(); nodes.len()];
    let mut sub_elim: Vec<BTreeMap<String, Series>> = vec![BTreeMap::new(); nodes.len()];
    for i in (0..nodes.len()).rev() {
        let node = &nodes[i];
        let a = &acc[i];
        let children: Vec<String> = tree
            .children(&node.code)
            .iter()
            .map(|c| c.code.clone())
            .collect();
        let mut children_total = Figures::zero(n);
        let mut lines = a.own_lines.clone();
        let mut elim_lines = a.elim_lines.clone();
        for c in &children {
            let ci = index[c.as_str()];
            let child = out[ci].as_ref().expect("children are computed first");
            children_total.add(&child.consolidated);
            for (k, v) in std::mem::take(&mut sub_lines[ci]) {
                lines.entry(k).or_insert_with(|| Series::zero(n)).add(&v);
            }
            for (k, v) in std::mem::take(&mut sub_elim[ci]) {
                elim_lines
                    .entry(k)
                    .or_insert_with(|| Series::zero(n))
                    .add(&v);
            }
        }
        let eliminations: Vec<Elimination> = a
            .elim
            .iter()
            .map(|((b, s), (p, sa))| Elimination {
                buyer: b.clone(),
                seller: s.clone(),
                purchase: p.clone(),
                sale: sa.clone(),
                difference: p.plus(sa),
            })
            .collect();
        let mut consolidated = a.own.clone();
        consolidated.add(&children_total);
        consolidated.cost.sub(&a.elim_cost);
        consolidated.revenue.sub(&a.elim_revenue);
        let mut diff = Series::zero(n);
        for e in &eliminations {
            diff.add(&e.difference);
        }
        consolidated.cost.add(&diff.map(|d| d.max(Amount::ZERO)));
        consolidated.revenue.add(&diff.map(|d| d.min(Amount::ZERO)));
        debug_assert_eq!(
            consolidated.cost.plus(&consolidated.revenue),
            consolidated.result
        );
        // Lines after: raw lines − everything eliminated in the subtree + differences.
        let mut lines_after = lines.clone();
        for (k, v) in &elim_lines {
            lines_after
                .entry(k.clone())
                .or_insert_with(|| Series::zero(n))
                .sub(v);
        }
        let mut sub_diff = diff.clone();
        for c in &children {
            if let Some(d) = out[index[c.as_str()]]
                .as_ref()
                .and_then(|x| x.lines_after.get(DIFFERENCE_KEY))
            {
                sub_diff.add(d);
            }
        }
        if !sub_diff.is_zero() {
            lines_after.insert(DIFFERENCE_KEY.to_string(), sub_diff);
        }
        out[i] = Some(NodeResult {
            code: node.code.clone(),
            name: node.name.clone(),
            kind: node.kind,
            depth: tree.depth(&node.code).unwrap_or(0),
            parent: tree.parent(&node.code).map(|p| p.code.clone()),
            children,
            own: a.own.clone(),
            children_total,
            eliminations,
            consolidated,
            lines_before: lines.clone(),
            lines_after,
        });
        sub_lines[i] = lines;
        sub_elim[i] = elim_lines;
    }
    Ok(Consolidation {
        month,
        periods: n,
        nodes: out.into_iter().map(|x| x.expect("every node")).collect(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::{OrgNode, Organisation};

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

    /// PO → PN (PN10), SN (SN10 → SN11, SN12), VON (VON21).
    pub(crate) fn tree() -> OrgTree {
        use OrgKind::*;
        Organisation::new(vec![
            node("PO", Programomrade, None),
            node("PN", Programnamnd, Some("PO")),
            node("PN10", Enhet, Some("PN")),
            node("SN", Namnd, Some("PO")),
            node("SN10", Omrade, Some("SN")),
            node("SN11", Enhet, Some("SN10")),
            node("SN12", Enhet, Some("SN10")),
            node("VON", Namnd, Some("PO")),
            node("VON21", Intraprenad, Some("VON")),
        ])
        .unwrap()
        .tree_at(YearMonth::new(2025, 8).unwrap())
    }

    fn kr(k: i64) -> Amount {
        Amount::from_kr(k).unwrap()
    }

    fn row(node: &str, account: &str, cp: Option<&str>, a: &[i64]) -> InputRow {
        let kind = if account.starts_with('3') {
            GroupKind::Revenue
        } else {
            GroupKind::Cost
        };
        InputRow {
            node: node.into(),
            key: account.into(),
            account: Some(account.into()),
            kind,
            counterparty: cp.map(str::to_string),
            amounts: Series(a.iter().map(|&k| kr(k)).collect()),
        }
    }

    /// Two periods. PN buys 1 000 + 1 000 from SN (SN sells the same) and 500 + 500 from VON
    /// (VON books only 480 + 500: a difference of 20 in period 1); SN12 buys 300 from SN11
    /// inside SN.
    pub(crate) fn rows() -> Vec<InputRow> {
        vec![
            row("PN10", "4692", Some("SN"), &[1_000, 1_000]),
            row("PN10", "4691", Some("VON"), &[500, 500]),
            row("PN10", "5011", None, &[200, 200]),
            row("PN10", "3111", None, &[-50, -50]),
            row("SN11", "3492", Some("PN"), &[-1_000, -1_000]),
            row("SN11", "5011", None, &[1_300, 1_300]),
            row("SN11", "3494", Some("SN12"), &[-300, -300]),
            row("SN12", "4694", Some("SN11"), &[300, 300]),
            row("SN12", "5011", None, &[100, 100]),
            row("VON21", "3491", Some("PN"), &[-480, -500]),
            row("VON21", "5011", None, &[600, 600]),
        ]
    }

    fn s(v: &[i64]) -> Series {
        Series(v.iter().map(|&k| kr(k)).collect())
    }

    #[test]
    fn two_committees_eliminate_at_the_lowest_common_level() {
        let t = tree();
        let c = consolidate(&t, &rows(), &InternalRule::exempelkommun()).unwrap();
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(c.periods, 2);

        // PN: 1 000 + 500 + 200 − 50 = 1 650 per period; nothing eliminated inside PN.
        let pn = c.node("PN").unwrap();
        assert_eq!(pn.consolidated.result, s(&[1_650, 1_650]));
        assert!(pn.eliminations.is_empty());

        // SN: SN11 −1 000 + 1 300 − 300 = 0; SN12 300 + 100 = 400. The 300 between SN11 and
        // SN12 is eliminated at SN10 (their lowest common ancestor), not at SN or PO.
        let sn10 = c.node("SN10").unwrap();
        assert_eq!(sn10.eliminations.len(), 1);
        let e = &sn10.eliminations[0];
        assert_eq!(
            (e.buyer.as_deref(), e.seller.as_deref()),
            (Some("SN12"), Some("SN11"))
        );
        assert_eq!(e.purchase, s(&[300, 300]));
        assert_eq!(e.sale, s(&[-300, -300]));
        assert!(e.difference.is_zero());
        assert_eq!(sn10.sum_of_parts().cost, s(&[1_700, 1_700]));
        assert_eq!(sn10.consolidated.cost, s(&[1_400, 1_400]));
        assert_eq!(sn10.consolidated.revenue, s(&[-1_000, -1_000]));
        let sn = c.node("SN").unwrap();
        assert_eq!(sn.consolidated.result, s(&[400, 400]));
        assert!(sn.eliminations.is_empty());
        // SN's gross figures already carry SN10's elimination.
        assert_eq!(sn.consolidated.cost, s(&[1_400, 1_400]));

        // VON: −480 + 600 = 120, −500 + 600 = 100.
        let von = c.node("VON").unwrap();
        assert_eq!(von.consolidated.result, s(&[120, 100]));

        // PO: result = PN + SN + VON, exactly (eliminations never change the net).
        let po = c.node("PO").unwrap();
        assert_eq!(po.consolidated.result, s(&[2_170, 2_150]));
        assert_eq!(po.children_total.result, po.consolidated.result);
        assert_eq!(po.eliminations.len(), 2);
        let by_pair: BTreeMap<(&str, &str), &Elimination> = po
            .eliminations
            .iter()
            .map(|e| {
                (
                    (e.buyer.as_deref().unwrap(), e.seller.as_deref().unwrap()),
                    e,
                )
            })
            .collect();
        let pn_sn = by_pair[&("PN", "SN")];
        assert_eq!(pn_sn.purchase, s(&[1_000, 1_000]));
        assert!(pn_sn.difference.is_zero());
        let pn_von = by_pair[&("PN", "VON")];
        assert_eq!(pn_von.purchase, s(&[500, 500]));
        assert_eq!(pn_von.sale, s(&[-480, -500]));
        // The mismatch is a visible difference row, not netted away.
        assert_eq!(pn_von.difference, s(&[20, 0]));
        for e in &po.eliminations {
            let mut sum = Series::zero(2);
            for r in e.rows() {
                sum.add(&r);
            }
            assert!(sum.is_zero());
        }

        // Gross: parts = own (0) + children after their own eliminations (PN 1 700, SN 1 400,
        // VON 600); after = parts − 1 500 purchases + 20 difference.
        let parts = po.sum_of_parts();
        assert_eq!(parts.cost, s(&[3_700, 3_700]));
        assert_eq!(parts.revenue, s(&[-1_530, -1_550]));
        assert_eq!(po.consolidated.cost, s(&[2_220, 2_200]));
        assert_eq!(po.consolidated.revenue, s(&[-50, -50]));
        assert_eq!(
            po.consolidated.cost.plus(&po.consolidated.revenue),
            po.consolidated.result
        );

        // Lines after elimination: the internal accounts are gone, the difference remains.
        assert!(po.lines_after["4692"].is_zero());
        assert!(po.lines_after["3492"].is_zero());
        assert!(po.lines_after["4694"].is_zero());
        assert_eq!(po.lines_after[DIFFERENCE_KEY], s(&[20, 0]));
        let total_after = po
            .lines_after
            .values()
            .fold(Series::zero(2), |a, b| a.plus(b));
        assert_eq!(total_after, po.consolidated.result);

        let names = |code: &str| t.node(code).map(|n| n.name.clone()).unwrap_or_default();
        let text = po.explanation(&names, Unit::Kr, 0).unwrap();
        assert!(
            text.contains("Bruttokostnaden för Namn PO är 2\u{a0}980 kr lägre"),
            "{text}"
        );
        assert!(
            text.contains("mellan Namn PN och Namn SN samt Namn PN och Namn VON"),
            "{text}"
        );
        assert!(text.contains("differensen 20 kr"), "{text}");
        assert!(c
            .node("PN")
            .unwrap()
            .explanation(&names, Unit::Kr, 0)
            .is_none());
    }

    #[test]
    fn unknown_codes_and_missing_counterparties() {
        let t = tree();
        let mut r = rows();
        // Booked on an ansvar the tree does not know; an internal sale without counterparty;
        // a counterparty outside the organisation on an ordinary account.
        r.push(row("XX99", "5011", None, &[7, 7]));
        r.push(row("VON21", "3493", None, &[-5, -5]));
        r.push(row("PN10", "4010", Some("EXTERN"), &[3, 3]));
        let c = consolidate(&t, &r, &InternalRule::exempelkommun()).unwrap();
        assert_eq!(c.warnings.len(), 3, "{:?}", c.warnings);
        assert!(c.warnings[0].contains("\"XX99\" finns inte"));
        let po = c.root().unwrap();
        assert_eq!(po.own.result, s(&[7, 7]));
        assert_eq!(
            po.consolidated.result,
            s(&[2_170 + 7 - 5 + 3, 2_150 + 7 - 5 + 3])
        );
        let unknown = po.eliminations.iter().find(|e| e.buyer.is_none()).unwrap();
        assert_eq!(unknown.sale, s(&[-5, -5]));
        assert_eq!(unknown.difference, s(&[-5, -5]));

        // Rows of different lengths are refused.
        let mut bad = rows();
        bad[0].amounts = s(&[1]);
        assert!(consolidate(&t, &bad, &InternalRule::exempelkommun()).is_err());
    }

    #[test]
    fn a_unit_moving_committee_changes_where_trade_is_eliminated() {
        use OrgKind::*;
        // SN12 sits under SN until 2023-12, under VON from 2024-01; SN11 sells to it.
        let mut rows_org = vec![
            node("PO", Programomrade, None),
            node("SN", Namnd, Some("PO")),
            node("SN11", Enhet, Some("SN")),
            node("VON", Namnd, Some("PO")),
        ];
        let mut old = node("SN12", Enhet, Some("SN"));
        old.to = Some(YearMonth::new(2023, 12).unwrap());
        let mut new = node("SN12", Enhet, Some("VON"));
        new.from = Some(YearMonth::new(2024, 1).unwrap());
        rows_org.push(old);
        rows_org.push(new);
        let org = Organisation::new(rows_org).unwrap();
        let trade = vec![
            row("SN12", "4694", Some("SN11"), &[300]),
            row("SN11", "3494", Some("SN12"), &[-300]),
        ];
        let rule = InternalRule::exempelkommun();
        let before = consolidate(
            &org.tree_at(YearMonth::new(2023, 6).unwrap()),
            &trade,
            &rule,
        )
        .unwrap();
        assert_eq!(before.node("SN").unwrap().eliminations.len(), 1);
        assert!(before.node("PO").unwrap().eliminations.is_empty());
        let after = consolidate(
            &org.tree_at(YearMonth::new(2024, 6).unwrap()),
            &trade,
            &rule,
        )
        .unwrap();
        assert!(after.node("SN").unwrap().eliminations.is_empty());
        let po = after.node("PO").unwrap();
        assert_eq!(po.eliminations.len(), 1);
        assert_eq!(po.eliminations[0].buyer.as_deref(), Some("VON"));
        assert_eq!(after.node("SN").unwrap().consolidated.result, s(&[-300]));
        assert_eq!(after.node("VON").unwrap().consolidated.result, s(&[300]));
        assert!(po.consolidated.result.is_zero());
    }

    fn arb_case() -> impl proptest::strategy::Strategy<Value = (Vec<OrgNode>, Vec<InputRow>)> {
        use proptest::prelude::*;
        (2usize..15)
            .prop_flat_map(|n| {
                (
                    Just(n),
                    proptest::collection::vec(any::<prop::sample::Index>(), n),
                    proptest::collection::vec(
                        (
                            any::<prop::sample::Index>(),
                            any::<prop::sample::Index>(),
                            -1_000i64..1_000,
                            0i64..3,
                            any::<bool>(),
                        ),
                        0..30,
                    ),
                )
            })
            .prop_map(|(n, parents, trades)| {
                let nodes: Vec<OrgNode> = (0..n)
                    .map(|i| OrgNode {
                        code: format!("N{i}"),
                        name: format!("Nod {i}"),
                        kind: if i == 0 {
                            OrgKind::Programomrade
                        } else {
                            OrgKind::Enhet
                        },
                        parent: (i > 0).then(|| format!("N{}", parents[i].index(i))),
                        from: None,
                        to: None,
                        activity: None,
                    })
                    .collect();
                let mut rows = Vec::new();
                for (a, b, amount, mismatch, external) in trades {
                    let (buyer, seller) = (format!("N{}", a.index(n)), format!("N{}", b.index(n)));
                    let kr = Amount::from_kr(amount).unwrap();
                    rows.push(InputRow {
                        node: buyer.clone(),
                        key: "4692".into(),
                        account: Some("4692".into()),
                        kind: GroupKind::Cost,
                        counterparty: Some(seller.clone()),
                        amounts: Series(vec![kr, kr]),
                    });
                    rows.push(InputRow {
                        node: seller,
                        key: "3492".into(),
                        account: Some("3492".into()),
                        kind: GroupKind::Revenue,
                        counterparty: Some(buyer.clone()),
                        amounts: Series(vec![-kr, -kr + Amount::from_kr(mismatch).unwrap()]),
                    });
                    if external {
                        rows.push(InputRow {
                            node: buyer,
                            key: "5011".into(),
                            account: Some("5011".into()),
                            kind: GroupKind::Cost,
                            counterparty: None,
                            amounts: Series(vec![kr, Amount::ZERO]),
                        });
                    }
                }
                (nodes, rows)
            })
    }

    proptest::proptest! {
        #[test]
        fn net_is_own_plus_children_and_gross_reconciles((nodes, rows) in arb_case()) {
            let org = Organisation::new(nodes).unwrap();
            let tree = org.tree_at(YearMonth::new(2025, 8).unwrap());
            let c = consolidate(&tree, &rows, &InternalRule::exempelkommun()).unwrap();
            proptest::prop_assert!(c.warnings.is_empty());
            proptest::prop_assume!(!rows.is_empty());
            let mut total = Series::zero(2);
            for r in &rows {
                total.add(&r.amounts);
            }
            proptest::prop_assert_eq!(&c.root().unwrap().consolidated.result, &total);
            let mut differences = Series::zero(2);
            for n in &c.nodes {
                let parts = n.sum_of_parts();
                proptest::prop_assert_eq!(&n.consolidated.result, &parts.result);
                proptest::prop_assert_eq!(
                    n.consolidated.cost.plus(&n.consolidated.revenue),
                    n.consolidated.result.clone()
                );
                let d = n.difference();
                proptest::prop_assert_eq!(
                    parts.cost.minus(&n.consolidated.cost),
                    n.eliminated_purchases().minus(&d.map(|x| x.max(Amount::ZERO)))
                );
                let after: Series = n.lines_after.values().fold(Series::zero(2), |a, b| a.plus(b));
                proptest::prop_assert_eq!(&after, &n.consolidated.result);
                differences.add(&d);
            }
            // Every internal row is eliminated exactly once: nothing internal is left at the
            // root, and the differences are exactly the mismatches put in.
            let po = c.root().unwrap();
            proptest::prop_assert!(po.lines_after.get("4692").is_none_or(|s| s.is_zero()));
            proptest::prop_assert!(po.lines_after.get("3492").is_none_or(|s| s.is_zero()));
            proptest::prop_assert_eq!(
                po.lines_after.get(DIFFERENCE_KEY).cloned().unwrap_or_else(|| Series::zero(2)),
                differences.clone()
            );
            let mismatch: Amount = rows.iter().filter(|r| r.key != "5011").map(|r| r.amounts.0[1]).sum();
            proptest::prop_assert_eq!(differences.0[1], mismatch);
            proptest::prop_assert!(differences.0[0].is_zero());
        }
    }
}
