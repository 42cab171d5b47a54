//! The report model: pure data that every renderer reads.
//!
//! Numbers are formatted once, here ([`Format::render`]), and renderers print [`Cell::text`]
//! as it is, so the PDF, Word, Excel and HTML files show the same strings. Excel also writes
//! [`Cell::value`] scaled to the column's unit ([`Cell::display_number`]) with the matching
//! number format, so the value in the sheet rounds to the same text.

use delar_core::money::{format_percent, format_scaled, NBSP};
use delar_core::{Amount, Round, Unit};
use serde::{Deserialize, Serialize};

/// A whole report: metadata and numbered sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Title page and running header.
    pub meta: Meta,
    /// Top-level sections in order.
    pub sections: Vec<Section>,
}

/// What the title page, running header and file metadata say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Main title, e.g. `Delårsrapport 2 2025`.
    pub title: String,
    /// Subtitle, e.g. the committee's name.
    pub subtitle: String,
    /// The municipality (`Exempelkommun`).
    pub organisation: String,
    /// The round the report is for; period labels come from it (R8).
    pub round: Round,
    /// The period of outcome, e.g. `januari–augusti 2025`.
    pub period_label: String,
    /// The date printed on the report and written as the file's creation date (`ÅÅÅÅ-MM-DD`);
    /// fixed per round so the same input gives byte-identical files.
    pub date: String,
    /// A draft: every page carries a visible draft mark.
    pub draft: bool,
    /// The formal lines of the cover after period and date (`Beslutande organ`,
    /// `Sammanträde`, `Dnr`), in order; empty when not given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formal: Vec<FormalLine>,
    /// The house style (`[stil]` in the definition): logo, colours and font every renderer
    /// uses; `None` keeps each renderer's own look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<HouseStyle>,
}

/// A municipality's house style: its logo on the cover, a primary colour for headings and
/// table headers, an accent colour for rules and marks, and a font family (each renderer
/// falls back to the fonts it embeds or names when the family is missing).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseStyle {
    /// The logo, read from the file the definition names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<Logo>,
    /// Headings and table headers, `#RRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// Rules and marks, `#RRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<String>,
    /// The font family of text and headings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
}

/// A logo image as read from its file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Logo {
    /// PNG or SVG.
    pub format: LogoFormat,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// The kind of image a logo is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogoFormat {
    /// A PNG raster image.
    Png,
    /// An SVG vector image.
    Svg,
}

impl Logo {
    /// A logo from a file's bytes: PNG by its signature, SVG by an `<svg` element in the
    /// first kilobyte of UTF-8 text; anything else is `None`.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Logo> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Logo {
                format: LogoFormat::Png,
                bytes,
            });
        }
        let head = &bytes[..bytes.len().min(1024)];
        let text = String::from_utf8_lossy(head);
        if std::str::from_utf8(&bytes).is_ok() && text.contains("<svg") {
            return Some(Logo {
                format: LogoFormat::Svg,
                bytes,
            });
        }
        None
    }

    /// The image as a `data:` URI (base64), for self-contained HTML.
    pub fn data_uri(&self) -> String {
        let mime = match self.format {
            LogoFormat::Png => "image/png",
            LogoFormat::Svg => "image/svg+xml",
        };
        format!("data:{mime};base64,{}", base64(&self.bytes))
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(A[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A colour `#RRGGBB` as its three channels; `None` for anything else.
pub fn parse_colour(s: &str) -> Option<(u8, u8, u8)> {
    let h = s.trim().strip_prefix('#')?;
    if h.len() != 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((c(0)?, c(2)?, c(4)?))
}

/// Black or white, whichever reads better on `background` (`#RRGGBB`), by the WCAG relative
/// luminance; `#000000` or `#FFFFFF`.
pub fn text_on(background: &str) -> &'static str {
    let Some((r, g, b)) = parse_colour(background) else {
        return "#000000";
    };
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    // contrast with white (1.05 / (l + 0.05)) against black ((l + 0.05) / 0.05)
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#FFFFFF"
    } else {
        "#000000"
    }
}

/// A labelled line of the cover: `Dnr: SN 2025/123`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormalLine {
    /// The label (`Dnr`).
    pub label: String,
    /// The value (`SN 2025/123`).
    pub value: String,
}

