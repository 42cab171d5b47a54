//! Exact money amounts in öre, Swedish formatting and parsing.
//!
//! Amounts are stored as a signed number of öre (1/100 kr) in an `i64`, aggregated unrounded and
//! rounded only when rendered, half away from zero (PRIMER §3).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

/// The real minus sign used in Swedish typesetting (U+2212).
pub const MINUS: char = '\u{2212}';
/// Non-breaking space, the thousands separator in rendered amounts.
pub const NBSP: char = '\u{00A0}';

/// Largest absolute amount accepted when parsing: 10^15 kr, far beyond any municipal ledger.
pub const MAX_ABS_ORE: i64 = 100_000_000_000_000_000;

/// An exact amount of money in öre.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Amount(i64);

/// The unit an amount is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Kronor.
    Kr,
    /// Thousands of kronor.
    Tkr,
    /// Millions of kronor.
    Mnkr,
}

impl Unit {
    /// Number of öre in one of this unit.
    pub const fn ore(self) -> i64 {
        match self {
            Unit::Kr => 100,
            Unit::Tkr => 100_000,
            Unit::Mnkr => 100_000_000,
        }
    }

    /// The Swedish label (`kr`, `tkr`, `mnkr`).
    pub const fn label(self) -> &'static str {
        match self {
            Unit::Kr => "kr",
            Unit::Tkr => "tkr",
            Unit::Mnkr => "mnkr",
        }
    }

    /// Largest number of decimals that is exact for this unit.
    pub const fn max_decimals(self) -> u8 {
        match self {
            Unit::Kr => 2,
            Unit::Tkr => 5,
            Unit::Mnkr => 8,
        }
    }
}

impl FromStr for Unit {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "kr" => Ok(Unit::Kr),
            "tkr" => Ok(Unit::Tkr),
            "mnkr" | "mkr" => Ok(Unit::Mnkr),
            _ => Err(MoneyError::new(format!(
                "okänd enhet \"{s}\" (använd kr, tkr eller mnkr)"
            ))),
        }
    }
}

/// An error from parsing or arithmetic on amounts; the message is in Swedish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoneyError(pub String);

