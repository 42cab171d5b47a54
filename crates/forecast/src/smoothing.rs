//! Exponential smoothing of a line's monthly outcome: ETS with the model chosen by AICc
//! ([`crate::ets`]), fitted on the earlier years followed by this year's months so far.

use crate::ets::{auto_ets, EtsModel};
use crate::methods::Estimate;
use crate::{amount, kr, LineData, MONTHS};
use delar_core::Unit;

/// Forecast the rest of the year with the ETS model of smallest AICc, fitted on the earlier
/// complete years and this year's months so far. Needs at least two complete earlier years.
pub fn smoothing(data: &LineData) -> Estimate {
    let m = data.cutoff();
    if data.history.len() < 2 {
        return Estimate::NotApplicable {
            reason: "exponentiell utjämning behöver minst två hela tidigare år".into(),
        };
    }
    if m >= MONTHS {
        return Estimate::Value {
            full_year: data.to_date(),
            explanation: "Helåret är redan utfall.".into(),
        };
    }
    let mut y: Vec<f64> = data
        .history
        .iter()
        .flat_map(|(_, months)| months.iter().map(|a| kr(*a)))
        .collect();
    y.extend(data.outcome.iter().map(|a| kr(*a)));
    // A revenue line (every month negative) is smoothed as its mirror image, so the
    // multiplicative models apply to it as to a cost line.
    let sign = if y.iter().all(|v| *v < 0.0) {
        -1.0
    } else {
        1.0
    };
    for v in y.iter_mut() {
        *v *= sign;
    }
    let positive = y.iter().all(|v| *v > 0.0);
    let Some(fit) = auto_ets(&y, MONTHS, MONTHS - m, &EtsModel::chosen(positive)) else {
        return Estimate::NotApplicable {
            reason: "ingen utjämningsmodell kunde anpassas till utfallet".into(),
        };
    };
    let rest: f64 = sign * fit.forecast.iter().sum::<f64>();
    let to_date = data.to_date();
    let (Some(rest_a), Some(full)) = (amount(rest), amount(kr(to_date) + rest)) else {
        return Estimate::NotApplicable {
            reason: "summan blir för stor".into(),
        };
    };
    let p = |v: f64| delar_core::money::format_scaled((v * 100.0).round() as i64, 2, '\u{a0}');
    let mut params = format!("α = {}", p(fit.alpha));
    if fit.beta > 0.0 {
        params.push_str(&format!(", β = {}", p(fit.beta)));
    }
    if fit.gamma > 0.0 {
        params.push_str(&format!(", γ = {}", p(fit.gamma)));
    }
    if fit.phi < 1.0 && fit.beta > 0.0 {
        params.push_str(&format!(", φ = {}", p(fit.phi)));
    }
    Estimate::Value {
        full_year: full,
        explanation: format!(
            "Exponentiell utjämning {} ({params}), vald efter AICc bland {} modeller och anpassad på {} månader: återstående {} månader {} tkr; helår = utfall {} tkr + {} tkr = {} tkr.",
            fit.model.notation(),
            fit.compared,
            y.len(),
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
        let e = smoothing(&data);
        let got = kr(e.value().unwrap());
        assert!(
            (got - truth).abs() / truth < 0.01,
            "got {got}, truth {truth}"
        );
        let naive = kr(crate::run_rate(&data).value().unwrap());
        assert!((got - truth).abs() < (naive - truth).abs());
        let Estimate::Value { explanation, .. } = e else {
            panic!()
        };
        assert!(explanation.contains("AICc"), "{explanation}");
        assert!(explanation.contains("ETS("), "{explanation}");
    }

    #[test]
    fn a_revenue_line_is_forecast_as_its_mirror_image() {
        let year = |y: i32| -> [Amount; MONTHS] {
            std::array::from_fn(|i| {
                let v = 1000.0 * 1.03f64.powi(y - 2021) * if i == 6 { 0.5 } else { 1.0 };
                amount(v * 1000.0).unwrap()
            })
        };
        let neg = |a: [Amount; MONTHS]| a.map(|x| -x);
        let cost = LineData {
            outcome: year(2025)[..4].to_vec(),
            history: (2021..2025).map(|y| (y, year(y))).collect(),
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        let revenue = LineData {
            outcome: neg(year(2025))[..4].to_vec(),
            history: (2021..2025).map(|y| (y, neg(year(y)))).collect(),
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        let c = smoothing(&cost).value().unwrap();
        let r = smoothing(&revenue).value().unwrap();
        assert_eq!(c, -r);
        let truth: f64 = year(2025).iter().map(|a| kr(*a)).sum();
        assert!((kr(c) - truth).abs() / truth < 0.01, "{c} {truth}");
    }

    #[test]
    fn needs_two_years() {
        let data = LineData {
            outcome: vec![Amount::from_ore(100)],
            history: vec![(2024, [Amount::from_ore(100); MONTHS])],
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        assert!(smoothing(&data).value().is_none());
    }
}
