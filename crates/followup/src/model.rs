//! The follow-up registers as plain data (PRIMER §7–8). Pure: no I/O.
//!
//! Organisation codes (`committee`) are the codes of the organisation template (`PN`, `SN`,
//! `VON`, `FSN` in Exempelkommun). Years are calendar years (the financial year).

use delar_core::{Amount, Date, YearMonth};
use serde::{Deserialize, Serialize};

/// Normalise a word for matching: lowercase, trimmed, å/ä→a, ö→o, inner whitespace, `-` and
/// `_` as one space, the Unicode minus and plus-minus spelled out.
pub(crate) fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ó' | 'ò' => 'o',
            'é' | 'è' => 'e',
            '−' | '–' => '-',
            '±' => {
                out.push_str("+/-");
                space = false;
                continue;
            }
            c => c,
        };
        if c.is_whitespace() || c == '_' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// A closed set of Swedish words (a scale): each value has one label and may accept aliases.
pub trait Word: Sized + Copy + 'static {
    /// Every value, in scale order.
    const ALL: &'static [Self];
    /// The Swedish label shown in reports and written to templates.
    fn label(self) -> &'static str;
    /// Other spellings accepted when reading.
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }
    /// The value for a label or alias (case, å/ä/ö and spacing do not matter).
    fn from_label(s: &str) -> Option<Self> {
        let n = norm(s);
        Self::ALL
            .iter()
            .copied()
            .find(|w| norm(w.label()) == n || w.aliases().iter().any(|a| norm(a) == n))
    }
    /// The labels of the scale, for messages ("Pågår, Planeras, Behöver stöd").
    fn labels() -> Vec<&'static str> {
        Self::ALL.iter().map(|w| w.label()).collect()
    }
}

macro_rules! word {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $label:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl Word for $name {
            const ALL: &'static [Self] = &[$($name::$v),+];
            fn label(self) -> &'static str {
                match self { $($name::$v => $label),+ }
            }
            fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$v => &[$($alias),*]),+ }
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Goals

word! {
    /// The level of a goal in the hierarchy.
    GoalLevel {
        /// Målområde (goal area).
        Area => "målområde",
        /// Kommunfullmäktigemål (council goal).
        Council => "kf-mål" | "kommunfullmäktigemål" | "kfmål",
        /// Nämndmål (committee goal).
        Committee => "nämndmål",
    }
}

/// One node of the goal hierarchy: goal area → council goal → committee goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// The year of the plan the goal belongs to.
    pub year: i32,
    /// Stable code, unique within the year (`MO1`, `KF3`, `SN-1`).
    pub code: String,
    /// Level.
    pub level: GoalLevel,
    /// Name as written in the plan.
    pub name: String,
    /// Parent's code: a council goal's goal area, a committee goal's council goal; `None` for
    /// a goal area.
    pub parent: Option<String>,
    /// The committee (organisation code) a committee goal belongs to.
    pub committee: Option<String>,
    /// Name of the cluster a council goal is reported in (council goals may be clustered).
    pub cluster: Option<String>,
    /// Longer description.
    pub description: Option<String>,
}

word! {
    /// How a committee takes on a council goal (PRIMER §7).
    GoalClassKind {
        /// Åtagande: the committee commits to an effort.
        Commitment => "åtagande",
        /// Grunduppdrag: contributes through its basic mission.
        BasicMission => "grunduppdrag",
        /// Ej relevant (a reason is required).
        NotRelevant => "ej relevant" | "inte relevant",
    }
}

/// A committee's classification of one council goal for a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalClassification {
    /// Year.
    pub year: i32,
    /// Committee (organisation code).
    pub committee: String,
    /// The council goal's code.
    pub goal: String,
    /// Classification.
    pub kind: GoalClassKind,
    /// Reason; required for `NotRelevant`.
    pub reason: Option<String>,
}

