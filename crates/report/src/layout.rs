//! Layout hints every renderer shares, so a table looks the same in every program: which
//! texts must never break across lines (figures, dates, codes), which columns hold figures
//! and are right-aligned (also a text column such as an indicator's `Prognos` whose cells
//! are figures or `i.u.`), and how many characters each column needs at least and would like
//! (column widths from the content: every header word and every figure whole).

use crate::model::{Format, RowKind, Table};

/// Whether a cell text is a figure: digits with Swedish separators, signs, `%`, or a
/// placeholder for a missing figure (`i.u.`, `–`). `1 234,5`, `−12`, `+3,2 %`, `95 %`.
pub fn is_figure(text: &str) -> bool {
    let t = text.trim();
    if matches!(t, "i.u." | "–" | "-" | "—" | "..") {
        return true;
    }
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    ' ' | '\u{a0}' | '\u{202f}' | ',' | '.' | '−' | '-' | '+' | '±' | '%' | '‰'
                )
        })
        // a date or a year range is not a number to align
        && !is_date(t)
}

/// Whether a text is an ISO date or month (`2025-01-15`, `2025-01`).
pub fn is_date(text: &str) -> bool {
    let b = text.trim().as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    }
}

/// Whether a cell text must stay on one line: a figure, a date, or a short code with a digit
/// and no space (`SN-J1`, `2025-P2`, `§ 132` keeps its non-breaking space).
pub fn unbreakable(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() {
        return false;
    }
    is_figure(t)
        || is_date(t)
        || (t.chars().count() <= 20
            && t.chars().any(|c| c.is_ascii_digit())
            && !t.chars().any(|c| c == ' ' || c == '\t' || c == '\n'))
}

/// Whether column `i` is right-aligned: a numeric format, or (not the label column, not a
/// status) every filled body cell a figure and at least one with a digit.
pub fn right_aligned(t: &Table, i: usize) -> bool {
    let Some(col) = t.columns.get(i) else {
        return false;
    };
    if col.format.is_numeric() {
        return true;
    }
    if i == 0 || col.format == Format::Status {
        return false;
    }
    let mut any_digit = false;
    for r in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
        let Some(c) = r.cells.get(i) else { continue };
        let text = c.text.trim();
        if text.is_empty() {
            continue;
        }
        if !is_figure(text) {
            return false;
        }
        any_digit |= text.chars().any(|c| c.is_ascii_digit());
    }
    any_digit
}

/// What a column needs, in characters of the table's body font: `min` is the longest text
/// that must not break (every header word, every figure, date and code whole, the longest
/// word of a text cell up to [`TEXT_WORD_CHARS`], the indent of nested rows), `want` the
/// longest text on one line (up to [`WANT_CHARS`]). Header words count 1,2 characters per
/// letter (bold). `text` marks a column of running text, which gives way first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnNeed {
    /// Characters that must fit on one line.
    pub min: f64,
    /// Characters of the longest text, capped.
    pub want: f64,
    /// A text column (not figures).
    pub text: bool,
}

