//! The report as one self-contained HTML5 file: inline CSS, inline SVG charts, no scripts,
//! fonts or links to anything outside the file.
//!
//! The page is built for reading on screen and for printing on A4: a header with the
//! organisation, title, period and date, a table of contents, numbered headings (`h1`–`h4` by
//! section depth), narrative with bound numbers marked up with their origin, tables with
//! captions, sign notes, spanning group headers, row and column headers for screen readers and
//! right-aligned tabular figures, charts as figures with captions and text alternatives, and a
//! visible "UTKAST" mark on every screen and printed page of a draft. Every string from the
//! model is escaped, and the output depends on nothing but the report (byte-identical for the
//! same input).

use delar_report::layout;
use delar_report::svg::{chart_svg, escape};
use delar_report::{parse_colour, HouseStyle};
use delar_report::{
    Block, Cell, Chart, Format, Inline, Paragraph, Report, Row, RowKind, Section, Table, Value,
};
use std::fmt::Write;

/// The stylesheet every page carries (screen and print).
pub const CSS: &str = include_str!("style.css");

/// Extra rules for drafts: "UTKAST" in the top margin of every printed page (the watermark
/// is there too, for browsers without page margin boxes).
pub const DRAFT_CSS: &str =
    "@page {\n  @top-center {\n    content: \"UTKAST – inte fastställd\";\n    \
font-family: \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; font-size: 10pt;\n    \
font-weight: bold; letter-spacing: 0.08em; color: #b00020;\n  }\n}\n";

/// The report as a complete HTML5 document.
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let meta = &report.meta;
    let mut title = meta.title.clone();
    for part in [&meta.subtitle, &meta.organisation] {
        if !part.is_empty() {
            title.push_str(" – ");
            title.push_str(part);
        }
    }
    if meta.draft {
        title.push_str(" (UTKAST)");
    }
    out.push_str("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light\">\n<meta name=\"generator\" content=\"delar\">\n",
    );
    let _ = writeln!(
        out,
        "<meta name=\"dcterms.created\" content=\"{}\">",
        escape(&meta.date)
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    let draft_css = if meta.draft { DRAFT_CSS } else { "" };
    let style_css = meta.style.as_ref().map(house_css).unwrap_or_default();
    let _ = writeln!(out, "<style>\n{CSS}{draft_css}{style_css}</style>\n</head>");
    out.push_str(if meta.draft {
        "<body class=\"draft\">\n"
    } else {
        "<body>\n"
    });
    out.push_str("<a class=\"skip\" href=\"#delar-rapport\">Hoppa till rapporten</a>\n");
    if meta.draft {
        out.push_str(
            "<div class=\"draft-banner\" role=\"note\">UTKAST – inte fastställd</div>\n\
             <div class=\"draft-mark\" aria-hidden=\"true\">UTKAST</div>\n",
        );
    }
    header(&mut out, report);
    toc(&mut out, report);
    out.push_str("<main id=\"delar-rapport\">\n");
    for s in &report.sections {
        section(&mut out, s, 1);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The house style's rules after the stylesheet: headings and table headers in the primary
/// colour, rules and marks in the accent colour, the font family first with the usual ones
/// behind it. Colours are `#RRGGBB` (checked with the definition) and the family keeps only
/// letters, digits, spaces and hyphens, so nothing can break out of the rule.
pub fn house_css(style: &HouseStyle) -> String {
    let mut css = String::new();
    // links, numbers and frames take the primary colour (text must keep its contrast); the
    // accent colour only marks rules
    if let Some(p) = style
        .primary
        .as_deref()
        .filter(|c| parse_colour(c).is_some())
    {
        let _ = writeln!(
            css,
            ":root {{ --accent: {p}; }}\n\
             .report-title, main h1, main h2, main h3, main h4 {{ color: {p}; }}\n\
             thead th {{ border-bottom-color: {p}; }}"
        );
    }
    if let Some(a) = style
        .accent
        .as_deref()
        .filter(|c| parse_colour(c).is_some())
    {
        let _ = writeln!(
            css,
            ".report-header {{ border-bottom-color: {a}; }}\n.toc {{ border-left-color: {a}; }}"
        );
    }
    if let Some(f) = style.font.as_deref() {
        let f: String = f
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
            .collect();
        if !f.trim().is_empty() {
            let _ = writeln!(
                css,
                "body {{ font-family: \"{}\", \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; }}",
                f.trim()
            );
        }
    }
    css
}

fn header(out: &mut String, report: &Report) {
    let m = &report.meta;
    out.push_str("<header class=\"report-header\">\n");
    if let Some(logo) = m.style.as_ref().and_then(|s| s.logo.as_ref()) {
        let _ = writeln!(
            out,
            "<img class=\"logo\" src=\"{}\" alt=\"{}\">",
            logo.data_uri(),
            escape(format!("Logotyp {}", m.organisation).trim_end())
        );
    }
    if !m.organisation.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"organisation\">{}</p>",
            escape(&m.organisation)
        );
    }
    let _ = writeln!(out, "<h1 class=\"report-title\">{}</h1>", escape(&m.title));
    if !m.subtitle.is_empty() {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(&m.subtitle));
    }
    out.push_str("<dl class=\"facts\">\n");
    if !m.period_label.is_empty() {
        let _ = writeln!(
            out,
            "<div><dt>Period</dt><dd>{}</dd></div>",
            escape(&m.period_label)
        );
    }
    if !m.date.is_empty() {
        let _ = writeln!(
            out,
            "<div><dt>Datum</dt><dd><time datetime=\"{0}\">{0}</time></dd></div>",
            escape(&m.date)
        );
    }
    for l in m.formal.iter().filter(|l| !l.value.trim().is_empty()) {
        let _ = writeln!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            escape(&l.label),
            escape(&l.value)
        );
    }
    out.push_str("</dl>\n</header>\n");
}

