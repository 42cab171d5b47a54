//! Integrity checks on the registers (PRIMER §9, R9, R10, R12): findings in Swedish, never a
//! panic. The templates already reject values that cannot be read (a status word outside its
//! scale, a malformed number); these checks look at what is readable but inconsistent.

use crate::model::*;
use delar_core::YearMonth;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data contradicts itself; a report built on it would be wrong.
    Error,
    /// Probably a mistake or a gap; the report can still be built.
    Warning,
}

/// One integrity finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code (`kmt-sum`, `goal-without-indicators`, …).
    pub code: &'static str,
    /// The register (template name without `.csv`).
    pub register: &'static str,
    /// What it is about (an indicator code, a committee and period …).
    pub subject: String,
    /// What is wrong and what to do, in Swedish.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "fel",
            Severity::Warning => "varning",
        };
        write!(
            f,
            "{sev} [{}] {} {}: {}",
            self.code, self.register, self.subject, self.message
        )
    }
}

fn finding(
    severity: Severity,
    code: &'static str,
    register: &'static str,
    subject: impl Into<String>,
    message: impl Into<String>,
) -> Finding {
    Finding {
        severity,
        code,
        register,
        subject: subject.into(),
        message: message.into(),
    }
}

/// A number in Swedish notation for messages: thousands separated by a non-breaking space,
/// decimal comma, real minus sign, no needless decimals (`19 342`, `−0,5`).
pub fn sv(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    let decimals = format!("{r}")
        .split_once('.')
        .map_or(0, |(_, d)| d.len() as u8);
    delar_core::money::format_decimal(r, decimals)
}

/// Tolerance for a value shown with `decimals` decimals: half a unit of the last decimal.
fn half_unit(decimals: u8) -> f64 {
    0.5 * 10f64.powi(-(decimals.min(6) as i32)) + 1e-9
}

/// Check a K/M/T triple. `Count`: women + men = total (within rounding); `Share`/`Value`:
/// total between women and men. Shares must lie within 0–100. Returns Swedish messages.
pub fn check_kmt(kmt: &Kmt, measure: MeasureKind, decimals: u8) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let tol = half_unit(decimals);
    if measure == MeasureKind::Share {
        for (label, v) in [
            ("kvinnor", kmt.women),
            ("män", kmt.men),
            ("totalt", kmt.total),
        ] {
            if let Some(v) = v {
                if !(0.0..=100.0).contains(&v) {
                    out.push((
                        "share-range",
                        format!("andelen för {label} är {} %, utanför 0–100 %.", sv(v)),
                    ));
                }
            }
        }
    }
    if let (Some(w), Some(m), Some(t)) = (kmt.women, kmt.men, kmt.total) {
        match measure {
            MeasureKind::Count | MeasureKind::Sum => {
                // Whole counts add up exactly; counts with decimals may each be rounded by
                // half a unit.
                let allowed = if decimals == 0 { 1e-9 } else { 3.0 * tol };
                if (w + m - t).abs() > allowed {
                    out.push((
                        "kmt-sum",
                        format!(
                            "kvinnor + män = {} + {} = {}, men totalt är {}. Rätta så att \
                             summan stämmer.",
                            sv(w),
                            sv(m),
                            sv(w + m),
                            sv(t)
                        ),
                    ));
                }
            }
            MeasureKind::Share | MeasureKind::Value => {
                if t < w.min(m) - tol || t > w.max(m) + tol {
                    out.push((
                        "kmt-range",
                        format!(
                            "totalt {} ligger inte mellan kvinnor {} och män {}. Ett totalvärde \
                             för en andel eller ett nyckeltal måste ligga mellan könens värden.",
                            sv(t),
                            sv(w),
                            sv(m)
                        ),
                    ));
                }
            }
        }
    } else if (kmt.women.is_some() || kmt.men.is_some()) && kmt.total.is_none() {
        out.push((
            "kmt-missing-total",
            "värden för kvinnor eller män utan totalt. Fyll i totalt.".to_string(),
        ));
    }
    out
}

/// All integrity checks over every register.
pub fn validate(data: &FollowupData) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(validate_goals(data));
    out.extend(validate_indicators(data));
    out.extend(validate_commitments(data));
    out.extend(validate_money(data));
    out.extend(validate_staff(&data.staff));
    out.extend(validate_population(&data.population));
    out.extend(validate_comparisons(&data.comparisons));
    out.extend(validate_queues(&data.queues));
    out
}

