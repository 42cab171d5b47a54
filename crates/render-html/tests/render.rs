//! The HTML renderer on the sample report: content, structure, accessibility, escaping and
//! determinism.

use delar_render_html::render;
use delar_report::fixture::sample;
use delar_report::{Block, Format, Inline, Paragraph, Report, Value};

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The page's text as a screen reader gets it: tags and `aria-hidden` elements (which have no
/// children here) removed, entities decoded, `<head>` left out.
fn text_of(html: &str) -> String {
    let body = &html[html.find("</head>").unwrap()..];
    let mut out = String::new();
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').unwrap() + i;
        let hidden = rest[i..end].contains("aria-hidden=\"true\"");
        rest = &rest[end + 1..];
        if hidden {
            rest = &rest[rest.find("</").unwrap()..];
        }
    }
    out.push_str(rest);
    unescape(&out)
}

/// Elements as (name, attributes text, inner html) for every start tag of `name`.
fn elements<'a>(html: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = html[pos..].find(&open) {
        let start = pos + i;
        let after = &html[start + open.len()..];
        if !after.starts_with([' ', '>']) {
            pos = start + open.len();
            continue;
        }
        let tag_end = start + html[start..].find('>').unwrap();
        let attrs = &html[start + open.len()..tag_end];
        let inner_end = html[tag_end..]
            .find(&close)
            .map_or(tag_end + 1, |e| tag_end + e);
        out.push((attrs, &html[tag_end + 1..inner_end]));
        pos = tag_end;
    }
    out
}

/// Tags are balanced (HTML void elements and self-closed SVG elements aside) and every
/// attribute value is quoted.
fn check_balanced(html: &str) {
    const VOID: [&str; 6] = ["meta", "br", "link", "img", "hr", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = &html[html.find("<html").unwrap()..];
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').unwrap() + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> without start"));
            assert_eq!(top, name, "</{name}> closes <{top}>");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric()),
            "bad tag <{tag}>"
        );
        // attribute values are quoted: every = is followed by a quote
        let mut quoted = false;
        let mut prev = ' ';
        for c in tag.chars() {
            if c == '"' {
                quoted = !quoted;
            } else if !quoted && prev == '=' {
                panic!("unquoted attribute in <{tag}>");
            }
            prev = if quoted { ' ' } else { c };
        }
        assert!(!quoted, "unterminated attribute in <{tag}>");
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            let close = rest.find("</style>").unwrap();
            rest = &rest[close..];
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

#[test]
fn every_cell_and_bound_number_is_on_the_page() {
    let r = sample();
    let html = render(&r);
    check_balanced(&html);
    let text = text_of(&html);
    let mut cells = 0;
    for t in r.tables() {
        assert!(text.contains(&t.title()), "{}", t.title());
        if let Some(n) = &t.sign_note {
            assert!(text.contains(n.as_str()));
        }
        for n in &t.notes {
            assert!(text.contains(n.as_str()));
        }
        for c in &t.columns {
            assert!(html.contains(&format!(">{}</th>", delar_report::svg::escape(&c.label))));
        }
        for row in &t.rows {
            for (i, cell) in row.cells.iter().enumerate() {
                if cell.text.is_empty() {
                    continue;
                }
                cells += 1;
                let esc = delar_report::svg::escape(&cell.text);
                if i == 0 {
                    assert!(
                        html.contains(&format!(">{esc}</th>")),
                        "row label {}",
                        cell.text
                    );
                } else if t.columns[i].format.is_numeric() {
                    // numbers are right-aligned cells of their own
                    let title = cell
                        .source
                        .as_ref()
                        .map(|s| format!(" title=\"{}\"", delar_report::svg::escape(&s.origin)))
                        .unwrap_or_default();
                    assert!(
                        html.contains(&format!("<td class=\"num\"{title}>{esc}</td>")),
                        "cell {}",
                        cell.text
                    );
                } else if t.columns[i].format == Format::Status {
                    assert!(
                        html.contains(&format!("</span>{esc}</span></td>")),
                        "{}",
                        cell.text
                    );
                } else {
                    assert!(html.contains(&format!(">{esc}</td>")), "cell {}", cell.text);
                }
            }
        }
    }
    assert!(cells > 250, "{cells}");
    let mut numbers = 0;
    for (_, s) in r.walk() {
        for b in &s.blocks {
            let paragraphs: Vec<&Paragraph> = match b {
                Block::Paragraph(p) => vec![p],
                Block::List { items, .. } => items.iter().collect(),
                Block::Callout { body, .. } => body.iter().collect(),
                _ => vec![],
            };
            for p in paragraphs {
                assert!(text.contains(&p.plain()), "{}", p.plain());
                for n in p.numbers() {
                    numbers += 1;
                    let origin = &n.source.as_ref().unwrap().origin;
                    assert!(html.contains(&format!(
                        "<span class=\"tal\" title=\"{origin}\">{}</span>",
                        n.text
                    )));
                }
            }
        }
    }
    assert_eq!(numbers, 1);
}