impl MoneyError {
    fn new(msg: impl Into<String>) -> Self {
        MoneyError(msg.into())
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MoneyError {}

impl Amount {
    /// Zero kronor.
    pub const ZERO: Amount = Amount(0);

    /// An amount from a number of öre.
    pub const fn from_ore(ore: i64) -> Amount {
        Amount(ore)
    }

    /// An amount from whole kronor; `None` on overflow.
    pub const fn from_kr(kr: i64) -> Option<Amount> {
        match kr.checked_mul(100) {
            Some(v) => Some(Amount(v)),
            None => None,
        }
    }

    /// The amount in öre.
    pub const fn ore(self) -> i64 {
        self.0
    }

    /// True when the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Checked addition.
    pub fn checked_add(self, rhs: Amount) -> Option<Amount> {
        self.0.checked_add(rhs.0).map(Amount)
    }

    /// Checked subtraction.
    pub fn checked_sub(self, rhs: Amount) -> Option<Amount> {
        self.0.checked_sub(rhs.0).map(Amount)
    }

    /// Checked multiplication by an integer (for example a number of days).
    pub fn checked_mul(self, factor: i64) -> Option<Amount> {
        self.0.checked_mul(factor).map(Amount)
    }

    /// Checked negation.
    pub fn checked_neg(self) -> Option<Amount> {
        self.0.checked_neg().map(Amount)
    }

    /// Multiply by `num / den` and round half away from zero to whole öre.
    /// `None` when `den` is zero or the result does not fit.
    pub fn mul_ratio(self, num: i64, den: i64) -> Option<Amount> {
        if den == 0 {
            return None;
        }
        let p = (self.0 as i128).checked_mul(num as i128)?;
        let q = div_round_half_away(p, den as i128);
        i64::try_from(q).ok().map(Amount)
    }

    /// Multiply by a floating-point factor, rounding half away from zero to whole öre.
    /// For estimates (run-rate, shares); exact bookkeeping uses the integer methods.
    pub fn mul_f64(self, factor: f64) -> Option<Amount> {
        let v = self.0 as f64 * factor;
        if !v.is_finite() || v.abs() > i64::MAX as f64 / 2.0 {
            return None;
        }
        Some(Amount(v.round() as i64))
    }

    /// The amount as a floating-point number of kronor (for charts and statistics only).
    pub fn as_kr_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Round half away from zero to `decimals` decimals of `unit`, returned as an integer count
    /// of 10^-decimals units (e.g. `-12345` for −1 234,5 tkr with one decimal).
    pub fn round_to(self, unit: Unit, decimals: u8) -> i64 {
        let decimals = decimals.min(unit.max_decimals());
        let scale = unit.ore() / 10i64.pow(decimals as u32);
        div_round_half_away(self.0 as i128, scale as i128) as i64
    }

    /// The amount rounded to whole units of `unit`, back as an `Amount` (for footing checks).
    pub fn rounded(self, unit: Unit, decimals: u8) -> Amount {
        let decimals = decimals.min(unit.max_decimals());
        let scale = unit.ore() / 10i64.pow(decimals as u32);
        Amount((self.round_to(unit, decimals) as i128 * scale as i128) as i64)
    }

    /// Render in Swedish: thousands separated by a non-breaking space, decimal comma, real minus
    /// sign; e.g. `−1 234,5` for −1 234 456,78 kr in tkr with one decimal. A value that rounds
    /// to zero is shown without a sign.
    pub fn format(self, unit: Unit, decimals: u8) -> String {
        let decimals = decimals.min(unit.max_decimals());
        format_scaled(self.round_to(unit, decimals), decimals, NBSP)
    }

    /// The amount as SIE writes it: decimal point, no thousands separator, `-` sign, and two
    /// decimals only when there are öre (`1234.5` is written `1234.50`).
    pub fn to_sie(self) -> String {
        let neg = self.0 < 0;
        let abs = (self.0 as i128).unsigned_abs();
        let kr = abs / 100;
        let ore = abs % 100;
        let sign = if neg { "-" } else { "" };
        if ore == 0 {
            format!("{sign}{kr}")
        } else {
            format!("{sign}{kr}.{ore:02}")
        }
    }

    /// The amount with exactly two decimals and a decimal point, e.g. `-1234.50` (for JSON).
    pub fn to_fixed2(self) -> String {
        let neg = self.0 < 0;
        let abs = (self.0 as i128).unsigned_abs();
        format!(
            "{}{}.{:02}",
            if neg { "-" } else { "" },
            abs / 100,
            abs % 100
        )
    }

    /// Parse an amount as SIE writes it: optional sign, digits, optional decimal point and up to
    /// two decimals (further decimals must be zeros). A decimal comma is accepted too, as some
    /// exporters write one.
    pub fn parse_sie(s: &str) -> Result<Amount, MoneyError> {
        parse_plain(s.trim(), &['.', ','], &[])
    }

    /// Parse an amount written the Swedish way, in kronor: `−1 234,50`, `-1234,5`, `1 234`;
    /// accepts hyphen-minus or U+2212, spaces, non-breaking and narrow no-break spaces as
    /// thousands separators, and a decimal comma (a decimal point is accepted too).
    pub fn parse_swedish(s: &str) -> Result<Amount, MoneyError> {
        let t = s.trim().trim_end_matches("kr").trim();
        parse_plain(t, &[',', '.'], &[' ', NBSP, '\u{202F}', '\u{2009}'])
    }

    /// Parse a Swedish amount given in `unit` (e.g. `−4,5` mnkr); precision beyond öre is
    /// rounded half away from zero.
    pub fn parse_swedish_in(s: &str, unit: Unit) -> Result<Amount, MoneyError> {
        let t = s.trim();
        let (neg, digits, frac) =
            split_number(t, &[',', '.'], &[' ', NBSP, '\u{202F}', '\u{2009}'])?;
        let int: i128 = digits
            .parse::<i128>()
            .map_err(|_| MoneyError::new(format!("\"{s}\" är för stort")))?;
        let mut num = int;
        let mut den: i128 = 1;
        for c in frac.chars() {
            num = num
                .checked_mul(10)
                .and_then(|n| n.checked_add(c.to_digit(10).unwrap_or(0) as i128))
                .ok_or_else(|| MoneyError::new(format!("\"{s}\" har för många decimaler")))?;
            den = den
                .checked_mul(10)
                .ok_or_else(|| MoneyError::new(format!("\"{s}\" har för många decimaler")))?;
        }
        let ore = div_round_half_away(
            num.checked_mul(unit.ore() as i128)
                .ok_or_else(|| MoneyError::new(format!("\"{s}\" är för stort")))?,
            den,
        );
        let ore = if neg { -ore } else { ore };
        if ore.abs() > MAX_ABS_ORE as i128 {
            return Err(MoneyError::new(format!("\"{s}\" är för stort")));
        }
        Ok(Amount(ore as i64))
    }
}

/// Integer division rounding half away from zero.
pub fn div_round_half_away(n: i128, d: i128) -> i128 {
    debug_assert!(d != 0);
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d {
        q + n.signum()
    } else {
        q
    }
}

/// Format an integer count of 10^-decimals units the Swedish way with separator `sep`.
pub fn format_scaled(value: i64, decimals: u8, sep: char) -> String {
    let neg = value < 0;
    let abs = (value as i128).unsigned_abs();
    let pow = 10u128.pow(decimals as u32);
    let int = abs / pow;
    let frac = abs % pow;
    let digits = int.to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push(MINUS);
    }
    let n = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    if decimals > 0 {
        out.push(',');
        out.push_str(&format!("{:0width$}", frac, width = decimals as usize));
    }
    out
}

/// Split a number into (negative, integer digits, fraction digits).
fn split_number<'a>(
    s: &'a str,
    decimal: &[char],
    group: &[char],
) -> Result<(bool, String, String), MoneyError> {
    let bad = || {
        MoneyError::new(format!(
            "\"{s}\" är inget belopp (väntat till exempel 1234.50 eller −1 234,50)"
        ))
    };
    let mut rest: &'a str = s;
    let mut neg = false;
    if let Some(r) = rest.strip_prefix('-').or_else(|| rest.strip_prefix(MINUS)) {
        neg = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    let mut int = String::new();
    let mut frac = String::new();
    let mut in_frac = false;
    let mut last_was_group = false;
    for c in rest.chars() {
        if c.is_ascii_digit() {
            if in_frac {
                frac.push(c);
            } else {
                int.push(c);
            }
            last_was_group = false;
        } else if decimal.contains(&c) && !in_frac {
            in_frac = true;
        } else if group.contains(&c) && !in_frac && !int.is_empty() && !last_was_group {
            last_was_group = true;
        } else {
            return Err(bad());
        }
    }
    if last_was_group || (int.is_empty() && frac.is_empty()) || (in_frac && frac.is_empty()) {
        return Err(bad());
    }
    if int.is_empty() {
        int.push('0');
    }
    Ok((neg, int, frac))
}

fn parse_plain(s: &str, decimal: &[char], group: &[char]) -> Result<Amount, MoneyError> {
    let (neg, int, frac) = split_number(s, decimal, group)?;
    let extra = frac.get(2..).unwrap_or("");
    if !extra.chars().all(|c| c == '0') {
        return Err(MoneyError::new(format!(
            "\"{s}\" har fler än två decimaler (belopp anges i hela öre)"
        )));
    }
    let mut ore_digits = frac.chars().take(2).collect::<String>();
    while ore_digits.len() < 2 {
        ore_digits.push('0');
    }
    let int = int.trim_start_matches('0');
    if int.len() > 16 {
        return Err(MoneyError::new(format!("\"{s}\" är för stort")));
    }
    let kr: i64 = if int.is_empty() {
        0
    } else {
        int.parse()
            .map_err(|_| MoneyError::new(format!("\"{s}\" är för stort")))?
    };
    let ore: i64 = ore_digits.parse().unwrap_or(0);
    let v = kr
        .checked_mul(100)
        .and_then(|v| v.checked_add(ore))
        .filter(|v| *v <= MAX_ABS_ORE)
        .ok_or_else(|| MoneyError::new(format!("\"{s}\" är för stort")))?;
    Ok(Amount(if neg { -v } else { v }))
}

impl fmt::Display for Amount {
    /// Kronor with two decimals, Swedish style: `−1 234,50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(Unit::Kr, 2))
    }
}

