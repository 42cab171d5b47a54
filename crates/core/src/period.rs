//! Dates, year-month periods, ranges, financial years and forecast rounds.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Swedish month abbreviations as used in report headings (`jan–aug`).
pub const MONTH_ABBR: [&str; 12] = [
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];
/// Swedish month names.
pub const MONTH_NAMES: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// An error from parsing or building a date or period; the message is in Swedish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PeriodError {}

fn err<T>(msg: impl Into<String>) -> Result<T, PeriodError> {
    Err(PeriodError(msg.into()))
}

/// True for leap years in the Gregorian calendar.
pub const fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in a month.
pub const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if is_leap(year) {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

/// A calendar date (valid by construction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, or an error for impossible dates such as 30 February.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, PeriodError> {
        if !(1..=9999).contains(&year) {
            return err(format!("året {year} är orimligt"));
        }
        if !(1..=12).contains(&month) {
            return err(format!("månaden {month} finns inte"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return err(format!(
                "datumet {year:04}-{month:02}-{day:02} finns inte ({} har {} dagar)",
                MONTH_NAMES[month as usize - 1],
                days_in_month(year, month)
            ));
        }
        Ok(Date { year, month, day })
    }

    /// Parse SIE's `YYYYMMDD`.
    pub fn parse_yyyymmdd(s: &str) -> Result<Date, PeriodError> {
        let b = s.as_bytes();
        if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
            return err(format!("\"{s}\" är inget datum (väntat ÅÅÅÅMMDD)"));
        }
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        Date::new(n(0..4) as i32, n(4..6) as u8, n(6..8) as u8)
    }

    /// Parse ISO `YYYY-MM-DD` or `YYYYMMDD`.
    pub fn parse(s: &str) -> Result<Date, PeriodError> {
        let t = s.trim();
        if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
            return Date::parse_yyyymmdd(&format!("{}{}{}", &t[0..4], &t[5..7], &t[8..10]));
        }
        Date::parse_yyyymmdd(t)
    }

    /// The year.
    pub const fn year(self) -> i32 {
        self.year
    }
    /// The month, 1–12.
    pub const fn month(self) -> u8 {
        self.month
    }
    /// The day of the month.
    pub const fn day(self) -> u8 {
        self.day
    }
    /// The year-month the date falls in.
    pub const fn year_month(self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.month,
        }
    }
    /// SIE's `YYYYMMDD`.
    pub fn to_yyyymmdd(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Days since 0000-03-01 (proleptic Gregorian), for date arithmetic.
    pub fn day_number(self) -> i64 {
        let (y, m) = if self.month <= 2 {
            (self.year as i64 - 1, self.month as i64 + 9)
        } else {
            (self.year as i64, self.month as i64 - 3)
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe
    }

    /// Number of days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.day_number() - self.day_number()
    }

    /// The date `n` days after 0000-03-01 (the inverse of [`Date::day_number`]); fails outside
    /// the years 1–9999.
    pub fn from_day_number(n: i64) -> Result<Date, PeriodError> {
        let era = n.div_euclid(146_097);
        let doe = n - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let (month, carry) = if mp < 10 { (mp + 3, 0) } else { (mp - 9, 1) };
        let year = era * 400 + yoe + carry;
        if !(1..=9999).contains(&year) {
            return err(format!("dagnummer {n} ligger utanför åren 1–9999"));
        }
        Date::new(year as i32, month as u8, day as u8)
    }

    /// The date `days` days later (earlier when negative).
    pub fn add_days(self, days: i64) -> Result<Date, PeriodError> {
        Date::from_day_number(self.day_number() + days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl TryFrom<String> for Date {
    type Error = PeriodError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Date::parse(&s)
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

/// A calendar month of a year (`2025-08`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    year: i32,
    month: u8,
}

impl YearMonth {
    /// A year-month, or an error when the month is not 1–12.
    pub fn new(year: i32, month: u8) -> Result<YearMonth, PeriodError> {
        if !(1..=12).contains(&month) {
            return err(format!("månaden {month} finns inte"));
        }
        if !(1..=9999).contains(&year) {
            return err(format!("året {year} är orimligt"));
        }
        Ok(YearMonth { year, month })
    }

    /// Parse `YYYY-MM` or SIE's `YYYYMM`.
    pub fn parse(s: &str) -> Result<YearMonth, PeriodError> {
        let t = s.trim();
        let digits: String = t.chars().filter(|c| *c != '-').collect();
        let shape_ok = (t.len() == 7 && t.as_bytes()[4] == b'-') || t.len() == 6;
        if !shape_ok || digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return err(format!(
                "\"{s}\" är ingen period (väntat ÅÅÅÅ-MM eller ÅÅÅÅMM)"
            ));
        }
        YearMonth::new(
            digits[0..4].parse().unwrap_or(0),
            digits[4..6].parse().unwrap_or(0),
        )
    }

    /// The year.
    pub const fn year(self) -> i32 {
        self.year
    }
    /// The month, 1–12.
    pub const fn month(self) -> u8 {
        self.month
    }
    /// SIE's `YYYYMM`.
    pub fn to_yyyymm(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }
    /// A compact integer `YYYYMM`, for storage.
    pub const fn as_int(self) -> i32 {
        self.year * 100 + self.month as i32
    }
    /// From the compact integer `YYYYMM`.
    pub fn from_int(v: i32) -> Result<YearMonth, PeriodError> {
        YearMonth::new(v / 100, (v % 100) as u8)
    }
    /// The following month.
    pub fn next(self) -> YearMonth {
        self.add_months(1)
    }
    /// The preceding month.
    pub fn prev(self) -> YearMonth {
        self.add_months(-1)
    }
    /// Move `n` months (negative moves back).
    pub fn add_months(self, n: i32) -> YearMonth {
        let idx = self.year * 12 + (self.month as i32 - 1) + n;
        YearMonth {
            year: idx.div_euclid(12),
            month: (idx.rem_euclid(12) + 1) as u8,
        }
    }
    /// Months from `self` to `other` (positive when `other` is later).
    pub fn months_until(self, other: YearMonth) -> i32 {
        (other.year * 12 + other.month as i32) - (self.year * 12 + self.month as i32)
    }
    /// First day of the month.
    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }
    /// Last day of the month.
    pub fn last_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: days_in_month(self.year, self.month),
        }
    }
    /// Number of days in the month.
    pub fn days(self) -> u8 {
        days_in_month(self.year, self.month)
    }
    /// Swedish abbreviation, e.g. `aug`.
    pub fn abbr(self) -> &'static str {
        MONTH_ABBR[self.month as usize - 1]
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        YearMonth::parse(s)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = PeriodError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        YearMonth::parse(&s)
    }
}

