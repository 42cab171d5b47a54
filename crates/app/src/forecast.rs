//! Forecast rounds computed from the store: every line of a round with every method, the
//! backtest and the recommendation ([`compute_lines`], [`run_round`]); the backtest report and
//! the accuracy history of earlier years; the bridge between two rounds.

use crate::{fail, AppError, Result};
use delar_core::period::days_in_month;
use delar_core::{
    AccountMapping, Amount, GroupKind, OrgTree, Organisation, Placement, Round, RoundKind, Unit,
    VolumeKind, YearMonth,
};
use delar_forecast::{
    backtest, estimate, BacktestRow, Estimate, ForecastLine, LineData, Method, MethodRecord, MONTHS,
};
use delar_store::prelude::*;
use delar_store::{ComputedLine, LedgerBy, LedgerRow, MethodEstimate, SaveSummary};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// The methods a line is computed with, in the order of simplicity (ties in a recommendation
/// go to the earlier one).
pub const METHODS: [Method; 6] = [
    Method::BudgetBased,
    Method::RunRate,
    Method::Seasonal,
    Method::VolumePrice,
    Method::Smoothing,
    Method::Combination,
];

/// Options of a round computation.
#[derive(Clone, Debug)]
pub struct RoundOptions {
    /// Lines per node × kontogrupp or node × account.
    pub grain: LedgerBy,
    /// Who computes (recorded in the audit log).
    pub user: String,
}

impl Default for RoundOptions {
    fn default() -> Self {
        RoundOptions {
            grain: LedgerBy::Group,
            user: default_user(),
        }
    }
}

/// What `run_round` did.
#[derive(Clone, Debug)]
pub struct RoundSummary {
    /// The round.
    pub round: Round,
    /// What the save did.
    pub save: SaveSummary,
    /// Lines per method in use (computed choice).
    pub by_method: BTreeMap<Method, usize>,
    /// Lines with a recommendation from the backtest.
    pub recommended: usize,
    /// Seconds spent reading the store, computing (with backtest) and saving.
    pub seconds: (f64, f64, f64),
    /// The round against the ledger (R16) after the save, with the amounts placed off a unit
    /// of their own.
    pub reconciliation: crate::reconcile::Reconciliation,
}

/// The user name recorded in the audit log: `DELAR_USER`, else `USER`, else `okänd`.
pub fn default_user() -> String {
    std::env::var("DELAR_USER")
        .or_else(|_| std::env::var("USER"))
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "okänd".into())
}

/// A volume series with its price series, for volume × price lines.
#[derive(Clone, Debug)]
struct VolumeLink {
    name: String,
    unit: String,
    node: String,
    flow: bool,
    per_day: bool,
    price_unit: String,
    volume: HashMap<i32, f64>,
    price: HashMap<i32, f64>,
    /// The volume budget in force at the round's cut-off (volume and price by month, YYYYMM);
    /// empty without one.
    budget_volume: HashMap<i32, f64>,
    budget_price: HashMap<i32, f64>,
}

impl VolumeLink {
    /// Twelve months of `year` as stock months from a volume and a price map (a price per
    /// month divided by the month's days); `None` when a month is missing or this is a flow.
    fn stock_months(
        &self,
        volume: &HashMap<i32, f64>,
        price: &HashMap<i32, f64>,
        year: i32,
    ) -> Option<Vec<delar_forecast::StockMonth>> {
        if self.flow {
            return None;
        }
        (1..=12u8)
            .map(|m| {
                let ym = YearMonth::new(year, m).ok()?;
                let days = days_in_month(year, m) as f64;
                let p = *price.get(&ym.as_int())?;
                Some(delar_forecast::StockMonth {
                    volume: *volume.get(&ym.as_int())?,
                    price: if self.per_day { p } else { p / days },
                    days,
                })
            })
            .collect()
    }

    /// The volume × price forecast's deviation from the volume budget: the months to `m` as
    /// they were, the rest at the cut-off month's volume and price (as the estimate has it).
    fn budget_split(&self, year: i32, m: usize) -> Option<delar_forecast::BudgetDeviation> {
        let budget = self.stock_months(&self.budget_volume, &self.budget_price, year)?;
        let cut = YearMonth::new(year, m as u8).ok()?.as_int();
        let (v, p) = (*self.volume.get(&cut)?, *self.price.get(&cut)?);
        let mut volume = self.volume.clone();
        let mut price = self.price.clone();
        for k in m + 1..=MONTHS {
            let ym = YearMonth::new(year, k as u8).ok()?.as_int();
            volume.insert(ym, v);
            price.insert(ym, p);
        }
        let forecast = self.stock_months(&volume, &price, year)?;
        delar_forecast::deviation_from_budget(&forecast, &budget).ok()
    }

    /// Cost implied by the series in a month (volume × price, × days for a stock priced per
    /// day); `None` when a value is missing.
    fn cost(&self, ym: YearMonth) -> Option<f64> {
        let v = self.volume.get(&ym.as_int())?;
        let p = self.price.get(&ym.as_int())?;
        let f = if self.per_day {
            days_in_month(ym.year(), ym.month()) as f64
        } else {
            1.0
        };
        Some(v * p * f)
    }
}

/// Everything a round computation reads from the store.
pub struct Inputs {
    /// The organisation with its history.
    pub org: Organisation,
    /// The account mapping.
    pub mapping: AccountMapping,
    /// Per year: node → ledger rows (budget in force at that year's cut-off).
    pub years: BTreeMap<i32, HashMap<String, Vec<LedgerRow>>>,
    links: Vec<VolumeLink>,
}

impl Inputs {
    /// The ledger's ansvar codes (every year read) placed on the leaves of the organisation
    /// in force in `month`: every amount lands on exactly one leaf, amounts off the leaves on
    /// an explicit "Ej fördelat på enhet" leaf.
    pub fn placement(&self, month: YearMonth) -> Placement {
        let tree = self.org.tree_at(month);
        let codes = self
            .years
            .values()
            .flat_map(|m| m.keys().map(String::as_str));
        Placement::new(&self.org, &tree, codes)
    }

    /// Every year's rows placed on the leaves of `placement` (rows of codes placed on one leaf
    /// added up per key).
    pub fn placed_years(
        &self,
        placement: &Placement,
    ) -> BTreeMap<i32, HashMap<String, Vec<LedgerRow>>> {
        self.years
            .iter()
            .map(|(y, by_code)| (*y, place_rows(by_code, placement)))
            .collect()
    }
}

