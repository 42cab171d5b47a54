//! The economic tables and charts: driftsammandrag, outcome to date, activities, kontogrupper,
//! bridge from the previous round, forecast accuracy, special effects.

use crate::data::{Figures, Inputs, Rollup};
use crate::definition::{Comparison, Definition, SignConvention};
use delar_core::{Amount, GroupKind, OrgNode, Unit};
use delar_report::{
    Cell, Chart, ChartKind, Column, Format, HeaderGroup, Identity, Row, RowKind, Series,
    SeriesStyle, Table, Value,
};

/// What the table builders share: inputs, roll-up and the definition's settings.
pub struct Ctx<'a> {
    /// The inputs.
    pub inputs: &'a Inputs,
    /// Figures at every node.
    pub rollup: Rollup,
    /// Unit of amounts.
    pub unit: Unit,
    /// Decimals of amounts.
    pub decimals: u8,
    /// Sign convention.
    pub sign: SignConvention,
    /// How last year compares.
    pub comparison: Comparison,
    /// Threshold for drafted paragraphs, in öre.
    pub threshold: Amount,
    /// The formal layer: deciding body, meeting, diary number, recipient.
    pub decision: crate::definition::Decision,
    /// Tables and columns the report leaves out for lack of data (no previous round, no
    /// registers, no volumes): `(table id or id prefix ending in '-', column or None for the
    /// whole table)`. Text bound to them is dropped sentence by sentence instead of refused.
    left_out: std::cell::RefCell<Vec<(String, Option<String>)>>,
}

/// The measures of last year's outcome: shown as `i.u.` when last year is not in the
/// database at all.
const LAST_YEAR_MEASURES: [&str; 2] = ["utfall-fg-ar", "utfall-ack-fg-ar"];

/// The percentage identities with `rows` excepted (their cells are left empty on purpose).
fn with_exceptions(mut ids: Vec<Identity>, rows: &[String]) -> Vec<Identity> {
    for id in &mut ids {
        if let Identity::Ratio { except_rows, .. } | Identity::Change { except_rows, .. } = id {
            except_rows.extend(rows.iter().cloned());
        }
    }
    ids
}

/// Why some rows have no percentages ([`Ctx::net_is_remainder`]).
const REMAINDER_NOTE: &str = "Procent visas inte för nettobelopp som är en liten rest av \
                              interna intäkter och kostnader (nettobudgeten är mindre än \
                              halva kostnadsbudgeten).";

/// The nodes a report breaks down by, and the words for them.
pub struct Breakdown<'a> {
    /// The nodes, in tree order.
    pub nodes: Vec<&'a OrgNode>,
    /// The column heading (`Nämnd`, `Område`).
    pub label: &'static str,
    /// For captions (`per nämnd`).
    pub per: &'static str,
    /// For sentences (`nämnder`).
    pub plural: &'static str,
}

