//! Renders the sample report and reads the PDF back with poppler's `pdftotext`/`pdfinfo`
//! (Debian package poppler-utils; scripts/test.sh installs it when missing).

use std::process::Command;

use delar_render_pdf::{render, PdfError};
use delar_report::fixture::sample;
use delar_report::{
    Block, Cell, Column, Format, HeaderGroup, Inline, Paragraph, Report, Row, RowKind, Section,
    Table,
};

/// Run a poppler tool on the PDF and return its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{tool} saknas (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdfinfo(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo saknas (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Spaces of every kind (NBSP, line breaks) as one space, U+2212 as `-`.
/// Words separated by single spaces; a line may break after an en dash ("jan–" / "aug"),
/// so the space after one is dropped.
fn norm(s: &str) -> String {
    s.replace('\u{2212}', "-")
        .split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace("\u{2013} ", "\u{2013}")
}

fn text_of(pdf: &[u8]) -> String {
    norm(&poppler("pdftotext", &["-raw", "-enc", "UTF-8"], pdf))
}

#[test]
fn sample_is_a_pdf_and_byte_identical_twice() {
    let r = sample();
    let a = render(&r).unwrap();
    assert!(a.starts_with(b"%PDF-"), "{:?}", &a[..8]);
    assert!(a.len() > 10_000);
    let b = render(&r).unwrap();
    assert!(a == b, "two renders of the same report differ");
    // another date is another file
    let mut later = r.clone();
    later.meta.date = "2025-10-01".into();
    assert_ne!(render(&later).unwrap(), a);
}

#[test]
fn every_table_cell_header_and_bound_number_is_in_the_text() {
    let r = sample();
    let text = text_of(&render(&r).unwrap());
    let mut missing = Vec::new();
    for t in r.tables() {
        let mut want = vec![t.title()];
        want.extend(t.sign_note.clone());
        want.extend(t.notes.clone());
        want.extend(t.columns.iter().map(|c| c.label.clone()));
        want.extend(t.groups.iter().map(|g| g.label.clone()));
        for row in &t.rows {
            want.extend(row.cells.iter().map(|c| c.text.clone()));
        }
        for w in want {
            if !text.contains(&norm(&w)) {
                missing.push(w);
            }
        }
    }
    for (_, s) in r.walk() {
        let heading = norm(&format!("{} {}", s.number, s.title));
        if !text.contains(&heading) {
            missing.push(heading);
        }
        for b in &s.blocks {
            if let Block::Paragraph(p) = b {
                for n in p.numbers() {
                    if !text.contains(&norm(&n.text)) {
                        missing.push(n.text.clone());
                    }
                }
                // the paragraph as printed: statuses as symbol and word
                let printed: String = p
                    .inlines
                    .iter()
                    .map(|i| match i {
                        Inline::Text(t) | Inline::Strong(t) | Inline::Emph(t) => t.clone(),
                        Inline::Number(n) => n.text.clone(),
                        Inline::Status(s) => format!("{} {}", s.level.symbol(), s.label),
                    })
                    .collect();
                if !text.contains(&norm(&printed)) {
                    missing.push(printed);
                }
            }
        }
    }
    for c in r.charts() {
        if !text.contains(&norm(&c.title_line())) {
            missing.push(c.title_line());
        }
    }
    assert!(
        missing.is_empty(),
        "saknas i PDF-texten: {missing:#?}\n\n{text}"
    );
    // title page, contents, running header and page numbers
    for w in [
        "Exempelkommun",
        "Delårsrapport 2 2025",
        "januari–augusti 2025",
        "2025-09-30",
        "Innehåll",
        "Exempelkommun · Delårsrapport 2 2025 · Programområde social välfärd · januari–augusti 2025",
        "Sida 2 av",
    ] {
        assert!(text.contains(w), "{w} saknas");
    }
    // status cells: the symbol, then the word
    assert!(text.contains("○ Uppnås inte"), "{text}");
    assert!(text.contains("◐ Delvis"), "{text}");
    // not a draft
    assert!(!text.contains("UTKAST"));
}

