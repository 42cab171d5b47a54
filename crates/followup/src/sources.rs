//! One measure, one source (rule R15): an indicator whose measure another register holds
//! declares that register as its source (`källa` `personal`, `koer`, `volymer`,
//! `jamforelser`, with what it measures in `källid`, or both in `källa` as
//! `personal:sjukfranvaro`) and takes its outcome and value to date from it, for every year
//! of its history. A value still typed in `indikatorvarden.csv` for a period the register
//! holds is compared with it: when they differ the report would say two things about one
//! measure, so [`derive`] names both places ([`Conflict`]). Forecasts and targets stay typed:
//! no register holds them.
//!
//! Sources and `källid` (docs/IMPORT.md, `indikatorer.csv`):
//! - `personal`: `sjukfranvaro`, `korttidssjukfranvaro`, `heltid`, `timavlonade`,
//!   `personalomsattning`, `arsarbetare`, `anstallda`, `medarbetare_per_chef` of the
//!   indicator's committee; a period ending in December is the year's outcome, another the
//!   value to date.
//! - `koer`: `ej_verkstallda` (every decision not carried out at the end of the month, all
//!   laws), `ej_verkstallda_sol`, `ej_verkstallda_lss`, `over_tre_manader`, of the committee
//!   (or `:NÄMND`, and `:INSATS` for one kind of decision); a year's value is its last count,
//!   the latest year's is to date unless it is December's.
//! - `volymer`: a series code (the year's average for a stock, sum for a flow), or `A/B` for
//!   a share in percent of two series (occupied days / available place-days × 100). A term
//!   ending in `*` sums every series with that prefix (`vob_belagda_dygn_*`: all the homes);
//!   `A+B` sums terms of one kind; `platsdygn:TERM` turns a stock of places (or persons per
//!   day) into place-days or care days (× the days of each month); `A/befolkning:80-` is A per 1 000 inhabitants of the age band (the
//!   population register's outcome for the year, else its forecast).
//! - `jamforelser`: `kostnad:OMRÅDE` (net cost, kr per inhabitant) or `nka:OMRÅDE` (net cost
//!   deviation, %) of the municipality itself.

use crate::model::*;
use delar_core::{VolumeKind, VolumeSeries, VolumeValue, YearMonth};
use std::collections::BTreeMap;

/// What a register-sourced indicator measures.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A staff figure of the indicator's committee.
    Staff(StaffMeasure),
    /// Decisions not carried out of a committee (the indicator's unless named), of one kind
    /// of decision or all.
    Queues {
        /// What is counted.
        measure: QueueMeasure,
        /// The committee whose queue it is, when not the indicator's.
        committee: Option<String>,
        /// The kind of decision (`Särskilt boende`), when not every kind.
        decision: Option<String>,
    },
    /// A volume series (or `A/B`: a share of two series in percent).
    Volume {
        /// The series (numerator).
        series: String,
        /// The denominator series of a share.
        per: Option<String>,
    },
    /// The municipality's own cost comparison for an area.
    Comparison {
        /// Net cost deviation (`nka`) rather than cost per inhabitant (`kostnad`).
        deviation: bool,
        /// The area as written in `jamforelser.csv`.
        area: String,
    },
}

/// A figure of the staff register (`personal.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffMeasure {
    /// Sick leave, % (K/M/T).
    SickLeave,
    /// Short-term sick leave, % (K/M/T).
    ShortSickLeave,
    /// Share of full-time employees, %.
    FullTime,
    /// Share of hours worked by hourly-paid staff, %.
    HourlyPaid,
    /// Staff turnover, %.
    Turnover,
    /// Full-time equivalents.
    Fte,
    /// Employees (K/M/T).
    Headcount,
    /// Employees per manager.
    PerManager,
}

/// A figure of the queue register (`koer.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueMeasure {
    /// Decisions not carried out, of one law or all.
    NotCarriedOut(Option<Law>),
    /// Of which waited more than three months.
    OverThreeMonths,
}

const STAFF: [(&str, StaffMeasure); 8] = [
    ("sjukfranvaro", StaffMeasure::SickLeave),
    ("korttidssjukfranvaro", StaffMeasure::ShortSickLeave),
    ("heltid", StaffMeasure::FullTime),
    ("timavlonade", StaffMeasure::HourlyPaid),
    ("personalomsattning", StaffMeasure::Turnover),
    ("arsarbetare", StaffMeasure::Fte),
    ("anstallda", StaffMeasure::Headcount),
    ("medarbetare_per_chef", StaffMeasure::PerManager),
];

const QUEUES: [(&str, QueueMeasure); 4] = [
    ("ej_verkstallda", QueueMeasure::NotCarriedOut(None)),
    (
        "ej_verkstallda_sol",
        QueueMeasure::NotCarriedOut(Some(Law::SoL)),
    ),
    (
        "ej_verkstallda_lss",
        QueueMeasure::NotCarriedOut(Some(Law::Lss)),
    ),
    ("over_tre_manader", QueueMeasure::OverThreeMonths),
];