word! {
    /// The kind of free text attached to a goal or goal area.
    GoalTextKind {
        /// Sammanfattande analys.
        Analysis => "sammanfattande analys" | "analys",
        /// Positiv iakttagelse (one per row; several make a list).
        Positive => "positiv iakttagelse" | "positiva iakttagelser",
        /// Förbättringsområde (one per row).
        Improvement => "förbättringsområde" | "förbättringsområden",
    }
}

/// Free text for a goal or goal area, per committee and year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalText {
    /// Year.
    pub year: i32,
    /// Committee (organisation code).
    pub committee: String,
    /// Goal or goal-area code.
    pub goal: String,
    /// Kind of text.
    pub kind: GoalTextKind,
    /// The text.
    pub text: String,
}

// ---------------------------------------------------------------------------------------------
// Indicators

word! {
    /// Where an indicator's values come from.
    SourceKind {
        /// Kolada (a Kolada KPI id is given).
        Kolada => "kolada",
        /// A survey (brukarundersökning, medarbetarenkät).
        Survey => "enkät" | "undersökning" | "brukarundersökning",
        /// The municipality's own systems.
        Internal => "intern" | "eget mått" | "egen",
        /// The ledger and the forecast (financial indicators; computed, never typed).
        Ledger => "ekonomi" | "huvudbok",
        /// The staff register (`personal.csv`; `källid` names the figure).
        Staff => "personal",
        /// The queue register (`koer.csv`; decisions not carried out).
        Queues => "koer" | "köer",
        /// The volume series (`volymer.csv`; `källid` is the series, or `A/B`).
        Volumes => "volymer",
        /// The cost comparisons (`jamforelser.csv`; `källid` `kostnad:OMRÅDE` or `nka:OMRÅDE`).
        Comparisons => "jamforelser" | "jämförelser",
    }
}

word! {
    /// What kind of quantity an indicator measures; decides the K/M/T rule.
    MeasureKind {
        /// A share in percent (0–100): total lies between women and men.
        Share => "andel",
        /// A count at a point in time or per period (people, places, decisions not carried
        /// out): women + men = total.
        Count => "antal",
        /// A count that accumulates over the year (care days, performed hours, decisions made):
        /// women + men = total, and the year's outcome and forecast are at least the value to
        /// date.
        Sum => "summa" | "antal under året" | "ackumulerat antal",
        /// Another value (index, rate, kronor): total lies between women and men.
        Value => "värde" | "index" | "nyckeltal",
    }
}

word! {
    /// Which way is better for an indicator.
    PolarityKind {
        /// Higher is better.
        Higher => "högre är bättre" | "högre",
        /// Lower is better.
        Lower => "lägre är bättre" | "lägre",
        /// At most a limit ("max 1 %").
        Ceiling => "tak" | "max",
        /// At least a limit ("minst 85 %").
        Floor => "golv" | "minst",
        /// Within a range.
        Range => "intervall",
        /// No direction (followed, not judged).
        Neutral => "neutral" | "följs",
    }
}

/// The polarity of an indicator, with its limits.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Polarity {
    /// Higher is better.
    Higher,
    /// Lower is better.
    Lower,
    /// At most this value.
    Ceiling(f64),
    /// At least this value.
    Floor(f64),
    /// Between these values (inclusive).
    Range(f64, f64),
    /// Followed without a direction.
    Neutral,
}

impl Polarity {
    /// The kind, without limits.
    pub fn kind(self) -> PolarityKind {
        match self {
            Polarity::Higher => PolarityKind::Higher,
            Polarity::Lower => PolarityKind::Lower,
            Polarity::Ceiling(_) => PolarityKind::Ceiling,
            Polarity::Floor(_) => PolarityKind::Floor,
            Polarity::Range(..) => PolarityKind::Range,
            Polarity::Neutral => PolarityKind::Neutral,
        }
    }
}

