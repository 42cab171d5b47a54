//! Fuzz the amount and date parsers.
#![no_main]

use delar_core::{Amount, Date, Round, Unit, YearMonth};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(a) = Amount::parse_sie(s) {
            assert_eq!(Amount::parse_sie(&a.to_sie()).unwrap(), a);
        }
        if let Ok(a) = Amount::parse_swedish(s) {
            assert_eq!(Amount::parse_swedish(&a.format(Unit::Kr, 2)).unwrap(), a);
        }
        let _ = Amount::parse_swedish_in(s, Unit::Mnkr);
        let _ = Date::parse(s);
        let _ = YearMonth::parse(s);
        let _ = Round::parse(s);
    }
});
