//! The reader's hot path: a plain `#TRANS` line parsed straight from its bytes.
//!
//! Nine lines in ten of a large SIE file are `#TRANS` lines of one simple shape:
//! `#TRANS 4010 {1 "100" 2 "510"} 1234.50 20250131 "Text" 2 sign`. This parser takes only
//! that shape (bare tokens and quoted ones without backslashes, separated by spaces or tabs)
//! and gives up (returns `None`) on anything else, so the general tokenizer and its findings
//! handle every unusual line. For each line it accepts it returns exactly what the general
//! path returns (a property test in `tests/reader.rs` checks this).

use crate::encoding::Encoding;
use crate::intern::ObjectSet;
use crate::model::{Code, TransKind, Transaction, Voucher};
use crate::reader::{parse_object_list, Interners};
use delar_core::accounts::check_account_number;
use delar_core::{Amount, Date};

#[inline]
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// One simple token: bare or quoted (without backslashes).
struct Token<'a> {
    bytes: &'a [u8],
}

/// Split `rest` into simple tokens; `None` when something needs the general tokenizer.
/// Returns the number of tokens; the first `out.len()` are written to `out`, the rest are
/// only checked (the general path ignores them too).
#[inline]
fn tokens<'a, const N: usize>(rest: &'a [u8], out: &mut [Token<'a>; N]) -> Option<usize> {
    let mut n = 0;
    let mut i = 0;
    let len = rest.len();
    loop {
        while i < len && is_space(rest[i]) {
            i += 1;
        }
        if i >= len {
            return Some(n);
        }
        let tok = match rest[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < len && rest[j] != b'"' {
                    if rest[j] == b'\\' {
                        return None;
                    }
                    j += 1;
                }
                if j >= len {
                    return None; // unterminated
                }
                if j + 1 < len && !is_space(rest[j + 1]) {
                    return None;
                }
                i = j + 1;
                &rest[start..j]
            }
            b'{' | b'}' => return None,
            _ => {
                let start = i;
                while i < len && !is_space(rest[i]) {
                    i += 1;
                }
                &rest[start..i]
            }
        };
        if n < out.len() {
            out[n] = Token { bytes: tok };
        }
        n += 1;
    }
}

/// `-?digits(.d{1,2})?` as öre, without allocating; `None` for any other shape.
#[inline]
fn simple_amount(b: &[u8]) -> Option<Amount> {
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let (int, frac) = match digits.iter().position(|&c| c == b'.') {
        Some(p) => (&digits[..p], &digits[p + 1..]),
        None => (digits, &digits[..0]),
    };
    if int.is_empty() || int.len() > 15 || frac.len() > 2 {
        return None;
    }
    if digits.contains(&b'.') && frac.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in int {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as i64;
    }
    let mut f: i64 = 0;
    for &c in frac {
        if !c.is_ascii_digit() {
            return None;
        }
        f = f * 10 + (c - b'0') as i64;
    }
    if frac.len() == 1 {
        f *= 10;
    }
    let ore = v * 100 + f;
    Some(Amount::from_ore(if neg { -ore } else { ore }))
}

/// A quantity other than a plain whole number: `Some(Some(q))` when it parses (a decimal
/// comma is allowed), `None` when the line must go the general way.
fn quantity_text(q: &[u8]) -> Option<Option<f64>> {
    let s = std::str::from_utf8(q).ok()?;
    // Without a decimal comma the text parses as it is (no copy per line).
    let parsed = if s.contains(',') {
        s.replace(',', ".").parse::<f64>()
    } else {
        s.parse::<f64>()
    };
    match parsed {
        Ok(q) if q.is_finite() => Some(Some(q)),
        _ => None,
    }
}