/// An indicator: definition, unit, source and polarity. Its values are [`IndicatorValue`]s.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable code (`IND01`, or the Kolada id for Kolada indicators).
    pub code: String,
    /// Name as shown in reports.
    pub name: String,
    /// The goal it follows (committee goal, council goal or goal area code).
    pub goal: String,
    /// The committee responsible (organisation code); `None` for a shared indicator.
    pub committee: Option<String>,
    /// Unit label (`%`, `antal`, `mnkr`, `kr/inv`, `dagar`).
    pub unit: String,
    /// Decimals shown.
    pub decimals: u8,
    /// What kind of quantity (decides the K/M/T rule).
    pub measure: MeasureKind,
    /// Definition text.
    pub definition: Option<String>,
    /// Source kind.
    pub source: SourceKind,
    /// Kolada KPI id (`U23471`) or the survey's name, when the source has one.
    pub source_id: Option<String>,
    /// Month of the year the yearly value is published (1–12).
    pub publication_month: Option<u8>,
    /// Which way is better.
    pub polarity: Polarity,
    /// Whether values are broken down by sex (kvinnor/män/totalt).
    pub by_sex: bool,
}

/// Values broken down by sex: kvinnor, män, totalt (each may be missing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Kmt {
    /// Kvinnor (women).
    pub women: Option<f64>,
    /// Män (men).
    pub men: Option<f64>,
    /// Totalt (total).
    pub total: Option<f64>,
}

impl Kmt {
    /// A total only.
    pub fn total(v: f64) -> Kmt {
        Kmt {
            women: None,
            men: None,
            total: Some(v),
        }
    }

    /// Women, men and total.
    pub fn new(women: f64, men: f64, total: f64) -> Kmt {
        Kmt {
            women: Some(women),
            men: Some(men),
            total: Some(total),
        }
    }

    /// True when no part has a value.
    pub fn is_empty(&self) -> bool {
        self.women.is_none() && self.men.is_none() && self.total.is_none()
    }
}

word! {
    /// A direction word for a forecast or a target (PRIMER §7).
    Trend {
        /// Ökar / Öka.
        Increase => "Ökar" | "öka" | "fler" | "högre",
        /// Bibehåller / I nivå / Behålla nivån.
        Maintain => "Bibehåller" | "i nivå" | "behålla nivån" | "bibehålla" | "nivå",
        /// Minskar / Minska.
        Decrease => "Minskar" | "minska" | "färre" | "lägre",
        /// I balans.
        Balanced => "I balans" | "balans",
        /// +/−0 (no deviation: the financial targets).
        Zero => "+/−0" | "+/-0" | "+-0" | "+0" | "±0",
    }
}

impl Trend {
    /// The word as a target ("Öka" rather than "Ökar").
    pub fn target_label(self) -> &'static str {
        match self {
            Trend::Increase => "Öka",
            Trend::Maintain => "Bibehålla",
            Trend::Decrease => "Minska",
            Trend::Balanced => "I balans",
            Trend::Zero => "+/−0",
        }
    }
}

/// A value cell of an indicator: a number (with K/M/T), a direction word, or no data
/// ("i.u.").
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Figure {
    /// "i.u." (ingen uppgift): no data yet.
    NoData,
    /// A number, possibly broken down by sex.
    Number(Kmt),
    /// A direction word (forecasts and targets only).
    Word(Trend),
}

word! {
    /// What a value of an indicator is.
    ValueKindWord {
        /// Utfall: the outcome for the whole year.
        Outcome => "utfall",
        /// Hittills: the value to date (with a month).
        ToDate => "hittills" | "utfall hittills" | "ack",
        /// Prognos for the year.
        Forecast => "prognos",
        /// Målvärde for the year.
        Target => "mål" | "målvärde",
    }
}

/// What a value of an indicator is, with the month for a value to date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ValueKind {
    /// Full-year outcome.
    Outcome,
    /// Value to date, up to and including the month.
    ToDate(YearMonth),
    /// Full-year forecast.
    Forecast,
    /// Target for the year.
    Target,
}

impl ValueKind {
    /// The word without the month.
    pub fn word(self) -> ValueKindWord {
        match self {
            ValueKind::Outcome => ValueKindWord::Outcome,
            ValueKind::ToDate(_) => ValueKindWord::ToDate,
            ValueKind::Forecast => ValueKindWord::Forecast,
            ValueKind::Target => ValueKindWord::Target,
        }
    }
}

