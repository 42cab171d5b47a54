//! Evaluation on real monthly series: every complete year with at least three complete
//! earlier years is projected from its first `m` months with every method and with the
//! recommendation (chosen on the earlier years only, as a round does), and compared with the
//! year's real total. `delar forecast utvardera` reads the files and prints the result.

use crate::backtest::{record, BacktestRow, MethodRecord};
use crate::methods::{estimate_all, seasonal_with, Estimate, Method, SharePolicy};
use crate::range::{parts_range80, range80};
use crate::recommend::recommend_from;
use crate::{kr, LineData, MONTHS};
use delar_core::Amount;
use serde::Serialize;
use std::collections::BTreeMap;

/// A monthly series: per calendar year, its twelve months (`None` where a month is missing).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Name (file or column).
    pub name: String,
    /// Months per year.
    pub years: BTreeMap<i32, [Option<Amount>; MONTHS]>,
}

/// The methods every case is projected with (the mix chooses among them).
pub const METHODS: [Method; 4] = [
    Method::RunRate,
    Method::Seasonal,
    Method::Smoothing,
    Method::Combination,
];

/// Seasonal-profile variants reported beside the methods, so the policy can be chosen by
/// evaluation: (key, policy).
pub const SEASONAL_VARIANTS: [(&str, SharePolicy); 4] = [
    ("sasong_median", SharePolicy::Median),
    ("sasong_medel", SharePolicy::Mean),
    ("sasong_viktad", SharePolicy::Recency),
    ("sasong_harmonisk", SharePolicy::Harmonic),
];

/// Key of the recent-level projection (a member of the combination) in the evaluation.
pub const RECENT_KEY: &str = "senaste_manader";

/// Earlier complete years a year needs to be measured.
pub const MIN_HISTORY: usize = 3;

/// One measured series-year at one cut-off.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Case {
    /// Series name.
    pub series: String,
    /// The year projected.
    pub year: i32,
    /// Cut-off month.
    pub cutoff: usize,
    /// The year's real total.
    pub actual: Amount,
    /// Each method's (and variant's) projection, by key (`Method::code` or variant key).
    pub forecasts: BTreeMap<String, Amount>,
    /// The recommendation's method and projection.
    pub mix: (Method, Amount),
    /// The mix's 80 % range, when its method has replayed years to take it from.
    pub range: Option<(Amount, Amount)>,
    /// The replayed years of the mix's method (what its range is drawn from).
    pub replay: Vec<BacktestRow>,
}

/// Accuracy of one method at one cut-off.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// Cases measured.
    pub n: usize,
    /// Mean absolute percentage error of the full-year total, in percent.
    pub mape: f64,
    /// Median absolute percentage error, in percent.
    pub median_ape: f64,
    /// Mean signed percentage error (positive = too high), in percent.
    pub bias: f64,
    /// Share of outcomes inside the 80 % range (the mix only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage80: Option<f64>,
}

/// The whole evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Series-years measured (each at every cut-off).
    pub cases: usize,
    /// Per cut-off month, per key (`mix`, method codes, seasonal variants).
    pub cutoffs: BTreeMap<usize, BTreeMap<String, Metrics>>,
}

/// The complete years of a series in runs of consecutive years (a gap breaks a run: the
/// methods need the months in order).
fn runs(s: &Series) -> Vec<Vec<(i32, [Amount; MONTHS])>> {
    let mut out: Vec<Vec<(i32, [Amount; MONTHS])>> = Vec::new();
    let mut last: Option<i32> = None;
    for (y, months) in &s.years {
        if months.iter().any(|m| m.is_none()) {
            last = None;
            continue;
        }
        let full: [Amount; MONTHS] = std::array::from_fn(|i| months[i].unwrap_or_default());
        if last != Some(y - 1) {
            out.push(Vec::new());
        }
        if let Some(run) = out.last_mut() {
            run.push((*y, full));
        }
        last = Some(*y);
    }
    out
}

/// Project every measurable year of every series at every cut-off and measure.
pub fn evaluate(series: &[Series], cutoffs: &[usize]) -> (Evaluation, Vec<Case>) {
    let mut cases = Vec::new();
    for &m in cutoffs {
        if m == 0 || m >= MONTHS {
            continue;
        }
        for s in series {
            for run in runs(s) {
                cases.extend(evaluate_run(&s.name, &run, m));
            }
        }
    }
    (summarise(&cases, cutoffs), cases)
}

