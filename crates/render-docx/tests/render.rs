//! The Word renderer on the sample report: every table cell and bound number is in the
//! document, headings use heading styles, tables repeat their header rows, charts are PNG
//! pictures with alt text, the draft mark appears only in drafts, and output is byte-identical.

use delar_report::fixture::sample;
use delar_report::{Block, Inline, Paragraph, Report, Value};
use std::io::{Cursor, Read};

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP archive");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

fn part(files: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, data) = files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(data.clone()).unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every paragraph of a WordprocessingML part as (style, text).
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    const STYLE: &str = "<w:pStyle w:val=\"";
    let mut out = Vec::new();
    for chunk in xml.split("</w:p>") {
        let Some(start) = chunk.rfind("<w:p ").or_else(|| chunk.rfind("<w:p>")) else {
            continue;
        };
        let p = &chunk[start..];
        let style = p
            .find(STYLE)
            .map(|i| {
                let rest = &p[i + STYLE.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .unwrap_or_default();
        let mut text = String::new();
        let mut rest = p;
        while let Some(i) = rest.find("<w:t") {
            let after = &rest[i + 4..];
            // <w:t> or <w:t xml:space="preserve">, not <w:tab/>, <w:tc>, <w:tbl…
            if !(after.starts_with('>') || after.starts_with(' ')) {
                rest = after;
                continue;
            }
            let open_end = after.find('>').unwrap();
            if after[..open_end].ends_with('/') {
                rest = &after[open_end..];
                continue;
            }
            let body = &after[open_end + 1..];
            let close = body.find("</w:t>").unwrap();
            text.push_str(&unescape(&body[..close]));
            rest = &body[close..];
        }
        out.push((style, text));
    }
    out
}

fn render(r: &Report) -> Vec<u8> {
    delar_render_docx::render(r).expect("renders")
}

#[test]
fn sample_renders_and_is_byte_identical() {
    let r = sample();
    let a = render(&r);
    let b = render(&r);
    assert!(a.starts_with(b"PK"));
    assert!(a == b, "two renders of the same report differ");
    // docx-rs can read it back (well-formed parts, valid package).
    docx_rs::read_docx(&a).expect("docx-rs reads the file back");
}

#[test]
fn every_table_cell_and_bound_number_is_in_the_document() {
    let r = sample();
    let files = unzip(&render(&r));
    let doc = part(&files, "word/document.xml");
    let paras = paragraphs(&doc);
    // column headers carry invisible line-break hints (word joiners, soft hyphens)
    let clean: Vec<String> = paras
        .iter()
        .map(|(_, t)| t.replace(['\u{2060}', '\u{ad}'], ""))
        .collect();
    let texts: Vec<&str> = clean.iter().map(String::as_str).collect();
    for t in r.tables() {
        assert!(texts.contains(&t.title().as_str()), "title {}", t.title());
        if let Some(n) = &t.sign_note {
            assert!(texts.contains(&n.as_str()), "sign note {n}");
        }
        for g in &t.groups {
            assert!(texts.contains(&g.label.as_str()), "group {}", g.label);
        }
        for c in &t.columns {
            assert!(texts.contains(&c.label.as_str()), "column {}", c.label);
        }
        for n in &t.notes {
            assert!(texts.contains(&n.as_str()), "note {n}");
        }
        for row in &t.rows {
            for cell in &row.cells {
                let want = match &cell.value {
                    Value::Status(s) => format!("{}\u{a0}{}", s.level.symbol(), cell.text),
                    _ => cell.text.clone(),
                };
                assert!(
                    texts.contains(&want.as_str()),
                    "cell {:?} of {} row {} not a paragraph of its own",
                    want,
                    t.id,
                    row.key
                );
            }
        }
    }
    let mut bound = 0;
    for (_, s) in r.walk() {
        for b in &s.blocks {
            let ps: Vec<&Paragraph> = match b {
                Block::Paragraph(p) => vec![p],
                Block::List { items, .. } => items.iter().collect(),
                Block::Callout { body, .. } => body.iter().collect(),
                _ => vec![],
            };
            for p in ps {
                // The whole paragraph is one Word paragraph with the same text (statuses
                // with their symbol).
                let mut want = String::new();
                for i in &p.inlines {
                    match i {
                        Inline::Text(t) | Inline::Strong(t) | Inline::Emph(t) => want.push_str(t),
                        Inline::Number(n) => {
                            bound += 1;
                            want.push_str(&n.text)
                        }
                        Inline::Status(st) => {
                            want.push_str(st.level.symbol());
                            want.push('\u{a0}');
                            want.push_str(&st.label);
                        }
                    }
                }
                assert!(texts.contains(&want.as_str()), "paragraph {want:?}");
                for n in p.numbers() {
                    assert!(doc.contains(&n.text), "bound number {}", n.text);
                }
            }
        }
    }
    assert!(bound > 0, "the sample has bound numbers");
    // Strong and Emph runs are bold and italic.
    assert!(doc.contains("<w:b />") && doc.contains("<w:i />"));
}

#[test]
fn headings_use_heading_styles_and_the_contents_field_is_there() {
    let r = sample();
    let files = unzip(&render(&r));
    let doc = part(&files, "word/document.xml");
    let paras = paragraphs(&doc);
    for (level, s) in r.walk() {
        let text = if s.number.is_empty() {
            s.title.clone()
        } else {
            format!("{} {}", s.number, s.title)
        };
        let style = format!("Heading{}", level.min(4));
        assert!(
            paras.iter().any(|(st, t)| *st == style && *t == text),
            "heading {text:?} in {style}"
        );
    }
    assert!(paras
        .iter()
        .any(|(_, t)| t == "2.1 Utfall till och med augusti"));
    let styles = part(&files, "word/styles.xml");
    for n in 1..=4 {
        assert!(styles.contains(&format!(r#"w:styleId="Heading{n}""#)));
        assert!(styles.contains(&format!(r#"<w:name w:val="heading {n}" />"#)));
    }
    assert!(styles.contains(r#"<w:lang w:val="sv-SE""#));
    // Table of contents: heading and a TOC field over heading levels 1–4, updated on open.
    assert!(paras.iter().any(|(_, t)| t == "Innehåll"));
    assert!(doc.contains("TOC \\o &quot;1-4&quot;") || doc.contains("TOC \\o \"1-4\""));
    assert!(part(&files, "word/settings.xml").contains(r#"<w:updateFields w:val="true" />"#));
    // The entries are written out (so any reader shows them), linked to the headings'
    // bookmarks, and their tab stop is on the page.
    for (level, s) in r.walk() {
        let text = if s.number.is_empty() {
            s.title.clone()
        } else {
            format!("{} {}", s.number, s.title)
        };
        let style = format!("ToC{}", level.min(4));
        assert!(
            paras.iter().any(|(st, t)| *st == style && *t == text),
            "contents entry {text:?}"
        );
        assert!(doc.contains(&format!(r#"w:name="s_{}""#, s.id.replace('-', "_"))));
    }
    assert!(!doc.contains("80000"));
    assert!(doc.contains(r#"<w:docPartGallery w:val="Table of Contents" />"#));
    // Title block.
    assert_eq!(
        paras
            .iter()
            .find(|(s, _)| s == "Title")
            .map(|p| p.1.as_str()),
        Some("Delårsrapport 2 2025")
    );
}

#[test]
fn tables_repeat_header_rows_and_style_row_kinds() {
    let r = sample();
    let files = unzip(&render(&r));
    let doc = part(&files, "word/document.xml");
    let tables = r.tables();
    // One repeated header row per table, two for tables with a group header row.
    let want: usize = tables
        .iter()
        .map(|t| 1 + usize::from(!t.groups.is_empty()))
        .sum();
    assert_eq!(doc.matches("<w:tblHeader />").count(), want);
    // The group header spans four columns.
    assert!(doc.contains(r#"<w:gridSpan w:val="4" />"#));
    // Numbers are right-aligned.
    assert!(doc.contains(r#"<w:jc w:val="right" />"#));
    // The total row of the operating table is bold with a rule above: find its label cell.
    let table = doc.find("Nämnd</w:t>").unwrap();
    let total = table
        + doc[table..]
            .find("Programområde social välfärd</w:t>")
            .unwrap();
    let row_start = doc[..total].rfind("<w:tr>").unwrap();
    let row = &doc[row_start..total];
    assert!(
        row.contains("<w:top w:val=\"single\""),
        "rule above the total"
    );
    assert!(
        !row.contains("<w:left w:val=\"single\""),
        "no vertical rules"
    );
    assert!(row.contains("<w:b />"), "bold total");
    // The varav row is italic and indented.
    let varav = doc.find("varav externa placeringar (SN)</w:t>").unwrap();
    let start = doc[..varav].rfind("<w:tc>").unwrap();
    let cell = &doc[start..varav];
    assert!(cell.contains("<w:i />") && cell.contains("<w:ind w:left=\"284\""));
}

#[test]
fn charts_are_pictures_with_alt_text() {
    let r = sample();
    let files = unzip(&render(&r));
    let doc = part(&files, "word/document.xml");
    let charts = r.charts();
    let pngs: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| n.starts_with("word/media/") && n.ends_with(".png"))
        .collect();
    assert_eq!(pngs.len(), charts.len());
    for (_, data) in &pngs {
        assert!(data.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(data.len() > 10_000, "a real picture, not an empty one");
    }
    for c in &charts {
        let descr = c
            .alt
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert!(
            doc.contains(&format!(r#"descr="{descr}""#)),
            "alt text of {}",
            c.id
        );
        assert!(doc.contains(&c.title_line()), "caption {}", c.title_line());
    }
    assert!(!doc.contains(r#"name="Figure""#));
}

#[test]
fn draft_mark_only_in_drafts_and_fixed_properties() {
    let mut r = sample();
    let files = unzip(&render(&r));
    let headers: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| n.starts_with("word/header"))
        .collect();
    assert!(!headers.is_empty());
    for (n, d) in &files {
        if n.ends_with(".xml") {
            assert!(
                !String::from_utf8_lossy(d).contains("UTKAST"),
                "{n} has UTKAST"
            );
        }
    }
    let core = part(&files, "docProps/core.xml");
    assert!(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-09-30T00:00:00Z"));
    assert!(core.contains("<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2025-09-30T00:00:00Z"));
    assert!(core.contains("<dc:language>sv-SE</dc:language>"));
    assert!(core.contains("<dc:title>Delårsrapport 2 2025</dc:title>"));

    r.meta.draft = true;
    let files = unzip(&render(&r));
    // Every header part (the only section's header is on every page) carries the mark.
    let headers: Vec<String> = files
        .iter()
        .filter(|(n, _)| n.starts_with("word/header"))
        .map(|(_, d)| String::from_utf8(d.clone()).unwrap())
        .collect();
    assert!(!headers.is_empty());
    assert!(headers.iter().all(|h| h.contains("UTKAST")));
    let doc = part(&files, "word/document.xml");
    // One section, so one header reference used on every page.
    assert_eq!(doc.matches("<w:headerReference").count(), headers.len());
    assert!(paragraphs(&doc)
        .iter()
        .any(|(s, t)| s == "Utkast" && t.contains("UTKAST")));
    assert!(part(&files, "docProps/core.xml").contains("<dc:title>UTKAST – Delårsrapport 2 2025"));
}

#[test]
fn awkward_text_is_escaped_and_kept() {
    let mut r = sample();
    let awkward = "Kostnader <i&o> \"vård\" & 'omsorg' </w:t> ]]>";
    let long = "Mycket lång rad ".repeat(40);
    r.meta.title = format!("Rapport {awkward}");
    {
        let sec = &mut r.sections[2];
        let Block::Table(t) = &mut sec.blocks[0] else {
            panic!("the operating table")
        };
        t.rows[0].cells[0].text = awkward.to_string();
        t.rows[1].cells[0].text = long.clone();
        t.caption = format!("Tabell med {awkward}");
        t.notes.push(awkward.to_string());
        let Block::Chart(c) = &mut sec.blocks[1] else {
            panic!("the bar chart")
        };
        c.alt = format!("Alt {awkward}");
        c.categories[0] = awkward.to_string();
    }
    r.sections[1]
        .blocks
        .push(Block::Paragraph(Paragraph::text(awkward)));
    let bytes = render(&r);
    docx_rs::read_docx(&bytes).expect("well-formed");
    let files = unzip(&bytes);
    let doc = part(&files, "word/document.xml");
    let texts: Vec<String> = paragraphs(&doc).into_iter().map(|p| p.1).collect();
    assert!(texts.iter().any(|t| t == awkward));
    assert!(texts.contains(&long));
    assert!(texts
        .iter()
        .any(|t| t.contains(&format!("Tabell med {awkward}"))));
    assert!(doc.contains("descr=\"Alt Kostnader &lt;i&amp;o&gt; &quot;vård&quot; &amp; &apos;omsorg&apos; &lt;/w:t&gt; ]]&gt;\""));
    let core = part(&files, "docProps/core.xml");
    assert!(core.contains("Rapport Kostnader &lt;i&amp;o&gt;"));
    assert!(part(&files, "word/header1.xml").contains("&lt;i&amp;o&gt;"));
}

#[test]
fn empty_report_renders() {
    let mut r = sample();
    r.sections.clear();
    let bytes = render(&r);
    docx_rs::read_docx(&bytes).expect("well-formed");
}

#[test]
fn house_style_sets_heading_colour_font_and_cover_logo() {
    let mut r = sample();
    r.meta.style = Some(delar_report::HouseStyle {
        logo: delar_report::Logo::from_bytes(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 20\" width=\"40\" \
              height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#1D4F6E\"/></svg>"
                .to_vec(),
        ),
        primary: Some("#1D4F6E".into()),
        accent: Some("#E07B00".into()),
        font: Some("Source Sans 3".into()),
    });
    let files = unzip(&render(&r));
    let styles = part(&files, "word/styles.xml");
    assert!(
        styles.contains("w:color w:val=\"1D4F6E\""),
        "headings in the primary colour"
    );
    assert!(styles.contains("w:ascii=\"Source Sans 3\""));
    let doc = part(&files, "word/document.xml");
    assert!(
        doc.contains("descr=\"Logotyp Exempelkommun\""),
        "the cover logo's alt text"
    );
    let plain = unzip(&render(&sample()));
    assert!(!part(&plain, "word/styles.xml").contains("1D4F6E"));
}
