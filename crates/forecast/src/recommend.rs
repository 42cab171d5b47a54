//! The recommended method of a line, from its backtest: the one rule the product and the
//! evaluation (`delar forecast utvardera`) share.

use crate::backtest::{BacktestRow, MethodRecord};
use crate::Method;
use delar_core::Amount;

/// The methods a recommendation may choose, in order of simplicity (ties go to the earlier
/// one). Exponential smoothing alone is shown, and enters through the combination.
pub const CANDIDATES: [Method; 5] = [
    Method::BudgetBased,
    Method::RunRate,
    Method::Seasonal,
    Method::VolumePrice,
    Method::Combination,
];

/// A method must beat the default method's mean absolute error by this factor to be
/// recommended instead of it (the default is most often right, and a few replayed years
/// cannot tell small differences apart).
pub const MARGIN: f64 = 0.6;

/// The recommendation for a line:
/// 1. candidates are [`CANDIDATES`] with at least two replayed years (`skip_year` left out,
///    for leave-one-out replays), the combination with one;
/// 2. budget-based is left out when this year's deviation from budget so far, scaled to the
///    whole year (× 12/m), is larger than the method's own mean absolute error: the year is
///    then not going the way budgets usually go (`deviation` gives that scaled deviation);
/// 3. the default is the combination of seasonal profile and smoothing when it has a
///    replayed year, else the seasonal profile; the smallest mean absolute error wins, but a
///    method other than the default must beat the default's by 40 % ([`MARGIN`]); ties go to
///    the simpler method.
pub fn recommend_from(
    records: &[MethodRecord],
    skip_year: Option<i32>,
    deviation: Option<Amount>,
) -> Option<Method> {
    let rows = |m: Method| -> Vec<&BacktestRow> {
        records
            .iter()
            .find(|r| r.method == m)
            .map(|r| {
                r.rows
                    .iter()
                    .filter(|x| Some(x.year) != skip_year)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mae = |rows: &[&BacktestRow]| -> i128 {
        rows.iter()
            .map(|x| (x.error.ore() as i128).abs())
            .sum::<i128>()
            / rows.len().max(1) as i128
    };
    // The combination needs two earlier years more than the seasonal profile before it
    // can be replayed, so one replayed year is enough for it to be the default.
    let combination_replayed = !rows(Method::Combination).is_empty();
    let default = if combination_replayed {
        Method::Combination
    } else {
        Method::Seasonal
    };
    let mut maes: Vec<(Method, i128)> = Vec::new();
    for m in CANDIDATES {
        let r = rows(m);
        if r.len() < 2 && !(m == Method::Combination && combination_replayed) {
            continue;
        }
        let e = mae(&r);
        if m == Method::BudgetBased {
            if let Some(d) = deviation {
                if (d.ore() as i128).abs() > e {
                    continue;
                }
            }
        }
        maes.push((m, e));
    }
    let best = maes.iter().min_by_key(|(_, mae)| *mae).copied()?;
    match maes.iter().find(|(m, _)| *m == default) {
        Some(&(d, e)) if (best.1 as f64) >= e as f64 * MARGIN => Some(d),
        _ => Some(best.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(v: i64) -> Amount {
        Amount::from_ore(v * 100)
    }

    fn rec(method: Method, errors: &[(i32, i64)]) -> MethodRecord {
        let rows: Vec<BacktestRow> = errors
            .iter()
            .map(|&(year, e)| BacktestRow {
                year,
                forecast: kr(1000 + e),
                actual: kr(1000),
                error: kr(e),
            })
            .collect();
        crate::backtest::record(method, rows)
    }

    #[test]
    fn prefers_the_seasonal_profile_unless_clearly_beaten() {
        let seasonal = rec(Method::Seasonal, &[(2023, 100), (2024, -100)]);
        // Run-rate 30 % better: not enough.
        let run = rec(Method::RunRate, &[(2023, 70), (2024, -70)]);
        assert_eq!(
            recommend_from(&[seasonal.clone(), run], None, None),
            Some(Method::Seasonal)
        );
        // 50 % better: recommended.
        let run = rec(Method::RunRate, &[(2023, 50), (2024, -50)]);
        assert_eq!(
            recommend_from(&[seasonal.clone(), run.clone()], None, None),
            Some(Method::RunRate)
        );
        // Leaving a year out leaves one replayed year each: no recommendation.
        assert_eq!(recommend_from(&[seasonal, run], Some(2024), None), None);
    }

    #[test]
    fn the_combination_is_the_default_once_replayed() {
        let seasonal = rec(Method::Seasonal, &[(2022, 100), (2023, 100), (2024, -100)]);
        // One replayed year is enough for the default, and it wins the tie-breaking margin.
        let comb = rec(Method::Combination, &[(2024, -90)]);
        assert_eq!(
            recommend_from(&[seasonal.clone(), comb], None, None),
            Some(Method::Combination)
        );
        // The seasonal profile clearly better (50 %): chosen instead.
        let comb = rec(Method::Combination, &[(2023, 200), (2024, -200)]);
        assert_eq!(
            recommend_from(&[seasonal.clone(), comb], None, None),
            Some(Method::Seasonal)
        );
        // Without any replayed year of the combination, the seasonal profile is the default.
        let comb = rec(Method::Combination, &[]);
        let run = rec(Method::RunRate, &[(2023, 95), (2024, -95)]);
        assert_eq!(
            recommend_from(&[seasonal, comb, run], None, None),
            Some(Method::Seasonal)
        );
    }

    #[test]
    fn budget_is_not_recommended_when_the_year_already_deviates() {
        let budget = rec(Method::BudgetBased, &[(2022, 10), (2023, -10), (2024, 10)]);
        let seasonal = rec(Method::Seasonal, &[(2023, 200), (2024, -200)]);
        let records = [budget, seasonal];
        assert_eq!(
            recommend_from(&records, None, Some(kr(5))),
            Some(Method::BudgetBased)
        );
        assert_eq!(
            recommend_from(&records, None, Some(kr(-50))),
            Some(Method::Seasonal)
        );
    }
}