/// `text` with a word joiner (U+2060) on each side of the dash of a range between letters
/// or digits (`jan–aug`), so no program breaks the line after the dash.
pub fn join_ranges(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let joined = c == '–'
            && i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphanumeric()
            && chars[i + 1].is_alphanumeric();
        if joined {
            out.push_str("\u{2060}–\u{2060}");
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest header word a column is widened for; a longer one (`prognosintervallet`) may
/// be hyphenated at a syllable ([`soft_hyphens`]), never broken letter by letter.
pub const HEADER_WORD_CHARS: f64 = 13.0;

/// `word` with soft hyphens (U+00AD) where Swedish may hyphenate it, for words longer than
/// [`HEADER_WORD_CHARS`]: before a consonant that a vowel follows (the last consonant of a
/// cluster starts the next syllable: `kost-nads-budget`), at least four letters from either
/// end. Shorter words are returned as they are.
pub fn soft_hyphens(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    if (chars.len() as f64) <= HEADER_WORD_CHARS || !chars.iter().all(|c| c.is_alphabetic()) {
        return word.to_string();
    }
    let vowel = |c: char| "aeiouyåäöéAEIOUYÅÄÖÉ".contains(c);
    let mut out = String::new();
    let mut last = 0;
    for (i, &c) in chars.iter().enumerate() {
        let breaks = i >= 4
            && i + 4 <= chars.len()
            && i - last >= 3
            && !vowel(c)
            && chars.get(i + 1).is_some_and(|n| vowel(*n))
            && chars[last..i].iter().any(|p| vowel(*p));
        if breaks {
            out.push('\u{ad}');
            last = i;
        }
        out.push(c);
    }
    out
}

/// The longest word of a text cell a column is widened for; longer ones may break.
pub const TEXT_WORD_CHARS: f64 = 24.0;
/// The longest text a column asks room for; longer texts wrap.
pub const WANT_CHARS: f64 = 60.0;
/// Width of a bold header letter against a body letter.
const BOLD: f64 = 1.15;
/// Indent of one row level, in characters.
const INDENT: f64 = 1.5;

/// Each column's [`ColumnNeed`], from the header and every body row.
pub fn column_needs(t: &Table) -> Vec<ColumnNeed> {
    let len = |s: &str| s.chars().count() as f64;
    let longest_word = |s: &str| s.split_whitespace().map(len).fold(0.0, f64::max);
    t.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let text = !right_aligned(t, i) && c.format != Format::Status;
            let mut min = longest_word(&c.label).min(HEADER_WORD_CHARS) * BOLD;
            let mut want = min.max(len(&c.label).min(24.0) * BOLD);
            for r in t.rows.iter() {
                let Some(cell) = r.cells.get(i) else { continue };
                let s = cell.text.trim();
                if r.kind == RowKind::Heading {
                    // a heading row's label spans the table; it asks nothing of the column
                    continue;
                }
                let bold = matches!(r.kind, RowKind::Subtotal | RowKind::Total);
                let k = if bold { BOLD } else { 1.0 };
                let indent = if i == 0 {
                    INDENT * (f64::from(r.level) + f64::from(u8::from(r.kind == RowKind::Varav)))
                } else {
                    0.0
                };
                // a status shows its symbol and a space before the word
                let extra = if matches!(cell.value, crate::model::Value::Status(_)) {
                    2.0
                } else {
                    0.0
                };
                let whole = len(s) * k + indent + extra;
                let must = if unbreakable(s) || !text {
                    whole
                } else {
                    longest_word(s).min(TEXT_WORD_CHARS) * k + indent + extra
                };
                min = min.max(must);
                want = want.max(whole.min(WANT_CHARS));
            }
            ColumnNeed {
                min: min.max(1.0),
                want: want.max(min).max(1.0),
                text,
            }
        })
        .collect()
}

