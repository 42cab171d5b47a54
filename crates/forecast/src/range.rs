//! 80 % ranges of full-year forecasts, from the errors the method made when earlier years were
//! replayed at the same cut-off month ([`crate::backtest`]): for one line, and for a sum of
//! lines (a committee, the programme area) without adding the lines' ranges up.

use crate::backtest::BacktestRow;
use crate::line::ForecastLine;
use crate::{amount, kr};
use delar_core::Amount;
use std::collections::BTreeMap;

/// Half-width of the 80 % range in mean absolute relative errors (calibrated on the
/// development set, docs/FORECASTING.md).
pub const RANGE_FACTOR: f64 = 1.28;

/// The small-sample factor for `n` = 1, 2, … 10 replayed years: how much wider than with many
/// years an 80 % range drawn from the mean of `n` absolute errors must be. For normal errors
/// it is `q(n) / q(∞)`, where `q(n)` is the 80 % quantile of `|e₀| / mean(|e₁|, …, |eₙ|)` (a
/// new error against the mean of `n` earlier ones) and `q(∞) = 1,2816 / √(2/π)`; for one year
/// the ratio of two normal errors is Cauchy and `q(1) = tan(0,4π)`. From ten years on
/// `√(1 + 1/n)` is within 0,1 % of it (the test
/// `small_sample_factors_are_the_normal_theory_quantiles` simulates the coverage).
pub const SMALL_SAMPLE: [f64; 10] = [
    1.915, 1.318, 1.189, 1.135, 1.107, 1.085, 1.072, 1.062, 1.056, 1.049,
];

/// The small-sample factor for `n` replayed years ([`SMALL_SAMPLE`], else `√(1 + 1/n)`).
pub fn small_sample(n: usize) -> f64 {
    match n {
        0 => f64::INFINITY,
        1..=10 => SMALL_SAMPLE[n - 1],
        _ => (1.0 + 1.0 / n as f64).sqrt(),
    }
}

/// Half-width (kronor) of the 80 % range of `f` from replayed rows; `None` without a
/// replayed year with a forecast.
fn half_width(rows: &[BacktestRow], f: Amount) -> Option<f64> {
    let rel: Vec<f64> = rows
        .iter()
        .filter(|r| !r.forecast.is_zero())
        .map(|r| kr(r.error) / kr(r.forecast).abs())
        .collect();
    if rel.is_empty() {
        return None;
    }
    let n = rel.len();
    let mae = rel.iter().map(|r| r.abs()).sum::<f64>() / n as f64;
    Some(RANGE_FACTOR * mae * small_sample(n) * kr(f).abs())
}

/// The 80 % range of a forecast `f` from a method's replayed relative errors
/// `rₖ = (forecastₖ − actualₖ) / |forecastₖ|`: `f ± RANGE_FACTOR × mean|rₖ| × q(n) × |f|`,
/// wider where there are few replayed years ([`small_sample`]). `None` without a replayed
/// year.
pub fn range80(rows: &[BacktestRow], f: Amount) -> Option<(Amount, Amount)> {
    let half = half_width(rows, f)?;
    Some((amount(kr(f) - half)?, amount(kr(f) + half)?))
}

/// A replayed year counts for a sum of lines only when the lines replayed that year carry at
/// least this share of the sum's forecast (by absolute value): a year in which only a few
/// small lines could be replayed (a method that needs more history on the large ones) says
/// little about the sum's error.
pub const MIN_COVERAGE: f64 = 0.5;

