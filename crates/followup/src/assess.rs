//! Goal assessment: the year-end status that delar proposes for each goal from its
//! indicators' attainment and its activities' completion, and a person's override with a
//! mandatory rationale. The rule is documented in docs/GOALS.md; the thresholds live in
//! [`Rule`], the words in [`Scale`]. Pure: no I/O.
//!
//! The status of a goal is decided once ([`assess`] + [`apply_overrides`]) and every chapter
//! that shows it reads the same [`Assessment`] (R10).

use crate::model::*;
use delar_core::Amount;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The status of a goal for the year, independent of the words a municipality uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum GoalStatus {
    /// Uppnås (helt).
    Met,
    /// Uppnås delvis (i hög utsträckning).
    Partly,
    /// Uppnås inte (delvis, in Örebro 2019's words).
    NotMet,
    /// Cannot be assessed: no indicator with data and no activity.
    NotAssessed,
}

impl GoalStatus {
    /// Stable key stored in the database (`met`, `partly`, `not_met`, `not_assessed`).
    pub fn key(self) -> &'static str {
        match self {
            GoalStatus::Met => "met",
            GoalStatus::Partly => "partly",
            GoalStatus::NotMet => "not_met",
            GoalStatus::NotAssessed => "not_assessed",
        }
    }

    /// The status for a stored key.
    /// Points of a child goal's status towards its parent (of 2); `None` when not assessed.
    pub fn points(self) -> Option<u32> {
        match self {
            GoalStatus::Met => Some(2),
            GoalStatus::Partly => Some(1),
            GoalStatus::NotMet => Some(0),
            GoalStatus::NotAssessed => None,
        }
    }

    pub fn from_key(s: &str) -> Option<GoalStatus> {
        [
            GoalStatus::Met,
            GoalStatus::Partly,
            GoalStatus::NotMet,
            GoalStatus::NotAssessed,
        ]
        .into_iter()
        .find(|g| g.key() == s)
    }
}

/// The words of a status scale (configurable per municipality).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    /// Word for [`GoalStatus::Met`].
    pub met: String,
    /// Word for [`GoalStatus::Partly`].
    pub partly: String,
    /// Word for [`GoalStatus::NotMet`].
    pub not_met: String,
    /// Word for [`GoalStatus::NotAssessed`].
    pub not_assessed: String,
}

impl Default for Scale {
    fn default() -> Self {
        Scale {
            met: "Uppnås".into(),
            partly: "Uppnås delvis".into(),
            not_met: "Uppnås inte".into(),
            not_assessed: "Kan inte bedömas".into(),
        }
    }
}

impl Scale {
    /// Örebro 2019's scale: helt / i hög utsträckning / delvis.
    pub fn orebro_2019() -> Scale {
        Scale {
            met: "Helt".into(),
            partly: "I hög utsträckning".into(),
            not_met: "Delvis".into(),
            not_assessed: "Kan inte bedömas".into(),
        }
    }

    /// The word for a status.
    pub fn label(&self, s: GoalStatus) -> &str {
        match s {
            GoalStatus::Met => &self.met,
            GoalStatus::Partly => &self.partly,
            GoalStatus::NotMet => &self.not_met,
            GoalStatus::NotAssessed => &self.not_assessed,
        }
    }

    /// The status a word stands for (case and å/ä/ö do not matter).
    pub fn parse(&self, word: &str) -> Option<GoalStatus> {
        let n = norm(word);
        [
            GoalStatus::Met,
            GoalStatus::Partly,
            GoalStatus::NotMet,
            GoalStatus::NotAssessed,
        ]
        .into_iter()
        .find(|s| norm(self.label(*s)) == n)
    }
}

/// Thresholds of the rule, in percent of the attainable points (see docs/GOALS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// At least this share of points: met (default 80).
    pub met_at: u32,
    /// At least this share: partly met (default 40); below: not met.
    pub partly_at: u32,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            met_at: 80,
            partly_at: 40,
        }
    }
}

/// Whether an indicator reaches its target for the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attainment {
    /// The year-end value (outcome, else forecast, else value to date) meets the target.
    Met,
    /// It does not.
    NotMet,
    /// No value to judge (i.u., or a word forecast that cannot decide against a level).
    NoData,
    /// Not judged: no target, or a neutral polarity.
    NotJudged,
}