/// One value of an indicator for a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    /// Indicator code.
    pub indicator: String,
    /// Year the value is for.
    pub year: i32,
    /// Outcome, to date, forecast or target.
    pub kind: ValueKind,
    /// The value.
    pub figure: Figure,
    /// Comment.
    pub comment: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Commitments, strategic assignments, activities

word! {
    /// What kind of undertaking.
    CommitmentKind {
        /// Åtagande / uppdrag (status Pågår / Planeras / Behöver stöd).
        Commitment => "åtagande" | "uppdrag",
        /// Strategiskt uppdrag / utvecklingsuppdrag (Genomfört / Pågår / Kvarstår).
        Strategic => "strategiskt uppdrag" | "utvecklingsuppdrag",
        /// Aktivitet under a committee goal (Genomfört / Pågår / Kvarstår).
        Activity => "aktivitet",
    }
}

word! {
    /// One checkbox of a commitment's status (several may be ticked).
    CommitmentFlag {
        /// Pågår.
        Ongoing => "Pågår",
        /// Planeras.
        Planned => "Planeras",
        /// Behöver stöd.
        NeedsSupport => "Behöver stöd",
    }
}

word! {
    /// Status of a strategic assignment or activity, now or forecast for year end.
    AssignmentStatus {
        /// Genomfört.
        Done => "Genomfört" | "genomförd" | "klar",
        /// Pågår.
        Ongoing => "Pågår",
        /// Kvarstår.
        Remaining => "Kvarstår" | "ej påbörjad" | "ej påbörjat",
    }
}

/// The status of an undertaking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommitmentStatus {
    /// A commitment: the ticked checkboxes, in scale order, at least one.
    Flags(Vec<CommitmentFlag>),
    /// A strategic assignment or activity: status now and forecast for year end.
    Progress {
        /// Status at the cut-off.
        current: AssignmentStatus,
        /// Forecast for the end of the year.
        forecast: AssignmentStatus,
    },
}

/// A commitment, strategic assignment or activity of a committee for a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    /// Year.
    pub year: i32,
    /// Committee (organisation code).
    pub committee: String,
    /// Stable code.
    pub code: String,
    /// Kind.
    pub kind: CommitmentKind,
    /// Name.
    pub name: String,
    /// The goal it serves (code), when any.
    pub goal: Option<String>,
    /// Status.
    pub status: CommitmentStatus,
    /// Comment.
    pub comment: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Money registers

/// An efficiency measure (effektivisering) of a committee. Effects are savings in kronor:
/// positive = lower net cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EfficiencyMeasure {
    /// The month the effect to date runs to (its year is the measure's year).
    pub month: YearMonth,
    /// Committee (organisation code).
    pub committee: String,
    /// Stable code.
    pub code: String,
    /// What is done.
    pub name: String,
    /// The kontogrupp code whose forecast it affects (`personal`, `kop`, …).
    pub account_group: Option<String>,
    /// The ansvar (organisation code) whose forecast it affects.
    pub ansvar: Option<String>,
    /// Planned effect for the year.
    pub planned: Amount,
    /// Effect realised to the month.
    pub to_date: Option<Amount>,
    /// Forecast effect for the year.
    pub forecast: Option<Amount>,
    /// Effect not realised in earlier years and carried over into this one.
    pub carried_over: Amount,
    /// Comment.
    pub comment: Option<String>,
}

word! {
    /// Status of an investment project.
    InvestmentStatus {
        /// Ej påbörjad.
        NotStarted => "Ej påbörjad" | "ej påbörjat" | "planeras",
        /// Pågår.
        Ongoing => "Pågår",
        /// Avslutad.
        Finished => "Avslutad" | "avslutat" | "klar",
        /// Försenad.
        Delayed => "Försenad" | "försenat",
    }
}

