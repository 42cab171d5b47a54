//! Rows encoded in PostgreSQL's binary `COPY` format, for the SIE import's bulk tables.
//!
//! The import writes each row's fields straight into one byte buffer (no value boxed per
//! field, no type lookup per value) and hands the buffer to `COPY … FROM STDIN BINARY` whole.
//! The format (PostgreSQL documentation, "COPY", "Binary Format"): an 11-byte signature,
//! a 32-bit flags field and a 32-bit header extension length; per row a 16-bit field count,
//! then per field a 32-bit length (−1 for NULL) and the value in the type's binary form
//! (big-endian integers and IEEE floats, text as its bytes); a 16-bit −1 ends the data.

use delar_core::Date;
use std::io::Write;

/// The signature, flags (no OIDs) and header extension length (none).
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// One `COPY … FROM STDIN BINARY`'s data, built row by row.
pub(crate) struct CopyRows {
    buf: Vec<u8>,
    rows: usize,
}

impl CopyRows {
    /// An empty copy with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> CopyRows {
        let mut buf = Vec::with_capacity(capacity.max(HEADER.len() + 2));
        buf.extend_from_slice(HEADER);
        CopyRows { buf, rows: 0 }
    }

    /// Start a row of `fields` fields (each then written with one of the value methods).
    pub(crate) fn row(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
        self.rows += 1;
    }

    /// A `BIGINT`.
    pub(crate) fn int8(&mut self, v: i64) {
        self.buf.extend_from_slice(&8i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// A `TEXT`.
    pub(crate) fn text(&mut self, v: &str) {
        let len = i32::try_from(v.len()).expect("a text shorter than 2 GB");
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(v.as_bytes());
    }

    /// A date as `TEXT` (`YYYY-MM-DD`, as `Date`'s `Display` writes it).
    pub(crate) fn date(&mut self, d: Date) {
        let (y, m, day) = (d.year(), u32::from(d.month()), u32::from(d.day()));
        if !(0..=9999).contains(&y) {
            return self.text(&d.to_string());
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let y = y as u32;
        self.buf.extend_from_slice(&10i32.to_be_bytes());
        self.buf.extend_from_slice(&[
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(day / 10),
            digit(day),
        ]);
    }

    /// A date as `TEXT`, or NULL.
    pub(crate) fn opt_date(&mut self, d: Option<Date>) {
        match d {
            Some(d) => self.date(d),
            None => self.null(),
        }
    }

    /// A `TEXT` or NULL.
    pub(crate) fn opt_text(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    /// A `DOUBLE PRECISION` or NULL.
    pub(crate) fn opt_float8(&mut self, v: Option<f64>) {
        match v {
            Some(v) => {
                self.buf.extend_from_slice(&8i32.to_be_bytes());
                self.buf.extend_from_slice(&v.to_bits().to_be_bytes());
            }
            None => self.null(),
        }
    }

    /// A NULL.
    pub(crate) fn null(&mut self) {
        self.buf.extend_from_slice(&(-1i32).to_be_bytes());
    }

    /// Rows written since the last [`CopyRows::take`].
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes of data held (header included).
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Write the finished data (trailer added) to `w` and start over, keeping the buffer.
    pub(crate) fn write_to(&mut self, w: &mut impl Write) -> std::io::Result<()> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        let written = w.write_all(&self.buf);
        self.buf.truncate(HEADER.len());
        self.rows = 0;
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_encoded_as_the_binary_copy_format_says() {
        let mut c = CopyRows::with_capacity(0);
        c.row(5);
        c.int8(-2);
        c.text("Å");
        c.null();
        c.opt_float8(Some(2.5));
        c.date(Date::new(2025, 3, 9).unwrap());
        assert_eq!((c.rows(), c.len()), (1, 19 + 2 + 12 + 6 + 4 + 12 + 14));
        let mut out = Vec::new();
        c.write_to(&mut out).unwrap();
        let mut want: Vec<u8> = b"PGCOPY\n\xff\r\n\0".to_vec();
        want.extend([0, 0, 0, 0, 0, 0, 0, 0]); // flags, header extension length
        want.extend([0, 5]); // fields
        want.extend([0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
        want.extend([0, 0, 0, 2, 0xc3, 0x85]); // "Å" in UTF-8
        want.extend([0xff, 0xff, 0xff, 0xff]); // NULL
        want.extend([0, 0, 0, 8, 0x40, 0x04, 0, 0, 0, 0, 0, 0]); // 2.5
        want.extend([0, 0, 0, 10]);
        want.extend(b"2025-03-09");
        want.extend([0xff, 0xff]); // end of data
        assert_eq!(out, want);
        // The buffer starts over with the header and no rows.
        assert_eq!((c.rows(), c.len()), (0, 19));
    }

    #[test]
    fn dates_are_written_as_display_writes_them() {
        for (y, m, d) in [(1, 1, 1), (999, 12, 31), (2024, 2, 29), (9999, 12, 31)] {
            let date = Date::new(y, m, d).unwrap();
            let mut c = CopyRows::with_capacity(0);
            c.date(date);
            assert_eq!(&c.buf[19..23], &10i32.to_be_bytes());
            assert_eq!(std::str::from_utf8(&c.buf[23..]).unwrap(), date.to_string());
        }
    }
}
