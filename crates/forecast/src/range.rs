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

/// The 80 % range of a forecast `f` from a method's replayed relative errors
/// `rₖ = (forecastₖ − actualₖ) / |forecastₖ|`: `f ± RANGE_FACTOR × mean|rₖ| × √(1 + 1/n) × |f|`,
/// wider where there are few replayed years. `None` without a replayed year.
pub fn range80(rows: &[BacktestRow], f: Amount) -> Option<(Amount, Amount)> {
    let rel: Vec<f64> = rows
        .iter()
        .filter(|r| !r.forecast.is_zero())
        .map(|r| kr(r.error) / kr(r.forecast).abs())
        .collect();
    if rel.is_empty() {
        return None;
    }
    let n = rel.len() as f64;
    let mae = rel.iter().map(|r| r.abs()).sum::<f64>() / n;
    let half = RANGE_FACTOR * mae * (1.0 + 1.0 / n).sqrt() * kr(f).abs();
    let lo = amount(kr(f) - half)?;
    let hi = amount(kr(f) + half)?;
    Some((lo, hi))
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
    let mut base = Amount::ZERO;
    let mut adj_lo = Amount::ZERO;
    let mut adj_hi = Amount::ZERO;
    let mut parts: Vec<(Amount, &[BacktestRow])> = Vec::new();
    for (line, rows) in lines {
        base += line.base;
        let (lo, hi) = line.range();
        adj_lo += lo - line.base;
        adj_hi += hi - line.base;
        parts.push((line.base, rows));
    }
    let (lo, hi) = range80(&sum_rows(parts), base)?;
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
        // years × √(4/3) × 1,28 = 9,85 % of the forecast 200 either side.
        let rows = [row(2021, 100, 90), row(2022, 100, 110), row(2023, 100, 100)];
        let (lo, hi) = range80(&rows, tk(200)).unwrap();
        let half = 1.28 * (0.2 / 3.0) * (4.0f64 / 3.0).sqrt() * 200_000.0;
        assert_eq!(lo, amount(200_000.0 - half).unwrap());
        assert_eq!(hi, amount(200_000.0 + half).unwrap());
        // A revenue (negative forecast) gets a range around it too.
        let (lo, hi) = range80(&rows, tk(-200)).unwrap();
        assert_eq!(lo, amount(-200_000.0 - half).unwrap());
        assert_eq!(hi, amount(-200_000.0 + half).unwrap());
        assert_eq!(range80(&[], tk(1)), None);
        // Fewer replayed years, the same errors: wider (√(1 + 1/n)).
        let (lo2, hi2) = range80(&[row(2021, 100, 90), row(2022, 100, 110)], tk(200)).unwrap();
        let half2 = 1.28 * 0.1 * 1.5f64.sqrt() * 200_000.0;
        assert_eq!(
            (lo2, hi2),
            (
                amount(200_000.0 - half2).unwrap(),
                amount(200_000.0 + half2).unwrap()
            )
        );
        assert!(hi2 - lo2 > hi - lo);
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
        // total was right every year, so its range is the point itself.
        let a = [row(2022, 110, 100), row(2023, 90, 100), row(2024, 105, 100)];
        let b = [row(2022, 90, 100), row(2023, 110, 100), row(2024, 95, 100)];
        let (la, lb) = (line("A", 1000), line("B", 1000));
        let (alo, ahi) = line_range80(&la, &a).unwrap();
        let (blo, bhi) = line_range80(&lb, &b).unwrap();
        assert_eq!(
            sum_range80([(&la, &a[..]), (&lb, &b[..])]),
            Some((tk(2000), tk(2000)))
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
        let _ = (blo, bhi);
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
        let got = sum_range80([(&lb, &big[..]), (&ls, &small[..])]);
        let only = [row(2023, 1030, 1020), row(2024, 1010, 1020)];
        assert_eq!(got, range80(&only, tk(1020)));
        // Only the small line replayed at all: no year covers half of the sum, no range.
        assert_eq!(sum_range80([(&lb, &[][..]), (&ls, &small[..])]), None);
    }
}