#[test]
fn long_table_repeats_its_header_on_the_next_page() {
    let text = text_of(&render(&sample()).unwrap());
    let headers = text.matches("Periodiserad budget").count();
    assert!(headers >= 2, "header printed {headers} times");
    let pages: usize = pdfinfo(&render(&sample()).unwrap())
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(text.contains(&format!("Sida {pages} av {pages}")), "{text}");
}

#[test]
fn a_document_without_numbered_chapters_has_no_contents_page() {
    // The officer's report: a few unnumbered headings, no "Innehåll" page of its own.
    let mut r = sample();
    fn unnumber(s: &mut delar_report::Section) {
        s.numbered = false;
        for c in &mut s.sections {
            unnumber(c);
        }
    }
    for s in &mut r.sections {
        unnumber(s);
    }
    let text = text_of(&render(&r).unwrap());
    assert!(!text.contains("Innehåll"), "{text}");
    assert!(text_of(&render(&sample()).unwrap()).contains("Innehåll"));
}

#[test]
fn draft_has_the_mark_on_every_page() {
    let mut r = sample();
    r.meta.draft = true;
    let pdf = render(&r).unwrap();
    let pages: usize = pdfinfo(&pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let raw = poppler("pdftotext", &["-raw", "-enc", "UTF-8"], &pdf);
    let per_page: Vec<&str> = raw
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(per_page.len(), pages);
    for (i, p) in per_page.iter().enumerate() {
        // the mark is rotated: pdftotext gives it a letter per line
        let letters: String = p.split_whitespace().collect();
        assert!(letters.contains("UTKAST"), "sidan {} saknar UTKAST", i + 1);
    }
}

#[test]
fn pdf_is_tagged_with_title_and_pdf_ua() {
    let pdf = render(&sample()).unwrap();
    let info = pdfinfo(&pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("{name} saknas i\n{info}"))
    };
    assert_eq!(
        field("Title:"),
        "Delårsrapport 2 2025 – Programområde social välfärd"
    );
    assert_eq!(field("Author:"), "Exempelkommun");
    assert_eq!(field("Tagged:"), "yes");
    assert_eq!(field("Page size:"), "595.276 x 841.89 pts (A4)");
    assert!(field("CreationDate:").contains("Sep 30"), "{info}");
    assert!(field("CreationDate:").contains("2025"), "{info}");
    // the catalog declares Swedish and the XMP metadata PDF/UA-1 and PDF/A-2a
    let bytes = String::from_utf8_lossy(&pdf);
    assert!(
        bytes.contains("/Lang (sv") || bytes.contains("/Lang(sv"),
        "no /Lang"
    );
    assert!(
        bytes.contains("pdfuaid:part") || bytes.contains("pdfuaid"),
        "no PDF/UA id"
    );
    assert!(bytes.contains("pdfaid:part"), "no PDF/A id");
}

fn tricky_report() -> Report {
    let nasty = r#"Kostnad #1: $5 * 2_000 <tag> @ref \ "citat" [x] {y} `kod` = 50 % ~ // /* - + ="#;
    let mut r = sample();
    r.meta.title = format!("Rapport {nasty}");
    r.meta.subtitle = "Under[rubrik] #set text(red)".into();
    r.sections = vec![Section {
        id: "s".into(),
        title: format!("Rubrik {nasty}"),
        number: "1".into(),
        numbered: true,
        role: None,
        blocks: vec![
            Block::Paragraph(Paragraph {
                inlines: vec![
                    Inline::Text(format!("Text {nasty} ")),
                    Inline::Strong("*fet* #strong".into()),
                    Inline::Text(" och ".into()),
                    Inline::Emph("_kursiv_ ]) [".into()),
                ],
                sums: vec![],
                edited: true,
            }),
            Block::Callout {
                title: "Ruta #box[".into(),
                body: vec![Paragraph::text(r"C:\mapp\fil.txt $$ @x")],
            },
            Block::List {
                ordered: true,
                items: vec![Paragraph::text("+ inte en lista"), Paragraph::text("- ]")],
            },
            Block::Table(Table {
                id: "t".into(),
                number: 1,
                caption: "Tabell med <tecken> & #saker".into(),
                unit: None,
                sign_note: Some("Tecken: \\ \" $".into()),
                groups: vec![HeaderGroup {
                    label: "Grupp [a]".into(),
                    span: 2,
                }],
                columns: vec![
                    Column {
                        key: "a".into(),
                        label: "Kol #a".into(),
                        format: Format::Text,
                    },
                    Column {
                        key: "b".into(),
                        label: "Kol $b$".into(),
                        format: Format::Text,
                    },
                ],
                rows: vec![Row {
                    key: "r".into(),
                    kind: RowKind::Item,
                    level: 0,
                    cells: vec![Cell::text("@cell <x>"), Cell::text("_*#*_")],
                    includes: vec![],
                }],
                identities: vec![],
                notes: vec!["Not: `raw` \\u{41}".into()],
            }),
        ],
        sections: vec![],
    }];
    r
}

