//! Exempelkommun's follow-up registers: goals, indicators with history, commitments,
//! efficiency measures, investments, staff, events, state grants, population, cost
//! comparisons and queues (decisions not carried out), for PN, SN, VON and FSN.
//! Deterministic: the same options give the same bytes.
//!
//! [`generate`] builds the registers in memory; [`write_followup`] writes them as the import
//! templates of docs/IMPORT.md ("Uppföljningsregister"), one CSV file per register.

mod indicators;

use crate::rng::SplitMix64;
use delar_core::{Amount, Date, YearMonth};
use delar_followup::model::*;
use indicators::{Spec, TargetSpec, SPECS};
use std::path::{Path, PathBuf};

/// The forecast adjustments the demo's events cite (`handelser.csv`'s `justering`): code,
/// the line (ansvar, kontogrupp), the adjustment kind's code, amount in kronor (ledger sign:
/// a cost increase is positive), the month from which the effect runs, and the comment.
/// `delar demo` adds each to every round whose cut-off month is at or after the event's
/// month; the events register cites the code, and rule R17 checks that it resolves.
#[allow(clippy::type_complexity)] // a literal table
pub const DEMO_ADJUSTMENTS: &[(&str, &str, &str, &str, f64, u8, &str)] = &[
    (
        "FSN-J1",
        "FSN21",
        "personal",
        "beslut",
        2_100_000.0,
        5,
        "Ny gruppbostad med sex platser öppnar i oktober (nämndens beslut i maj): personal för \
         oktober–december.",
    ),
    (
        "PN-J1",
        "PN10",
        "kop_verksamhet",
        "regelandring",
        3_200_000.0,
        8,
        "Indexuppräkning av ersättningen till externa utförare inom LOV från den 15 augusti.",
    ),
];

/// What to generate.
#[derive(Clone, Debug)]
pub struct FollowupOptions {
    /// Seed of the PRNG.
    pub seed: u64,
    /// The current year.
    pub year: i32,
    /// The round's cut-off month (8 = August, P2).
    pub cutoff_month: u8,
    /// First year of history (the years before `year` are complete).
    pub first_year: i32,
}

impl Default for FollowupOptions {
    fn default() -> Self {
        FollowupOptions {
            seed: 2025,
            year: 2025,
            cutoff_month: 8,
            first_year: 2021,
        }
    }
}

/// The committees of Exempelkommun (organisation codes).
pub const COMMITTEES: [&str; 4] = ["PN", "SN", "VON", "FSN"];

/// Write every register as `DIR/<register>.csv`; returns the paths in import order.
pub fn write_followup(dir: &Path, opts: &FollowupOptions) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let data = generate(opts);
    let mut out = Vec::new();
    for (name, csv) in delar_followup::write_all(&data) {
        let p = dir.join(name);
        std::fs::write(&p, csv)?;
        out.push(p);
    }
    Ok(out)
}

/// Build every register in memory.
pub fn generate(opts: &FollowupOptions) -> FollowupData {
    let g = Gen { opts };
    let goals = g.goals();
    let (indicators, values) = g.indicators();
    let mut data = FollowupData {
        classifications: g.classifications(&goals),
        texts: Vec::new(),
        goals,
        indicators,
        values,
        commitments: g.commitments(),
        efficiency: g.efficiency(),
        investments: g.investments(),
        staff: g.staff(),
        events: g.events(),
        grants: g.grants(),
        population: g.population(),
        comparisons: g.comparisons(),
        queues: g.queues(),
    };
    from_registers(&mut data, opts.year);
    data.texts = g.texts(&data);
    data
}

/// "a, b och c".
fn join_sv(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
    }
}

/// How an indicator moved from last year's outcome to this year's value (to date, or the
/// forecast for a count that accumulates), and whether that is the better direction.
struct Move<'a> {
    ind: &'a Indicator,
    previous: f64,
    now: f64,
    to_date: bool,
    /// `None` when the value printed is unchanged.
    better: Option<bool>,
}