/// One run of consecutive complete years at cut-off `m`. Every year is projected once with
/// the years before it as history; the backtest of a later year is made of these same
/// projections (exactly what [`crate::backtest`] replays), so each year's recommendation sees
/// only earlier years.
fn evaluate_run(name: &str, run: &[(i32, [Amount; MONTHS])], m: usize) -> Vec<Case> {
    let mut per_year: Vec<Vec<Estimate>> = Vec::with_capacity(run.len());
    let mut variants: Vec<Vec<Option<Amount>>> = Vec::with_capacity(run.len());
    for (j, (_, months)) in run.iter().enumerate() {
        let data = LineData {
            outcome: months[..m].to_vec(),
            history: run[..j].to_vec(),
            budget: Amount::ZERO,
            history_budgets: Vec::new(),
        };
        per_year.push(estimate_all(&METHODS, &data));
        variants.push(if j >= MIN_HISTORY {
            SEASONAL_VARIANTS
                .iter()
                .map(|(_, p)| seasonal_with(&data, *p).value())
                .chain([crate::methods::recent_level(&data).value()])
                .collect()
        } else {
            Vec::new()
        });
    }
    let mut out = Vec::new();
    for j in MIN_HISTORY..run.len() {
        let (year, months) = &run[j];
        let actual: Amount = months.iter().copied().sum();
        let records: Vec<MethodRecord> = METHODS
            .iter()
            .enumerate()
            .map(|(i, &method)| {
                let rows = (0..j)
                    .filter_map(|k| {
                        let f = per_year[k][i].value()?;
                        let a: Amount = run[k].1.iter().copied().sum();
                        Some(BacktestRow {
                            year: run[k].0,
                            forecast: f,
                            actual: a,
                            error: f - a,
                        })
                    })
                    .collect();
                record(method, rows)
            })
            .collect();
        let value = |m: Method| -> Option<Amount> {
            METHODS
                .iter()
                .position(|x| *x == m)
                .and_then(|i| per_year[j][i].value())
        };
        let recommended = recommend_from(&records, None, None);
        let Some((method, f)) = recommended
            .into_iter()
            .chain([Method::Seasonal, Method::RunRate])
            .find_map(|m| value(m).map(|v| (m, v)))
        else {
            continue;
        };
        let replay = records
            .iter()
            .find(|r| r.method == method)
            .map(|r| r.rows.clone())
            .unwrap_or_default();
        let range = range80(&replay, f);
        let mut forecasts = BTreeMap::new();
        for (i, m) in METHODS.iter().enumerate() {
            if let Some(v) = per_year[j][i].value() {
                forecasts.insert(m.code().to_string(), v);
            }
        }
        let keys = SEASONAL_VARIANTS
            .iter()
            .map(|(k, _)| *k)
            .chain([RECENT_KEY]);
        for (k, key) in keys.enumerate() {
            if let Some(v) = variants[j][k] {
                forecasts.insert(key.to_string(), v);
            }
        }
        out.push(Case {
            series: name.to_string(),
            year: *year,
            cutoff: m,
            actual,
            forecasts,
            mix: (method, f),
            range,
            replay,
        });
    }
    out
}

/// Metrics from percentage errors (and, for the mix, whether each outcome was in range).
fn metrics(errors: &[f64], inside: Option<&[bool]>) -> Metrics {
    let n = errors.len();
    let mut abs: Vec<f64> = errors.iter().map(|e| e.abs()).collect();
    abs.sort_by(|a, b| a.total_cmp(b));
    let median = if n == 0 {
        0.0
    } else if n % 2 == 1 {
        abs[n / 2]
    } else {
        (abs[n / 2 - 1] + abs[n / 2]) / 2.0
    };
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    Metrics {
        n,
        mape: mean(&abs),
        median_ape: median,
        bias: mean(errors),
        coverage80: inside
            .filter(|i| !i.is_empty())
            .map(|i| i.iter().filter(|x| **x).count() as f64 / i.len() as f64),
    }
}

fn summarise(cases: &[Case], cutoffs: &[usize]) -> Evaluation {
    let pct = |f: Amount, a: Amount| (kr(f) - kr(a)) / kr(a).abs() * 100.0;
    let mut out = BTreeMap::new();
    let mut years = std::collections::BTreeSet::new();
    for &m in cutoffs {
        let here: Vec<&Case> = cases
            .iter()
            .filter(|c| c.cutoff == m && !c.actual.is_zero())
            .collect();
        let mut per: BTreeMap<String, Metrics> = BTreeMap::new();
        let mix: Vec<f64> = here.iter().map(|c| pct(c.mix.1, c.actual)).collect();
        let inside: Vec<bool> = here
            .iter()
            .filter_map(|c| c.range.map(|(lo, hi)| lo <= c.actual && c.actual <= hi))
            .collect();
        per.insert("mix".into(), metrics(&mix, Some(&inside)));
        let keys: std::collections::BTreeSet<&String> =
            here.iter().flat_map(|c| c.forecasts.keys()).collect();
        for k in keys {
            let e: Vec<f64> = here
                .iter()
                .filter_map(|c| c.forecasts.get(k).map(|f| pct(*f, c.actual)))
                .collect();
            per.insert(k.clone(), metrics(&e, None));
        }
        for c in &here {
            years.insert((c.series.clone(), c.year));
        }
        out.insert(m, per);
    }
    Evaluation {
        cases: years.len(),
        cutoffs: out,
    }
}