#[test]
fn markup_characters_in_user_text_are_printed_as_text() {
    let r = tricky_report();
    let text = text_of(&render(&r).unwrap());
    for w in [
        r#"Kostnad #1: $5 * 2_000 <tag> @ref \ "citat" [x] {y} `kod` = 50 % ~ // /* - + ="#,
        "Under[rubrik] #set text(red)",
        "*fet* #strong",
        "_kursiv_ ]) [",
        "Ruta #box[",
        r"C:\mapp\fil.txt $$ @x",
        "+ inte en lista",
        "- ]",
        "Tabell 1. Tabell med <tecken> & #saker",
        "Tecken: \\ \" $",
        "Grupp [a]",
        "Kol #a",
        "Kol $b$",
        "@cell <x>",
        "_*#*_",
        "Not: `raw` \\u{41}",
    ] {
        assert!(text.contains(&norm(w)), "{w:?} saknas i\n{text}");
    }
}

#[test]
fn a_bad_date_is_a_swedish_error() {
    let mut r = sample();
    r.meta.date = "30 september".into();
    let e = render(&r).unwrap_err();
    assert_eq!(e, PdfError::Date("30 september".into()));
    assert!(e.to_string().contains("ÅÅÅÅ-MM-DD"), "{e}");
}

/// The `/Alt` texts in the PDF's structure tree (UTF-16BE hex strings or plain literals).
fn alt_texts(pdf: &[u8]) -> Vec<String> {
    let raw = String::from_utf8_lossy(pdf);
    let mut out = Vec::new();
    for part in raw.split("/Alt").skip(1) {
        if let Some(hex) = part.strip_prefix('<') {
            let hex: String = hex.chars().take_while(|c| *c != '>').collect();
            let bytes: Vec<u8> = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            out.push(
                String::from_utf16(&units)
                    .unwrap()
                    .trim_start_matches('\u{feff}')
                    .into(),
            );
        } else if let Some(lit) = part.strip_prefix('(') {
            out.push(lit.chars().take_while(|c| *c != ')').collect());
        }
    }
    out
}