impl From<YearMonth> for String {
    fn from(d: YearMonth) -> String {
        d.to_string()
    }
}

/// An inclusive range of months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PeriodRange {
    /// First month.
    pub start: YearMonth,
    /// Last month (inclusive).
    pub end: YearMonth,
}

impl PeriodRange {
    /// A range; error when `end` precedes `start`.
    pub fn new(start: YearMonth, end: YearMonth) -> Result<PeriodRange, PeriodError> {
        if end < start {
            return err(format!("perioden {start}–{end} slutar före den börjar"));
        }
        Ok(PeriodRange { start, end })
    }
    /// Number of months in the range.
    pub fn len(&self) -> usize {
        (self.start.months_until(self.end) + 1) as usize
    }
    /// Always false: a range has at least one month.
    pub fn is_empty(&self) -> bool {
        false
    }
    /// True when `ym` is in the range.
    pub fn contains(&self, ym: YearMonth) -> bool {
        self.start <= ym && ym <= self.end
    }
    /// The months in order.
    pub fn months(&self) -> impl Iterator<Item = YearMonth> + '_ {
        (0..self.len() as i32).map(|i| self.start.add_months(i))
    }
    /// Swedish label as the report heading uses it: `jan–aug 2025`, or `jan 2025–mar 2026`.
    pub fn label(&self) -> String {
        if self.start == self.end {
            format!("{} {}", self.start.abbr(), self.start.year)
        } else if self.start.year == self.end.year {
            format!(
                "{}\u{2013}{} {}",
                self.start.abbr(),
                self.end.abbr(),
                self.end.year
            )
        } else {
            format!(
                "{} {}\u{2013}{} {}",
                self.start.abbr(),
                self.start.year,
                self.end.abbr(),
                self.end.year
            )
        }
    }
}