/// The goal hierarchy, classifications and texts: parents exist and sit one level up, codes
/// are unique per year, every committee goal has indicators (R12), every goal area has an
/// analysis text for each committee that has goals under it, "ej relevant" has a reason.
pub fn validate_goals(data: &FollowupData) -> Vec<Finding> {
    const R: &str = "mal";
    let mut out = Vec::new();
    let mut by_key: HashMap<(i32, &str), &Goal> = HashMap::new();
    for g in &data.goals {
        if by_key.insert((g.year, g.code.as_str()), g).is_some() {
            out.push(finding(
                Severity::Error,
                "duplicate-goal",
                R,
                format!("{} {}", g.year, g.code),
                "målkoden förekommer två gånger samma år. Varje mål ska ha en egen kod.",
            ));
        }
    }
    for g in &data.goals {
        let subject = format!("{} {}", g.year, g.code);
        let want = match g.level {
            GoalLevel::Area => None,
            GoalLevel::Council => Some(GoalLevel::Area),
            GoalLevel::Committee => Some(GoalLevel::Council),
        };
        match (want, &g.parent) {
            (None, Some(_)) => out.push(finding(
                Severity::Error,
                "goal-parent",
                R,
                &subject,
                "ett målområde ska inte ha något överordnat mål. Töm kolumnen överordnad.",
            )),
            (Some(w), None) => out.push(finding(
                Severity::Error,
                "goal-parent",
                R,
                &subject,
                format!("överordnat mål saknas; ange koden för ett {}.", w.label()),
            )),
            (Some(w), Some(p)) => match by_key.get(&(g.year, p.as_str())) {
                None => out.push(finding(
                    Severity::Error,
                    "unknown-goal",
                    R,
                    &subject,
                    format!("det överordnade målet \"{p}\" finns inte för {}.", g.year),
                )),
                Some(pg) if pg.level != w => out.push(finding(
                    Severity::Error,
                    "goal-parent",
                    R,
                    &subject,
                    format!(
                        "det överordnade målet \"{p}\" är ett {}, men ska vara ett {}.",
                        pg.level.label(),
                        w.label()
                    ),
                )),
                _ => {}
            },
            (None, None) => {}
        }
        if g.level == GoalLevel::Committee && g.committee.is_none() {
            out.push(finding(
                Severity::Error,
                "goal-committee",
                R,
                &subject,
                "ett nämndmål måste ange nämnd.",
            ));
        }
    }
    // R12: every committee goal has at least one indicator; goal areas have an analysis.
    let followed: HashSet<&str> = data.indicators.iter().map(|i| i.goal.as_str()).collect();
    for g in data
        .goals
        .iter()
        .filter(|g| g.level == GoalLevel::Committee)
    {
        if !followed.contains(g.code.as_str()) {
            out.push(finding(
                Severity::Error,
                "goal-without-indicators",
                R,
                format!("{} {}", g.year, g.code),
                format!(
                    "nämndmålet \"{}\" har inga indikatorer. Koppla minst en indikator till \
                     målet i indikatorer.csv.",
                    g.name
                ),
            ));
        }
    }
    let area_of = |year: i32, code: &str| -> Option<String> {
        let mut cur = by_key.get(&(year, code))?;
        for _ in 0..3 {
            if cur.level == GoalLevel::Area {
                return Some(cur.code.clone());
            }
            cur = by_key.get(&(year, cur.parent.as_deref()?))?;
        }
        None
    };
    let mut needs_text: BTreeSet<(i32, String, String)> = BTreeSet::new();
    for g in data
        .goals
        .iter()
        .filter(|g| g.level == GoalLevel::Committee)
    {
        if let (Some(c), Some(a)) = (&g.committee, area_of(g.year, &g.code)) {
            needs_text.insert((g.year, c.clone(), a));
        }
    }
    let has_text: HashSet<(i32, &str, &str)> = data
        .texts
        .iter()
        .filter(|t| t.kind == GoalTextKind::Analysis)
        .map(|t| (t.year, t.committee.as_str(), t.goal.as_str()))
        .collect();
    for (y, c, a) in &needs_text {
        if !has_text.contains(&(*y, c.as_str(), a.as_str())) {
            out.push(finding(
                Severity::Error,
                "goal-without-text",
                R,
                format!("{y} {c} {a}"),
                "målområdet har nämndmål men ingen sammanfattande analys. Skriv analysen i \
                 maltexter.csv.",
            ));
        }
    }
    for t in &data.texts {
        if !by_key.contains_key(&(t.year, t.goal.as_str())) {
            out.push(finding(
                Severity::Error,
                "unknown-goal",
                "maltexter",
                format!("{} {} {}", t.year, t.committee, t.goal),
                format!("målet \"{}\" finns inte i mal.csv för {}.", t.goal, t.year),
            ));
        }
    }
    let mut seen_class = HashSet::new();
    for c in &data.classifications {
        let subject = format!("{} {} {}", c.year, c.committee, c.goal);
        match by_key.get(&(c.year, c.goal.as_str())) {
            None => out.push(finding(
                Severity::Error,
                "unknown-goal",
                "malklassning",
                &subject,
                format!("målet \"{}\" finns inte i mal.csv för {}.", c.goal, c.year),
            )),
            Some(g) if g.level != GoalLevel::Council => out.push(finding(
                Severity::Error,
                "goal-parent",
                "malklassning",
                &subject,
                "bara kommunfullmäktigemål klassas (åtagande, grunduppdrag, ej relevant).",
            )),
            _ => {}
        }
        if c.kind == GoalClassKind::NotRelevant && c.reason.as_deref().unwrap_or("").is_empty() {
            out.push(finding(
                Severity::Error,
                "missing-reason",
                "malklassning",
                &subject,
                "\"ej relevant\" kräver en motivering.",
            ));
        }
        if !seen_class.insert((c.year, c.committee.as_str(), c.goal.as_str())) {
            out.push(finding(
                Severity::Error,
                "duplicate-classification",
                "malklassning",
                &subject,
                "nämnden har klassat målet två gånger samma år.",
            ));
        }
    }
    out
}

