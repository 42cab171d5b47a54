//! Seasonal exponential smoothing (additive Holt–Winters) on monthly outcome: the
//! statistical suggestion shown next to the explainable methods.

use crate::methods::Estimate;
use crate::{amount, kr, LineData, MONTHS};
use delar_core::Unit;

/// Smoothing parameters tried; the pair with the smallest one-step-ahead squared error over
/// the history wins.
const ALPHAS: [f64; 4] = [0.1, 0.2, 0.3, 0.5];
const BETAS: [f64; 3] = [0.0, 0.05, 0.1];
const GAMMAS: [f64; 3] = [0.1, 0.2, 0.3];

struct Fit {
    sse: f64,
    level: f64,
    trend: f64,
    season: [f64; MONTHS],
    alpha: f64,
    beta: f64,
    gamma: f64,
}

fn fit(x: &[f64], alpha: f64, beta: f64, gamma: f64) -> Fit {
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let first = mean(&x[..MONTHS]);
    let second = mean(&x[MONTHS..2 * MONTHS]);
    let mut level = first;
    let mut trend = (second - first) / MONTHS as f64;
    let mut season: [f64; MONTHS] = std::array::from_fn(|i| x[i] - first);
    let mut sse = 0.0;
    for (t, &v) in x.iter().enumerate().skip(MONTHS) {
        let s = t % MONTHS;
        let f = level + trend + season[s];
        sse += (v - f) * (v - f);
        let new_level = alpha * (v - season[s]) + (1.0 - alpha) * (level + trend);
        trend = beta * (new_level - level) + (1.0 - beta) * trend;
        season[s] = gamma * (v - new_level) + (1.0 - gamma) * season[s];
        level = new_level;
    }
    Fit {
        sse,
        level,
        trend,
        season,
        alpha,
        beta,
        gamma,
    }
}

/// Forecast the rest of the year with additive Holt–Winters fitted on the earlier years and
/// this year's months so far. Needs at least two complete earlier years.
pub fn holt_winters(data: &LineData) -> Estimate {
    let m = data.cutoff();
    if data.history.len() < 2 {
        return Estimate::NotApplicable {
            reason: "exponentiell utjämning behöver minst två hela tidigare år".into(),
        };
    }
    let mut x: Vec<f64> = data
        .history
        .iter()
        .flat_map(|(_, months)| months.iter().map(|a| kr(*a)))
        .collect();
    x.extend(data.outcome.iter().map(|a| kr(*a)));
    let mut best: Option<Fit> = None;
    for a in ALPHAS {
        for b in BETAS {
            for g in GAMMAS {
                let f = fit(&x, a, b, g);
                if best.as_ref().is_none_or(|bf| f.sse < bf.sse) {
                    best = Some(f);
                }
            }
        }
    }
    let f = best.expect("grid is not empty");
    let n = x.len();
    let rest: f64 = (1..=MONTHS - m)
        .map(|h| f.level + h as f64 * f.trend + f.season[(n - 1 + h) % MONTHS])
        .sum();
    let to_date = data.to_date();
    let (Some(rest_a), Some(full)) = (amount(rest), amount(kr(to_date) + rest)) else {
        return Estimate::NotApplicable {
            reason: "summan blir för stor".into(),
        };
    };
    let p = |v: f64| format!("{v}").replace('.', ",");
    Estimate::Value {
        full_year: full,
        explanation: format!(
            "Förslag från exponentiell utjämning med säsong (Holt–Winters, α = {}, β = {}, γ = {}, anpassad på {n} månader): återstående {} månader {} tkr; helår = utfall {} tkr + {} tkr = {} tkr.",
            p(f.alpha),
            p(f.beta),
            p(f.gamma),
            MONTHS - m,
            rest_a.format(Unit::Tkr, 0),
            to_date.format(Unit::Tkr, 0),
            rest_a.format(Unit::Tkr, 0),
            full.format(Unit::Tkr, 0),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::Amount;

    #[test]
    fn follows_trend_and_season() {
        // Four years of a line growing 1 % a month with a December peak; this year to August.
        let value = |t: usize| {
            let base = 1000.0 * 1.01f64.powi(t as i32);
            let m = t % MONTHS;
            if m == 11 {
                base * 1.8
            } else {
                base
            }
        };
        let year = |y: usize| -> [Amount; MONTHS] {
            std::array::from_fn(|i| amount(value(y * MONTHS + i) * 1000.0).unwrap())
        };
        let data = LineData {
            outcome: year(4)[..8].to_vec(),
            history: (0..4).map(|y| (2021 + y as i32, year(y))).collect(),
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        let truth: f64 = (0..MONTHS).map(|i| value(4 * MONTHS + i) * 1000.0).sum();
        let got = kr(holt_winters(&data).value().unwrap());
        assert!(
            (got - truth).abs() / truth < 0.02,
            "got {got}, truth {truth}"
        );
        let naive = kr(crate::run_rate(&data).value().unwrap());
        assert!((got - truth).abs() < (naive - truth).abs());
    }

    #[test]
    fn needs_two_years() {
        let data = LineData {
            outcome: vec![Amount::from_ore(100)],
            history: vec![(2024, [Amount::from_ore(100); MONTHS])],
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        assert!(holt_winters(&data).value().is_none());
    }
}
