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
    /// Seasonal exponential smoothing (Holt–Winters): a statistical suggestion shown next to
    /// the others, never chosen silently.
    Smoothing,
}

impl Method {
    /// Every method, in the order of the method codes' documentation (docs/FORECASTING.md).
    pub const ALL: [Method; 6] = [
        Method::BudgetBased,
        Method::RunRate,
        Method::Seasonal,
        Method::VolumePrice,
        Method::Smoothing,
        Method::Manual,
    ];

    /// The methods that need nothing but the line's own data, in order of simplicity (the
    /// order that breaks ties in a recommendation).
    pub const DATA_DRIVEN: [Method; 4] = [
        Method::BudgetBased,
        Method::RunRate,
        Method::Seasonal,
        Method::Smoothing,
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
            Method::Smoothing => "Exponentiell utjämning (förslag)",
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
        Method::Smoothing => crate::smoothing::holt_winters(data),
        Method::VolumePrice | Method::Manual => {
            Estimate::na("metoden behöver uppgifter utöver utfall och budget")
        }
    }
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

/// Outcome to date ÷ the share of the year that the last one to three earlier years had
/// reached by the same month. Three usable years: the median share (one odd year does not
/// move it); two: their mean; one: its share. Years whose share is unusable (no outcome, or
/// outside 5–200 %) are left out and named in the explanation.
pub fn seasonal(data: &LineData) -> Estimate {
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
    shares.sort_by(|a, b| a.total_cmp(b));
    let (s, how) = match shares.len() {
        3 => (shares[1], "median"),
        2 => ((shares[0] + shares[1]) / 2.0, "medelvärde"),
        _ => (shares[0], "ett år"),
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
        assert_eq!(seasonal(&d).value(), Some(tk(1485)));
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
        ] {
            assert_eq!(Method::from_code(m.code()), Some(m));
        }
    }
}
