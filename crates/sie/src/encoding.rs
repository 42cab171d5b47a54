//! Character encodings of SIE files and their detection from content.
//!
//! The standard says code page 437 (`#FORMAT PC8`), but real exports also come as UTF-8 (with
//! or without a byte-order mark), ISO-8859-1/15 and Windows-1252, and some declare PC8 while
//! being UTF-8. The reader decides from the first line that is not plain ASCII and keeps the
//! decision; [`Detector`] holds that state.

use oem_cp::code_table::{DECODING_TABLE_CP437, ENCODING_TABLE_CP437};
use serde::Serialize;
use std::borrow::Cow;

/// An encoding the reader can decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Encoding {
    /// Only 7-bit ASCII seen: every candidate decodes the file the same.
    Ascii,
    /// UTF-8 without byte-order mark.
    Utf8,
    /// UTF-8 with byte-order mark.
    Utf8Bom,
    /// IBM code page 437 (`PC8`), the standard's encoding.
    Cp437,
    /// Windows-1252 (bytes 0x80–0x9F used as printable characters).
    Windows1252,
    /// ISO-8859-1 / ISO-8859-15 (decoded identically for Swedish letters).
    Latin1,
}

impl Encoding {
    /// Human-readable name, used in summaries and `--json`.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Ascii => "ASCII",
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 med BOM",
            Encoding::Cp437 => "CP437 (PC8)",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Latin1 => "ISO-8859-1",
        }
    }

    /// Decode bytes with this encoding (ASCII bytes are borrowed, never copied).
    pub fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        if bytes.is_ascii() {
            // ASCII is valid UTF-8.
            return Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default());
        }
        match self {
            Encoding::Ascii | Encoding::Utf8 | Encoding::Utf8Bom => String::from_utf8_lossy(bytes),
            Encoding::Cp437 => Cow::Owned(decode_single(bytes, |b| {
                DECODING_TABLE_CP437[(b - 0x80) as usize]
            })),
            Encoding::Windows1252 => Cow::Owned(decode_single(bytes, decode_1252)),
            Encoding::Latin1 => Cow::Owned(decode_single(bytes, |b| b as char)),
        }
    }

    /// Encode text for writing; characters the encoding lacks become `?`.
    pub fn encode(self, text: &str) -> Cow<'_, [u8]> {
        if text.is_ascii() {
            return Cow::Borrowed(text.as_bytes());
        }
        match self {
            Encoding::Ascii | Encoding::Utf8 | Encoding::Utf8Bom => Cow::Borrowed(text.as_bytes()),
            Encoding::Cp437 => Cow::Owned(oem_cp::encode_string_lossy(text, &ENCODING_TABLE_CP437)),
            Encoding::Windows1252 => Cow::Owned(text.chars().map(encode_1252).collect()),
            Encoding::Latin1 => Cow::Owned(
                text.chars()
                    .map(|c| {
                        if (c as u32) < 256 {
                            c as u32 as u8
                        } else {
                            b'?'
                        }
                    })
                    .collect(),
            ),
        }
    }
}

/// Windows-1252's printable characters in 0x80–0x9F (undefined positions map to U+FFFD).
const W1252_HIGH: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

/// Decode a single-byte encoding: ASCII as it is, the upper half through `high`.
#[inline]
fn decode_single(bytes: &[u8], high: impl Fn(u8) -> char) -> String {
    let mut s = String::with_capacity(bytes.len() + bytes.len() / 2);
    for &b in bytes {
        if b < 0x80 {
            s.push(b as char);
        } else {
            s.push(high(b));
        }
    }
    s
}

