//! Replaying earlier years at the same cut-off month: how good has each method been?

use crate::methods::{estimate_all, Estimate, Method};
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
    let mut rows: Vec<Vec<BacktestRow>> = vec![Vec::new(); methods.len()];
    for k in 0..data.history.len() {
        let (year, months) = &data.history[k];
        let budget = data
            .history_budgets
            .iter()
            .find(|(y, _)| y == year)
            .map(|(_, b)| *b);
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
        let actual: Amount = months.iter().copied().sum();
        for (i, e) in estimate_all(methods, &replay).into_iter().enumerate() {
            if methods[i] == Method::BudgetBased && budget.is_none() {
                continue;
            }
            if let Estimate::Value { full_year, .. } = e {
                rows[i].push(BacktestRow {
                    year: *year,
                    forecast: full_year,
                    actual,
                    error: full_year - actual,
                });
            }
        }
    }
    methods
        .iter()
        .zip(rows)
        .map(|(&method, rows)| record(method, rows))
        .collect()
}

/// A method's record from its replayed rows: mean absolute error and bias (mean signed
/// error), rounded toward zero to the öre.
pub fn record(method: Method, rows: Vec<BacktestRow>) -> MethodRecord {
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
        assert_eq!(
            crate::recommend_from(&records, None, None),
            Some(Method::Seasonal)
        );
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
        assert_eq!(crate::recommend_from(&records, None, None), None);
    }
}