impl Add for Amount {
    type Output = Amount;
    /// Adds; panics on overflow (impossible within [`MAX_ABS_ORE`]-bounded inputs summed fewer
    /// than 90 000 times). Use [`Amount::checked_add`] on untrusted sums.
    fn add(self, rhs: Amount) -> Amount {
        self.checked_add(rhs)
            .expect("beloppet blev för stort (överspill)")
    }
}

impl Sub for Amount {
    type Output = Amount;
    fn sub(self, rhs: Amount) -> Amount {
        self.checked_sub(rhs)
            .expect("beloppet blev för stort (överspill)")
    }
}

impl Neg for Amount {
    type Output = Amount;
    fn neg(self) -> Amount {
        self.checked_neg()
            .expect("beloppet blev för stort (överspill)")
    }
}

impl AddAssign for Amount {
    fn add_assign(&mut self, rhs: Amount) {
        *self = *self + rhs;
    }
}

impl SubAssign for Amount {
    fn sub_assign(&mut self, rhs: Amount) {
        *self = *self - rhs;
    }
}

impl Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl<'a> Sum<&'a Amount> for Amount {
    fn sum<I: Iterator<Item = &'a Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + *b)
    }
}

/// Format a percentage the Swedish way (`95 %`, `−4,3 %`) from a ratio (0.95).
pub fn format_percent(ratio: f64, decimals: u8) -> String {
    let scaled = (ratio * 100.0 * 10f64.powi(decimals as i32)).round();
    let v = if scaled == 0.0 { 0 } else { scaled as i64 };
    format!("{}{}%", format_scaled(v, decimals, NBSP), NBSP)
}

