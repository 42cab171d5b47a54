//! Typst markup generated from the report model.
//!
//! Every piece of user text enters the markup as a Typst string literal ([`lit`]), so no
//! character in it (`#`, `*`, `_`, `$`, `@`, `<`, brackets, backslash) can be read as markup
//! or code. Numbers, labels and captions are printed exactly as the model formatted them.

use std::fmt::Write;

use delar_report::{layout, parse_colour, HouseStyle, Logo, LogoFormat};
use delar_report::{
    Block, Cell, Chart, Column, Format, Inline, Paragraph, Report, Row, RowKind, Section, Table,
    Value,
};

/// The Typst prelude: page, text, heading, table and figure styles and a few helpers.
const PRELUDE: &str = r##"
#set text(font: ("Libertinus Serif", "DejaVu Sans Mono"), size: 10.5pt, lang: "sv", region: "se")
#set par(leading: 0.6em, spacing: 0.95em)
#set page(
  paper: "a4",
  margin: (left: 2.3cm, right: 2.3cm, top: 2.7cm, bottom: 2.5cm),
  header: context {
    if here().page() > 1 {
      set text(size: 8.5pt, fill: luma(80))
      running
      v(-0.55em)
      line(length: 100%, stroke: 0.4pt + luma(150))
    }
  },
  footer: context {
    if here().page() > 1 {
      set text(size: 8.5pt, fill: luma(80))
      align(right)[Sida #counter(page).display("1") av #counter(page).final().first()]
    }
  },
  // Typst marks headers, footers and backgrounds as artifacts, not foregrounds.
  foreground: if draft {
    pdf.artifact(kind: "watermark", place(center + horizon, rotate(-50deg, reflow: true,
      text(size: 104pt, weight: "bold", tracking: 0.06em, fill: rgb(198, 40, 40, 46))[UTKAST])))
  },
)
#set heading(numbering: none)
#show heading: set block(above: 1.7em, below: 0.9em)
#show heading: set text(weight: "bold")
#show heading.where(level: 1): set text(size: 16pt)
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 3): set text(size: 11.5pt)
#show outline.entry.where(level: 1): set block(above: 0.9em)
#show outline.entry.where(level: 1): set text(weight: "bold")
#show figure: set block(breakable: true, above: 1.4em, below: 1.4em)
#show figure.caption: set align(left)
#show figure.caption: set text(size: 9.5pt)
#show table: set text(size: 9pt, number-width: "tabular")
#set table(stroke: none, inset: (x: 4pt, y: 3.2pt))
#set list(indent: 0.6em, spacing: 0.7em)
#set enum(indent: 0.6em, spacing: 0.7em)

#let accent = rgb("#2f5d8a")
#let status(s, colour, label) = [#text(fill: rgb(colour), s)#sym.space.nobreak#label]
#let callout(title, body) = block(
  width: 100%, breakable: true, inset: (x: 12pt, y: 10pt), radius: 2pt,
  fill: rgb("#eef3f9"),
  stroke: (left: 3pt + rgb("#2f5d8a"), top: 0.5pt + rgb("#a9bfd6"), right: 0.5pt + rgb("#a9bfd6"), bottom: 0.5pt + rgb("#a9bfd6")),
)[
  #text(weight: "bold", size: 11pt, title)
  #v(0.1em)
  #body.join(parbreak())
]
// Sticky: a caption never ends a page without the first rows of its table.
#let tablecaption(title, note) = block(sticky: true, {
  text(weight: "bold", size: 10pt, title)
  if note != none {
    linebreak()
    text(size: 8.5pt, style: "italic", note)
  }
})
#let tablenotes(notes) = if notes.len() > 0 {
  set par(spacing: 0.35em)
  set text(size: 8.5pt)
  block(above: 0.5em, notes.join(parbreak()))
}
"##;