/// The replayed years of a sum of lines, each line given as its forecast and its replayed
/// years: per year, the forecasts and the outcomes of the lines replayed that year, summed,
/// for the years whose lines carry at least [`MIN_COVERAGE`] of the sum's forecast. Errors
/// that went the same way on several lines add up; errors that went opposite ways cancel, as
/// they did in that year.
pub fn sum_rows<'a>(
    parts: impl IntoIterator<Item = (Amount, &'a [BacktestRow])>,
) -> Vec<BacktestRow> {
    let mut by: BTreeMap<i32, (Amount, Amount, f64)> = BTreeMap::new();
    let mut total = 0.0;
    for (base, rows) in parts {
        total += kr(base).abs();
        for r in rows {
            let e = by.entry(r.year).or_default();
            e.0 += r.forecast;
            e.1 += r.actual;
            e.2 += kr(base).abs();
        }
    }
    by.into_iter()
        .filter(|(_, (_, _, covered))| total == 0.0 || *covered >= MIN_COVERAGE * total)
        .map(|(year, (forecast, actual, _))| BacktestRow {
            year,
            forecast,
            actual,
            error: forecast - actual,
        })
        .collect()
}

/// The 80 % range of a sum of lines, each given as its forecast and its replayed years: the
/// wider of two half-widths around the summed forecast,
///
/// - the summed years' ([`range80`] of [`sum_rows`]): the errors with the correlation they
///   had in the years replayed;
/// - the lines' own, as if their errors were independent: `√(Σ hᵢ²)` over the lines' half-widths
///   `hᵢ` ([`range80`] of each line).
///
/// With few replayed years the lines' errors may have cancelled in the sum by chance (two
/// years, a hundred lines), and the summed years alone would claim the sum is known far
/// better than any of its lines; the independence floor is what the lines' own records say
/// at the least. Errors that went the same way keep the wider summed range. `None` when no
/// year is replayed on enough of the lines ([`MIN_COVERAGE`]).
pub fn parts_range80<'a>(
    parts: impl IntoIterator<Item = (Amount, &'a [BacktestRow])>,
) -> Option<(Amount, Amount)> {
    let parts: Vec<(Amount, &[BacktestRow])> = parts.into_iter().collect();
    let base: Amount = parts.iter().map(|(b, _)| *b).sum();
    let summed = half_width(&sum_rows(parts.iter().copied()), base)?;
    let independent = parts
        .iter()
        .filter_map(|(b, rows)| half_width(rows, *b))
        .map(|h| h * h)
        .sum::<f64>()
        .sqrt();
    let half = summed.max(independent);
    Some((amount(kr(base) - half)?, amount(kr(base) + half)?))
}

/// The 80 % range of one line: [`range80`] of its base from `rows` (the replayed years of
/// the method that gave the base), widened by its adjustments' own ranges
/// ([`ForecastLine::range`]). `None` when the method has no replayed year.
pub fn line_range80(line: &ForecastLine, rows: &[BacktestRow]) -> Option<(Amount, Amount)> {
    let (lo, hi) = range80(rows, line.base)?;
    let (a_lo, a_hi) = line.range();
    Some((lo + (a_lo - line.base), hi + (a_hi - line.base)))
}