/// Parse `line` if it is a simple `#TRANS` line; `None` sends it the general way.
pub(crate) fn parse_trans_line(
    line: &[u8],
    enc: Encoding,
    line_no: u64,
    interners: &mut Interners,
) -> Option<Transaction> {
    let mut i = 0;
    while i < line.len() && is_space(line[i]) {
        i += 1;
    }
    let rest = line.get(i..)?.strip_prefix(b"#TRANS")?;
    if !rest.first().is_some_and(|&b| is_space(b)) {
        return None;
    }
    // Account: a bare token.
    let mut i = 0;
    while i < rest.len() && is_space(rest[i]) {
        i += 1;
    }
    let start = i;
    while i < rest.len() && !is_space(rest[i]) {
        i += 1;
    }
    let acc = &rest[start..i];
    if acc.is_empty() || matches!(acc[0], b'"' | b'{' | b'}') {
        return None;
    }
    let account = match interners.accounts.lookup(acc) {
        Some(a) => a,
        None => {
            let s = std::str::from_utf8(acc).ok()?;
            check_account_number(s).ok()?;
            let a = Code::from(s);
            interners.accounts.insert(acc, a.clone());
            a
        }
    };
    while i < rest.len() && is_space(rest[i]) {
        i += 1;
    }
    // Objects: `{...}` up to the first `}` outside quotes, without backslashes.
    let mut objects = ObjectSet::empty();
    if rest.get(i) == Some(&b'{') {
        let start = i + 1;
        let mut j = start;
        let mut in_quote = false;
        loop {
            match rest.get(j)? {
                b'\\' | b'{' => return None,
                b'"' => in_quote = !in_quote,
                b'}' if !in_quote => break,
                _ => {}
            }
            j += 1;
        }
        let inner = &rest[start..j];
        if rest.get(j + 1).is_some_and(|&b| !is_space(b)) {
            return None;
        }
        if !inner.is_ascii() {
            return None;
        }
        objects = match interners.objects.lookup(inner) {
            Some(o) => o,
            None => {
                let o = ObjectSet::from(parse_object_list(inner, enc, "#TRANS", line_no).ok()?);
                interners.objects.insert(inner, o.clone());
                o
            }
        };
        i = j + 1;
    }
    let mut toks: [Token<'_>; 5] = std::array::from_fn(|_| Token { bytes: &[] });
    let n = tokens(&rest[i..], &mut toks)?;
    if n == 0 {
        return None;
    }
    let amt = toks[0].bytes;
    let amount = match simple_amount(amt) {
        Some(a) => a,
        None => Amount::parse_sie(std::str::from_utf8(amt).ok()?).ok()?,
    };
    let date = if n > 1 && !toks[1].bytes.is_empty() {
        Some(date8(toks[1].bytes)?)
    } else {
        None
    };
    let text = if n > 2 && !toks[2].bytes.is_empty() {
        Some(interners.text(toks[2].bytes, enc))
    } else {
        None
    };
    let quantity = if n > 3 && !toks[3].bytes.is_empty() {
        let q = toks[3].bytes;
        // A whole number of at most 15 digits (most quantities, often `0`) is exact as f64.
        if q.len() <= 15 && q.iter().all(u8::is_ascii_digit) {
            let v = q.iter().fold(0u64, |acc, &c| acc * 10 + (c - b'0') as u64);
            Some(v as f64)
        } else {
            quantity_text(q)?
        }
    } else {
        None
    };
    let sign = if n > 4 && !toks[4].bytes.is_empty() {
        Some(interners.text(toks[4].bytes, enc))
    } else {
        None
    };
    Some(Transaction {
        kind: TransKind::Normal,
        account,
        objects,
        amount,
        date,
        text,
        quantity,
        sign,
        line: line_no,
    })
}

/// What a simple structural line is.
pub(crate) enum Simple {
    /// A `{` alone on its line.
    Open,
    /// A `}` alone on its line.
    Close,
}

/// `{` or `}` alone on the line (spaces and tabs around are allowed).
#[inline]
pub(crate) fn brace_line(line: &[u8]) -> Option<Simple> {
    let t = line.trim_ascii();
    match t {
        b"{" => Some(Simple::Open),
        b"}" => Some(Simple::Close),
        _ => None,
    }
}

/// Eight ASCII digits as a date; `None` otherwise (also for impossible dates).
#[inline]
fn date8(d: &[u8]) -> Option<Date> {
    if d.len() != 8 || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        d[r].iter()
            .fold(0u32, |acc, &c| acc * 10 + (c - b'0') as u32)
    };
    Date::new(num(0..4) as i32, num(4..6) as u8, num(6..8) as u8).ok()
}