impl Meta {
    /// Every labelled line of the cover: period, date, then the formal lines; empty values
    /// left out.
    pub fn cover_lines(&self) -> Vec<(&str, &str)> {
        [
            ("Period", self.period_label.as_str()),
            ("Datum", self.date.as_str()),
        ]
        .into_iter()
        .chain(
            self.formal
                .iter()
                .map(|l| (l.label.as_str(), l.value.as_str())),
        )
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
    }
}

/// A numbered section with its content and subsections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Stable id (anchor in HTML, bookmark in PDF and Word).
    pub id: String,
    /// Heading text without its number.
    pub title: String,
    /// Heading number (`2.1`), filled by [`Report::number`]; empty for unnumbered sections.
    #[serde(default)]
    pub number: String,
    /// Whether the heading gets a number.
    #[serde(default = "yes")]
    pub numbered: bool,
    /// What kind of section this is, for checks that apply to some kinds (R12: `goal`).
    #[serde(default)]
    pub role: Option<String>,
    /// Content before the subsections.
    pub blocks: Vec<Block>,
    /// Subsections.
    #[serde(default)]
    pub sections: Vec<Section>,
}

fn yes() -> bool {
    true
}

/// One piece of section content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of narrative.
    Paragraph(Paragraph),
    /// A bulleted or numbered list.
    List {
        /// Numbered list.
        ordered: bool,
        /// The items.
        items: Vec<Paragraph>,
    },
    /// A table.
    Table(Table),
    /// A chart (rendered as SVG in HTML and PDF).
    Chart(Chart),
    /// A framed box, e.g. the proposal for decision.
    Callout {
        /// Its title (`Förslag till beslut`).
        title: String,
        /// Its paragraphs.
        body: Vec<Paragraph>,
    },
    /// Start a new page (PDF, Word); ignored in HTML and Excel.
    PageBreak,
}

/// A paragraph: text and bound numbers, with the sums its numbers must satisfy (R13).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// Text runs and bound numbers in order.
    pub inlines: Vec<Inline>,
    /// Decompositions stated in the text: the total must equal the sum of the parts (R13).
    #[serde(default)]
    pub sums: Vec<TextSum>,
    /// Whether a person wrote or edited it (`false`: drafted by delar).
    #[serde(default)]
    pub edited: bool,
}

/// A decomposition in a paragraph: indices into its [`Inline::Number`]s (counted among the
/// bound numbers only, from 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextSum {
    /// The bound number that is the total.
    pub total: usize,
    /// The bound numbers that are its parts (including an `övrigt` remainder).
    pub parts: Vec<usize>,
}

/// A run of paragraph content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text. It must not carry figures of its own (R4); figures are [`Inline::Number`].
    Text(String),
    /// Bold text.
    Strong(String),
    /// Italic text.
    Emph(String),
    /// A number bound to the data.
    Number(BoundNumber),
    /// A status word with its symbol.
    Status(Status),
}

/// A figure in running text, bound to a fact or a table cell (R4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundNumber {
    /// The exact value.
    pub value: Value,
    /// How it is shown.
    pub format: Format,
    /// What is printed, including the unit when the sentence needs it (`4,5 mnkr`).
    pub text: String,
    /// Where the value came from; the fact key ties it to table cells showing the same fact.
    pub source: Option<Source>,
    /// The table cell it repeats, if any: value and rounding must agree with it.
    pub cell: Option<CellRef>,
}

/// The address of a table cell.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellRef {
    /// [`Table::id`].
    pub table: String,
    /// [`Row::key`].
    pub row: String,
    /// [`Column::key`].
    pub column: String,
}

/// A table with typed columns, kinds of rows, its sign convention and the identities its
/// numbers must satisfy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Stable id, unique in the report.
    pub id: String,
    /// Table number in the report, filled by [`Report::number`].
    #[serde(default)]
    pub number: u32,
    /// Caption without the number (`Driftredovisning per nämnd`).
    pub caption: String,
    /// The unit amounts are shown in, stated in the caption's header line (R8).
    pub unit: Option<Unit>,
    /// The sign convention in words (R5), e.g. `Positiv avvikelse = överskott mot budget`.
    pub sign_note: Option<String>,
    /// Spanning header cells above the column labels (`Helår`, `Ackumulerat`); the spans add
    /// up to the number of columns.
    #[serde(default)]
    pub groups: Vec<HeaderGroup>,
    /// The columns; the first is usually the row label column.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<Row>,
    /// Identities every row must satisfy (R1, R6, R9, R11, R14).
    #[serde(default)]
    pub identities: Vec<Identity>,
    /// Footnotes printed under the table.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A header cell spanning several columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeaderGroup {
    /// Its text; empty for a gap.
    pub label: String,
    /// Number of columns it spans.
    pub span: usize,
}

