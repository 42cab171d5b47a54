//! The inputs a report is built from, and their roll-up along the organisation tree.

use delar_core::{AccountMapping, Amount, OrgTree, Round};
use delar_forecast::{AdjustmentKind, ForecastLine};
use std::collections::BTreeMap;

/// Outcome and budget per month for one node × kontogrupp (ledger sign: costs positive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Monthly {
    /// Outcome per month, January first.
    pub outcome: [Amount; 12],
    /// Budget in force per month (periodised), January first.
    pub budget: [Amount; 12],
}

/// Everything the economic chapters need, read from the store by the caller.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// The municipality's name (`Exempelkommun`).
    pub organisation: String,
    /// The round the report is for.
    pub round: Round,
    /// The organisation in force at the cut-off month.
    pub tree: OrgTree,
    /// Account groups (kontogrupper).
    pub mapping: AccountMapping,
    /// This year's monthly outcome and budget per leaf node × kontogrupp.
    pub this_year: BTreeMap<(String, String), Monthly>,
    /// Last year's monthly outcome per node × kontogrupp (by node code; nodes are placed in
    /// this year's tree, so a unit that moved is restated to its new committee).
    pub last_year: BTreeMap<(String, String), Monthly>,
    /// The round's forecast lines.
    pub lines: Vec<ForecastLine>,
    /// The previous round and its lines (P1 for a P2 report), if there is one.
    pub previous: Option<(Round, Vec<ForecastLine>)>,
    /// The 80 % range (low, high) of each node's full-year forecast, net cost in ledger sign,
    /// from the round's replayed years (`delar_forecast::sum_range80`); empty when unknown.
    pub ranges: BTreeMap<String, (Amount, Amount)>,
    /// Forecast accuracy history (prognossäkerhet), oldest first.
    pub accuracy: Vec<AccuracyRow>,
    /// Names of activity codes (verksamhet); SCB's names are used for codes not given.
    pub activity_names: BTreeMap<String, String>,
    /// Volume series (with their values, this year and last) for the volume × price tables.
    pub volumes: Vec<VolumeInput>,
    /// The follow-up registers and the goal assessment, for the follow-up chapters.
    pub followup: Option<FollowupInputs>,
    /// Net cost and budget of earlier years (outcome) for the five-year summary.
    pub years: Vec<crate::followup::YearEconomy>,
    /// The programme area's consolidation, for the `programomrade` content; `None` when not
    /// gathered (e.g. an organisation without a programnämnd).
    pub programme: Option<crate::programme::ProgrammeData>,
    /// Drafted paragraphs a person rewrote for this round, by the paragraph's key
    /// (`analys.SN`); the text may bind figures as definition text does.
    pub edits: BTreeMap<String, String>,
    /// The budget changes decided during the year and in force at the cut-off (budget.csv
    /// versions: name, decision date, amount in ledger sign), oldest first; the budget basis
    /// is the year's budget plus these.
    pub budget_changes: Vec<BudgetChange>,
    /// For a committee's own report: what it sells to the other committees of the programme
    /// area per purchaser (the eliminations' sale sides); empty otherwise.
    pub provider_sales: Vec<ProviderSale>,
}

/// A provider's assignment revenue from one purchaser (uppdragsintäkter), ledger sign
/// (revenue negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSale {
    /// The purchaser's code (`PN`).
    pub buyer: String,
    /// Its name.
    pub buyer_name: String,
    /// Forecast sales to it for the year.
    pub forecast: Amount,
}

/// A budget version decided during the year (`Tilläggsbudget 1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetChange {
    /// Name.
    pub name: String,
    /// Decision date (`ÅÅÅÅ-MM-DD`).
    pub decided: String,
    /// Its amount for the year, ledger sign (a cost budget raised is positive).
    pub amount: Amount,
    /// Its amount per committee (code, name, amount in ledger sign), in report order;
    /// committees the change does not touch, or whose lines cancel out, are left out. Lines
    /// on an ansvar outside the organisation are one entry with an empty code.
    pub by_committee: Vec<(String, String, Amount)>,
}

/// What the follow-up chapters need.
#[derive(Clone, Debug)]
pub struct FollowupInputs {
    /// The registers, with the computed financial indicators' values.
    pub data: delar_followup::model::FollowupData,
    /// The goal statuses in force.
    pub assessment: delar_followup::assess::Assessment,
    /// The words of the status scale.
    pub scale: delar_followup::assess::Scale,
    /// Volume series with their monthly values (all years), for the volume chapter.
    pub series: Vec<delar_core::VolumeSeries>,
    /// Their values.
    pub values: Vec<delar_core::VolumeValue>,
    /// Typed indicator values that disagree with the register holding the measure (R15).
    pub conflicts: Vec<delar_followup::sources::Conflict>,
}