impl Attainment {
    /// Swedish word for tables (`Uppnås`, `Uppnås inte`, `i.u.`, `Följs`).
    pub fn label(self) -> &'static str {
        match self {
            Attainment::Met => "Uppnås",
            Attainment::NotMet => "Uppnås inte",
            Attainment::NoData => "i.u.",
            Attainment::NotJudged => "Följs",
        }
    }
}

/// An indicator's judgement: the value used, the target, and the attainment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorJudgement {
    /// Indicator code.
    pub indicator: String,
    /// Attainment.
    pub attainment: Attainment,
    /// Which value was judged (`utfall`, `prognos`, `hittills`), when any.
    pub basis: Option<ValueKindWord>,
}

/// A person's decision on a goal's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// Year.
    pub year: i32,
    /// Goal code.
    pub goal: String,
    /// The status decided.
    pub status: GoalStatus,
    /// Why (required, not blank).
    pub rationale: String,
    /// Who decided.
    pub by: String,
    /// When (`ÅÅÅÅ-MM-DD`).
    pub date: String,
}

/// Why an override was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OverrideError {
    /// The rationale is empty.
    MissingRationale(String),
    /// The goal is not assessed this year.
    UnknownGoal(String),
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideError::MissingRationale(g) => write!(
                f,
                "bedömningen av mål {g} ändras utan motivering. Skriv varför bedömningen \
                 avviker från förslaget."
            ),
            OverrideError::UnknownGoal(g) => write!(
                f,
                "mål {g} finns inte bland årets mål. Kontrollera målkoden."
            ),
        }
    }
}

impl std::error::Error for OverrideError {}

/// One goal's assessment: the proposal, its basis, and the status in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalAssessment {
    /// Year.
    pub year: i32,
    /// Goal code.
    pub goal: String,
    /// What the rule proposes.
    pub proposed: GoalStatus,
    /// The status in force: the override's, else the proposal.
    pub status: GoalStatus,
    /// Indicators judged (with a target and a direction), with data, and met.
    pub indicators_judged: u32,
    /// Indicators with data.
    pub indicators_with_data: u32,
    /// Indicators met.
    pub indicators_met: u32,
    /// Activities and strategic assignments linked to the goal.
    pub activities: u32,
    /// Of which forecast done by year end.
    pub activities_done: u32,
    /// Points scored and attainable, in halves (an activity in progress scores one half).
    pub points: (u32, u32),
    /// The override, when a person decided.
    pub decision: Option<Override>,
}

impl GoalAssessment {
    /// The proposal's reasoning in Swedish, for the audit trail and a tooltip.
    pub fn explanation(&self, scale: &Scale) -> String {
        use delar_core::words::count_text;
        // Counts up to twelve in words, noun and participle agreeing with them.
        let (met, with) = (self.indicators_met, self.indicators_with_data);
        let mut s = format!("Förslag: {}. ", scale.label(self.proposed));
        s.push_str(&match with {
            0 => "Ingen indikator med målvärde har uppgift".to_string(),
            1 if met == 1 => "Indikatorn med målvärde uppnås".to_string(),
            1 => "Indikatorn med målvärde uppnås inte".to_string(),
            2 if met == 2 => "Båda indikatorerna med målvärde uppnås".to_string(),
            _ if met == with => format!(
                "Alla {} indikatorer med målvärde uppnås",
                count_text(u64::from(with), false)
            ),
            _ => {
                let m = if met == 0 {
                    "ingen".to_string()
                } else {
                    count_text(u64::from(met), false)
                };
                format!(
                    "{} av {} indikatorer med målvärde uppnås",
                    upper_first(&m),
                    count_text(u64::from(with), false)
                )
            }
        });
        let missing = self.indicators_judged - self.indicators_with_data;
        if missing > 0 {
            s.push_str(&format!(
                " ({} saknar uppgift)",
                count_text(u64::from(missing), false)
            ));
        }
        let (done, all) = (self.activities_done, self.activities);
        match all {
            0 => {}
            1 if done == 1 => s.push_str("; aktiviteten beräknas vara genomförd vid årets slut"),
            1 => s.push_str("; aktiviteten beräknas inte vara genomförd vid årets slut"),
            2 if done == 2 => {
                s.push_str("; båda aktiviteterna beräknas vara genomförda vid årets slut")
            }
            _ if done == all => s.push_str(&format!(
                "; alla {} aktiviteter beräknas vara genomförda vid årets slut",
                count_text(u64::from(all), false)
            )),
            _ => {
                let d = if done == 0 {
                    "ingen".to_string()
                } else {
                    count_text(u64::from(done), false)
                };
                s.push_str(&format!(
                    "; {d} av {} aktiviteter beräknas vara {} vid årets slut",
                    count_text(u64::from(all), false),
                    if done <= 1 {
                        "genomförd"
                    } else {
                        "genomförda"
                    }
                ));
            }
        }
        s.push('.');
        if let Some(d) = &self.decision {
            s.push_str(&format!(
                " Bedömningen ändrad till {} av {} {}: {}",
                scale.label(d.status),
                d.by,
                d.date,
                d.rationale
            ));
        }
        s
    }
}