/// A table column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Stable key (`budget`, `prognos`, `avvikelse`).
    pub key: String,
    /// Header text.
    pub label: String,
    /// How its values are shown.
    pub format: Format,
}

/// How a value is formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Format {
    /// Text, left-aligned.
    Text,
    /// Money in a unit with a number of decimals.
    Amount {
        /// kr, tkr or mnkr.
        unit: Unit,
        /// Decimals shown.
        decimals: u8,
    },
    /// A ratio shown as percent (0,95 → `95 %`).
    Percent {
        /// Decimals shown.
        decimals: u8,
    },
    /// A plain number (volumes, FTE, days).
    Number {
        /// Decimals shown.
        decimals: u8,
    },
    /// A status word with its symbol.
    Status,
}

impl Format {
    /// The text a value is shown as in this format (empty for [`Value::Empty`], `i.u.` for
    /// [`Value::NoData`]).
    pub fn render(&self, value: &Value) -> String {
        match (value, self) {
            (Value::Empty, _) => String::new(),
            (Value::NoData, _) => "i.u.".to_string(),
            (Value::Text(t), _) => t.clone(),
            (Value::Status(s), _) => s.label.clone(),
            (Value::Amount(a), Format::Amount { unit, decimals }) => a.format(*unit, *decimals),
            (Value::Amount(a), _) => a.format(Unit::Kr, 0),
            (Value::Ratio(r), Format::Percent { decimals }) => format_percent(*r, *decimals),
            (Value::Ratio(r), _) => format_percent(*r, 0),
            (Value::Number(n), Format::Number { decimals }) => format_number(*n, *decimals),
            (Value::Number(n), Format::Percent { decimals }) => {
                format!("{}{NBSP}%", format_number(*n, *decimals))
            }
            (Value::Number(n), _) => format_number(*n, 0),
        }
    }

    /// Whether values in this format are right-aligned numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Format::Amount { .. } | Format::Percent { .. } | Format::Number { .. }
        )
    }

    /// An Excel number format that shows the scaled value ([`Cell::display_number`]) as the
    /// rendered text does (Excel applies the locale's separators).
    pub fn excel_format(&self) -> String {
        let dec = |d: u8| {
            if d == 0 {
                String::new()
            } else {
                format!(".{}", "0".repeat(d as usize))
            }
        };
        match self {
            Format::Amount { decimals, .. } | Format::Number { decimals } => {
                format!("#,##0{0};-#,##0{0};0{0}", dec(*decimals))
            }
            Format::Percent { decimals } => format!("0{}%", dec(*decimals)),
            Format::Text | Format::Status => "@".to_string(),
        }
    }
}

/// Format a plain number the Swedish way with the given decimals.
pub fn format_number(n: f64, decimals: u8) -> String {
    let scaled = (n * 10f64.powi(decimals as i32)).round();
    let v = if scaled == 0.0 { 0 } else { scaled as i64 };
    format_scaled(v, decimals, NBSP)
}

/// An exact value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// Nothing (an empty cell).
    Empty,
    /// No data yet (`i.u.`, ingen uppgift).
    NoData,
    /// Text.
    Text(String),
    /// Money, exact to the öre, in the table's sign convention. In JSON kronor with two
    /// decimals as text (`{"kind": "amount", "value": "-1234.50"}`), as every JSON output.
    #[serde(with = "delar_core::money::kr_string")]
    Amount(Amount),
    /// A ratio (0,95 = 95 %).
    Ratio(f64),
    /// A plain number.
    Number(f64),
    /// A status (goal assessment, commitment state).
    Status(Status),
}

impl Value {
    /// The amount, if this is money.
    pub fn amount(&self) -> Option<Amount> {
        match self {
            Value::Amount(a) => Some(*a),
            _ => None,
        }
    }

