//! Volume × unit price against a volume budget, month by month: a stock series (persons per
//! day) and its price per day, the year projected from the outcome to date, and the
//! deviation from the budget (budget volume × budget price × days) split into a volume part
//! and a price part that add up to the deviation exactly (R13).
//!
//! The split is made on the year's averages, so a reader can redo it from a table's columns:
//!
//! ```text
//! deviation   = budget − forecast                       (positive = favourable)
//! volume part = (budget volume − forecast volume) × budget price × days
//! price part  = (budget price − forecast price) × forecast volume × days   (= the rest)
//! ```
//!
//! where a volume is the day-weighted average per day and a price the average cost per
//! person and day (cost ÷ (volume × days)).

use crate::{amount, kr};
use delar_core::Amount;
use serde::Serialize;

/// One month of a stock series with its price.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StockMonth {
    /// Average volume per day in the month (persons per day).
    pub volume: f64,
    /// Cost per unit and day, kronor (a price per month is divided by the month's days).
    pub price: f64,
    /// Days in the month.
    pub days: f64,
}

impl StockMonth {
    /// The month's cost in kronor: volume × price × days.
    pub fn cost(&self) -> f64 {
        self.volume * self.price * self.days
    }
}

/// A year (or part of one) of a stock series: cost and averages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct StockYear {
    /// Σ volume × price × days, rounded to the öre.
    pub cost: Amount,
    /// Day-weighted average volume per day.
    pub volume: f64,
    /// Average cost per unit and day: cost ÷ (volume × days); with no volume, the
    /// day-weighted average price.
    pub price: f64,
    /// Days covered.
    pub days: f64,
}

impl StockYear {
    /// Sum the months; `None` when there are none or a value is not finite or negative.
    pub fn of(months: &[StockMonth]) -> Option<StockYear> {
        if months.is_empty() {
            return None;
        }
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        if !months
            .iter()
            .all(|m| ok(m.volume) && ok(m.price) && ok(m.days))
        {
            return None;
        }
        let days: f64 = months.iter().map(|m| m.days).sum();
        let volume_days: f64 = months.iter().map(|m| m.volume * m.days).sum();
        let cost_kr: f64 = months.iter().map(StockMonth::cost).sum();
        let cost = amount(cost_kr)?;
        if days <= 0.0 {
            return None;
        }
        let price = if volume_days > 0.0 {
            kr(cost) / volume_days
        } else {
            months.iter().map(|m| m.price * m.days).sum::<f64>() / days
        };
        Some(StockYear {
            cost,
            volume: volume_days / days,
            price,
            days,
        })
    }
}

/// The year projected from the outcome to date: the months of `outcome` as they are, then
/// each remaining month (its days in `remaining_days`) at the average volume and price of the
/// last three outcome months. `None` without any outcome.
pub fn project_stock(outcome: &[StockMonth], remaining_days: &[f64]) -> Option<Vec<StockMonth>> {
    let n = outcome.len().min(3);
    if n == 0 {
        return None;
    }
    let last = &outcome[outcome.len() - n..];
    let volume = last.iter().map(|m| m.volume).sum::<f64>() / n as f64;
    let price = last.iter().map(|m| m.price).sum::<f64>() / n as f64;
    let mut out = outcome.to_vec();
    out.extend(remaining_days.iter().map(|&days| StockMonth {
        volume,
        price,
        days,
    }));
    Some(out)
}

/// A forecast against the budget, with the deviation split into volume and price.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetDeviation {
    /// The budget: budget volume × budget price × days.
    pub budget: StockYear,
    /// The forecast.
    pub forecast: StockYear,
    /// Budget − forecast (positive = favourable, fewer or cheaper placements than budgeted).
    pub deviation: Amount,
    /// (budget volume − forecast volume) × budget price × days.
    pub volume_part: Amount,
    /// (budget price − forecast price) × forecast volume × days: the rest of the deviation.
    pub price_part: Amount,
    /// The arithmetic in Swedish.
    pub explanation: String,
}