/// One measured year of a sum of series (a committee whose lines are the series), each
/// series forecast by its own mix, at one cut-off.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SumCase {
    /// The sum's name (the file holding its series).
    pub name: String,
    /// The year projected.
    pub year: i32,
    /// Cut-off month.
    pub cutoff: usize,
    /// Series summed.
    pub members: usize,
    /// The year's real total of the sum.
    pub actual: Amount,
    /// The sum of the members' mixes.
    pub forecast: Amount,
    /// The sum's 80 % range ([`crate::parts_range80`], the rule of a committee in a round).
    pub range: Option<(Amount, Amount)>,
}

/// The sum of a group's series, year by year and cut-off by cut-off: each member's mix and
/// replayed years from `cases` (as [`evaluate`] gave them), summed where every one of the
/// group's `members` series was measured that year; the range is the one a committee of
/// these lines would get in a round.
pub fn sum_cases(name: &str, members: &[&str], cases: &[Case]) -> Vec<SumCase> {
    let mut by: BTreeMap<(usize, i32), Vec<&Case>> = BTreeMap::new();
    for c in cases
        .iter()
        .filter(|c| members.contains(&c.series.as_str()))
    {
        by.entry((c.cutoff, c.year)).or_default().push(c);
    }
    by.into_iter()
        .filter(|(_, cs)| cs.len() == members.len())
        .map(|((cutoff, year), cs)| SumCase {
            name: name.to_string(),
            year,
            cutoff,
            members: cs.len(),
            actual: cs.iter().map(|c| c.actual).sum(),
            forecast: cs.iter().map(|c| c.mix.1).sum(),
            range: parts_range80(cs.iter().map(|c| (c.mix.1, c.replay.as_slice()))),
        })
        .collect()
}

/// Accuracy and coverage of sums, per cut-off.
pub fn summarise_sums(sums: &[SumCase]) -> BTreeMap<usize, Metrics> {
    let mut by: BTreeMap<usize, (Vec<f64>, Vec<bool>)> = BTreeMap::new();
    for c in sums.iter().filter(|c| !c.actual.is_zero()) {
        let e = by.entry(c.cutoff).or_default();
        e.0.push((kr(c.forecast) - kr(c.actual)) / kr(c.actual).abs() * 100.0);
        if let Some((lo, hi)) = c.range {
            e.1.push(lo <= c.actual && c.actual <= hi);
        }
    }
    by.into_iter()
        .map(|(m, (errors, inside))| (m, metrics(&errors, Some(&inside))))
        .collect()
}

/// Coverage of the mix's 80 % ranges by the number of replayed years they were drawn from,
/// per cut-off: (years, cases with a range, outcomes inside).
pub fn coverage_by_years(cases: &[Case]) -> BTreeMap<usize, BTreeMap<usize, (usize, usize)>> {
    let mut out: BTreeMap<usize, BTreeMap<usize, (usize, usize)>> = BTreeMap::new();
    for c in cases {
        if let Some((lo, hi)) = c.range {
            let e = out
                .entry(c.cutoff)
                .or_default()
                .entry(c.replay.len())
                .or_default();
            e.0 += 1;
            if lo <= c.actual && c.actual <= hi {
                e.1 += 1;
            }
        }
    }
    out
}