#[test]
fn headings_follow_the_sections_in_order() {
    let r = sample();
    let html = render(&r);
    let main = &html[html.find("<main").unwrap()..];
    let mut found = Vec::new();
    let mut rest = main;
    while let Some(i) = rest.find("<h") {
        let level = rest.as_bytes()[i + 2];
        if level.is_ascii_digit() && rest.as_bytes()[i + 3] == b'>' {
            let close = rest[i..].find("</h").unwrap() + i;
            let inner = text_of(&format!("</head>{}", &rest[i + 4..close]));
            found.push(((level - b'0') as usize, inner));
            rest = &rest[close..];
        } else {
            rest = &rest[i + 2..];
        }
    }
    let expected: Vec<(usize, String)> = r
        .walk()
        .into_iter()
        .map(|(level, s)| {
            let title = if s.number.is_empty() {
                s.title.clone()
            } else {
                format!("{} {}", s.number, s.title)
            };
            (level.min(4), title)
        })
        .collect();
    assert_eq!(found, expected);
    assert!(html.contains("<h2>3.1 ") || html.contains("<h2><span class=\"nr\">3.1</span> "));
    // each section is an anchor the table of contents links to
    let nav = elements(&html, "nav");
    assert_eq!(nav.len(), 1);
    assert!(nav[0].0.contains("aria-label=\"Innehåll\""));
    for (_, s) in r.walk() {
        assert_eq!(
            html.matches(&format!("id=\"{}\"", s.id)).count(),
            1,
            "{}",
            s.id
        );
        assert!(nav[0].1.contains(&format!("href=\"#{}\"", s.id)));
    }
}

#[test]
fn tables_have_captions_headers_and_row_kinds() {
    let r = sample();
    let html = render(&r);
    let tables = elements(&html, "table");
    assert_eq!(tables.len(), 3);
    let drift = tables[0].1.trim_start();
    // the title and sign note stand above the scroll box and name and describe the table
    assert!(html.contains(
        "<div class=\"table\" id=\"tabell-drift\">\n<p class=\"table-title\" \
         id=\"tabell-drift-rubrik\">Tabell 1. Driftredovisning per nämnd, helår 2025, mnkr</p>\n\
         <p class=\"sign-note\" id=\"tabell-drift-tecken\">"
    ));
    assert!(html.contains(
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"tabell-drift-rubrik\" \
         tabindex=\"0\">\n<table aria-labelledby=\"tabell-drift-rubrik\" \
         aria-describedby=\"tabell-drift-tecken\">"
    ));
    assert!(drift.starts_with("<thead>"));
    assert!(drift.contains(
        "<td colspan=\"1\"></td><th scope=\"colgroup\" colspan=\"4\" class=\"num\">Helår 2025</th>"
    ));
    assert_eq!(drift.matches("<th scope=\"col\"").count(), 5);
    assert_eq!(drift.matches("<th scope=\"col\" class=\"num\"").count(), 4);
    assert_eq!(drift.matches("<th scope=\"row\"").count(), 6);
    assert!(
        drift.contains("<tr class=\"total\"><th scope=\"row\">Programområde social välfärd</th>")
    );
    assert!(drift.contains(
        "<tr class=\"varav\"><th scope=\"row\" style=\"padding-left:1.6em\">varav externa placeringar (SN)</th>"
    ));
    assert!(html.contains("tr.total th, tr.total td { font-weight: bold; border-top"));
    assert!(html.contains("font-variant-numeric: tabular-nums"));
    assert!(html.contains("thead { display: table-header-group; }"));
    // status cells: coloured symbol hidden from screen readers, then the word
    let goal = tables[2].1;
    assert!(goal.contains(
        "<td class=\"status-col\"><span class=\"status\"><span class=\"symbol\" aria-hidden=\"true\" \
         style=\"color:#c62828\">○ </span>Uppnås inte</span></td>"
    ));
    // notes follow the table
    let notes = html.find("Interna köp mellan nämnderna").unwrap();
    assert!(notes > html.find("</table>").unwrap());
}