/// The assessment of every goal of a year, keyed by goal code.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Year.
    pub year: i32,
    /// Per goal.
    pub goals: BTreeMap<String, GoalAssessment>,
    /// Per indicator.
    pub indicators: BTreeMap<String, IndicatorJudgement>,
}

impl Assessment {
    /// A goal's status in force (`NotAssessed` for an unknown goal).
    pub fn status(&self, goal: &str) -> GoalStatus {
        self.goals
            .get(goal)
            .map(|g| g.status)
            .unwrap_or(GoalStatus::NotAssessed)
    }

    /// An indicator's attainment (`NotJudged` when unknown).
    pub fn attainment(&self, indicator: &str) -> Attainment {
        self.indicators
            .get(indicator)
            .map(|j| j.attainment)
            .unwrap_or(Attainment::NotJudged)
    }
}

// ---------------------------------------------------------------------------------------------
// Financial indicators

/// The ledger and forecast figures a financial indicator is computed from (never typed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinancialFigures {
    /// Budget deviation = budget − forecast of the net cost (positive = surplus).
    BudgetDeviation {
        /// Net cost budget for the year (positive).
        budget: Amount,
        /// Net cost forecast for the year (positive).
        forecast: Amount,
    },
    /// Net cost deviation = (net cost − reference cost) / reference cost, in percent.
    NetCostDeviation {
        /// Net cost.
        net_cost: Amount,
        /// Reference (structurally expected) cost.
        reference_cost: Amount,
    },
}

/// Budget deviation = budget − forecast (positive = under budget).
pub fn budget_deviation(budget: Amount, forecast: Amount) -> Amount {
    budget - forecast
}

/// Net cost deviation in percent: (net cost − reference) / reference × 100; `None` when the
/// reference is zero.
pub fn net_cost_deviation(net_cost: Amount, reference_cost: Amount) -> Option<f64> {
    if reference_cost.ore() == 0 {
        return None;
    }
    Some((net_cost.ore() - reference_cost.ore()) as f64 / reference_cost.ore() as f64 * 100.0)
}

/// A financial indicator's forecast value for the year, in the indicator's unit (`mnkr`,
/// `tkr`, `kr` for amounts, `%` for the net cost deviation), rounded to its decimals.
pub fn financial_value(
    indicator: &Indicator,
    year: i32,
    figures: FinancialFigures,
) -> IndicatorValue {
    let v = match figures {
        FinancialFigures::BudgetDeviation { budget, forecast } => {
            let d = budget_deviation(budget, forecast);
            let per = match norm(&indicator.unit).as_str() {
                "mnkr" => 1e6,
                "tkr" => 1e3,
                _ => 1.0,
            };
            Some(d.ore() as f64 / 100.0 / per)
        }
        FinancialFigures::NetCostDeviation {
            net_cost,
            reference_cost,
        } => net_cost_deviation(net_cost, reference_cost),
    };
    let p = 10f64.powi(indicator.decimals.min(6) as i32);
    IndicatorValue {
        indicator: indicator.code.clone(),
        year,
        kind: ValueKind::Forecast,
        figure: match v {
            Some(v) => Figure::Number(Kmt::total((v * p).round() / p)),
            None => Figure::NoData,
        },
        comment: Some("Beräknat ur huvudboken och prognosen.".into()),
    }
}

