//! Splitting one SIE line into fields.
//!
//! Fields are separated by spaces or tabs. A quoted field may contain `\"` for a quote; a
//! backslash that does not escape a quote is kept as it is. When a quoted field does not end
//! on its line but contains `\"` followed by a space or the end of the line, that `\"` was a
//! Windows path's final backslash and the closing quote (`"C:\Bok\"`), and is read so.
//! `{...}` is an object list; a lone `{` or `}` opens or closes a voucher's block.

use std::borrow::Cow;

/// What kind of field a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Unquoted text.
    Bare,
    /// Quoted text (quotes removed, escapes resolved).
    Quoted,
    /// An object list `{...}`; the bytes are what stands between the braces.
    Objects,
    /// A lone `{` ending the line: opens a voucher block.
    Open,
    /// A lone `}`: closes a voucher block.
    Close,
}

/// One field of a line, as raw bytes in the file's encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawField<'a> {
    /// The kind of field.
    pub kind: FieldKind,
    /// Content without quotes or braces, escapes resolved.
    pub bytes: Cow<'a, [u8]>,
}

/// A tokenizing problem (the field is still returned as well as possible).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    /// Swedish message.
    pub message: String,
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Iterates over the fields of one line (without its line ending).
pub struct Tokenizer<'a> {
    line: &'a [u8],
    pos: usize,
    /// Problems met so far on the line.
    pub errors: Vec<TokenError>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer over one line.
    pub fn new(line: &'a [u8]) -> Self {
        Tokenizer {
            line,
            pos: 0,
            errors: Vec::new(),
        }
    }

    fn quoted(&mut self) -> RawField<'a> {
        let line = self.line;
        let start = self.pos + 1;
        let mut i = start;
        let mut escapes: Vec<usize> = Vec::new();
        loop {
            if i >= line.len() {
                // Unterminated: was the last `\"` before a space or the end really a path's
                // final backslash followed by the closing quote?
                let fallback = escapes
                    .iter()
                    .rev()
                    .copied()
                    .find(|&p| p + 2 >= line.len() || is_space(line[p + 2]));
                return match fallback {
                    Some(p) => {
                        escapes.retain(|&e| e < p);
                        self.pos = p + 2;
                        RawField {
                            kind: FieldKind::Quoted,
                            bytes: unescape(line, start, p + 1, &escapes),
                        }
                    }
                    None => {
                        self.errors.push(TokenError {
                            message: "citattecknet avslutas aldrig på raden; fältet läses till radens slut"
                                .into(),
                        });
                        self.pos = line.len();
                        RawField {
                            kind: FieldKind::Quoted,
                            bytes: unescape(line, start, line.len(), &escapes),
                        }
                    }
                };
            }
            match line[i] {
                b'\\' if i + 1 < line.len() && line[i + 1] == b'"' => {
                    escapes.push(i);
                    i += 2;
                }
                b'"' => {
                    self.pos = i + 1;
                    return RawField {
                        kind: FieldKind::Quoted,
                        bytes: unescape(line, start, i, &escapes),
                    };
                }
                _ => i += 1,
            }
        }
    }

    fn objects(&mut self) -> RawField<'a> {
        let line = self.line;
        let start = self.pos + 1;
        let mut i = start;
        let mut in_quote = false;
        while i < line.len() {
            match line[i] {
                b'\\' if in_quote && i + 1 < line.len() && line[i + 1] == b'"' => i += 1,
                b'"' => in_quote = !in_quote,
                b'}' if !in_quote => {
                    self.pos = i + 1;
                    return RawField {
                        kind: FieldKind::Objects,
                        bytes: Cow::Borrowed(&line[start..i]),
                    };
                }
                _ => {}
            }
            i += 1;
        }
        self.errors.push(TokenError {
            message: "objektlistan saknar avslutande }".into(),
        });
        self.pos = line.len();
        RawField {
            kind: FieldKind::Objects,
            bytes: Cow::Borrowed(&line[start..]),
        }
    }
}

fn unescape<'a>(line: &'a [u8], start: usize, end: usize, escapes: &[usize]) -> Cow<'a, [u8]> {
    if escapes.is_empty() {
        return Cow::Borrowed(&line[start..end]);
    }
    let mut out = Vec::with_capacity(end - start);
    let mut from = start;
    for &p in escapes {
        out.extend_from_slice(&line[from..p]);
        from = p + 1; // skip the backslash, keep the quote
    }
    out.extend_from_slice(&line[from..end]);
    Cow::Owned(out)
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = RawField<'a>;

    fn next(&mut self) -> Option<RawField<'a>> {
        let line = self.line;
        while self.pos < line.len() && is_space(line[self.pos]) {
            self.pos += 1;
        }
        if self.pos >= line.len() {
            return None;
        }
        match line[self.pos] {
            b'"' => Some(self.quoted()),
            b'{' => {
                let rest = &line[self.pos + 1..];
                if rest.iter().all(|&b| is_space(b)) {
                    self.pos = line.len();
                    Some(RawField {
                        kind: FieldKind::Open,
                        bytes: Cow::Borrowed(b"{"),
                    })
                } else {
                    Some(self.objects())
                }
            }
            b'}' if line[self.pos + 1..].iter().all(|&b| is_space(b)) => {
                self.pos = line.len();
                Some(RawField {
                    kind: FieldKind::Close,
                    bytes: Cow::Borrowed(b"}"),
                })
            }
            _ => {
                let start = self.pos;
                while self.pos < line.len() && !is_space(line[self.pos]) {
                    self.pos += 1;
                }
                Some(RawField {
                    kind: FieldKind::Bare,
                    bytes: Cow::Borrowed(&line[start..self.pos]),
                })
            }
        }
    }
}