/// A financial year: by default the calendar year, but SIE's #RAR allows broken years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FinancialYear {
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
}

impl FinancialYear {
    /// A financial year from its first and last day; error when the end precedes the start or
    /// the year is longer than 18 months (the law's limit for an extended year).
    pub fn new(start: Date, end: Date) -> Result<FinancialYear, PeriodError> {
        if end < start {
            return err(format!(
                "räkenskapsåret {start}–{end} slutar före det börjar"
            ));
        }
        if start.year_month().months_until(end.year_month()) >= 18 {
            return err(format!(
                "räkenskapsåret {start}–{end} är längre än 18 månader"
            ));
        }
        Ok(FinancialYear { start, end })
    }
    /// The calendar year `year`.
    pub fn calendar(year: i32) -> FinancialYear {
        FinancialYear {
            start: Date {
                year,
                month: 1,
                day: 1,
            },
            end: Date {
                year,
                month: 12,
                day: 31,
            },
        }
    }
    /// The year it is named by: the year of its last day.
    pub fn label_year(&self) -> i32 {
        self.end.year
    }
    /// True for a calendar year.
    pub fn is_calendar(&self) -> bool {
        self.start.month == 1
            && self.start.day == 1
            && self.end.month == 12
            && self.end.day == 31
            && self.start.year == self.end.year
    }
    /// True when the date falls in the year.
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
    /// The months of the year.
    pub fn months(&self) -> PeriodRange {
        PeriodRange {
            start: self.start.year_month(),
            end: self.end.year_month(),
        }
    }
    /// The n:th month of the year (1-based), e.g. `month(8)` is August for a calendar year.
    pub fn month(&self, n: u8) -> Option<YearMonth> {
        let r = self.months();
        if n == 0 || n as usize > r.len() {
            None
        } else {
            Some(r.start.add_months(n as i32 - 1))
        }
    }
}

/// The kind of forecast round (PRIMER §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoundKind {
    /// A monthly follow-up with outcome up to the given month (1–12).
    Month(u8),
    /// Delårsrapport 1 / prognos 1 (outcome to April unless set otherwise).
    P1,
    /// Delårsrapport 2 / prognos 2 (outcome to August unless set otherwise).
    P2,
    /// Year end (årsbokslut).
    YearEnd,
}

/// A forecast round: a year, a kind, and the cut-off month (outcome up to and including it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Round {
    /// Financial (calendar) year.
    pub year: i32,
    /// The kind of round.
    pub kind: RoundKind,
    /// Last month of outcome included, 1–12.
    pub cutoff: u8,
}

impl Round {
    /// A round with the usual cut-off (P1 April, P2 August, year end December).
    pub fn new(year: i32, kind: RoundKind) -> Result<Round, PeriodError> {
        let cutoff = match kind {
            RoundKind::Month(m) => m,
            RoundKind::P1 => 4,
            RoundKind::P2 => 8,
            RoundKind::YearEnd => 12,
        };
        Round::with_cutoff(year, kind, cutoff)
    }

    /// A round with an explicit cut-off month (some municipalities close P1 in March).
    pub fn with_cutoff(year: i32, kind: RoundKind, cutoff: u8) -> Result<Round, PeriodError> {
        if !(1..=12).contains(&cutoff) {
            return err(format!("brytmånaden {cutoff} finns inte"));
        }
        if let RoundKind::Month(m) = kind {
            if m != cutoff {
                return err("en månadsuppföljnings brytmånad är månaden själv");
            }
        }
        if kind == RoundKind::YearEnd && cutoff != 12 {
            return err("bokslutet har alltid december som brytmånad");
        }
        if !(1..=9999).contains(&year) {
            return err(format!("året {year} är orimligt"));
        }
        Ok(Round { year, kind, cutoff })
    }

