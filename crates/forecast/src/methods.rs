//! The forecast methods, each a small function with a Swedish explanation of its arithmetic.

use crate::{amount, kr, LineData, MONTHS};
use delar_core::money::format_percent;
use delar_core::{Amount, Unit};
use serde::{Serialize, Serializer};

/// A forecast method. Serialised as its [`Method::code`] (`"sasong"`), the one name files, JSON,
/// the command line and the database use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// Budget plus known deviations.
    BudgetBased,
    /// Outcome to date × 12 / m.
    RunRate,
    /// Outcome to date ÷ the share of the year earlier years had reached by month m.
    Seasonal,
    /// Volume × unit price for the rest of the year, on top of the cost to date.
    VolumePrice,
    /// An amount a person sets, with a mandatory comment.
    Manual,
    /// Exponential smoothing with the model (error, trend, season) chosen by AICc, as
    /// AutoETS does ([`crate::ets`]).
    Smoothing,
    /// The mean of the seasonal profile and exponential smoothing (a combination of
    /// forecasts, more accurate than either alone in the forecasting competitions).
    Combination,
}

impl Method {
    /// Every method, in the order of the method codes' documentation (docs/FORECASTING.md).
    pub const ALL: [Method; 7] = [
        Method::BudgetBased,
        Method::RunRate,
        Method::Seasonal,
        Method::VolumePrice,
        Method::Smoothing,
        Method::Combination,
        Method::Manual,
    ];

    /// The methods that need nothing but the line's own data, in order of simplicity (the
    /// order that breaks ties in a recommendation).
    pub const DATA_DRIVEN: [Method; 5] = [
        Method::BudgetBased,
        Method::RunRate,
        Method::Seasonal,
        Method::Smoothing,
        Method::Combination,
    ];

    /// Stable identifier used in files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Method::BudgetBased => "budget",
            Method::RunRate => "linjar",
            Method::Seasonal => "sasong",
            Method::VolumePrice => "volym",
            Method::Manual => "manuell",
            Method::Smoothing => "utjamning",
            Method::Combination => "kombination",
        }
    }

    /// The method's name in Swedish, as reports show it.
    pub fn name(self) -> &'static str {
        match self {
            Method::BudgetBased => "Budget med kända avvikelser",
            Method::RunRate => "Linjär uppräkning",
            Method::Seasonal => "Säsongsprofil",
            Method::VolumePrice => "Volym × styckpris",
            Method::Manual => "Manuell prognos",
            Method::Smoothing => "Exponentiell utjämning",
            Method::Combination => "Kombination av metoder",
        }
    }

    /// Parse a [`Method::code`]. The old code `volym_pris` (before `volym`) is read too, so
    /// databases and files written before the rename keep working.
    pub fn from_code(s: &str) -> Option<Method> {
        if s == "volym_pris" {
            return Some(Method::VolumePrice);
        }
        Method::ALL.into_iter().find(|m| m.code() == s)
    }
}

impl Serialize for Method {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A method's result for one line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Estimate {
    /// A full-year amount and how it was reached.
    Value {
        /// Forecast for the whole financial year.
        full_year: Amount,
        /// The arithmetic in Swedish, with the figures used.
        explanation: String,
    },
    /// The method cannot be used on this line, and why (Swedish).
    NotApplicable {
        /// Why not.
        reason: String,
    },
}

impl Estimate {
    /// The full-year amount, if any.
    pub fn value(&self) -> Option<Amount> {
        match self {
            Estimate::Value { full_year, .. } => Some(*full_year),
            Estimate::NotApplicable { .. } => None,
        }
    }

    fn na(reason: impl Into<String>) -> Estimate {
        Estimate::NotApplicable {
            reason: reason.into(),
        }
    }
}

fn tkr(a: Amount) -> String {
    format!("{} tkr", a.format(Unit::Tkr, 0))
}