/// Widths in characters for a line of `line` characters with `pad` characters of padding per
/// column: every column its `want` when all fit; else every column its `min`, and what is left
/// shared by how much more each would like, text columns first; when even the minimums do not
/// fit, the minimums (the caller shrinks the font or lets the table scroll).
pub fn fit(needs: &[ColumnNeed], line: f64, pad: f64) -> Vec<f64> {
    let full: f64 = needs.iter().map(|n| n.want + pad).sum();
    if full <= line {
        // the label column takes what is left
        let mut w: Vec<f64> = needs.iter().map(|n| n.want + pad).collect();
        if let Some(first) = w.first_mut() {
            *first += line - full;
        }
        return w;
    }
    let floor: f64 = needs.iter().map(|n| n.min + pad).sum();
    if floor >= line {
        return needs.iter().map(|n| n.min + pad).collect();
    }
    let extra: f64 = needs.iter().map(|n| n.want - n.min).sum();
    let share = (line - floor) / extra;
    needs
        .iter()
        .map(|n| n.min + pad + (n.want - n.min) * share)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, Column, Row, Value};

    #[test]
    fn figures_dates_and_codes() {
        for f in [
            "1 234,5", "−12", "+3,2", "95 %", "i.u.", "–", "0,0", "12,5 %",
        ] {
            assert!(is_figure(f), "{f}");
            assert!(unbreakable(f), "{f}");
        }
        for t in ["Socialnämnden", "2025-01-15", "2025-01", "SN-J1", "ja", ""] {
            assert!(!is_figure(t), "{t}");
        }
        assert!(is_date("2025-01-15") && is_date("2025-01") && !is_date("2025-1-15"));
        for u in ["2025-01-15", "SN-J1", "2025-P2"] {
            assert!(unbreakable(u), "{u}");
        }
        for b in ["Extern händelse", "Socialnämnden", "Förändring sedan 2024"] {
            assert!(!unbreakable(b), "{b}");
        }
    }

    fn table(cols: &[(&str, Format)], rows: &[&[&str]]) -> Table {
        Table {
            id: "t".into(),
            number: 1,
            caption: "T".into(),
            unit: None,
            sign_note: None,
            groups: vec![],
            columns: cols
                .iter()
                .map(|(l, f)| Column {
                    key: l.to_lowercase(),
                    label: l.to_string(),
                    format: *f,
                })
                .collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(k, r)| Row {
                    key: format!("r{k}"),
                    kind: RowKind::Item,
                    level: 0,
                    includes: vec![],
                    cells: r
                        .iter()
                        .map(|s| Cell {
                            value: Value::Text(s.to_string()),
                            text: s.to_string(),
                            source: None,
                            format: None,
                        })
                        .collect(),
                })
                .collect(),
            identities: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn ranges_hold_together() {
        assert_eq!(
            join_ranges("Utfall jan–aug 2025"),
            "Utfall jan\u{2060}–\u{2060}aug 2025"
        );
        assert_eq!(join_ranges("2024 – 2025"), "2024 – 2025");
        assert_eq!(join_ranges("–"), "–");
    }

    #[test]
    fn long_header_words_get_soft_hyphens_at_syllables() {
        let h = |w: &str| soft_hyphens(w).replace('\u{ad}', "-");
        assert_eq!(h("kostnadsbudget"), "kost-nads-budget");
        assert_eq!(h("Prognosjustering"), "Prog-nos-jus-tering");
        assert_eq!(h("Prognos"), "Prognos");
        assert_eq!(h("2025-01-15"), "2025-01-15");
        for w in [
            "kostnadsbudget",
            "prognosintervallet",
            "Funktionsstödsnämnden",
        ] {
            let s = soft_hyphens(w);
            assert_eq!(s.replace('\u{ad}', ""), w);
            for part in s.split('\u{ad}') {
                assert!(part.chars().count() >= 3, "{s}");
            }
        }
    }

    #[test]
    fn a_text_column_of_figures_is_right_aligned() {
        let t = table(
            &[
                ("Indikator", Format::Text),
                ("Prognos", Format::Text),
                ("Datum", Format::Text),
            ],
            &[
                &["Sjukfrånvaro", "7,2 %", "2025-01-15"],
                &["Beläggning", "i.u.", "2025-02-01"],
            ],
        );
        assert!(!right_aligned(&t, 0), "the label column stays left");
        assert!(right_aligned(&t, 1));
        assert!(!right_aligned(&t, 2), "dates are left-aligned text");
        let all_placeholders = table(
            &[("A", Format::Text), ("B", Format::Text)],
            &[&["x", "i.u."]],
        );
        assert!(!right_aligned(&all_placeholders, 1));
    }

    #[test]
    fn header_words_and_dates_are_never_below_the_minimum() {
        let t = table(
            &[
                ("Händelse", Format::Text),
                ("Datum", Format::Text),
                ("Prognos", Format::Number { decimals: 1 }),
            ],
            &[&[
                "En lång beskrivning av en händelse som tar plats",
                "2025-01-15",
                "1,0",
            ]],
        );
        let n = column_needs(&t);
        assert!(n[1].min >= 10.0, "the date whole: {:?}", n[1]);
        assert!(n[2].min >= 7.0 * 1.15, "the header word whole: {:?}", n[2]);
        assert!(n[0].text && !n[2].text);
        // squeezed: every column keeps its minimum, the total is the line
        let w = fit(&n, 40.0, 2.0);
        assert!((w.iter().sum::<f64>() - 40.0).abs() < 1e-9, "{w:?}");
        for (w, n) in w.iter().zip(&n) {
            assert!(*w >= n.min + 2.0 - 1e-9);
        }
        // roomy: every column its wish and the label column the rest
        let w = fit(&n, 200.0, 2.0);
        assert!((w.iter().sum::<f64>() - 200.0).abs() < 1e-9);
        assert!((w[2] - (n[2].want + 2.0)).abs() < 1e-9);
    }
}