/// Indicators and their values: known goal, one value per indicator, year, kind and month
/// (R10), K/M/T consistent (R9), no word in an outcome, a value or "i.u." for every indicator
/// in every year that has values (R12).
pub fn validate_indicators(data: &FollowupData) -> Vec<Finding> {
    const R: &str = "indikatorer";
    const V: &str = "indikatorvarden";
    let mut out = Vec::new();
    let goal_codes: HashSet<&str> = data.goals.iter().map(|g| g.code.as_str()).collect();
    let mut defs: HashMap<&str, &Indicator> = HashMap::new();
    for i in &data.indicators {
        if defs.insert(i.code.as_str(), i).is_some() {
            out.push(finding(
                Severity::Error,
                "duplicate-indicator",
                R,
                &i.code,
                "indikatorkoden förekommer två gånger.",
            ));
        }
        if !data.goals.is_empty() && !goal_codes.contains(i.goal.as_str()) {
            out.push(finding(
                Severity::Error,
                "unknown-goal",
                R,
                &i.code,
                format!("målet \"{}\" finns inte i mal.csv.", i.goal),
            ));
        }
        if let Polarity::Range(lo, hi) = i.polarity {
            if lo > hi {
                out.push(finding(
                    Severity::Error,
                    "polarity-range",
                    R,
                    &i.code,
                    format!("intervallet {}–{} är omvänt.", sv(lo), sv(hi)),
                ));
            }
        }
        if let Some(Err(e)) = crate::sources::source_of(i) {
            out.push(finding(Severity::Error, "source-id", R, &i.code, e));
        }
        if i.source == SourceKind::Kolada && i.source_id.is_none() {
            out.push(finding(
                Severity::Warning,
                "missing-kolada-id",
                R,
                &i.code,
                "källan är Kolada men Kolada-id saknas.",
            ));
        }
    }
    let mut seen: HashMap<(&str, i32, ValueKind), usize> = HashMap::new();
    let mut years_with_values: BTreeMap<i32, HashSet<&str>> = BTreeMap::new();
    for v in &data.values {
        let subject = format!("{} {} {}", v.indicator, v.year, kind_text(v.kind));
        *seen
            .entry((v.indicator.as_str(), v.year, v.kind))
            .or_default() += 1;
        years_with_values
            .entry(v.year)
            .or_default()
            .insert(v.indicator.as_str());
        let Some(def) = defs.get(v.indicator.as_str()) else {
            out.push(finding(
                Severity::Error,
                "unknown-indicator",
                V,
                &subject,
                format!(
                    "indikatorn \"{}\" finns inte i indikatorer.csv.",
                    v.indicator
                ),
            ));
            continue;
        };
        if let ValueKind::ToDate(m) = v.kind {
            if m.year() != v.year {
                out.push(finding(
                    Severity::Error,
                    "period-year",
                    V,
                    &subject,
                    format!("månaden {m} ligger inte i år {}.", v.year),
                ));
            }
        }
        match v.figure {
            Figure::Word(_) if matches!(v.kind, ValueKind::Outcome | ValueKind::ToDate(_)) => out
                .push(finding(
                    Severity::Error,
                    "word-in-outcome",
                    V,
                    &subject,
                    "ett utfall måste vara ett tal eller i.u., inte ett riktningsord.",
                )),
            Figure::Number(k) => {
                if !def.by_sex && (k.women.is_some() || k.men.is_some()) {
                    out.push(finding(
                        Severity::Warning,
                        "kmt-not-expected",
                        V,
                        &subject,
                        "indikatorn redovisas inte per kön men värdet har kvinnor/män.",
                    ));
                }
                for (code, msg) in check_kmt(&k, def.measure, def.decimals) {
                    out.push(finding(Severity::Error, code, V, &subject, msg));
                }
            }
            _ => {}
        }
    }
    out.extend(accumulating_below_to_date(data, &defs));
    for ((ind, year, kind), n) in &seen {
        if *n > 1 {
            out.push(finding(
                Severity::Error,
                "duplicate-value",
                V,
                format!("{ind} {year} {}", kind_text(*kind)),
                format!(
                    "indikatorn har {n} värden för samma period. En indikator ska ha ett värde \
                     per period; ta bort dubbletten."
                ),
            ));
        }
    }
    // R12: an indicator must carry a value (or "i.u.") in each year any indicator has one;
    // not one whose values come from the ledger or another register.
    for (year, present) in &years_with_values {
        for i in data
            .indicators
            .iter()
            .filter(|i| i.source != SourceKind::Ledger && crate::sources::source_of(i).is_none())
        {
            if !present.contains(i.code.as_str()) {
                out.push(finding(
                    Severity::Warning,
                    "indicator-without-value",
                    V,
                    format!("{} {year}", i.code),
                    "indikatorn saknar värde för året. Ange ett värde eller i.u.",
                ));
            }
        }
    }
    out.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.code.cmp(b.code)));
    out
}

/// A count that accumulates over the year (`MeasureKind::Sum`) cannot end the year below
/// what it has reached: its outcome and forecast must be at least its latest value to date.
fn accumulating_below_to_date(
    data: &FollowupData,
    defs: &HashMap<&str, &Indicator>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let total = |f: &Figure| match f {
        Figure::Number(k) => k.total,
        _ => None,
    };
    let mut latest: HashMap<(&str, i32), (YearMonth, f64)> = HashMap::new();
    for v in &data.values {
        let (ValueKind::ToDate(m), Some(t)) = (v.kind, total(&v.figure)) else {
            continue;
        };
        if defs.get(v.indicator.as_str()).map(|d| d.measure) != Some(MeasureKind::Sum) {
            continue;
        }
        let e = latest
            .entry((v.indicator.as_str(), v.year))
            .or_insert((m, t));
        if m > e.0 {
            *e = (m, t);
        }
    }
    for v in &data.values {
        let what = match v.kind {
            ValueKind::Forecast => "helårsprognosen",
            ValueKind::Outcome => "utfallet för året",
            _ => continue,
        };
        let (Some(x), Some((m, t))) = (
            total(&v.figure),
            latest.get(&(v.indicator.as_str(), v.year)),
        ) else {
            continue;
        };
        let d = defs[v.indicator.as_str()].decimals;
        if x < *t - half_unit(d) {
            out.push(finding(
                Severity::Error,
                "sum-below-to-date",
                "indikatorvarden",
                format!("{} {} {}", v.indicator, v.year, kind_text(v.kind)),
                format!(
                    "{what} {} är lägre än värdet hittills {} (till och med {m}), men \
                     indikatorn räknas samman under året (mått summa) och kan inte minska. Rätta \
                     {what} eller värdet hittills.",
                    sv(x),
                    sv(*t)
                ),
            ));
        }
    }
    out
}

fn kind_text(k: ValueKind) -> String {
    match k {
        ValueKind::ToDate(m) => format!("hittills {m}"),
        k => k.word().label().to_string(),
    }
}