/// Compare a forecast year with the budget year (the same months) and split the deviation;
/// volume part + price part = deviation exactly. Fails (Swedish message) when either has no
/// months, the months differ in number, or a value is negative or not finite.
pub fn deviation_from_budget(
    forecast: &[StockMonth],
    budget: &[StockMonth],
) -> Result<BudgetDeviation, String> {
    if forecast.len() != budget.len() {
        return Err(format!(
            "prognosen har {} månader men budgeten {}",
            forecast.len(),
            budget.len()
        ));
    }
    let f = StockYear::of(forecast)
        .ok_or("prognosen saknar månader eller har negativa eller ogiltiga värden")?;
    let b = StockYear::of(budget)
        .ok_or("budgeten saknar månader eller har negativa eller ogiltiga värden")?;
    let deviation = b.cost.checked_sub(f.cost).ok_or("summan blir för stor")?;
    let volume_part =
        amount((b.volume - f.volume) * b.price * b.days).ok_or("summan blir för stor")?;
    let price_part = deviation
        .checked_sub(volume_part)
        .ok_or("summan blir för stor")?;
    let n = |x: f64| delar_core::money::format_scaled((x * 10.0).round() as i64, 1, '\u{a0}');
    let k = |x: f64| delar_core::money::format_scaled(x.round() as i64, 0, '\u{a0}');
    let t = |a: Amount| format!("{} tkr", a.format(delar_core::Unit::Tkr, 0));
    let explanation = format!(
        "Avvikelse mot budget {} (budget {} − prognos {}) = volym {} ({} budgeterade − {} \
         prognostiserade personer per dygn × {} kr × {} dygn) + pris {} ({} kr budgeterad − {} \
         kr prognostiserad kostnad per dygn × {} personer × {} dygn).",
        t(deviation),
        t(b.cost),
        t(f.cost),
        t(volume_part),
        n(b.volume),
        n(f.volume),
        k(b.price),
        k(b.days),
        t(price_part),
        k(b.price),
        k(f.price),
        n(f.volume),
        k(f.days),
    );
    Ok(BudgetDeviation {
        budget: b,
        forecast: f,
        deviation,
        volume_part,
        price_part,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::period::days_in_month;

    fn months(year: i32, volume: &[f64], price: &[f64]) -> Vec<StockMonth> {
        volume
            .iter()
            .zip(price)
            .enumerate()
            .map(|(i, (&v, &p))| StockMonth {
                volume: v,
                price: p,
                days: days_in_month(year, i as u8 + 1) as f64,
            })
            .collect()
    }

    /// Children in institutional care (HVB) 2025: budget 17,0 persons per day at 5 220 kr,
    /// outcome January–August around 18,5 at 5 300–5 400 kr.
    #[test]
    fn placements_over_budget_split_into_volume_and_price() {
        let budget = months(2025, &[17.0; 12], &[5220.0; 12]);
        let outcome = months(
            2025,
            &[18.2, 18.6, 18.9, 18.4, 18.0, 18.7, 18.5, 18.3],
            &[
                5310.0, 5280.0, 5350.0, 5330.0, 5400.0, 5370.0, 5390.0, 5360.0,
            ],
        );
        let rest: Vec<f64> = (9..=12).map(|m| days_in_month(2025, m) as f64).collect();
        let forecast = project_stock(&outcome, &rest).unwrap();
        assert_eq!(forecast.len(), 12);
        // the rest of the year at the average of June–August
        let v = (18.7 + 18.5 + 18.3) / 3.0;
        assert!((forecast[11].volume - v).abs() < 1e-9);
        assert!((forecast[11].price - 5_373.333_333).abs() < 1e-3);

        let d = deviation_from_budget(&forecast, &budget).unwrap();
        // budget = 17 × 5 220 × 365 exactly
        assert_eq!(d.budget.cost, Amount::from_ore(17 * 5220 * 365 * 100));
        assert!((d.budget.volume - 17.0).abs() < 1e-12);
        assert!((d.budget.price - 5220.0).abs() < 1e-9);
        // more placements and dearer: unfavourable (negative) volume and price parts
        assert!(d.deviation.ore() < 0);
        assert!(d.volume_part.ore() < 0 && d.price_part.ore() < 0);
        assert_eq!(d.volume_part + d.price_part, d.deviation);
        // volume part by hand: (17 − forecast volume) × 5 220 × 365
        let want = (17.0 - d.forecast.volume) * 5220.0 * 365.0;
        assert!((d.volume_part.as_kr_f64() - want).abs() < 0.01);
        // price part by hand: (5 220 − forecast price) × forecast volume × 365
        let want = (5220.0 - d.forecast.price) * d.forecast.volume * 365.0;
        assert!((d.price_part.as_kr_f64() - want).abs() < 0.02);
        // forecast cost = its volume × price × days (R14)
        let product = d.forecast.volume * d.forecast.price * 365.0;
        assert!((d.forecast.cost.as_kr_f64() - product).abs() < 0.01);
        assert!(
            d.explanation.contains("personer per dygn"),
            "{}",
            d.explanation
        );
    }

    #[test]
    fn fewer_placements_at_budget_price_is_all_volume() {
        let budget = months(2025, &[30.0; 12], &[2000.0; 12]);
        let forecast = months(2025, &[28.0; 12], &[2000.0; 12]);
        let d = deviation_from_budget(&forecast, &budget).unwrap();
        assert_eq!(d.deviation, Amount::from_ore(2 * 2000 * 365 * 100));
        assert_eq!(d.volume_part, d.deviation);
        assert!(d.price_part.is_zero());
    }

    #[test]
    fn a_price_per_month_divided_by_days_gives_the_monthly_cost() {
        // internal foster homes: 27 000 kr per month and person
        let budget: Vec<StockMonth> = (1..=12)
            .map(|m| {
                let days = days_in_month(2025, m) as f64;
                StockMonth {
                    volume: 96.0,
                    price: 27_000.0 / days,
                    days,
                }
            })
            .collect();
        let y = StockYear::of(&budget).unwrap();
        assert_eq!(y.cost, Amount::from_ore(96 * 27_000 * 12 * 100));
    }

    #[test]
    fn bad_input_is_refused_in_swedish() {
        let b = months(2025, &[1.0; 12], &[100.0; 12]);
        let f = months(2025, &[1.0; 11], &[100.0; 11]);
        assert!(deviation_from_budget(&f, &b)
            .unwrap_err()
            .contains("månader"));
        let mut neg = b.clone();
        neg[3].volume = -1.0;
        assert!(deviation_from_budget(&neg, &b).is_err());
        assert!(project_stock(&[], &[30.0]).is_none());
    }
}