fn decode_1252(b: u8) -> char {
    if (0x80..0xA0).contains(&b) {
        W1252_HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

fn encode_1252(c: char) -> u8 {
    let v = c as u32;
    if v < 0x80 || (0xA0..0x100).contains(&v) {
        return v as u8;
    }
    W1252_HIGH
        .iter()
        .position(|&h| h == c && h != '\u{FFFD}')
        .map(|i| 0x80 + i as u8)
        .unwrap_or(b'?')
}

/// Score how Swedish a line looks when read as CP437 versus as an ISO-8859/Windows-1252 text.
fn single_byte_guess(line: &[u8]) -> Encoding {
    let mut cp437 = 0i32;
    let mut latin = 0i32;
    let mut has_c1 = false;
    for &b in line.iter().filter(|b| !b.is_ascii()) {
        match b {
            // CP437: é ä å Ä Å É ö Ö ü Ü (0x81..0x9A) and á í ó ú ñ (0xA0..0xA5)
            0x81..=0x9A | 0xA0..=0xA5 => cp437 += 2,
            _ => {}
        }
        match b {
            // Latin-1: À..ÿ letters; å ä ö Å Ä Ö é are in this range
            0xC0..=0xFF => latin += 2,
            0x80..=0x9F => has_c1 = true,
            _ => {}
        }
        // CP437 box drawing and symbols (0xB0..0xDF) are unlikely in ledger text.
        if (0xB0..=0xDF).contains(&b) {
            cp437 -= 1;
        }
    }
    if cp437 > latin {
        Encoding::Cp437
    } else if has_c1 {
        Encoding::Windows1252
    } else {
        Encoding::Latin1
    }
}

/// Detects and then keeps the encoding of a file, line by line.
#[derive(Clone, Debug)]
pub struct Detector {
    decided: Option<Encoding>,
    bom: bool,
    /// Line of the first non-ASCII line (the one the decision was made on).
    pub decided_on_line: Option<u64>,
    /// Lines that did not decode cleanly with the decided encoding.
    pub bad_lines: u64,
    /// First such line.
    pub first_bad_line: Option<u64>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

impl Detector {
    /// A detector that has seen nothing yet.
    pub fn new() -> Detector {
        Detector {
            decided: None,
            bom: false,
            decided_on_line: None,
            bad_lines: 0,
            first_bad_line: None,
        }
    }

    /// Note a UTF-8 byte-order mark at the start of the file.
    pub fn saw_bom(&mut self) {
        self.bom = true;
        self.decided = Some(Encoding::Utf8Bom);
    }

    /// The encoding so far: ASCII until a non-ASCII line has been seen.
    pub fn encoding(&self) -> Encoding {
        self.decided.unwrap_or(Encoding::Ascii)
    }

    /// Look at a non-ASCII line (without its line ending) and return the encoding to decode it
    /// with. The first such line decides; later lines may refine ISO-8859-1 to Windows-1252.
    pub fn observe(&mut self, line: &[u8], line_no: u64) -> Encoding {
        match self.decided {
            None => {
                let enc = if std::str::from_utf8(line).is_ok() {
                    Encoding::Utf8
                } else {
                    single_byte_guess(line)
                };
                self.decided = Some(enc);
                self.decided_on_line = Some(line_no);
                enc
            }
            Some(Encoding::Utf8) | Some(Encoding::Utf8Bom) => {
                if std::str::from_utf8(line).is_err() {
                    self.bad_lines += 1;
                    self.first_bad_line.get_or_insert(line_no);
                    // A stray single-byte line in a UTF-8 file: decode it as the most likely
                    // single-byte encoding rather than with replacement characters.
                    single_byte_guess(line)
                } else {
                    self.encoding()
                }
            }
            Some(Encoding::Latin1) => {
                if line.iter().any(|b| (0x80..0xA0).contains(b)) {
                    self.decided = Some(Encoding::Windows1252);
                }
                self.encoding()
            }
            Some(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_swedish_letters() {
        let cp = [0x86u8, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x82];
        assert_eq!(Encoding::Cp437.decode(&cp), "åäöÅÄÖé");
        let l1 = [0xE5u8, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0xE9];
        assert_eq!(Encoding::Latin1.decode(&l1), "åäöÅÄÖé");
        assert_eq!(Encoding::Windows1252.decode(&[0x80, 0x96]), "€–");
        assert_eq!(
            Encoding::Cp437.encode("Vård- och omsorg").as_ref(),
            b"V\x86rd- och omsorg"
        );
        assert_eq!(Encoding::Windows1252.encode("€ö").as_ref(), &[0x80, 0xF6]);
    }

    #[test]
    fn detects_from_content() {
        let mut d = Detector::new();
        assert_eq!(d.encoding(), Encoding::Ascii);
        assert_eq!(
            d.observe("#KONTO 5011 \"Löner\"".as_bytes(), 7),
            Encoding::Utf8
        );
        let mut d = Detector::new();
        assert_eq!(
            d.observe(b"#KONTO 5011 \"L\x94ner m\x86nad\"", 7),
            Encoding::Cp437
        );
        let mut d = Detector::new();
        assert_eq!(
            d.observe(b"#KONTO 5011 \"L\xF6ner m\xE5nad\"", 7),
            Encoding::Latin1
        );
        assert_eq!(
            d.observe(b"#KONTO 5012 \"L\xF6ner \x96 extra\"", 8),
            Encoding::Windows1252
        );
        assert_eq!(d.encoding(), Encoding::Windows1252);
        let mut d = Detector::new();
        d.observe("åäö".as_bytes(), 1);
        d.observe(b"\x86\x84", 2);
        assert_eq!(d.bad_lines, 1);
        assert_eq!(d.first_bad_line, Some(2));
    }

    #[test]
    fn roundtrips_cp437() {
        let s = "Hemtjänst Öster, Vård- och omsorgsboende Eken é";
        assert_eq!(Encoding::Cp437.decode(&Encoding::Cp437.encode(s)), s);
        assert_eq!(Encoding::Latin1.decode(&Encoding::Latin1.encode(s)), s);
        assert_eq!(
            Encoding::Windows1252.decode(&Encoding::Windows1252.encode(s)),
            s
        );
    }
}