/// Commitments: a commitment has at least one ticked box, an assignment a status; codes are
/// unique per committee and year; goals exist.
pub fn validate_commitments(data: &FollowupData) -> Vec<Finding> {
    const R: &str = "uppdrag";
    let mut out = Vec::new();
    let goals: HashSet<(i32, &str)> = data
        .goals
        .iter()
        .map(|g| (g.year, g.code.as_str()))
        .collect();
    let mut seen = HashSet::new();
    for c in &data.commitments {
        let subject = format!("{} {} {}", c.year, c.committee, c.code);
        if !seen.insert((c.year, c.committee.as_str(), c.code.as_str())) {
            out.push(finding(
                Severity::Error,
                "duplicate-commitment",
                R,
                &subject,
                "koden förekommer två gånger för nämnden samma år.",
            ));
        }
        match (&c.kind, &c.status) {
            (CommitmentKind::Commitment, CommitmentStatus::Flags(f)) if f.is_empty() => {
                out.push(finding(
                    Severity::Error,
                    "status-missing",
                    R,
                    &subject,
                    "åtagandet har ingen status. Ange Pågår, Planeras eller Behöver stöd.",
                ))
            }
            (CommitmentKind::Commitment, CommitmentStatus::Progress { .. }) => out.push(finding(
                Severity::Error,
                "status-scale",
                R,
                &subject,
                "ett åtagande har statusskalan Pågår / Planeras / Behöver stöd.",
            )),
            (_, CommitmentStatus::Flags(_)) if c.kind != CommitmentKind::Commitment => {
                out.push(finding(
                    Severity::Error,
                    "status-scale",
                    R,
                    &subject,
                    "ett uppdrag eller en aktivitet har statusskalan Genomfört / Pågår / Kvarstår.",
                ))
            }
            (
                _,
                CommitmentStatus::Progress {
                    current: AssignmentStatus::Done,
                    forecast,
                },
            ) if *forecast != AssignmentStatus::Done => out.push(finding(
                Severity::Error,
                "status-forecast",
                R,
                &subject,
                "uppdraget är genomfört men prognosen för året säger något annat.",
            )),
            _ => {}
        }
        if let Some(g) = &c.goal {
            if !data.goals.is_empty() && !goals.contains(&(c.year, g.as_str())) {
                out.push(finding(
                    Severity::Error,
                    "unknown-goal",
                    R,
                    &subject,
                    format!("målet \"{g}\" finns inte i mal.csv för {}.", c.year),
                ));
            }
        }
    }
    out
}

/// Efficiency measures, investments, events, grants: unique codes and plausible amounts.
pub fn validate_money(data: &FollowupData) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for e in &data.efficiency {
        let subject = format!("{} {} {}", e.month.year(), e.committee, e.code);
        if !seen.insert((e.month.year(), e.committee.as_str(), e.code.as_str())) {
            out.push(finding(
                Severity::Error,
                "duplicate-measure",
                "effektiviseringar",
                &subject,
                "åtgärden förekommer två gånger samma år.",
            ));
        }
        if let (Some(f), Some(d)) = (e.forecast, e.to_date) {
            if d.ore().signum() == f.ore().signum() && d.ore().abs() > f.ore().abs() {
                out.push(finding(
                    Severity::Warning,
                    "effect-above-forecast",
                    "effektiviseringar",
                    &subject,
                    "effekten hittills är större än prognosen för helåret.",
                ));
            }
        }
    }
    let mut seen = HashSet::new();
    for i in &data.investments {
        let subject = format!("{} {} {}", i.month.year(), i.committee, i.project);
        if !seen.insert((i.month.year(), i.committee.as_str(), i.project.as_str())) {
            out.push(finding(
                Severity::Error,
                "duplicate-investment",
                "investeringar",
                &subject,
                "projektet förekommer två gånger samma år.",
            ));
        }
        if i.status == InvestmentStatus::NotStarted && !i.outcome.is_zero() {
            out.push(finding(
                Severity::Error,
                "not-started-with-outcome",
                "investeringar",
                &subject,
                format!(
                    "status Ej påbörjad men utfallet hittills är {} kr. Ett projekt med utfall har \
                     påbörjats: ange status Pågår (eller Försenad), eller rätta utfallet.",
                    i.outcome.format(delar_core::Unit::Kr, 0)
                ),
            ));
        }
        if i.outcome.ore() > 0
            && i.forecast.ore() >= 0
            && i.outcome > i.forecast
            && i.status != InvestmentStatus::Finished
        {
            out.push(finding(
                Severity::Warning,
                "outcome-above-forecast",
                "investeringar",
                &subject,
                "utfallet hittills är större än prognosen för helåret.",
            ));
        }
    }
    let mut seen = HashSet::new();
    for e in &data.events {
        if !seen.insert((e.date.year(), e.committee.as_str(), e.code.as_str())) {
            out.push(finding(
                Severity::Error,
                "duplicate-event",
                "handelser",
                format!("{} {}", e.committee, e.code),
                "händelsens kod förekommer två gånger samma år.",
            ));
        }
    }
    let mut seen = HashSet::new();
    for g in &data.grants {
        if !seen.insert((g.year, g.committee.as_str(), g.code.as_str())) {
            out.push(finding(
                Severity::Error,
                "duplicate-grant",
                "statsbidrag",
                format!("{} {} {}", g.year, g.committee, g.code),
                "statsbidraget förekommer två gånger samma år.",
            ));
        }
        let subject = format!("{} {} {}", g.year, g.committee, g.code);
        let negative = [g.used_to_date, g.forecast_use]
            .iter()
            .any(|a| a.is_some_and(|a| a.ore() < 0));
        if g.amount.ore() < 0 || negative {
            out.push(finding(
                Severity::Error,
                "negative",
                "statsbidrag",
                &subject,
                "belopp och förbrukning anges positiva (kronor som bidraget ger och som används).",
            ));
        }
        if let (Some(d), Some(f)) = (g.used_to_date, g.forecast_use) {
            if d > f {
                out.push(finding(
                    Severity::Warning,
                    "used-above-forecast",
                    "statsbidrag",
                    &subject,
                    "förbrukat hittills är större än prognosen för helåret.",
                ));
            }
        }
        if g.forecast_use.is_some_and(|f| f > g.amount) {
            out.push(finding(
                Severity::Warning,
                "use-above-grant",
                "statsbidrag",
                &subject,
                "prognosen för förbrukningen är större än bidraget; det överskjutande belastar \
                 nämndens budget.",
            ));
        }
    }
    out
}

