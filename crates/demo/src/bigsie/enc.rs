//! Byte-level output helpers: CP437 encoding and allocation-free number formatting.

/// Encode text as CP437 (SIE's `#FORMAT PC8`) or UTF-8. Characters outside the small table
/// used by the generator become `?` in CP437.
pub(crate) fn encode(s: &str, utf8: bool) -> Vec<u8> {
    if utf8 {
        return s.as_bytes().to_vec();
    }
    s.chars()
        .map(|c| match c {
            c if c.is_ascii() => c as u8,
            'ü' => 0x81,
            'é' => 0x82,
            'ä' => 0x84,
            'å' => 0x86,
            'Ä' => 0x8E,
            'Å' => 0x8F,
            'É' => 0x90,
            'ö' => 0x94,
            'Ö' => 0x99,
            'Ü' => 0x9A,
            _ => b'?',
        })
        .collect()
}

/// Append a non-negative integer in decimal.
#[inline]
pub(crate) fn put_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Append a signed integer in decimal.
#[inline]
pub(crate) fn put_i64(buf: &mut Vec<u8>, v: i64) {
    if v < 0 {
        buf.push(b'-');
    }
    put_u64(buf, v.unsigned_abs());
}

/// Append an amount in öre as SIE kronor: `-12345.50`; with `trim`, trailing zero decimals are
/// dropped (`-12345.5`, `100`), as some exporters do.
#[inline]
pub(crate) fn put_amount(buf: &mut Vec<u8>, ore: i64, trim: bool) {
    if ore < 0 {
        buf.push(b'-');
    }
    let a = ore.unsigned_abs();
    put_u64(buf, a / 100);
    let c = (a % 100) as u8;
    let (d1, d2) = (b'0' + c / 10, b'0' + c % 10);
    if !trim {
        buf.extend_from_slice(&[b'.', d1, d2]);
    } else if c == 0 {
    } else if d2 == b'0' {
        buf.extend_from_slice(&[b'.', d1]);
    } else {
        buf.extend_from_slice(&[b'.', d1, d2]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amt(ore: i64, trim: bool) -> String {
        let mut b = Vec::new();
        put_amount(&mut b, ore, trim);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn amounts() {
        assert_eq!(amt(1234550, false), "12345.50");
        assert_eq!(amt(-1234550, false), "-12345.50");
        assert_eq!(amt(-5, false), "-0.05");
        assert_eq!(amt(0, false), "0.00");
        assert_eq!(amt(1234550, true), "12345.5");
        assert_eq!(amt(1234500, true), "12345");
        assert_eq!(amt(-1234501, true), "-12345.01");
        assert_eq!(amt(0, true), "0");
        let mut b = Vec::new();
        put_i64(&mut b, i64::MIN);
        assert_eq!(b, i64::MIN.to_string().as_bytes());
    }

    #[test]
    fn cp437() {
        assert_eq!(
            encode("åäöÅÄÖé", false),
            [0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x82]
        );
        assert_eq!(encode("Hemtjänst", true), "Hemtjänst".as_bytes());
        assert_eq!(encode("a€b", false), b"a?b");
    }
}