/// Split an object list's inner bytes into fields (quoted or bare).
pub fn object_fields(inner: &[u8]) -> (Vec<RawField<'_>>, Vec<TokenError>) {
    let mut t = Tokenizer::new(inner);
    let mut v = Vec::new();
    for f in t.by_ref() {
        // Braces inside an object list are plain text here.
        let kind = match f.kind {
            FieldKind::Open | FieldKind::Close | FieldKind::Objects => FieldKind::Bare,
            k => k,
        };
        let bytes = if f.kind == FieldKind::Objects {
            // `{` inside an object list: take the text literally.
            Cow::Owned([b"{".as_slice(), &f.bytes, b"}"].concat())
        } else {
            f.bytes
        };
        v.push(RawField { kind, bytes });
    }
    (v, t.errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(line: &str) -> Vec<(FieldKind, String)> {
        Tokenizer::new(line.as_bytes())
            .map(|f| (f.kind, String::from_utf8_lossy(&f.bytes).into_owned()))
            .collect()
    }

    #[test]
    fn splits_on_spaces_and_tabs() {
        use FieldKind::*;
        assert_eq!(
            fields("#KONTO\t1930  \"Bank konto\"   "),
            vec![
                (Bare, "#KONTO".into()),
                (Bare, "1930".into()),
                (Quoted, "Bank konto".into())
            ]
        );
    }

    #[test]
    fn escaped_quotes_and_literal_backslashes() {
        use FieldKind::*;
        assert_eq!(
            fields(r#"#FNAMN "Bolaget \"Bästa\" AB""#)[1],
            (Quoted, "Bolaget \"Bästa\" AB".into())
        );
        assert_eq!(
            fields(r#"#FNR "C:\Program\Bok""#)[1],
            (Quoted, r"C:\Program\Bok".into())
        );
        // A trailing backslash before the closing quote does not swallow it.
        assert_eq!(
            fields(r#"#PROSA "C:\Bok\" 12"#),
            vec![
                (Bare, "#PROSA".into()),
                (Quoted, r"C:\Bok\".into()),
                (Bare, "12".into())
            ]
        );
        assert_eq!(fields(r#"#FNR "C:\Bok\""#)[1], (Quoted, r"C:\Bok\".into()));
        assert_eq!(
            fields(r#"#X "a \"b\" C:\d\""#)[1],
            (Quoted, r#"a "b" C:\d\"#.into())
        );
        assert_eq!(fields(r#"#X """#)[1], (Quoted, "".into()));
    }

    #[test]
    fn unterminated_quote_is_reported() {
        let mut t = Tokenizer::new(br#"#FNAMN "Bolaget AB"#);
        let v: Vec<_> = t.by_ref().collect();
        assert_eq!(v[1].bytes.as_ref(), b"Bolaget AB");
        assert_eq!(t.errors.len(), 1);
    }

    #[test]
    fn object_lists() {
        use FieldKind::*;
        let f = fields(r#"#TRANS 4610 {1 "100" 6 "P 1"} 100.00 "" "" 2"#);
        assert_eq!(f[2], (Objects, r#"1 "100" 6 "P 1""#.into()));
        assert_eq!(f[3], (Bare, "100.00".into()));
        assert_eq!(f[4], (Quoted, "".into()));
        let f = fields(r#"#TRANS 4610 {} 100.00"#);
        assert_eq!(f[2], (Objects, "".into()));
        let f = fields(r#"#TRANS 4610 {1 "a}b"} 1"#);
        assert_eq!(f[2], (Objects, r#"1 "a}b""#.into()));
        let (of, errs) = object_fields(br#"1 "100" 6 P1"#);
        assert!(errs.is_empty());
        assert_eq!(of.len(), 4);
        assert_eq!(of[3].bytes.as_ref(), b"P1");
        assert_eq!(fields("{"), vec![(Open, "{".into())]);
        assert_eq!(fields("  }  "), vec![(Close, "}".into())]);
        let mut t = Tokenizer::new(b"#TRANS 1 {1 2 100");
        let _ = t.by_ref().count();
        assert_eq!(t.errors.len(), 1);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut t = Tokenizer::new(&bytes);
            let n = t.by_ref().count();
            prop_assert!(n <= bytes.len());
            for f in Tokenizer::new(&bytes) {
                if f.kind == FieldKind::Objects { let _ = object_fields(&f.bytes); }
            }
        }

        #[test]
        fn quoted_roundtrip(s in "[^\"\\\\\r\n]{0,20}(\\\\\"[^\"\r\n]{0,5}){0,2}") {
            // Writer's quoting: escape every quote.
            let text = s.replace("\\\"", "\"");
            let quoted = format!("\"{}\"", text.replace('"', "\\\""));
            let line = format!("#X {quoted} 1");
            let f: Vec<_> = Tokenizer::new(line.as_bytes()).collect();
            prop_assert_eq!(f.len(), 3);
            prop_assert_eq!(String::from_utf8_lossy(&f[1].bytes).into_owned(), text);
        }
    }
}