/// A volume series with its monthly values.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeInput {
    /// The series.
    pub series: delar_core::VolumeSeries,
    /// Values by month.
    pub values: BTreeMap<delar_core::YearMonth, f64>,
    /// This year's budgeted values by month (a volume for a volume series, a price for a
    /// price series) as in force at the end of a cut-off month, keyed by that month: the
    /// round's cut-off and the earlier interim round's (April for P2). Empty without a volume
    /// budget.
    pub budget: BTreeMap<u8, BTreeMap<delar_core::YearMonth, f64>>,
}

impl VolumeInput {
    /// The budget in force at the end of cut-off month `cutoff`: the one stored for the latest
    /// cut-off not after it, else the earliest stored; `None` without a volume budget.
    pub fn budget_at(&self, cutoff: u8) -> Option<&BTreeMap<delar_core::YearMonth, f64>> {
        self.budget
            .range(..=cutoff)
            .next_back()
            .or_else(|| self.budget.iter().next())
            .map(|(_, b)| b)
            .filter(|b| !b.is_empty())
    }
}

/// One past round's forecast against the final outcome for one node.
#[derive(Clone, Debug, PartialEq)]
pub struct AccuracyRow {
    /// The round (`2024-P2`).
    pub round: Round,
    /// Organisation code.
    pub node: String,
    /// The annual budget the error is compared with (the gross cost budget: a provider's net
    /// budget is close to zero).
    pub budget: Amount,
    /// The full-year forecast made in the round.
    pub forecast: Amount,
    /// The final outcome of the year.
    pub outcome: Amount,
    /// The forecast's 80 % range (low, high), when it had one.
    pub range: Option<(Amount, Amount)>,
    /// True when the forecast is the one the round adopted (a stored round); false when it is
    /// a replay of today's methods at the same cut-off (no stored round that year).
    pub adopted: bool,
}

/// Figures of one node × kontogrupp (or the node's total), all in ledger sign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Annual budget in force.
    pub budget: Amount,
    /// Full-year forecast.
    pub forecast: Amount,
    /// Forecast leaving out special effects.
    pub forecast_excl_special: Amount,
    /// Structural special effects in the forecast.
    pub special_structural: Amount,
    /// Other special effects in the forecast.
    pub special_other: Amount,
    /// Outcome January to the cut-off.
    pub to_date: Amount,
    /// Budget January to the cut-off (periodised).
    pub budget_to_date: Amount,
    /// Last year's full-year outcome.
    pub last_year: Amount,
    /// Last year's outcome January to the same month.
    pub last_year_to_date: Amount,
    /// The previous round's full-year forecast.
    pub previous: Amount,
    /// Whether the previous round had a line here.
    pub has_previous: bool,
    /// Cumulative outcome per month (this year).
    pub months_outcome: [Amount; 12],
    /// Budget per month (this year).
    pub months_budget: [Amount; 12],
}

impl Figures {
    /// Favourable deviation of the forecast: budget − forecast (net cost sign).
    pub fn deviation(&self) -> Amount {
        self.budget - self.forecast
    }

    /// Favourable deviation of the previous round's forecast.
    pub fn previous_deviation(&self) -> Amount {
        self.budget - self.previous
    }

    /// Add another figure set into this one.
    pub fn add(&mut self, o: &Figures) {
        self.budget += o.budget;
        self.forecast += o.forecast;
        self.forecast_excl_special += o.forecast_excl_special;
        self.special_structural += o.special_structural;
        self.special_other += o.special_other;
        self.to_date += o.to_date;
        self.budget_to_date += o.budget_to_date;
        self.last_year += o.last_year;
        self.last_year_to_date += o.last_year_to_date;
        self.previous += o.previous;
        self.has_previous |= o.has_previous;
        for i in 0..12 {
            self.months_outcome[i] += o.months_outcome[i];
            self.months_budget[i] += o.months_budget[i];
        }
    }
}

/// Figures rolled up to every node of the tree, per kontogrupp and in total.
#[derive(Clone, Debug, Default)]
pub struct Rollup {
    by_group: BTreeMap<(String, String), Figures>,
    total: BTreeMap<String, Figures>,
    activity: BTreeMap<(String, String), Figures>,
}