    /// The value as a float in its natural scale (kr for money, the ratio for percent).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Amount(a) => Some(a.as_kr_f64()),
            Value::Ratio(r) | Value::Number(r) => Some(*r),
            _ => None,
        }
    }
}

/// A status word with the level its symbol shows; the word is the text equivalent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Status {
    /// The word shown (`Uppnås`, `Delvis`, `Pågår`).
    pub label: String,
    /// The level, which picks the symbol and colour.
    pub level: StatusLevel,
}

/// The level of a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusLevel {
    /// Met, done (green).
    Good,
    /// Partly (yellow).
    Partial,
    /// Not met (red).
    Bad,
    /// Not assessed, no data (grey).
    Unknown,
}

impl StatusLevel {
    /// A symbol for the level that reads without colour (●, ◐, ○, –).
    pub fn symbol(self) -> &'static str {
        match self {
            StatusLevel::Good => "●",
            StatusLevel::Partial => "◐",
            StatusLevel::Bad => "○",
            StatusLevel::Unknown => "–",
        }
    }

    /// The colour of the symbol as `#rrggbb`.
    pub fn colour(self) -> &'static str {
        match self {
            StatusLevel::Good => "#2e7d32",
            StatusLevel::Partial => "#c98a00",
            StatusLevel::Bad => "#c62828",
            StatusLevel::Unknown => "#757575",
        }
    }
}

/// Where a number came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// A canonical key of the fact (`prognos/2025-P2/SN/netto`): two cells with the same key
    /// show the same fact and must be equal (R3, R10).
    pub fact: String,
    /// Where it came from in words (`huvudbok jan–aug 2025, ansvar SN`), for tooltips and
    /// the audit trail.
    pub origin: String,
}

/// A table row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Stable key, unique in the table.
    pub key: String,
    /// Row kind: item, subtotal, total, `varav`, or a heading row.
    pub kind: RowKind,
    /// Indent level of the label (0 = flush).
    #[serde(default)]
    pub level: u8,
    /// One cell per column (the label is the first column's cell).
    pub cells: Vec<Cell>,
    /// For subtotals and totals: the keys of the rows it adds up (R2, R7).
    #[serde(default)]
    pub includes: Vec<String>,
}

/// The kind of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// An ordinary row.
    Item,
    /// A subtotal of some rows above it.
    Subtotal,
    /// A total.
    Total,
    /// A `varav` row: part of the row above, not added into totals.
    Varav,
    /// A heading row inside the table (no numbers).
    Heading,
}

/// A table cell: exact value, the text every renderer prints, and its source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// The exact value.
    pub value: Value,
    /// The formatted text.
    pub text: String,
    /// Where the value came from.
    #[serde(default)]
    pub source: Option<Source>,
    /// The format the text was made with, when it differs from the column's (tables whose
    /// rows hold different kinds of figures, such as the five-year summary).
    #[serde(default)]
    pub format: Option<Format>,
}

impl Cell {
    /// The format of this cell: its own, or else the column's.
    pub fn format_in(&self, column: &Column) -> Format {
        self.format.unwrap_or(column.format)
    }

    /// A cell formatted by `format`.
    pub fn new(value: Value, format: &Format) -> Cell {
        Cell {
            text: format.render(&value),
            value,
            source: None,
            format: Some(*format),
        }
    }

    /// A text cell.
    pub fn text(t: impl Into<String>) -> Cell {
        let t = t.into();
        Cell {
            value: Value::Text(t.clone()),
            text: t,
            source: None,
            format: None,
        }
    }

    /// An empty cell.
    pub fn empty() -> Cell {
        Cell {
            value: Value::Empty,
            text: String::new(),
            source: None,
            format: None,
        }
    }

    /// The same cell with a source.
    pub fn with_source(mut self, fact: impl Into<String>, origin: impl Into<String>) -> Cell {
        self.source = Some(Source {
            fact: fact.into(),
            origin: origin.into(),
        });
        self
    }

    /// The number an Excel cell holds: money scaled to the column's unit (mnkr for 12,3 mnkr),
    /// ratios as ratios, plain numbers as they are; `None` for text and empty cells.
    pub fn display_number(&self, format: &Format) -> Option<f64> {
        match (&self.value, format) {
            (Value::Amount(a), Format::Amount { unit, .. }) => {
                Some(a.ore() as f64 / unit.ore() as f64)
            }
            (Value::Amount(a), _) => Some(a.as_kr_f64()),
            (Value::Ratio(r), _) => Some(*r),
            (Value::Number(n), _) => Some(*n),
            _ => None,
        }
    }
}