    /// Parse a round id: `2025-P1`, `2025-P2`, `2025-03` (monthly), `2025-B` or `2025-YE`
    /// (year end); an optional `@M` sets the cut-off month (`2025-P1@3`).
    pub fn parse(s: &str) -> Result<Round, PeriodError> {
        let bad = || {
            PeriodError(format!(
            "\"{s}\" är ingen prognosomgång (väntat till exempel 2025-P2, 2025-P1@3, 2025-05 eller 2025-B)"
        ))
        };
        let (id, cutoff) = match s.trim().split_once('@') {
            Some((a, c)) => (a, Some(c.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim(), None),
        };
        let (y, k) = id.split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let kind = match k.to_ascii_uppercase().as_str() {
            "P1" => RoundKind::P1,
            "P2" => RoundKind::P2,
            "B" | "YE" | "BOKSLUT" => RoundKind::YearEnd,
            m => {
                let m: u8 = m.parse().map_err(|_| bad())?;
                RoundKind::Month(m)
            }
        };
        match cutoff {
            Some(c) => Round::with_cutoff(year, kind, c),
            None => Round::new(year, kind),
        }
    }

    /// The cut-off month as a year-month.
    pub fn cutoff_month(&self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.cutoff,
        }
    }

    /// The months of outcome the round covers (January to the cut-off).
    pub fn to_date(&self) -> PeriodRange {
        PeriodRange {
            start: YearMonth {
                year: self.year,
                month: 1,
            },
            end: self.cutoff_month(),
        }
    }

    /// The id the round is written with (`2025-P2`, `2025-05`, `2025-B`; `@M` when the cut-off
    /// is not the usual one).
    pub fn id(&self) -> String {
        let base = match self.kind {
            RoundKind::Month(m) => format!("{}-{:02}", self.year, m),
            RoundKind::P1 => format!("{}-P1", self.year),
            RoundKind::P2 => format!("{}-P2", self.year),
            RoundKind::YearEnd => format!("{}-B", self.year),
        };
        let usual = Round::new(self.year, self.kind)
            .map(|r| r.cutoff)
            .unwrap_or(self.cutoff);
        if usual == self.cutoff {
            base
        } else {
            format!("{base}@{}", self.cutoff)
        }
    }

    /// The Swedish name of the round, e.g. `Delårsrapport 2 (prognos 2)`.
    pub fn name(&self) -> String {
        match self.kind {
            RoundKind::Month(m) => format!(
                "Månadsrapport {} {}",
                MONTH_NAMES[m as usize - 1],
                self.year
            ),
            RoundKind::P1 => format!("Delårsrapport 1 {}", self.year),
            RoundKind::P2 => format!("Delårsrapport 2 {}", self.year),
            RoundKind::YearEnd => format!("Årsbokslut {}", self.year),
        }
    }
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

impl FromStr for Round {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Round::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn impossible_dates_are_rejected() {
        assert!(Date::parse_yyyymmdd("20250230").is_err());
        assert!(Date::parse_yyyymmdd("20230229").is_err());
        assert!(Date::parse_yyyymmdd("20240229").is_ok());
        assert!(Date::parse_yyyymmdd("19000229").is_err());
        assert!(Date::parse_yyyymmdd("20000229").is_ok());
        assert!(Date::parse_yyyymmdd("20251301").is_err());
        assert!(Date::parse_yyyymmdd("2025011").is_err());
        assert!(Date::parse_yyyymmdd("2025-01-01").is_err());
        assert_eq!(Date::parse("2025-01-31").unwrap().to_yyyymmdd(), "20250131");
        let e = Date::parse_yyyymmdd("20250230").unwrap_err();
        assert!(e.0.contains("februari har 28 dagar"), "{e}");
    }

    #[test]
    fn year_month_arithmetic() {
        let ym = YearMonth::new(2025, 1).unwrap();
        assert_eq!(ym.prev(), YearMonth::new(2024, 12).unwrap());
        assert_eq!(ym.add_months(13), YearMonth::new(2026, 2).unwrap());
        assert_eq!(ym.add_months(-25), YearMonth::new(2022, 12).unwrap());
        assert_eq!(ym.months_until(YearMonth::new(2025, 8).unwrap()), 7);
        assert_eq!(YearMonth::parse("202508").unwrap().month(), 8);
        assert_eq!(YearMonth::parse("2025-08").unwrap().to_yyyymm(), "202508");
        assert!(YearMonth::parse("2025-13").is_err());
        assert!(YearMonth::parse("2025-8").is_err());
        assert_eq!(YearMonth::new(2024, 2).unwrap().days(), 29);
        assert_eq!(
            YearMonth::from_int(202512).unwrap(),
            YearMonth::new(2025, 12).unwrap()
        );
    }