/// Run a data-driven method ([`Method::DATA_DRIVEN`]) on a line. Volume × price and manual
/// forecasts need more than the line's data: see [`volume_price`].
pub fn estimate(method: Method, data: &LineData) -> Estimate {
    match method {
        Method::BudgetBased => budget_based(data.budget, &[]),
        Method::RunRate => run_rate(data),
        Method::Seasonal => seasonal(data),
        Method::Smoothing => crate::smoothing::smoothing(data),
        Method::Combination => combination(data),
        Method::VolumePrice | Method::Manual => {
            Estimate::na("metoden behöver uppgifter utöver utfall och budget")
        }
    }
}

/// Run several data-driven methods on one line, each at most once: the combination reuses
/// the seasonal profile and the smoothing computed for it.
pub fn estimate_all(methods: &[Method], data: &LineData) -> Vec<Estimate> {
    let mut seasonal_e: Option<Estimate> = None;
    let mut smoothing_e: Option<Estimate> = None;
    let mut out = Vec::with_capacity(methods.len());
    for &m in methods {
        let e = match m {
            Method::Seasonal => seasonal_e.get_or_insert_with(|| seasonal(data)).clone(),
            Method::Smoothing => smoothing_e
                .get_or_insert_with(|| crate::smoothing::smoothing(data))
                .clone(),
            Method::Combination => {
                let a = seasonal_e.get_or_insert_with(|| seasonal(data)).clone();
                let b = smoothing_e.get_or_insert_with(|| crate::smoothing::smoothing(data));
                combine(&a, &recent_level(data), b)
            }
            _ => estimate(m, data),
        };
        out.push(e);
    }
    out
}

/// Budget plus known deviations (each with a Swedish label).
pub fn budget_based(budget: Amount, deviations: &[(String, Amount)]) -> Estimate {
    let mut full = budget;
    let mut parts = vec![format!("budget {}", tkr(budget))];
    for (label, d) in deviations {
        match full.checked_add(*d) {
            Some(v) => full = v,
            None => return Estimate::na("summan blir för stor"),
        }
        parts.push(format!("{label} {}", tkr(*d)));
    }
    Estimate::Value {
        full_year: full,
        explanation: if deviations.is_empty() {
            format!("Helårsprognos = budget {}.", tkr(budget))
        } else {
            format!("Helårsprognos = {} = {}.", parts.join(" + "), tkr(full))
        },
    }
}

/// Outcome to date × 12 / m.
pub fn run_rate(data: &LineData) -> Estimate {
    let m = data.cutoff();
    if m == 0 {
        return Estimate::na("inget utfall ännu");
    }
    let to_date = data.to_date();
    match to_date.mul_ratio(MONTHS as i64, m as i64) {
        Some(full) => Estimate::Value {
            full_year: full,
            explanation: format!(
                "Helårsprognos = utfall efter {m} månader {} × 12 / {m} = {}.",
                tkr(to_date),
                tkr(full)
            ),
        },
        None => Estimate::na("summan blir för stor"),
    }
}

/// Share of a year's total reached after `m` months, or `None` for a year that cannot be
/// used (total near zero, or a share outside 5–200 %: an odd year).
fn share(year: &[Amount; MONTHS], m: usize) -> Option<f64> {
    let total: f64 = year.iter().map(|a| kr(*a)).sum();
    let cum: f64 = year[..m].iter().map(|a| kr(*a)).sum();
    if total.abs() < 1.0 {
        return None;
    }
    let s = cum / total;
    (0.05..=2.0).contains(&s).then_some(s)
}

/// How the seasonal profile combines the shares of the last three years.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SharePolicy {
    /// The median of three shares (the mean of two).
    Median,
    /// The mean of the shares.
    Mean,
    /// A weighted mean, the latest year weighing most (weights 1, 2, 3 oldest first).
    Recency,
    /// The harmonic mean `n / Σ 1/sₖ`: the forecast is the mean of the forecasts each year's
    /// share gives, `U × mean(1/sₖ)`.
    Harmonic,
}

/// The policy [`seasonal`] uses, chosen by evaluation on real series (docs/FORECASTING.md).
pub const SEASONAL_POLICY: SharePolicy = SharePolicy::Harmonic;