/// The register an indicator takes its values from, if its `källa` names one; `Err` with a
/// Swedish message when `källid` does not say what it measures.
pub fn source_of(ind: &Indicator) -> Option<Result<Source, String>> {
    let id = ind.source_id.as_deref().map(str::trim).unwrap_or("");
    let known = |list: &[&str]| list.join(", ");
    let r = match ind.source {
        SourceKind::Staff => STAFF
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, m)| Source::Staff(*m))
            .ok_or_else(|| {
                format!(
                    "källid \"{id}\" är inget mått i personalregistret. Välj ett av: {}.",
                    known(&STAFF.map(|x| x.0))
                )
            }),
        SourceKind::Queues => {
            // `ej_verkstallda_sol:VON:Särskilt boende`: measure, committee, decision.
            let mut parts = id.splitn(3, ':').map(str::trim);
            let measure = parts.next().unwrap_or("");
            let committee = parts.next().filter(|c| !c.is_empty()).map(String::from);
            let decision = parts.next().filter(|c| !c.is_empty()).map(String::from);
            QUEUES
                .iter()
                .find(|(k, _)| *k == measure)
                .map(|(_, m)| Source::Queues {
                    measure: *m,
                    committee,
                    decision,
                })
                .ok_or_else(|| {
                    format!(
                        "källid \"{id}\" är inget mått i köregistret. Välj ett av: {} (följt av \
                     :NÄMND och :INSATS när det gäller en annan nämnds kö eller en sorts beslut, \
                     t.ex. ej_verkstallda_sol:VON:Särskilt boende).",
                        known(&QUEUES.map(|x| x.0))
                    )
                })
        }
        SourceKind::Volumes if !id.is_empty() => Ok(match id.split_once('/') {
            Some((a, b)) => Source::Volume {
                series: a.trim().into(),
                per: Some(b.trim().into()),
            },
            None => Source::Volume {
                series: id.into(),
                per: None,
            },
        }),
        SourceKind::Volumes => {
            Err("källid saknas: ange volymseriens kod (eller A/B för en andel).".into())
        }
        SourceKind::Comparisons => match id.split_once(':') {
            Some((m @ ("kostnad" | "nka"), area)) if !area.trim().is_empty() => {
                Ok(Source::Comparison {
                    deviation: m == "nka",
                    area: area.trim().into(),
                })
            }
            _ => Err(format!(
                "källid \"{id}\" ska vara kostnad:OMRÅDE eller nka:OMRÅDE, t.ex. \
                 nka:Äldreomsorg."
            )),
        },
        _ => return None,
    };
    Some(r)
}

/// The values that registers give, and where typed values disagree with them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    /// Outcome and to-date values of the register-sourced indicators.
    pub values: Vec<IndicatorValue>,
    /// Typed values that differ from the register's.
    pub conflicts: Vec<Conflict>,
    /// Indicators whose source cannot be read (unknown `källid`, no committee).
    pub errors: Vec<(String, String)>,
}

/// A typed indicator value that differs from the register that holds the measure (R15).
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// Indicator code.
    pub indicator: String,
    /// Indicator name.
    pub name: String,
    /// Year.
    pub year: i32,
    /// Outcome or value to date.
    pub kind: ValueKind,
    /// The typed total.
    pub typed: f64,
    /// The register's total.
    pub register: f64,
    /// Where the register's value is (`personal.csv, SN 2024-12`).
    pub place: String,
    /// Decimals shown.
    pub decimals: u8,
}

impl Conflict {
    /// Where: `indikatorvarden.csv: SN07 2024 utfall`.
    pub fn location(&self) -> String {
        let kind = match self.kind {
            ValueKind::Outcome => "utfall".to_string(),
            ValueKind::ToDate(m) => format!("hittills {m}"),
            ValueKind::Forecast => "prognos".into(),
            ValueKind::Target => "mål".into(),
        };
        format!(
            "indikatorvarden.csv: {} {} {kind}",
            self.indicator, self.year
        )
    }

    /// The Swedish message: both values, both places, what to do.
    pub fn message(&self) -> String {
        let f = |v: f64| delar_core::money::format_decimal(v, self.decimals);
        format!(
            "indikatorn «{}» har värdet {} i indikatorvarden.csv men {} ger {}. Samma mått ska \
             ha ett värde i hela rapporten: ta bort det inskrivna värdet (indikatorn hämtar det \
             ur registret) eller rätta registret.",
            self.name,
            f(self.typed),
            self.place,
            f(self.register)
        )
    }
}

fn kmt_total(f: &Figure) -> Option<f64> {
    match f {
        Figure::Number(k) => k.total,
        _ => None,
    }
}

fn round_to(v: f64, decimals: u8) -> f64 {
    let p = 10f64.powi(decimals.min(6) as i32);
    (v * p).round() / p
}

fn kind_of(month: YearMonth) -> ValueKind {
    if month.month() == 12 {
        ValueKind::Outcome
    } else {
        ValueKind::ToDate(month)
    }
}