/// Staff: headcount women + men = total; sick-leave rates in 0–100 with the total between
/// the sexes and equal (within 0,5 percentage points) to the headcount-weighted mean;
/// short-term ≤ total sick leave; shares in 0–100; one row per committee and period.
pub fn validate_staff(staff: &[StaffFigures]) -> Vec<Finding> {
    const R: &str = "personal";
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for s in staff {
        let subject = format!("{} {}", s.committee, s.month);
        if !seen.insert((s.committee.as_str(), s.month)) {
            out.push(finding(
                Severity::Error,
                "duplicate-staff",
                R,
                &subject,
                "nämnden har två rader för samma period.",
            ));
        }
        for (code, msg) in check_kmt(&s.headcount, MeasureKind::Count, 0) {
            out.push(finding(
                Severity::Error,
                code,
                R,
                &subject,
                format!("antal anställda: {msg}"),
            ));
        }
        for (label, k) in [
            ("sjukfrånvaro", &s.sick_leave),
            ("korttidssjukfrånvaro", &s.short_sick_leave),
        ] {
            for (code, msg) in check_kmt(k, MeasureKind::Share, 1) {
                out.push(finding(
                    Severity::Error,
                    code,
                    R,
                    &subject,
                    format!("{label}: {msg}"),
                ));
            }
            if let (Some(w), Some(m), Some(t), Some(hw), Some(hm)) =
                (k.women, k.men, k.total, s.headcount.women, s.headcount.men)
            {
                if hw + hm > 0.0 {
                    let weighted = (w * hw + m * hm) / (hw + hm);
                    if (weighted - t).abs() > 0.5 {
                        out.push(finding(
                            Severity::Error,
                            "kmt-weighted",
                            R,
                            &subject,
                            format!(
                                "{label}: totalt {} % stämmer inte med kvinnors {} % och mäns {} \
                                 % vägt med antalet anställda ({} %).",
                                sv(t),
                                sv(w),
                                sv(m),
                                sv((weighted * 10.0).round() / 10.0)
                            ),
                        ));
                    }
                }
            }
        }
        for (label, a, b) in [
            ("kvinnor", s.short_sick_leave.women, s.sick_leave.women),
            ("män", s.short_sick_leave.men, s.sick_leave.men),
            ("totalt", s.short_sick_leave.total, s.sick_leave.total),
        ] {
            if let (Some(a), Some(b)) = (a, b) {
                if a > b + 1e-9 {
                    out.push(finding(
                        Severity::Error,
                        "short-above-total",
                        R,
                        &subject,
                        format!(
                            "korttidssjukfrånvaron för {label} ({} %) är större än den totala \
                             sjukfrånvaron ({} %).",
                            sv(a),
                            sv(b)
                        ),
                    ));
                }
            }
        }
        for (label, v) in [
            ("andel heltid", s.full_time_share),
            ("andel timavlönade", s.hourly_paid_share),
            ("personalomsättning", s.turnover),
        ] {
            if let Some(v) = v {
                if !(0.0..=100.0).contains(&v) {
                    out.push(finding(
                        Severity::Error,
                        "share-range",
                        R,
                        &subject,
                        format!("{label} är {} %, utanför 0–100 %.", sv(v)),
                    ));
                }
            }
        }
        if s.fte < 0.0 || s.employees_per_manager.is_some_and(|e| e <= 0.0) {
            out.push(finding(
                Severity::Error,
                "negative",
                R,
                &subject,
                "årsarbetare och medarbetare per chef måste vara större än noll.",
            ));
        }
    }
    out
}

/// Population: women + men = total, bands of a year do not overlap, one row per year, basis
/// and band.
pub fn validate_population(rows: &[Population]) -> Vec<Finding> {
    const R: &str = "befolkning";
    let mut out = Vec::new();
    let mut by_year: BTreeMap<(i32, Basis), Vec<AgeBand>> = BTreeMap::new();
    for p in rows {
        let subject = format!("{} {}", p.year, p.band);
        if p.women + p.men != p.total {
            out.push(finding(
                Severity::Error,
                "kmt-sum",
                R,
                &subject,
                format!(
                    "kvinnor + män = {} + {} = {}, men totalt är {}.",
                    p.women,
                    p.men,
                    p.women + p.men,
                    p.total
                ),
            ));
        }
        if p.women < 0 || p.men < 0 {
            out.push(finding(
                Severity::Error,
                "negative",
                R,
                &subject,
                "antal personer kan inte vara negativt.",
            ));
        }
        let bands = by_year.entry((p.year, p.basis)).or_default();
        if let Some(b) = bands.iter().find(|b| b.overlaps(&p.band)) {
            out.push(finding(
                Severity::Error,
                "band-overlap",
                R,
                &subject,
                format!(
                    "åldersgruppen överlappar {b} samma år. Varje ålder ska bara räknas en gång."
                ),
            ));
        }
        bands.push(p.band);
    }
    out
}