/// The values to use for a year: the stored values, with every current-year value of a
/// financial indicator (source `ekonomi`) except its target replaced by the computed ones.
pub fn with_financial(
    data: &FollowupData,
    year: i32,
    computed: &[IndicatorValue],
) -> Vec<IndicatorValue> {
    let ledger: Vec<&str> = data
        .indicators
        .iter()
        .filter(|i| i.source == SourceKind::Ledger)
        .map(|i| i.code.as_str())
        .collect();
    let mut out: Vec<IndicatorValue> = data
        .values
        .iter()
        .filter(|v| {
            !(v.year == year
                && v.kind != ValueKind::Target
                && ledger.contains(&v.indicator.as_str()))
        })
        .cloned()
        .collect();
    out.extend(computed.iter().filter(|v| v.year == year).cloned());
    out
}

// ---------------------------------------------------------------------------------------------
// Indicator attainment

fn total(f: &Figure) -> Option<f64> {
    match f {
        Figure::Number(k) => k.total,
        _ => None,
    }
}

/// Round to the shown decimals, so values that print equal compare equal.
fn shown(v: f64, decimals: u8) -> i64 {
    (v * 10f64.powi(decimals.min(6) as i32)).round() as i64
}

/// Judge one indicator for `year` from `values` (see docs/GOALS.md for the rule).
pub fn judge_indicator(
    ind: &Indicator,
    year: i32,
    values: &[IndicatorValue],
) -> IndicatorJudgement {
    let of = |kind: fn(&ValueKind) -> bool, y: i32| {
        values
            .iter()
            .filter(|v| v.indicator == ind.code && v.year == y && kind(&v.kind))
            .max_by_key(|v| match v.kind {
                ValueKind::ToDate(m) => m.as_int(),
                _ => 0,
            })
    };
    let outcome = of(|k| *k == ValueKind::Outcome, year);
    let forecast = of(|k| *k == ValueKind::Forecast, year);
    let to_date = of(|k| matches!(k, ValueKind::ToDate(_)), year);
    let target = of(|k| *k == ValueKind::Target, year).map(|v| v.figure);
    let previous = of(|k| *k == ValueKind::Outcome, year - 1).and_then(|v| total(&v.figure));
    let judgement = |attainment, basis| IndicatorJudgement {
        indicator: ind.code.clone(),
        attainment,
        basis,
    };
    if ind.polarity == Polarity::Neutral {
        return judgement(Attainment::NotJudged, None);
    }
    // The criterion: the polarity's own limits, else the target.
    let limits = match (ind.polarity, target) {
        (Polarity::Range(a, b), _) => Some((Some(a), Some(b))),
        (Polarity::Ceiling(c), Some(Figure::Number(k))) => Some((None, k.total.or(Some(c)))),
        (Polarity::Ceiling(c), _) => Some((None, Some(c))),
        (Polarity::Floor(f), Some(Figure::Number(k))) => Some((k.total.or(Some(f)), None)),
        (Polarity::Floor(f), _) => Some((Some(f), None)),
        (Polarity::Higher, Some(Figure::Number(k))) => k.total.map(|t| (Some(t), None)),
        (Polarity::Lower, Some(Figure::Number(k))) => k.total.map(|t| (None, Some(t))),
        _ => None,
    };
    let word_target = match target {
        Some(Figure::Word(w)) if limits.is_none() => Some(w),
        _ => None,
    };
    if limits.is_none() && word_target.is_none() {
        return judgement(Attainment::NotJudged, None);
    }
    // The value judged: outcome, else forecast, else value to date (numbers first). A count
    // that accumulates over the year is not judged by its value to date: that is part of a
    // year, not comparable with a year's target.
    let to_date = to_date.filter(|_| ind.measure != MeasureKind::Sum);
    let numeric = [
        (outcome, ValueKindWord::Outcome),
        (forecast, ValueKindWord::Forecast),
        (to_date, ValueKindWord::ToDate),
    ]
    .into_iter()
    .find_map(|(v, k)| v.and_then(|v| total(&v.figure)).map(|x| (x, k)));
    let d = ind.decimals;
    let better_up = matches!(ind.polarity, Polarity::Higher | Polarity::Floor(_));
    let better_down = matches!(ind.polarity, Polarity::Lower | Polarity::Ceiling(_));
    if let Some((x, basis)) = numeric {
        let x = shown(x, d);
        let met = if let Some((lo, hi)) = limits {
            lo.is_none_or(|l| x >= shown(l, d)) && hi.is_none_or(|h| x <= shown(h, d))
        } else {
            let w = word_target.expect("word target");
            match (w, previous.map(|p| shown(p, d))) {
                (Trend::Zero | Trend::Balanced, _) => {
                    if better_down {
                        x <= 0
                    } else if better_up {
                        x >= 0
                    } else {
                        x == 0
                    }
                }
                (_, None) => return judgement(Attainment::NoData, Some(basis)),
                (Trend::Increase, Some(p)) => x > p,
                (Trend::Decrease, Some(p)) => x < p,
                (Trend::Maintain, Some(p)) => {
                    x == p || (better_up && x > p) || (better_down && x < p)
                }
            }
        };
        let a = if met {
            Attainment::Met
        } else {
            Attainment::NotMet
        };
        return judgement(a, Some(basis));
    }
    // Only a direction word as forecast.
    let Some(Figure::Word(f)) = forecast.map(|v| v.figure) else {
        return judgement(Attainment::NoData, None);
    };
    let basis = Some(ValueKindWord::Forecast);
    let up = |w: Trend| w == Trend::Increase;
    let down = |w: Trend| w == Trend::Decrease;
    let a = if word_target.is_some() {
        // A direction word against a direction word says nothing about the year: no value
        // of the year backs it (the typed words would decide by themselves), so the
        // indicator waits for data.
        Attainment::NoData
    } else {
        // A level target with a word forecast: last year's outcome and the direction decide
        // when they agree; otherwise the indicator cannot be judged yet.
        let (lo, hi) = limits.expect("limits");
        let Some(p) = previous else {
            return judgement(Attainment::NoData, basis);
        };
        let p = shown(p, d);
        let meets = lo.is_none_or(|l| p >= shown(l, d)) && hi.is_none_or(|h| p <= shown(h, d));
        let worse = (better_up && down(f)) || (better_down && up(f));
        let better = (better_up && up(f)) || (better_down && down(f));
        match (meets, f) {
            (true, _) if !worse => Attainment::Met,
            (false, _) if !better => Attainment::NotMet,
            _ => Attainment::NoData,
        }
    };
    judgement(a, basis)
}