/// Every register-sourced indicator's values from its register, with `volumes` for the
/// `volymer` source, and the typed values that disagree.
pub fn derive(data: &FollowupData, series: &[VolumeSeries], volumes: &[VolumeValue]) -> Derived {
    let mut out = Derived::default();
    for ind in &data.indicators {
        let source = match source_of(ind) {
            None => continue,
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                out.errors.push((ind.code.clone(), e));
                continue;
            }
        };
        let committee = match &source {
            Source::Queues {
                committee: Some(c), ..
            } => c.clone(),
            _ => ind.committee.clone().unwrap_or_default(),
        };
        if committee.is_empty() && matches!(source, Source::Staff(_) | Source::Queues { .. }) {
            out.errors.push((
                ind.code.clone(),
                "indikatorn hämtar sina värden ur ett register per nämnd men har ingen nämnd. \
                 Fyll i kolumnen nämnd."
                    .into(),
            ));
            continue;
        }
        // (year, kind) → (figure, place)
        let mut got: BTreeMap<(i32, ValueKind), (Figure, String)> = BTreeMap::new();
        match &source {
            Source::Staff(m) => {
                for s in data.staff.iter().filter(|s| s.committee == committee) {
                    let fig = staff_figure(s, *m, ind.by_sex);
                    if let Some(fig) = fig {
                        got.insert(
                            (s.month.year(), kind_of(s.month)),
                            (
                                fig,
                                format!(
                                    "personalregistret (personal.csv, {committee} {})",
                                    s.month
                                ),
                            ),
                        );
                    }
                }
            }
            Source::Queues {
                measure: m,
                decision,
                ..
            } => {
                let mut months: BTreeMap<YearMonth, (i64, Option<i64>, Option<i64>)> =
                    BTreeMap::new();
                for q in data.queues.iter().filter(|q| {
                    q.committee == committee
                        && decision
                            .as_deref()
                            .is_none_or(|d| q.decision.to_lowercase() == d.to_lowercase())
                }) {
                    let (n, w, mm) = match m {
                        QueueMeasure::NotCarriedOut(law) if law.is_none_or(|l| l == q.law) => {
                            (q.total, q.women, q.men)
                        }
                        QueueMeasure::NotCarriedOut(_) => continue,
                        QueueMeasure::OverThreeMonths => match q.over_three_months {
                            Some(n) => (n, None, None),
                            None => continue,
                        },
                    };
                    let e = months.entry(q.month).or_insert((0, Some(0), Some(0)));
                    e.0 += n;
                    e.1 = e.1.zip(w).map(|(a, b)| a + b);
                    e.2 = e.2.zip(mm).map(|(a, b)| a + b);
                }
                // A queue is counted at the end of a month: a year's value is its last count
                // (December, or the last month reported), the latest year's is to date when
                // that year is not complete.
                let latest_year = months.keys().map(|m| m.year()).max();
                let mut last_per_year: BTreeMap<i32, YearMonth> = BTreeMap::new();
                for m in months.keys() {
                    let e = last_per_year.entry(m.year()).or_insert(*m);
                    *e = (*e).max(*m);
                }
                months.retain(|m, _| last_per_year.get(&m.year()) == Some(m));
                for (month, (t, w, mm)) in months {
                    let kind = if Some(month.year()) == latest_year && month.month() != 12 {
                        ValueKind::ToDate(month)
                    } else {
                        ValueKind::Outcome
                    };
                    let k = if ind.by_sex {
                        Kmt {
                            women: w.map(|x| x as f64),
                            men: mm.map(|x| x as f64),
                            total: Some(t as f64),
                        }
                    } else {
                        Kmt::total(t as f64)
                    };
                    got.insert(
                        (month.year(), kind),
                        (
                            Figure::Number(k),
                            match decision {
                                Some(d) => {
                                    format!("köregistret (koer.csv, {committee} {d} {month})")
                                }
                                None => format!("köregistret (koer.csv, {committee} {month})"),
                            },
                        ),
                    );
                }
            }
            Source::Volume { series: a, per } => {
                for (year, kind, v) in
                    volume_values(series, volumes, &data.population, a, per.as_deref())
                {
                    let place = match per {
                        Some(b) => format!("volymerna (volymer.csv, {a}/{b} {year})"),
                        None => format!("volymerna (volymer.csv, {a} {year})"),
                    };
                    got.insert(
                        (year, kind),
                        (Figure::Number(Kmt::total(round_to(v, ind.decimals))), place),
                    );
                }
            }
            Source::Comparison { deviation, area } => {
                for c in data
                    .comparisons
                    .iter()
                    .filter(|c| c.own && c.area.to_lowercase() == area.to_lowercase())
                {
                    let v = if *deviation {
                        c.net_cost_deviation
                    } else {
                        c.cost_per_inhabitant.map(|a| a.ore() as f64 / 100.0)
                    };
                    if let Some(v) = v {
                        got.insert(
                            (c.year, ValueKind::Outcome),
                            (
                                Figure::Number(Kmt::total(round_to(v, ind.decimals))),
                                format!("jämförelserna (jamforelser.csv, {area} {})", c.year),
                            ),
                        );
                    }
                }
            }
        }
        // A typed forecast is a person's judgement, not a second measurement: never a
        // conflict (a forecast the register derives is used only where none is typed).
        for v in data
            .values
            .iter()
            .filter(|v| v.indicator == ind.code && v.kind != ValueKind::Forecast)
        {
            let Some((fig, place)) = got.get(&(v.year, v.kind)) else {
                continue;
            };
            let (Some(t), Some(r)) = (kmt_total(&v.figure), kmt_total(fig)) else {
                continue;
            };
            if round_to(t, ind.decimals) != round_to(r, ind.decimals) {
                out.conflicts.push(Conflict {
                    indicator: ind.code.clone(),
                    name: ind.name.clone(),
                    year: v.year,
                    kind: v.kind,
                    typed: t,
                    register: r,
                    place: place.clone(),
                    decimals: ind.decimals,
                });
            }
        }
        for ((year, kind), (figure, _place)) in got {
            out.values.push(IndicatorValue {
                indicator: ind.code.clone(),
                year,
                kind,
                figure,
                // The cell's source names the register; no note per value.
                comment: None,
            });
        }
    }
    out
}

fn staff_figure(s: &StaffFigures, m: StaffMeasure, by_sex: bool) -> Option<Figure> {
    let one = |v: Option<f64>| v.map(|v| Figure::Number(Kmt::total(v)));
    let kmt = |k: Kmt| {
        if k.total.is_none() {
            None
        } else if by_sex {
            Some(Figure::Number(k))
        } else {
            Some(Figure::Number(Kmt {
                women: None,
                men: None,
                total: k.total,
            }))
        }
    };
    match m {
        StaffMeasure::SickLeave => kmt(s.sick_leave),
        StaffMeasure::ShortSickLeave => kmt(s.short_sick_leave),
        StaffMeasure::FullTime => one(s.full_time_share),
        StaffMeasure::HourlyPaid => one(s.hourly_paid_share),
        StaffMeasure::Turnover => one(s.turnover),
        StaffMeasure::Fte => one(Some(s.fte)),
        StaffMeasure::Headcount => kmt(s.headcount),
        StaffMeasure::PerManager => one(s.employees_per_manager),
    }
}