/// An investment project of a committee for a year. Amounts are expenditure (positive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investment {
    /// The month the outcome to date runs to.
    pub month: YearMonth,
    /// Committee (organisation code).
    pub committee: String,
    /// Project code.
    pub project: String,
    /// Project name.
    pub name: String,
    /// Category (`Inventarier`, `Myndighetskrav`, `Nya boenden`).
    pub category: Option<String>,
    /// Budget for the year.
    pub budget: Amount,
    /// Outcome to the month.
    pub outcome: Amount,
    /// Forecast for the year.
    pub forecast: Amount,
    /// Status.
    pub status: InvestmentStatus,
    /// Comment.
    pub comment: Option<String>,
}

impl Investment {
    /// Deviation = budget − forecast (positive = under budget, favourable).
    pub fn deviation(&self) -> Amount {
        self.budget - self.forecast
    }
}

/// Staff figures for a committee from January to a month (a full year ends in December).
/// Percentages are 0–100 with one decimal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffFigures {
    /// The last month of the period (January to this month).
    pub month: YearMonth,
    /// Committee (organisation code).
    pub committee: String,
    /// Årsarbetare (FTE).
    pub fte: f64,
    /// Headcount by sex (monthly-paid employees).
    pub headcount: Kmt,
    /// Sick leave, % of scheduled hours, by sex.
    pub sick_leave: Kmt,
    /// Short-term sick leave (days 1–14), % of scheduled hours, by sex.
    pub short_sick_leave: Kmt,
    /// Share of employees with full-time employment (%).
    pub full_time_share: Option<f64>,
    /// Share of worked hours done by hourly-paid staff (%).
    pub hourly_paid_share: Option<f64>,
    /// Staff turnover (%), for the period.
    pub turnover: Option<f64>,
    /// Employees per manager.
    pub employees_per_manager: Option<f64>,
}

word! {
    /// Kind of an event of significance.
    EventKind {
        /// Beslut (a decision).
        Decision => "beslut",
        /// Organisationsförändring.
        Reorganisation => "organisationsförändring",
        /// Nytt uppdrag.
        NewAssignment => "nytt uppdrag",
        /// Regeländring (law, regulation, tariff).
        RuleChange => "regeländring" | "lagändring",
        /// Extern händelse.
        External => "extern händelse",
        /// Övrigt.
        Other => "övrigt",
    }
}

/// An event of significance (väsentlig händelse).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Date.
    pub date: Date,
    /// Committee (organisation code).
    pub committee: String,
    /// Stable code.
    pub code: String,
    /// Kind.
    pub kind: EventKind,
    /// Area (verksamhetsområde) it concerns.
    pub area: Option<String>,
    /// Heading.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Effect on the year's net cost in the ledger sign (positive = higher cost).
    pub impact: Option<Amount>,
    /// Reference to the forecast adjustment that carries the impact.
    pub adjustment: Option<String>,
}

/// A targeted state grant (riktat statsbidrag) received by a committee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateGrant {
    /// Year.
    pub year: i32,
    /// Committee (organisation code).
    pub committee: String,
    /// Stable code.
    pub code: String,
    /// Name (benämning).
    pub name: String,
    /// Amount for the year (positive).
    pub amount: Amount,
    /// Must be reported back (återrapportering).
    pub report_back: bool,
    /// Unspent funds must be repaid (återbetalning).
    pub repayable: bool,
    /// Years to come ("2026, 2027", "Permanent").
    pub coming_years: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Used (spent) to the round's cut-off, when followed up (positive).
    pub used_to_date: Option<Amount>,
    /// Forecast use for the whole year, when followed up (positive).
    pub forecast_use: Option<Amount>,
}

impl StateGrant {
    /// What is left at year end (amount − forecast use): repaid or carried over to the years
    /// to come. `None` without a forecast.
    pub fn remaining(&self) -> Option<Amount> {
        self.forecast_use.map(|f| self.amount - f)
    }
}

