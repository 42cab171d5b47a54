//! Replaying earlier years at the same cut-off month: how good has each method been?

use crate::methods::{estimate, Estimate, Method};
use crate::LineData;
use delar_core::Amount;
use serde::Serialize;

/// One replayed year: what the method would have forecast at the cut-off, and the outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestRow {
    /// The replayed year.
    pub year: i32,
    /// Forecast the method gives with that year's months up to the cut-off.
    pub forecast: Amount,
    /// The year's real outcome.
    pub actual: Amount,
    /// forecast − actual.
    pub error: Amount,
}

/// A method's record on one line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MethodRecord {
    /// The method.
    pub method: Method,
    /// The replayed years (only those where the method could be used).
    pub rows: Vec<BacktestRow>,
    /// Mean absolute error over the rows (zero when there are none).
    pub mae: Amount,
    /// Mean signed error: positive means the method forecast too high.
    pub bias: Amount,
}

/// Replay every earlier year at the line's cut-off month with each method. A year is
/// replayed with the years before it as its history, and with its own budget when known
/// (`history_budgets`); a method that cannot be used on a year is left out for that year.
pub fn backtest(data: &LineData, methods: &[Method]) -> Vec<MethodRecord> {
    let m = data.cutoff();
    methods
        .iter()
        .map(|&method| {
            let mut rows = Vec::new();
            for k in 0..data.history.len() {
                let (year, months) = &data.history[k];
                let budget = data
                    .history_budgets
                    .iter()
                    .find(|(y, _)| y == year)
                    .map(|(_, b)| *b);
                if method == Method::BudgetBased && budget.is_none() {
                    continue;
                }
                let replay = LineData {
                    outcome: months[..m].to_vec(),
                    history: data.history[..k].to_vec(),
                    budget: budget.unwrap_or_default(),
                    history_budgets: data
                        .history_budgets
                        .iter()
                        .filter(|(y, _)| y < year)
                        .copied()
                        .collect(),
                };
                if let Estimate::Value { full_year, .. } = estimate(method, &replay) {
                    let actual: Amount = months.iter().copied().sum();
                    rows.push(BacktestRow {
                        year: *year,
                        forecast: full_year,
                        actual,
                        error: full_year - actual,
                    });
                }
            }
            let n = rows.len() as i64;
            let (mae, bias) = if n == 0 {
                (Amount::ZERO, Amount::ZERO)
            } else {
                let abs: i128 = rows.iter().map(|r| (r.error.ore() as i128).abs()).sum();
                let sum: i128 = rows.iter().map(|r| r.error.ore() as i128).sum();
                (
                    Amount::from_ore((abs / n as i128) as i64),
                    Amount::from_ore((sum / n as i128) as i64),
                )
            };
            MethodRecord {
                method,
                rows,
                mae,
                bias,
            }
        })
        .collect()
}

/// The explainable method with the smallest mean absolute error over at least two replayed
/// years; ties go to the simpler method. The statistical suggestion (smoothing) is never
/// recommended: it is shown beside the others for a person to weigh.
pub fn recommend(records: &[MethodRecord]) -> Option<Method> {
    Method::DATA_DRIVEN
        .iter()
        .filter(|m| **m != Method::Smoothing)
        .filter_map(|m| records.iter().find(|r| r.method == *m))
        .filter(|r| r.rows.len() >= 2)
        .min_by_key(|r| r.mae)
        .map(|r| r.method)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MONTHS;

    fn tk(v: i64) -> Amount {
        Amount::from_ore(v * 100_000)
    }

    #[test]
    fn seasonal_line_recommends_the_seasonal_profile() {
        // Summer-heavy cost line growing 4 % a year; budget always 2 % short.
        let year = |base: i64| -> [Amount; MONTHS] {
            std::array::from_fn(|i| {
                if (5..8).contains(&i) {
                    tk(base * 3 / 2)
                } else {
                    tk(base)
                }
            })
        };
        let bases = [100i64, 104, 108, 112];
        let history: Vec<(i32, [Amount; MONTHS])> = bases
            .iter()
            .enumerate()
            .map(|(i, b)| (2021 + i as i32, year(*b)))
            .collect();
        let history_budgets = history
            .iter()
            .map(|(y, m)| {
                (
                    *y,
                    m.iter()
                        .copied()
                        .sum::<Amount>()
                        .mul_ratio(98, 100)
                        .unwrap(),
                )
            })
            .collect();
        let data = LineData {
            outcome: year(116)[..8].to_vec(),
            history,
            budget: tk(1700),
            history_budgets,
        };
        let records = backtest(&data, &Method::DATA_DRIVEN);
        let rec = |m: Method| records.iter().find(|r| r.method == m).unwrap();
        // Seasonal needs one earlier year: replayable for 2022–2024; exact on this data.
        assert_eq!(rec(Method::Seasonal).rows.len(), 3);
        assert_eq!(rec(Method::Seasonal).mae, Amount::ZERO);
        // Run-rate overshoots every year (summer months are all before the cut-off).
        assert!(rec(Method::RunRate).bias > Amount::ZERO);
        assert_eq!(rec(Method::RunRate).rows.len(), 4);
        // Budget-based: always 2 % low.
        assert!(rec(Method::BudgetBased).bias < Amount::ZERO);
        assert_eq!(recommend(&records), Some(Method::Seasonal));
        let row = &rec(Method::RunRate).rows[0];
        assert_eq!(row.error, row.forecast - row.actual);
    }

    #[test]
    fn no_recommendation_without_two_years() {
        let data = LineData {
            outcome: vec![tk(1); 8],
            history: vec![(2024, [tk(1); MONTHS])],
            budget: tk(12),
            history_budgets: vec![],
        };
        let records = backtest(&data, &Method::DATA_DRIVEN);
        assert_eq!(recommend(&records), None);
    }
}
