//! Numbers as people type them in Swedish templates.

/// Parse a number written the Swedish way or plainly: `1 234,5`, `−3`, `1234.5`, `12 %`.
/// Spaces (also non-breaking and thin) group thousands; the decimal mark is a comma or a
/// point (not both); the minus sign may be `-`, `−` or `–`; a trailing `%` is ignored (the
/// unit belongs to the column). The error is a Swedish sentence saying how to write it.
pub fn parse_number(s: &str) -> Result<f64, String> {
    let bad = || {
        format!("\"{s}\" är inget tal. Skriv till exempel 1 234,5 (mellanslag mellan tusental, decimalkomma).")
    };
    let mut t = s.trim();
    if let Some(rest) = t.strip_suffix('%') {
        t = rest.trim_end();
    }
    let (neg, body) = match t.chars().next() {
        Some('-' | '−' | '–') => (
            true,
            t[t.chars().next().map_or(0, char::len_utf8)..].trim_start(),
        ),
        Some('+') => (false, t[1..].trim_start()),
        _ => (false, t),
    };
    let mut plain = String::with_capacity(body.len());
    let mut decimal_mark: Option<char> = None;
    let mut digits = 0usize;
    for c in body.chars() {
        match c {
            '0'..='9' => {
                digits += 1;
                plain.push(c);
            }
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' => {
                if decimal_mark.is_some() {
                    return Err(bad());
                }
            }
            ',' | '.' => {
                if decimal_mark.is_some() {
                    return Err(bad());
                }
                decimal_mark = Some(c);
                plain.push('.');
            }
            _ => return Err(bad()),
        }
    }
    if digits == 0 {
        return Err(bad());
    }
    let v: f64 = plain.parse().map_err(|_| bad())?;
    if !v.is_finite() {
        return Err(bad());
    }
    Ok(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn swedish_and_plain() {
        assert_eq!(parse_number("1 234,5"), Ok(1234.5));
        assert_eq!(parse_number("1\u{a0}234,5"), Ok(1234.5));
        assert_eq!(parse_number("−3"), Ok(-3.0));
        assert_eq!(parse_number("– 3,25"), Ok(-3.25));
        assert_eq!(parse_number("1234.5"), Ok(1234.5));
        assert_eq!(parse_number("12 %"), Ok(12.0));
        assert_eq!(parse_number("+7"), Ok(7.0));
        assert_eq!(parse_number(",5"), Ok(0.5));
    }

    #[test]
    fn rejects_ambiguous_and_garbage() {
        for s in [
            "",
            "-",
            "1,234.5",
            "1.234.567",
            "12x",
            "1 234,5 6",
            "abc",
            "1e5",
            "NaN",
        ] {
            let e = parse_number(s).unwrap_err();
            assert!(e.contains("är inget tal"), "{s}: {e}");
        }
    }

    proptest! {
        #[test]
        fn swedish_rendering_roundtrips(v in -1.0e12f64..1.0e12) {
            let v = (v * 100.0).round() / 100.0;
            let text = format!("{v:.2}").replace('.', ",").replace('-', "−");
            let back = parse_number(&text).unwrap();
            prop_assert!((back - v).abs() < 1e-6);
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse_number(&s);
        }
    }
}