word! {
    /// The law a decision was made under (the two registers of decisions not carried out
    /// that are reported to IVO).
    Law {
        /// Socialtjänstlagen (SoL 16 kap. 6 f §).
        SoL => "SoL" | "socialtjänstlagen",
        /// Lagen om stöd och service till vissa funktionshindrade (LSS 28 f §).
        Lss => "LSS",
    }
}

/// Decisions not carried out (ej verkställda beslut) of one kind for a committee at the end
/// of a month, with the waiting times from decision to start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    /// The month the count is taken at the end of.
    pub month: YearMonth,
    /// Committee (organisation code).
    pub committee: String,
    /// The law the decisions were made under.
    pub law: Law,
    /// The kind of decision (insats): `Särskilt boende`, `Bostad med särskild service`.
    pub decision: String,
    /// Decisions for women, when broken down by sex.
    pub women: Option<i64>,
    /// Decisions for men, when broken down by sex.
    pub men: Option<i64>,
    /// All decisions not carried out.
    pub total: i64,
    /// Of which the person has waited more than three months (reported to IVO).
    pub over_three_months: Option<i64>,
    /// Mean waiting time in days from decision to start (for decisions carried out in the
    /// year to date).
    pub mean_wait_days: Option<f64>,
    /// Median waiting time in days.
    pub median_wait_days: Option<f64>,
    /// Comment.
    pub comment: Option<String>,
}

word! {
    /// Outcome or forecast (population, comparisons).
    Basis {
        /// Utfall.
        Outcome => "utfall",
        /// Prognos.
        Forecast => "prognos",
    }
}

/// Population of the municipality in an age band for a year (31 December).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Population {
    /// Year.
    pub year: i32,
    /// Outcome or forecast.
    pub basis: Basis,
    /// Age band.
    pub band: AgeBand,
    /// Women.
    pub women: i64,
    /// Men.
    pub men: i64,
    /// Total.
    pub total: i64,
}

/// An age band `from–to` (inclusive) or `from–` (open).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AgeBand {
    /// First age.
    pub from: u8,
    /// Last age, `None` for an open band.
    pub to: Option<u8>,
}

impl AgeBand {
    /// Parse `0–5`, `0-5`, `85–`, `85+`, `85-w`; `None` when malformed or reversed.
    pub fn parse(s: &str) -> Option<AgeBand> {
        let t = s
            .trim()
            .trim_end_matches(" år")
            .replace(['–', '−', '—'], "-");
        let t = t.trim();
        if let Some(f) = t.strip_suffix('+').or_else(|| t.strip_suffix('-')) {
            return Some(AgeBand {
                from: f.trim().parse().ok()?,
                to: None,
            });
        }
        let (a, b) = t.split_once('-')?;
        let from: u8 = a.trim().parse().ok()?;
        let b = b.trim();
        if b.is_empty() || b == "w" {
            return Some(AgeBand { from, to: None });
        }
        let to: u8 = b.parse().ok()?;
        (to >= from).then_some(AgeBand { from, to: Some(to) })
    }

    /// Whether two bands share an age.
    pub fn overlaps(&self, other: &AgeBand) -> bool {
        let end = |b: &AgeBand| b.to.unwrap_or(u8::MAX);
        self.from <= end(other) && other.from <= end(self)
    }
}

impl std::fmt::Display for AgeBand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to {
            Some(t) => write!(f, "{}–{}", self.from, t),
            None => write!(f, "{}–", self.from),
        }
    }
}

/// A Kolada-style cost comparison value: net cost in kr per inhabitant for an area and year,
/// for the municipality or a comparable one, and its net cost deviation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Year.
    pub year: i32,
    /// Area (`Individ- och familjeomsorg`, `Äldreomsorg`, `LSS`).
    pub area: String,
    /// Kolada KPI id of the cost per inhabitant, when known.
    pub kolada_id: Option<String>,
    /// Municipality name.
    pub municipality: String,
    /// True for the reporting municipality itself.
    pub own: bool,
    /// Net cost, kr per inhabitant.
    pub cost_per_inhabitant: Option<Amount>,
    /// Net cost deviation (nettokostnadsavvikelse), % of the reference cost; positive = more
    /// expensive than expected.
    pub net_cost_deviation: Option<f64>,
}

