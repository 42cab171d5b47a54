//! The programme-level sections (Örebro's structure): the programme committee's own lines, a
//! table per committee, the consolidated programme area with its eliminations explained, the
//! intraprenad equity ledger, special effects, and results including and excluding them,
//! with the proposal for decision.
//!
//! Amounts are net cost in the ledger's sign (costs positive, revenues negative) except where
//! a table's `sign_note` says otherwise; deviation = budget − forecast, positive = surplus.

use delar_consolidate::intraprenad::{self, EquityRow};
use delar_consolidate::restate::{self, Comparison, ComparisonMode};
use delar_consolidate::special::{self, SpecialEffects};
use delar_consolidate::{Consolidation, NodeResult, DIFFERENCE_KEY};
use delar_core::{Amount, OrgTree, Organisation, Round, Unit, YearMonth};
use delar_report::{
    Block, Cell, Column, Format, HeaderGroup, Identity, Paragraph, Row, RowKind, Section, Table,
    Value,
};
use std::collections::BTreeMap;

/// The programme area's figures as the CLI gathers them from the store (owned, part of
/// [`crate::Inputs`]); the report definition adds the unit and the comparison mode.
#[derive(Clone, Debug)]
pub struct ProgrammeData {
    /// The programme committee's code (`PN`).
    pub programme_committee: String,
    /// Consolidated annual budget.
    pub budget: Consolidation,
    /// Consolidated full-year forecast.
    pub forecast: Consolidation,
    /// Names of the line keys (kontogrupp code → name).
    pub line_names: BTreeMap<String, String>,
    /// The intraprenad equity ledger (empty when no opening balances are imported).
    pub equity: Vec<EquityRow>,
    /// Budget, forecast and special effects per node.
    pub special: BTreeMap<String, SpecialEffects>,
    /// Every version of the organisation (to compare last year's tree with this year's).
    pub organisation: Organisation,
    /// Last year's full-year outcome per organisation code, as booked.
    pub last_year: Vec<(String, Amount)>,
    /// How the forecast's internal purchases and sales were split on counterparties (Swedish;
    /// printed under the table of eliminations).
    pub method_note: Option<String>,
}

impl ProgrammeData {
    /// Last year compared with this year's organisation (`this` = the cut-off month), in
    /// `mode`; amounts in the footnote in `unit` with `decimals`.
    pub fn comparison(
        &self,
        year: i32,
        this: YearMonth,
        mode: ComparisonMode,
        unit: Unit,
        decimals: u8,
    ) -> Option<Comparison> {
        let last = YearMonth::new(year - 1, 12).ok()?;
        Some(restate::compare(
            &self.organisation,
            last,
            this,
            &self.last_year,
            mode,
            unit,
            decimals,
        ))
    }
}

/// What the programme sections are built from (all already computed).
pub struct ProgrammeInput<'a> {
    /// The round (fact keys and labels).
    pub round: Round,
    /// The organisation in force at the cut-off.
    pub tree: &'a OrgTree,
    /// The programme committee's code (`PN`).
    pub programme_committee: &'a str,
    /// Consolidated annual budget (any number of periods; totals are used).
    pub budget: &'a Consolidation,
    /// Consolidated full-year forecast.
    pub forecast: &'a Consolidation,
    /// Names of the line keys (kontogrupp code → name); unknown keys show their code.
    pub line_names: &'a BTreeMap<String, String>,
    /// The line keys in report order (kontogrupper in the mapping's order); other keys
    /// follow by code.
    pub line_order: &'a [String],
    /// The intraprenad equity ledger.
    pub equity: &'a [EquityRow],
    /// Budget, forecast and special effects per node.
    pub special: &'a BTreeMap<String, SpecialEffects>,
    /// Last year's comparison, when the definition asks for one: the programme table gets a
    /// column of last year's outcome (restated, or as booked with not comparable rows marked
    /// `*`) and the footnote.
    pub comparison: Option<&'a Comparison>,
    /// How the forecast's internal trade was split on counterparties (footnote of the
    /// eliminations table).
    pub method_note: Option<&'a str>,
    /// The unit amounts are shown in (Örebro: tkr).
    pub unit: Unit,
    /// Decimals shown.
    pub decimals: u8,
}

const NET_NOTE: &str = "Nettokostnad anges positiv och intäkter negativa. Avvikelse = budget − \
                        prognos; positiv avvikelse = överskott.";