/// A column of an economic table: how to get its value from a row's figures.
#[derive(Clone, Copy)]
pub enum Measure {
    /// An amount in ledger sign (shown with the table's sign convention); the name is the
    /// fact's measure (`budget`, `prognos`).
    Signed(&'static str, fn(&Figures) -> Amount),
    /// A favourable deviation (positive = better), shown as it is.
    Deviation(&'static str, fn(&Figures) -> Amount),
    /// numerator column / denominator column.
    Ratio(&'static str, &'static str),
    /// (new − old) / |old| of two columns.
    Change(&'static str, &'static str),
}

/// A column definition: key, label, measure.
pub struct Col {
    /// Column key.
    pub key: &'static str,
    /// Header label.
    pub label: String,
    /// The measure.
    pub measure: Measure,
}

impl Col {
    /// Annual budget of year `y`.
    fn budget(y: i32) -> Col {
        Col {
            key: "budget",
            label: format!("Budget {y}"),
            measure: Measure::Signed("budget", |f| f.budget),
        }
    }

    /// Full-year forecast of year `y`.
    fn forecast(y: i32) -> Col {
        Col {
            key: "prognos",
            label: format!("Prognos {y}"),
            measure: Measure::Signed("prognos", |f| f.forecast),
        }
    }

    /// Favourable deviation budget − forecast.
    fn deviation() -> Col {
        Col {
            key: "avvikelse",
            label: "Avvikelse".into(),
            measure: Measure::Deviation("avvikelse", Figures::deviation),
        }
    }

    /// Last year's full-year outcome.
    fn last_year(y: i32) -> Col {
        Col {
            key: "utfall_fg",
            label: format!("Utfall {}", y - 1),
            measure: Measure::Signed("utfall-fg-ar", |f| f.last_year),
        }
    }
}

/// A row to build: key, label, kind, level, figures, includes.
pub struct RowSpec {
    /// Row key (node code, group code, `summa`).
    pub key: String,
    /// Label.
    pub label: String,
    /// Kind.
    pub kind: RowKind,
    /// Indent.
    pub level: u8,
    /// The figures.
    pub figures: Figures,
    /// For totals: the rows included.
    pub includes: Vec<String>,
    /// The fact scope (`SN`, `SN/personal`) for source keys.
    pub scope: String,
}

impl<'a> Ctx<'a> {
    /// The context for a definition.
    pub fn new(inputs: &'a Inputs, def: &Definition) -> Ctx<'a> {
        let threshold = Amount::from_ore((def.troskel * def.enhet.ore() as f64).round() as i64);
        Ctx {
            inputs,
            rollup: Rollup::new(inputs),
            unit: def.enhet,
            decimals: def.decimaler,
            sign: def.teckenkonvention,
            comparison: def.jamforelse,
            threshold,
            decision: def.beslut.clone(),
            left_out: Default::default(),
        }
    }

    /// Record that the report leaves out `table` (an id, or an id prefix ending in `-`), or
    /// only its `column`, for lack of data.
    pub fn leave_out(&self, table: &str, column: Option<&str>) {
        self.left_out
            .borrow_mut()
            .push((table.to_string(), column.map(str::to_string)));
    }

    /// Whether a cell of `table`/`column` is missing because the report left it out for lack
    /// of data ([`Ctx::leave_out`]), not because the reference is wrong.
    pub fn is_left_out(&self, table: &str, column: &str) -> bool {
        self.left_out.borrow().iter().any(|(t, c)| {
            let table_matches = t == table || (t.ends_with('-') && table.starts_with(t.as_str()));
            table_matches && c.as_deref().is_none_or(|c| c == column)
        })
    }

    /// True when last year is not in the data at all (a first year): its columns show `i.u.`.
    pub fn no_last_year(&self) -> bool {
        self.inputs.last_year.is_empty()
    }

    /// The amount format.
    pub fn money(&self) -> Format {
        Format::Amount {
            unit: self.unit,
            decimals: self.decimals,
        }
    }

    /// Shown value of a ledger-sign amount.
    pub fn shown(&self, a: Amount) -> Amount {
        if self.sign.factor() < 0 {
            -a
        } else {
            a
        }
    }

    /// The year of the round.
    pub fn year(&self) -> i32 {
        self.inputs.round.year
    }

    /// The period to date as a short label: `jan–aug`.
    pub fn to_date_label(&self) -> String {
        let r = self.inputs.round;
        if r.cutoff == 1 {
            "jan".into()
        } else {
            format!("jan\u{2013}{}", r.cutoff_month().abbr())
        }
    }

    /// The previous round's short name (`prognos 1`), if any.
    pub fn previous_name(&self) -> Option<String> {
        self.inputs.previous.as_ref().map(|(r, _)| round_short(r))
    }

    /// The committees in tree order (programme committee first).
    pub fn committees(&self) -> Vec<&'a OrgNode> {
        let tree = &self.inputs.tree;
        let mut c: Vec<&OrgNode> = tree
            .nodes()
            .iter()
            .filter(|n| n.kind.is_committee())
            .collect();
        c.sort_by_key(|n| {
            (
                n.kind != delar_core::OrgKind::Programnamnd,
                tree.depth(&n.code),
            )
        });
        // keep the tree's own order within a kind
        let order: Vec<&str> = tree.walk().map(|(_, n)| n.code.as_str()).collect();
        c.sort_by_key(|n| {
            (
                n.kind != delar_core::OrgKind::Programnamnd,
                order.iter().position(|o| *o == n.code),
            )
        });
        // Amounts outside every committee ("Ej fördelat på enhet" under the root) are a row of
        // their own, so the rows add up to the total (R16: never dropped).
        c.extend(tree.nodes().iter().filter(|n| {
            delar_core::placement::is_unassigned(&n.code) && tree.committee_of(&n.code).is_none()
        }));
        c.into_iter().filter(|n| self.rollup.has(&n.code)).collect()
    }

    /// What the tables and paragraphs "per nämnd" break down by: the committees, or in a
    /// committee's own report (the root is a committee) the committee's areas, when they add
    /// up to the committee exactly (otherwise the committee itself, as one row).
    pub fn breakdown(&self) -> Breakdown<'a> {
        let committees = Breakdown {
            nodes: self.committees(),
            label: "Nämnd",
            per: "per nämnd",
            plural: "nämnder",
        };
        let Some(root) = self.root() else {
            return committees;
        };
        if !root.kind.is_committee() {
            return committees;
        }
        let children: Vec<&OrgNode> = self
            .inputs
            .tree
            .children(&root.code)
            .into_iter()
            .filter(|n| self.rollup.has(&n.code))
            .collect();
        let mut sum = Figures::default();
        for c in &children {
            sum.add(&self.rollup.total(&c.code));
        }
        if children.len() < 2 || sum != self.rollup.total(&root.code) {
            return committees;
        }
        let areas = children
            .iter()
            .any(|c| c.kind == delar_core::OrgKind::Omrade);
        Breakdown {
            nodes: children,
            label: if areas { "Område" } else { "Enhet" },
            per: if areas { "per område" } else { "per enhet" },
            plural: if areas { "områden" } else { "enheter" },
        }
    }

    /// A node's budget for the cost kontogrupper (gross costs).
    pub fn cost_budget(&self, node: &str) -> Amount {
        self.inputs
            .mapping
            .groups()
            .iter()
            .filter(|g| g.kind == GroupKind::Cost)
            .map(|g| self.rollup.group(node, &g.code).budget)
            .sum()
    }

    /// True when a node's net budget is less than half its cost budget: a provider financed
    /// mostly by internal sales, whose net figures are small remainders, so percentages of
    /// them (förbrukning, change, share of budget) mean nothing.
    pub fn net_is_remainder(&self, node: &str) -> bool {
        if self.inputs.tree.node(node).is_none() {
            return false;
        }
        let net = self.rollup.total(node).budget;
        net.ore().abs().saturating_mul(2) < self.cost_budget(node).ore().abs()
    }

    /// The row of a breakdown table that shows `code`: its own row, or the total row for
    /// the report's root.
    pub fn row_key<'c>(&self, code: &'c str) -> &'c str {
        match self.root() {
            Some(r) if r.code == code => "summa",
            _ => code,
        }
    }

    /// The root node (programme area).
    pub fn root(&self) -> Option<&'a OrgNode> {
        self.inputs.tree.root()
    }

    /// The body that decides on the report: the definition's `[beslut] organ`, else the
    /// programme committee, else the root (a committee deciding on its own report).
    pub fn deciding_body(&self) -> String {
        if let Some(o) = self
            .decision
            .organ
            .as_deref()
            .filter(|o| !o.trim().is_empty())
        {
            return o.trim().to_string();
        }
        self.inputs
            .tree
            .nodes()
            .iter()
            .find(|n| n.kind == delar_core::OrgKind::Programnamnd)
            .or_else(|| self.root())
            .map(|n| n.name.clone())
            .unwrap_or_else(|| "Nämnden".into())
    }

    /// The cover's formal lines: the deciding body, the meeting with its paragraph, the
    /// diary number (the last two only when given).
    pub fn formal_lines(&self) -> Vec<delar_report::FormalLine> {
        let line = |label: &str, value: String| delar_report::FormalLine {
            label: label.into(),
            value,
        };
        let mut out = vec![line("Beslutande organ", self.deciding_body())];
        let meeting = [self.decision.sammantrade.clone(), self.decision.paragraph()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        if !meeting.is_empty() {
            out.push(line("Sammanträde", meeting));
        }
        if let Some(d) = self
            .decision
            .dnr
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            out.push(line("Dnr", d.trim().to_string()));
        }
        out
    }

    /// The sign note of a table built from `cols`: how amounts are signed, then what each
    /// deviation, change and percentage column is, in the words of its header, so the note
    /// never names a column the table does not have (R5).
    pub fn sign_note(&self, cols: &[Col]) -> String {
        let s = self.sign;
        let prev = self
            .previous_name()
            .unwrap_or_else(|| "föregående prognos".into());
        let mut parts: Vec<String> = vec![s.amounts().to_string()];
        let label = |key: &str| cols.iter().find(|c| c.key == key).map(|c| c.label.clone());
        let mut favourable = false;
        for c in cols {
            let name = match c.measure {
                Measure::Deviation(name, _) | Measure::Signed(name, _) => name,
                Measure::Ratio(..) => continue,
                Measure::Change(new, old) => {
                    if let (Some(n), Some(o)) = (label(new), label(old)) {
                        let (n, o) = (lower_first(&n), lower_first(&o));
                        parts.push(format!(
                            "{} = ({n} − {o}) / {o}; positiv = större belopp, för intäkter \
                             högre intäkter.",
                            c.label
                        ));
                    }
                    continue;
                }
            };
            let text = match name {
                "avvikelse" => format!("{} = {}", c.label, s.favourable("budget", "prognos")),
                "avvikelse-ack" => format!(
                    "{} = {}",
                    c.label,
                    s.favourable("periodiserad budget", "utfall")
                ),
                "avvikelse-exkl-sarskilda" => format!(
                    "{} = {} exklusive särskilda poster",
                    c.label,
                    s.favourable("budget", "prognos")
                ),
                "forandring-avvikelse" => {
                    parts.push(format!(
                        "{} = avvikelsen nu − avvikelsen i {prev}; positiv = förbättring.",
                        c.label
                    ));
                    continue;
                }
                "forandring-prognos" => {
                    let cur = round_short(&self.inputs.round);
                    parts.push(format!(
                        "{} = {cur} − {prev}; positiv = {}.",
                        c.label,
                        s.higher_means()
                    ));
                    continue;
                }
                _ => continue,
            };
            if favourable {
                parts.push(format!("{text}."));
            } else {
                favourable = true;
                parts.push(format!("{text}; positiv avvikelse är ett överskott."));
            }
        }
        parts.join(" ")
    }

    /// Build a table from columns and rows.
    pub fn table(
        &self,
        id: &str,
        caption: String,
        cols: &[Col],
        label: &str,
        rows: &[RowSpec],
    ) -> Table {
        let money = self.money();
        let mut columns = vec![Column {
            key: "namn".into(),
            label: label.into(),
            format: Format::Text,
        }];
        let mut identities = Vec::new();
        let mut remainder_rows = false;
        let mut no_data = false;
        let mut excepted: Vec<String> = Vec::new();
        for c in cols {
            let format = match c.measure {
                Measure::Signed(..) | Measure::Deviation(..) => money,
                Measure::Ratio(..) | Measure::Change(..) => Format::Percent { decimals: 0 },
            };
            columns.push(Column {
                key: c.key.into(),
                label: c.label.clone(),
                format,
            });
            match c.measure {
                Measure::Ratio(n, d) => identities.push(Identity::Ratio {
                    rule: "R1".into(),
                    result: c.key.into(),
                    numerator: n.into(),
                    denominator: d.into(),
                    except_rows: Vec::new(),
                }),
                Measure::Change(n, o) => identities.push(Identity::Change {
                    rule: "R1".into(),
                    result: c.key.into(),
                    new: n.into(),
                    old: o.into(),
                    except_rows: Vec::new(),
                }),
                _ => {}
            }
        }
        identities.extend(self.deviation_identities(cols));
        let rows = rows
            .iter()
            .map(|r| {
                let mut cells = vec![Cell::text(r.label.clone())];
                let mut shown: Vec<(&str, Amount)> = Vec::new();
                let node = r.scope.strip_suffix("/netto").unwrap_or(&r.scope);
                let percent_ok = !self.net_is_remainder(node);
                for c in cols {
                    let cell = match c.measure {
                        Measure::Signed(name, _)
                            if self.no_last_year() && LAST_YEAR_MEASURES.contains(&name) =>
                        {
                            // Not zero: unknown. Percentages against it stay empty.
                            no_data = true;
                            Cell::new(Value::NoData, &money)
                                .with_source(format!("{name}/{}", r.scope), origin(name, &r.scope))
                        }
                        Measure::Signed(name, f) => {
                            let v = self.shown(f(&r.figures));
                            shown.push((c.key, v));
                            Cell::new(Value::Amount(v), &money)
                                .with_source(format!("{name}/{}", r.scope), origin(name, &r.scope))
                        }
                        Measure::Deviation(name, f) => {
                            let v = f(&r.figures);
                            shown.push((c.key, v));
                            Cell::new(Value::Amount(v), &money)
                                .with_source(format!("{name}/{}", r.scope), origin(name, &r.scope))
                        }
                        Measure::Ratio(..) | Measure::Change(..) if !percent_ok => {
                            remainder_rows = true;
                            if !excepted.contains(&r.key) {
                                excepted.push(r.key.clone());
                            }
                            Cell::empty()
                        }
                        Measure::Ratio(n, d) => {
                            let get = |k: &str| shown.iter().find(|(kk, _)| *kk == k).map(|x| x.1);
                            ratio_cell(get(n), get(d))
                        }
                        Measure::Change(n, o) => {
                            let get = |k: &str| shown.iter().find(|(kk, _)| *kk == k).map(|x| x.1);
                            change_cell(get(n), get(o))
                        }
                    };
                    cells.push(cell);
                }
                Row {
                    key: r.key.clone(),
                    kind: r.kind,
                    level: r.level,
                    cells,
                    includes: r.includes.clone(),
                }
            })
            .collect();
        Table {
            id: id.into(),
            number: 0,
            caption,
            unit: Some(self.unit),
            sign_note: Some(self.sign_note(cols)),
            groups: Vec::new(),
            columns,
            rows,
            identities: with_exceptions(identities, &excepted),
            notes: [
                remainder_rows.then(|| REMAINDER_NOTE.to_string()),
                no_data.then(|| {
                    format!(
                        "i.u. = ingen uppgift: utfallet för {} finns inte i databasen.",
                        self.year() - 1
                    )
                }),
            ]
            .into_iter()
            .flatten()
            .collect(),
        }
    }

    /// R1 identities for the known deviation columns present in `cols`.
    fn deviation_identities(&self, cols: &[Col]) -> Vec<Identity> {
        let has = |k: &str| cols.iter().any(|c| c.key == k);
        let s = self.sign.factor();
        let mut out = Vec::new();
        let mut diff = |result: &str, budget: &str, actual: &str| {
            if has(result) && has(budget) && has(actual) {
                out.push(Identity::Linear {
                    rule: "R1".into(),
                    result: result.into(),
                    terms: vec![(s, budget.into()), (-s, actual.into())],
                });
            }
        };
        diff("avvikelse", "budget", "prognos");
        diff("avvikelse_ack", "pbudget_ack", "utfall_ack");
        if has("forandring") && has("avvikelse") && has("avvikelse_fg") {
            out.push(Identity::Linear {
                rule: "R1".into(),
                result: "forandring".into(),
                terms: vec![(1, "avvikelse".into()), (-1, "avvikelse_fg".into())],
            });
        }
        if has("forandring_prognos") && has("prognos") && has("prognos_fg") {
            out.push(Identity::Linear {
                rule: "R1".into(),
                result: "forandring_prognos".into(),
                terms: vec![(1, "prognos".into()), (-1, "prognos_fg".into())],
            });
        }
        if has("sarskilda") && has("strukturella") && has("ovriga") {
            out.push(Identity::Linear {
                rule: "R11".into(),
                result: "sarskilda".into(),
                terms: vec![(1, "strukturella".into()), (1, "ovriga".into())],
            });
        }
        if has("avvikelse_exkl") && has("avvikelse") && has("sarskilda") {
            out.push(Identity::Linear {
                rule: "R1".into(),
                result: "avvikelse_exkl".into(),
                terms: vec![(1, "avvikelse".into()), (1, "sarskilda".into())],
            });
        }
        out
    }

    /// Rows for the breakdown nodes ([`Ctx::breakdown`]) and a total for the root.
    pub fn breakdown_rows(&self) -> Vec<RowSpec> {
        let mut rows: Vec<RowSpec> = self
            .breakdown()
            .nodes
            .iter()
            .map(|n| RowSpec {
                key: n.code.clone(),
                label: n.name.clone(),
                kind: RowKind::Item,
                level: 0,
                figures: self.rollup.total(&n.code),
                includes: vec![],
                scope: n.code.clone(),
            })
            .collect();
        if let Some(root) = self.root() {
            let includes = rows.iter().map(|r| r.key.clone()).collect();
            rows.push(RowSpec {
                key: "summa".into(),
                label: format!("Summa {}", lower_first(&root.name)),
                kind: RowKind::Total,
                level: 0,
                figures: self.rollup.total(&root.code),
                includes,
                scope: root.code.clone(),
            });
        }
        rows
    }

    /// Driftsammandrag per committee, full year.
    pub fn operating_statement(&self) -> Table {
        let y = self.year();
        let mut cols = vec![Col::budget(y), Col::forecast(y), Col::deviation()];
        if let Some(prev) = self.previous_name() {
            cols.push(Col {
                key: "avvikelse_fg",
                label: format!("Avvikelse {prev}"),
                measure: Measure::Deviation("avvikelse-fg-prognos", Figures::previous_deviation),
            });
            cols.push(Col {
                key: "forandring",
                label: format!("Förändring av avvikelsen sedan {prev}"),
                measure: Measure::Deviation("forandring-avvikelse", |f| {
                    f.deviation() - f.previous_deviation()
                }),
            });
        } else {
            // The first round of the year: nothing to compare with.
            self.leave_out("drift", Some("avvikelse_fg"));
            self.leave_out("drift", Some("forandring"));
        }
        cols.push(Col {
            key: "utfall_fg",
            label: format!("Utfall {}", y - 1),
            measure: Measure::Signed("utfall-fg-ar", |f| f.last_year),
        });
        let mut t = self.table(
            "drift",
            format!(
                "Driftredovisning {per}, helår {y}",
                per = self.breakdown().per
            ),
            &cols,
            self.breakdown().label,
            &self.breakdown_rows(),
        );
        t.groups = vec![
            HeaderGroup {
                label: String::new(),
                span: 1,
            },
            HeaderGroup {
                label: format!("Helår {y}"),
                span: cols.len() - 1,
            },
            HeaderGroup {
                label: String::new(),
                span: 1,
            },
        ];
        t.notes.push(
            "Programområdets summa är nämndernas nettokostnader tillsammans; interna köp och \
             försäljningar mellan nämnderna tar ut varandra i nettot."
                .into(),
        );
        t.notes.push(self.budget_basis());
        if let Some(n) = self.comparison_note() {
            t.notes.push(n);
        }
        if let Some(n) = self.range_note() {
            t.notes.push(n);
        }
        t
    }

    /// A note on the forecast's 80 % range per row of the breakdown and for the total (net
    /// cost), when the round has ranges.
    fn range_note(&self) -> Option<String> {
        let ranges = &self.inputs.ranges;
        let mut nodes: Vec<(&str, String)> = self
            .breakdown()
            .nodes
            .iter()
            .map(|n| (n.code.as_str(), n.name.clone()))
            .collect();
        if let Some(root) = self.root() {
            nodes.push((root.code.as_str(), lower_first(&root.name)));
        }
        let parts: Vec<String> = nodes
            .iter()
            .filter_map(|(code, name)| {
                let (lo, hi) = ranges.get(*code)?;
                Some(format!(
                    "{name} {} till {}",
                    lo.format(self.unit, self.decimals),
                    hi.format(self.unit, self.decimals)
                ))
            })
            .collect();
        if parts.is_empty() {
            return None;
        }
        Some(format!(
            "Helårsprognosens nettokostnad ligger med 80 % sannolikhet inom ({}): {}. \
             Intervallen bygger på hur mycket prognoserna missade när tidigare år spelades upp \
             vid samma brytmånad.",
            self.unit.label(),
            parts.join("; ")
        ))
    }

    /// The budget basis, stated once under the operating statement: the year's budget and the
    /// changes decided during the year that are in force at the cut-off.
    pub fn budget_basis(&self) -> String {
        let y = self.year();
        let changes = &self.inputs.budget_changes;
        if changes.is_empty() {
            return format!("Budget {y} är årets budget som den gällde vid brytmånaden.");
        }
        let list: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{} (beslutad {}, {} {})",
                    c.name,
                    c.decided,
                    self.money().render(&Value::Amount(self.shown(c.amount))),
                    self.unit.label()
                )
            })
            .collect();
        format!(
            "Budget {y} är årets budget med de ändringar som beslutats under året: {}.",
            list.join(", ")
        )
    }

    /// Outcome to date per committee against the periodised budget.
    pub fn to_date_statement(&self) -> Table {
        let y = self.year();
        let p = self.to_date_label();
        let cols = vec![
            Col {
                key: "utfall_ack",
                label: format!("Utfall {p} {y}"),
                measure: Measure::Signed("utfall-ack", |f| f.to_date),
            },
            Col {
                key: "pbudget_ack",
                label: format!("Periodiserad budget {p}"),
                measure: Measure::Signed("periodiserad-budget-ack", |f| f.budget_to_date),
            },
            Col {
                key: "avvikelse_ack",
                label: "Avvikelse".into(),
                measure: Measure::Deviation("avvikelse-ack", |f| f.budget_to_date - f.to_date),
            },
            Col {
                key: "forbrukning",
                label: "Förbrukning".into(),
                measure: Measure::Ratio("utfall_ack", "pbudget_ack"),
            },
            Col {
                key: "utfall_ack_fg",
                label: format!("Utfall {p} {}", y - 1),
                measure: Measure::Signed("utfall-ack-fg-ar", |f| f.last_year_to_date),
            },
            Col {
                key: "forandring_ack",
                label: format!("Förändring mot {}", y - 1),
                measure: Measure::Change("utfall_ack", "utfall_ack_fg"),
            },
        ];
        let mut t = self.table(
            "ackumulerat",
            format!(
                "Utfall {p} {y} mot periodiserad budget {per}",
                per = self.breakdown().per
            ),
            &cols,
            self.breakdown().label,
            &self.breakdown_rows(),
        );
        t.notes.push(
            "Förbrukning = utfall / periodiserad budget. Budgeten är periodiserad månad för \
             månad efter verksamhetens profil."
                .into(),
        );
        t
    }

    /// Full year per activity code.
    pub fn activity_statement(&self) -> Table {
        let y = self.year();
        let acts = self.rollup.activities();
        let mut rows: Vec<RowSpec> = acts
            .iter()
            .map(|(code, f)| RowSpec {
                key: if code.is_empty() {
                    "ovrigt".into()
                } else {
                    code.clone()
                },
                label: if code.is_empty() {
                    self.inputs.activity_name(code)
                } else {
                    format!("{code} {}", self.inputs.activity_name(code))
                },
                kind: RowKind::Item,
                level: 0,
                figures: *f,
                includes: vec![],
                scope: format!("verksamhet/{code}"),
            })
            .collect();
        let includes = rows.iter().map(|r| r.key.clone()).collect();
        let root = self.root().map(|r| r.code.clone()).unwrap_or_default();
        rows.push(RowSpec {
            key: "summa".into(),
            label: "Summa".into(),
            kind: RowKind::Total,
            level: 0,
            figures: self.rollup.total(&root),
            includes,
            scope: root,
        });
        let cols = vec![
            Col::last_year(y),
            Col::budget(y),
            Col::forecast(y),
            Col::deviation(),
        ];
        let mut t = self.table(
            "verksamhet",
            format!("Nettokostnad per verksamhet, helår {y}"),
            &cols,
            "Verksamhet",
            &rows,
        );
        t.notes.push(
            "Verksamhet enligt SCB:s verksamhetsindelning; varje enhet redovisas på sin \
             huvudverksamhet, så en beställares köp står på beställarens verksamhet och inte på \
             den verksamhet som köps. Tabellen visar nämndernas nettokostnad, inte kommunens \
             kostnad per verksamhet enligt räkenskapssammandraget (den som Kolada redovisar per \
             invånare)."
                .into(),
        );
        t
    }

    /// Kontogrupp table of a node: revenues, costs, net cost.
    pub fn group_statement(&self, node: &str) -> Option<Table> {
        let y = self.year();
        let p = self.to_date_label();
        let name = self.inputs.tree.node(node)?.name.clone();
        let mut rows = Vec::new();
        let mut rev_keys = Vec::new();
        let mut cost_keys = Vec::new();
        let mut tech_keys = Vec::new();
        for kind in [GroupKind::Revenue, GroupKind::Cost, GroupKind::Technical] {
            for g in self
                .inputs
                .mapping
                .groups()
                .iter()
                .filter(|g| g.kind == kind)
            {
                let f = self.rollup.group(node, &g.code);
                if f == Figures::default() {
                    continue;
                }
                // Technical budget posts stand on their own between costs and net cost.
                let technical = kind == GroupKind::Technical;
                rows.push(RowSpec {
                    key: g.code.clone(),
                    label: g.name.clone(),
                    kind: RowKind::Item,
                    level: if technical { 0 } else { 1 },
                    figures: f,
                    includes: vec![],
                    scope: format!("{node}/{}", g.code),
                });
                match kind {
                    GroupKind::Revenue => rev_keys.push(g.code.clone()),
                    GroupKind::Technical => tech_keys.push(g.code.clone()),
                    _ => cost_keys.push(g.code.clone()),
                }
            }
            if kind == GroupKind::Technical {
                continue;
            }
            let keys = if kind == GroupKind::Revenue {
                &rev_keys
            } else {
                &cost_keys
            };
            let mut sum = Figures::default();
            for k in keys {
                let f = self.rollup.group(node, k);
                sum.add(&f);
            }
            if keys.is_empty() {
                continue;
            }
            let (key, label, scope) = if kind == GroupKind::Revenue {
                ("intakter", "Summa intäkter", format!("{node}/intakter"))
            } else {
                ("kostnader", "Summa kostnader", format!("{node}/kostnader"))
            };
            rows.push(RowSpec {
                key: key.into(),
                label: label.into(),
                kind: RowKind::Subtotal,
                level: 0,
                figures: sum,
                includes: keys.clone(),
                scope,
            });
        }
        // Net cost: revenues + costs + technical budget posts (financial groups are outside
        // the operating result).
        let mut net = Figures::default();
        for k in rev_keys.iter().chain(&cost_keys).chain(&tech_keys) {
            net.add(&self.rollup.group(node, k));
        }
        rows.push(RowSpec {
            key: "netto".into(),
            label: "Nettokostnad".into(),
            kind: RowKind::Total,
            level: 0,
            figures: net,
            includes: [("intakter", &rev_keys), ("kostnader", &cost_keys)]
                .iter()
                .filter(|(_, k)| !k.is_empty())
                .map(|(s, _)| s.to_string())
                .chain(tech_keys.iter().cloned())
                .collect(),
            scope: if net == self.rollup.total(node) {
                node.to_string()
            } else {
                format!("{node}/netto")
            },
        });
        let cols = vec![
            Col::last_year(y),
            Col::budget(y),
            Col {
                key: "utfall_ack_fg",
                label: format!("Utfall {p} {}", y - 1),
                measure: Measure::Signed("utfall-ack-fg-ar", |f| f.last_year_to_date),
            },
            Col {
                key: "utfall_ack",
                label: format!("Utfall {p} {y}"),
                measure: Measure::Signed("utfall-ack", |f| f.to_date),
            },
            Col::forecast(y),
            Col::deviation(),
            Col {
                key: "forandring_pct",
                label: format!("Förändring mot {}", y - 1),
                measure: Measure::Change("prognos", "utfall_fg"),
            },
        ];
        let mut t = self.table(
            &format!("kontogrupper-{node}"),
            format!("{name}: intäkter och kostnader per kontogrupp"),
            &cols,
            "Kontogrupp",
            &rows,
        );
        // The programme area's gross figures hold its committees' trade with each other; a
        // committee's own figures hold trade with other committees, which is real to it.
        if self
            .inputs
            .tree
            .root()
            .is_some_and(|r| r.code == node && r.kind == delar_core::OrgKind::Programomrade)
        {
            t.notes.push(
                "Programområdets intäkter och kostnader innehåller nämndernas interna köp och \
                 försäljningar brutto; de tar ut varandra i nettokostnaden."
                    .into(),
            );
        }
        Some(t)
    }

    /// The bridge from the previous round, per committee.
    pub fn bridge_table(&self) -> Option<Table> {
        let (prev_round, prev) = self.inputs.previous.as_ref()?;
        let prev_name = round_short(prev_round);
        let cur_name = round_short(&self.inputs.round);
        let cols = vec![
            Col {
                key: "prognos_fg",
                label: upper_first(&prev_name),
                measure: Measure::Signed("prognos-fg-prognos", |f| f.previous),
            },
            Col {
                key: "prognos",
                label: upper_first(&cur_name),
                measure: Measure::Signed("prognos", |f| f.forecast),
            },
            Col {
                key: "forandring_prognos",
                label: "Förändring".into(),
                measure: Measure::Signed("forandring-prognos", |f| f.forecast - f.previous),
            },
        ];
        let mut t = self.table(
            "brygga",
            format!(
                "Prognosförändring från {prev_name} till {cur_name} {per}",
                per = self.breakdown().per
            ),
            &cols,
            self.breakdown().label,
            &self.breakdown_rows(),
        );
        // The main reasons per committee, from the line bridge.
        let rows = delar_forecast::bridge(prev, &self.inputs.lines);
        t.columns.push(Column {
            key: "orsak".into(),
            label: "Främsta orsaker".into(),
            format: Format::Text,
        });
        for row in &mut t.rows {
            let code = if row.key == "summa" {
                String::new()
            } else {
                row.key.clone()
            };
            let mut changes: Vec<&delar_forecast::BridgeRow> = rows
                .iter()
                .filter(|b| {
                    !code.is_empty()
                        && (b.node == code
                            || self
                                .inputs
                                .tree
                                .ancestors(&b.node)
                                .iter()
                                .any(|a| a.code == code))
                })
                .filter(|b| !b.change.is_zero())
                .collect();
            changes.sort_by_key(|b| std::cmp::Reverse(b.change.ore().abs()));
            let text = changes
                .iter()
                .take(2)
                .map(|b| {
                    let group = self
                        .inputs
                        .mapping
                        .group(&b.group)
                        .map(|g| delar_core::words::lower(&g.name))
                        .unwrap_or_else(|| b.group.clone());
                    let unit = self
                        .inputs
                        .tree
                        .node(&b.node)
                        .map(|n| n.name.clone())
                        .unwrap_or_else(|| b.node.clone());
                    format!("{unit}, {group}")
                })
                .collect::<Vec<_>>()
                .join("; ");
            row.cells.push(Cell::text(text));
        }
        t.notes
            .push("Orsakerna är de prognosrader vars prognos ändrats mest.".into());
        Some(t)
    }

    /// Forecast accuracy history (prognossäkerhet) per committee.
    pub fn accuracy_table(&self) -> Option<Table> {
        let acc = &self.inputs.accuracy;
        if acc.is_empty() {
            return None;
        }
        let mut rounds: Vec<delar_core::Round> = acc.iter().map(|a| a.round).collect();
        rounds.sort_by_key(|r| (r.year, r.cutoff));
        rounds.dedup();
        let money = self.money();
        let pct = Format::Percent { decimals: 1 };
        let with_ranges = acc.iter().any(|a| a.range.is_some());
        let mut columns = vec![Column {
            key: "namn".into(),
            label: "Nämnd".into(),
            format: Format::Text,
        }];
        for r in &rounds {
            columns.push(Column {
                key: format!("fel-{}", r.id()),
                label: format!("{} prognosfel", round_label(r)),
                format: money,
            });
            columns.push(Column {
                key: format!("andel-{}", r.id()),
                label: "i % av kostnadsbudget".into(),
                format: pct,
            });
            if with_ranges {
                columns.push(Column {
                    key: format!("inom-{}", r.id()),
                    label: "Bokslut inom prognosintervallet".into(),
                    format: Format::Text,
                });
            }
        }
        // In a committee's own report the committee is the root: only its total row.
        let root_code = self.root().map(|r| r.code.clone());
        let mut nodes: Vec<(String, String)> = self
            .committees()
            .iter()
            .filter(|n| Some(&n.code) != root_code.as_ref())
            .map(|n| (n.code.clone(), n.name.clone()))
            .collect();
        // The root's row is a total of the committees above it; alone (a committee's own
        // report) it is the committee's row.
        let alone = nodes.is_empty();
        if let Some(root) = self.root() {
            nodes.push((
                root.code.clone(),
                if alone {
                    root.name.clone()
                } else {
                    format!("Summa {}", lower_first(&root.name))
                },
            ));
        }
        let mut rows = Vec::new();
        let mut identities = Vec::new();
        for r in &rounds {
            let _ = r;
        }
        for (code, name) in &nodes {
            let mut cells = vec![Cell::text(name.clone())];
            for r in &rounds {
                let row = acc.iter().find(|a| a.round == *r && &a.node == code);
                match row {
                    Some(a) => {
                        // favourable error: outcome better than forecast is positive
                        let err = a.forecast - a.outcome;
                        cells.push(Cell::new(Value::Amount(err), &money).with_source(
                            format!("prognosfel/{}/{code}", r.id()),
                            format!("prognos {} mot bokslut", r.id()),
                        ));
                        cells.push(if a.budget.is_zero() {
                            Cell::empty()
                        } else {
                            Cell::new(
                                Value::Ratio(err.ore() as f64 / a.budget.ore().abs() as f64),
                                &pct,
                            )
                        });
                        if with_ranges {
                            cells.push(match a.range {
                                Some((lo, hi)) if lo <= a.outcome && a.outcome <= hi => {
                                    Cell::text("ja")
                                }
                                Some(_) => Cell::text("nej"),
                                None => Cell::empty(),
                            });
                        }
                    }
                    None => {
                        cells.push(Cell::empty());
                        cells.push(Cell::empty());
                        if with_ranges {
                            cells.push(Cell::empty());
                        }
                    }
                }
            }
            rows.push(Row {
                key: code.clone(),
                kind: if !alone && self.root().map(|r| &r.code) == Some(code) {
                    RowKind::Total
                } else {
                    RowKind::Item
                },
                level: 0,
                cells,
                includes: vec![],
            });
        }
        let committee_keys: Vec<String> = self
            .committees()
            .iter()
            .filter(|n| Some(&n.code) != root_code.as_ref())
            .map(|n| n.code.clone())
            .collect();
        if let Some(last) = rows.last_mut() {
            if last.kind == RowKind::Total {
                last.includes = committee_keys;
            }
        }
        identities.clear();
        Some(Table {
            id: "prognossakerhet".into(),
            number: 0,
            caption: "Prognossäkerhet: helårsprognosen mot bokslutet".into(),
            unit: Some(self.unit),
            sign_note: Some(
                "Prognosfel = prognos − bokslut (nettokostnad); positivt fel betyder att \
                 bokslutet blev bättre än prognosen."
                    .into(),
            ),
            groups: vec![],
            columns,
            rows,
            identities,
            notes: {
                // Say, per round, whether its forecast is the one adopted then or a replay of
                // today's methods: only the first measures the forecasts the committee had.
                let (adopted, replayed): (Vec<_>, Vec<_>) = rounds
                    .iter()
                    .partition(|r| acc.iter().filter(|a| a.round == **r).all(|a| a.adopted));
                let labels = |rs: &[&delar_core::Round]| {
                    let v: Vec<String> = rs.iter().map(|r| round_label(r)).collect();
                    match v.split_last() {
                        Some((last, rest)) if !rest.is_empty() => {
                            format!("{} och {last}", rest.join(", "))
                        }
                        _ => v.concat(),
                    }
                };
                let mut n = Vec::new();
                if !adopted.is_empty() {
                    n.push(if adopted.len() == 1 {
                        format!(
                            "{} är den helårsprognos som lades i omgången då, sparad i delar.",
                            labels(&adopted)
                        )
                    } else {
                        format!(
                            "{} är de helårsprognoser som lades i omgångarna då, sparade i delar.",
                            labels(&adopted)
                        )
                    });
                }
                if !replayed.is_empty() {
                    n.push(if replayed.len() == 1 {
                        format!(
                            "{} är återskapad: den prognos dagens metoder ger vid samma \
                             brytmånad, eftersom ingen omgång sparades det året. Den mäter \
                             metoden, inte den prognos nämnden fick.",
                            labels(&replayed)
                        )
                    } else {
                        format!(
                            "{} är återskapade: de prognoser dagens metoder ger vid samma \
                             brytmånad, eftersom inga omgångar sparades de åren. De mäter \
                             metoden, inte de prognoser nämnden fick.",
                            labels(&replayed)
                        )
                    });
                }
                if with_ranges {
                    n.push(
                        "Prognosintervallet är prognosens 80 %-intervall, från hur mycket \
                         prognoserna missade när åren före spelades upp vid samma brytmånad; \
                         i fyra fall av fem bör bokslutet hamna inom det."
                            .into(),
                    );
                }
                n
            },
        })
    }

    /// A provider committee's assignment revenue per purchaser (uppdragsintäkter): the
    /// full-year forecast of its sales to each committee it sells to, from the programme
    /// area's eliminations (budgets carry no purchaser, so there is no budget column).
    /// `None` when it sells nothing to other committees.
    pub fn provider_table(&self) -> Option<Table> {
        let sales = &self.inputs.provider_sales;
        if sales.is_empty() {
            return None;
        }
        let root = self.root()?;
        let y = self.year();
        let mut rows: Vec<RowSpec> = sales
            .iter()
            .map(|s| RowSpec {
                key: s.buyer.clone(),
                label: s.buyer_name.clone(),
                kind: RowKind::Item,
                level: 0,
                figures: Figures {
                    forecast: s.forecast,
                    forecast_excl_special: s.forecast,
                    ..Figures::default()
                },
                includes: vec![],
                scope: format!("uppdrag/{}/{}", root.code, s.buyer),
            })
            .collect();
        let total = Figures {
            forecast: sales.iter().map(|s| s.forecast).sum(),
            forecast_excl_special: sales.iter().map(|s| s.forecast).sum(),
            ..Figures::default()
        };
        let includes = rows.iter().map(|r| r.key.clone()).collect();
        rows.push(RowSpec {
            key: "summa".into(),
            label: "Summa uppdragsintäkter".into(),
            kind: RowKind::Total,
            level: 0,
            figures: total,
            includes,
            scope: format!("uppdrag/{}", root.code),
        });
        let cols = vec![Col::forecast(y)];
        let mut t = self.table(
            "uppdragsintakter",
            format!("{}: uppdragsintäkter per beställare, helår {y}", root.name),
            &cols,
            "Beställare",
            &rows,
        );
        t.notes.push(
            "Försäljning till andra nämnder i programområdet, enligt de interna köp och \
             försäljningar som elimineras i programområdets sammanställning."
                .into(),
        );
        Some(t)
    }

    /// The action plan of a report whose root is in deficit (åtgärdsplan): per area under
    /// the root with a deficit at or above the threshold, the deviation, the kontogrupper that
    /// drive it, the efficiency measures registered for the area and their forecast effect,
    /// and when it is followed up. `None` when the root's forecast is not a deficit.
    pub fn action_plan_table(&self) -> Option<Table> {
        let root = self.root()?;
        if self.rollup.total(&root.code).deviation() >= Amount::ZERO {
            return None;
        }
        let tree = &self.inputs.tree;
        let money = self.money();
        let year = self.year();
        let cutoff = self.inputs.round.cutoff;
        let follow_up = {
            let next = if cutoff < 4 {
                "delårsrapporten per april".to_string()
            } else if cutoff < 8 {
                "delårsrapporten per augusti".to_string()
            } else {
                format!("årsredovisningen {year}")
            };
            if cutoff < 11 {
                format!(
                    "Månadsuppföljning {} och {next}",
                    delar_core::period::MONTH_NAMES[cutoff as usize]
                )
            } else {
                format!("I {next}")
            }
        };
        let measures: Vec<&delar_followup::model::EfficiencyMeasure> = self
            .inputs
            .followup
            .as_ref()
            .map(|f| {
                f.data
                    .efficiency
                    .iter()
                    .filter(|m| m.month.year() == year)
                    .collect()
            })
            .unwrap_or_default();
        let under = |node: &str, area: &str| {
            node == area || tree.ancestors(node).iter().any(|a| a.code == area)
        };
        let mut rows = Vec::new();
        let mut areas: Vec<&OrgNode> = tree.children(&root.code);
        areas.sort_by_key(|a| self.rollup.total(&a.code).deviation());
        let mut placed: Vec<&str> = Vec::new();
        for area in areas {
            let dev = self.rollup.total(&area.code).deviation();
            if dev > -self.threshold {
                continue;
            }
            // What drives it: the kontogrupper with the largest deficits in the area.
            // A cost group's deficit is a higher cost, a revenue group's a lower revenue; a
            // technical budget post is named as it is.
            let mut drivers: Vec<(Amount, String)> = self
                .inputs
                .mapping
                .groups()
                .iter()
                .map(|g| {
                    let name = lower_first(&g.name);
                    let said = match g.kind {
                        GroupKind::Cost => format!("högre {name}"),
                        GroupKind::Revenue => format!("lägre {name}"),
                        _ => name,
                    };
                    (self.rollup.group(&area.code, &g.code).deviation(), said)
                })
                .filter(|(d, _)| *d <= -self.threshold)
                .collect();
            drivers.sort();
            let analysis = match drivers.as_slice() {
                [] => "Flera mindre avvikelser".to_string(),
                [(_, a)] => format!("Främst {a}"),
                [(_, a), (_, b), ..] => format!("Främst {a} och {b}"),
            };
            let mine: Vec<_> = measures
                .iter()
                .filter(|m| {
                    m.ansvar
                        .as_deref()
                        .is_some_and(|n| n != root.code && under(n, &area.code))
                })
                .collect();
            placed.extend(mine.iter().map(|m| m.code.as_str()));
            rows.push((
                area.code.clone(),
                area.name.clone(),
                Some(dev),
                analysis,
                mine,
            ));
        }
        if rows.is_empty() {
            return None;
        }
        // Measures of the committee as a whole (ansvar the committee, or none).
        let common: Vec<_> = measures
            .iter()
            .filter(|m| under(&m.committee, &root.code) || root.code == m.committee)
            .filter(|m| !placed.contains(&m.code.as_str()))
            .filter(|m| {
                m.ansvar
                    .as_deref()
                    .is_none_or(|n| n == root.code || tree.node(n).is_none())
            })
            .collect();
        if !common.is_empty() {
            rows.push((
                format!("{}-gemensamt", root.code),
                format!("{} gemensamt", root.name),
                None,
                "Åtgärder för nämndens hela verksamhet".to_string(),
                common,
            ));
        }
        let columns = vec![
            Column {
                key: "omrade".into(),
                label: "Område".into(),
                format: Format::Text,
            },
            Column {
                key: "avvikelse".into(),
                label: "Avvikelse".into(),
                format: money,
            },
            Column {
                key: "analys".into(),
                label: "Analys".into(),
                format: Format::Text,
            },
            Column {
                key: "atgard".into(),
                label: "Åtgärd".into(),
                format: Format::Text,
            },
            Column {
                key: "effekt".into(),
                label: "Ekonomisk effekt i år".into(),
                format: money,
            },
            Column {
                key: "uppfoljning".into(),
                label: "Uppföljning".into(),
                format: Format::Text,
            },
        ];
        let rows = rows
            .into_iter()
            .map(|(code, name, dev, analysis, mine)| {
                let deviation = match dev {
                    Some(d) => Cell::new(Value::Amount(d), &money)
                        .with_source(format!("avvikelse/{code}"), origin("avvikelse", &code)),
                    None => Cell::empty(),
                };
                let (action, effect) = if mine.is_empty() {
                    (
                        "Ingen åtgärd registrerad i effektiviseringsregistret".to_string(),
                        Cell::empty(),
                    )
                } else {
                    let names: Vec<&str> = mine.iter().map(|m| m.name.as_str()).collect();
                    let sum = mine
                        .iter()
                        .fold(Amount::ZERO, |s, m| s + m.forecast.unwrap_or(Amount::ZERO));
                    (
                        names.join("; "),
                        Cell::new(Value::Amount(sum), &money).with_source(
                            format!("atgardsplan/{code}/effekt"),
                            "effektiviseringar.csv: prognostiserad effekt",
                        ),
                    )
                };
                Row {
                    key: code,
                    kind: RowKind::Item,
                    level: 0,
                    cells: vec![
                        Cell::text(name),
                        deviation,
                        Cell::text(analysis),
                        Cell::text(action),
                        effect,
                        Cell::text(follow_up.clone()),
                    ],
                    includes: vec![],
                }
            })
            .collect();
        Some(Table {
            id: "atgardsplan".into(),
            number: 0,
            caption: format!("Åtgärdsplan för {}", lower_first(&root.name)),
            unit: Some(self.unit),
            sign_note: Some(
                "Avvikelse = budget − prognos; negativ = underskott. Ekonomisk effekt = \
                 åtgärdernas prognostiserade minskning av nettokostnaden i år."
                    .into(),
            ),
            groups: vec![],
            columns,
            rows,
            identities: vec![],
            notes: vec![
                "Områden med ett underskott från tröskelvärdet och uppåt; åtgärderna är de som \
                 står i effektiviseringsregistret för området."
                    .into(),
            ],
        })
    }

    /// Special effects per committee and results including and excluding them.
    pub fn special_table(&self) -> Table {
        let y = self.year();
        let cols = vec![
            Col {
                key: "avvikelse",
                label: "Avvikelse inkl. särskilda poster".into(),
                measure: Measure::Deviation("avvikelse", Figures::deviation),
            },
            Col {
                key: "strukturella",
                label: "Strukturella".into(),
                measure: Measure::Signed("sarskilda-strukturella", |f| f.special_structural),
            },
            Col {
                key: "ovriga",
                label: "Övriga".into(),
                measure: Measure::Signed("sarskilda-ovriga", |f| f.special_other),
            },
            Col {
                key: "sarskilda",
                label: "Särskilda poster".into(),
                measure: Measure::Signed("sarskilda", |f| f.special_structural + f.special_other),
            },
            Col {
                key: "avvikelse_exkl",
                label: "Avvikelse exkl. särskilda poster".into(),
                measure: Measure::Deviation("avvikelse-exkl-sarskilda", |f| {
                    f.budget - f.forecast_excl_special
                }),
            },
        ];
        let mut t = self.table(
            "sarskilda",
            format!(
                "Särskilda poster i prognosen {y} {per}",
                per = self.breakdown().per
            ),
            &cols,
            self.breakdown().label,
            &self.breakdown_rows(),
        );
        if self.sign.factor() < 0 {
            // shown special effects are negated; the identity exkl = inkl + särskilda holds
            // with the opposite sign
            for id in &mut t.identities {
                if let Identity::Linear { result, terms, .. } = id {
                    if result == "avvikelse_exkl" {
                        *terms = vec![(1, "avvikelse".into()), (-1, "sarskilda".into())];
                    }
                }
            }
        }
        t.notes.push(
            "Särskilda poster är kostnader som prognosen tar upp men som inte hör till den \
             löpande verksamheten, delade i strukturella och övriga. Avvikelse exkl. särskilda \
             poster = avvikelse + särskilda poster."
                .into(),
        );
        t
    }

    /// Bar chart of the forecast deviation per committee.
    pub fn deviation_chart(&self) -> Chart {
        let money = self.money();
        let breakdown = self.breakdown();
        let committees = breakdown.nodes;
        let values: Vec<Option<f64>> = committees
            .iter()
            .map(|n| Some(scaled(self.rollup.total(&n.code).deviation(), self.unit)))
            .collect();
        let alt = committees
            .iter()
            .map(|n| {
                format!(
                    "{} {} {}",
                    n.name,
                    money.render(&Value::Amount(self.rollup.total(&n.code).deviation())),
                    self.unit.label()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        Chart {
            id: "diagram-avvikelse".into(),
            number: 0,
            title: format!(
                "Prognostiserad avvikelse mot budget {} {}, {}",
                breakdown.per,
                self.year(),
                self.unit.label()
            ),
            kind: ChartKind::HorizontalBar,
            unit: self.unit.label().into(),
            categories: committees.iter().map(|n| n.name.clone()).collect(),
            series: vec![Series {
                name: "Avvikelse".into(),
                values,
                style: SeriesStyle::Solid,
            }],
            alt: format!(
                "Liggande stapeldiagram över prognostiserad avvikelse mot budget, positiv = \
                 överskott: {alt}."
            ),
        }
    }

    /// Line chart: cumulative outcome, then forecast, against the periodised budget.
    pub fn cumulative_chart(&self, node: &str) -> Option<Chart> {
        let n = self.inputs.tree.node(node)?;
        let f = self.rollup.total(node);
        let m = self.inputs.round.cutoff as usize;
        let s = self.sign.factor() as f64;
        let sc = |a: Amount| s * scaled(a, self.unit);
        let mut budget = Vec::with_capacity(12);
        let mut acc = Amount::ZERO;
        for b in f.months_budget {
            acc += b;
            budget.push(Some(sc(acc)));
        }
        let mut outcome = Vec::with_capacity(12);
        let mut acc = Amount::ZERO;
        for (i, o) in f.months_outcome.iter().enumerate() {
            acc += *o;
            outcome.push((i < m).then_some(sc(acc)));
        }
        // The forecast path: from the outcome at the cut-off to the full-year forecast,
        // spread over the remaining months by the budget's profile (evenly if it has none).
        let remaining = f.forecast - f.to_date;
        let rest_budget: Amount = f.months_budget[m..].iter().sum();
        let mut forecast = vec![None; 12];
        let mut acc = f.to_date;
        if m >= 1 {
            forecast[m - 1] = Some(sc(acc));
        }
        let left = 12 - m;
        for (i, slot) in forecast.iter_mut().enumerate().skip(m) {
            let share = if rest_budget.is_zero() {
                remaining.mul_ratio(1, left as i64).unwrap_or_default()
            } else {
                remaining
                    .mul_ratio(f.months_budget[i].ore(), rest_budget.ore())
                    .unwrap_or_default()
            };
            acc += share;
            *slot = Some(sc(acc));
        }
        if m < 12 {
            forecast[11] = Some(sc(f.forecast));
        }
        let money = self.money();
        let fmt = |a: Amount| money.render(&Value::Amount(self.shown(a)));
        let months = [
            "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
        ];
        let u = self.unit.label();
        Some(Chart {
            id: format!("diagram-ackumulerat-{node}"),
            number: 0,
            title: format!(
                "{}: ackumulerat utfall och prognos mot periodiserad budget {}, {u}",
                n.name,
                self.year()
            ),
            kind: ChartKind::Line,
            unit: u.into(),
            categories: months.iter().map(|m| m.to_string()).collect(),
            series: vec![
                Series {
                    name: "Periodiserad budget".into(),
                    values: budget,
                    style: SeriesStyle::Dotted,
                },
                Series {
                    name: "Utfall".into(),
                    values: outcome,
                    style: SeriesStyle::Solid,
                },
                Series {
                    name: "Prognos".into(),
                    values: forecast,
                    style: SeriesStyle::Dashed,
                },
            ],
            alt: format!(
                "Linjediagram för {}. Ackumulerat utfall {} är {} {u} mot en periodiserad budget \
                 på {} {u}. Prognosen för helåret är {} {u} mot budget {} {u}.",
                n.name,
                self.to_date_label(),
                fmt(f.to_date),
                fmt(f.budget_to_date),
                fmt(f.forecast),
                fmt(f.budget),
            ),
        })
    }

    /// The footnote on comparisons with last year, when the organisation changed after the
    /// start of last year (a change in force from January last year affects both years alike).
    pub fn comparison_note(&self) -> Option<String> {
        let tree = &self.inputs.tree;
        let moved: Vec<&OrgNode> = tree
            .nodes()
            .iter()
            .filter(|n| {
                n.from.is_some_and(|f| {
                    delar_core::YearMonth::new(self.year() - 1, 1).is_ok_and(|jan| f > jan)
                })
            })
            .filter(|n| n.kind != delar_core::OrgKind::Programomrade)
            .collect();
        if moved.is_empty() {
            return None;
        }
        let names = moved
            .iter()
            .map(|n| n.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        Some(match self.comparison {
            Comparison::Omraknad => format!(
                "Organisationen har ändrats ({names}); utfallet för föregående år är omräknat \
                 till årets organisation."
            ),
            Comparison::EjJamforbar => format!(
                "Organisationen har ändrats ({names}); föregående års utfall är inte jämförbart \
                 för de berörda nämnderna."
            ),
        })
    }
}

/// An amount as a float in a unit (for charts).
pub fn scaled(a: Amount, unit: Unit) -> f64 {
    a.ore() as f64 / unit.ore() as f64
}

fn ratio_cell(num: Option<Amount>, den: Option<Amount>) -> Cell {
    let f = Format::Percent { decimals: 0 };
    match (num, den) {
        (Some(n), Some(d))
            if !d.is_zero()
                && (n.ore() >= 0) == (d.ore() >= 0)
                && !(n.is_zero() && d.ore() < 0) =>
        {
            Cell::new(Value::Ratio(n.ore() as f64 / d.ore() as f64), &f)
        }
        _ => Cell::empty(),
    }
}

fn change_cell(new: Option<Amount>, old: Option<Amount>) -> Cell {
    let f = Format::Percent { decimals: 0 };
    match (new, old) {
        // The change of the amount itself: revenue that grows is a positive change, like a
        // cost that grows. Across zero a percentage means nothing.
        (Some(n), Some(o)) if !o.is_zero() && n.ore().signum() * o.ore().signum() >= 0 => {
            Cell::new(
                Value::Ratio((n.ore() - o.ore()) as f64 / o.ore() as f64),
                &f,
            )
        }
        _ => Cell::empty(),
    }
}

fn origin(measure: &str, scope: &str) -> String {
    let what = match measure {
        "budget" => "budget i kraft",
        "prognos" => "helårsprognos",
        "avvikelse" => "budget − prognos",
        "utfall-fg-ar" => "utfall föregående år",
        "utfall-ack" => "utfall hittills i år",
        "periodiserad-budget-ack" => "periodiserad budget hittills i år",
        "avvikelse-ack" => "periodiserad budget − utfall",
        "utfall-ack-fg-ar" => "utfall samma period föregående år",
        "avvikelse-fg-prognos" => "avvikelse i föregående prognos",
        "forandring-avvikelse" => "avvikelse nu − avvikelse i föregående prognos",
        "prognos-fg-prognos" => "föregående prognos",
        "forandring-prognos" => "prognos − föregående prognos",
        m => m,
    };
    format!("{what}, {scope}")
}

/// `prognos 1`, `prognos 2`, `bokslut`, `prognos maj` for a round.
pub fn round_short(r: &delar_core::Round) -> String {
    match r.kind {
        delar_core::RoundKind::P1 => "prognos 1".into(),
        delar_core::RoundKind::P2 => "prognos 2".into(),
        delar_core::RoundKind::YearEnd => "bokslut".into(),
        delar_core::RoundKind::Month(_) => format!("prognos {}", r.cutoff_month().abbr()),
    }
}

/// `P2 2024` style label.
pub fn round_label(r: &delar_core::Round) -> String {
    match r.kind {
        delar_core::RoundKind::P1 => format!("P1 {}", r.year),
        delar_core::RoundKind::P2 => format!("P2 {}", r.year),
        delar_core::RoundKind::YearEnd => format!("Bokslut {}", r.year),
        delar_core::RoundKind::Month(_) => format!("{} {}", r.cutoff_month().abbr(), r.year),
    }
}

/// The text with its first letter in upper case (`prognos 1` → `Prognos 1`).
pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The text with its first letter in lower case (`Programområde` → `programområde`).
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