/// Every follow-up register, as imported or generated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FollowupData {
    /// Goal hierarchy.
    pub goals: Vec<Goal>,
    /// Classifications of council goals per committee.
    pub classifications: Vec<GoalClassification>,
    /// Free texts per goal and goal area.
    pub texts: Vec<GoalText>,
    /// Indicator definitions.
    pub indicators: Vec<Indicator>,
    /// Indicator values.
    pub values: Vec<IndicatorValue>,
    /// Commitments, strategic assignments and activities.
    pub commitments: Vec<Commitment>,
    /// Efficiency measures.
    pub efficiency: Vec<EfficiencyMeasure>,
    /// Investments.
    pub investments: Vec<Investment>,
    /// Staff figures.
    pub staff: Vec<StaffFigures>,
    /// Events of significance.
    pub events: Vec<Event>,
    /// State grants.
    pub grants: Vec<StateGrant>,
    /// Population by age band.
    pub population: Vec<Population>,
    /// Cost comparisons.
    pub comparisons: Vec<Comparison>,
    /// Decisions not carried out and waiting times.
    #[serde(default)]
    pub queues: Vec<Queue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_accept_aliases_and_case() {
        assert_eq!(Trend::from_label("ökar"), Some(Trend::Increase));
        assert_eq!(Trend::from_label("Öka"), Some(Trend::Increase));
        assert_eq!(Trend::from_label("I nivå"), Some(Trend::Maintain));
        assert_eq!(Trend::from_label("+/−0"), Some(Trend::Zero));
        assert_eq!(Trend::from_label("±0"), Some(Trend::Zero));
        assert_eq!(Trend::from_label("+-0"), Some(Trend::Zero));
        assert_eq!(Trend::from_label("uppåt"), None);
        assert_eq!(
            CommitmentFlag::from_label("behöver  STÖD"),
            Some(CommitmentFlag::NeedsSupport)
        );
        assert_eq!(
            GoalClassKind::from_label("ej_relevant"),
            Some(GoalClassKind::NotRelevant)
        );
        for w in Trend::ALL {
            assert_eq!(Trend::from_label(w.label()), Some(*w));
            assert_eq!(Trend::from_label(w.target_label()), Some(*w));
        }
    }

    #[test]
    fn age_bands() {
        assert_eq!(
            AgeBand::parse("0–5"),
            Some(AgeBand {
                from: 0,
                to: Some(5)
            })
        );
        assert_eq!(AgeBand::parse("85+"), Some(AgeBand { from: 85, to: None }));
        assert_eq!(AgeBand::parse("85-w"), Some(AgeBand { from: 85, to: None }));
        assert_eq!(AgeBand::parse("85–"), Some(AgeBand { from: 85, to: None }));
        assert_eq!(AgeBand::parse("9–3"), None);
        assert_eq!(AgeBand::parse("barn"), None);
        let b = AgeBand::parse("65-79").unwrap();
        assert_eq!(b.to_string(), "65–79");
        assert_eq!(AgeBand::parse(&b.to_string()), Some(b));
        assert!(b.overlaps(&AgeBand::parse("79-84").unwrap()));
        assert!(!b.overlaps(&AgeBand::parse("80+").unwrap()));
    }

    #[test]
    fn investment_deviation_is_budget_minus_forecast() {
        let i = Investment {
            month: YearMonth::new(2025, 8).unwrap(),
            committee: "SN".into(),
            project: "P1".into(),
            name: "Inventarier".into(),
            category: None,
            budget: Amount::from_kr(960).unwrap(),
            outcome: Amount::from_kr(100).unwrap(),
            forecast: Amount::from_kr(500).unwrap(),
            status: InvestmentStatus::Ongoing,
            comment: None,
        };
        assert_eq!(i.deviation(), Amount::from_kr(460).unwrap());
    }
}