/// An integer the Swedish way: `69 168`, `−1 200` (non-breaking space between thousands, real
/// minus sign). For counts in messages.
pub fn format_int(n: i64) -> String {
    format_scaled(n, 0, NBSP)
}

/// A decimal number the Swedish way with `decimals` decimals, rounded half away from zero:
/// `2,0`, `1 234,57`, `−0,5`; a value that rounds to zero has no sign. For seconds, megabytes
/// and other measurements in messages (never for money: use [`Amount::format`]).
pub fn format_decimal(x: f64, decimals: u8) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let scaled = (x * 10f64.powi(decimals as i32)).round();
    let v = if scaled == 0.0 {
        0
    } else {
        scaled.clamp(i64::MIN as f64, i64::MAX as f64) as i64
    };
    format_scaled(v, decimals, NBSP)
}

/// Serde for an [`Amount`] as kronor with exactly two decimals in a JSON string (`"1234.50"`,
/// `"-12.00"`, as [`Amount::to_fixed2`]): the one form every JSON output of delar uses
/// (`#[serde(with = "delar_core::money::kr_string")]`). Reads the same form back.
pub mod kr_string {
    use super::Amount;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// Write `a` as `"1234.50"`.
    pub fn serialize<S: Serializer>(a: &Amount, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&a.to_fixed2())
    }

    /// Read `"1234.50"` (a decimal point, up to two decimals).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        let s = String::deserialize(d)?;
        Amount::parse_sie(&s).map_err(D::Error::custom)
    }

    /// The same for an `Option<Amount>`: `null` when there is none.
    pub mod option {
        use super::Amount;
        use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

        /// Write `Some(a)` as `"1234.50"`, `None` as `null`.
        pub fn serialize<S: Serializer>(a: &Option<Amount>, s: S) -> Result<S::Ok, S::Error> {
            match a {
                Some(a) => s.serialize_str(&a.to_fixed2()),
                None => s.serialize_none(),
            }
        }

        /// Read `"1234.50"` or `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| Amount::parse_sie(&s).map_err(D::Error::custom))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn a(ore: i64) -> Amount {
        Amount::from_ore(ore)
    }

    #[test]
    fn formats_swedish() {
        assert_eq!(a(-123_445_678).format(Unit::Tkr, 1), "\u{2212}1\u{a0}234,5");
        assert_eq!(a(123_456_789).format(Unit::Kr, 2), "1\u{a0}234\u{a0}567,89");
        assert_eq!(a(450_000_000).format(Unit::Mnkr, 1), "4,5");
        assert_eq!(a(-444_999_999).format(Unit::Mnkr, 1), "\u{2212}4,4");
        assert_eq!(a(0).format(Unit::Mnkr, 1), "0,0");
        // rounds to zero: no sign
        assert_eq!(a(-400_000).format(Unit::Mnkr, 1), "0,0");
        assert_eq!(a(100_000).format(Unit::Kr, 0), "1\u{a0}000");
        assert_eq!(a(99_999).format(Unit::Kr, 0), "1\u{a0}000");
    }

    #[test]
    fn formats_counts_and_measurements() {
        assert_eq!(format_int(69_168), "69\u{a0}168");
        assert_eq!(format_int(-1_200), "\u{2212}1\u{a0}200");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_decimal(2.04, 1), "2,0");
        assert_eq!(format_decimal(1234.567, 2), "1\u{a0}234,57");
        assert_eq!(format_decimal(-0.04, 1), "0,0");
        assert_eq!(format_decimal(-0.05, 1), "\u{2212}0,1");
        assert_eq!(format_decimal(f64::NAN, 1), "–");
    }

    #[test]
    fn kr_string_writes_and_reads_two_decimals() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct T {
            #[serde(with = "kr_string")]
            a: Amount,
            #[serde(with = "kr_string::option")]
            b: Option<Amount>,
        }
        let t = T {
            a: a(-123_450),
            b: Some(a(1_200)),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"a":"-1234.50","b":"12.00"}"#);
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), t);
        let none = T { a: a(0), b: None };
        let json = serde_json::to_string(&none).unwrap();
        assert_eq!(json, r#"{"a":"0.00","b":null}"#);
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), none);
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(a(150).round_to(Unit::Kr, 0), 2);
        assert_eq!(a(-150).round_to(Unit::Kr, 0), -2);
        assert_eq!(a(149).round_to(Unit::Kr, 0), 1);
        assert_eq!(a(-149).round_to(Unit::Kr, 0), -1);
        assert_eq!(a(50_000).round_to(Unit::Tkr, 0), 1);
        assert_eq!(a(-50_000).round_to(Unit::Tkr, 0), -1);
        assert_eq!(a(49_999).round_to(Unit::Tkr, 0), 0);
        assert_eq!(a(5_000_000).round_to(Unit::Mnkr, 1), 1);
        assert_eq!(a(-5_000_000).round_to(Unit::Mnkr, 1), -1);
        assert_eq!(a(-4_999_999).round_to(Unit::Mnkr, 1), 0);
        assert_eq!(a(-5_000_000).rounded(Unit::Mnkr, 1), a(-10_000_000));
    }

    #[test]
    fn parses_sie_amounts() {
        assert_eq!(Amount::parse_sie("1234.50").unwrap(), a(123_450));
        assert_eq!(Amount::parse_sie("-1234.5").unwrap(), a(-123_450));
        assert_eq!(Amount::parse_sie("-0.01").unwrap(), a(-1));
        assert_eq!(Amount::parse_sie("17").unwrap(), a(1700));
        assert_eq!(Amount::parse_sie(".5").unwrap(), a(50));
        assert_eq!(Amount::parse_sie("12,25").unwrap(), a(1225));
        assert_eq!(Amount::parse_sie("1.2300").unwrap(), a(123));
        assert!(Amount::parse_sie("1.234").is_err());
        assert!(Amount::parse_sie("1 234").is_err());
        assert!(Amount::parse_sie("abc").is_err());
        assert!(Amount::parse_sie("").is_err());
        assert!(Amount::parse_sie("-").is_err());
        assert!(Amount::parse_sie("1.").is_err());
        assert!(Amount::parse_sie("99999999999999999999").is_err());
    }

    #[test]
    fn parses_swedish_amounts() {
        assert_eq!(
            Amount::parse_swedish("\u{2212}1\u{a0}234,50").unwrap(),
            a(-123_450)
        );
        assert_eq!(Amount::parse_swedish("-1 234,5").unwrap(), a(-123_450));
        assert_eq!(Amount::parse_swedish("1 234 kr").unwrap(), a(123_400));
        assert!(Amount::parse_swedish("1  234").is_err());
        assert!(Amount::parse_swedish("1 234 ").is_ok());
        assert_eq!(
            Amount::parse_swedish_in("\u{2212}4,5", Unit::Mnkr).unwrap(),
            a(-450_000_000)
        );
        assert_eq!(
            Amount::parse_swedish_in("1,2345", Unit::Kr).unwrap(),
            a(123)
        );
        assert_eq!(
            Amount::parse_swedish_in("1,2355", Unit::Kr).unwrap(),
            a(124)
        );
    }

    #[test]
    fn sie_text() {
        assert_eq!(a(-123_450).to_sie(), "-1234.50");
        assert_eq!(a(123_400).to_sie(), "1234");
        assert_eq!(a(-1).to_sie(), "-0.01");
        assert_eq!(a(-1).to_fixed2(), "-0.01");
        assert_eq!(a(i64::MIN).to_fixed2(), "-92233720368547758.08");
    }

    #[test]
    fn checked_arithmetic() {
        assert_eq!(a(i64::MAX).checked_add(a(1)), None);
        assert_eq!(a(i64::MIN).checked_neg(), None);
        assert_eq!(a(10).checked_mul(3), Some(a(30)));
        assert_eq!(a(100).mul_ratio(1, 3), Some(a(33)));
        assert_eq!(a(-200).mul_ratio(1, 3), Some(a(-67)));
        assert_eq!(a(100).mul_ratio(1, 0), None);
        assert_eq!([a(1), a(2), a(-5)].iter().sum::<Amount>(), a(-2));
    }

    #[test]
    fn percent() {
        assert_eq!(format_percent(0.954, 0), "95\u{a0}%");
        assert_eq!(format_percent(-0.0432, 1), "\u{2212}4,3\u{a0}%");
        assert_eq!(format_percent(-0.0004, 0), "0\u{a0}%");
    }

    proptest! {
        #[test]
        fn sie_roundtrip(ore in -MAX_ABS_ORE..=MAX_ABS_ORE) {
            let x = a(ore);
            prop_assert_eq!(Amount::parse_sie(&x.to_sie()).unwrap(), x);
            prop_assert_eq!(Amount::parse_sie(&x.to_fixed2()).unwrap(), x);
        }

        #[test]
        fn swedish_roundtrip(ore in -MAX_ABS_ORE..=MAX_ABS_ORE) {
            let x = a(ore);
            prop_assert_eq!(Amount::parse_swedish(&x.format(Unit::Kr, 2)).unwrap(), x);
        }

        #[test]
        fn rounding_is_nearest(ore in -MAX_ABS_ORE..=MAX_ABS_ORE, d in 0u8..=2) {
            for unit in [Unit::Kr, Unit::Tkr, Unit::Mnkr] {
                let r = a(ore).rounded(unit, d);
                let step = unit.ore() / 10i64.pow(d as u32);
                let diff = (r.ore() - ore).abs();
                prop_assert!(2 * diff <= step, "{ore} {unit:?} {d} -> {r:?}");
                // half away from zero: the rounded value is never closer to zero on a tie
                if 2 * diff == step { prop_assert!(r.ore().abs() > ore.abs()); }
                // symmetric
                prop_assert_eq!(a(-ore).rounded(unit, d), -r);
            }
        }

        #[test]
        fn addition_commutes_and_checks(x in any::<i64>(), y in any::<i64>()) {
            let (ax, ay) = (a(x), a(y));
            prop_assert_eq!(ax.checked_add(ay), ay.checked_add(ax));
            match x.checked_add(y) {
                Some(s) => prop_assert_eq!(ax.checked_add(ay), Some(a(s))),
                None => prop_assert_eq!(ax.checked_add(ay), None),
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Amount::parse_sie(&s);
            let _ = Amount::parse_swedish(&s);
            let _ = Amount::parse_swedish_in(&s, Unit::Mnkr);
        }
    }
}