#[test]
fn charts_are_figures_with_text_alternatives() {
    let r = sample();
    let html = render(&r);
    let figures = elements(&html, "figure");
    assert_eq!(figures.len(), r.charts().len());
    for (c, (attrs, inner)) in r.charts().iter().zip(&figures) {
        assert!(attrs.contains(&format!("id=\"diagram-{}\"", c.id)));
        let svg = elements(inner, "svg");
        assert_eq!(svg.len(), 1);
        assert!(svg[0].0.contains("role=\"img\""));
        assert!(svg[0].0.contains(&format!(
            "aria-label=\"{}\"",
            delar_report::svg::escape(&c.alt)
        )));
        assert!(inner.ends_with(&format!("<figcaption>{}</figcaption>\n", c.title_line())));
        assert!(c.title_line().starts_with("Diagram "));
    }
}

#[test]
fn nothing_outside_the_file_and_no_scripts() {
    let html = render(&sample());
    for bad in [
        "<script", "<link", "src=", "http://", "https://", "@import", "url(",
    ] {
        let hits: Vec<_> = html
            .match_indices(bad)
            .map(|(i, _)| &html[i..i + 60])
            .collect();
        // the SVG namespace is the only URL allowed
        assert!(
            hits.iter()
                .all(|h| h.starts_with("http://www.w3.org/2000/svg")),
            "{bad}: {hits:?}"
        );
    }
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"));
    assert!(html.contains(
        "<title>Delårsrapport 2 2025 – Programområde social välfärd – Exempelkommun</title>"
    ));
    assert!(html.contains("<time datetime=\"2025-09-30\">2025-09-30</time>"));
    assert!(html.contains("januari–augusti 2025"));
    assert!(html.contains("size: A4"));
    assert!(html.contains("main > section { break-before: page; }"));
}

#[test]
fn output_is_byte_identical() {
    assert_eq!(render(&sample()), render(&sample()));
}

#[test]
fn draft_mark_only_on_drafts() {
    let mut r = sample();
    let html = render(&r);
    assert!(!html.contains("UTKAST"));
    assert!(!html.contains("draft-banner\""));
    assert!(!html.contains("@top-center"));
    r.meta.draft = true;
    let html = render(&r);
    assert!(
        html.contains("<div class=\"draft-banner\" role=\"note\">UTKAST – inte fastställd</div>")
    );
    assert!(html.contains("<div class=\"draft-mark\" aria-hidden=\"true\">UTKAST</div>"));
    assert!(html.contains("(UTKAST)</title>"));
    // and in the top margin of every printed page
    assert!(html.contains("@top-center {\n    content: \"UTKAST – inte fastställd\";"));
    // the watermark is fixed, so it is on every screen and every printed page
    assert!(html.contains(".draft-mark {\n  position: fixed;"));
    assert!(html.contains(".draft-banner {\n  position: fixed;"));
    check_balanced(&html);
}

fn hostile(r: &mut Report) {
    let evil = "<script>alert('x')</script> & \"citat\"";
    r.meta.title = evil.into();
    r.meta.organisation = "A & B <kommun>".into();
    r.sections[1].title = evil.into();
    r.sections[1].id = "id med \"citat\"".into();
    for b in &mut r.sections[1].blocks {
        if let Block::Paragraph(p) = b {
            p.inlines.push(Inline::Text(evil.into()));
            for i in &mut p.inlines {
                if let Inline::Number(n) = i {
                    n.source.as_mut().unwrap().origin = "huvudbok \"jan–aug\" <SN> & co".into();
                }
            }
        }
    }
    for b in &mut r.sections[2].blocks {
        match b {
            Block::Table(t) => {
                t.caption = evil.into();
                t.columns[1].label = "Budget <b>".into();
                t.rows[0].cells[0].text = evil.into();
                t.rows[0].cells[0].value = Value::Text(evil.into());
                t.notes.push(evil.into());
                t.sign_note = Some(evil.into());
            }
            Block::Chart(c) => {
                c.title = evil.into();
                c.alt = evil.into();
                c.categories[0] = evil.into();
            }
            _ => {}
        }
    }
}