#[test]
fn charts_are_figures_with_alt_text_and_headings_are_tagged() {
    let r = sample();
    let pdf = render(&r).unwrap();
    let alts = alt_texts(&pdf);
    for c in r.charts() {
        assert!(alts.contains(&c.alt), "{:?} saknas bland {alts:#?}", c.alt);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = Command::new("pdfinfo")
        .arg("-struct")
        .arg(&path)
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    let count = |tag: &str| {
        tree.lines()
            .filter(|l| l.trim_start().starts_with(tag))
            .count()
    };
    assert_eq!(count("Figure"), r.charts().len(), "{tree}");
    assert_eq!(count("Table"), r.tables().len());
    // one level-1 heading per top-level section plus "Innehåll"; one H2 per subsection
    let top = r.walk().iter().filter(|(l, _)| *l == 1).count();
    let second = r.walk().iter().filter(|(l, _)| *l == 2).count();
    assert_eq!(count("H1 "), top + 1, "{tree}");
    assert_eq!(count("H2 "), second);
    assert!(
        tree.contains("H2 \"Utfall till och med augusti\""),
        "{tree}"
    );
    // header cells are TH, in every table
    assert!(count("TH") >= r.tables().iter().map(|t| t.columns.len()).sum::<usize>());
}

#[test]
fn odd_reports_still_render_heading_and_subtotal_rows() {
    let mut r = sample();
    r.meta.title = String::new();
    r.meta.subtitle = String::new();
    let sec = &mut r.sections[2];
    if let Block::Chart(c) = &mut sec.blocks[1] {
        c.alt = " ".into();
    }
    let t = match &mut sec.blocks[0] {
        Block::Table(t) => t,
        _ => panic!("the sample's first block in Ekonomi is a table"),
    };
    let label = |s: &str| {
        let mut cells = vec![Cell::text(s)];
        cells.extend((1..5).map(|_| Cell::empty()));
        cells
    };
    t.rows.insert(
        0,
        Row {
            key: "rubrik".into(),
            kind: RowKind::Heading,
            level: 0,
            cells: label("Nämnder inom programområdet"),
            includes: vec![],
        },
    );
    let mut sub = t.rows[1].clone();
    sub.key = "del".into();
    sub.kind = RowKind::Subtotal;
    sub.cells[0] = Cell::text("Delsumma programnämnden");
    t.rows.insert(2, sub);
    t.groups[0].span = 0; // spans no longer add up: the group row is left out
    sec.blocks.push(Block::Table(Table {
        id: "tom".into(),
        number: 9,
        caption: "Tabell utan kolumner".into(),
        unit: None,
        sign_note: None,
        groups: vec![],
        columns: vec![],
        rows: vec![],
        identities: vec![],
        notes: vec!["Uppgifter saknas.".into()],
    }));
    let pdf = render(&r).unwrap();
    let text = text_of(&pdf);
    for w in [
        "Nämnder inom programområdet",
        "Delsumma programnämnden 123,4 118,9 4,5 96 %",
        "Tabell 9. Tabell utan kolumner",
        "Uppgifter saknas.",
    ] {
        assert!(text.contains(w), "{w} saknas i {text}");
    }
    assert!(!text.contains("Helår 2025"));
    let alts = alt_texts(&pdf);
    assert!(alts.iter().any(|a| a.starts_with("Diagram 1.")), "{alts:?}");
    assert!(pdfinfo(&pdf).contains("Exempelkommun"));
}

#[test]
fn house_style_puts_the_logo_on_the_cover_and_colours_the_headings() {
    let mut r = sample();
    let logo = delar_report::Logo::from_bytes(
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 20\" width=\"40\" height=\"20\">\
          <rect width=\"40\" height=\"20\" fill=\"#1D4F6E\"/></svg>"
            .to_vec(),
    );
    r.meta.style = Some(delar_report::HouseStyle {
        logo,
        primary: Some("#1D4F6E".into()),
        accent: Some("#E07B00".into()),
        font: Some("Source Sans 3".into()),
    });
    let src = delar_render_pdf::typst_source(&r).unwrap();
    assert!(src.contains("#show heading: set text(fill: rgb(\"#1D4F6E\"))"));
    assert!(src.contains("#let accent = rgb(\"#E07B00\")"));
    // a missing family falls back to the embedded fonts
    assert!(src.contains("#set text(font: (\"Source Sans 3\", \"Libertinus Serif\""));
    assert!(src.contains("format: \"svg\", height: 2.2cm, alt: \"Logotyp Exempelkommun\""));
    // still a tagged PDF (the logo has its alt text) with the same text
    let pdf = render(&r).expect("renders with the house style");
    assert!(text_of(&pdf).contains(&norm(&r.meta.title)));
    let plain = delar_render_pdf::typst_source(&sample()).unwrap();
    assert!(!plain.contains("Logotyp"));
}