/// Comparisons: one row per year, area and municipality, exactly one own municipality per
/// year and area.
pub fn validate_comparisons(rows: &[Comparison]) -> Vec<Finding> {
    const R: &str = "jamforelser";
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut own: BTreeMap<(i32, &str), usize> = BTreeMap::new();
    for c in rows {
        let subject = format!("{} {} {}", c.year, c.area, c.municipality);
        if !seen.insert((c.year, c.area.as_str(), c.municipality.as_str())) {
            out.push(finding(
                Severity::Error,
                "duplicate-comparison",
                R,
                &subject,
                "kommunen har två värden för samma område och år.",
            ));
        }
        *own.entry((c.year, c.area.as_str())).or_default() += usize::from(c.own);
        if c.cost_per_inhabitant.is_some_and(|a| a.ore() < 0) {
            out.push(finding(
                Severity::Warning,
                "negative",
                R,
                &subject,
                "negativ kostnad per invånare.",
            ));
        }
    }
    for ((year, area), n) in own {
        if n != 1 {
            out.push(finding(
                Severity::Error,
                "own-municipality",
                R,
                format!("{year} {area}"),
                format!("{n} rader är markerade som egen kommun; det ska vara exakt en."),
            ));
        }
    }
    out
}

/// Queues (decisions not carried out): women + men = total, of which waiting more than three
/// months ≤ total, counts and waiting times not negative, one row per month, committee, law
/// and kind of decision.
pub fn validate_queues(rows: &[Queue]) -> Vec<Finding> {
    const R: &str = "koer";
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for q in rows {
        let subject = format!(
            "{} {} {} {}",
            q.month,
            q.committee,
            q.law.label(),
            q.decision
        );
        if !seen.insert((q.month, q.committee.as_str(), q.law, norm(&q.decision))) {
            out.push(finding(
                Severity::Error,
                "duplicate-queue",
                R,
                &subject,
                "insatsen förekommer två gånger för samma nämnd och månad. Slå ihop raderna.",
            ));
        }
        match (q.women, q.men) {
            (Some(w), Some(m)) if w + m != q.total => out.push(finding(
                Severity::Error,
                "kmt-sum",
                R,
                &subject,
                format!(
                    "kvinnor + män = {w} + {m} = {}, men totalt är {}.",
                    w + m,
                    q.total
                ),
            )),
            (Some(_), None) | (None, Some(_)) => out.push(finding(
                Severity::Error,
                "kmt-sum",
                R,
                &subject,
                "antal för bara det ena könet; fyll i både kvinnor och män eller ingen.",
            )),
            _ => {}
        }
        if q.over_three_months.is_some_and(|o| o > q.total) {
            out.push(finding(
                Severity::Error,
                "of-which-above-total",
                R,
                &subject,
                format!(
                    "varav över tre månader ({}) är större än totalt ({}).",
                    q.over_three_months.unwrap_or(0),
                    q.total
                ),
            ));
        }
        let negative_count = [q.women, q.men, Some(q.total), q.over_three_months]
            .iter()
            .any(|v| v.is_some_and(|v| v < 0));
        let negative_wait = [q.mean_wait_days, q.median_wait_days]
            .iter()
            .any(|v| v.is_some_and(|v| v < 0.0));
        if negative_count || negative_wait {
            out.push(finding(
                Severity::Error,
                "negative",
                R,
                &subject,
                "antal och väntetider kan inte vara negativa.",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::YearMonth;

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|x| x.code).collect()
    }

    fn goal(code: &str, level: GoalLevel, parent: Option<&str>, committee: Option<&str>) -> Goal {
        Goal {
            year: 2025,
            code: code.into(),
            level,
            name: format!("Mål {code}"),
            parent: parent.map(Into::into),
            committee: committee.map(Into::into),
            cluster: None,
            description: None,
        }
    }

    fn indicator(code: &str, goal: &str, measure: MeasureKind) -> Indicator {
        Indicator {
            code: code.into(),
            name: code.into(),
            goal: goal.into(),
            committee: Some("SN".into()),
            unit: "%".into(),
            decimals: 0,
            measure,
            definition: None,
            source: SourceKind::Survey,
            source_id: None,
            publication_month: Some(10),
            polarity: Polarity::Higher,
            by_sex: true,
        }
    }

    fn value(ind: &str, kind: ValueKind, figure: Figure) -> IndicatorValue {
        IndicatorValue {
            indicator: ind.into(),
            year: 2025,
            kind,
            figure,
            comment: None,
        }
    }

    fn base() -> FollowupData {
        FollowupData {
            goals: vec![
                goal("MO1", GoalLevel::Area, None, None),
                goal("KF1", GoalLevel::Council, Some("MO1"), None),
                goal("SN1", GoalLevel::Committee, Some("KF1"), Some("SN")),
            ],
            texts: vec![GoalText {
                year: 2025,
                committee: "SN".into(),
                goal: "MO1".into(),
                kind: GoalTextKind::Analysis,
                text: "Analys".into(),
            }],
            indicators: vec![indicator("I1", "SN1", MeasureKind::Share)],
            values: vec![value(
                "I1",
                ValueKind::Outcome,
                Figure::Number(Kmt::new(89.0, 90.0, 89.0)),
            )],
            ..Default::default()
        }
    }

    #[test]
    fn an_accumulating_count_cannot_end_the_year_below_its_value_to_date() {
        // Care days: 19 342 by August, forecast 19 207 for the year.
        let mut d = base();
        let mut days = indicator("I2", "SN1", MeasureKind::Sum);
        days.by_sex = false;
        days.unit = "dygn".into();
        d.indicators.push(days);
        let aug = ValueKind::ToDate(YearMonth::new(2025, 8).unwrap());
        let jun = ValueKind::ToDate(YearMonth::new(2025, 6).unwrap());
        d.values
            .push(value("I2", jun, Figure::Number(Kmt::total(14_100.0))));
        d.values
            .push(value("I2", aug, Figure::Number(Kmt::total(19_342.0))));
        d.values.push(value(
            "I2",
            ValueKind::Forecast,
            Figure::Number(Kmt::total(19_207.0)),
        ));
        let f = validate(&d);
        assert_eq!(codes(&f), vec!["sum-below-to-date"], "{f:?}");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(f[0].message.contains("19\u{a0}207"), "{}", f[0].message);
        assert!(f[0].message.contains("19\u{a0}342"), "{}", f[0].message);
        assert!(f[0].message.contains("2025-08"), "{}", f[0].message);
        // A forecast at least the value to date passes; so does the same pair for a count
        // that does not accumulate (people placed, which may fall).
        d.values.last_mut().unwrap().figure = Figure::Number(Kmt::total(28_900.0));
        assert_eq!(validate(&d), vec![]);
        d.values.last_mut().unwrap().figure = Figure::Number(Kmt::total(19_207.0));
        d.indicators.last_mut().unwrap().measure = MeasureKind::Count;
        assert_eq!(validate(&d), vec![]);
    }

    #[test]
    fn an_investment_not_started_has_no_outcome() {
        let mut d = base();
        let mut i = Investment {
            month: YearMonth::new(2025, 8).unwrap(),
            committee: "SN".into(),
            project: "SN-I1".into(),
            name: "Inventarier".into(),
            category: None,
            budget: delar_core::Amount::from_ore(500_000 * 100),
            outcome: delar_core::Amount::from_ore(200_000 * 100),
            forecast: delar_core::Amount::from_ore(500_000 * 100),
            status: InvestmentStatus::NotStarted,
            comment: None,
        };
        d.investments.push(i.clone());
        let f = validate(&d);
        assert_eq!(codes(&f), vec!["not-started-with-outcome"], "{f:?}");
        assert!(f[0].message.contains("200\u{a0}000 kr"), "{}", f[0].message);
        i.status = InvestmentStatus::Ongoing;
        d.investments = vec![i];
        assert_eq!(validate(&d), vec![]);
    }

    #[test]
    fn consistent_data_has_no_findings() {
        assert_eq!(validate(&base()), vec![]);
    }

    #[test]
    fn kmt_rules_per_measure() {
        assert_eq!(
            codes_of(check_kmt(
                &Kmt::new(40.0, 45.0, 86.0),
                MeasureKind::Count,
                0
            )),
            vec!["kmt-sum"]
        );
        assert!(check_kmt(&Kmt::new(40.0, 45.0, 85.0), MeasureKind::Count, 0).is_empty());
        assert_eq!(
            codes_of(check_kmt(
                &Kmt::new(89.0, 90.0, 92.0),
                MeasureKind::Share,
                0
            )),
            vec!["kmt-range"]
        );
        // Rounding: T may sit half a unit outside.
        assert!(check_kmt(&Kmt::new(89.0, 90.0, 90.4), MeasureKind::Share, 0).is_empty());
        assert_eq!(
            codes_of(check_kmt(
                &Kmt::new(101.0, 90.0, 95.0),
                MeasureKind::Share,
                0
            )),
            vec!["share-range"]
        );
    }

    fn codes_of(v: Vec<(&'static str, String)>) -> Vec<&'static str> {
        v.into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn women_plus_men_not_total_is_a_finding_not_a_crash() {
        let mut d = base();
        d.indicators
            .push(indicator("I2", "SN1", MeasureKind::Count));
        d.values.push(value(
            "I2",
            ValueKind::Outcome,
            Figure::Number(Kmt::new(75_864.0, 74_427.0, 150_192.0)),
        ));
        let f = validate(&d);
        assert_eq!(codes(&f), vec!["kmt-sum"]);
        assert!(f[0].message.contains("150\u{a0}291"), "{}", f[0].message);
        assert_eq!(f[0].subject, "I2 2025 utfall");
    }

    #[test]
    fn two_values_for_one_period_and_word_in_outcome() {
        let mut d = base();
        d.values.push(value(
            "I1",
            ValueKind::Outcome,
            Figure::Number(Kmt::total(88.0)),
        ));
        d.values.push(value(
            "I1",
            ValueKind::ToDate(YearMonth::new(2025, 8).unwrap()),
            Figure::Word(Trend::Increase),
        ));
        let c = codes(&validate(&d));
        assert!(c.contains(&"duplicate-value"), "{c:?}");
        assert!(c.contains(&"word-in-outcome"), "{c:?}");
    }

    #[test]
    fn goal_without_indicators_or_text() {
        let mut d = base();
        d.indicators.clear();
        d.values.clear();
        d.texts.clear();
        let c = codes(&validate(&d));
        assert!(c.contains(&"goal-without-indicators"), "{c:?}");
        assert!(c.contains(&"goal-without-text"), "{c:?}");
    }

    #[test]
    fn hierarchy_levels_and_unknown_references() {
        let mut d = base();
        d.goals
            .push(goal("SN2", GoalLevel::Committee, Some("MO1"), Some("SN")));
        d.indicators
            .push(indicator("I3", "SN2", MeasureKind::Share));
        d.indicators
            .push(indicator("I4", "NOPE", MeasureKind::Share));
        d.values
            .push(value("I3", ValueKind::Outcome, Figure::NoData));
        d.values
            .push(value("I4", ValueKind::Outcome, Figure::NoData));
        d.values
            .push(value("I9", ValueKind::Outcome, Figure::NoData));
        d.classifications.push(GoalClassification {
            year: 2025,
            committee: "SN".into(),
            goal: "KF1".into(),
            kind: GoalClassKind::NotRelevant,
            reason: None,
        });
        let c = codes(&validate(&d));
        assert!(c.contains(&"goal-parent"), "{c:?}");
        assert!(c.contains(&"unknown-goal"), "{c:?}");
        assert!(c.contains(&"unknown-indicator"), "{c:?}");
        assert!(c.contains(&"missing-reason"), "{c:?}");
    }

    #[test]
    fn commitment_status_must_fit_its_scale() {
        let mut d = base();
        let c = |kind, status| Commitment {
            year: 2025,
            committee: "SN".into(),
            code: format!("{kind:?}{status:?}"),
            kind,
            name: "x".into(),
            goal: Some("SN1".into()),
            status,
            comment: None,
        };
        d.commitments = vec![
            c(CommitmentKind::Commitment, CommitmentStatus::Flags(vec![])),
            c(
                CommitmentKind::Strategic,
                CommitmentStatus::Flags(vec![CommitmentFlag::Ongoing]),
            ),
            c(
                CommitmentKind::Activity,
                CommitmentStatus::Progress {
                    current: AssignmentStatus::Done,
                    forecast: AssignmentStatus::Remaining,
                },
            ),
        ];
        assert_eq!(
            codes(&validate(&d)),
            vec!["status-missing", "status-scale", "status-forecast"]
        );
    }

    #[test]
    fn staff_sick_leave_must_match_weighted_shares() {
        let s = StaffFigures {
            month: YearMonth::new(2025, 8).unwrap(),
            committee: "VON".into(),
            fte: 2400.0,
            headcount: Kmt::new(2000.0, 500.0, 2500.0),
            sick_leave: Kmt::new(9.0, 5.0, 8.2),
            short_sick_leave: Kmt::new(4.0, 3.0, 3.8),
            full_time_share: Some(72.0),
            hourly_paid_share: Some(11.0),
            turnover: Some(9.5),
            employees_per_manager: Some(24.0),
        };
        assert!(validate_staff(std::slice::from_ref(&s)).is_empty());
        let mut bad = s.clone();
        bad.sick_leave = Kmt::new(9.0, 5.0, 6.0); // between, but not the weighted 8,2
        bad.short_sick_leave = Kmt::new(10.0, 3.0, 8.6);
        bad.headcount = Kmt::new(2000.0, 500.0, 2400.0);
        let c = codes(&validate_staff(&[bad]));
        assert!(c.contains(&"kmt-weighted"), "{c:?}");
        assert!(c.contains(&"short-above-total"), "{c:?}");
        assert!(c.contains(&"kmt-sum"), "{c:?}");
    }

    #[test]
    fn queues_sum_of_which_and_duplicates() {
        let q = |decision: &str, w: Option<i64>, m: Option<i64>, t, over| Queue {
            month: YearMonth::new(2025, 8).unwrap(),
            committee: "VON".into(),
            law: Law::SoL,
            decision: decision.into(),
            women: w,
            men: m,
            total: t,
            over_three_months: over,
            mean_wait_days: Some(61.0),
            median_wait_days: None,
            comment: None,
        };
        assert!(validate_queues(&[
            q("Särskilt boende", Some(38), Some(21), 59, Some(17)),
            q("Korttidsvistelse", None, None, 4, None),
        ])
        .is_empty());
        let f = validate_queues(&[
            q("Särskilt boende", Some(38), Some(20), 59, Some(17)),
            q("särskilt  boende", None, Some(3), 3, Some(4)),
        ]);
        assert_eq!(
            codes(&f),
            vec![
                "kmt-sum",
                "duplicate-queue",
                "kmt-sum",
                "of-which-above-total"
            ]
        );
        assert!(f[0].message.contains("38 + 20 = 58"), "{}", f[0]);
        assert!(f[0].subject.contains("2025-08 VON SoL"), "{}", f[0]);
    }

    #[test]
    fn grants_use_is_checked_against_the_grant() {
        let kr = |v| Some(delar_core::Amount::from_kr(v).unwrap());
        let g = |used, forecast| StateGrant {
            year: 2025,
            committee: "VON".into(),
            code: "SB1".into(),
            name: "Äldreomsorgslyftet".into(),
            amount: delar_core::Amount::from_kr(1_000).unwrap(),
            report_back: true,
            repayable: true,
            coming_years: None,
            comment: None,
            used_to_date: used,
            forecast_use: forecast,
        };
        let data = |gs: Vec<StateGrant>| FollowupData {
            grants: gs,
            ..Default::default()
        };
        assert!(validate_money(&data(vec![g(kr(400), kr(900))])).is_empty());
        assert_eq!(
            codes(&validate_money(&data(vec![g(kr(950), kr(1_200))]))),
            vec!["use-above-grant"]
        );
        assert_eq!(
            codes(&validate_money(&data(vec![g(kr(950), kr(900))]))),
            vec!["used-above-forecast"]
        );
        assert_eq!(
            codes(&validate_money(&data(vec![g(kr(-5), None)]))),
            vec!["negative"]
        );
    }

    #[test]
    fn population_and_comparisons() {
        let p = |band: &str, w, m, t| Population {
            year: 2025,
            basis: Basis::Outcome,
            band: AgeBand::parse(band).unwrap(),
            women: w,
            men: m,
            total: t,
        };
        let c = codes(&validate_population(&[
            p("0-5", 10, 12, 22),
            p("5-9", 10, 12, 23),
        ]));
        assert_eq!(c, vec!["kmt-sum", "band-overlap"]);
        let cmp = |m: &str, own| Comparison {
            year: 2024,
            area: "IFO".into(),
            kolada_id: None,
            municipality: m.into(),
            own,
            cost_per_inhabitant: delar_core::Amount::from_kr(3800),
            net_cost_deviation: None,
        };
        assert!(validate_comparisons(&[cmp("E", true), cmp("A", false)]).is_empty());
        assert_eq!(
            codes(&validate_comparisons(&[cmp("A", false), cmp("A", false)])),
            vec!["duplicate-comparison", "own-municipality"]
        );
    }
}