/// An identity that every item, subtotal and total row of a table satisfies, named by the
/// rule it serves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Identity {
    /// `result = Σ coefficient × column` on exact amounts (deviation = budget − forecast;
    /// closing equity = opening − used + new; total = structural + other; women + men = total).
    Linear {
        /// The rule checked (`R1`, `R6`, `R9`, `R11`).
        rule: String,
        /// The column that holds the result.
        result: String,
        /// The terms: coefficient (usually 1 or −1) and column key.
        terms: Vec<(i64, String)>,
    },
    /// `result = numerator / denominator` (förbrukning %), suppressed (empty) when the two have
    /// different signs or the denominator is zero.
    Ratio {
        /// The rule checked (`R1`).
        rule: String,
        /// The ratio column.
        result: String,
        /// Numerator column.
        numerator: String,
        /// Denominator column.
        denominator: String,
        /// Rows where the ratio is deliberately not shown (the table's notes say why): their
        /// cell must be empty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        except_rows: Vec<String>,
    },
    /// `result = (new − old) / old` (change in % of the amount itself, so a growing revenue
    /// shown negative is a positive change); empty when old is zero or the signs differ.
    Change {
        /// The rule checked (`R1`).
        rule: String,
        /// The change column.
        result: String,
        /// The new value's column.
        new: String,
        /// The old value's column.
        old: String,
        /// Rows where the change is deliberately not shown (the table's notes say why): their
        /// cell must be empty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        except_rows: Vec<String>,
    },
    /// `result ≈ Π factors × scale` within `tolerance` kr (R14: persons per day × cost per day
    /// × days = cost).
    Product {
        /// The rule checked (`R14`).
        rule: String,
        /// The amount column.
        result: String,
        /// Factor columns.
        factors: Vec<String>,
        /// A constant factor (days in the period).
        scale: f64,
        /// Allowed difference in kr.
        tolerance: f64,
    },
    /// A rate for all lies between the rates of its sub-groups (R9: sick leave total between
    /// women's and men's).
    Between {
        /// The rule checked (`R9`).
        rule: String,
        /// The total's column.
        result: String,
        /// One sub-group's column.
        low: String,
        /// The other sub-group's column.
        high: String,
    },
    /// Values in the column are shares within 0–100 % (R9).
    Share {
        /// The rule checked (`R9`).
        rule: String,
        /// The column.
        column: String,
    },
}

/// A chart: categories on the x axis, series of values in the chart's unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Stable id.
    pub id: String,
    /// Figure number, filled by [`Report::number`].
    #[serde(default)]
    pub number: u32,
    /// Title (`Ackumulerat utfall och prognos mot periodiserad budget`).
    pub title: String,
    /// Line chart or bar chart.
    pub kind: ChartKind,
    /// Label of the value axis (`mnkr`, `personer per dygn`).
    pub unit: String,
    /// Category labels (months, committees, years).
    pub categories: Vec<String>,
    /// The series.
    pub series: Vec<Series>,
    /// Text alternative read by screen readers and printed in plain-text exports.
    pub alt: String,
}

/// The kind of chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Lines over the categories.
    Line,
    /// Vertical bars (grouped when several series).
    Bar,
    /// Horizontal bars, for long category names (deviation per committee).
    HorizontalBar,
}

/// One series in a chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// One value per category; `None` leaves a gap (forecast months before the cut-off).
    pub values: Vec<Option<f64>>,
    /// Line style.
    pub style: SeriesStyle,
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesStyle {
    /// Solid line or filled bar (outcome).
    Solid,
    /// Dashed line (forecast).
    Dashed,
    /// Dotted line (budget).
    Dotted,
}

impl Report {
    /// Number sections (`1`, `1.1`), tables and charts in reading order.
    pub fn number(&mut self) {
        let mut tables = 0;
        let mut charts = 0;
        let mut top = 0;
        for s in &mut self.sections {
            if s.numbered {
                top += 1;
                number_section(s, top.to_string(), &mut tables, &mut charts);
            } else {
                s.number.clear();
                number_section(s, String::new(), &mut tables, &mut charts);
            }
        }
    }