/// A Typst string literal holding `s` exactly.
pub(crate) fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Some(text)` as a string literal, `None` as `none`.
fn opt_lit(s: Option<&str>) -> String {
    match s {
        Some(s) => lit(s),
        None => "none".to_string(),
    }
}

/// The date parts of `ÅÅÅÅ-MM-DD`, if it is one.
pub(crate) fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let mut parts = s.trim().split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some((y, m, d))
}

/// The title written into the PDF's metadata.
pub(crate) fn document_title(report: &Report) -> String {
    let m = &report.meta;
    // PDF/UA-1 needs a title; fall back to the organisation, then a word.
    let title = [&m.title, &m.organisation]
        .into_iter()
        .find(|t| !t.trim().is_empty())
        .map_or("Rapport", |t| t.as_str());
    if m.subtitle.trim().is_empty() {
        title.to_string()
    } else {
        format!("{title} – {}", m.subtitle)
    }
}

/// The whole Typst document for a report; `chart_svg` draws a chart as SVG.
pub(crate) fn document(
    report: &Report,
    (year, month, day): (i32, u8, u8),
    chart_svg: &dyn Fn(&Chart) -> String,
) -> String {
    let m = &report.meta;
    let mut out = String::new();
    // The running header names the report's body (a committee's own report: the committee).
    let running = [
        m.organisation.as_str(),
        &m.title,
        &m.subtitle,
        &m.period_label,
    ]
    .iter()
    .filter(|s| !s.trim().is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" · ");
    let _ = writeln!(out, "#let draft = {}", m.draft);
    let _ = writeln!(out, "#let running = {}", lit(&running));
    let _ = writeln!(
        out,
        "#set document(title: {}, author: {}, date: datetime(year: {year}, month: {month}, day: {day}))",
        lit(&document_title(report)),
        lit(&m.organisation),
    );
    out.push_str(PRELUDE);
    if let Some(style) = &m.style {
        house_style(style, &mut out);
    }
    title_page(report, &mut out);
    // A report with numbered chapters gets a contents page; a document of a few unnumbered
    // headings (the officer's report) does not need one.
    if report.sections.iter().any(|s| s.numbered) {
        out.push_str("\n#outline(title: \"Innehåll\", depth: 3, indent: auto)\n#pagebreak()\n\n");
    }
    for (level, section) in report.walk() {
        section_markup(level, section, chart_svg, &mut out);
    }
    out
}

/// The house style after the prelude: the font family first (Typst falls back to the
/// embedded fonts for what it lacks), headings in the primary colour, the cover's rule in the
/// accent colour.
fn house_style(style: &HouseStyle, out: &mut String) {
    if let Some(f) = style.font.as_deref().filter(|f| !f.trim().is_empty()) {
        let _ = writeln!(
            out,
            "#set text(font: ({}, \"Libertinus Serif\", \"DejaVu Sans Mono\"))",
            lit(f.trim())
        );
    }
    if let Some(p) = style
        .primary
        .as_deref()
        .filter(|c| parse_colour(c).is_some())
    {
        let _ = writeln!(out, "#show heading: set text(fill: rgb({}))", lit(p));
    }
    if let Some(a) = style
        .accent
        .as_deref()
        .filter(|c| parse_colour(c).is_some())
    {
        let _ = writeln!(out, "#let accent = rgb({})", lit(a));
    }
}

/// A logo as a Typst image expression, its text alternative naming the organisation.
fn logo_image(logo: &Logo, alt: &str) -> String {
    let (data, format) = match logo.format {
        LogoFormat::Svg => (lit(&String::from_utf8_lossy(&logo.bytes)), "svg"),
        LogoFormat::Png => {
            let mut a = String::from("bytes((");
            for b in &logo.bytes {
                let _ = write!(a, "{b},");
            }
            a.push_str("))");
            (a, "png")
        }
    };
    let data = if format == "svg" {
        format!("bytes({data})")
    } else {
        data
    };
    format!(
        "image({data}, format: \"{format}\", height: 2.2cm, alt: {})",
        lit(alt)
    )
}

fn title_page(report: &Report, out: &mut String) {
    let m = &report.meta;
    if let Some(logo) = m.style.as_ref().and_then(|s| s.logo.as_ref()) {
        let alt = format!("Logotyp {}", m.organisation);
        let _ = writeln!(
            out,
            "\n#align(right, {})\n#v(2.1cm)",
            logo_image(logo, alt.trim_end())
        );
    } else {
        out.push_str("\n#v(4.5cm)\n");
    }
    if !m.organisation.trim().is_empty() {
        let _ = writeln!(
            out,
            "#text(size: 14pt, fill: luma(70), {})\n#v(0.8cm)",
            lit(&m.organisation)
        );
    }
    let _ = writeln!(
        out,
        "#title(text(size: 28pt, weight: \"bold\", {}))",
        lit(&m.title)
    );
    if !m.subtitle.trim().is_empty() {
        let _ = writeln!(out, "#v(0.2cm)\n#text(size: 16pt, {})", lit(&m.subtitle));
    }
    out.push_str("#v(1.4cm)\n#line(length: 40%, stroke: 0.8pt + accent)\n#v(0.4cm)\n");
    if !m.period_label.trim().is_empty() {
        let _ = writeln!(
            out,
            "#text(size: 12pt)[Period: #{}]\n",
            lit(&m.period_label)
        );
    }
    if !m.date.trim().is_empty() {
        let _ = writeln!(out, "#text(size: 12pt)[Datum: #{}]\n", lit(&m.date));
    }
    for l in m.formal.iter().filter(|l| !l.value.trim().is_empty()) {
        let _ = writeln!(
            out,
            "#text(size: 12pt)[#{}: #{}]\n",
            lit(&l.label),
            lit(&l.value)
        );
    }
    out.push_str("#pagebreak()\n");
}

fn section_markup(
    level: usize,
    section: &Section,
    chart_svg: &dyn Fn(&Chart) -> String,
    out: &mut String,
) {
    let numbering = if section.number.is_empty() {
        "none".to_string()
    } else {
        // A fixed string: Typst's own counter is ignored, the model's number is printed.
        format!("(..n) => {}", lit(&section.number))
    };
    let _ = writeln!(
        out,
        "\n#heading(level: {level}, numbering: {numbering}, {})\n",
        lit(&section.title)
    );
    for block in &section.blocks {
        block_markup(block, chart_svg, out);
    }
}

fn block_markup(block: &Block, chart_svg: &dyn Fn(&Chart) -> String, out: &mut String) {
    match block {
        Block::Paragraph(p) => {
            out.push_str(&inlines(p));
            out.push_str("\n\n");
        }
        Block::List { ordered, items } => {
            let f = if *ordered { "enum" } else { "list" };
            let items: Vec<String> = items.iter().map(|p| format!("[{}]", inlines(p))).collect();
            let _ = writeln!(out, "#{f}({})\n", items.join(", "));
        }
        Block::Callout { title, body } => {
            let body: Vec<String> = body.iter().map(|p| format!("[{}]", inlines(p))).collect();
            // A trailing comma keeps a one-element array an array.
            let _ = writeln!(out, "#callout({}, ({},))\n", lit(title), body.join(", "));
        }
        Block::PageBreak => out.push_str("#pagebreak(weak: true)\n\n"),
        Block::Chart(c) => chart_markup(c, chart_svg, out),
        Block::Table(t) => table_markup(t, out),
    }
}

/// A paragraph's runs as markup (each run a string literal or a call on one).
fn inlines(p: &Paragraph) -> String {
    let mut s = String::new();
    for i in &p.inlines {
        match i {
            Inline::Text(t) => {
                let _ = write!(s, "#{}", lit(t));
            }
            Inline::Strong(t) => {
                let _ = write!(s, "#strong({})", lit(t));
            }
            Inline::Emph(t) => {
                let _ = write!(s, "#emph({})", lit(t));
            }
            Inline::Number(n) => {
                let _ = write!(s, "#{}", lit(&n.text));
            }
            Inline::Status(st) => {
                let _ = write!(
                    s,
                    "#status({}, {}, {})",
                    lit(st.level.symbol()),
                    lit(st.level.colour()),
                    lit(&st.label)
                );
            }
        }
    }
    s
}

fn chart_markup(c: &Chart, chart_svg: &dyn Fn(&Chart) -> String, out: &mut String) {
    let svg = chart_svg(c);
    // PDF/UA-1 needs alt text on every image; the caption is better than nothing.
    let alt = if c.alt.trim().is_empty() {
        c.title_line()
    } else {
        c.alt.clone()
    };
    let _ = writeln!(
        out,
        "#figure(kind: image, numbering: none, supplement: none, \
         image(bytes({}), format: \"svg\", width: 100%, alt: {}), caption: {})\n",
        lit(&svg),
        lit(&alt),
        lit(&c.title_line()),
    );
}

/// The line width a table gets, in "characters" of 9-point text (A4 with the page margins).
const LINE_CHARS: f64 = 120.0;
/// Tables with at most this many rows (and notes) are never split across pages.
const SHORT_TABLE_ROWS: usize = 20;
/// Cell padding, in the same characters.
const PAD_CHARS: f64 = 3.0;
/// The longest header word a column is widened for; longer ones are hyphenated.
const HEADER_WORD_CHARS: f64 = 13.0;
/// The longest word in a text cell a column is widened for.
const TEXT_WORD_CHARS: f64 = 24.0;
/// The most a header asks for beyond its longest word (half its length: two lines).
const HEADER_WANT_CHARS: f64 = 18.0;

/// The relative widths of a table's columns, from their content (an automatic table layout,
/// as browsers do it): every column gets at least its longest word (a number never wraps; a
/// header word longer than [`HEADER_WORD_CHARS`] is hyphenated, Swedish rules, so a header
/// such as "Prognosjustering" cannot squeeze the text columns), and the room left is shared in
/// proportion to how much more each column would need to fit its longest text on one line.
fn widths(t: &Table) -> Vec<f64> {
    let n = t.columns.len();
    let mut min = vec![1.0_f64; n];
    let mut want = vec![1.0_f64; n];
    let len = |s: &str| s.chars().count() as f64;
    let longest_word = |s: &str| s.split_whitespace().map(len).fold(0.0, f64::max);
    for (i, c) in t.columns.iter().enumerate() {
        // Header labels are bold: wider letters; a long header word is hyphenated.
        min[i] = min[i].max(longest_word(&c.label).min(HEADER_WORD_CHARS) * 1.2);
        // A header would like two lines or so, not five: it asks for room as the cells do,
        // so the label column does not take all the spare width while a figure column's
        // header wraps word by word.
        want[i] = want[i].max((len(&c.label) * 1.2 / 2.0).min(HEADER_WANT_CHARS));
    }
    for row in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
        for (i, c) in t.columns.iter().enumerate() {
            let Some(cell) = row.cells.get(i) else {
                continue;
            };
            let indent = if i == 0 {
                1.1 * (f64::from(row.level) + if row.kind == RowKind::Varav { 1.0 } else { 0.0 })
            } else {
                0.0
            };
            let text = cell.text.trim();
            let whole = len(text) + indent;
            // figures, dates and codes never break
            if c.format.is_numeric() || layout::unbreakable(text) {
                min[i] = min[i].max(whole);
            } else {
                // Proportional letters run wider than the average the line width counts.
                min[i] = min[i].max(longest_word(text).min(TEXT_WORD_CHARS) * 1.1 + indent);
            }
            want[i] = want[i].max(whole.min(70.0));
        }
    }
    for i in 0..n {
        want[i] = want[i].max(min[i]);
    }
    let floor: f64 = min.iter().map(|m| m + PAD_CHARS).sum();
    let full: f64 = want.iter().map(|w| w + PAD_CHARS).sum();
    if full <= LINE_CHARS {
        return want.iter().map(|w| w + PAD_CHARS).collect();
    }
    if floor >= LINE_CHARS {
        return min.iter().map(|m| m + PAD_CHARS).collect();
    }
    let share = (LINE_CHARS - floor) / (full - floor);
    (0..n)
        .map(|i| min[i] + PAD_CHARS + (want[i] - min[i]) * share)
        .collect()
}

/// A column header as Typst content: only a word longer than [`HEADER_WORD_CHARS`] may be
/// hyphenated (Swedish rules); shorter words never break, a range not after its dash either.
fn header_label(label: &str) -> String {
    // A short number never stands alone on a header's last line (`prognos 1`, `P 2`): it is
    // joined to the word before it.
    let mut parts: Vec<String> = Vec::new();
    for w in label.split(' ') {
        let short_number = w.chars().count() <= 2 && w.chars().all(|c| c.is_ascii_digit());
        match parts.last_mut() {
            Some(prev) if short_number && !w.is_empty() => {
                prev.push('\u{a0}');
                prev.push_str(w);
            }
            _ => parts.push(w.to_string()),
        }
    }
    let words: Vec<String> = parts
        .iter()
        .map(String::as_str)
        .map(|w| {
            if w.chars().count() as f64 > HEADER_WORD_CHARS {
                format!("#text(hyphenate: true, {})", lit(w))
            } else {
                // a range (`jan–aug`) never breaks after its dash: a box does not break
                if layout::join_ranges(w) != w {
                    format!("#box({})", lit(w))
                } else {
                    format!("#{}", lit(w))
                }
            }
        })
        .collect();
    format!("[{}]", words.join(" "))
}

fn table_markup(t: &Table, out: &mut String) {
    if t.columns.is_empty() {
        // Nothing to tabulate: the title, sign note and notes still say what was meant.
        let _ = writeln!(
            out,
            "#block(tablecaption({}, {}))\n#tablenotes(({}))\n",
            lit(&t.title()),
            opt_lit(t.sign_note.as_deref()),
            t.notes.iter().map(|s| lit(s) + ",").collect::<String>(),
        );
        return;
    }
    let n = t.columns.len();
    let columns: Vec<String> = widths(t).iter().map(|w| format!("{:.1}fr", w)).collect();
    let aligns: Vec<&str> = (0..t.columns.len())
        .map(|i| {
            // Top-aligned: a number stands level with the first line of its wrapped label.
            // Figures right-aligned, also in a text column of figures (an indicator's
            // typed `Prognos`, `i.u.`).
            if layout::right_aligned(t, i) {
                "right + top"
            } else {
                "left + top"
            }
        })
        .collect();
    // A short table is kept on one page with its caption; a long one breaks with its header
    // repeated.
    let short = t.rows.len() + t.notes.len() <= SHORT_TABLE_ROWS;
    let _ = writeln!(
        out,
        "#block(width: 100%, breakable: {}, figure(kind: table, numbering: none, supplement: none,\n  caption: figure.caption(position: top, tablecaption({}, {})),\n  block(width: 100%, {{\n  set align(left)",
        !short,
        lit(&t.title()),
        opt_lit(t.sign_note.as_deref()),
    );
    // Wide tables (volume × price with two deviation splits has 14 columns) get a smaller
    // type so the headers fit the page width.
    if n >= 12 {
        out.push_str("  show table: set text(size: 7pt)\n");
    } else if n >= 10 {
        out.push_str("  show table: set text(size: 8pt)\n");
    }
    let spans: usize = t.groups.iter().map(|g| g.span).sum();
    let grouped = !t.groups.is_empty() && spans == n && t.groups.iter().all(|g| g.span > 0);
    let header_rows = if grouped { 2 } else { 1 };
    let _ = writeln!(
        out,
        "  table(columns: ({},), align: ({},),\n    stroke: (x, y) => if y > {header_rows} {{ (top: 0.3pt + luma(215)) }},",
        columns.join(", "),
        aligns.join(", ")
    );
    // Header: an optional spanning group row, then the column labels.
    out.push_str("    table.header(repeat: true,\n");
    if grouped {
        let mut x = 0;
        let mut lines = Vec::new();
        out.push_str("      ");
        for g in &t.groups {
            if g.label.trim().is_empty() {
                let _ = write!(out, "table.cell(colspan: {})[], ", g.span);
            } else {
                let _ = write!(
                    out,
                    "table.cell(colspan: {}, align: center, strong({})), ",
                    g.span,
                    lit(&g.label)
                );
                lines.push(format!(
                    "table.hline(y: 1, start: {x}, end: {}, stroke: 0.5pt + luma(120)), ",
                    x + g.span
                ));
            }
            x += g.span;
        }
        out.push('\n');
        for l in lines {
            let _ = writeln!(out, "      {l}");
        }
    }
    out.push_str("      ");
    for c in &t.columns {
        let _ = write!(out, "strong({}), ", header_label(&c.label));
    }
    out.push_str("\n    ),\n    table.hline(stroke: 0.8pt),\n");
    for row in &t.rows {
        row_markup(t, row, n, out);
    }
    out.push_str("    table.hline(stroke: 0.8pt),\n  )\n");
    let notes: Vec<String> = t.notes.iter().map(|s| lit(s)).collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "  tablenotes(({},))", notes.join(", "));
    }
    out.push_str("  })))\n\n");
}

fn row_markup(t: &Table, row: &Row, n: usize, out: &mut String) {
    if row.kind == RowKind::Heading {
        let label = row.cells.first().map(|c| c.text.as_str()).unwrap_or("");
        let _ = writeln!(
            out,
            "    table.cell(colspan: {n}, inset: (top: 7pt, x: 4pt, bottom: 3.2pt), {}),",
            styled(RowKind::Heading, &lit(label)),
        );
        return;
    }
    if row.kind == RowKind::Total {
        out.push_str("    table.hline(stroke: 0.6pt),\n");
    }
    out.push_str("    ");
    for (i, col) in t.columns.iter().enumerate() {
        let cell = row.cells.get(i);
        let mut content = cell.map(|c| cell_content(c, col)).unwrap_or_default();
        if content.is_empty() {
            out.push_str("[], ");
            continue;
        }
        content = styled(row.kind, &content);
        let indent = if i == 0 {
            f32::from(row.level) + if row.kind == RowKind::Varav { 1.0 } else { 0.0 }
        } else {
            0.0
        };
        if indent > 0.0 {
            let _ = write!(out, "pad(left: {}em, {content}), ", indent * 1.1);
        } else {
            let _ = write!(out, "{content}, ");
        }
    }
    out.push('\n');
}

/// A code expression for a cell's content, empty for an empty cell.
fn cell_content(cell: &Cell, col: &Column) -> String {
    match &cell.value {
        Value::Status(st) if col.format == Format::Status || cell.text == st.label => format!(
            "status({}, {}, {})",
            lit(st.level.symbol()),
            lit(st.level.colour()),
            lit(&cell.text)
        ),
        _ if cell.text.is_empty() => String::new(),
        _ => lit(&cell.text),
    }
}

/// A cell expression styled for its row kind.
fn styled(kind: RowKind, content: &str) -> String {
    match kind {
        RowKind::Subtotal | RowKind::Total | RowKind::Heading => {
            format!("text(weight: \"bold\", {content})")
        }
        RowKind::Varav => format!("emph({content})"),
        RowKind::Item => content.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_backslashes_and_controls() {
        assert_eq!(lit(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(lit("x\ny\t\u{1}"), r#""x\ny\t\u{1}""#);
        assert_eq!(lit("#$*_<@[]"), "\"#$*_<@[]\"");
    }

    #[test]
    fn a_header_range_is_one_unbreakable_box() {
        assert_eq!(
            header_label("Utfall jan–aug 2025"),
            "[#\"Utfall\" #box(\"jan–aug\") #\"2025\"]"
        );
    }

    #[test]
    fn a_text_column_of_figures_is_right_aligned() {
        let sample = delar_report::fixture::sample();
        let mut t = (*sample.tables().first().expect("the sample has a table")).clone();
        let before = {
            let mut out = String::new();
            table_markup(&t, &mut out);
            out.matches("right + top").count()
        };
        // the figures of a numeric column typed as text (an indicator's `Prognos`)
        t.columns[1].format = Format::Text;
        for r in &mut t.rows {
            if let Some(c) = r.cells.get_mut(1) {
                *c = delar_report::Cell::text(c.text.clone());
            }
        }
        let mut out = String::new();
        table_markup(&t, &mut out);
        assert_eq!(out.matches("right + top").count(), before, "{out}");
    }

    #[test]
    fn column_widths_follow_the_content() {
        use delar_report::{Cell, Column, Row};
        let text = |s: &str| Cell::text(s);
        let column = |key: &str, label: &str| Column {
            key: key.into(),
            label: label.into(),
            format: Format::Text,
        };
        let row = |cells: Vec<Cell>| Row {
            key: "r".into(),
            kind: RowKind::Item,
            level: 0,
            cells,
            includes: vec![],
        };
        let sample = delar_report::fixture::sample();
        let mut t = (*sample.tables().first().expect("the sample has a table")).clone();
        t.groups.clear();
        t.columns = vec![
            column("datum", "Datum"),
            column("typ", "Typ"),
            column("text", "Händelse"),
            column("kommentar", "Kommentar"),
        ];
        t.rows = vec![row(vec![
            text("2025-01-15"),
            text("Organisationsförändring"),
            text(
                &"Nämnden beslutar att öppna en ny gruppbostad med sex platser i oktober. "
                    .repeat(3),
            ),
            text(&"Kostnaden ingår i prognosen från och med september. ".repeat(3)),
        ])];
        let w = widths(&t);
        // The long text gets most of the line; no column is narrower than its longest word.
        assert!(w[2] > w[0] && w[2] > w[1] && w[3] > w[0], "{w:?}");
        assert!(w[1] >= 23.0 + PAD_CHARS, "{w:?}");
        assert!(w[0] >= 10.0 + PAD_CHARS, "{w:?}");
        assert!((w.iter().sum::<f64>() - LINE_CHARS).abs() < 1e-9, "{w:?}");
        // A short table keeps its natural proportions.
        t.rows = vec![row(vec![
            text("2025-01-15"),
            text("Beslut"),
            text("Kort"),
            text(""),
        ])];
        let w = widths(&t);
        assert!(w[0] > w[2], "{w:?}");
    }

    #[test]
    fn a_long_figure_header_gets_room_before_the_label_column_takes_the_rest() {
        use delar_report::{Cell, Column, Row};
        let money = Format::Number { decimals: 1 };
        let sample = delar_report::fixture::sample();
        let mut t = (*sample.tables().first().expect("the sample has a table")).clone();
        t.groups.clear();
        let mut columns = vec![Column {
            key: "namn".into(),
            label: "Nämnd".into(),
            format: Format::Text,
        }];
        for (k, l) in [
            ("b", "Budget 2025"),
            ("p", "Prognos 2025"),
            ("a", "Avvikelse"),
            ("a1", "Avvikelse prognos 1"),
            ("f", "Förändring av avvikelsen sedan prognos 1"),
            ("u", "Utfall 2024"),
        ] {
            columns.push(Column {
                key: k.into(),
                label: l.into(),
                format: money,
            });
        }
        t.columns = columns;
        let mut cells = vec![Cell::text("Summa programområde social välfärd")];
        cells.extend((0..6).map(|_| Cell::text("2 770,9")));
        t.rows = vec![Row {
            key: "r".into(),
            kind: RowKind::Item,
            level: 0,
            cells,
            includes: vec![],
        }];
        let w = widths(&t);
        // The change column's 40-letter header gets about two lines' room (at most five
        // lines before), the label column no more than its text.
        assert!(w[5] >= HEADER_WANT_CHARS + PAD_CHARS - 1e-9, "{w:?}");
        assert!(w[0] <= 34.0 + PAD_CHARS + 1e-9, "{w:?}");
        assert_eq!(
            header_label("Förändring av avvikelsen sedan prognos 1"),
            "[#\"Förändring\" #\"av\" #\"avvikelsen\" #\"sedan\" #\"prognos\u{a0}1\"]"
        );
    }

    #[test]
    fn wide_tables_get_smaller_type() {
        let mut t = sample_table();
        let mut out = String::new();
        table_markup(&t, &mut out);
        assert!(!out.contains("show table: set text(size: 7pt)"), "{out}");
        while t.columns.len() < 14 {
            let c = t.columns[1].clone();
            t.columns.push(c);
            for r in &mut t.rows {
                let cell = r.cells[1].clone();
                r.cells.push(cell);
            }
        }
        let mut out = String::new();
        table_markup(&t, &mut out);
        assert!(out.contains("show table: set text(size: 7pt)"), "{out}");
    }

    fn sample_table() -> delar_report::Table {
        delar_report::fixture::sample()
            .table("drift")
            .expect("the sample has the operating statement")
            .clone()
    }

    #[test]
    fn dates_parse_only_when_valid() {
        assert_eq!(parse_date("2025-09-30"), Some((2025, 9, 30)));
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("30/9 2025"), None);
        assert_eq!(parse_date("2025-09-30-1"), None);
    }
}
