//! What every output of the command line shares, so that one vocabulary is used everywhere:
//! numbers in messages the Swedish way (`69 168`, `2,0 s`), amounts in CSV as kronor with a
//! decimal comma and no thousands separator (`-1234,50`: what Swedish Excel reads as a
//! number), texts in CSV quoted. In JSON, amounts are kronor with two decimals as text
//! (`"-1234.50"`, `delar_core::money::kr_string`) and forecast methods their codes
//! (`Method::code`); see docs/FORECASTING.md, "Output conventions".

use delar_core::money::{format_decimal, format_int};
use delar_core::{Amount, Unit};

/// A count in a message, the Swedish way: `69 168` (not for years, ids or months).
pub fn count<N: TryInto<i64>>(n: N) -> String {
    format_int(n.try_into().unwrap_or(i64::MAX))
}

/// A measurement in a message (seconds, megabytes) with `decimals` decimals: `2,0`.
pub fn decimal(x: f64, decimals: u8) -> String {
    format_decimal(x, decimals)
}

/// An amount in a CSV file: kronor with two decimals, decimal comma, `-` sign, no thousands
/// separator (`-1234,50`).
pub fn csv_kr(a: Amount) -> String {
    a.format(Unit::Kr, 2)
        .replace(['\u{a0}'], "")
        .replace('\u{2212}', "-")
}

/// A text in a CSV file: in double quotes, inner quotes doubled.
pub fn csv_text(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_and_csv() {
        assert_eq!(count(69_168u64), "69\u{a0}168");
        assert_eq!(count(7usize), "7");
        assert_eq!(decimal(2.0, 1), "2,0");
        assert_eq!(decimal(1234.56, 1), "1\u{a0}234,6");
        assert_eq!(csv_kr(Amount::from_ore(-123_456_789)), "-1234567,89");
        assert_eq!(csv_kr(Amount::from_ore(5)), "0,05");
        assert_eq!(csv_text("Säg \"hej\""), "\"Säg \"\"hej\"\"\"");
    }
}