/// Parse `line` if it is a simple `#VER` line (the voucher without transactions); `None`
/// sends it the general way.
pub(crate) fn parse_ver_line(line: &[u8], enc: Encoding, line_no: u64) -> Option<Voucher> {
    let rest = line.trim_ascii_start().strip_prefix(b"#VER")?;
    if !rest.first().is_some_and(|&b| is_space(b)) {
        return None;
    }
    let mut toks: [Token<'_>; 6] = std::array::from_fn(|_| Token { bytes: &[] });
    let n = tokens(rest, &mut toks)?;
    if n < 3 {
        return None;
    }
    let text = |t: &Token<'_>| -> Option<String> {
        if t.bytes.is_empty() {
            None
        } else {
            Some(enc.decode(t.bytes).into_owned())
        }
    };
    let series = text(&toks[0]).unwrap_or_default();
    let number = text(&toks[1]);
    let date = date8(toks[2].bytes)?;
    let vtext = if n > 3 { text(&toks[3]) } else { None };
    let reg_date = if n > 4 && !toks[4].bytes.is_empty() {
        Some(date8(toks[4].bytes)?)
    } else {
        None
    };
    let sign = if n > 5 { text(&toks[5]) } else { None };
    Some(Voucher {
        series,
        number,
        date,
        text: vtext,
        reg_date,
        sign,
        transactions: Vec::with_capacity(8),
        line: line_no,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_common_shapes() {
        let mut i = Interners::default();
        let t = parse_trans_line(
            b"   #TRANS 4010 {1 \"100\" 2 \"510\"} -1234.5 20250131 \"OB-till\x84gg\" 2,5 AB",
            Encoding::Cp437,
            7,
            &mut i,
        )
        .expect("simple line");
        assert_eq!(t.account, "4010");
        assert_eq!(t.objects.len(), 2);
        assert_eq!(t.amount, Amount::from_ore(-123_450));
        assert_eq!(t.text.as_deref(), Some("OB-tillägg"));
        assert_eq!(t.quantity, Some(2.5));
        assert_eq!(t.sign.as_deref(), Some("AB"));
        assert_eq!(t.line, 7);
        // The second line with the same values shares them.
        let u = parse_trans_line(
            b"#TRANS 4010 {1 \"100\" 2 \"510\"} 1 \"\" \"OB-till\x84gg\"",
            Encoding::Cp437,
            8,
            &mut i,
        )
        .unwrap();
        assert!(std::ptr::eq(t.account.as_str(), u.account.as_str()));
        assert_eq!(i.accounts.len(), 1);
        assert_eq!(i.objects.len(), 1);
        let v = parse_ver_line(
            b"#VER A 17 20250115 \"Lev\x94r\" 20250116 AB",
            Encoding::Cp437,
            3,
        )
        .expect("simple voucher");
        assert_eq!((v.series.as_str(), v.number.as_deref()), ("A", Some("17")));
        assert_eq!(v.text.as_deref(), Some("Levör"));
        assert!(matches!(brace_line(b" { "), Some(Simple::Open)));
        assert!(matches!(brace_line(b"}"), Some(Simple::Close)));
    }

    #[test]
    fn leaves_the_odd_ones_to_the_general_path() {
        let mut i = Interners::default();
        for l in [
            &b"#TRANS \"4010\" {} 1"[..],
            b"#TRANS 4010 {1 \"a\\\"b\"} 1",
            b"#TRANS 4010 {} 1 \"\" \"a \\\"b\\\"\"",
            b"#TRANS 4010 {} abc",
            b"#TRANS 4010 {} 1 20250230",
            b"#TRANS 40x {} 1",
            b"#trans 4010 {} 1",
            b"#TRANS 4010 {1 \"100\"",
        ] {
            assert!(
                parse_trans_line(l, Encoding::Ascii, 1, &mut i).is_none(),
                "{}",
                String::from_utf8_lossy(l)
            );
        }
        assert!(parse_ver_line(b"#VER A 1 2025-01-15", Encoding::Ascii, 1).is_none());
        assert!(parse_ver_line(b"#VER A 1", Encoding::Ascii, 1).is_none());
    }
}