/// A volume term's monthly values: one series (`vob_platser_VON31`), the sum of every series
/// whose code starts with a prefix (`vob_platser_*`, all of one kind), the sum of terms
/// (`A+B`), or `platsdygn:TERM`: a stock of places (or persons per day) times the days of
/// each month (available place-days or care days, a flow). `None` when
/// no series matches or the kinds differ.
fn volume_term(
    series: &[VolumeSeries],
    values: &[VolumeValue],
    term: &str,
) -> Option<(VolumeKind, BTreeMap<YearMonth, f64>)> {
    let term = term.trim();
    if let Some(inner) = term.strip_prefix("platsdygn:") {
        let (kind, m) = volume_term(series, values, inner)?;
        if kind != VolumeKind::Stock {
            return None;
        }
        let days = |ym: &YearMonth| f64::from(ym.days());
        return Some((
            VolumeKind::Flow,
            m.into_iter().map(|(ym, v)| (ym, v * days(&ym))).collect(),
        ));
    }
    // `A+B`: the sum of the terms (all of one kind), for the months every term has.
    if term.contains('+') {
        let mut kind = None;
        let mut sum: Option<BTreeMap<YearMonth, f64>> = None;
        for part in term.split('+') {
            let (k, m) = volume_term(series, values, part)?;
            if kind.is_some_and(|x| x != k) {
                return None;
            }
            kind = Some(k);
            sum = Some(match sum {
                None => m,
                Some(mut acc) => {
                    acc.retain(|ym, _| m.contains_key(ym));
                    for (ym, v) in acc.iter_mut() {
                        *v += m[ym];
                    }
                    acc
                }
            });
        }
        return Some((kind?, sum?));
    }
    let matched: Vec<&VolumeSeries> = match term.strip_suffix('*') {
        Some(prefix) => series
            .iter()
            .filter(|s| s.code.starts_with(prefix))
            .collect(),
        None => series.iter().filter(|s| s.code == term).collect(),
    };
    let kind = matched.first()?.kind;
    if matched.iter().any(|s| s.kind != kind) {
        return None;
    }
    let mut m: BTreeMap<YearMonth, f64> = BTreeMap::new();
    let mut months: BTreeMap<YearMonth, usize> = BTreeMap::new();
    for v in values
        .iter()
        .filter(|v| matched.iter().any(|s| s.code == v.series))
    {
        *m.entry(v.month).or_default() += v.value;
        *months.entry(v.month).or_default() += 1;
    }
    // A month counts only when every matched series has it: a sum of some of the units
    // would understate the whole.
    m.retain(|ym, _| months.get(ym) == Some(&matched.len()));
    Some((kind, m))
}

/// The population of an age band (`befolkning:80-`, `befolkning:65-79`) per year: the bands
/// of the register that lie inside it, the year's outcome, else its forecast.
fn population_of(population: &[Population], band: &str) -> Option<BTreeMap<i32, f64>> {
    let want = AgeBand::parse(band)?;
    let inside = |b: &AgeBand| {
        b.from >= want.from
            && match (want.to, b.to) {
                (None, _) => true,
                (Some(w), Some(t)) => t <= w,
                (Some(_), None) => false,
            }
    };
    let mut out: BTreeMap<i32, (Basis, f64)> = BTreeMap::new();
    let years: std::collections::BTreeSet<i32> = population.iter().map(|p| p.year).collect();
    for y in years {
        for basis in [Basis::Outcome, Basis::Forecast] {
            let rows: Vec<&Population> = population
                .iter()
                .filter(|p| p.year == y && p.basis == basis && inside(&p.band))
                .collect();
            if !rows.is_empty() {
                out.insert(y, (basis, rows.iter().map(|p| p.total as f64).sum()));
                break;
            }
        }
    }
    Some(out.into_iter().map(|(y, (_, v))| (y, v)).collect())
}