    /// All sections depth first with their level (1 = top).
    pub fn walk(&self) -> Vec<(usize, &Section)> {
        fn go<'a>(s: &'a Section, level: usize, out: &mut Vec<(usize, &'a Section)>) {
            out.push((level, s));
            for c in &s.sections {
                go(c, level + 1, out);
            }
        }
        let mut out = Vec::new();
        for s in &self.sections {
            go(s, 1, &mut out);
        }
        out
    }

    /// All tables in reading order.
    pub fn tables(&self) -> Vec<&Table> {
        self.walk()
            .into_iter()
            .flat_map(|(_, s)| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// All charts in reading order.
    pub fn charts(&self) -> Vec<&Chart> {
        self.walk()
            .into_iter()
            .flat_map(|(_, s)| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Chart(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables().into_iter().find(|t| t.id == id)
    }

    /// The cell a reference points at.
    pub fn cell(&self, r: &CellRef) -> Option<(&Table, &Column, &Cell)> {
        let t = self.table(&r.table)?;
        let ci = t.columns.iter().position(|c| c.key == r.column)?;
        let row = t.rows.iter().find(|row| row.key == r.row)?;
        Some((t, &t.columns[ci], row.cells.get(ci)?))
    }
}

fn number_section(s: &mut Section, number: String, tables: &mut u32, charts: &mut u32) {
    s.number = number.clone();
    for b in &mut s.blocks {
        match b {
            Block::Table(t) => {
                *tables += 1;
                t.number = *tables;
            }
            Block::Chart(c) => {
                *charts += 1;
                c.number = *charts;
            }
            _ => {}
        }
    }
    let mut n = 0;
    for c in &mut s.sections {
        if c.numbered && !number.is_empty() {
            n += 1;
            number_section(c, format!("{number}.{n}"), tables, charts);
        } else {
            number_section(c, String::new(), tables, charts);
        }
    }
}

impl Table {
    /// The index of a column by key.
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// The row with this key.
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// The header line above the table: `Tabell 3. Driftredovisning per nämnd, mnkr`.
    pub fn title(&self) -> String {
        if self.number > 0 {
            format!("Tabell {}. {}", self.number, self.caption_with_unit())
        } else {
            self.caption_with_unit()
        }
    }

    /// The caption with its unit (`Driftredovisning per nämnd, mnkr`), without the number;
    /// not twice when the caption already names it (`…, kr per invånare`).
    pub fn caption_with_unit(&self) -> String {
        let Some(u) = self.unit else {
            return self.caption.clone();
        };
        let label = u.label();
        if self.caption.ends_with(&format!(" {label}"))
            || self.caption.contains(&format!(" {label} per "))
        {
            self.caption.clone()
        } else {
            format!("{}, {label}", self.caption)
        }
    }
}

impl Chart {
    /// The caption under the chart: `Diagram 2. Title`.
    pub fn title_line(&self) -> String {
        if self.number > 0 {
            format!("Diagram {}. {}", self.number, self.title)
        } else {
            self.title.clone()
        }
    }
}

impl Paragraph {
    /// A paragraph of plain text.
    pub fn text(t: impl Into<String>) -> Paragraph {
        Paragraph {
            inlines: vec![Inline::Text(t.into())],
            sums: Vec::new(),
            edited: false,
        }
    }

    /// The paragraph as plain text (bound numbers as printed, statuses as their words).
    pub fn plain(&self) -> String {
        let mut s = String::new();
        for i in &self.inlines {
            match i {
                Inline::Text(t) | Inline::Strong(t) | Inline::Emph(t) => s.push_str(t),
                Inline::Number(n) => s.push_str(&n.text),
                Inline::Status(st) => s.push_str(&st.label),
            }
        }
        s
    }

    /// The bound numbers in order.
    pub fn numbers(&self) -> Vec<&BoundNumber> {
        self.inlines
            .iter()
            .filter_map(|i| match i {
                Inline::Number(n) => Some(n),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod style_tests {
    use super::*;

    #[test]
    fn colours_logos_and_base64() {
        assert_eq!(parse_colour("#1F4E79"), Some((0x1f, 0x4e, 0x79)));
        for bad in ["1F4E79", "#1F4E7", "#GGGGGG", "blå", ""] {
            assert_eq!(parse_colour(bad), None, "{bad}");
        }
        assert_eq!(text_on("#1F4E79"), "#FFFFFF");
        assert_eq!(text_on("#F2F2F2"), "#000000");
        assert_eq!(text_on("#FFD700"), "#000000");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        let svg = Logo::from_bytes(
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        )
        .unwrap();
        assert_eq!(svg.format, LogoFormat::Svg);
        assert!(svg.data_uri().starts_with("data:image/svg+xml;base64,PD94"));
        let png = Logo::from_bytes(b"\x89PNG\r\n\x1a\n rest".to_vec()).unwrap();
        assert_eq!(png.format, LogoFormat::Png);
        assert_eq!(Logo::from_bytes(b"GIF89a".to_vec()), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mnkr(x: i64) -> Value {
        Value::Amount(Amount::from_ore(x))
    }

    #[test]
    fn formats_render_swedish() {
        let f = Format::Amount {
            unit: Unit::Mnkr,
            decimals: 1,
        };
        assert_eq!(f.render(&mnkr(-450_000_000)), "\u{2212}4,5");
        assert_eq!(f.render(&Value::NoData), "i.u.");
        assert_eq!(f.render(&Value::Empty), "");
        let p = Format::Percent { decimals: 0 };
        assert_eq!(p.render(&Value::Ratio(0.954)), "95\u{a0}%");
        let n = Format::Number { decimals: 1 };
        assert_eq!(n.render(&Value::Number(1234.56)), "1\u{a0}234,6");
        assert_eq!(n.render(&Value::Number(-0.04)), "0,0");
    }

    #[test]
    fn display_number_scales_to_the_unit() {
        let f = Format::Amount {
            unit: Unit::Mnkr,
            decimals: 1,
        };
        let c = Cell::new(mnkr(1_234_567_890), &f);
        assert_eq!(c.text, "12,3");
        assert!((c.display_number(&f).unwrap() - 12.3456789).abs() < 1e-9);
    }

    #[test]
    fn numbering_sections_tables_and_charts() {
        let table = |id: &str| {
            Block::Table(Table {
                id: id.into(),
                number: 0,
                caption: "T".into(),
                unit: Some(Unit::Mnkr),
                sign_note: None,
                groups: vec![],
                columns: vec![],
                rows: vec![],
                identities: vec![],
                notes: vec![],
            })
        };
        let sec = |id: &str, numbered: bool, blocks: Vec<Block>, sections: Vec<Section>| Section {
            id: id.into(),
            title: id.into(),
            number: String::new(),
            numbered,
            role: None,
            blocks,
            sections,
        };
        let mut r = Report {
            meta: Meta {
                title: "Delårsrapport 2 2025".into(),
                subtitle: String::new(),
                organisation: "Exempelkommun".into(),
                round: Round::parse("2025-P2").unwrap(),
                period_label: "januari–augusti 2025".into(),
                date: "2025-09-30".into(),
                draft: false,
                formal: Vec::new(),
                style: None,
            },
            sections: vec![
                sec("forslag", false, vec![], vec![]),
                sec(
                    "ekonomi",
                    true,
                    vec![table("a")],
                    vec![
                        sec("drift", true, vec![table("b")], vec![]),
                        sec("konto", true, vec![table("c")], vec![]),
                    ],
                ),
                sec("mal", true, vec![], vec![sec("m1", true, vec![], vec![])]),
            ],
        };
        r.number();
        let numbers: Vec<(usize, String)> = r
            .walk()
            .iter()
            .map(|(l, s)| (*l, s.number.clone()))
            .collect();
        assert_eq!(
            numbers,
            vec![
                (1, "".into()),
                (1, "1".into()),
                (2, "1.1".into()),
                (2, "1.2".into()),
                (1, "2".into()),
                (2, "2.1".into())
            ]
        );
        let t: Vec<u32> = r.tables().iter().map(|t| t.number).collect();
        assert_eq!(t, vec![1, 2, 3]);
        assert_eq!(r.table("b").unwrap().title(), "Tabell 2. T, mnkr");
        let mut t = r.table("b").unwrap().clone();
        t.unit = Some(Unit::Kr);
        t.caption = "Nettokostnad äldreomsorg, kr per invånare".into();
        assert_eq!(
            t.title(),
            "Tabell 2. Nettokostnad äldreomsorg, kr per invånare"
        );
    }
}