// ---------------------------------------------------------------------------------------------
// Goals

/// Propose a status for every goal of `year` from `values` (use [`with_financial`] to bring in
/// the computed financial indicators) and the commitments; no overrides yet.
pub fn assess(
    data: &FollowupData,
    year: i32,
    values: &[IndicatorValue],
    rule: &Rule,
) -> Assessment {
    let mut out = Assessment {
        year,
        ..Default::default()
    };
    for ind in &data.indicators {
        out.indicators
            .insert(ind.code.clone(), judge_indicator(ind, year, values));
    }
    let goals: Vec<&Goal> = data.goals.iter().filter(|g| g.year == year).collect();
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for g in &goals {
        if let Some(p) = &g.parent {
            children.entry(p.as_str()).or_default().push(&g.code);
        }
    }
    // Committee goals first, then council goals, then goal areas: a parent counts its
    // children's statuses.
    let mut ordered = goals.clone();
    ordered.sort_by_key(|g| match g.level {
        GoalLevel::Committee => 0,
        GoalLevel::Council => 1,
        GoalLevel::Area => 2,
    });
    for g in ordered {
        let mut judged = 0;
        let mut with_data = 0;
        let mut met = 0;
        for ind in data.indicators.iter().filter(|i| i.goal == g.code) {
            match out.attainment(&ind.code) {
                Attainment::Met => {
                    judged += 1;
                    with_data += 1;
                    met += 1;
                }
                Attainment::NotMet => {
                    judged += 1;
                    with_data += 1;
                }
                Attainment::NoData => judged += 1,
                Attainment::NotJudged => {}
            }
        }
        let (mut activities, mut done, mut activity_points) = (0, 0, 0);
        for c in data.commitments.iter().filter(|c| {
            c.year == year
                && c.goal.as_deref() == Some(g.code.as_str())
                && c.kind != CommitmentKind::Commitment
        }) {
            if let CommitmentStatus::Progress { forecast, .. } = c.status {
                activities += 1;
                match forecast {
                    AssignmentStatus::Done => {
                        done += 1;
                        activity_points += 2;
                    }
                    AssignmentStatus::Ongoing => activity_points += 1,
                    AssignmentStatus::Remaining => {}
                }
            }
        }
        let (mut child_points, mut children_assessed) = (0, 0);
        for child in children.get(g.code.as_str()).into_iter().flatten() {
            let s = out.status(child);
            if let Some(p) = s.points() {
                child_points += p;
                children_assessed += 1;
            }
        }
        // Each kind of evidence (indicators, activities, child goals) weighs the same,
        // whatever their number, so the same pattern gets the same verdict.
        let groups = [
            (2 * met, 2 * with_data),
            (activity_points, 2 * activities),
            (child_points, 2 * children_assessed),
        ];
        let share = Share::of(&groups);
        let proposed = if share.den == 0 {
            GoalStatus::NotAssessed
        } else if with_data > 0 && met == 0 {
            // Results first: activities are means; when every indicator with data misses
            // its target, the goal is not met however far the activities have come.
            GoalStatus::NotMet
        } else if share.at_least(rule.met_at) {
            // Too little data to call it met: more indicators without data than with.
            if judged - with_data > with_data {
                GoalStatus::Partly
            } else {
                GoalStatus::Met
            }
        } else if share.at_least(rule.partly_at) {
            GoalStatus::Partly
        } else {
            GoalStatus::NotMet
        };
        out.goals.insert(
            g.code.clone(),
            GoalAssessment {
                year,
                goal: g.code.clone(),
                proposed,
                status: proposed,
                indicators_judged: judged,
                indicators_with_data: with_data,
                indicators_met: met,
                activities,
                activities_done: done,
                points: (share.num, share.den),
                decision: None,
            },
        );
    }
    out
}