/// The 80 % range of a sum of lines (a committee, the programme area), each with the
/// replayed years of its method: [`range80`] of the summed base from the summed replayed
/// years ([`sum_rows`]), so that the lines' errors count with the correlation they had
/// (summing the lines' ranges would treat every error as going the same way), widened by the
/// adjustments' ranges. `None` when no year is replayed on enough of the lines.
pub fn sum_range80<'a>(
    lines: impl IntoIterator<Item = (&'a ForecastLine, &'a [BacktestRow])>,
) -> Option<(Amount, Amount)> {
    let mut adj_lo = Amount::ZERO;
    let mut adj_hi = Amount::ZERO;
    let mut parts: Vec<(Amount, &[BacktestRow])> = Vec::new();
    for (line, rows) in lines {
        let (lo, hi) = line.range();
        adj_lo += lo - line.base;
        adj_hi += hi - line.base;
        parts.push((line.base, rows));
    }
    let (lo, hi) = parts_range80(parts)?;
    Some((lo + adj_lo, hi + adj_hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line::{Adjustment, AdjustmentKind};
    use crate::Method;

    fn tk(v: i64) -> Amount {
        Amount::from_ore(v * 100_000)
    }

    fn row(year: i32, f: i64, a: i64) -> BacktestRow {
        BacktestRow {
            year,
            forecast: tk(f),
            actual: tk(a),
            error: tk(f - a),
        }
    }

    fn line(node: &str, base: i64) -> ForecastLine {
        ForecastLine {
            node: node.into(),
            group: "personal".into(),
            method: Method::Seasonal,
            base: tk(base),
            explanation: String::new(),
            adjustments: vec![],
            to_date: Amount::ZERO,
            budget: Amount::ZERO,
            comment: None,
        }
    }

    #[test]
    fn the_range_comes_from_replayed_relative_errors() {
        // Errors of +10 %, −10 % and 0 of the forecast: mean absolute 6,67 %; with three
        // years × q(3) = 1,189 × 1,28 = 10,1 % of the forecast 200 either side.
        let rows = [row(2021, 100, 90), row(2022, 100, 110), row(2023, 100, 100)];
        let (lo, hi) = range80(&rows, tk(200)).unwrap();
        let half = 1.28 * (0.2 / 3.0) * 1.189 * 200_000.0;
        assert_eq!(lo, amount(200_000.0 - half).unwrap());
        assert_eq!(hi, amount(200_000.0 + half).unwrap());
        // A revenue (negative forecast) gets a range around it too.
        let (lo, hi) = range80(&rows, tk(-200)).unwrap();
        assert_eq!(lo, amount(-200_000.0 - half).unwrap());
        assert_eq!(hi, amount(-200_000.0 + half).unwrap());
        assert_eq!(range80(&[], tk(1)), None);
        // Fewer replayed years, the same errors: wider (q(2) = 1,318).
        let (lo2, hi2) = range80(&[row(2021, 100, 90), row(2022, 100, 110)], tk(200)).unwrap();
        let half2 = 1.28 * 0.1 * 1.318 * 200_000.0;
        assert_eq!(
            (lo2, hi2),
            (
                amount(200_000.0 - half2).unwrap(),
                amount(200_000.0 + half2).unwrap()
            )
        );
        assert!(hi2 - lo2 > hi - lo);
    }

    /// Deterministic standard normal draws (xorshift64* and Box–Muller), for simulations.
    struct Normal(u64);

    impl Normal {
        fn uniform(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
            ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }
        fn draw(&mut self) -> f64 {
            let (u, v) = (self.uniform(), self.uniform());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        }
    }

    /// Share of trials in which a new normal error falls within `q∞ × factor(n) × mean|e|`
    /// of `n` earlier ones: 80 % when `factor` is the right small-sample factor.
    fn normal_coverage(n: usize, factor: f64, trials: usize, rng: &mut Normal) -> f64 {
        let q_inf = 1.281_551_6 / (2.0 / std::f64::consts::PI).sqrt();
        let mut inside = 0;
        for _ in 0..trials {
            let mean = (0..n).map(|_| rng.draw().abs()).sum::<f64>() / n as f64;
            if rng.draw().abs() <= q_inf * factor * mean {
                inside += 1;
            }
        }
        inside as f64 / trials as f64
    }

    #[test]
    fn small_sample_factors_are_the_normal_theory_quantiles() {
        // Errors known to be normal: a range drawn from n of them covers a new one 80 % of
        // the time whatever n, with the factor; √(1 + 1/n) covers too little for one or two.
        let mut rng = Normal(0x9E37_79B9_7F4A_7C15);
        for n in [1, 2, 3, 5, 10, 12] {
            let c = normal_coverage(n, small_sample(n), 100_000, &mut rng);
            assert!((c - 0.80).abs() < 0.006, "n = {n}: {c}");
        }
        let c1 = normal_coverage(1, 2.0f64.sqrt(), 100_000, &mut rng);
        let c2 = normal_coverage(2, 1.5f64.sqrt(), 100_000, &mut rng);
        // One year: 2/π × atan(tan(0,4π) × √2 / q(1)) = 73 %; two years: 78 %.
        assert!(c1 < 0.75 && c2 < 0.79, "{c1} {c2}");
        assert!(small_sample(0).is_infinite());
        assert!(SMALL_SAMPLE.windows(2).all(|w| w[0] > w[1]));
        // The limit: the table's last entry meets √(1 + 1/n).
        assert!((small_sample(10) - 1.1f64.sqrt()).abs() < 0.001);
    }

    #[test]
    fn a_lines_range_carries_its_adjustments_ranges() {
        let rows = [row(2023, 100, 90), row(2024, 100, 110)];
        let mut l = line("A", 1000);
        let (lo, hi) = line_range80(&l, &rows).unwrap();
        assert_eq!(lo + hi, tk(2000), "symmetric around the base");
        l.adjustments.push(Adjustment {
            kind: AdjustmentKind::PendingDecision,
            amount: tk(50),
            low: Some(tk(0)),
            high: Some(tk(80)),
            comment: String::new(),
            code: None,
        });
        assert_eq!(line_range80(&l, &rows), Some((lo, hi + tk(80))));
        assert_eq!(line_range80(&l, &[]), None);
    }

    #[test]
    fn a_sum_of_lines_counts_the_errors_as_they_went_together() {
        // Two lines of 1 000 tkr whose errors went opposite ways every year: the committee's
        // total was right every year, but three years do not prove the errors always cancel,
        // so the range is the lines' own as if independent, √(h_A² + h_B²).
        let a = [row(2022, 110, 100), row(2023, 90, 100), row(2024, 105, 100)];
        let b = [row(2022, 90, 100), row(2023, 110, 100), row(2024, 95, 100)];
        let (la, lb) = (line("A", 1000), line("B", 1000));
        let (alo, ahi) = line_range80(&la, &a).unwrap();
        let (blo, bhi) = line_range80(&lb, &b).unwrap();
        let (ha, hb) = (kr(ahi - alo) / 2.0, kr(bhi - blo) / 2.0);
        let h = (ha * ha + hb * hb).sqrt();
        assert_eq!(
            sum_range80([(&la, &a[..]), (&lb, &b[..])]),
            Some((
                amount(2_000_000.0 - h).unwrap(),
                amount(2_000_000.0 + h).unwrap()
            ))
        );
        // Errors that went the same way: the sum's range is the sum of the lines' ranges.
        let (lo, hi) = sum_range80([(&la, &a[..]), (&lb, &a[..])]).unwrap();
        let near = |x: Amount, y: Amount| (x.ore() - y.ore()).abs() <= 1;
        assert!(near(lo, alo + alo), "{lo:?} {alo:?}");
        assert!(near(hi, ahi + ahi), "{hi:?} {ahi:?}");
        // Independent errors: narrower than the naive sum, wider than either line.
        let c = [row(2022, 110, 100), row(2023, 100, 100), row(2024, 95, 100)];
        let d = [row(2022, 100, 100), row(2023, 90, 100), row(2024, 100, 100)];
        let (lo, hi) = sum_range80([(&la, &c[..]), (&lb, &d[..])]).unwrap();
        let (clo, chi) = line_range80(&la, &c).unwrap();
        let (dlo, dhi) = line_range80(&lb, &d).unwrap();
        assert!(hi - lo < (chi - clo) + (dhi - dlo), "{lo:?} {hi:?}");
        assert!(hi - lo > chi - clo && hi - lo > dhi - dlo);
        // A line without replayed years adds its base but no error; none at all: no range.
        let (lo, hi) = sum_range80([(&la, &a[..]), (&lb, &[][..])]).unwrap();
        assert_eq!(lo + hi, tk(4000));
        assert_eq!(sum_range80([(&la, &[][..])]), None);
    }

    #[test]
    fn summed_rows_add_each_years_lines() {
        let s = sum_rows([
            (tk(10), &[row(2023, 10, 8), row(2024, 5, 6)][..]),
            (tk(7), &[row(2024, 7, 7)][..]),
        ]);
        // 2023 is replayed on 10 of 17 (more than half): it counts.
        assert_eq!(s, vec![row(2023, 10, 8), row(2024, 12, 13)]);
    }

    #[test]
    fn a_year_replayed_only_on_small_lines_does_not_count() {
        // A large line replayed in 2023–2024 (errors ±1 %), a small one in 2021–2024 with a
        // 50 % error in 2021: 2021 covers 2 % of the forecast and would make the sum's range
        // absurdly wide.
        let big = [row(2023, 1010, 1000), row(2024, 990, 1000)];
        let small = [
            row(2021, 30, 20),
            row(2022, 20, 20),
            row(2023, 20, 20),
            row(2024, 20, 20),
        ];
        let (lb, ls) = (line("A", 1000), line("B", 20));
        let summed = sum_rows([(lb.base, &big[..]), (ls.base, &small[..])]);
        let years: Vec<i32> = summed.iter().map(|r| r.year).collect();
        assert_eq!(years, [2023, 2024]);
        let (lo, hi) = sum_range80([(&lb, &big[..]), (&ls, &small[..])]).unwrap();
        let only = [row(2023, 1030, 1020), row(2024, 1010, 1020)];
        let (olo, ohi) = range80(&only, tk(1020)).unwrap();
        assert!(lo <= olo && hi >= ohi);
        // Here the lines' own errors (the small line's 50 % in 2021 among them) give the
        // wider half-width: √(h_A² + h_B²).
        let half = |r: Option<(Amount, Amount)>| r.map(|(l, h)| kr(h - l) / 2.0).unwrap();
        let (ha, hb) = (half(range80(&big, tk(1000))), half(range80(&small, tk(20))));
        let h = (ha * ha + hb * hb).sqrt();
        assert!(h > kr(ohi - olo) / 2.0);
        assert_eq!(
            (lo, hi),
            (
                amount(1_020_000.0 - h).unwrap(),
                amount(1_020_000.0 + h).unwrap()
            )
        );
        // Only the small line replayed at all: no year covers half of the sum, no range.
        assert_eq!(sum_range80([(&lb, &[][..]), (&ls, &small[..])]), None);
    }

    #[test]
    fn a_sum_is_never_narrower_than_its_lines_independent_errors() {
        // Forty lines of 100 tkr, each with independent normal errors of 5 % and two
        // replayed years. The summed years' spread is a two-year estimate and often far too
        // small by chance; the lines' own errors are eighty. With independent errors the
        // floor is known: √(Σ hᵢ²) ≈ 1,28 × q(2) × √E[(mean of two |z|)²] σ_sum
        // = 1,28 × 1,318 × 0,905 σ_sum = 1,53 σ_sum, so 87 % of next years fall inside, and
        // the rule never gives less than the summed years alone (72 % here).
        let mut rng = Normal(42);
        let (mut inside, mut inside_summed, trials) = (0, 0, 2_000);
        for _ in 0..trials {
            let mut parts: Vec<(Amount, Vec<BacktestRow>)> = Vec::new();
            let mut actual = 0.0;
            for _ in 0..40 {
                let rows = (2023..2025)
                    .map(|y| {
                        let a = 100_000.0;
                        let f = a * (1.0 + 0.05 * rng.draw());
                        BacktestRow {
                            year: y,
                            forecast: amount(f).unwrap(),
                            actual: amount(a).unwrap(),
                            error: amount(f - a).unwrap(),
                        }
                    })
                    .collect();
                actual += 100_000.0 / (1.0 + 0.05 * rng.draw());
                parts.push((amount(100_000.0).unwrap(), rows));
            }
            let actual = amount(actual).unwrap();
            let refs = parts.iter().map(|(b, r)| (*b, r.as_slice()));
            let (lo, hi) = parts_range80(refs.clone()).unwrap();
            let summed = sum_rows(refs.clone());
            let (slo, shi) = range80(&summed, tk(4000)).unwrap();
            assert!(
                lo <= slo && hi >= shi,
                "never narrower than the summed years"
            );
            inside += usize::from(lo <= actual && actual <= hi);
            inside_summed += usize::from(slo <= actual && actual <= shi);
        }
        let (c, cs) = (
            inside as f64 / trials as f64,
            inside_summed as f64 / trials as f64,
        );
        assert!((c - 0.873).abs() < 0.025, "{c}");
        assert!(cs < c - 0.1, "{cs}");
    }
}