impl Rollup {
    /// Roll the inputs up: each leaf figure counts at its node and every ancestor. Lines and
    /// ledger rows of nodes not in the tree are counted at their own code only.
    pub fn new(inputs: &Inputs) -> Rollup {
        let m = inputs.round.cutoff as usize;
        let mut leaf: BTreeMap<(String, String), Figures> = BTreeMap::new();
        for ((node, group), mo) in &inputs.this_year {
            let f = leaf.entry((node.clone(), group.clone())).or_default();
            f.to_date = mo.outcome[..m].iter().sum();
            f.budget_to_date = mo.budget[..m].iter().sum();
            f.months_outcome = mo.outcome;
            f.months_budget = mo.budget;
        }
        for ((node, group), mo) in &inputs.last_year {
            let f = leaf.entry((node.clone(), group.clone())).or_default();
            f.last_year = mo.outcome.iter().sum();
            f.last_year_to_date = mo.outcome[..m].iter().sum();
        }
        let special = [
            AdjustmentKind::SpecialStructural,
            AdjustmentKind::SpecialOther,
        ];
        for l in &inputs.lines {
            let f = leaf.entry((l.node.clone(), l.group.clone())).or_default();
            f.budget = l.budget;
            f.forecast = l.full_year();
            f.forecast_excl_special = l.full_year_without(&special);
            for a in &l.adjustments {
                match a.kind {
                    AdjustmentKind::SpecialStructural => f.special_structural += a.amount,
                    AdjustmentKind::SpecialOther => f.special_other += a.amount,
                    _ => {}
                }
            }
        }
        // Ledger rows without a forecast line: the forecast is the outcome (nothing more
        // expected) and the budget comes from the ledger.
        let has_line: std::collections::BTreeSet<(&str, &str)> = inputs
            .lines
            .iter()
            .map(|l| (l.node.as_str(), l.group.as_str()))
            .collect();
        for ((node, group), f) in leaf.iter_mut() {
            if !has_line.contains(&(node.as_str(), group.as_str())) {
                f.budget = f.months_budget.iter().sum();
                f.forecast = f.months_outcome.iter().sum();
                f.forecast_excl_special = f.forecast;
            }
        }
        if let Some((_, prev)) = &inputs.previous {
            for l in prev {
                let f = leaf.entry((l.node.clone(), l.group.clone())).or_default();
                f.previous = l.full_year();
                f.has_previous = true;
            }
        }
        let mut r = Rollup::default();
        for ((node, group), f) in &leaf {
            let mut nodes = vec![node.clone()];
            nodes.extend(inputs.tree.ancestors(node).iter().map(|a| a.code.clone()));
            for n in nodes {
                r.by_group
                    .entry((n.clone(), group.clone()))
                    .or_default()
                    .add(f);
                r.total.entry(n).or_default().add(f);
            }
            let activity = inputs
                .tree
                .node(node)
                .and_then(|n| n.activity.clone())
                .unwrap_or_default();
            r.activity
                .entry((activity, group.clone()))
                .or_default()
                .add(f);
        }
        r
    }

    /// A node's figures in total (all kontogrupper).
    pub fn total(&self, node: &str) -> Figures {
        self.total.get(node).copied().unwrap_or_default()
    }

    /// A node's figures for one kontogrupp.
    pub fn group(&self, node: &str, group: &str) -> Figures {
        self.by_group
            .get(&(node.to_string(), group.to_string()))
            .copied()
            .unwrap_or_default()
    }

    /// Whether the node has any figures.
    pub fn has(&self, node: &str) -> bool {
        self.total.contains_key(node)
    }

    /// The activity codes with figures, and each one's total.
    pub fn activities(&self) -> BTreeMap<String, Figures> {
        let mut out: BTreeMap<String, Figures> = BTreeMap::new();
        for ((a, _), f) in &self.activity {
            out.entry(a.clone()).or_default().add(f);
        }
        out
    }
}

/// SCB's names of the welfare activity codes (verksamhetsindelning).
pub const SCB_ACTIVITIES: &[(&str, &str)] = &[
    ("500", "Vård och omsorg, gemensamt"),
    ("510", "Vård och omsorg om äldre, gemensamt"),
    ("511", "Hemtjänst och hemsjukvård i ordinärt boende"),
    ("512", "Vård- och omsorgsboende"),
    ("513", "Insatser enligt LSS och SFB"),
    (
        "520",
        "Insatser till personer med funktionsnedsättning enligt SoL/HSL",
    ),
    ("559", "Missbrukarvård för vuxna"),
    ("569", "Barn- och ungdomsvård"),
    ("571", "Övrig vuxenvård"),
    ("575", "Ekonomiskt bistånd"),
    ("579", "Flyktingmottagande och ensamkommande barn"),
];

impl Inputs {
    /// The name of an activity code.
    pub fn activity_name(&self, code: &str) -> String {
        if code.is_empty() {
            return "Övrig verksamhet".to_string();
        }
        self.activity_names
            .get(code)
            .cloned()
            .or_else(|| {
                SCB_ACTIVITIES
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map(|(_, n)| n.to_string())
            })
            .unwrap_or_else(|| format!("Verksamhet {code}"))
    }
}