/// The share of the points a goal scored: the mean, over the kinds of evidence present, of
/// each kind's scored / attainable points, as an exact fraction.
#[derive(Clone, Copy, Debug)]
struct Share {
    num: u32,
    den: u32,
}

impl Share {
    fn of(groups: &[(u32, u32)]) -> Share {
        let present: Vec<(u64, u64)> = groups
            .iter()
            .filter(|(_, p)| *p > 0)
            .map(|&(s, p)| (u64::from(s), u64::from(p)))
            .collect();
        if present.is_empty() {
            return Share { num: 0, den: 0 };
        }
        let product: u64 = present.iter().map(|(_, p)| p).product();
        let num: u64 = present.iter().map(|(s, p)| s * (product / p)).sum();
        let den = product * present.len() as u64;
        let g = gcd(num, den).max(1);
        Share {
            num: (num / g) as u32,
            den: (den / g) as u32,
        }
    }

    /// Whether the share is at least `percent` % (a share exactly on it counts).
    fn at_least(self, percent: u32) -> bool {
        u64::from(self.num) * 100 >= u64::from(percent) * u64::from(self.den)
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Apply people's decisions: each override must name a goal of the year and give a
/// rationale; all are checked before any is applied. A parent goal is not re-proposed when a
/// child is overridden (the proposal follows the data; the decision is the person's).
pub fn apply_overrides(a: &mut Assessment, overrides: &[Override]) -> Result<(), OverrideError> {
    for o in overrides.iter().filter(|o| o.year == a.year) {
        if o.rationale.trim().is_empty() {
            return Err(OverrideError::MissingRationale(o.goal.clone()));
        }
        if !a.goals.contains_key(&o.goal) {
            return Err(OverrideError::UnknownGoal(o.goal.clone()));
        }
    }
    for o in overrides.iter().filter(|o| o.year == a.year) {
        let g = a.goals.get_mut(&o.goal).expect("checked above");
        g.status = o.status;
        g.decision = Some(o.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests;

/// `s` with its first letter in upper case.
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