impl ProgrammeInput<'_> {
    fn money(&self) -> Format {
        Format::Amount {
            unit: self.unit,
            decimals: self.decimals,
        }
    }

    fn cell(&self, a: Amount, fact: String, origin: &str) -> Cell {
        Cell::new(Value::Amount(a), &self.money()).with_source(fact, origin)
    }

    fn fact(&self, what: &str, rest: &str) -> String {
        format!("{what}/{}/{rest}", self.round.id())
    }

    fn name(&self, code: &str) -> String {
        self.tree
            .node(code)
            .map(|n| n.name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    fn line_name(&self, key: &str) -> String {
        if key == DIFFERENCE_KEY {
            return "Differens interna köp och försäljningar".into();
        }
        self.line_names
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn node_pair(&self, code: &str) -> (Option<&NodeResult>, Option<&NodeResult>) {
        (self.budget.node(code), self.forecast.node(code))
    }

    /// The committees under the root, programme committee first.
    fn committees(&self) -> Vec<String> {
        let Some(root) = self.tree.root() else {
            return Vec::new();
        };
        let mut v: Vec<String> = self
            .tree
            .children(&root.code)
            .iter()
            .map(|n| n.code.clone())
            .collect();
        v.sort_by_key(|c| c != self.programme_committee);
        v
    }
}

fn col(key: &str, label: &str, format: Format) -> Column {
    Column {
        key: key.into(),
        label: label.into(),
        format,
    }
}

fn r1() -> Identity {
    Identity::Linear {
        rule: "R1".into(),
        result: "avvikelse".into(),
        terms: vec![(1, "budget".into()), (-1, "prognos".into())],
    }
}

fn section(id: &str, title: &str, blocks: Vec<Block>) -> Section {
    Section {
        id: id.into(),
        title: title.into(),
        number: String::new(),
        numbered: true,
        role: None,
        blocks,
        sections: Vec::new(),
    }
}

/// A budget / forecast / deviation table of one node's lines (after eliminations in its
/// subtree), with a total that includes every line.
fn lines_table(inp: &ProgrammeInput<'_>, code: &str, id: &str, caption: String) -> Table {
    let money = inp.money();
    let (b, f) = inp.node_pair(code);
    let mut keys: Vec<String> = Vec::new();
    for n in [b, f].into_iter().flatten() {
        for (k, v) in &n.lines_after {
            if !v.is_zero() && !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let order = |k: &String| {
        inp.line_order
            .iter()
            .position(|x| x == k)
            .unwrap_or(usize::MAX)
    };
    keys.sort_by(|a, c| order(a).cmp(&order(c)).then(a.cmp(c)));
    let get = |n: Option<&NodeResult>, k: &str| {
        n.and_then(|n| n.lines_after.get(k))
            .map(|s| s.total())
            .unwrap_or_default()
    };
    let origin = format!("konsoliderat, {}", inp.name(code));
    let mut rows = Vec::new();
    let (mut tb, mut tf) = (Amount::ZERO, Amount::ZERO);
    for k in &keys {
        let (bv, fv) = (get(b, k), get(f, k));
        tb += bv;
        tf += fv;
        rows.push(Row {
            key: k.clone(),
            kind: RowKind::Item,
            level: 0,
            cells: vec![
                Cell::text(inp.line_name(k)),
                inp.cell(bv, inp.fact("budget", &format!("{code}/{k}")), &origin),
                inp.cell(fv, inp.fact("prognos", &format!("{code}/{k}")), &origin),
                inp.cell(
                    bv - fv,
                    inp.fact("avvikelse", &format!("{code}/{k}")),
                    &origin,
                ),
            ],
            includes: vec![],
        });
    }
    rows.push(Row {
        key: "netto".into(),
        kind: RowKind::Total,
        level: 0,
        cells: vec![
            Cell::text("Nettokostnad"),
            inp.cell(tb, inp.fact("budget", code), &origin),
            inp.cell(tf, inp.fact("prognos", code), &origin),
            inp.cell(tb - tf, inp.fact("avvikelse", code), &origin),
        ],
        includes: keys,
    });
    Table {
        id: id.into(),
        number: 0,
        caption,
        unit: Some(inp.unit),
        sign_note: Some(NET_NOTE.into()),
        groups: vec![],
        columns: vec![
            col("post", "Post", Format::Text),
            col("budget", &format!("Budget {}", inp.round.year), money),
            col("prognos", &format!("Prognos {}", inp.round.year), money),
            col("avvikelse", "Avvikelse budget − prognos", money),
        ],
        rows,
        identities: vec![r1()],
        notes: vec![],
    }
}

/// The programme area per committee, with the intraprenad block.
fn area_table(inp: &ProgrammeInput<'_>) -> Table {
    let money = inp.money();
    let root = inp.tree.root().map(|r| r.code.clone()).unwrap_or_default();
    let year = inp.round.year;
    let codes = inp.committees();
    let cmp = inp.comparison;
    let marked = |c: &str| cmp.is_some_and(|x| x.not_comparable.contains(c));
    let result =
        |n: Option<&NodeResult>| n.map(|n| n.consolidated.result.total()).unwrap_or_default();
    let last = |c: &str| {
        cmp.and_then(|x| x.values.get(c))
            .copied()
            .unwrap_or_default()
    };
    // One row: label, last year (when compared), budget, forecast, deviation.
    let make = |key: &str, label: String, kind: RowKind, fig: [Amount; 3], lf: Option<Amount>| {
        let [ly, b, f] = fig;
        let mut cells = vec![Cell::text(label)];
        if cmp.is_some() {
            cells.push(match lf {
                Some(_) => {
                    let mut c = inp.cell(
                        ly,
                        inp.fact("utfall_fg_ar", key),
                        match cmp.map(|x| x.mode) {
                            Some(ComparisonMode::Restate) => "utfall föregående år, omräknat",
                            _ => "utfall föregående år, som bokfört",
                        },
                    );
                    if marked(key) {
                        c.text.push('*');
                    }
                    c
                }
                None => Cell::empty(),
            });
        }
        let origin = "konsoliderat";
        cells.push(inp.cell(b, inp.fact("budget", key), origin));
        cells.push(inp.cell(f, inp.fact("prognos", key), origin));
        cells.push(inp.cell(b - f, inp.fact("avvikelse", key), origin));
        Row {
            key: key.to_string(),
            kind,
            level: if kind == RowKind::Varav { 1 } else { 0 },
            cells,
            includes: vec![],
        }
    };
    let mut rows = Vec::new();
    let mut included = codes.clone();
    for c in &codes {
        let (b, f) = inp.node_pair(c);
        rows.push(make(
            c,
            inp.name(c),
            RowKind::Item,
            [last(c), result(b), result(f)],
            Some(last(c)),
        ));
    }
    // Amounts booked on the root itself (unallocated, or last year on a closed committee) are
    // shown, never dropped.
    let (rb, rf) = inp.node_pair(&root);
    let own = |n: Option<&NodeResult>| n.map(|n| n.own.result.total()).unwrap_or_default();
    let last_own = last(&root) - codes.iter().map(|c| last(c)).sum::<Amount>();
    if !own(rb).is_zero() || !own(rf).is_zero() || (cmp.is_some() && !last_own.is_zero()) {
        let key = format!("{root}-eget");
        rows.push(make(
            &key,
            format!("Ej fördelat på nämnd ({root})"),
            RowKind::Item,
            [last_own, own(rb), own(rf)],
            Some(last_own),
        ));
        included.push(key);
    }
    let mut total = make(
        &root,
        inp.name(&root),
        RowKind::Total,
        [last(&root), result(rb), result(rf)],
        Some(last(&root)),
    );
    total.includes = included;
    rows.push(total);
    if !inp.equity.is_empty() {
        let t = intraprenad::total(inp.equity);
        let mut varav = make(
            "varav-intraprenader",
            "varav intraprenader".into(),
            RowKind::Varav,
            [Amount::ZERO, t.budget, t.forecast],
            None,
        );
        let n = varav.cells.len();
        varav.cells[n - 3] = inp.cell(
            t.budget,
            inp.fact("budget", "intraprenader"),
            "eget kapital",
        );
        varav.cells[n - 2] = inp.cell(
            t.forecast,
            inp.fact("prognos", "intraprenader"),
            "eget kapital",
        );
        varav.cells[n - 1] = inp.cell(
            t.deviation,
            inp.fact("avvikelse", "intraprenader"),
            "eget kapital",
        );
        rows.push(varav);
        let key = format!("{root}/exkl_intraprenader");
        let mut exkl = make(
            &key,
            "Totalt exklusive intraprenader".into(),
            RowKind::Item,
            [Amount::ZERO, result(rb) - t.budget, result(rf) - t.forecast],
            None,
        );
        exkl.key = "exkl-intraprenader".into();
        for c in exkl.cells.iter_mut().skip(1) {
            if let Some(s) = c.source.as_mut() {
                s.origin = "konsoliderat − intraprenader".into();
            }
        }
        rows.push(exkl);
    }
    // The internal purchases and sales cancel out, except a difference between them (booked
    // purchases nobody invoiced, or the reverse), which stays in the result: say which.
    let difference = inp
        .forecast
        .node(&root)
        .map(|n| n.difference().total())
        .unwrap_or_default();
    let cancel = if difference.is_zero() {
        "Interna köp och försäljningar tar ut varandra i nettot".to_string()
    } else {
        format!(
            "Interna köp och försäljningar tar ut varandra i nettot utom en differens på {} {} \
             som ligger kvar i resultatet",
            difference.format(inp.unit, inp.decimals),
            inp.unit.label()
        )
    };
    let mut notes = vec![format!(
        "{} = {} + summan av nämndernas resultat. {cancel}; se tabellen över bruttokostnader \
         och intäkter.",
        inp.name(&root),
        inp.name(inp.programme_committee)
    )];
    if let Some(c) = cmp {
        match &c.footnote {
            Some(f) if c.not_comparable.is_empty() => notes.push(f.clone()),
            Some(f) => notes.push(format!("* {f}")),
            None => {}
        }
    }
    let mut columns = vec![col("namnd", "Nämnd", Format::Text)];
    if cmp.is_some() {
        columns.push(col("utfall_fg", &format!("Utfall {}", year - 1), money));
    }
    columns.extend([
        col("budget", &format!("Budget {year}"), money),
        col("prognos", &format!("Prognos {year}"), money),
        col("avvikelse", "Avvikelse budget − prognos", money),
    ]);
    Table {
        id: "programomrade".into(),
        number: 0,
        caption: format!("{} per nämnd, helår {year}", inp.name(&root)),
        unit: Some(inp.unit),
        sign_note: Some(NET_NOTE.into()),
        groups: vec![],
        columns,
        rows,
        identities: vec![r1()],
        notes,
    }
}

/// Gross cost and revenue of the consolidated programme area (forecast): the parts, the
/// elimination rows and the consolidated total.
fn gross_table(inp: &ProgrammeInput<'_>) -> Table {
    let money = inp.money();
    let root = inp.tree.root().map(|r| r.code.clone()).unwrap_or_default();
    let po = inp.forecast.node(&root);
    let mut rows = Vec::new();
    let mut parts = Vec::new();
    let origin = "prognos, konsoliderat";
    let row =
        |key: String, label: String, kind: RowKind, c: Amount, r: Amount, includes: Vec<String>| {
            let fact = |w: &str| inp.fact(w, &key);
            Row {
                cells: vec![
                    Cell::text(label),
                    inp.cell(c, fact("bruttokostnad"), origin),
                    inp.cell(r, fact("bruttointakt"), origin),
                    inp.cell(c + r, fact("prognos"), origin),
                ],
                key,
                kind,
                level: 0,
                includes,
            }
        };
    if let Some(po) = po {
        if !po.own.result.is_zero() || !po.own.cost.is_zero() {
            let key = format!("{root}-eget");
            parts.push(key.clone());
            rows.push(row(
                key,
                format!("Ej fördelat på nämnd ({root})"),
                RowKind::Item,
                po.own.cost.total(),
                po.own.revenue.total(),
                vec![],
            ));
        }
        for c in inp.committees() {
            if let Some(n) = inp.forecast.node(&c) {
                parts.push(c.clone());
                rows.push(row(
                    c.clone(),
                    inp.name(&c),
                    RowKind::Item,
                    n.consolidated.cost.total(),
                    n.consolidated.revenue.total(),
                    vec![],
                ));
            }
        }
        let sum = po.sum_of_parts();
        rows.push(row(
            format!("{root}/summa_delar"),
            "Summa före eliminering".into(),
            RowKind::Subtotal,
            sum.cost.total(),
            sum.revenue.total(),
            parts.clone(),
        ));
        let p = po.eliminated_purchases().total();
        let s = po.eliminated_sales().total();
        // A difference is a cost when positive and a revenue when negative, period by period.
        let d = po.difference();
        let dc = d.map(|x| x.max(Amount::ZERO)).total();
        let dr = d.map(|x| x.min(Amount::ZERO)).total();
        rows.push(row(
            format!("{root}/eliminering_kop"),
            "Eliminering: interna köp".into(),
            RowKind::Item,
            -p,
            Amount::ZERO,
            vec![],
        ));
        rows.push(row(
            format!("{root}/eliminering_forsaljning"),
            "Eliminering: interna försäljningar".into(),
            RowKind::Item,
            Amount::ZERO,
            -s,
            vec![],
        ));
        rows.push(row(
            format!("{root}/differens_interna"),
            "Differens mellan interna köp och försäljningar".into(),
            RowKind::Item,
            dc,
            dr,
            vec![],
        ));
        rows.push(row(
            root.clone(),
            format!("{} konsoliderat", inp.name(&root)),
            RowKind::Total,
            po.consolidated.cost.total(),
            po.consolidated.revenue.total(),
            vec![
                format!("{root}/summa_delar"),
                format!("{root}/eliminering_kop"),
                format!("{root}/eliminering_forsaljning"),
                format!("{root}/differens_interna"),
            ],
        ));
    }
    let names = |c: &str| inp.name(c);
    let mut notes = Vec::new();
    if let Some(t) = po.and_then(|n| n.explanation(&names, inp.unit, inp.decimals)) {
        notes.push(t);
    }
    if let Some(m) = inp.method_note {
        notes.push(m.to_string());
    }
    Table {
        id: "programomrade-brutto".into(),
        number: 0,
        caption: format!(
            "Bruttokostnader och intäkter i {}, prognos {}",
            delar_core::words::lower(&inp.name(&root)),
            inp.round.year
        ),
        unit: Some(inp.unit),
        sign_note: Some(
            "Kostnader anges positiva och intäkter negativa. Eliminering tar bort interna köp \
             och försäljningar; en differens mellan dem ligger kvar i resultatet."
                .into(),
        ),
        groups: vec![],
        columns: vec![
            col("post", "Post", Format::Text),
            col("kostnad", "Kostnader", money),
            col("intakt", "Intäkter", money),
            col("netto", "Nettokostnad", money),
        ],
        rows,
        identities: vec![Identity::Linear {
            rule: "R1".into(),
            result: "netto".into(),
            terms: vec![(1, "kostnad".into()), (1, "intakt".into())],
        }],
        notes,
    }
}

/// The intraprenad equity ledger with the roll-forward identity (R6).
fn equity_table(inp: &ProgrammeInput<'_>) -> Table {
    let money = inp.money();
    let keys = [
        ("budget", "Budget"),
        ("prognos", "Prognos"),
        ("avvikelse", "Avvikelse"),
        ("ingaende", "Ingående"),
        ("avskrivet", "Avskrivet"),
        ("ianspratagande", "Använt"),
        ("nya_underskott", "Underskott"),
        ("nya_overskott", "Överskott"),
        ("over_tak", "Över tak"),
        ("utgaende", "Utgående"),
    ];
    let mut columns = vec![col("intraprenad", "Intraprenad", Format::Text)];
    columns.extend(keys.iter().map(|(k, l)| col(k, l, money)));
    let values = |r: &EquityRow| {
        [
            r.budget,
            r.forecast,
            r.deviation,
            r.opening,
            r.written_off,
            r.used,
            r.new_deficit,
            r.new_surplus,
            r.over_cap,
            r.closing,
        ]
    };
    let make = |r: &EquityRow, kind: RowKind, includes: Vec<String>| {
        let mut cells = vec![Cell::text(r.name.clone())];
        for ((k, _), v) in keys.iter().zip(values(r)) {
            cells.push(inp.cell(
                v,
                inp.fact("eget_kapital", &format!("{}/{k}", r.code)),
                "eget kapital, intraprenader.csv och prognos",
            ));
        }
        Row {
            key: r.code.clone(),
            kind,
            level: 0,
            cells,
            includes,
        }
    };
    let mut rows: Vec<Row> = inp
        .equity
        .iter()
        .map(|r| make(r, RowKind::Item, vec![]))
        .collect();
    let total = intraprenad::total(inp.equity);
    rows.push(make(
        &total,
        RowKind::Total,
        inp.equity.iter().map(|r| r.code.clone()).collect(),
    ));
    let mut notes = vec![
        "Eget kapital är intraprenadens ackumulerade resultat. Avskrivet: ett gammalt underskott \
         som skrivs av vid årets början. Använt: eget kapital som täcker årets underskott, högst \
         det ianspråktagande som planerats för året (intraprenader.csv) och högst det egna \
         kapitalet. Underskott och Överskott: årets nya. Över tak: överskott som inte får föras \
         vidare. Utgående = ingående + avskrivet − använt − underskott + överskott − över tak. \
         Avvikelse (budget − prognos) = överskott − använt − underskott."
            .to_string(),
    ];
    for r in inp.equity {
        for n in &r.notes {
            notes.push(format!("{}: {n}", r.name));
        }
    }
    Table {
        id: "intraprenader".into(),
        number: 0,
        caption: format!(
            "Intraprenadernas resultat och eget kapital {}",
            inp.round.year
        ),
        unit: Some(inp.unit),
        sign_note: Some(
            "Budget och prognos anges som nettokostnad (positiv); avvikelse = budget − prognos, \
             positiv = överskott. Eget kapital: positivt = ackumulerat överskott. Avskrivet, \
             använt, underskott, överskott och över tak anges som positiva belopp."
                .into(),
        ),
        groups: vec![
            HeaderGroup {
                label: String::new(),
                span: 1,
            },
            HeaderGroup {
                label: format!("Helår {}", inp.round.year),
                span: 3,
            },
            HeaderGroup {
                label: "Eget kapital (ackumulerat resultat)".into(),
                span: 7,
            },
        ],
        columns,
        rows,
        identities: vec![
            r1(),
            Identity::Linear {
                rule: "R6".into(),
                result: "utgaende".into(),
                terms: vec![
                    (1, "ingaende".into()),
                    (1, "avskrivet".into()),
                    (-1, "ianspratagande".into()),
                    (-1, "nya_underskott".into()),
                    (1, "nya_overskott".into()),
                    (-1, "over_tak".into()),
                ],
            },
        ],
        notes,
    }
}

/// Special effects per committee as effect on the result (R11: total = structural + other).
fn special_table(inp: &ProgrammeInput<'_>) -> Table {
    let money = inp.money();
    let root = inp.tree.root().map(|r| r.code.clone()).unwrap_or_default();
    let codes = inp.committees();
    let mk = |code: &str, label: String, kind: RowKind, includes: Vec<String>| {
        let e = inp.special.get(code).copied().unwrap_or_default();
        let origin = "prognosrader, särskilda effekter";
        Row {
            key: code.to_string(),
            kind,
            level: 0,
            cells: vec![
                Cell::text(label),
                inp.cell(e.effect(), inp.fact("sarskilda_effekter", code), origin),
                inp.cell(
                    -e.structural,
                    inp.fact("sarskilda_effekter", &format!("{code}/strukturell")),
                    origin,
                ),
                inp.cell(
                    -e.other,
                    inp.fact("sarskilda_effekter", &format!("{code}/ovrig")),
                    origin,
                ),
            ],
            includes,
        }
    };
    let mut rows: Vec<Row> = codes
        .iter()
        .map(|c| mk(c, inp.name(c), RowKind::Item, vec![]))
        .collect();
    rows.push(mk(&root, inp.name(&root), RowKind::Total, codes.clone()));
    Table {
        id: "sarskilda-effekter".into(),
        number: 0,
        caption: format!("Särskilda effekter, prognos helår {}", inp.round.year),
        unit: Some(inp.unit),
        sign_note: Some(
            "Effekt på resultatet: positivt belopp = gynnsamt (lägre kostnad), negativt = \
             merkostnad."
                .into(),
        ),
        groups: vec![],
        columns: vec![
            col("namnd", "Nämnd", Format::Text),
            col("totalt", "Effekt helår", money),
            col("strukturell", "varav strukturell påverkan", money),
            col("ovrigt", "varav övrigt", money),
        ],
        rows,
        identities: vec![Identity::Linear {
            rule: "R11".into(),
            result: "totalt".into(),
            terms: vec![(1, "strukturell".into()), (1, "ovrigt".into())],
        }],
        notes: vec![
            "Strukturell påverkan: effekter av strukturell karaktär, till exempel ändrade \
             volymer eller förändrad verksamhet. Övrigt: merkostnader över normal nivå och \
             ersättningar för dem."
                .into(),
        ],
    }
}

/// Deviation including and excluding special effects per committee.
fn incl_excl_table(inp: &ProgrammeInput<'_>) -> Table {
    let money = inp.money();
    let root = inp.tree.root().map(|r| r.code.clone()).unwrap_or_default();
    let codes = inp.committees();
    let mk = |code: &str, label: String, kind: RowKind, includes: Vec<String>| {
        let e = inp.special.get(code).copied().unwrap_or_default();
        let origin = "prognosrader, särskilda effekter";
        Row {
            key: code.to_string(),
            kind,
            level: 0,
            cells: vec![
                Cell::text(label),
                inp.cell(
                    e.deviation(),
                    inp.fact("avvikelse_inkl_sarskilda", code),
                    origin,
                ),
                inp.cell(e.effect(), inp.fact("sarskilda_effekter", code), origin),
                inp.cell(
                    e.deviation_excluding(),
                    inp.fact("avvikelse_exkl_sarskilda", code),
                    origin,
                ),
            ],
            includes,
        }
    };
    let mut rows: Vec<Row> = codes
        .iter()
        .map(|c| mk(c, inp.name(c), RowKind::Item, vec![]))
        .collect();
    rows.push(mk(&root, inp.name(&root), RowKind::Total, codes.clone()));
    Table {
        id: "resultat-inkl-exkl".into(),
        number: 0,
        caption: format!(
            "Avvikelse mot budget med och utan särskilda effekter, helår {}",
            inp.round.year
        ),
        unit: Some(inp.unit),
        sign_note: Some(
            "Avvikelse = budget − prognos; positiv = överskott. Särskilda effekter som effekt på \
             resultatet (positiv = gynnsam)."
                .into(),
        ),
        groups: vec![],
        columns: vec![
            col("namnd", "Nämnd", Format::Text),
            col("inkl", "Avvikelse inklusive särskilda effekter", money),
            col("effekt", "Särskilda effekter", money),
            col("exkl", "Avvikelse exklusive särskilda effekter", money),
        ],
        rows,
        identities: vec![Identity::Linear {
            rule: "R1".into(),
            result: "exkl".into(),
            terms: vec![(1, "inkl".into()), (-1, "effekt".into())],
        }],
        notes: vec![],
    }
}

/// The proposal for decision: the programme committee adopts the report, and each committee
/// with a deficit excluding special effects gets the task to reach a balanced budget.
pub fn proposal_list(inp: &ProgrammeInput<'_>) -> Block {
    let pn = inp.programme_committee;
    let mut items = vec![Paragraph::text(format!(
        "{} fastställer {}.",
        inp.name(pn),
        inp.round.name().to_lowercase()
    ))];
    items.extend(
        special::proposal(inp.tree, inp.special)
            .into_iter()
            .map(Paragraph::text),
    );
    Block::List {
        ordered: true,
        items,
    }
}

/// The programme committee's own lines (budget, forecast, deviation per kontogrupp).
pub fn own_table(inp: &ProgrammeInput<'_>) -> Table {
    let pn = inp.programme_committee;
    lines_table(
        inp,
        pn,
        &format!("egen-{pn}"),
        format!("{}, helår {}", inp.name(pn), inp.round.year),
    )
}

/// One subsection per committee (not the programme committee) with its lines after the
/// eliminations in its subtree.
pub fn committee_sections(inp: &ProgrammeInput<'_>) -> Vec<Section> {
    let pn = inp.programme_committee;
    let mut out = Vec::new();
    for c in inp.committees().into_iter().filter(|c| c != pn) {
        let mut s = section(
            &format!("namnd-{c}"),
            &inp.name(&c),
            vec![Block::Table(lines_table(
                inp,
                &c,
                &format!("namnd-{c}"),
                format!("{}, helår {}", inp.name(&c), inp.round.year),
            ))],
        );
        if let Some(cmp) = inp.comparison {
            if cmp.not_comparable.contains(&c) {
                s.blocks.push(Block::Paragraph(Paragraph::text(
                    "Jämförelse med föregående år är inte möjlig eftersom nämndens organisation \
                     har ändrats; se fotnoten till programområdets tabell.",
                )));
            }
        }
        out.push(s);
    }
    out
}

/// The programme area per committee, then its gross cost and revenue with the eliminations
/// (the consolidation explained in the footnote).
pub fn area_blocks(inp: &ProgrammeInput<'_>) -> Vec<Block> {
    vec![
        Block::Table(area_table(inp)),
        Block::Table(gross_table(inp)),
    ]
}

/// The intraprenad equity table, `None` when there are no intraprenad opening balances.
pub fn equity_block(inp: &ProgrammeInput<'_>) -> Option<Block> {
    (!inp.equity.is_empty()).then(|| Block::Table(equity_table(inp)))
}

/// Special effects per committee and the deviation including and excluding them.
pub fn special_blocks(inp: &ProgrammeInput<'_>) -> Vec<Block> {
    vec![
        Block::Table(special_table(inp)),
        Block::Table(incl_excl_table(inp)),
    ]
}

/// The programme sections: proposal for decision, the programme committee's own activity,
/// the committees, the consolidated programme area, intraprenader and special effects.
pub fn programme_sections(inp: &ProgrammeInput<'_>) -> Vec<Section> {
    let pn = inp.programme_committee;
    let proposal = section(
        "forslag-till-beslut",
        "Förslag till beslut",
        vec![proposal_list(inp)],
    );
    let own = section(
        "programnamndens-verksamhet",
        &format!("{}s egen verksamhet", inp.name(pn)),
        vec![Block::Table(own_table(inp))],
    );
    let mut committees = section("namnderna", "Nämndernas ekonomiska resultat", vec![]);
    committees.sections = committee_sections(inp);
    let mut area = section(
        "programomradet",
        "Programområdet konsoliderat",
        area_blocks(inp),
    );
    if let Some(b) = equity_block(inp) {
        area.sections
            .push(section("intraprenader", "Intraprenader", vec![b]));
    }
    let effects = section(
        "sarskilda-effekter",
        "Särskilda effekter",
        special_blocks(inp),
    );
    vec![proposal, own, committees, area, effects]
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_consolidate::intraprenad::{
        equity_ledger, CarryForwardRules, IntraprenadOpening, YearFigures,
    };
    use delar_consolidate::{consolidate, InputRow, InternalRule, Series};
    use delar_core::{GroupKind, OrgKind, OrgNode, Organisation, YearMonth};
    use delar_forecast::{Adjustment, AdjustmentKind, ForecastLine, Method};

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

    fn tkr(t: i64) -> Amount {
        Amount::from_kr(t * 1_000).unwrap()
    }

    fn row(node: &str, key: &str, cp: Option<&str>, t: i64) -> InputRow {
        InputRow {
            node: node.into(),
            key: key.into(),
            account: None,
            kind: if key.starts_with("int") || key == "forsaljning" {
                GroupKind::Revenue
            } else {
                GroupKind::Cost
            },
            counterparty: cp.map(str::to_string),
            amounts: Series::one(tkr(t)),
        }
    }

    /// Sum every total's included rows and check the identities, on exact values.
    fn check_table(t: &Table) {
        for r in &t.rows {
            if !matches!(r.kind, RowKind::Total | RowKind::Subtotal) {
                continue;
            }
            for (ci, c) in t.columns.iter().enumerate() {
                if !c.format.is_numeric() {
                    continue;
                }
                let sum: Amount = r
                    .includes
                    .iter()
                    .map(|k| {
                        t.row(k)
                            .unwrap_or_else(|| panic!("{}: no row {k}", t.id))
                            .cells[ci]
                            .value
                            .amount()
                            .unwrap()
                    })
                    .sum();
                assert_eq!(
                    Some(sum),
                    r.cells[ci].value.amount(),
                    "{} {} {}",
                    t.id,
                    r.key,
                    c.key
                );
            }
        }
        for id in &t.identities {
            if let Identity::Linear { result, terms, .. } = id {
                let ri = t.column(result).unwrap();
                for r in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
                    let v: Amount = terms
                        .iter()
                        .map(|(k, c)| {
                            let a = r.cells[t.column(c).unwrap()].value.amount().unwrap();
                            Amount::from_ore(a.ore() * k)
                        })
                        .sum();
                    assert_eq!(Some(v), r.cells[ri].value.amount(), "{} {}", t.id, r.key);
                }
            }
        }
        for r in &t.rows {
            assert_eq!(r.cells.len(), t.columns.len());
            for (c, cell) in t.columns.iter().zip(&r.cells) {
                assert_eq!(cell.text, c.format.render(&cell.value));
            }
        }
    }

    #[test]
    fn programme_tables_foot() {
        use OrgKind::*;
        let org = Organisation::new(vec![
            node("PO", "Programområde social välfärd", Programomrade, None),
            node(
                "PN",
                "Programnämnd social välfärd",
                Programnamnd,
                Some("PO"),
            ),
            node("PN10", "Köp av vård och omsorg", Enhet, Some("PN")),
            node("SN", "Socialnämnden", Namnd, Some("PO")),
            node("SN31", "Öppenvård", Enhet, Some("SN")),
            node("VON", "Vård- och omsorgsnämnden", Namnd, Some("PO")),
            node("VON33", "Linden", Intraprenad, Some("VON")),
        ])
        .unwrap();
        let tree = org.tree_at(YearMonth::new(2025, 8).unwrap());
        let rule = InternalRule::exempelkommun();
        let budget_rows = vec![
            row("PN10", "kop_verksamhet", Some("VON"), 40_000),
            row("PN10", "kop_verksamhet", Some("SN"), 5_000),
            row("PN10", "personal", None, 3_000),
            row("SN31", "intakt_intern", Some("PN"), -5_000),
            row("SN31", "personal", None, 30_000),
            row("VON33", "intakt_intern", Some("PN"), -40_000),
            row("VON33", "personal", None, 39_000),
        ];
        let mut forecast_rows = budget_rows.clone();
        forecast_rows[0].amounts = Series::one(tkr(41_000));
        forecast_rows[5].amounts = Series::one(tkr(-40_900)); // 100 tkr difference
        forecast_rows[6].amounts = Series::one(tkr(39_500));
        forecast_rows[4].amounts = Series::one(tkr(31_200));
        let budget = consolidate(&tree, &budget_rows, &rule).unwrap();
        let forecast = consolidate(&tree, &forecast_rows, &rule).unwrap();
        let names: BTreeMap<String, String> = [
            ("personal", "Personalkostnader"),
            ("kop_verksamhet", "Köp av verksamhet"),
            ("intakt_intern", "Interna intäkter"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let fig = |code: &str| {
            let b = budget.node(code)?.consolidated.clone();
            let f = forecast.node(code)?.consolidated.clone();
            Some(YearFigures {
                budget: b.result.total(),
                forecast: f.result.total(),
                turnover: f.cost.total(),
            })
        };
        let (equity, warnings) = equity_ledger(
            &tree,
            &[IntraprenadOpening {
                code: "VON33".into(),
                year: 2025,
                opening: tkr(1_200),
                planned_use: Amount::ZERO,
                deficit_since: None,
                rules: CarryForwardRules::default(),
            }],
            &fig,
        );
        assert!(warnings.is_empty());
        assert_eq!(equity[0].deviation, tkr(-1_000 + 1_400));
        let lines = vec![ForecastLine {
            node: "SN31".into(),
            group: "personal".into(),
            method: Method::Manual,
            base: tkr(30_000),
            explanation: String::new(),
            adjustments: vec![Adjustment {
                kind: AdjustmentKind::SpecialStructural,
                amount: tkr(1_200),
                low: None,
                high: None,
                comment: "fler placeringar".into(),
                code: None,
            }],
            to_date: Amount::ZERO,
            budget: tkr(25_000),
            comment: None,
        }];
        let (special, _) = special::special_by_level(&tree, &lines);
        let inp = ProgrammeInput {
            round: Round::parse("2025-P2").unwrap(),
            tree: &tree,
            programme_committee: "PN",
            budget: &budget,
            forecast: &forecast,
            line_names: &names,
            line_order: &[],
            equity: &equity,
            special: &special,
            comparison: None,
            method_note: None,
            unit: Unit::Tkr,
            decimals: 0,
        };
        let sections = programme_sections(&inp);
        let mut tables = Vec::new();
        fn collect<'a>(s: &'a Section, out: &mut Vec<&'a Table>) {
            for b in &s.blocks {
                if let Block::Table(t) = b {
                    out.push(t);
                }
            }
            for c in &s.sections {
                collect(c, out);
            }
        }
        for s in &sections {
            collect(s, &mut tables);
        }
        assert_eq!(tables.len(), 8);
        for t in &tables {
            check_table(t);
        }
        let area = tables.iter().find(|t| t.id == "programomrade").unwrap();
        // PO = PN + SN + VON: 49 000 + 26 200 − 1 400 = 73 800 tkr forecast.
        let po = area.row("PO").unwrap();
        assert_eq!(
            po.cells[2].value.amount(),
            Some(tkr(49_000 + 26_200 - 1_400))
        );
        assert_eq!(po.includes, ["PN", "SN", "VON"]);
        let gross = tables
            .iter()
            .find(|t| t.id == "programomrade-brutto")
            .unwrap();
        let diff = gross.row("PO/differens_interna").unwrap();
        assert_eq!(diff.cells[1].value.amount(), Some(tkr(100)));
        assert!(
            gross.notes[0].contains("differensen 100 tkr"),
            "{:?}",
            gross.notes
        );
        let eq = tables.iter().find(|t| t.id == "intraprenader").unwrap();
        assert!(eq
            .identities
            .iter()
            .any(|i| matches!(i, Identity::Linear { rule, .. } if rule == "R6")));
        assert_eq!(
            eq.row("VON33").unwrap().cells[10].value.amount(),
            Some(tkr(1_600))
        );
        // Proposal: SN has a deficit excluding special effects (25 000 − 30 000).
        let Block::List { items, .. } = &sections[0].blocks[0] else {
            panic!()
        };
        let texts: Vec<String> = items.iter().map(|p| p.plain()).collect();
        assert_eq!(
            texts,
            [
                "Programnämnd social välfärd fastställer delårsrapport 2 2025.",
                "Socialnämnden får i uppdrag att vidta åtgärder för att nå en budget i balans."
            ]
        );
        let src = &area.row("SN").unwrap().cells[2]
            .source
            .as_ref()
            .unwrap()
            .fact;
        assert_eq!(src, "prognos/2025-P2/SN");

        // The report's integrity checks (R1–R14) find nothing.
        let mut report = delar_report::Report {
            meta: delar_report::Meta {
                title: "Delårsrapport 2 2025".into(),
                subtitle: "Programnämnd social välfärd".into(),
                organisation: "Exempelkommun".into(),
                round: Round::parse("2025-P2").unwrap(),
                period_label: "januari–augusti 2025".into(),
                date: "2025-09-30".into(),
                draft: false,
                formal: Vec::new(),
                style: None,
            },
            sections,
        };
        report.number();
        let findings = delar_report::check::check(&report);
        assert!(
            findings.is_empty(),
            "{}",
            delar_report::check::render_findings(&findings)
        );
    }
}