/// The table of contents: nested ordered lists linking to the section ids.
fn toc(out: &mut String, report: &Report) {
    if report.sections.is_empty() {
        return;
    }
    out.push_str(
        "<nav class=\"toc\" aria-label=\"Innehåll\">\n<h2 class=\"toc-title\">Innehåll</h2>\n",
    );
    toc_list(out, &report.sections);
    out.push_str("</nav>\n");
}

fn toc_list(out: &mut String, sections: &[Section]) {
    out.push_str("<ol>\n");
    for s in sections {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a>",
            escape(&anchor(&s.id)),
            heading_text(s)
        );
        if !s.sections.is_empty() {
            out.push('\n');
            toc_list(out, &s.sections);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}

/// The heading's inner HTML: number (if any) and title.
fn heading_text(s: &Section) -> String {
    if s.number.is_empty() {
        escape(&s.title)
    } else {
        format!(
            "<span class=\"nr\">{}</span> {}",
            escape(&s.number),
            escape(&s.title)
        )
    }
}

/// A usable id: whitespace becomes `-` (ids must not contain spaces).
fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect()
}

fn section(out: &mut String, s: &Section, depth: usize) {
    let level = depth.clamp(1, 4);
    let _ = writeln!(
        out,
        "<section id=\"{}\" class=\"level-{depth}\">\n<h{level}>{}</h{level}>",
        escape(&anchor(&s.id)),
        heading_text(s)
    );
    for b in &s.blocks {
        block(out, b);
    }
    for c in &s.sections {
        section(out, c, depth + 1);
    }
    out.push_str("</section>\n");
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Paragraph(p) => {
            let _ = writeln!(out, "<p>{}</p>", inlines(p));
        }
        Block::List { ordered, items } => {
            let tag = if *ordered { "ol" } else { "ul" };
            let _ = writeln!(out, "<{tag}>");
            for i in items {
                let _ = writeln!(out, "<li>{}</li>", inlines(i));
            }
            let _ = writeln!(out, "</{tag}>");
        }
        Block::Callout { title, body } => {
            let _ = writeln!(
                out,
                "<aside class=\"callout\" aria-label=\"{0}\">\n<p class=\"callout-title\">{0}</p>",
                escape(title)
            );
            for p in body {
                let _ = writeln!(out, "<p>{}</p>", inlines(p));
            }
            out.push_str("</aside>\n");
        }
        Block::Table(t) => table(out, t),
        Block::Chart(c) => chart(out, c),
        // page breaks belong to paged formats; the print stylesheet breaks before sections
        Block::PageBreak => {}
    }
}

/// A paragraph's content: text escaped, bound numbers with their origin as a tooltip,
/// statuses as symbol (hidden from screen readers) and word.
fn inlines(p: &Paragraph) -> String {
    let mut s = String::new();
    for i in &p.inlines {
        match i {
            Inline::Text(t) => s.push_str(&escape(t)),
            Inline::Strong(t) => {
                let _ = write!(s, "<strong>{}</strong>", escape(t));
            }
            Inline::Emph(t) => {
                let _ = write!(s, "<em>{}</em>", escape(t));
            }
            Inline::Number(n) => match &n.source {
                Some(src) => {
                    let _ = write!(
                        s,
                        "<span class=\"tal\" title=\"{}\">{}</span>",
                        escape(&src.origin),
                        escape(&n.text)
                    );
                }
                None => {
                    let _ = write!(s, "<span class=\"tal\">{}</span>", escape(&n.text));
                }
            },
            Inline::Status(st) => s.push_str(&status(st)),
        }
    }
    s
}

fn status(st: &delar_report::Status) -> String {
    format!(
        "<span class=\"status\"><span class=\"symbol\" aria-hidden=\"true\" style=\"color:{}\">{} </span>{}</span>",
        st.level.colour(),
        st.level.symbol(),
        escape(&st.label)
    )
}