    #[test]
    fn ranges_and_labels() {
        let r = PeriodRange::new(
            YearMonth::new(2025, 1).unwrap(),
            YearMonth::new(2025, 8).unwrap(),
        )
        .unwrap();
        assert_eq!(r.len(), 8);
        assert_eq!(r.label(), "jan\u{2013}aug 2025");
        assert_eq!(r.months().last(), Some(YearMonth::new(2025, 8).unwrap()));
        assert!(PeriodRange::new(r.end, r.start).is_err());
    }

    #[test]
    fn financial_years() {
        let fy = FinancialYear::calendar(2025);
        assert!(fy.is_calendar());
        assert_eq!(fy.months().len(), 12);
        assert_eq!(fy.month(8), Some(YearMonth::new(2025, 8).unwrap()));
        assert_eq!(fy.month(13), None);
        let broken = FinancialYear::new(
            Date::parse("2024-07-01").unwrap(),
            Date::parse("2025-06-30").unwrap(),
        )
        .unwrap();
        assert!(!broken.is_calendar());
        assert_eq!(broken.month(7), Some(YearMonth::new(2025, 1).unwrap()));
        assert!(FinancialYear::new(
            Date::parse("2024-01-01").unwrap(),
            Date::parse("2025-12-31").unwrap()
        )
        .is_err());
    }

    #[test]
    fn rounds() {
        let p2 = Round::parse("2025-P2").unwrap();
        assert_eq!(p2.cutoff, 8);
        assert_eq!(p2.to_date().label(), "jan\u{2013}aug 2025");
        assert_eq!(p2.id(), "2025-P2");
        let p1 = Round::parse("2025-P1@3").unwrap();
        assert_eq!(p1.cutoff, 3);
        assert_eq!(p1.id(), "2025-P1@3");
        assert_eq!(Round::parse("2025-05").unwrap().kind, RoundKind::Month(5));
        assert_eq!(Round::parse("2025-B").unwrap().cutoff, 12);
        assert!(Round::parse("2025-B@8").is_err());
        assert!(Round::parse("2025-13").is_err());
        assert!(Round::parse("P2").is_err());
        assert_eq!(p2.name(), "Delårsrapport 2 2025");
    }

    proptest! {
        #[test]
        fn day_numbers_are_consecutive(y in 1900i32..2200, m in 1u8..=12) {
            let ym = YearMonth::new(y, m).unwrap();
            let first = ym.first_day();
            prop_assert_eq!(first.days_until(ym.last_day()) + 1, ym.days() as i64);
            prop_assert_eq!(ym.last_day().days_until(ym.next().first_day()), 1);
        }

        #[test]
        fn date_text_roundtrip(y in 1i32..=9999, m in 1u8..=12, d in 1u8..=31) {
            if let Ok(date) = Date::new(y, m, d) {
                prop_assert_eq!(Date::parse_yyyymmdd(&date.to_yyyymmdd()).unwrap(), date);
                prop_assert_eq!(Date::parse(&date.to_string()).unwrap(), date);
            } else {
                prop_assert!(d > days_in_month(y, m));
            }
        }

        #[test]
        fn day_number_roundtrip(y in 1i32..=9999, m in 1u8..=12, d in 1u8..=28) {
            let date = Date::new(y, m, d).unwrap();
            prop_assert_eq!(Date::from_day_number(date.day_number()).unwrap(), date);
            let next = date.add_days(1);
            if let Ok(next) = next {
                prop_assert_eq!(date.days_until(next), 1);
            }
        }

        #[test]
        fn add_months_inverts(y in 1000i32..3000, m in 1u8..=12, n in -500i32..500) {
            let ym = YearMonth::new(y, m).unwrap();
            prop_assert_eq!(ym.add_months(n).add_months(-n), ym);
            prop_assert_eq!(ym.months_until(ym.add_months(n)), n);
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,12}") {
            let _ = Date::parse(&s);
            let _ = YearMonth::parse(&s);
            let _ = Round::parse(&s);
        }
    }
}