/// A series' value per complete year (outcome) and for the latest incomplete year to its
/// last month (to date): average for a stock, sum for a flow ([`volume_term`] for the
/// terms). With `per`, 100 × a / b (a share in percent), or with `per` =
/// `befolkning:BAND` 1 000 × a / the band's population (per 1 000 inhabitants).
fn volume_values(
    series: &[VolumeSeries],
    values: &[VolumeValue],
    population: &[Population],
    a: &str,
    per: Option<&str>,
) -> Vec<(i32, ValueKind, f64)> {
    let agg = |kind: VolumeKind, m: &BTreeMap<YearMonth, f64>, year: i32, to: u8| {
        let xs: Vec<f64> = (1..=to)
            .filter_map(|mo| YearMonth::new(year, mo).ok())
            .filter_map(|ym| m.get(&ym).copied())
            .collect();
        if xs.len() != to as usize {
            return None;
        }
        let sum: f64 = xs.iter().sum();
        Some(match kind {
            VolumeKind::Stock => sum / f64::from(to),
            _ => sum,
        })
    };
    let Some((ka, ma)) = volume_term(series, values, a) else {
        return Vec::new();
    };
    enum Per {
        None,
        Series(VolumeKind, BTreeMap<YearMonth, f64>),
        Inhabitants(BTreeMap<i32, f64>),
    }
    let per = match per.map(str::trim) {
        None => Per::None,
        Some(p) => match p.strip_prefix("befolkning:") {
            Some(band) => match population_of(population, band) {
                Some(m) => Per::Inhabitants(m),
                None => return Vec::new(),
            },
            None => match volume_term(series, values, p) {
                Some((k, m)) => Per::Series(k, m),
                None => return Vec::new(),
            },
        },
    };
    let mut years: BTreeMap<i32, u8> = BTreeMap::new();
    for ym in ma.keys() {
        let e = years.entry(ym.year()).or_default();
        *e = (*e).max(ym.month());
    }
    let mut out = Vec::new();
    for (year, last) in years {
        let Some(x) = agg(ka, &ma, year, last) else {
            continue;
        };
        let v = match &per {
            Per::None => x,
            Per::Series(kb, mb) => match agg(*kb, mb, year, last) {
                Some(y) if y != 0.0 => 100.0 * x / y,
                _ => continue,
            },
            Per::Inhabitants(p) => match p.get(&year) {
                Some(y) if *y != 0.0 => 1000.0 * x / y,
                _ => continue,
            },
        };
        let kind = if last == 12 {
            ValueKind::Outcome
        } else {
            ValueKind::ToDate(YearMonth::new(year, last).expect("valid month"))
        };
        out.push((year, kind, v));
        // A year not yet complete also gets a forecast, the way the volume tables make it:
        // the months to date and the average of the last three for the rest of the year.
        if last < 12 {
            let full = |k: VolumeKind, m: &BTreeMap<YearMonth, f64>| {
                agg(k, &extend(k, m, year, last), year, 12)
            };
            let Some(x) = full(ka, &ma) else {
                continue;
            };
            let f = match &per {
                Per::None => Some(x),
                Per::Series(kb, mb) => full(*kb, mb).filter(|y| *y != 0.0).map(|y| 100.0 * x / y),
                Per::Inhabitants(p) => p.get(&year).filter(|y| **y != 0.0).map(|y| 1000.0 * x / y),
            };
            if let Some(f) = f {
                out.push((year, ValueKind::Forecast, f));
            }
        }
    }
    out
}

/// A monthly series with the months after `last` of `year` filled in from the last three
/// months to date (fewer when the year has fewer): a stock at their average, a flow at their
/// average per day times the month's days (care days from persons per day, as the volume
/// tables forecast them).
fn extend(
    kind: VolumeKind,
    m: &BTreeMap<YearMonth, f64>,
    year: i32,
    last: u8,
) -> BTreeMap<YearMonth, f64> {
    let recent: Vec<(YearMonth, f64)> = (last.saturating_sub(2).max(1)..=last)
        .filter_map(|mo| YearMonth::new(year, mo).ok())
        .filter_map(|ym| m.get(&ym).map(|v| (ym, *v)))
        .collect();
    let mut out = m.clone();
    if recent.is_empty() {
        return out;
    }
    let total: f64 = recent.iter().map(|(_, v)| v).sum();
    let days: f64 = recent.iter().map(|(ym, _)| f64::from(ym.days())).sum();
    for mo in last + 1..=12 {
        if let Ok(ym) = YearMonth::new(year, mo) {
            let v = match kind {
                VolumeKind::Stock => total / recent.len() as f64,
                _ => total / days * f64::from(ym.days()),
            };
            out.insert(ym, v);
        }
    }
    out
}