/// Outcome to date ÷ the share of the year that the last one to three earlier years had
/// reached by the same month, combined by [`SEASONAL_POLICY`]. Years whose share is unusable
/// (no outcome, or outside 5–200 %) are left out and named in the explanation.
pub fn seasonal(data: &LineData) -> Estimate {
    seasonal_with(data, SEASONAL_POLICY)
}

/// The seasonal profile with a given way of combining the shares (for evaluation).
pub fn seasonal_with(data: &LineData, policy: SharePolicy) -> Estimate {
    let m = data.cutoff();
    if m == 0 {
        return Estimate::na("inget utfall ännu");
    }
    if m >= MONTHS {
        return Estimate::Value {
            full_year: data.to_date(),
            explanation: "Helåret är redan utfall.".into(),
        };
    }
    let recent: Vec<&(i32, [Amount; MONTHS])> = data.history.iter().rev().take(3).collect();
    if recent.is_empty() {
        return Estimate::na("inga tidigare år att hämta säsongsprofil från");
    }
    let mut used: Vec<(i32, f64)> = Vec::new();
    let mut skipped: Vec<i32> = Vec::new();
    for (y, months) in recent.iter().rev() {
        match share(months, m) {
            Some(s) => used.push((*y, s)),
            None => skipped.push(*y),
        }
    }
    if used.is_empty() {
        return Estimate::na(format!(
            "inget av åren {} har ett användbart utfall att hämta säsongsprofil från",
            skipped
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut shares: Vec<f64> = used.iter().map(|(_, s)| *s).collect();
    let (s, how) = match (policy, shares.len()) {
        (_, 1) => (shares[0], "ett år"),
        (SharePolicy::Median, 3) => {
            shares.sort_by(|a, b| a.total_cmp(b));
            (shares[1], "median")
        }
        (SharePolicy::Recency, n) => {
            // `used` is oldest first: weights 1, 2, 3.
            let w: f64 = (1..=n).map(|i| i as f64).sum();
            let v = shares
                .iter()
                .enumerate()
                .map(|(i, s)| (i + 1) as f64 * s)
                .sum::<f64>();
            (v / w, "viktat medelvärde, senaste året tyngst")
        }
        (SharePolicy::Harmonic, n) => (
            n as f64 / shares.iter().map(|s| 1.0 / s).sum::<f64>(),
            "harmoniskt medelvärde",
        ),
        (_, n) => (shares.iter().sum::<f64>() / n as f64, "medelvärde"),
    };
    let to_date = data.to_date();
    let Some(full) = amount(kr(to_date) / s) else {
        return Estimate::na("summan blir för stor");
    };
    let years = used
        .iter()
        .map(|(y, s)| format!("{y}: {}", format_percent(*s, 1)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut explanation = format!(
        "Helårsprognos = utfall efter {m} månader {} / {} ({how} av andelen av helåret som var upparbetad efter {m} månader; {years}) = {}.",
        tkr(to_date),
        format_percent(s, 1),
        tkr(full)
    );
    if !skipped.is_empty() {
        explanation.push_str(&format!(
            " Utelämnat (inget användbart utfall): {}.",
            skipped
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Estimate::Value {
        full_year: full,
        explanation,
    }
}

/// Months of this year that the recent-level projection ([`recent_level`]) compares with the
/// same months of earlier years (chosen by evaluation, docs/FORECASTING.md).
pub const RECENT_MONTHS: usize = 3;

/// The rest of the year at the level of the last months: for each of the last one to three
/// earlier years `k`, its months after the cut-off × (this year's last [`RECENT_MONTHS`]
/// months ÷ the same months of year `k`); the mean of those, plus the outcome to date. Like
/// the seasonal profile, but it follows a change of level during the year sooner. A year is
/// left out when its months compared sum to (almost) zero or the ratio is outside 0,2–5.
pub fn recent_level(data: &LineData) -> Estimate {
    let m = data.cutoff();
    if m == 0 {
        return Estimate::na("inget utfall ännu");
    }
    if m >= MONTHS {
        return Estimate::Value {
            full_year: data.to_date(),
            explanation: "Helåret är redan utfall.".into(),
        };
    }
    let w = RECENT_MONTHS.min(m);
    let now: f64 = data.outcome[m - w..].iter().map(|a| kr(*a)).sum();
    let mut rests = Vec::new();
    for (_, months) in data.history.iter().rev().take(3) {
        let then: f64 = months[m - w..m].iter().map(|a| kr(*a)).sum();
        if then.abs() < 1.0 {
            continue;
        }
        let g = now / then;
        if !(0.2..=5.0).contains(&g) {
            continue;
        }
        let rest: f64 = months[m..].iter().map(|a| kr(*a)).sum();
        rests.push(rest * g);
    }
    if rests.is_empty() {
        return Estimate::na("inget tidigare år att jämföra de senaste månaderna med");
    }
    let rest = rests.iter().sum::<f64>() / rests.len() as f64;
    let to_date = data.to_date();
    let (Some(rest_a), Some(full)) = (amount(rest), amount(kr(to_date) + rest)) else {
        return Estimate::na("summan blir för stor");
    };
    Estimate::Value {
        full_year: full,
        explanation: format!(
            "Helårsprognos = utfall {} + resten av året i takt med de senaste {w} månaderna jämfört med samma månader tidigare år ({} år) {} = {}.",
            tkr(to_date),
            rests.len(),
            tkr(rest_a),
            tkr(full)
        ),
    }
}

/// The combination: the mean of the seasonal profile, the recent-level projection and
/// exponential smoothing (the seasonal profile and smoothing are required; the recent-level
/// projection joins when it can be used).
pub fn combination(data: &LineData) -> Estimate {
    combine(
        &seasonal(data),
        &recent_level(data),
        &crate::smoothing::smoothing(data),
    )
}

/// The equal-weight combination of its members' estimates.
pub(crate) fn combine(seasonal: &Estimate, recent: &Estimate, smoothing: &Estimate) -> Estimate {
    match (seasonal.value(), smoothing.value()) {
        (Some(s), Some(e)) => {
            let mut parts = vec![format!("säsongsprofilen {}", tkr(s))];
            let mut sum = kr(s) + kr(e);
            let mut n = 2.0;
            if let Some(r) = recent.value() {
                parts.push(format!("de senaste månadernas takt {}", tkr(r)));
                sum += kr(r);
                n += 1.0;
            }
            parts.push(format!("exponentiell utjämning {}", tkr(e)));
            let Some(full) = amount(sum / n) else {
                return Estimate::na("summan blir för stor");
            };
            let last = parts.pop().unwrap_or_default();
            Estimate::Value {
                full_year: full,
                explanation: format!(
                    "Helårsprognos = medelvärdet av {} och {last} = {}.",
                    parts.join(", "),
                    tkr(full)
                ),
            }
        }
        (None, _) => Estimate::na(format!(
            "säsongsprofilen kan inte användas ({})",
            reason(seasonal)
        )),
        (_, None) => Estimate::na(format!(
            "exponentiell utjämning kan inte användas ({})",
            reason(smoothing)
        )),
    }
}

fn reason(e: &Estimate) -> &str {
    match e {
        Estimate::NotApplicable { reason } => reason,
        Estimate::Value { .. } => "",
    }
}

/// Inputs of a volume × unit price forecast (e.g. placements: care days × cost per day).
#[derive(Clone, Debug, PartialEq)]
pub struct VolumePrice {
    /// Cost booked so far this year.
    pub cost_to_date: Amount,
    /// Volume consumed so far (e.g. care days).
    pub volume_to_date: f64,
    /// Expected volume for the rest of the year (e.g. persons per day × remaining days,
    /// with known starts and ends).
    pub remaining_volume: f64,
    /// Expected price per unit for the rest of the year, in kronor.
    pub price: f64,
    /// Budgeted volume for the whole year.
    pub budget_volume: f64,
    /// Budgeted price per unit, in kronor.
    pub budget_price: f64,
    /// Name of the unit in Swedish (plural), e.g. `dygn`, `timmar`.
    pub unit: String,
}

/// A volume × price forecast and its deviation from budget split into a volume part and a
/// price part (volume part + price part = forecast − budget, exactly).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VolumePriceSplit {
    /// Full-year forecast.
    pub full_year: Amount,
    /// Forecast volume for the year.
    pub volume: f64,
    /// Forecast average price per unit for the year (kronor).
    pub price: f64,
    /// Budget (budget volume × budget price).
    pub budget: Amount,
    /// (forecast volume − budget volume) × budget price.
    pub volume_effect: Amount,
    /// (forecast price − budget price) × forecast volume; the rest of the deviation.
    pub price_effect: Amount,
    /// The arithmetic in Swedish.
    pub explanation: String,
}

/// Cost to date + remaining volume × price; the deviation from budget split into volume and
/// price parts. Fails (Swedish message) on negative volumes or non-finite inputs.
pub fn volume_price(v: &VolumePrice) -> Result<VolumePriceSplit, String> {
    let finite = [
        v.volume_to_date,
        v.remaining_volume,
        v.price,
        v.budget_volume,
        v.budget_price,
    ]
    .iter()
    .all(|x| x.is_finite());
    if !finite {
        return Err("volym eller pris saknar värde".into());
    }
    if v.volume_to_date < 0.0 || v.remaining_volume < 0.0 || v.budget_volume < 0.0 {
        return Err("volymer kan inte vara negativa".into());
    }
    let rest = amount(v.remaining_volume * v.price).ok_or("summan blir för stor")?;
    let full = v
        .cost_to_date
        .checked_add(rest)
        .ok_or("summan blir för stor")?;
    let volume = v.volume_to_date + v.remaining_volume;
    let price = if volume > 0.0 { kr(full) / volume } else { 0.0 };
    let budget = amount(v.budget_volume * v.budget_price).ok_or("summan blir för stor")?;
    let volume_effect =
        amount((volume - v.budget_volume) * v.budget_price).ok_or("summan blir för stor")?;
    let deviation = full.checked_sub(budget).ok_or("summan blir för stor")?;
    let price_effect = deviation
        .checked_sub(volume_effect)
        .ok_or("summan blir för stor")?;
    let n = |x: f64| delar_core::money::format_scaled((x * 10.0).round() as i64, 1, '\u{a0}');
    let explanation = format!(
        "Helårsprognos = utfall {} + återstående {} {} × {} kr = {}. Avvikelse mot budget {}: volym {} ({} mot budgeterade {} {}), pris {} ({} kr mot budgeterade {} kr per enhet).",
        tkr(v.cost_to_date),
        n(v.remaining_volume),
        v.unit,
        n(v.price),
        tkr(full),
        tkr(deviation),
        tkr(volume_effect),
        n(volume),
        n(v.budget_volume),
        v.unit,
        tkr(price_effect),
        n(price),
        n(v.budget_price),
    );
    Ok(VolumePriceSplit {
        full_year: full,
        volume,
        price,
        budget,
        volume_effect,
        price_effect,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tk(v: i64) -> Amount {
        Amount::from_ore(v * 100_000)
    }

    #[test]
    fn methods_are_named_by_their_codes_everywhere() {
        let codes: Vec<&str> = Method::ALL.iter().map(|m| m.code()).collect();
        assert_eq!(
            codes,
            [
                "budget",
                "linjar",
                "sasong",
                "volym",
                "utjamning",
                "kombination",
                "manuell"
            ]
        );
        for m in Method::ALL {
            assert_eq!(Method::from_code(m.code()), Some(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.code())
            );
        }
        // The code before the rename is still read (databases written before it).
        assert_eq!(Method::from_code("volym_pris"), Some(Method::VolumePrice));
        assert_eq!(Method::from_code("Seasonal"), None);
        assert_eq!(Method::from_code("volym pris"), None);
    }

    /// A cost line with a summer peak (June–August 50 % higher).
    fn year(base: i64) -> [Amount; MONTHS] {
        std::array::from_fn(|i| {
            if (5..8).contains(&i) {
                tk(base * 3 / 2)
            } else {
                tk(base)
            }
        })
    }

    fn line(m: usize, base_now: i64) -> LineData {
        LineData {
            outcome: year(base_now)[..m].to_vec(),
            history: vec![(2022, year(100)), (2023, year(104)), (2024, year(108))],
            budget: tk(1400),
            history_budgets: vec![],
        }
    }

    #[test]
    fn run_rate_scales_the_outcome() {
        let d = line(8, 110);
        let e = run_rate(&d);
        // jan–may 5×110 + jun–aug 3×165 = 1 045 tkr; × 12/8 = 1 567,5 tkr.
        assert_eq!(e.value(), Some(Amount::from_ore(156_750_000)));
        let Estimate::Value { explanation, .. } = e else {
            panic!()
        };
        assert!(explanation.contains("× 12 / 8"), "{explanation}");
    }

    #[test]
    fn seasonal_profile_recovers_a_seasonal_year() {
        // The year's true total: 9×110 + 3×165 = 1 485 tkr.
        let d = line(8, 110);
        assert_eq!(seasonal(&d).value(), Some(tk(1485)));
        // Run-rate overshoots because the summer peak is in the first eight months.
        assert!(run_rate(&d).value().unwrap() > tk(1485));
    }

    #[test]
    fn seasonal_survives_an_odd_year() {
        let mut d = line(8, 110);
        // 2023 had no outcome at all (say, the unit did not exist): it is left out.
        d.history[1].1 = [Amount::ZERO; MONTHS];
        let e = seasonal(&d);
        assert_eq!(e.value(), Some(tk(1485)));
        let Estimate::Value { explanation, .. } = e else {
            panic!()
        };
        assert!(explanation.contains("Utelämnat"), "{explanation}");
        assert!(explanation.contains("2023"), "{explanation}");
        // An odd year among three moves the median not at all.
        let mut d = line(8, 110);
        d.history[0].1[0] = tk(5000);
        assert_eq!(
            seasonal_with(&d, SharePolicy::Median).value(),
            Some(tk(1485))
        );
    }

    /// A year whose first `m` months are `share` of its total 1 200 tkr (spread evenly
    /// within the two parts).
    fn year_with_share(share: f64, m: usize, scale: f64) -> [Amount; MONTHS] {
        std::array::from_fn(|i| {
            let part = if i < m { share } else { 1.0 - share };
            let n = if i < m { m } else { MONTHS - m } as f64;
            amount(1_200_000.0 * scale * part / n).unwrap()
        })
    }

    #[test]
    fn share_policies_on_known_shares() {
        // Shares after four months of 30 %, 32 % and 36 % (oldest first); this year 400 tkr.
        let d = LineData {
            outcome: vec![tk(100); 4],
            history: vec![
                (2022, year_with_share(0.30, 4, 1.0)),
                (2023, year_with_share(0.32, 4, 1.0)),
                (2024, year_with_share(0.36, 4, 1.0)),
            ],
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        let f = |p| kr(seasonal_with(&d, p).value().unwrap());
        let close = |a: f64, b: f64| (a - b).abs() < 1.0;
        assert!(close(f(SharePolicy::Median), 400_000.0 / 0.32));
        assert!(close(f(SharePolicy::Mean), 400_000.0 / (0.98 / 3.0)));
        let recency = (0.30 + 2.0 * 0.32 + 3.0 * 0.36) / 6.0;
        assert!(close(f(SharePolicy::Recency), 400_000.0 / recency));
        let harmonic = 400_000.0 * (1.0 / 0.30 + 1.0 / 0.32 + 1.0 / 0.36) / 3.0;
        assert!(close(f(SharePolicy::Harmonic), harmonic));
        // The method uses the policy chosen by evaluation.
        assert_eq!(seasonal(&d), seasonal_with(&d, SEASONAL_POLICY));
        let Estimate::Value { explanation, .. } = seasonal_with(&d, SharePolicy::Harmonic) else {
            panic!()
        };
        assert!(explanation.contains("harmoniskt"), "{explanation}");
    }

    #[test]
    fn recent_level_follows_a_change_of_level_in_the_year() {
        // Flat 100 tkr a month for three years; this year the level drops to 80 from June.
        let flat = [tk(100); MONTHS];
        let mut now = vec![tk(100); 5];
        now.extend([tk(80); 3]);
        let d = LineData {
            outcome: now,
            history: vec![(2022, flat), (2023, flat), (2024, flat)],
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        // The truth if the new level holds: 5 × 100 + 7 × 80 = 1 060 tkr.
        assert_eq!(recent_level(&d).value(), Some(tk(1060)));
        // The seasonal profile spreads the drop over the whole year to date: 740 / (8/12).
        assert_eq!(seasonal(&d).value(), Some(tk(1110)));
        // Earlier years whose compared months sum to zero are left out.
        let mut d0 = d.clone();
        d0.history = vec![(2024, [Amount::ZERO; MONTHS])];
        assert!(recent_level(&d0).value().is_none());
    }

    #[test]
    fn the_combination_is_the_mean_of_its_members() {
        let d = line(8, 110);
        let s = kr(seasonal(&d).value().unwrap());
        let r = kr(recent_level(&d).value().unwrap());
        let e = kr(crate::smoothing::smoothing(&d).value().unwrap());
        let c = combination(&d);
        assert_eq!(c.value(), amount((s + r + e) / 3.0));
        // All three members are exact or close on this steady seasonal line (1 485 tkr).
        assert!((kr(c.value().unwrap()) - 1_485_000.0).abs() < 1_485_000.0 * 0.01);
        assert_eq!(
            estimate_all(&[Method::Combination], &d)[0],
            c,
            "computed together or alone, the same"
        );
        // Without two earlier years there is no smoothing, and so no combination.
        let mut short = d.clone();
        short.history.truncate(1);
        let Estimate::NotApplicable { reason } = combination(&short) else {
            panic!()
        };
        assert!(reason.contains("utjämning"), "{reason}");
    }

    #[test]
    fn methods_say_when_they_cannot() {
        let mut d = line(0, 110);
        assert!(matches!(run_rate(&d), Estimate::NotApplicable { .. }));
        d.outcome = vec![tk(1)];
        d.history.clear();
        assert!(matches!(seasonal(&d), Estimate::NotApplicable { .. }));
        assert!(matches!(
            estimate(Method::Manual, &d),
            Estimate::NotApplicable { .. }
        ));
    }

    #[test]
    fn budget_based_adds_deviations() {
        let e = budget_based(
            tk(1000),
            &[
                ("Ny placering".into(), tk(120)),
                ("Vakanser".into(), tk(-30)),
            ],
        );
        assert_eq!(e.value(), Some(tk(1090)));
    }

    #[test]
    fn volume_price_splits_the_deviation_exactly() {
        // Placements: 8 months, 2 300 care days so far at 3 350 kr; 1 100 days remaining at
        // 3 400 kr; budget 3 300 days at 3 200 kr.
        let v = VolumePrice {
            cost_to_date: Amount::from_ore(2_300 * 335_000),
            volume_to_date: 2300.0,
            remaining_volume: 1100.0,
            price: 3400.0,
            budget_volume: 3300.0,
            budget_price: 3200.0,
            unit: "dygn".into(),
        };
        let s = volume_price(&v).unwrap();
        assert_eq!(
            s.full_year,
            Amount::from_ore((2_300 * 3_350 + 1_100 * 3_400) * 100)
        );
        assert_eq!(s.budget, Amount::from_ore(3_300 * 3_200 * 100));
        assert_eq!(s.volume_effect, Amount::from_ore(100 * 3_200 * 100));
        assert_eq!(s.volume_effect + s.price_effect, s.full_year - s.budget);
        assert!(s.explanation.contains("dygn"), "{}", s.explanation);
        let bad = VolumePrice {
            remaining_volume: -1.0,
            ..v
        };
        assert!(volume_price(&bad).is_err());
    }

    #[test]
    fn method_codes_roundtrip() {
        for m in [
            Method::BudgetBased,
            Method::RunRate,
            Method::Seasonal,
            Method::VolumePrice,
            Method::Manual,
            Method::Smoothing,
            Method::Combination,
        ] {
            assert_eq!(Method::from_code(m.code()), Some(m));
        }
    }
}
