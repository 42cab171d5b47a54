//! Full-year forecasts a controller can explain line by line.
//!
//! A forecast line (for example one unit × one kontogrupp) has a [`LineData`]: the outcome
//! month by month for the current year up to the round's cut-off, the same for earlier
//! complete years, and the annual budget. Each [`Method`] turns that into a full-year amount
//! with a Swedish explanation, or says why it cannot ([`Estimate::NotApplicable`]). The
//! [`backtest`] replays earlier years at the same cut-off month with the same method and
//! compares with what those years really came to, so every method carries its own record
//! (mean absolute error and bias) and the best one can be recommended, never chosen silently.
//!
//! Everything here is pure: amounts in, amounts out. Signs follow the ledger (costs
//! positive, revenues negative); the methods are sign-agnostic.

mod backtest;
pub mod ets;
pub mod eval;
mod line;
pub mod link;
mod methods;
mod range;
mod recommend;
mod smoothing;
mod volume_budget;

pub use backtest::{backtest, record, BacktestRow, MethodRecord};
pub use line::{
    bridge, plausibility, roll_up, Adjustment, AdjustmentKind, BridgeRow, ForecastLine, Totals,
};
pub use methods::{
    budget_based, combination, estimate, estimate_all, recent_level, run_rate, seasonal,
    seasonal_with, volume_price, Estimate, Method, SharePolicy, VolumePrice, VolumePriceSplit,
    RECENT_MONTHS, SEASONAL_POLICY,
};
pub use range::{
    line_range80, parts_range80, range80, small_sample, sum_range80, sum_rows, MIN_COVERAGE,
    RANGE_FACTOR, SMALL_SAMPLE,
};
pub use recommend::{recommend_from, CANDIDATES, MARGIN};
pub use smoothing::smoothing;
pub use volume_budget::{
    deviation_from_budget, project_stock, BudgetDeviation, StockMonth, StockYear,
};

use delar_core::Amount;

/// Months in a financial year (broken years have twelve months too).
pub const MONTHS: usize = 12;

/// What a forecast line knows: outcome month by month and the budget.
#[derive(Clone, Debug, PartialEq)]
pub struct LineData {
    /// Outcome for the months of the current year up to the cut-off (index 0 = the financial
    /// year's first month); its length is the cut-off month number `m` (1–12).
    pub outcome: Vec<Amount>,
    /// Earlier complete years, oldest first: label year and twelve monthly outcomes.
    pub history: Vec<(i32, [Amount; MONTHS])>,
    /// Annual budget in force for the current year.
    pub budget: Amount,
    /// Annual budgets of the earlier years (same label years as `history`), when known:
    /// the budget-based method can then be backtested.
    pub history_budgets: Vec<(i32, Amount)>,
}

impl LineData {
    /// Outcome to date (Σ of `outcome`).
    pub fn to_date(&self) -> Amount {
        self.outcome.iter().copied().sum()
    }

    /// The cut-off month number (months of outcome).
    pub fn cutoff(&self) -> usize {
        self.outcome.len()
    }
}

/// An amount in kronor as f64 (for ratios; never for bookkeeping).
pub(crate) fn kr(a: Amount) -> f64 {
    a.ore() as f64 / 100.0
}

/// Kronor (f64) back to an exact amount, rounded half away from zero to the öre; `None`
/// when not finite or out of range.
pub(crate) fn amount(kr: f64) -> Option<Amount> {
    let ore = (kr * 100.0).round();
    if ore.is_finite() && ore.abs() < 9.0e17 {
        Some(Amount::from_ore(ore as i64))
    } else {
        None
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arb_year() -> impl Strategy<Value = [Amount; MONTHS]> {
        proptest::array::uniform12((1i64..10_000_000).prop_map(|v| Amount::from_ore(v * 100)))
    }

    proptest! {
        /// A year shaped exactly like the last earlier year, scaled, is forecast exactly (to
        /// rounding) by the seasonal profile from one year.
        #[test]
        fn seasonal_is_exact_on_a_scaled_copy(shape in arb_year(), m in 1usize..12, scale in 1i64..5) {
            let now: Vec<Amount> = shape.iter().map(|a| Amount::from_ore(a.ore() * scale)).collect();
            let total: Amount = now.iter().copied().sum();
            let data = LineData {
                outcome: now[..m].to_vec(),
                history: vec![(2024, shape)],
                budget: Amount::ZERO,
                history_budgets: vec![],
            };
            if let Some(v) = seasonal(&data).value() {
                prop_assert!((v.ore() - total.ore()).abs() <= 2, "{} vs {}", v, total);
            }
        }

        /// Volume part + price part is the whole deviation, whatever the figures.
        #[test]
        fn volume_price_split_is_exact(
            cost in 0i64..1_000_000_000, done in 0.0f64..1e5, rest in 0.0f64..1e5,
            price in 0.0f64..1e5, bv in 0.0f64..1e5, bp in 0.0f64..1e5,
        ) {
            let v = VolumePrice {
                cost_to_date: Amount::from_ore(cost),
                volume_to_date: done,
                remaining_volume: rest,
                price,
                budget_volume: bv,
                budget_price: bp,
                unit: "dygn".into(),
            };
            let s = volume_price(&v).unwrap();
            prop_assert_eq!(s.volume_effect + s.price_effect, s.full_year - s.budget);
        }

        /// Against a volume budget, volume part + price part is the deviation exactly, and the
        /// costs are volume × price × days of their averages (R14).
        #[test]
        fn stock_budget_split_is_exact(
            f in proptest::collection::vec((0.0f64..500.0, 0.0f64..50_000.0), 12),
            b in proptest::collection::vec((0.0f64..500.0, 0.0f64..50_000.0), 12),
        ) {
            let m = |v: &[(f64, f64)]| -> Vec<StockMonth> {
                v.iter().enumerate().map(|(i, &(volume, price))| StockMonth {
                    volume,
                    price,
                    days: delar_core::period::days_in_month(2025, i as u8 + 1) as f64,
                }).collect()
            };
            let d = deviation_from_budget(&m(&f), &m(&b)).unwrap();
            prop_assert_eq!(d.volume_part + d.price_part, d.deviation);
            prop_assert_eq!(d.deviation, d.budget.cost - d.forecast.cost);
            for y in [d.budget, d.forecast] {
                if y.volume > 0.0 {
                    let p = y.volume * y.price * y.days;
                    prop_assert!((p - y.cost.as_kr_f64()).abs() < 0.01, "{} vs {}", p, y.cost);
                }
            }
        }

        /// With the whole year as outcome, run-rate and seasonal return the outcome.
        #[test]
        fn a_full_year_is_its_outcome(year in arb_year(), prev in arb_year()) {
            let data = LineData {
                outcome: year.to_vec(),
                history: vec![(2024, prev)],
                budget: Amount::ZERO,
                history_budgets: vec![],
            };
            let total: Amount = year.iter().copied().sum();
            prop_assert_eq!(run_rate(&data).value(), Some(total));
            prop_assert_eq!(seasonal(&data).value(), Some(total));
        }
    }
}