impl<'a> Move<'a> {
    fn of(ind: &'a Indicator, values: &[IndicatorValue], year: i32) -> Option<Move<'a>> {
        let up = match ind.polarity {
            Polarity::Higher | Polarity::Floor(_) => true,
            Polarity::Lower | Polarity::Ceiling(_) => false,
            Polarity::Range(..) | Polarity::Neutral => return None,
        };
        let number = |v: &IndicatorValue| match &v.figure {
            Figure::Number(k) => k.total,
            _ => None,
        };
        let previous = values
            .iter()
            .filter(|v| v.indicator == ind.code && v.year == year - 1)
            .filter(|v| v.kind == ValueKind::Outcome)
            .find_map(number)?;
        let latest_to_date = values
            .iter()
            .filter(|v| v.indicator == ind.code && v.year == year)
            .filter(|v| matches!(v.kind, ValueKind::ToDate(_)))
            .filter(|_| ind.measure != MeasureKind::Sum)
            .max_by_key(|v| match v.kind {
                ValueKind::ToDate(m) => m.as_int(),
                _ => 0,
            })
            .and_then(number);
        let (now, to_date) = match latest_to_date {
            Some(x) => (x, true),
            None => (
                values
                    .iter()
                    .filter(|v| v.indicator == ind.code && v.year == year)
                    .filter(|v| v.kind == ValueKind::Forecast)
                    .find_map(number)?,
                false,
            ),
        };
        let p = 10f64.powi(i32::from(ind.decimals.min(6)));
        let (a, b) = ((previous * p).round(), (now * p).round());
        let better = (a != b).then_some((b > a) == up);
        Some(Move {
            ind,
            previous,
            now,
            to_date,
            better,
        })
    }

    fn relative(&self) -> f64 {
        (self.now - self.previous).abs() / self.previous.abs().max(1e-9)
    }

    /// "Andel … har ökat jämfört med 2024, räknat på värdet hittills i år." The figures
    /// themselves stand in the goal's indicator table (a typed text carries no unbound
    /// numbers, R4).
    fn sentence(&self, year: i32, tail: Option<&str>) -> String {
        let mut name = self.ind.name.trim().to_string();
        for suffix in [" (%)".to_string(), format!(", {}", self.ind.unit)] {
            if let Some(s) = name.strip_suffix(suffix.as_str()) {
                name = s.to_string();
            }
        }
        format!(
            "{}: {} jämfört med {}, enligt {}{}.",
            name,
            if self.now > self.previous {
                "ökning"
            } else {
                "minskning"
            },
            year - 1,
            if self.to_date {
                "värdet hittills i år"
            } else {
                "prognosen för helåret"
            },
            tail.unwrap_or("")
        )
    }
}

/// Strategic assignments whose status the other registers fix: name, status at the cut-off,
/// forecast for the year end, comment.
const SCHEDULED: &[(&str, AssignmentStatus, AssignmentStatus, &str)] = &[(
    "Ny gruppbostad med sex platser",
    AssignmentStatus::Ongoing,
    AssignmentStatus::Done,
    "Gruppbostaden öppnar i oktober enligt nämndens beslut i maj.",
)];

/// Indicators whose measure another register holds get no typed outcome or value to date
/// (the report takes them from the register: one measure, one source), and a numeric
/// forecast at the register's latest value of the year, so forecast and outcome agree.
fn from_registers(data: &mut FollowupData, year: i32) {
    // The volume series are written by the municipality's generator, not here: an indicator
    // measured from them gets no typed outcome, value to date or forecast at all.
    let from_volumes: Vec<String> = data
        .indicators
        .iter()
        .filter(|i| {
            matches!(
                delar_followup::sources::source_of(i),
                Some(Ok(delar_followup::sources::Source::Volume { .. }))
            )
        })
        .map(|i| i.code.clone())
        .collect();
    data.values.retain(|v| {
        !(from_volumes.contains(&v.indicator)
            && matches!(
                v.kind,
                ValueKind::Outcome | ValueKind::ToDate(_) | ValueKind::Forecast
            ))
    });
    let derived = delar_followup::sources::derive(data, &[], &[]);
    let sourced: Vec<String> = data
        .indicators
        .iter()
        .filter(|i| matches!(delar_followup::sources::source_of(i), Some(Ok(_))))
        .map(|i| i.code.clone())
        .collect();
    data.values.retain(|v| {
        !(sourced.contains(&v.indicator)
            && matches!(v.kind, ValueKind::Outcome | ValueKind::ToDate(_))
            && derived
                .values
                .iter()
                .any(|d| d.indicator == v.indicator && d.year == v.year && d.kind == v.kind))
    });
    for v in data.values.iter_mut().filter(|v| {
        v.year == year
            && v.kind == ValueKind::Forecast
            && matches!(v.figure, Figure::Number(_))
            && sourced.contains(&v.indicator)
    }) {
        let latest = derived
            .values
            .iter()
            .filter(|d| d.indicator == v.indicator && d.year == year)
            .max_by_key(|d| match d.kind {
                ValueKind::ToDate(m) => m.as_int(),
                _ => i32::MAX,
            });
        if let Some(d) = latest {
            v.figure = d.figure;
        }
    }
}

struct Gen<'a> {
    opts: &'a FollowupOptions,
}

/// Round to `d` decimals (half away from zero).
fn round(v: f64, d: u8) -> f64 {
    let p = 10f64.powi(d as i32);
    (v * p).round() / p
}

fn kr(v: f64) -> Amount {
    Amount::from_ore((v.round() as i64) * 100)
}

const AREAS: &[(&str, &str)] = &[
    ("MO1", "Ett tryggt och gott liv för alla"),
    ("MO2", "Lärande och arbete genom hela livet"),
    ("MO3", "Livsmiljöer för god livskvalitet"),
    ("MO4", "En hållbar och resurseffektiv kommun"),
];

/// Council goals: code, area, name, cluster.
const COUNCIL: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "KF1",
        "MO1",
        "Invånarna känner sig trygga i vården och omsorgen",
        Some("Trygghet"),
    ),
    (
        "KF2",
        "MO1",
        "Barn och unga växer upp under goda och trygga förhållanden",
        Some("Trygghet"),
    ),
    (
        "KF3",
        "MO1",
        "Invånarna har inflytande över sina insatser",
        None,
    ),
    (
        "KF4",
        "MO2",
        "Fler invånare går från bidrag till egen försörjning",
        None,
    ),
    ("KF5", "MO2", "Kommunen är en attraktiv arbetsgivare", None),
    (
        "KF6",
        "MO3",
        "Boenden med särskild service motsvarar behovet",
        None,
    ),
    (
        "KF7",
        "MO3",
        "Vatten och grönstruktur håller god kvalitet",
        None,
    ),
    (
        "KF8",
        "MO4",
        "Verksamheten bedrivs med ekonomi i balans",
        None,
    ),
];

/// Committee goals: code, council goal, committee, name.
const COMMITTEE_GOALS: &[(&str, &str, &str, &str)] = &[
    (
        "PN1",
        "KF3",
        "PN",
        "Brukarna kan välja utförare och påverka sina insatser",
    ),
    ("PN2", "KF8", "PN", "Programområdet håller sin budgetram"),
    (
        "PN3",
        "KF6",
        "PN",
        "Platser i särskilt boende planeras utifrån befolkningsprognosen",
    ),
    (
        "SN1",
        "KF2",
        "SN",
        "Fler barn och unga får stöd i hemmiljön i stället för placering",
    ),
    (
        "SN2",
        "KF4",
        "SN",
        "Fler hushåll med ekonomiskt bistånd når egen försörjning",
    ),
    (
        "SN3",
        "KF5",
        "SN",
        "Stabil bemanning inom myndighetsutövningen",
    ),
    (
        "SN4",
        "KF8",
        "SN",
        "Kostnaden för externa placeringar minskar",
    ),
    (
        "VON1",
        "KF1",
        "VON",
        "Äldre känner sig trygga i hemtjänsten och på boendet",
    ),
    (
        "VON2",
        "KF5",
        "VON",
        "Heltid som norm och lägre sjukfrånvaro",
    ),
    (
        "VON3",
        "KF8",
        "VON",
        "Hemtjänsten bedrivs med ekonomi i balans",
    ),
    (
        "FSN1",
        "KF3",
        "FSN",
        "Brukare inom LSS har inflytande över sin vardag",
    ),
    (
        "FSN2",
        "KF6",
        "FSN",
        "Kön till bostad med särskild service minskar",
    ),
    (
        "FSN3",
        "KF5",
        "FSN",
        "Personalkontinuitet i personlig assistans",
    ),
];

fn area_of_council(kf: &str) -> &'static str {
    COUNCIL
        .iter()
        .find(|c| c.0 == kf)
        .map(|c| c.1)
        .unwrap_or("MO1")
}