fn table(out: &mut String, t: &Table) {
    let title = t.title();
    let ncols = t.columns.len().max(1);
    let id = escape(&anchor(&t.id));
    // The title and the sign note stand above the scroll box, so a table wider than the
    // screen scrolls inside its box while they stay in view; the table takes its name and
    // description from them.
    let _ = writeln!(
        out,
        "<div class=\"table\" id=\"tabell-{id}\">\n<p class=\"table-title\" id=\"tabell-{id}-rubrik\">{}</p>",
        escape(&title)
    );
    let described = if let Some(note) = &t.sign_note {
        let _ = writeln!(
            out,
            "<p class=\"sign-note\" id=\"tabell-{id}-tecken\">{}</p>",
            escape(note)
        );
        format!(" aria-describedby=\"tabell-{id}-tecken\"")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"tabell-{id}-rubrik\" \
         tabindex=\"0\">\n<table aria-labelledby=\"tabell-{id}-rubrik\"{described}>"
    );
    out.push_str("<thead>\n");
    if !t.groups.is_empty() {
        out.push_str("<tr class=\"groups\">");
        let mut col = 0;
        for g in &t.groups {
            let span = g.span.max(1);
            let numeric = layout::right_aligned(t, col);
            let class = if numeric { " class=\"num\"" } else { "" };
            if g.label.is_empty() {
                let _ = write!(out, "<td colspan=\"{span}\"></td>");
            } else {
                let _ = write!(
                    out,
                    "<th scope=\"colgroup\" colspan=\"{span}\"{class}>{}</th>",
                    escape(&g.label)
                );
            }
            col += span;
        }
        out.push_str("</tr>\n");
    }
    out.push_str("<tr>");
    for (i, c) in t.columns.iter().enumerate() {
        let class = col_class(t, i);
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(&c.label));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for r in &t.rows {
        row(out, t, r, ncols);
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    if !t.notes.is_empty() {
        out.push_str("<div class=\"notes\">\n");
        for n in &t.notes {
            let _ = writeln!(out, "<p>{}</p>", escape(n));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

/// The class of column `i`'s cells: `num` for figures (right-aligned, never wrapped; also a
/// text column of figures), `status-col` for statuses.
fn col_class(t: &Table, i: usize) -> &'static str {
    if layout::right_aligned(t, i) {
        " class=\"num\""
    } else if t.columns[i].format == Format::Status {
        " class=\"status-col\""
    } else {
        ""
    }
}

fn row(out: &mut String, t: &Table, r: &Row, ncols: usize) {
    let kind = match r.kind {
        RowKind::Item => "item",
        RowKind::Subtotal => "subtotal",
        RowKind::Total => "total",
        RowKind::Varav => "varav",
        RowKind::Heading => "heading",
    };
    let level = r.level.min(6);
    let _ = write!(out, "<tr class=\"{kind}\">");
    let label = r.cells.first();
    let label_text = label.map(|c| escape(&c.text)).unwrap_or_default();
    let indent = if level > 0 {
        let tenths = 4 + 12 * level as u32;
        format!(" style=\"padding-left:{}.{}em\"", tenths / 10, tenths % 10)
    } else {
        String::new()
    };
    if r.kind == RowKind::Heading {
        // a heading row: its label across the table, no numbers
        let _ = writeln!(
            out,
            "<th scope=\"rowgroup\" colspan=\"{ncols}\"{indent}>{label_text}</th></tr>"
        );
        return;
    }
    // a date or code as the row's label never breaks at its hyphen either
    let nowrap = if label.is_some_and(|c| layout::unbreakable(&c.text)) {
        " class=\"nowrap\""
    } else {
        ""
    };
    let _ = write!(
        out,
        "<th scope=\"row\"{nowrap}{indent}{}>{label_text}</th>",
        source_title(label)
    );
    for i in 1..t.columns.len() {
        let cell = r.cells.get(i);
        let mut class = col_class(t, i);
        // a date or a code in a text column never breaks at its hyphen
        if class.is_empty() && cell.is_some_and(|c| layout::unbreakable(&c.text)) {
            class = " class=\"nowrap\"";
        }
        let _ = write!(out, "<td{class}{}>", source_title(cell));
        if let Some(c) = cell {
            match &c.value {
                Value::Status(st) if c.text == st.label => out.push_str(&status(st)),
                _ => out.push_str(&escape(&c.text)),
            }
        }
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

/// A `title` attribute with where the cell's value came from, for the audit trail.
fn source_title(c: Option<&Cell>) -> String {
    match c.and_then(|c| c.source.as_ref()) {
        Some(s) if !s.origin.is_empty() => format!(" title=\"{}\"", escape(&s.origin)),
        _ => String::new(),
    }
}

fn chart(out: &mut String, c: &Chart) {
    let _ = writeln!(
        out,
        "<figure class=\"chart\" id=\"diagram-{}\">\n{}<figcaption>{}</figcaption>\n</figure>",
        escape(&anchor(&c.id)),
        chart_svg(c),
        escape(&c.title_line())
    );
}