/// Rows by ledger code re-keyed to the leaves the codes are placed on; rows of several codes
/// on one leaf are added up per key (kontogrupp or account), in first-seen order.
pub fn place_rows(
    by_code: &HashMap<String, Vec<LedgerRow>>,
    placement: &Placement,
) -> HashMap<String, Vec<LedgerRow>> {
    let mut out: HashMap<String, Vec<LedgerRow>> = HashMap::with_capacity(by_code.len());
    let mut codes: Vec<&String> = by_code.keys().collect();
    codes.sort();
    for code in codes {
        let Some(leaf) = placement.leaf_of(code) else {
            continue;
        };
        let rows = out.entry(leaf.to_string()).or_default();
        for r in &by_code[code] {
            match rows.iter_mut().find(|x| x.key == r.key) {
                Some(x) if x.outcome.len() == r.outcome.len() => {
                    for (a, b) in x.outcome.iter_mut().zip(&r.outcome) {
                        *a += *b;
                    }
                    for (a, b) in x.budget.iter_mut().zip(&r.budget) {
                        *a += *b;
                    }
                    x.outcome_total += r.outcome_total;
                    x.budget_total += r.budget_total;
                }
                _ => rows.push(r.clone()),
            }
        }
    }
    out
}

/// Read outcome, budget (in force at each year's cut-off), organisation and volume series:
/// one ledger query per year.
pub fn load_inputs(
    store: &dyn Backend,
    last_year: i32,
    cutoff: u8,
    grain: LedgerBy,
) -> Result<Inputs> {
    let mut years = BTreeMap::new();
    let mut labels: Vec<i32> = store.years()?.iter().map(|y| y.label_year()).collect();
    labels.push(last_year);
    labels.sort();
    labels.dedup();
    for y in labels.into_iter().filter(|y| *y <= last_year) {
        let as_of = YearMonth::new(y, cutoff)
            .map(|m| m.last_day())
            .map_err(AppError::from_display)?;
        let rows = match store.ledger_by_node(y, grain, Some(as_of)) {
            Ok(r) => r,
            Err(delar_store::StoreError::NoSuchYear(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let mut by_node: HashMap<String, Vec<LedgerRow>> = HashMap::new();
        for r in rows {
            by_node.entry(r.node).or_default().push(r.row);
        }
        years.insert(y, by_node);
    }
    if !years.contains_key(&last_year) {
        fail!("räkenskapsåret {last_year} finns inte i databasen (importera huvudboken först)");
    }
    let org = store.organisation()?;
    if org.is_empty() {
        fail!("databasen saknar organisation (importera organisation.csv först)");
    }
    let series = store.volume_series()?;
    let mut links = Vec::new();
    for s in series.iter().filter(|s| s.kind != VolumeKind::Price) {
        let Some(p) = s
            .price_series
            .as_ref()
            .and_then(|p| series.iter().find(|x| &x.code == p))
        else {
            continue;
        };
        let read = |code: &str| -> Result<HashMap<i32, f64>> {
            Ok(store
                .volumes(code, None)?
                .into_iter()
                .map(|v| (v.month.as_int(), v.value))
                .collect())
        };
        let price_unit = p.unit.to_lowercase();
        let as_of = YearMonth::new(last_year, cutoff)
            .map_err(AppError::from_display)?
            .last_day();
        let range = delar_core::PeriodRange::new(
            YearMonth::new(last_year, 1).map_err(AppError::from_display)?,
            YearMonth::new(last_year, 12).map_err(AppError::from_display)?,
        )
        .map_err(AppError::from_display)?;
        let budget = |code: &str| -> Result<HashMap<i32, f64>> {
            Ok(store
                .volume_budget(code, range, Some(as_of))?
                .into_iter()
                .map(|(m, v)| (m.as_int(), v))
                .collect())
        };
        links.push(VolumeLink {
            name: s.name.clone(),
            unit: s.unit.clone(),
            node: s.responsible.clone(),
            flow: s.kind == VolumeKind::Flow,
            per_day: s.kind == VolumeKind::Stock && price_unit.contains("dygn"),
            price_unit,
            volume: read(&s.code)?,
            price: read(&p.code)?,
            budget_volume: budget(&s.code)?,
            budget_price: budget(&p.code)?,
        });
    }
    Ok(Inputs {
        org,
        mapping: store.account_mapping()?,
        years,
        links,
    })
}

/// One computed line with its data, every method's result and backtest, and the actual
/// full-year outcome of its year (meaningful only when that year is complete).
#[derive(Clone, Debug)]
pub struct LineCalc {
    pub node: String,
    pub group: String,
    /// The kontogrupp the line belongs to (the group itself, or the account's group).
    pub kontogrupp: String,
    pub data: LineData,
    pub budget_to_date: Amount,
    /// Earlier years' budget up to the same cut-off.
    pub history_budget_to_date: Vec<(i32, Amount)>,
    pub estimates: Vec<(Method, Estimate)>,
    pub records: Vec<MethodRecord>,
    pub recommended: Option<Method>,
    /// The whole year's outcome as stored (the actual, when the year is complete).
    pub actual: Amount,
}

impl LineCalc {
    /// The method used when nothing is chosen: the recommendation, else the seasonal profile,
    /// else the budget.
    pub fn chosen(&self) -> (Method, Amount, String) {
        // Without a recommendation: the seasonal profile; else the budget when the line has
        // one; else the outcome's pace (a line with costs but no budget or history is not
        // forecast as 0).
        let fallback = if self.data.budget.is_zero() {
            [Method::Seasonal, Method::RunRate, Method::BudgetBased]
        } else {
            [Method::Seasonal, Method::BudgetBased, Method::RunRate]
        };
        let order = self.recommended.into_iter().chain(fallback);
        for m in order {
            if let Some((
                _,
                Estimate::Value {
                    full_year,
                    explanation,
                },
            )) = self.estimates.iter().find(|(x, _)| *x == m)
            {
                return (m, *full_year, explanation.clone());
            }
        }
        (
            Method::BudgetBased,
            self.data.budget,
            format!("Helårsprognos = budget {}.", tkr(self.data.budget)),
        )
    }

    /// A method's full-year value, if it can be used.
    pub fn value(&self, m: Method) -> Option<Amount> {
        self.estimates
            .iter()
            .find(|(x, _)| *x == m)
            .and_then(|(_, e)| e.value())
    }
}

/// The recommendation for a line: [`delar_forecast::recommend_from`], the rule the
/// evaluation (`delar forecast utvardera`) measures.
pub fn recommend_from(
    records: &[MethodRecord],
    skip_year: Option<i32>,
    deviation: Option<Amount>,
) -> Option<Method> {
    delar_forecast::recommend_from(records, skip_year, deviation)
}

/// This year's deviation from budget so far scaled to the whole year: (outcome to date −
/// budget to date) × 12 / m.
fn scaled_deviation(to_date: Amount, budget_to_date: Amount, m: usize) -> Option<Amount> {
    if m == 0 {
        return None;
    }
    (to_date - budget_to_date).mul_ratio(MONTHS as i64, m as i64)
}

/// An amount in whole tkr with the unit: `1 234 tkr`.
pub fn tkr(a: Amount) -> String {
    format!("{} tkr", a.format(Unit::Tkr, 0))
}

fn num1(x: f64) -> String {
    delar_core::money::format_scaled((x * 10.0).round() as i64, 1, '\u{a0}')
}

/// The volume × price forecast of a line in `year` at cut-off `m`, from its linked series.
fn volume_price_estimate(
    links: &[&VolumeLink],
    year: i32,
    m: usize,
    outcome: &[Amount],
) -> Estimate {
    let na = |r: &str| Estimate::NotApplicable { reason: r.into() };
    if links.is_empty() {
        return na("linjen har ingen volymserie med prisserie");
    }
    if m == 0 || m >= MONTHS {
        return na("volym × pris behöver en brytmånad mellan januari och november");
    }
    let ym = |k: usize| YearMonth::new(year, k as u8).expect("month 1-12");
    let to_date: Amount = outcome.iter().copied().sum();
    let mut explained = 0.0;
    let mut rest = 0.0;
    let mut parts = Vec::new();
    for l in links {
        let mut cost = 0.0;
        for k in 1..=m {
            match l.cost(ym(k)) {
                Some(c) => cost += c,
                None => return na("volym eller pris saknas för någon månad hittills i år"),
            }
        }
        explained += cost;
        let (Some(v), Some(p)) = (l.volume.get(&ym(m).as_int()), l.price.get(&ym(m).as_int()))
        else {
            return na("volym eller pris saknas för brytmånaden");
        };
        let (volume_rest, what) = if l.flow {
            // The rest of the year shaped like last year, scaled by this year's pace.
            let last = |k: usize| {
                YearMonth::new(year - 1, k as u8)
                    .ok()
                    .and_then(|x| l.volume.get(&x.as_int()).copied())
            };
            let now: f64 = (1..=m)
                .map(|k| l.volume.get(&ym(k).as_int()).copied().unwrap_or(0.0))
                .sum();
            let before: Option<f64> = (1..=m).map(last).sum();
            let after: Option<f64> = (m + 1..=MONTHS).map(last).sum();
            match (before, after) {
                (Some(b), Some(a)) if b > 0.0 => (a * now / b, "som i fjol i årets takt"),
                _ => (now * (MONTHS - m) as f64 / m as f64, "i årets takt"),
            }
        } else if l.per_day {
            let days: f64 = (m + 1..=MONTHS)
                .map(|k| days_in_month(year, k as u8) as f64)
                .sum();
            (v * days, "dygn med senaste beståndet")
        } else {
            (v * (MONTHS - m) as f64, "månader med senaste beståndet")
        };
        let r = volume_rest * p;
        rest += r;
        parts.push(format!(
            "{} {} {} ({what}) × {} {} = {}",
            l.name,
            num1(volume_rest),
            if l.per_day { "dygn" } else { l.unit.as_str() },
            num1(*p),
            l.price_unit,
            tkr(Amount::from_ore((r * 100.0).round() as i64))
        ));
    }
    let residual = to_date.as_kr_f64() - explained;
    let residual_rest = residual * (MONTHS - m) as f64 / m as f64;
    let full = to_date.as_kr_f64() + rest + residual_rest;
    if !full.is_finite() || full.abs() > 9e15 {
        return na("summan blir för stor");
    }
    let full = Amount::from_ore((full * 100.0).round() as i64);
    let mut explanation = format!(
        "Helårsprognos = utfall efter {m} månader {} + återstående volym × pris: {} + övrigt på raden i takten hittills {} = {}.",
        tkr(to_date),
        parts.join("; "),
        tkr(Amount::from_ore((residual_rest * 100.0).round() as i64)),
        tkr(full)
    );
    // Against the volume budget (when every series has one): the deviation split into a
    // volume part and a price part.
    let splits: Option<Vec<_>> = links.iter().map(|l| l.budget_split(year, m)).collect();
    if let Some(splits) = splits.filter(|s| !s.is_empty()) {
        let sum = |f: fn(&delar_forecast::BudgetDeviation) -> Amount| -> Amount {
            splits.iter().map(f).sum()
        };
        let _ = write!(
            explanation,
            " Mot volymbudgeten {} (budgeterad volym × pris): avvikelse {} = volym {} + pris {} (positivt = lägre kostnad än budget).",
            tkr(sum(|d| d.budget.cost)),
            tkr(sum(|d| d.deviation)),
            tkr(sum(|d| d.volume_part)),
            tkr(sum(|d| d.price_part)),
        );
    }
    Estimate::Value {
        full_year: full,
        explanation,
    }
}

/// Which series drive which (node, kontogrupp): each series goes to the group of its node
/// whose outcome in the last complete year it explains best (the implied cost at most 105 %
/// of the group's outcome, the smallest monthly gap).
fn match_links(inputs: &Inputs, year: i32) -> HashMap<(String, String), Vec<&VolumeLink>> {
    let mut out: HashMap<(String, String), Vec<&VolumeLink>> = HashMap::new();
    let Some((&last, ledgers)) = inputs.years.range(..year).next_back() else {
        return out;
    };
    for l in &inputs.links {
        let Some(rows) = ledgers.get(&l.node) else {
            continue;
        };
        let implied: Option<Vec<f64>> = (1..=MONTHS)
            .map(|k| l.cost(YearMonth::new(last, k as u8).expect("month")))
            .collect();
        let Some(implied) = implied else {
            continue;
        };
        let outcomes: Vec<(&str, Vec<f64>)> = rows
            .iter()
            .filter(|r| r.outcome.len() == MONTHS)
            .map(|r| {
                (
                    r.key.as_str(),
                    r.outcome.iter().map(|a| a.as_kr_f64()).collect(),
                )
            })
            .collect();
        let best = delar_forecast::link::best_group(
            &implied,
            outcomes.iter().map(|(k, o)| (*k, o.as_slice())),
        );
        if let Some(key) = best {
            out.entry((l.node.clone(), key.to_string()))
                .or_default()
                .push(l);
        }
    }
    out
}

/// Compute every line of `year` at cut-off month `m`: leaf units of the organisation in force
/// at the cut-off × kontogrupper (or accounts) with outcome or budget, each method, the
/// backtest over the earlier years at the same cut-off, and the recommendation.
pub fn compute_lines(inputs: &Inputs, year: i32, m: usize) -> Result<Vec<LineCalc>> {
    let cutoff = YearMonth::new(year, m as u8).map_err(AppError::from_display)?;
    let placement = inputs.placement(cutoff);
    let tree = placement.tree();
    let years = inputs.placed_years(&placement);
    let Some(current) = years.get(&year) else {
        fail!("räkenskapsåret {year} finns inte i databasen");
    };
    // A year with no budget at all imported is never backtested (nor forecast) as a budget of
    // 0: the budget method is left out of it.
    let budgeted: BTreeSet<i32> = years
        .iter()
        .filter(|(_, nodes)| {
            nodes
                .values()
                .flatten()
                .any(|r| r.budget.iter().any(|a| !a.is_zero()))
        })
        .map(|(y, _)| *y)
        .collect();
    let links = match_links(inputs, year);
    let mut out = Vec::new();
    for leaf in tree.leaves() {
        let Some(rows) = current.get(&leaf.code) else {
            continue;
        };
        for row in rows {
            if row.outcome.len() != MONTHS {
                continue;
            }
            let outcome: Vec<Amount> = row.outcome[..m].to_vec();
            if outcome.iter().all(|a| a.is_zero()) && row.budget_total.is_zero() {
                continue;
            }
            let mut history = Vec::new();
            let mut history_budgets = Vec::new();
            let mut history_budget_to_date = Vec::new();
            for (y, nodes) in years.range(..year) {
                let Some(r) = nodes
                    .get(&leaf.code)
                    .and_then(|rs| rs.iter().find(|r| r.key == row.key))
                else {
                    continue;
                };
                if r.outcome.len() == MONTHS {
                    history.push((*y, std::array::from_fn(|i| r.outcome[i])));
                    if budgeted.contains(y) {
                        history_budgets.push((*y, r.budget_total));
                    }
                    history_budget_to_date.push((*y, r.budget[..m].iter().copied().sum()));
                }
            }
            let data = LineData {
                outcome,
                history,
                budget: row.budget_total,
                history_budgets,
            };
            let budget_to_date: Amount = row.budget[..m].iter().copied().sum();
            let mut estimates: Vec<(Method, Estimate)> = Vec::new();
            let mut records = backtest(&data, &Method::DATA_DRIVEN);
            let linked = links
                .get(&(leaf.code.clone(), row.group.clone()))
                .filter(|_| row.key == row.group)
                .cloned()
                .unwrap_or_default();
            for method in METHODS {
                let e = if method == Method::BudgetBased && !budgeted.contains(&year) {
                    Estimate::NotApplicable {
                        reason: format!("ingen budget för {year} i databasen"),
                    }
                } else if method == Method::VolumePrice {
                    volume_price_estimate(&linked, year, m, &data.outcome)
                } else {
                    estimate(method, &data)
                };
                estimates.push((method, e));
            }
            if !linked.is_empty() {
                // Backtest volume × price on the earlier years.
                let mut rows_vp = Vec::new();
                for (y, months) in &data.history {
                    if let Some(f) = volume_price_estimate(&linked, *y, m, &months[..m]).value() {
                        let actual: Amount = months.iter().copied().sum();
                        rows_vp.push(BacktestRow {
                            year: *y,
                            forecast: f,
                            actual,
                            error: f - actual,
                        });
                    }
                }
                records.push(record(Method::VolumePrice, rows_vp));
            }
            let recommended = recommend_from(
                &records,
                None,
                scaled_deviation(data.to_date(), budget_to_date, m),
            );
            out.push(LineCalc {
                node: leaf.code.clone(),
                group: row.key.clone(),
                kontogrupp: row.group.clone(),
                data,
                budget_to_date,
                history_budget_to_date,
                estimates,
                records,
                recommended,
                actual: row.outcome_total,
            });
        }
    }
    Ok(out)
}

/// A method record from replayed rows (MAE and bias as in `delar_forecast::backtest`).
fn record(method: Method, rows: Vec<BacktestRow>) -> MethodRecord {
    let n = rows.len() as i128;
    let (mae, bias) = if n == 0 {
        (Amount::ZERO, Amount::ZERO)
    } else {
        let abs: i128 = rows.iter().map(|r| (r.error.ore() as i128).abs()).sum();
        let sum: i128 = rows.iter().map(|r| r.error.ore() as i128).sum();
        (
            Amount::from_ore((abs / n) as i64),
            Amount::from_ore((sum / n) as i64),
        )
    };
    MethodRecord {
        method,
        rows,
        mae,
        bias,
    }
}

/// The computed lines as the store saves them.
pub fn to_computed(lines: &[LineCalc]) -> Vec<ComputedLine> {
    lines
        .iter()
        .map(|c| {
            let (method, base, explanation) = c.chosen();
            let estimates = c
                .estimates
                .iter()
                .map(|(m, e)| {
                    let rec = c.records.iter().find(|r| r.method == *m);
                    let (full_year, explanation) = match e {
                        Estimate::Value {
                            full_year,
                            explanation,
                        } => (Some(*full_year), explanation.clone()),
                        Estimate::NotApplicable { reason } => (None, reason.clone()),
                    };
                    MethodEstimate {
                        method: *m,
                        full_year,
                        explanation,
                        mae: rec.filter(|r| !r.rows.is_empty()).map(|r| r.mae),
                        bias: rec.filter(|r| !r.rows.is_empty()).map(|r| r.bias),
                        years: rec.map(|r| r.rows.len() as u32).unwrap_or(0),
                        replay: rec.map(|r| r.rows.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            ComputedLine {
                line: ForecastLine {
                    node: c.node.clone(),
                    group: c.group.clone(),
                    method,
                    base,
                    explanation,
                    adjustments: Vec::new(),
                    to_date: c.data.to_date(),
                    budget: c.data.budget,
                    comment: None,
                },
                recommended: c.recommended,
                budget_to_date: c.budget_to_date,
                estimates,
            }
        })
        .collect()
}

/// Compute every line of a round from the store and save it (an open round keeps what people
/// changed). Used by `delar forecast run`, `delar demo` and `delar bench forecast`.
pub fn run_round(
    store: &mut dyn Backend,
    round: &Round,
    opts: &RoundOptions,
) -> Result<RoundSummary> {
    // A locked round is refused before anything is computed (the store refuses the save too).
    if let Some(info) = store.forecast_round(&round.id())? {
        if info.status == delar_store::RoundStatus::Locked {
            fail!(
                "{}",
                delar_store::locked_message(
                    &round.id(),
                    info.locked_at.as_deref(),
                    info.locked_by.as_deref()
                )
            );
        }
    }
    let t = std::time::Instant::now();
    let inputs = load_inputs(store, round.year, round.cutoff, opts.grain)?;
    let t_load = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let lines = compute_lines(&inputs, round.year, round.cutoff as usize)?;
    let computed = to_computed(&lines);
    let t_compute = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let save = store.save_round(round, opts.grain, &computed, &opts.user)?;
    let t_save = t.elapsed().as_secs_f64();
    let reconciliation =
        crate::reconcile::reconcile(store, *round, &store.forecast_lines(&round.id())?)?;
    let mut by_method = BTreeMap::new();
    for c in &computed {
        *by_method.entry(c.line.method).or_insert(0) += 1;
    }
    Ok(RoundSummary {
        round: *round,
        save,
        by_method,
        recommended: lines.iter().filter(|l| l.recommended.is_some()).count(),
        seconds: (t_load, t_compute, t_save),
        reconciliation,
    })
}

/// The organisation in force in `month` with the "Ej fördelat på enhet" leaves a round's
/// lines are on.
pub fn round_tree(org: &Organisation, month: YearMonth, lines: &[ForecastLine]) -> OrgTree {
    round_tree_of(org, month, lines.iter().map(|l| l.node.as_str()))
}

/// [`round_tree`] from the nodes that carry the round's lines (as
/// `ForecastStore::forecast_line_nodes` gives them), without the lines themselves.
pub fn round_tree_of<'a>(
    org: &Organisation,
    month: YearMonth,
    nodes: impl IntoIterator<Item = &'a str>,
) -> OrgTree {
    let tree = org.tree_at(month);
    Placement::new(org, &tree, nodes).tree().clone()
}

/// Committee (nämnd) of a node in a tree, else the node itself.
pub fn committee(tree: &OrgTree, node: &str) -> String {
    tree.committee_of(node)
        .map(|n| n.code.clone())
        .unwrap_or_else(|| node.to_string())
}

/// Error statistics of one method at one level.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ErrorStats {
    /// Mean absolute error, kronor (two decimals).
    pub mae: String,
    /// Mean signed error (positive = too high), kronor.
    pub bias: String,
    /// Number of (line or committee) × year pairs.
    pub n: usize,
}

fn stats(errors: &[Amount]) -> ErrorStats {
    let n = errors.len();
    if n == 0 {
        return ErrorStats::default();
    }
    let abs: i128 = errors.iter().map(|e| (e.ore() as i128).abs()).sum();
    let sum: i128 = errors.iter().map(|e| e.ore() as i128).sum();
    let mae = Amount::from_ore((abs / n as i128) as i64);
    ErrorStats {
        mae: mae.to_fixed2(),
        bias: Amount::from_ore((sum / n as i128) as i64).to_fixed2(),
        n,
    }
}

/// One method's backtest at line and committee level.
#[derive(Clone, Debug, Serialize)]
pub struct MethodBacktest {
    /// Method code, or `mix` for the recommended mix.
    pub method: String,
    /// Swedish name.
    pub name: String,
    /// Per line and replayed year, where the method can be used.
    pub line: ErrorStats,
    /// Per line and replayed year over every line (the mix's value where the method cannot
    /// be used), comparable between methods.
    pub line_all: ErrorStats,
    /// Per committee and replayed year (Σ of the committee's lines against their actual).
    pub committee: ErrorStats,
}

/// The backtest of a round: per method and for the mix.
#[derive(Clone, Debug, Serialize)]
pub struct BacktestReport {
    /// Round id.
    pub round: String,
    /// Cut-off month (1–12).
    pub cutoff: u8,
    /// Replayed years.
    pub years: Vec<i32>,
    /// Lines.
    pub lines: usize,
    /// Per method, then `mix`.
    pub methods: Vec<MethodBacktest>,
    /// Replayed years with no budget in the database: the budget method is not replayed on
    /// them (never as a budget of 0).
    pub years_without_budget: Vec<i32>,
}

/// Replay every earlier year at the round's cut-off: per method (a line where the method
/// cannot be used counts with the mix at committee level and not at all at line level) and for
/// the recommended mix (for each replayed year the method recommended on the other years).
pub fn backtest_report(inputs: &Inputs, lines: &[LineCalc], round: &Round) -> BacktestReport {
    let m = round.cutoff as usize;
    let placement = inputs.placement(round.cutoff_month());
    let tree = placement.tree();
    let mut years: Vec<i32> = lines
        .iter()
        .flat_map(|l| l.data.history.iter().map(|(y, _)| *y))
        .collect();
    years.sort();
    years.dedup();
    // Per line and year: actual, each method's forecast and the mix's.
    struct Cell {
        committee: String,
        year: i32,
        actual: Amount,
        by_method: Vec<Option<Amount>>,
        mix: Amount,
    }
    let mut cells = Vec::new();
    for l in lines {
        let c = committee(tree, &l.node);
        for (y, months) in &l.data.history {
            let actual: Amount = months.iter().copied().sum();
            let by_method: Vec<Option<Amount>> = METHODS
                .iter()
                .map(|m| {
                    l.records
                        .iter()
                        .find(|r| r.method == *m)
                        .and_then(|r| r.rows.iter().find(|x| x.year == *y))
                        .map(|x| x.forecast)
                })
                .collect();
            let deviation = l
                .history_budget_to_date
                .iter()
                .find(|(x, _)| x == y)
                .and_then(|(_, b)| scaled_deviation(months[..m].iter().copied().sum(), *b, m));
            let rec = recommend_from(&l.records, Some(*y), deviation);
            let pick = |m: Method| {
                METHODS
                    .iter()
                    .position(|x| *x == m)
                    .and_then(|i| by_method[i])
            };
            let mix = rec
                .and_then(pick)
                .or_else(|| pick(Method::Seasonal))
                .or_else(|| pick(Method::BudgetBased))
                .or_else(|| pick(Method::RunRate))
                .unwrap_or(actual);
            cells.push(Cell {
                committee: c.clone(),
                year: *y,
                actual,
                by_method,
                mix,
            });
        }
    }
    let mut methods = Vec::new();
    for (i, m) in METHODS
        .iter()
        .enumerate()
        .map(|(i, m)| (Some(i), Some(*m)))
        .chain([(None, None)])
    {
        let value = |c: &Cell| -> Option<Amount> {
            match i {
                Some(i) => c.by_method[i],
                None => Some(c.mix),
            }
        };
        let line_errors: Vec<Amount> = cells
            .iter()
            .filter_map(|c| value(c).map(|v| v - c.actual))
            .collect();
        let all_errors: Vec<Amount> = cells
            .iter()
            .map(|c| value(c).unwrap_or(c.mix) - c.actual)
            .collect();
        let mut comm: BTreeMap<(String, i32), (Amount, Amount)> = BTreeMap::new();
        for c in &cells {
            let e = comm.entry((c.committee.clone(), c.year)).or_default();
            e.0 += value(c).unwrap_or(c.mix);
            e.1 += c.actual;
        }
        let comm_errors: Vec<Amount> = comm.values().map(|(f, a)| *f - *a).collect();
        methods.push(MethodBacktest {
            method: m
                .map(|m| m.code().to_string())
                .unwrap_or_else(|| "mix".into()),
            name: m
                .map(|m| m.name().to_string())
                .unwrap_or_else(|| "Rekommenderad mix".into()),
            line: stats(&line_errors),
            line_all: stats(&all_errors),
            committee: stats(&comm_errors),
        });
    }
    let years_without_budget = years
        .iter()
        .copied()
        .filter(|y| {
            !inputs.years.get(y).is_some_and(|nodes| {
                nodes
                    .values()
                    .flatten()
                    .any(|r| r.budget.iter().any(|a| !a.is_zero()))
            })
        })
        .collect();
    BacktestReport {
        round: round.id(),
        cutoff: round.cutoff,
        years,
        lines: lines.len(),
        methods,
        years_without_budget,
    }
}

/// One row of the accuracy history: a year, a round kind, a committee (or the programme
/// area), a method (or the mix / the stored round).
#[derive(Clone, Debug, Serialize)]
pub struct AccuracyRow {
    pub year: i32,
    pub round: String,
    pub cutoff: u8,
    /// Committee code, or the root's code for the programme area.
    pub node: String,
    /// `mix` (stored round when there is one, else replayed with the recommendation), or a
    /// method code.
    pub method: String,
    /// Whether the figures come from a stored round.
    pub stored: bool,
    pub budget: String,
    pub cost_budget: String,
    pub forecast: String,
    pub actual: String,
    pub error: String,
    /// error / gross cost budget, percent.
    pub error_pct: f64,
    /// Mean absolute error per line (kronor), over the lines under the node.
    pub line_mae: String,
    /// The forecast's 80 % range (low, high), from the replayed years before that year of
    /// the lines under the node ([`delar_forecast::parts_range80`]: summed year by year, at
    /// least as wide as the lines' independent errors); `None` without replayed years.
    pub range: Option<(String, String)>,
    /// Whether the outcome fell inside the range.
    pub inside: Option<bool>,
}

/// Whether a year's outcome is complete (has outcome in its last month).
fn complete(inputs: &Inputs, year: i32) -> bool {
    inputs.years.get(&year).is_some_and(|nodes| {
        nodes
            .values()
            .flatten()
            .any(|r| r.outcome.len() == MONTHS && !r.outcome[MONTHS - 1].is_zero())
    })
}

/// The forecast made at P1 and P2 of every complete year with an earlier year (stored round,
/// else replayed with the recommended method chosen on the years before it), against the
/// final outcome, per committee and for the programme area.
/// `kinds`: which rounds to replay (P1, P2 or both).
pub fn accuracy(
    store: &dyn Backend,
    only: Option<i32>,
    kinds: &[RoundKind],
) -> Result<Vec<AccuracyRow>> {
    let years: Vec<i32> = store.years()?.iter().map(|y| y.label_year()).collect();
    let Some(&last) = years.iter().max() else {
        fail!("databasen har inga räkenskapsår");
    };
    let stored = store.forecast_rounds()?;
    let mut out = Vec::new();
    for &kind in kinds {
        let cutoff = Round::new(last, kind)
            .map_err(AppError::from_display)?
            .cutoff;
        let inputs = load_inputs(store, last, cutoff, LedgerBy::Group)?;
        for &y in inputs.years.keys() {
            if only.is_some_and(|o| o != y) || !complete(&inputs, y) {
                continue;
            }
            if inputs.years.range(..y).next().is_none() {
                continue;
            }
            let round = Round::new(y, kind).map_err(AppError::from_display)?;
            let lines = compute_lines(&inputs, y, cutoff as usize)?;
            let placement = inputs.placement(round.cutoff_month());
            let tree = placement.tree();
            let kinds: HashMap<&str, GroupKind> = inputs
                .mapping
                .groups()
                .iter()
                .map(|g| (g.code.as_str(), g.kind))
                .collect();
            let saved = stored
                .iter()
                .find(|r| r.round == round && r.grain == "group")
                .map(|_| store.forecast_line_details(&round.id()))
                .transpose()?;
            // (node, budget, forecast, actual, is_cost, replayed years) per line.
            type Cells = Vec<(String, Amount, Amount, Amount, bool, Vec<BacktestRow>)>;
            let rows_of = |l: &LineCalc, m: Method| -> Vec<BacktestRow> {
                l.records
                    .iter()
                    .find(|r| r.method == m)
                    .map(|r| r.rows.clone())
                    .unwrap_or_default()
            };
            let mut variants: Vec<(String, bool, Cells)> = Vec::new();
            let base = |f: &dyn Fn(&LineCalc) -> Option<Amount>, m: Option<Method>| {
                lines
                    .iter()
                    .map(|l| {
                        let (v, rows) = match f(l) {
                            Some(v) => (v, rows_of(l, m.unwrap_or(l.chosen().0))),
                            None => {
                                let (c, v, _) = l.chosen();
                                (v, rows_of(l, c))
                            }
                        };
                        (
                            l.node.clone(),
                            l.data.budget,
                            v,
                            l.actual,
                            kinds.get(l.kontogrupp.as_str()) == Some(&GroupKind::Cost),
                            rows,
                        )
                    })
                    .collect::<Vec<_>>()
            };
            match &saved {
                Some(saved) => {
                    let actual: HashMap<(&str, &str), (Amount, bool)> = lines
                        .iter()
                        .map(|l| {
                            (
                                (l.node.as_str(), l.group.as_str()),
                                (
                                    l.actual,
                                    kinds.get(l.kontogrupp.as_str()) == Some(&GroupKind::Cost),
                                ),
                            )
                        })
                        .collect();
                    let v = saved
                        .iter()
                        .map(|d| {
                            let s = &d.line;
                            let (a, cost) = actual
                                .get(&(s.node.as_str(), s.group.as_str()))
                                .copied()
                                .unwrap_or_default();
                            let rows = replay_of(d).to_vec();
                            (s.node.clone(), s.budget, s.full_year(), a, cost, rows)
                        })
                        .collect();
                    variants.push(("mix".into(), true, v));
                }
                None => variants.push(("mix".into(), false, base(&|l| Some(l.chosen().1), None))),
            }
            for m in METHODS {
                // A method that cannot be used on any line this year (the budget method in a
                // year without budget) has no row, rather than the mix's figures.
                if lines.iter().all(|l| l.value(m).is_none()) {
                    continue;
                }
                variants.push((m.code().into(), false, base(&|l| l.value(m), Some(m))));
            }
            for (method, is_stored, rows) in variants {
                type Sums<'a> = (
                    Amount,
                    Amount,
                    Amount,
                    Amount,
                    Vec<Amount>,
                    Vec<(Amount, &'a [BacktestRow])>,
                );
                let mut by: BTreeMap<String, Sums> = BTreeMap::new();
                for (node, budget, forecast, actual, cost, replay) in &rows {
                    let mut keys = vec![committee(tree, node)];
                    if let Some(root) = tree.root() {
                        keys.push(root.code.clone());
                    }
                    for k in keys {
                        let e = by.entry(k).or_default();
                        e.0 += *budget;
                        if *cost {
                            e.1 += *budget;
                        }
                        e.2 += *forecast;
                        e.3 += *actual;
                        e.4.push(*forecast - *actual);
                        e.5.push((*forecast, replay.as_slice()));
                    }
                }
                for (node, (budget, cost_budget, forecast, actual, errs, replays)) in by {
                    let error = forecast - actual;
                    let range = delar_forecast::parts_range80(replays);
                    out.push(AccuracyRow {
                        year: y,
                        round: round.id(),
                        cutoff,
                        node,
                        method: method.clone(),
                        stored: is_stored,
                        budget: budget.to_fixed2(),
                        cost_budget: cost_budget.to_fixed2(),
                        forecast: forecast.to_fixed2(),
                        actual: actual.to_fixed2(),
                        error: error.to_fixed2(),
                        error_pct: if cost_budget.is_zero() {
                            0.0
                        } else {
                            error.as_kr_f64() / cost_budget.as_kr_f64() * 100.0
                        },
                        line_mae: stats(&errs).mae,
                        range: range.map(|(lo, hi)| (lo.to_fixed2(), hi.to_fixed2())),
                        inside: range.map(|(lo, hi)| lo <= actual && actual <= hi),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// A round rolled up along the organisation: what `forecast show` and the controller's
/// overview present.
#[derive(Clone, Debug)]
pub struct RoundView {
    /// The round.
    pub info: delar_store::RoundInfo,
    /// The nodes shown (the tree, or the subtree under the node asked for), depth-first, each
    /// with its level (0 = the top shown), code, name, total and totals per kontogrupp.
    pub nodes: Vec<NodeView>,
    /// The lines shown with their details: every line of the round, or with a node asked
    /// for, the lines of that node and the nodes under it.
    pub details: Vec<delar_store::LineDetail>,
}

/// One node of a [`RoundView`].
#[derive(Clone, Debug)]
pub struct NodeView {
    /// Depth below the top node shown.
    pub level: usize,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Outcome to date, budget, forecast and special effects of every line under the node.
    pub total: delar_forecast::Totals,
    /// The same per kontogrupp (or account).
    pub groups: BTreeMap<String, delar_forecast::Totals>,
    /// The 80 % range of the forecast ([`node_ranges`]), when a line under it has replayed
    /// years.
    pub range: Option<(Amount, Amount)>,
    /// The same per kontogrupp (or account).
    pub group_ranges: BTreeMap<String, (Amount, Amount)>,
}

/// The replayed years a line's range is drawn from: those of the method in use; for a manual
/// amount, those of the recommended method (else the seasonal profile), the best record of
/// how far a forecast of this line can miss.
pub fn replay_of(d: &delar_store::LineDetail) -> &[BacktestRow] {
    let of = |m: Method| {
        d.estimates
            .iter()
            .find(|e| e.method == m)
            .map(|e| e.replay.as_slice())
    };
    let method = match d.line.method {
        Method::Manual => d.recommended.unwrap_or(Method::Seasonal),
        m => m,
    };
    of(method).unwrap_or_default()
}

/// A line's 80 % range: [`delar_forecast::line_range80`] from [`replay_of`].
pub fn line_range(d: &delar_store::LineDetail) -> Option<(Amount, Amount)> {
    delar_forecast::line_range80(&d.line, replay_of(d))
}

/// The 80 % range of every node's forecast (the lines under it, the node's own included),
/// in total (`None`) and per kontogrupp (`Some(group)`): [`delar_forecast::sum_range80`], the
/// lines' replayed errors summed year by year so they count with the correlation they had,
/// not added up range by range.
pub fn node_ranges(
    details: &[delar_store::LineDetail],
    ancestors: impl Fn(&str) -> Vec<String>,
) -> BTreeMap<(String, Option<String>), (Amount, Amount)> {
    type Under<'a> = BTreeMap<(String, Option<String>), Vec<&'a delar_store::LineDetail>>;
    let mut under: Under = BTreeMap::new();
    for d in details {
        let mut nodes = vec![d.line.node.clone()];
        nodes.extend(ancestors(&d.line.node));
        nodes.dedup();
        for n in nodes {
            under.entry((n.clone(), None)).or_default().push(d);
            under
                .entry((n, Some(d.line.group.clone())))
                .or_default()
                .push(d);
        }
    }
    under
        .into_iter()
        .filter_map(|(k, ds)| {
            delar_forecast::sum_range80(ds.iter().map(|d| (&d.line, replay_of(d)))).map(|r| (k, r))
        })
        .collect()
}

impl RoundView {
    /// The lines on the nodes shown.
    pub fn shown_details(&self) -> Vec<&delar_store::LineDetail> {
        self.details
            .iter()
            .filter(|d| self.nodes.iter().any(|n| n.code == d.line.node))
            .collect()
    }
}

/// The round rolled up along the organisation in force at its cut-off (with its "Ej fördelat
/// på enhet" leaves); with `node`, only that node and what is under it (only their lines are
/// read, see [`node_view`]).
pub fn round_view(store: &dyn Backend, round: &Round, node: Option<&str>) -> Result<RoundView> {
    let id = round.id();
    let info = store
        .forecast_round(&id)?
        .ok_or_else(|| AppError::NotFound(format!("prognosomgången {id} finns inte")))?;
    if let Some(n) = node {
        let nodes = store.forecast_line_nodes(&id)?;
        let org = store.organisation()?;
        let tree = round_tree_of(&org, round.cutoff_month(), nodes.iter().map(String::as_str));
        return node_view(store, info, &tree, n);
    }
    let details = store.forecast_line_details(&id)?;
    let org = store.organisation()?;
    let lines: Vec<ForecastLine> = details.iter().map(|d| d.line.clone()).collect();
    let tree = round_tree(&org, round.cutoff_month(), &lines);
    Ok(view_of(info, &tree, details, None))
}

/// One node of a round and what is under it, rolled up along the round's tree (as
/// [`crate::auth::round_tree`] gives it), reading only the lines of the node and the nodes
/// under it: a unit's sheet costs one unit's rows, not the round's. Fails with
/// [`AppError::NotFound`] for a node that is neither in the tree nor carries lines.
pub fn node_view(
    store: &dyn Backend,
    info: delar_store::RoundInfo,
    tree: &OrgTree,
    node: &str,
) -> Result<RoundView> {
    let id = info.round.id();
    let mut codes: Vec<&str> = vec![node];
    codes.extend(tree.descendants(node).iter().map(|n| n.code.as_str()));
    let details = store.forecast_node_details(&id, &codes)?;
    if !tree.contains(node) && details.is_empty() {
        return Err(AppError::NotFound(format!(
            "noden {node} finns inte i organisationen {}",
            info.round.cutoff_month()
        )));
    }
    Ok(view_of(info, tree, details, Some(node)))
}

/// The view of `details` (the round's lines, or those under `node`) along `tree`.
fn view_of(
    info: delar_store::RoundInfo,
    tree: &OrgTree,
    details: Vec<delar_store::LineDetail>,
    node: Option<&str>,
) -> RoundView {
    let lines: Vec<ForecastLine> = details.iter().map(|d| d.line.clone()).collect();
    let ancestors =
        |n: &str| -> Vec<String> { tree.ancestors(n).iter().map(|a| a.code.clone()).collect() };
    let totals = delar_forecast::roll_up(&lines, ancestors);
    let ranges = node_ranges(&details, ancestors);
    let mut shown: Vec<(usize, String, String)> = Vec::new();
    let base_depth = node.and_then(|n| tree.depth(n)).unwrap_or(0);
    for (depth, n) in tree.walk() {
        let inside = match node {
            None => true,
            Some(x) => n.code == x || tree.ancestors(&n.code).iter().any(|a| a.code == x),
        };
        if inside && totals.contains_key(&n.code) {
            shown.push((
                depth - base_depth.min(depth),
                n.code.clone(),
                n.name.clone(),
            ));
        }
    }
    for code in totals.keys() {
        if !tree.contains(code) && node.is_none_or(|x| x == code) {
            shown.push((0, code.clone(), code.clone()));
        }
    }
    let nodes = shown
        .into_iter()
        .map(|(level, code, name)| {
            let groups: BTreeMap<String, delar_forecast::Totals> = totals
                .get(&code)
                .map(|g| g.iter().map(|(k, t)| (k.to_string(), *t)).collect())
                .unwrap_or_default();
            let mut total = delar_forecast::Totals::default();
            for v in groups.values() {
                total.to_date += v.to_date;
                total.budget += v.budget;
                total.forecast += v.forecast;
                total.special += v.special;
            }
            NodeView {
                level,
                range: ranges.get(&(code.clone(), None)).copied(),
                group_ranges: groups
                    .keys()
                    .filter_map(|g| {
                        ranges
                            .get(&(code.clone(), Some(g.clone())))
                            .map(|r| (g.clone(), *r))
                    })
                    .collect(),
                code,
                name,
                total,
                groups,
            }
        })
        .collect();
    RoundView {
        info,
        nodes,
        details,
    }
}

/// The bridge between two rounds per committee: previous and current forecast, and the
/// changed lines with their reasons.
#[derive(Clone, Debug)]
pub struct CommitteeBridge {
    /// Committee code (or the node itself outside every committee).
    pub code: String,
    /// Its name.
    pub name: String,
    /// The earlier round's full-year forecast.
    pub previous: Amount,
    /// The later round's.
    pub current: Amount,
    /// Each changed line: the change and a text `NOD:GRUPP ±n tkr (why)`, largest first.
    pub changes: Vec<(Amount, String)>,
}

/// The bridge from round `from` to round `to`: per committee, and every line's row.
pub fn bridge_view(
    store: &dyn Backend,
    from: &Round,
    to: &Round,
) -> Result<(Vec<CommitteeBridge>, Vec<delar_forecast::BridgeRow>)> {
    let prev = store.forecast_lines(&from.id())?;
    let cur = store.forecast_lines(&to.id())?;
    let rows = delar_forecast::bridge(&prev, &cur);
    let org = store.organisation()?;
    let tree = round_tree(&org, to.cutoff_month(), &cur);
    let mut by: BTreeMap<String, CommitteeBridge> = BTreeMap::new();
    for r in &rows {
        let c = committee(&tree, &r.node);
        let e = by.entry(c.clone()).or_insert_with(|| CommitteeBridge {
            name: tree.node(&c).map(|x| x.name.clone()).unwrap_or(c.clone()),
            code: c,
            previous: Amount::ZERO,
            current: Amount::ZERO,
            changes: Vec::new(),
        });
        e.previous += r.previous;
        e.current += r.current;
        if !r.change.is_zero() {
            let why: Vec<&String> = r
                .reasons
                .iter()
                .filter(|x| !x.starts_with("Beräknat belopp"))
                .collect();
            let text = if why.is_empty() {
                "nytt utfall".to_string()
            } else {
                why.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
            };
            e.changes.push((
                r.change,
                format!("{}:{} {} ({text})", r.node, r.group, tkr(r.change)),
            ));
        }
    }
    let mut out: Vec<CommitteeBridge> = by.into_values().collect();
    for c in &mut out {
        c.changes
            .sort_by_key(|(a, _)| std::cmp::Reverse(a.ore().unsigned_abs()));
    }
    Ok((out, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(v: i64) -> Amount {
        Amount::from_ore(v * 100)
    }

    fn link(flow: bool, per_day: bool, volume: f64, price: f64) -> VolumeLink {
        let mut v = HashMap::new();
        let mut p = HashMap::new();
        for y in [2024, 2025] {
            for m in 1..=12u8 {
                let ym = YearMonth::new(y, m).unwrap().as_int();
                // A flow twice as large in the second half of the year.
                v.insert(ym, if flow && m > 6 { volume * 2.0 } else { volume });
                p.insert(ym, price);
            }
        }
        VolumeLink {
            name: "Placerade".into(),
            unit: "personer".into(),
            node: "SN41".into(),
            flow,
            per_day,
            price_unit: "kr per dygn".into(),
            volume: v,
            price: p,
            budget_volume: HashMap::new(),
            budget_price: HashMap::new(),
        }
    }

    #[test]
    fn volume_price_forecast_splits_the_deviation_from_the_volume_budget() {
        // 10 persons per day at 1 000 kr all year; budget 9 persons at 950 kr.
        let mut l = link(false, true, 10.0, 1000.0);
        for m in 1..=12u8 {
            let ym = YearMonth::new(2025, m).unwrap().as_int();
            l.budget_volume.insert(ym, 9.0);
            l.budget_price.insert(ym, 950.0);
        }
        let outcome: Vec<Amount> = (1..=8u8)
            .map(|m| kr(10 * 1000 * days_in_month(2025, m) as i64))
            .collect();
        let e = volume_price_estimate(&[&l], 2025, 8, &outcome);
        assert_eq!(e.value(), Some(kr(3_650_000)));
        let Estimate::Value { explanation, .. } = e else {
            panic!()
        };
        // budget 9 × 950 × 365 = 3 120 750; deviation −529 250 = volume −346 750 (one more
        // person × 950 × 365) + price −182 500 (50 kr dearer × 10 × 365)
        let d = l.budget_split(2025, 8).unwrap();
        assert_eq!(d.budget.cost, kr(3_120_750));
        assert_eq!(d.deviation, kr(-529_250));
        assert_eq!(d.volume_part, kr(-346_750));
        assert_eq!(d.price_part, kr(-182_500));
        assert!(
            explanation.contains("Mot volymbudgeten 3\u{a0}121 tkr")
                && explanation.contains("avvikelse −529 tkr = volym −347 tkr + pris −183 tkr"),
            "{explanation}"
        );
        // Without a budget for every month, no split.
        l.budget_price.remove(&202512);
        let Estimate::Value { explanation, .. } = volume_price_estimate(&[&l], 2025, 8, &outcome)
        else {
            panic!()
        };
        assert!(!explanation.contains("volymbudget"), "{explanation}");
    }

    #[test]
    fn volume_price_forecast_on_known_series() {
        // 10 persons per day at 1 000 kr per day: January–August 243 days, the rest 122.
        let l = link(false, true, 10.0, 1000.0);
        let outcome: Vec<Amount> = (1..=8u8)
            .map(|m| kr(10 * 1000 * days_in_month(2025, m) as i64 + 10_000))
            .collect();
        let e = volume_price_estimate(&[&l], 2025, 8, &outcome);
        // 2 430 000 + 80 000 other costs so far; 1 220 000 remaining; other costs carried on
        // at their pace: 80 000 × 4 / 8 = 40 000.
        assert_eq!(e.value(), Some(kr(2_430_000 + 80_000 + 1_220_000 + 40_000)));
        let Estimate::Value { explanation, .. } = e else {
            panic!()
        };
        assert!(explanation.contains("1\u{a0}220,0 dygn"), "{explanation}");
        // A flow shaped like last year: 100 hours a month in January–June, 200 after, at 500
        // kr: this year's pace equals last year's, so the rest is 4 × 200 hours.
        let l = link(true, false, 100.0, 500.0);
        let outcome: Vec<Amount> = (1..=8)
            .map(|m| kr(if m > 6 { 100_000 } else { 50_000 }))
            .collect();
        let e = volume_price_estimate(&[&l], 2025, 8, &outcome);
        assert_eq!(e.value(), Some(kr(500_000 + 400_000)));
        // A missing value: not applicable.
        let mut l = link(false, true, 10.0, 1000.0);
        l.price.remove(&202503);
        assert!(matches!(
            volume_price_estimate(&[&l], 2025, 8, &outcome),
            Estimate::NotApplicable { .. }
        ));
        assert!(matches!(
            volume_price_estimate(&[], 2025, 8, &outcome),
            Estimate::NotApplicable { .. }
        ));
    }
}