impl Gen<'_> {
    fn rng(&self, stream: u64) -> SplitMix64 {
        SplitMix64::for_index(self.opts.seed, stream)
    }

    fn years(&self) -> std::ops::Range<i32> {
        self.opts.first_year..self.opts.year
    }

    fn cutoff(&self) -> YearMonth {
        YearMonth::new(self.opts.year, self.opts.cutoff_month.clamp(1, 12)).expect("valid month")
    }

    fn goals(&self) -> Vec<Goal> {
        let year = self.opts.year;
        let mut out = Vec::new();
        for (code, name) in AREAS {
            out.push(Goal {
                year,
                code: (*code).into(),
                level: GoalLevel::Area,
                name: (*name).into(),
                parent: None,
                committee: None,
                cluster: None,
                description: None,
            });
        }
        for (code, area, name, cluster) in COUNCIL {
            out.push(Goal {
                year,
                code: (*code).into(),
                level: GoalLevel::Council,
                name: (*name).into(),
                parent: Some((*area).into()),
                committee: None,
                cluster: cluster.map(Into::into),
                description: None,
            });
        }
        for (code, kf, c, name) in COMMITTEE_GOALS {
            out.push(Goal {
                year,
                code: (*code).into(),
                level: GoalLevel::Committee,
                name: (*name).into(),
                parent: Some((*kf).into()),
                committee: Some((*c).into()),
                cluster: None,
                description: None,
            });
        }
        out
    }

    fn classifications(&self, _goals: &[Goal]) -> Vec<GoalClassification> {
        let mut out = Vec::new();
        for c in COMMITTEES {
            for (kf, _, _, _) in COUNCIL {
                let has = COMMITTEE_GOALS.iter().any(|g| g.1 == *kf && g.2 == c);
                let (kind, reason) = if has {
                    (GoalClassKind::Commitment, None)
                } else if *kf == "KF7" {
                    (
                        GoalClassKind::NotRelevant,
                        Some("Nämndens verksamhet påverkar inte vatten och grönstruktur.".into()),
                    )
                } else {
                    (GoalClassKind::BasicMission, None)
                };
                out.push(GoalClassification {
                    year: self.opts.year,
                    committee: c.into(),
                    goal: (*kf).into(),
                    kind,
                    reason,
                });
            }
        }
        out
    }

    /// The analysis texts per committee and goal area, written the way a controller writes
    /// them from the figures: what the committee works towards, how many of its indicators
    /// moved the right way since last year, and the largest move each way as the positive
    /// observation and the area for improvement (so no sentence can contradict a table).
    fn texts(&self, data: &FollowupData) -> Vec<GoalText> {
        use delar_core::words::{count_text, lower};
        let year = self.opts.year;
        let mut out = Vec::new();
        for c in COMMITTEES {
            for (area, area_name) in AREAS {
                let goals: Vec<&(&str, &str, &str, &str)> = COMMITTEE_GOALS
                    .iter()
                    .filter(|g| g.2 == c && area_of_council(g.1) == *area)
                    .collect();
                if goals.is_empty() {
                    continue;
                }
                let names: Vec<String> = goals.iter().map(|g| lower(g.3)).collect();
                let t = |kind, text: String| GoalText {
                    year,
                    committee: (*c).into(),
                    goal: (*area).into(),
                    kind,
                    text,
                };
                let moves: Vec<Move> = data
                    .indicators
                    .iter()
                    .filter(|i| goals.iter().any(|g| g.0 == i.goal))
                    .filter_map(|i| Move::of(i, &data.values, year))
                    .collect();
                let better = moves.iter().filter(|m| m.better == Some(true)).count();
                let worse = moves.iter().filter(|m| m.better == Some(false)).count();
                let same = moves.len() - better - worse;
                let mut analysis = format!(
                    "Inom målområdet {} arbetar nämnden mot {} att {}.",
                    lower(area_name),
                    if goals.len() == 1 { "målet" } else { "målen" },
                    names.join(" och ")
                );
                if moves.is_empty() {
                    analysis.push_str(&format!(
                        " Inga av målområdets indikatorer har ännu värden för {year} att jämföra \
                         med {}.",
                        year - 1
                    ));
                } else {
                    let n = moves.len();
                    let counted = [
                        (better, "utvecklats i rätt riktning"),
                        (worse, "utvecklats åt fel håll"),
                        (same, "legat kvar på samma nivå"),
                    ];
                    let comparable = format!("som kan jämföras med {}", year - 1);
                    if n == 1 {
                        let what = counted.iter().find(|(k, _)| *k == 1).map(|(_, w)| *w);
                        analysis.push_str(&format!(
                            " Indikatorn {comparable} har {}.",
                            what.unwrap_or("legat kvar på samma nivå")
                        ));
                    } else if let Some((_, what)) = counted.iter().find(|(k, _)| *k == n) {
                        analysis.push_str(&if n == 2 {
                            format!(" Båda indikatorerna {comparable} har {what}.")
                        } else {
                            format!(
                                " Alla {} indikatorer {comparable} har {what}.",
                                count_text(n as u64, false)
                            )
                        });
                    } else {
                        let parts: Vec<String> = counted
                            .iter()
                            .filter(|(k, _)| *k > 0)
                            .map(|(k, what)| format!("{} {what}", count_text(*k as u64, false)))
                            .collect();
                        analysis.push_str(&format!(
                            " Av de {} indikatorer {comparable} har {}.",
                            count_text(n as u64, false),
                            join_sv(&parts)
                        ));
                    }
                }
                out.push(t(GoalTextKind::Analysis, analysis));
                let largest = |want: bool| {
                    moves
                        .iter()
                        .filter(|m| m.better == Some(want))
                        .max_by(|a, b| a.relative().total_cmp(&b.relative()))
                };
                if let Some(m) = largest(true) {
                    out.push(t(GoalTextKind::Positive, m.sentence(year, None)));
                }
                if let Some(m) = largest(false) {
                    out.push(t(
                        GoalTextKind::Improvement,
                        m.sentence(year, Some("; utvecklingen behöver vändas")),
                    ));
                }
            }
        }
        out
    }

    /// Indicator definitions and their values: outcome for every complete year, and for the
    /// current year a value to date (internal monthly measures), the outcome when already
    /// published, a forecast and a target.
    fn indicators(&self) -> (Vec<Indicator>, Vec<IndicatorValue>) {
        let mut defs = Vec::new();
        let mut values = Vec::new();
        let year = self.opts.year;
        for (n, s) in SPECS.iter().enumerate() {
            let mut rng = self.rng(1000 + n as u64);
            defs.push(Indicator {
                code: s.code.into(),
                name: s.name.into(),
                goal: s.goal.into(),
                committee: Some(s.committee.into()),
                unit: s.unit.into(),
                decimals: s.decimals,
                measure: s.measure,
                definition: (!s.definition.is_empty()).then(|| s.definition.into()),
                source: s.source,
                source_id: s.source_id.map(Into::into),
                publication_month: s.publication_month,
                polarity: s.polarity,
                by_sex: s.by_sex,
            });
            let level = |rng: &mut SplitMix64, y: i32| {
                s.base
                    + s.trend * (y - self.opts.first_year) as f64
                    + s.noise * (2.0 * rng.next_f64() - 1.0)
            };
            let v = |indicator_year: i32, kind: ValueKind, figure: Figure| IndicatorValue {
                indicator: s.code.into(),
                year: indicator_year,
                kind,
                figure,
                comment: None,
            };
            for y in self.years() {
                let x = level(&mut rng, y);
                // A financial indicator's history is computed from the ledgers, never typed.
                if s.source == SourceKind::Ledger {
                    continue;
                }
                // No national user survey was made during the pandemic's first years.
                let figure = if s.source == SourceKind::Survey && y == self.opts.first_year {
                    Figure::NoData
                } else {
                    self.figure(s, x)
                };
                values.push(v(y, ValueKind::Outcome, figure));
            }
            let x = level(&mut rng, year);
            let published = !s.lagged
                && s.source != SourceKind::Ledger
                && s.publication_month
                    .is_some_and(|m| m <= self.opts.cutoff_month);
            match (s.source, s.publication_month) {
                (SourceKind::Ledger, _) => {}
                (_, None) => {
                    // Measured monthly: a value to date and a forecast number. A count that
                    // accumulates over the year has reached its share of the months so far.
                    let to_date = if s.measure == MeasureKind::Sum {
                        x * f64::from(self.opts.cutoff_month) / 12.0
                    } else {
                        x
                    };
                    values.push(v(
                        year,
                        ValueKind::ToDate(self.cutoff()),
                        self.figure(s, to_date),
                    ));
                    let f = x + s.trend * 0.3;
                    values.push(v(year, ValueKind::Forecast, self.figure(s, f)));
                }
                (_, Some(_)) if published => {
                    let mut o = v(year, ValueKind::Outcome, self.figure(s, x));
                    o.comment = Some("Årets resultat är publicerat.".into());
                    values.push(o);
                    values.push(v(year, ValueKind::Forecast, self.figure(s, x)));
                }
                (_, Some(m)) => {
                    let mut o = v(year, ValueKind::Outcome, Figure::NoData);
                    let month = delar_core::period::MONTH_NAMES[(m as usize).clamp(1, 12) - 1];
                    o.comment = Some(if s.lagged {
                        format!("Årets värde publiceras i Kolada i {month} {}.", year + 1)
                    } else {
                        format!("Årets resultat publiceras i {month} {year}.")
                    });
                    values.push(o);
                    let w = if s.trend.abs() < s.noise * 0.25 {
                        Trend::Maintain
                    } else if s.trend > 0.0 {
                        Trend::Increase
                    } else {
                        Trend::Decrease
                    };
                    values.push(v(year, ValueKind::Forecast, Figure::Word(w)));
                }
            }
            match s.target {
                TargetSpec::Word(w) => values.push(v(year, ValueKind::Target, Figure::Word(w))),
                TargetSpec::Level(l) => {
                    values.push(v(year, ValueKind::Target, Figure::Number(Kmt::total(l))))
                }
                TargetSpec::None => {}
            }
        }
        (defs, values)
    }

    /// A value as the indicator reports it: rounded, clamped for shares, with women and men
    /// consistent with the total (counts add up, rates average by the share of women).
    fn figure(&self, s: &Spec, x: f64) -> Figure {
        let d = s.decimals;
        let clamp = |v: f64| {
            if s.measure == MeasureKind::Share {
                v.clamp(0.0, 100.0)
            } else {
                v
            }
        };
        if !s.by_sex {
            return Figure::Number(Kmt::total(round(clamp(x), d)));
        }
        match s.measure {
            MeasureKind::Count | MeasureKind::Sum => {
                let t = x.round().max(0.0);
                let w = (t * s.women_share).round();
                Figure::Number(Kmt::new(w, t - w, t))
            }
            _ => {
                let w = round(clamp(x + s.sex_gap * (1.0 - s.women_share)), d);
                let m = round(clamp(x - s.sex_gap * s.women_share), d);
                let t = round(s.women_share * w + (1.0 - s.women_share) * m, d);
                Figure::Number(Kmt::new(w, m, t))
            }
        }
    }

    fn commitments(&self) -> Vec<Commitment> {
        let year = self.opts.year;
        let mut rng = self.rng(4);
        let mut out = Vec::new();
        const COMMON: &[&str] = &[
            "Miljöprogrammet",
            "Mänskliga rättigheter",
            "ANDT-strategin",
            "Hållbar arbetsmiljö",
            "Digitaliseringsstrategin",
            "Jämställdhetsintegrering",
            "Barnfattigdom",
        ];
        const STRATEGIC: &[(&str, &str, Option<&str>)] = &[
            ("PN", "Ny ersättningsmodell för hemtjänsten", Some("PN2")),
            (
                "PN",
                "Lokalförsörjningsplan för särskilt boende 2026–2030",
                Some("PN3"),
            ),
            ("SN", "Hemmaplanslösningar för barn och unga", Some("SN1")),
            (
                "SN",
                "Arbetsmarknadsinsatser tillsammans med Arbetsförmedlingen",
                Some("SN2"),
            ),
            ("VON", "Heltidsresan", Some("VON2")),
            ("VON", "Digital nyckelhantering i hemtjänsten", Some("VON3")),
            ("FSN", "Ny gruppbostad med sex platser", Some("FSN2")),
            (
                "FSN",
                "Kompetenstrappa för personliga assistenter",
                Some("FSN3"),
            ),
        ];
        for c in COMMITTEES.iter() {
            for (k, name) in COMMON.iter().enumerate() {
                if rng.chance(0.3) {
                    continue;
                }
                let mut flags = vec![];
                let r = rng.next_f64();
                if r < 0.7 {
                    flags.push(CommitmentFlag::Ongoing);
                } else {
                    flags.push(CommitmentFlag::Planned);
                }
                if rng.chance(0.2) {
                    flags.push(CommitmentFlag::NeedsSupport);
                }
                let comment = flags.contains(&CommitmentFlag::NeedsSupport).then(|| {
                    "Nämnden behöver stöd från kommunledningen för att komma vidare.".into()
                });
                out.push(Commitment {
                    year,
                    committee: (*c).into(),
                    code: format!("{c}-A{}", k + 1),
                    kind: CommitmentKind::Commitment,
                    name: (*name).into(),
                    goal: None,
                    status: CommitmentStatus::Flags(flags),
                    comment,
                });
            }
            for (k, (_, name, goal)) in STRATEGIC.iter().filter(|s| s.0 == *c).enumerate() {
                let current = [
                    AssignmentStatus::Ongoing,
                    AssignmentStatus::Ongoing,
                    AssignmentStatus::Remaining,
                    AssignmentStatus::Done,
                ][rng.below(4) as usize];
                let forecast = match current {
                    AssignmentStatus::Done => AssignmentStatus::Done,
                    AssignmentStatus::Ongoing if rng.chance(0.5) => AssignmentStatus::Done,
                    s => s,
                };
                // An assignment whose timing other registers state (the group home the
                // committee decided to open in October) follows them, not the dice.
                let fixed = SCHEDULED.iter().find(|f| f.0 == *name);
                let (current, forecast) = fixed.map_or((current, forecast), |f| (f.1, f.2));
                let comment = match fixed {
                    Some(f) => Some(f.3.to_string()),
                    None => (forecast != AssignmentStatus::Done)
                        .then(|| "Arbetet fortsätter nästa år.".into()),
                };
                out.push(Commitment {
                    year,
                    committee: (*c).into(),
                    code: format!("{c}-U{}", k + 1),
                    kind: CommitmentKind::Strategic,
                    name: (*name).into(),
                    goal: goal.map(Into::into),
                    status: CommitmentStatus::Progress { current, forecast },
                    comment,
                });
            }
            for (k, g) in COMMITTEE_GOALS.iter().filter(|g| g.2 == *c).enumerate() {
                let current = if rng.chance(0.6) {
                    AssignmentStatus::Ongoing
                } else {
                    AssignmentStatus::Done
                };
                let forecast = if current == AssignmentStatus::Done || rng.chance(0.6) {
                    AssignmentStatus::Done
                } else {
                    AssignmentStatus::Ongoing
                };
                out.push(Commitment {
                    year,
                    committee: (*c).into(),
                    code: format!("{c}-K{}", k + 1),
                    kind: CommitmentKind::Activity,
                    name: format!("Handlingsplan: {}", delar_core::words::lower(g.3)),
                    goal: Some(g.0.into()),
                    status: CommitmentStatus::Progress { current, forecast },
                    comment: None,
                });
            }
        }
        out
    }

    fn efficiency(&self) -> Vec<EfficiencyMeasure> {
        const M: &[(&str, &str, &str, &str, f64, f64)] = &[
            // committee, name, kontogrupp, ansvar (the area it concerns, or the committee
            // for a measure across it), planned kr, carried over kr
            (
                "PN",
                "Minskad hyra i vård- och omsorgsboenden genom ny hyresmodell",
                "lokal",
                "PN",
                4_000_000.0,
                0.0,
            ),
            (
                "PN",
                "Borttagande av service utan bistånd, helårseffekt",
                "kop_verksamhet",
                "PN1",
                3_000_000.0,
                0.0,
            ),
            (
                "SN",
                "Utökad öppenvård för barn och unga (hemtagning)",
                "kop_verksamhet",
                "SN40",
                3_200_000.0,
                2_300_000.0,
            ),
            (
                "SN",
                "Egna akut- och utredningsplatser för ungdomar",
                "kop_verksamhet",
                "SN40",
                1_600_000.0,
                0.0,
            ),
            (
                "SN",
                "KBT-gruppen i egen regi",
                "kop_verksamhet",
                "SN40",
                1_600_000.0,
                0.0,
            ),
            (
                "SN",
                "Utredningsplatser för vuxna med missbruk",
                "kop_verksamhet",
                "SN40",
                600_000.0,
                0.0,
            ),
            (
                "VON",
                "Bemanningsekonomi och schemaläggning i hemtjänsten",
                "personal",
                "VON20",
                4_000_000.0,
                1_000_000.0,
            ),
            (
                "VON",
                "Minskad bomtid i hemtjänsten",
                "personal",
                "VON20",
                1_400_000.0,
                0.0,
            ),
            (
                "VON",
                "Samordnade inköp av sårvårds- och inkontinensmaterial",
                "ovriga_kostnader",
                "VON",
                500_000.0,
                0.0,
            ),
            (
                "FSN",
                "Bemanningsekonomi i bostad med särskild service",
                "personal",
                "FSN20",
                2_000_000.0,
                0.0,
            ),
            (
                "FSN",
                "Utökning av antalet platser i befintliga gruppbostäder",
                "forsaljning",
                "FSN20",
                1_000_000.0,
                0.0,
            ),
            (
                "FSN",
                "Säkerställd intäktsprocess i personlig assistans",
                "bidrag",
                "FSN40",
                200_000.0,
                0.0,
            ),
        ];
        let mut rng = self.rng(5);
        let share = self.opts.cutoff_month as f64 / 12.0;
        M.iter()
            .enumerate()
            .map(|(k, (c, name, group, ansvar, planned, carried))| {
                let achieved = rng.range_f64(0.55, 1.05);
                let forecast = ((planned + carried) * achieved / 10_000.0).round() * 10_000.0;
                let to_date =
                    (forecast * share * rng.range_f64(0.85, 1.0) / 10_000.0).round() * 10_000.0;
                EfficiencyMeasure {
                    month: self.cutoff(),
                    committee: (*c).into(),
                    code: format!("{c}-E{}", k + 1),
                    name: (*name).into(),
                    account_group: Some((*group).into()),
                    ansvar: Some((*ansvar).into()),
                    planned: kr(*planned),
                    to_date: Some(kr(to_date)),
                    forecast: Some(kr(forecast)),
                    carried_over: kr(*carried),
                    comment: (achieved < 0.8).then(|| {
                        "Effekten blir lägre än planerat; åtgärden kom i gång senare.".into()
                    }),
                }
            })
            .collect()
    }

    fn investments(&self) -> Vec<Investment> {
        const I: &[(&str, &str, &str, &str, f64)] = &[
            (
                "PN",
                "PN-INV1",
                "Inventarier, programnämndens lokaler",
                "Inventarier",
                187_000.0,
            ),
            (
                "PN",
                "PN-MK1",
                "Myndighetskrav i programområdets lokaler",
                "Myndighetskrav",
                2_000_000.0,
            ),
            (
                "PN",
                "PN-NB1",
                "Vård- och omsorgsboendet Kornellen, inventarier och larm",
                "Nya boenden",
                25_886_000.0,
            ),
            (
                "PN",
                "PN-NB2",
                "Grupp- och servicebostäder, möbler",
                "Nya boenden",
                1_248_000.0,
            ),
            (
                "SN",
                "SN-INV1",
                "Inventarier, socialförvaltningen",
                "Inventarier",
                960_000.0,
            ),
            (
                "VON",
                "VON-INV1",
                "Inventarier, vård- och omsorgsboenden",
                "Inventarier",
                3_257_000.0,
            ),
            (
                "VON",
                "VON-TL1",
                "Digitala trygghetslarm",
                "Inventarier",
                2_400_000.0,
            ),
            (
                "VON",
                "VON-KL1",
                "Kallelselarm, två boenden",
                "Myndighetskrav",
                1_800_000.0,
            ),
            (
                "FSN",
                "FSN-INV1",
                "Inventarier, funktionsstöd",
                "Inventarier",
                1_126_000.0,
            ),
            (
                "FSN",
                "FSN-GB1",
                "Ny gruppbostad, möbler och utrustning",
                "Nya boenden",
                450_000.0,
            ),
        ];
        let mut rng = self.rng(6);
        I.iter()
            .map(|(c, code, name, cat, budget)| {
                let f = rng.range_f64(0.5, 1.15);
                let forecast = (budget * f / 1_000.0).round() * 1_000.0;
                let done = rng.range_f64(0.2, 0.8);
                let outcome = (forecast * done / 1_000.0).round() * 1_000.0;
                let status = if f < 0.7 {
                    InvestmentStatus::Delayed
                } else if done < 0.3 {
                    InvestmentStatus::NotStarted
                } else {
                    InvestmentStatus::Ongoing
                };
                // A project not started has spent nothing.
                let outcome = if status == InvestmentStatus::NotStarted {
                    0.0
                } else {
                    outcome
                };
                Investment {
                    month: self.cutoff(),
                    committee: (*c).into(),
                    project: (*code).into(),
                    name: (*name).into(),
                    category: Some((*cat).into()),
                    budget: kr(*budget),
                    outcome: kr(outcome),
                    forecast: kr(forecast),
                    status,
                    comment: (status == InvestmentStatus::Delayed)
                        .then(|| "Leveransen är försenad; resten köps in nästa år.".into()),
                }
            })
            .collect()
    }

    /// Staff per committee for every complete year (January–December) and the current year
    /// to the cut-off. Sick leave peaks in 2021–2022 (the pandemic) and falls; women's is
    /// higher than men's; short-term leave is about 45 % of the total and higher in the
    /// winter months, so the current year to August runs above the full-year level.
    fn staff(&self) -> Vec<StaffFigures> {
        // committee, headcount 2021, women share, sick base %, full-time base %, hourly %
        const S: &[(&str, f64, f64, f64, f64, f64)] = &[
            ("PN", 58.0, 0.72, 4.2, 96.0, 1.0),
            ("SN", 610.0, 0.80, 7.4, 92.0, 3.5),
            ("VON", 3_150.0, 0.86, 10.2, 63.0, 13.0),
            ("FSN", 1_880.0, 0.74, 9.1, 58.0, 16.0),
        ];
        let mut out = Vec::new();
        for (k, (c, head, ws, sick, ft, hourly)) in S.iter().enumerate() {
            let mut rng = self.rng(7000 + k as u64);
            let mut periods: Vec<YearMonth> = self
                .years()
                .map(|y| YearMonth::new(y, 12).expect("valid"))
                .collect();
            periods.push(self.cutoff());
            for p in periods {
                let i = (p.year() - self.opts.first_year) as f64;
                let t = (head * (1.0 + 0.015 * i) * rng.range_f64(0.99, 1.01)).round();
                let w = (t * ws).round();
                let pandemic = match p.year() - self.opts.first_year {
                    0 => 1.6,
                    1 => 1.9,
                    _ => 0.0,
                };
                let winter = if p.month() < 12 { 0.3 } else { 0.0 };
                let base = sick + pandemic - 0.15 * i + winter + rng.range_f64(-0.2, 0.2);
                let sw = round(base + 0.9 * (1.0 - ws) * 2.0, 1);
                let sm = round(base - 0.9 * ws * 2.0, 1);
                let st = round((sw * w + sm * (t - w)) / t, 1);
                let kw = round(sw * 0.46, 1);
                let km = round(sm * 0.44, 1);
                let kt = round((kw * w + km * (t - w)) / t, 1);
                out.push(StaffFigures {
                    month: p,
                    committee: (*c).into(),
                    fte: round(t * rng.range_f64(0.88, 0.93), 1),
                    headcount: Kmt::new(w, t - w, t),
                    sick_leave: Kmt::new(sw, sm, st),
                    short_sick_leave: Kmt::new(kw, km, kt),
                    full_time_share: Some(round((ft + 2.2 * i).min(99.0), 1)),
                    hourly_paid_share: Some(round((hourly - 0.4 * i).max(0.5), 1)),
                    // Turnover for the period (personal.csv): part of a year's for a
                    // cut-off before December.
                    turnover: Some(round(
                        rng.range_f64(7.0, 13.0) * f64::from(p.month()) / 12.0,
                        1,
                    )),
                    employees_per_manager: Some(round(
                        if *c == "PN" {
                            12.0
                        } else {
                            rng.range_f64(21.0, 31.0)
                        },
                        1,
                    )),
                });
            }
        }
        out
    }

    #[allow(clippy::type_complexity)] // a literal table
    fn events(&self) -> Vec<Event> {
        let y = self.opts.year;
        // month, day, committee, kind, area, title, impact kr (ledger sign), adjustment
        const E: &[(
            u8,
            u8,
            &str,
            EventKind,
            &str,
            &str,
            Option<f64>,
            Option<&str>,
        )] = &[
            (
                1,
                15,
                "SN",
                EventKind::RuleChange,
                "Ekonomiskt bistånd",
                "Höjd riksnorm för ekonomiskt bistånd",
                // within what ekonomiskt bistånd grows against last year in the ledger
                Some(2_400_000.0),
                None,
            ),
            (
                2,
                1,
                "VON",
                EventKind::Reorganisation,
                "Hemtjänst",
                "Hemtjänstens planering samlas i en gemensam planeringsenhet",
                None,
                None,
            ),
            (
                3,
                1,
                "SN",
                EventKind::External,
                "Barn och unga",
                "Ökat inflöde av placeringar av ungdomar enligt LVU",
                // the volume part of the young people's HVB deviation in the ledger
                Some(1_300_000.0),
                None,
            ),
            (
                3,
                31,
                "FSN",
                EventKind::External,
                "Personlig assistans",
                "Omprövningar av assistansersättning flyttar kostnader till kommunen",
                Some(5_500_000.0),
                None,
            ),
            (
                4,
                1,
                "VON",
                EventKind::RuleChange,
                "Äldreomsorg",
                "Ny äldreomsorgslag: krav på fast omsorgskontakt",
                Some(1_200_000.0),
                None,
            ),
            (
                5,
                20,
                "FSN",
                EventKind::Decision,
                "Bostad med särskild service",
                "Nämnden beslutar att öppna en ny gruppbostad med sex platser i oktober",
                Some(2_100_000.0),
                Some("FSN-J1"),
            ),
            (
                6,
                10,
                "PN",
                EventKind::NewAssignment,
                "Särskilt boende",
                "Uppdrag att ta fram en lokalförsörjningsplan för särskilt boende",
                None,
                None,
            ),
            (
                7,
                1,
                "VON",
                EventKind::External,
                "Vård- och omsorgsboende",
                "Värmebölja och hög korttidsfrånvaro under semesterperioden",
                Some(900_000.0),
                None,
            ),
            (
                8,
                15,
                "PN",
                EventKind::Decision,
                "Valfrihetssystem",
                "Indexuppräkning av ersättningen till externa utförare inom LOV",
                Some(3_200_000.0),
                Some("PN-J1"),
            ),
            (
                8,
                25,
                "SN",
                EventKind::Other,
                "Myndighetsutövning",
                "Nytt verksamhetssystem för individ- och familjeomsorgen driftsatt",
                Some(-400_000.0),
                None,
            ),
        ];
        let mut rng = self.rng(8);
        let keep = 6 + rng.below(5) as usize; // 6–10 events
        E.iter()
            .enumerate()
            .filter(|(_, e)| e.0 <= self.opts.cutoff_month)
            // The first `keep` events, and always those citing an adjustment the round has.
            .enumerate()
            .filter(|(i, (_, e))| *i < keep || e.7.is_some())
            .map(|(_, x)| x)
            .map(|(k, (m, d, c, kind, area, title, impact, adj))| Event {
                date: Date::new(y, *m, *d).expect("valid date"),
                committee: (*c).into(),
                code: format!("H{}", k + 1),
                kind: *kind,
                area: Some((*area).into()),
                title: (*title).into(),
                // Words only: the amount is in the table (R4: no unbound figures in text).
                // An effect that starts after the cut-off is not in the outcome to date: it
                // reaches the forecast only through the adjustment the event cites
                // (DEMO_ADJUSTMENTS); an earlier one is in the outcome the methods project.
                description: Some(
                    match (kind, impact, adj) {
                        (_, None, _) => "Förändringen genomförs inom befintlig budgetram.",
                        (_, Some(_), Some(_)) => {
                            "Kostnaden uppstår efter brytmånaden och ligger därför i prognosen \
                             som en justering."
                        }
                        (_, Some(i), None) if *i < 0.0 => {
                            "Händelsen sänker kostnaderna; effekten syns i utfallet hittills och \
                             därmed i prognosen."
                        }
                        (EventKind::External, _, None) => {
                            "Händelsen ligger utanför nämndens kontroll; kostnaden syns i \
                             utfallet hittills och därmed i prognosen."
                        }
                        _ => {
                            "Kostnaden syns i utfallet hittills och därmed i prognosen för \
                             resten av året."
                        }
                    }
                    .into(),
                ),
                impact: impact.map(kr),
                adjustment: adj.map(Into::into),
            })
            .collect()
    }

    #[allow(clippy::type_complexity)] // a literal table
    fn grants(&self) -> Vec<StateGrant> {
        const G: &[(&str, &str, f64, bool, bool, Option<&str>)] = &[
            (
                "PN",
                "Säkerställa god vård och omsorg av äldre",
                54_000_000.0,
                true,
                false,
                Some("Permanent"),
            ),
            (
                "PN",
                "Motverka ensamhet bland äldre",
                8_200_000.0,
                true,
                true,
                None,
            ),
            (
                "FSN",
                "Stimulansmedel för daglig verksamhet och habiliteringsersättning",
                6_200_000.0,
                true,
                true,
                Some("2026, 2027"),
            ),
            (
                "VON",
                "Äldreomsorgslyftet",
                22_900_000.0,
                true,
                true,
                Some("2026"),
            ),
            (
                "SN",
                "Subventioner av familjehemsplaceringar",
                1_400_000.0,
                true,
                true,
                Some("2026"),
            ),
            (
                "PN",
                "God och nära vård",
                6_500_000.0,
                false,
                false,
                Some("Beloppet avser både 2025 och 2026"),
            ),
            (
                "VON",
                "Prestationsbundet bidrag för fler sjuksköterskor i särskilt boende",
                15_500_000.0,
                true,
                false,
                None,
            ),
        ];
        // Use to date follows the months passed with some spread; the forecast lands between
        // 85 % and 100 % of the grant (a grant that must be repaid is planned to be used).
        let mut rng = self.rng(11);
        let passed = self.cutoff().month() as f64 / 12.0;
        G.iter()
            .enumerate()
            .map(|(k, (c, name, amount, rb, rep, coming))| {
                let forecast = (amount * rng.range_f64(0.85, 1.0) / 100_000.0).round() * 100_000.0;
                let used =
                    (forecast * passed * rng.range_f64(0.8, 1.05) / 100_000.0).round() * 100_000.0;
                StateGrant {
                    year: self.opts.year,
                    committee: (*c).into(),
                    code: format!("SB{}", k + 1),
                    name: (*name).into(),
                    amount: kr(*amount),
                    report_back: *rb,
                    repayable: *rep,
                    coming_years: coming.map(Into::into),
                    comment: None,
                    used_to_date: Some(kr(used.min(forecast))),
                    forecast_use: Some(kr(forecast)),
                }
            })
            .collect()
    }

    /// Population 31 December by age band: outcome for the complete years, forecast for the
    /// current one; about 150 000 inhabitants, the 80–84 band growing fastest.
    fn population(&self) -> Vec<Population> {
        // band, share of the total in the first year, yearly growth, share of women
        const B: &[(u8, Option<u8>, f64, f64, f64)] = &[
            (0, Some(5), 0.0735, 0.002, 0.487),
            (6, Some(15), 0.1190, 0.006, 0.486),
            (16, Some(19), 0.0455, 0.012, 0.484),
            (20, Some(64), 0.5800, 0.004, 0.493),
            (65, Some(79), 0.1400, 0.010, 0.522),
            (80, Some(84), 0.0240, 0.052, 0.566),
            (85, None, 0.0180, 0.014, 0.648),
        ];
        let mut rng = self.rng(9);
        let total0 = 148_600.0;
        let mut out = Vec::new();
        for y in self.opts.first_year..=self.opts.year {
            let i = (y - self.opts.first_year) as f64;
            for (from, to, share, growth, ws) in B {
                let t = (total0 * share * (1.0 + growth).powf(i) * rng.range_f64(0.998, 1.002))
                    .round() as i64;
                let w = (t as f64 * ws).round() as i64;
                out.push(Population {
                    year: y,
                    basis: if y < self.opts.year {
                        Basis::Outcome
                    } else {
                        Basis::Forecast
                    },
                    band: AgeBand {
                        from: *from,
                        to: *to,
                    },
                    women: w,
                    men: t - w,
                    total: t,
                });
            }
        }
        out
    }

    /// Decisions not carried out at the end of the cut-off month in every year, per committee
    /// and kind of decision, with waiting times. The three kinds that have a volume series in
    /// Exempelkommun's model (`ko_vob`, `ko_lss_boende`, `ko_kontaktfamilj`) take their totals
    /// from it, so the queue table and the volume chart agree.
    #[allow(clippy::type_complexity)] // a literal table
    fn queues(&self) -> Vec<Queue> {
        use crate::kommun::{KommunOptions, Model, FIRST_YEAR};
        // committee, law, decision, volume series (or base level), share of women, mean wait
        const Q: &[(&str, Law, &str, Result<&str, f64>, f64, f64)] = &[
            ("VON", Law::SoL, "Särskilt boende", Ok("ko_vob"), 0.64, 72.0),
            ("VON", Law::SoL, "Korttidsvistelse", Err(6.0), 0.58, 18.0),
            (
                "FSN",
                Law::Lss,
                "Bostad med särskild service",
                Ok("ko_lss_boende"),
                0.41,
                310.0,
            ),
            ("FSN", Law::Lss, "Daglig verksamhet", Err(9.0), 0.38, 45.0),
            (
                "SN",
                Law::SoL,
                "Kontaktfamilj",
                Ok("ko_kontaktfamilj"),
                0.47,
                95.0,
            ),
            ("SN", Law::SoL, "Boendestöd", Err(7.0), 0.45, 40.0),
        ];
        let model = Model::new(&KommunOptions {
            seed: self.opts.seed,
            cutoff: self.cutoff(),
            ..KommunOptions::default()
        });
        let month = self.cutoff().month();
        let mut rng = self.rng(12);
        let mut out = Vec::new();
        for year in self.opts.first_year..=self.opts.year {
            let m = YearMonth::new(year, month).expect("valid month");
            for (k, (committee, law, decision, level, women_share, wait)) in Q.iter().enumerate() {
                let from_series = level.ok().and_then(|code| {
                    let t = (year - FIRST_YEAR) * 12 + month as i32 - 1;
                    let s = model.volumes.get(code)?;
                    (t >= 0 && (t as usize) < s.values.len()).then(|| s.value(t as usize))
                });
                let total = match from_series {
                    Some(v) => v.round().max(0.0) as i64,
                    None => {
                        let base = level.err().unwrap_or(5.0);
                        let trend = 1.0 + 0.06 * (year - self.opts.first_year) as f64;
                        (base * trend * rng.range_f64(0.75, 1.25)).round() as i64
                    }
                };
                let women = (total as f64 * women_share * rng.range_f64(0.9, 1.1)).round() as i64;
                let women = women.clamp(0, total);
                // waits grow with the queue; the median sits below the mean (a long tail)
                let mean =
                    (wait * rng.range_f64(0.85, 1.15) * (1.0 + 0.004 * total as f64)).round();
                let over = ((total as f64) * (mean / (mean + 90.0)) * rng.range_f64(0.8, 1.0))
                    .round() as i64;
                out.push(Queue {
                    month: m,
                    committee: (*committee).into(),
                    law: *law,
                    decision: (*decision).into(),
                    // daglig verksamhet is counted without a breakdown by sex, as some
                    // systems do
                    women: (k != 3).then_some(women),
                    men: (k != 3).then_some(total - women),
                    total,
                    over_three_months: Some(over.clamp(0, total)),
                    mean_wait_days: (total > 0).then_some(mean),
                    median_wait_days: (total > 0).then_some((mean * 0.8).round()),
                    comment: None,
                });
            }
        }
        out
    }

    /// Kolada-style net cost per inhabitant for three areas, for Exempelkommun and four
    /// comparable municipalities, with the net cost deviation, for the complete years (Kolada
    /// publishes a year's values the year after).
    fn comparisons(&self) -> Vec<Comparison> {
        // area, Kolada id, Exempelkommun's kr/inv in the first year, growth, NKA %
        const A: &[(&str, &str, f64, f64, f64)] = &[
            ("Individ- och familjeomsorg", "N30809", 3_820.0, 0.035, 9.0),
            ("Äldreomsorg", "N20810", 14_450.0, 0.040, 9.5),
            (
                "Insatser till personer med funktionsnedsättning",
                "N28810",
                7_800.0,
                0.045,
                -1.9,
            ),
        ];
        const PEERS: &[&str] = &[
            "Jämförkommun A",
            "Jämförkommun B",
            "Jämförkommun C",
            "Jämförkommun D",
        ];
        let mut rng = self.rng(10);
        let mut out = Vec::new();
        for y in self.years() {
            let i = (y - self.opts.first_year) as f64;
            for (area, id, base, growth, nka) in A {
                let own = base * (1.0 + growth).powf(i) * rng.range_f64(0.99, 1.01);
                out.push(Comparison {
                    year: y,
                    area: (*area).into(),
                    kolada_id: Some((*id).into()),
                    municipality: "Exempelkommun".into(),
                    own: true,
                    cost_per_inhabitant: Some(kr(own)),
                    net_cost_deviation: Some(round(nka - 1.0 * i + rng.range_f64(-0.5, 0.5), 1)),
                });
                for (p, name) in PEERS.iter().enumerate() {
                    let level = [0.93, 1.05, 0.97, 1.10][p];
                    out.push(Comparison {
                        year: y,
                        area: (*area).into(),
                        kolada_id: Some((*id).into()),
                        municipality: (*name).into(),
                        own: false,
                        cost_per_inhabitant: Some(kr(own * level * rng.range_f64(0.98, 1.02))),
                        net_cost_deviation: Some(round(
                            (level - 1.0) * 100.0 + rng.range_f64(-2.0, 2.0),
                            1,
                        )),
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