#[test]
fn everything_is_escaped() {
    let mut r = sample();
    hostile(&mut r);
    let html = render(&r);
    assert!(!html.contains("<script"), "raw script tag");
    assert!(!html.contains("<b>"));
    assert!(!html.contains("<kommun>"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;citat&quot;")
    );
    assert!(html.contains("title=\"huvudbok &quot;jan–aug&quot; &lt;SN&gt; &amp; co\""));
    assert!(html.contains("id=\"id-med-&quot;citat&quot;\""));
    check_balanced(&html);
    // the text survives escaping
    let text = text_of(&html);
    assert!(text.contains("<script>alert('x')</script> & \"citat\""));
    assert!(text.contains("A & B <kommun>"));
}

#[test]
fn heading_and_subtotal_rows_and_indent_levels() {
    use delar_report::{Cell, Row, RowKind, Table};
    let mut r = sample();
    let t: &mut Table = r
        .sections
        .iter_mut()
        .flat_map(|s| s.blocks.iter_mut())
        .find_map(|b| match b {
            Block::Table(t) if t.id == "drift" => Some(t),
            _ => None,
        })
        .unwrap();
    let width = t.columns.len();
    let mut subtotal = t.rows[0].clone();
    subtotal.kind = RowKind::Subtotal;
    subtotal.key = "delsumma".into();
    subtotal.cells[0] = Cell::text("Summa nämnder");
    t.rows.insert(
        0,
        Row {
            key: "rubrik".into(),
            kind: RowKind::Heading,
            level: 0,
            cells: vec![Cell::text("Nämnder")],
            includes: vec![],
        },
    );
    t.rows.insert(3, subtotal);
    t.rows[1].level = 2;
    let html = render(&r);
    check_balanced(&html);
    assert!(html.contains(&format!(
        "<tr class=\"heading\"><th scope=\"rowgroup\" colspan=\"{width}\">Nämnder</th></tr>"
    )));
    assert!(html.contains("<tr class=\"subtotal\"><th scope=\"row\">Summa nämnder</th>"));
    assert!(html.contains(
        "<tr class=\"item\"><th scope=\"row\" style=\"padding-left:2.8em\">Programnämnd social välfärd</th>"
    ));
    assert!(html.contains("tr.subtotal th, tr.subtotal td { font-weight: bold; }"));
}

#[test]
fn a_report_without_sections_still_is_a_page() {
    let mut r = sample();
    r.sections.clear();
    r.meta.subtitle.clear();
    let html = render(&r);
    check_balanced(&html);
    assert!(!html.contains("<nav"));
    assert!(html.contains("<title>Delårsrapport 2 2025 – Exempelkommun</title>"));
    assert!(html.contains("<main id=\"delar-rapport\">\n</main>"));
}

#[test]
fn dates_and_codes_never_wrap_and_text_figures_are_right_aligned() {
    let mut r = sample();
    fn find<'a>(
        sections: &'a mut [delar_report::Section],
        id: &str,
    ) -> Option<&'a mut delar_report::Table> {
        for s in sections {
            for b in &mut s.blocks {
                if let Block::Table(t) = b {
                    if t.id == id {
                        return Some(t);
                    }
                }
            }
            if let Some(t) = find(&mut s.sections, id) {
                return Some(t);
            }
        }
        None
    }
    let t = find(&mut r.sections, "drift").unwrap();
    // a date as a row label, a code and a typed figure in a text column
    t.rows[0].cells[0] = delar_report::Cell::text("2025-01-15");
    t.columns[1].format = Format::Text;
    for row in &mut t.rows {
        let text = row.cells[1].text.clone();
        row.cells[1] = delar_report::Cell::text(&text);
    }
    let html = render(&r);
    assert!(
        html.contains("<th scope=\"row\" class=\"nowrap\">2025-01-15</th>"),
        "{html}"
    );
    let drift = &html[html.find("id=\"tabell-drift\"").unwrap()..];
    let head = &drift[drift.find("<thead>").unwrap()..drift.find("</thead>").unwrap()];
    assert_eq!(
        head.matches("<th scope=\"col\" class=\"num\"").count(),
        4,
        "{head}"
    );
}

#[test]
fn house_style_sets_colours_font_and_logo() {
    let mut r = sample();
    let plain = render(&r);
    assert!(!plain.contains("class=\"logo\""));
    r.meta.style = Some(delar_report::HouseStyle {
        logo: delar_report::Logo::from_bytes(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>".to_vec(),
        ),
        primary: Some("#1D4F6E".into()),
        accent: Some("#E07B00".into()),
        font: Some("Source Sans 3".into()),
    });
    let html = render(&r);
    assert!(html.contains(":root { --accent: #1D4F6E; }"));
    assert!(html.contains(".toc { border-left-color: #E07B00; }"));
    assert!(html.contains("main h1, main h2, main h3, main h4 { color: #1D4F6E; }"));
    assert!(html.contains("body { font-family: \"Source Sans 3\", \"DejaVu Sans\""));
    assert!(html.contains("<img class=\"logo\" src=\"data:image/svg+xml;base64,PHN2Zy"));
    assert!(html.contains("alt=\"Logotyp Exempelkommun\">"));
}