/// The values to use: the typed ones, with every period the register holds replaced by the
/// register's value (forecasts and targets stay typed; a typed year the register lacks stays;
/// a forecast the register derives, for volumes, is used where none is typed).
pub fn with_registers(data: &FollowupData, derived: &Derived) -> Vec<IndicatorValue> {
    let from_register: std::collections::HashSet<(&str, i32, ValueKind)> = derived
        .values
        .iter()
        .map(|v| (v.indicator.as_str(), v.year, v.kind))
        .collect();
    let mut out: Vec<IndicatorValue> = data
        .values
        .iter()
        .filter(|v| {
            v.kind == ValueKind::Forecast
                || !from_register.contains(&(v.indicator.as_str(), v.year, v.kind))
        })
        .cloned()
        .collect();
    out.extend(
        derived
            .values
            .iter()
            .filter(|d| {
                d.kind != ValueKind::Forecast
                    || !data.values.iter().any(|v| {
                        v.indicator == d.indicator
                            && v.year == d.year
                            && v.kind == ValueKind::Forecast
                    })
            })
            .cloned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::Amount;

    fn ym(y: i32, m: u8) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    fn indicator(code: &str, source: SourceKind, id: &str, measure: MeasureKind) -> Indicator {
        Indicator {
            code: code.into(),
            name: format!("Indikator {code}"),
            goal: "G".into(),
            committee: Some("VON".into()),
            unit: "%".into(),
            decimals: 1,
            measure,
            definition: None,
            source,
            source_id: Some(id.into()),
            publication_month: None,
            polarity: Polarity::Lower,
            by_sex: false,
        }
    }

    fn staff(month: YearMonth, committee: &str, sick: f64) -> StaffFigures {
        StaffFigures {
            month,
            committee: committee.into(),
            fte: 1_200.0,
            headcount: Kmt::new(1_000.0, 300.0, 1_300.0),
            sick_leave: Kmt::new(sick + 1.0, sick - 3.0, sick),
            short_sick_leave: Kmt::default(),
            full_time_share: Some(64.0),
            hourly_paid_share: Some(13.1),
            turnover: None,
            employees_per_manager: None,
        }
    }

    fn value(ind: &str, year: i32, kind: ValueKind, v: f64) -> IndicatorValue {
        IndicatorValue {
            indicator: ind.into(),
            year,
            kind,
            figure: Figure::Number(Kmt::total(v)),
            comment: None,
        }
    }

    #[test]
    fn staff_figures_give_every_year_and_a_differing_typed_value_is_a_conflict() {
        let mut d = FollowupData {
            indicators: vec![indicator(
                "VON07",
                SourceKind::Staff,
                "sjukfranvaro",
                MeasureKind::Share,
            )],
            staff: vec![
                staff(ym(2023, 12), "VON", 10.2),
                staff(ym(2024, 12), "VON", 9.8),
                staff(ym(2025, 8), "VON", 9.6),
                staff(ym(2024, 12), "SN", 7.0),
            ],
            ..Default::default()
        };
        // Typed: 2023 agrees, 2024 differs (the goal table said 10,4 where the staff
        // table says 9,8), and a forecast that stays typed.
        d.values = vec![
            value("VON07", 2023, ValueKind::Outcome, 10.2),
            value("VON07", 2024, ValueKind::Outcome, 10.4),
            value("VON07", 2025, ValueKind::Forecast, 9.5),
        ];
        let got = derive(&d, &[], &[]);
        assert!(got.errors.is_empty());
        let years: Vec<(i32, ValueKind)> = got.values.iter().map(|v| (v.year, v.kind)).collect();
        assert_eq!(
            years,
            vec![
                (2023, ValueKind::Outcome),
                (2024, ValueKind::Outcome),
                (2025, ValueKind::ToDate(ym(2025, 8)))
            ]
        );
        assert_eq!(got.conflicts.len(), 1, "{:?}", got.conflicts);
        let c = &got.conflicts[0];
        assert_eq!((c.year, c.typed, c.register), (2024, 10.4, 9.8));
        assert_eq!(c.location(), "indikatorvarden.csv: VON07 2024 utfall");
        assert!(c.message().contains("10,4"), "{}", c.message());
        assert!(c.message().contains("9,8"), "{}", c.message());
        assert!(
            c.message()
                .contains("personalregistret (personal.csv, VON 2024-12)"),
            "{}",
            c.message()
        );
        // The values used: the register's for every period it holds, the typed forecast.
        let used = with_registers(&d, &got);
        let total = |y: i32, k: ValueKind| {
            used.iter()
                .find(|v| v.year == y && v.kind == k)
                .and_then(|v| kmt_total(&v.figure))
        };
        assert_eq!(total(2024, ValueKind::Outcome), Some(9.8));
        assert_eq!(total(2025, ValueKind::ToDate(ym(2025, 8))), Some(9.6));
        assert_eq!(total(2025, ValueKind::Forecast), Some(9.5));
        assert_eq!(used.len(), 4);
    }

    #[test]
    fn queues_sum_the_committees_decisions_per_month_and_law() {
        let q = |month, law, decision: &str, total, w: Option<i64>| Queue {
            month,
            committee: "VON".into(),
            law,
            decision: decision.into(),
            women: w,
            men: w.map(|w| total - w),
            total,
            over_three_months: Some(total / 2),
            mean_wait_days: None,
            median_wait_days: None,
            comment: None,
        };
        let mut ind = indicator(
            "PN07",
            SourceKind::Queues,
            "ej_verkstallda_sol",
            MeasureKind::Count,
        );
        ind.by_sex = true;
        let d = FollowupData {
            indicators: vec![ind],
            queues: vec![
                q(ym(2024, 12), Law::SoL, "Särskilt boende", 30, Some(20)),
                q(ym(2024, 12), Law::SoL, "Korttidsvistelse", 6, Some(4)),
                q(ym(2024, 12), Law::Lss, "Bostad", 9, None),
                q(ym(2025, 8), Law::SoL, "Särskilt boende", 33, None),
            ],
            ..Default::default()
        };
        let mut d = d;
        let mut sabo = indicator(
            "PN08",
            SourceKind::Queues,
            "ej_verkstallda:VON:särskilt boende",
            MeasureKind::Count,
        );
        sabo.committee = Some("PN".into());
        d.indicators.push(sabo);
        let got = derive(&d, &[], &[]);
        let fig = |y: i32| {
            got.values
                .iter()
                .find(|v| v.year == y && v.indicator == "PN07")
                .unwrap()
                .figure
        };
        let sabo: Vec<Option<f64>> = got
            .values
            .iter()
            .filter(|v| v.indicator == "PN08")
            .map(|v| kmt_total(&v.figure))
            .collect();
        assert_eq!(sabo, vec![Some(30.0), Some(33.0)]);
        assert_eq!(fig(2024), Figure::Number(Kmt::new(24.0, 12.0, 36.0)));
        // Women and men only when every row has them.
        assert_eq!(
            fig(2025),
            Figure::Number(Kmt {
                women: None,
                men: None,
                total: Some(33.0)
            })
        );
    }

    #[test]
    fn volumes_give_yearly_averages_and_shares_of_two_series() {
        let series = |code: &str, kind| VolumeSeries {
            code: code.into(),
            name: code.into(),
            unit: "dygn".into(),
            kind,
            responsible: "VON".into(),
            category: None,
            price_series: None,
        };
        let mut values = Vec::new();
        for y in [2024, 2025] {
            let last = if y == 2025 { 8 } else { 12 };
            for m in 1..=last {
                values.push(VolumeValue {
                    series: "belagda".into(),
                    month: ym(y, m),
                    value: 2_790.0,
                    comment: None,
                });
                values.push(VolumeValue {
                    series: "platser".into(),
                    month: ym(y, m),
                    value: 3_000.0,
                    comment: None,
                });
            }
        }
        let all = [
            series("belagda", VolumeKind::Flow),
            series("platser", VolumeKind::Flow),
        ];
        let d = FollowupData {
            indicators: vec![indicator(
                "PN05",
                SourceKind::Volumes,
                "belagda/platser",
                MeasureKind::Share,
            )],
            values: vec![value("PN05", 2024, ValueKind::Outcome, 97.6)],
            ..Default::default()
        };
        let got = derive(&d, &all, &values);
        let kinds: Vec<(i32, ValueKind)> = got.values.iter().map(|v| (v.year, v.kind)).collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert_eq!(kmt_total(&got.values[0].figure), Some(93.0));
        assert!(kinds.contains(&(2025, ValueKind::ToDate(ym(2025, 8)))));
        // The year not yet complete gets a forecast: the months to date and the last three
        // months' average for the rest (here the same 93,0 %).
        let f = got
            .values
            .iter()
            .find(|v| v.kind == ValueKind::Forecast)
            .expect("a forecast for 2025");
        assert_eq!((f.year, kmt_total(&f.figure)), (2025, Some(93.0)));
        // The typed 97,6 % against 93,0 % from occupied days and places.
        assert_eq!(got.conflicts.len(), 1);
        assert_eq!(got.conflicts[0].register, 93.0);
    }

    #[test]
    fn occupancy_of_several_homes_and_places_per_thousand_inhabitants() {
        let series = |code: &str, kind| VolumeSeries {
            code: code.into(),
            name: code.into(),
            unit: "st".into(),
            kind,
            responsible: "VON".into(),
            category: None,
            price_series: None,
        };
        let all = [
            series("vob_platser_A", VolumeKind::Stock),
            series("vob_platser_B", VolumeKind::Stock),
            series("vob_belagda_dygn_A", VolumeKind::Flow),
            series("vob_belagda_dygn_B", VolumeKind::Flow),
        ];
        // 2024: home A 40 places, B 60; A occupied 38 and B 54 of its places every day.
        let mut values = Vec::new();
        for m in 1..=12u8 {
            let month = ym(2024, m);
            let days = f64::from(month.days());
            for (code, v) in [
                ("vob_platser_A", 40.0),
                ("vob_platser_B", 60.0),
                ("vob_belagda_dygn_A", 38.0 * days),
                ("vob_belagda_dygn_B", 54.0 * days),
            ] {
                values.push(VolumeValue {
                    series: code.into(),
                    month,
                    value: v,
                    comment: None,
                });
            }
        }
        // 2025 to August: home B reports only to July, so August is not a month of the whole.
        for m in 1..=8u8 {
            for (code, v) in [
                ("vob_platser_A", 40.0),
                ("vob_belagda_dygn_A", 400.0),
                ("vob_platser_B", 60.0),
                ("vob_belagda_dygn_B", 600.0),
            ] {
                if m == 8 && code.ends_with('B') {
                    continue;
                }
                values.push(VolumeValue {
                    series: code.into(),
                    month: ym(2025, m),
                    value: v,
                    comment: None,
                });
            }
        }
        let population = |year, basis, from, to: Option<u8>, total| Population {
            year,
            basis,
            band: AgeBand { from, to },
            women: 0,
            men: 0,
            total,
        };
        let d = FollowupData {
            indicators: vec![
                indicator(
                    "PN05",
                    SourceKind::Volumes,
                    "vob_belagda_dygn_*/platsdygn:vob_platser_*",
                    MeasureKind::Share,
                ),
                indicator(
                    "PN06",
                    SourceKind::Volumes,
                    "vob_platser_*/befolkning:80-",
                    MeasureKind::Value,
                ),
            ],
            population: vec![
                population(2024, Basis::Outcome, 80, Some(84), 300),
                population(2024, Basis::Outcome, 85, None, 200),
                population(2024, Basis::Outcome, 65, Some(79), 5_000),
                population(2025, Basis::Forecast, 80, None, 520),
            ],
            ..Default::default()
        };
        let got = derive(&d, &all, &values);
        let find = |code: &str, kind: ValueKind| {
            got.values
                .iter()
                .find(|v| v.indicator == code && v.kind == kind)
                .and_then(|v| kmt_total(&v.figure))
        };
        // (38 + 54) / (40 + 60) = 92,0 %, whatever the days of the months.
        assert_eq!(find("PN05", ValueKind::Outcome), Some(92.0));
        // 100 places per 500 inhabitants 80+ (the 65–79 band is not counted) = 200 per 1 000.
        assert_eq!(find("PN06", ValueKind::Outcome), Some(200.0));
        // 2025 runs to July, the last month both homes reported: 100 places per 520 in the
        // population forecast = 192,3 per 1 000; no August value from home A alone.
        assert_eq!(find("PN06", ValueKind::ToDate(ym(2025, 7))), Some(192.3));
        assert_eq!(find("PN06", ValueKind::ToDate(ym(2025, 8))), None);
        // January–July: 7 000 occupied days of 100 places × 212 days = 33,0 %.
        assert_eq!(find("PN05", ValueKind::ToDate(ym(2025, 7))), Some(33.0));
    }

    #[test]
    fn care_days_of_two_placement_series_and_a_share_of_a_sum() {
        let series = |code: &str, kind| VolumeSeries {
            code: code.into(),
            name: code.into(),
            unit: "st".into(),
            kind,
            responsible: "SN".into(),
            category: None,
            price_series: None,
        };
        let all = [
            series("barn_hvb", VolumeKind::Stock),
            series("unga_hvb", VolumeKind::Stock),
            series("utford_egen", VolumeKind::Flow),
            series("utford_lov", VolumeKind::Flow),
            series("beviljad", VolumeKind::Flow),
        ];
        let mut values = Vec::new();
        for m in 1..=12u8 {
            for (code, v) in [
                ("barn_hvb", 18.0),
                ("unga_hvb", 45.0),
                ("utford_egen", 700.0),
                ("utford_lov", 200.0),
                ("beviljad", 1_000.0),
            ] {
                values.push(VolumeValue {
                    series: code.into(),
                    month: ym(2024, m),
                    value: v,
                    comment: None,
                });
            }
        }
        let d = FollowupData {
            indicators: vec![
                indicator(
                    "SN02",
                    SourceKind::Volumes,
                    "platsdygn:barn_hvb+unga_hvb",
                    MeasureKind::Sum,
                ),
                indicator(
                    "VON11",
                    SourceKind::Volumes,
                    "utford_egen+utford_lov/beviljad",
                    MeasureKind::Share,
                ),
                // a stock and a flow do not add
                indicator(
                    "X",
                    SourceKind::Volumes,
                    "barn_hvb+beviljad",
                    MeasureKind::Value,
                ),
            ],
            ..Default::default()
        };
        let got = derive(&d, &all, &values);
        let find = |code: &str| {
            got.values
                .iter()
                .find(|v| v.indicator == code && v.kind == ValueKind::Outcome)
                .and_then(|v| kmt_total(&v.figure))
        };
        // (18 + 45) persons per day × 366 days of 2024 = 23 058 care days.
        assert_eq!(find("SN02"), Some(23_058.0));
        // (700 + 200) / 1 000 = 90,0 %.
        assert_eq!(find("VON11"), Some(90.0));
        assert_eq!(find("X"), None);
    }

    #[test]
    fn a_forecast_from_the_volumes_where_none_is_typed_and_the_typed_one_wins() {
        let hvb = VolumeSeries {
            code: "hvb".into(),
            name: "hvb".into(),
            unit: "personer".into(),
            kind: VolumeKind::Stock,
            responsible: "SN".into(),
            category: None,
            price_series: None,
        };
        // January–August 2025: 60 persons per day to May, then 66, 63 and 69 (average 66).
        let values: Vec<VolumeValue> = [60.0, 60.0, 60.0, 60.0, 60.0, 66.0, 63.0, 69.0]
            .iter()
            .enumerate()
            .map(|(k, v)| VolumeValue {
                series: "hvb".into(),
                month: ym(2025, k as u8 + 1),
                value: *v,
                comment: None,
            })
            .collect();
        let mut d = FollowupData {
            indicators: vec![indicator(
                "SN02",
                SourceKind::Volumes,
                "platsdygn:hvb",
                MeasureKind::Sum,
            )],
            ..Default::default()
        };
        let got = derive(&d, std::slice::from_ref(&hvb), &values);
        let forecast = |vals: &[IndicatorValue]| {
            vals.iter()
                .find(|v| v.kind == ValueKind::Forecast)
                .and_then(|v| kmt_total(&v.figure))
        };
        // Care days to date plus 66 a day for September–December (122 days).
        let to_date: f64 = values
            .iter()
            .map(|v| v.value * f64::from(v.month.days()))
            .sum();
        assert_eq!(
            forecast(&got.values),
            Some((to_date + 66.0 * 122.0).round())
        );
        assert_eq!(
            forecast(&with_registers(&d, &got)),
            Some((to_date + 66.0 * 122.0).round())
        );
        // A person's typed forecast stays, and is no conflict.
        d.values = vec![value("SN02", 2025, ValueKind::Forecast, 20_000.0)];
        let got = derive(&d, &[hvb], &values);
        assert!(got.conflicts.is_empty(), "{:?}", got.conflicts);
        assert_eq!(forecast(&with_registers(&d, &got)), Some(20_000.0));
    }

    #[test]
    fn comparisons_and_bad_source_ids() {
        let c = |own: bool, dev: f64| Comparison {
            year: 2024,
            area: "Äldreomsorg".into(),
            kolada_id: None,
            municipality: if own { "Exempelkommun" } else { "Grannkommun" }.into(),
            own,
            cost_per_inhabitant: Some(Amount::from_kr(16_224).unwrap()),
            net_cost_deviation: Some(dev),
        };
        let d = FollowupData {
            indicators: vec![
                indicator(
                    "PN04",
                    SourceKind::Comparisons,
                    "nka:äldreomsorg",
                    MeasureKind::Value,
                ),
                indicator(
                    "PN09",
                    SourceKind::Comparisons,
                    "kostnad:Äldreomsorg",
                    MeasureKind::Value,
                ),
                indicator("X1", SourceKind::Staff, "sjukdagar", MeasureKind::Share),
                indicator(
                    "X2",
                    SourceKind::Comparisons,
                    "Äldreomsorg",
                    MeasureKind::Value,
                ),
            ],
            comparisons: vec![c(true, 6.54), c(false, -2.0)],
            ..Default::default()
        };
        let got = derive(&d, &[], &[]);
        let total = |code: &str| {
            got.values
                .iter()
                .find(|v| v.indicator == code)
                .and_then(|v| kmt_total(&v.figure))
        };
        assert_eq!(total("PN04"), Some(6.5));
        assert_eq!(total("PN09"), Some(16_224.0));
        let errors: Vec<&str> = got.errors.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(errors, vec!["X1", "X2"]);
        assert!(
            got.errors[0].1.contains("sjukfranvaro"),
            "{}",
            got.errors[0].1
        );
        assert!(
            got.errors[1].1.contains("nka:OMRÅDE"),
            "{}",
            got.errors[1].1
        );
    }
}