/// How often the mix chose each method, per cut-off (for the report).
pub fn choices(cases: &[Case]) -> BTreeMap<usize, BTreeMap<Method, usize>> {
    let mut out: BTreeMap<usize, BTreeMap<Method, usize>> = BTreeMap::new();
    for c in cases {
        *out.entry(c.cutoff).or_default().entry(c.mix.0).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::backtest;

    fn series(name: &str, years: std::ops::Range<i32>, f: impl Fn(i32, usize) -> f64) -> Series {
        Series {
            name: name.into(),
            years: years
                .map(|y| (y, std::array::from_fn(|i| crate::amount(f(y, i)))))
                .collect(),
        }
    }

    /// A summer-heavy line growing 5 % a year with a little noise.
    fn seasonal_line(y: i32, i: usize) -> f64 {
        let base = 1000.0 * 1.05f64.powi(y - 2015);
        let peak = if (5..8).contains(&i) { 1.6 } else { 1.0 };
        let noise = 1.0 + 0.02 * (((y as usize * 7 + i * 13) % 5) as f64 - 2.0) / 2.0;
        base * peak * noise
    }

    #[test]
    fn measures_every_year_with_three_earlier_years() {
        let s = series("a", 2015..2023, seasonal_line);
        let (e, cases) = evaluate(&[s], &[4, 8]);
        // 2018–2022 at two cut-offs.
        assert_eq!(e.cases, 5);
        assert_eq!(cases.len(), 10);
        let p1 = &e.cutoffs[&4];
        assert_eq!(p1["mix"].n, 5);
        // The seasonal profile is close on a steady seasonal line; run-rate is far off
        // (the summer peak is after April).
        assert!(p1["sasong"].mape < 3.0, "{:?}", p1["sasong"]);
        assert!(p1["linjar"].mape > 10.0, "{:?}", p1["linjar"]);
        assert!(p1["linjar"].bias < -10.0, "{:?}", p1["linjar"]);
        assert!(p1["mix"].mape < 3.0, "{:?}", p1["mix"]);
        assert!(p1["mix"].coverage80.is_some());
    }

    #[test]
    fn the_replay_is_the_products_backtest() {
        let s = series("a", 2015..2021, seasonal_line);
        let run = runs(&s).remove(0);
        let cases = evaluate_run("a", &run, 4);
        let last = cases.last().unwrap();
        // The product's way: the line's data for 2020 and its backtest.
        let data = LineData {
            outcome: run[5].1[..4].to_vec(),
            history: run[..5].to_vec(),
            budget: Amount::ZERO,
            history_budgets: vec![],
        };
        let records = backtest(&data, &METHODS);
        let rec = recommend_from(&records, None, None).unwrap();
        assert_eq!(last.year, 2020);
        assert_eq!(last.mix.0, rec);
        assert_eq!(Some(last.mix.1), crate::estimate(rec, &data).value());
    }

    #[test]
    fn a_gap_breaks_the_history_and_missing_months_are_not_measured() {
        let mut s = series("a", 2010..2020, seasonal_line);
        // 2014 lacks a month: 2015–2017 have too few consecutive earlier years.
        s.years.get_mut(&2014).unwrap()[3] = None;
        let (e, cases) = evaluate(&[s], &[8]);
        let years: Vec<i32> = cases.iter().map(|c| c.year).collect();
        assert_eq!(years, vec![2013, 2018, 2019]);
        assert_eq!(e.cases, 3);
    }

    #[test]
    fn metrics_are_percentages_of_the_outcome() {
        let m = metrics(&[10.0, -20.0, 30.0, 0.0], Some(&[true, false, true, true]));
        assert_eq!(m.n, 4);
        assert!((m.mape - 15.0).abs() < 1e-12);
        assert!((m.median_ape - 15.0).abs() < 1e-12);
        assert!((m.bias - 5.0).abs() < 1e-12);
        assert_eq!(m.coverage80, Some(0.75));
    }

    #[test]
    fn a_sum_of_series_is_measured_like_a_committee() {
        let a = series("a", 2015..2022, seasonal_line);
        let b = series("b", 2016..2022, |y, i| 0.5 * seasonal_line(y, 11 - i));
        let (_, cases) = evaluate(&[a, b], &[4, 8]);
        let sums = sum_cases("ab", &["a", "b"], &cases);
        // "b" starts a year later: 2019–2021 have both, at two cut-offs.
        let years: Vec<(usize, i32)> = sums.iter().map(|s| (s.cutoff, s.year)).collect();
        assert_eq!(
            years,
            [
                (4, 2019),
                (4, 2020),
                (4, 2021),
                (8, 2019),
                (8, 2020),
                (8, 2021)
            ]
        );
        for s in &sums {
            let here: Vec<&Case> = cases
                .iter()
                .filter(|c| c.cutoff == s.cutoff && c.year == s.year)
                .collect();
            assert_eq!(s.members, 2);
            assert_eq!(s.actual, here[0].actual + here[1].actual);
            assert_eq!(s.forecast, here[0].mix.1 + here[1].mix.1);
            assert_eq!(
                s.range,
                parts_range80(here.iter().map(|c| (c.mix.1, c.replay.as_slice())))
            );
        }
        let m = summarise_sums(&sums);
        assert_eq!(m[&4].n, 3);
        assert!(m[&8].coverage80.is_some());
        // Coverage by replayed years counts every case with a range once.
        let by = coverage_by_years(&cases);
        let total: usize = by.values().flat_map(|b| b.values()).map(|(n, _)| n).sum();
        assert_eq!(total, cases.iter().filter(|c| c.range.is_some()).count());
    }
}
