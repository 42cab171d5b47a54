//! The Excel renderer on the sample report, read back with calamine: every table's cells are
//! in its sheet (numbers that round to the printed text, texts as texts), the header is
//! frozen, charts are native, the draft mark appears only in drafts, and output is
//! byte-identical.

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use delar_report::fixture::sample;
use delar_report::{Block, Format, Report, Table, Value};
use std::io::{Cursor, Read};

fn render(r: &Report) -> Vec<u8> {
    delar_render_xlsx::render(r).expect("renders")
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens it")
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("{name} missing"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// How Swedish Excel shows `x` in the column's number format: space as thousands
/// separator, comma as decimal separator, `%` after percent.
fn swedish_display(x: f64, format: &Format) -> String {
    let (x, decimals, percent) = match format {
        Format::Percent { decimals } => (x * 100.0, *decimals, true),
        Format::Amount { decimals, .. } | Format::Number { decimals } => (x, *decimals, false),
        _ => unreachable!(),
    };
    let scaled = (x * 10f64.powi(decimals as i32)).round() as i64;
    let neg = scaled < 0;
    let digits = scaled.unsigned_abs().to_string();
    let d = decimals as usize;
    let digits = format!("{digits:0>width$}", width = d + 1);
    let (int, frac) = digits.split_at(digits.len() - d);
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(ch);
    }
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&grouped);
    if d > 0 {
        s.push(',');
        s.push_str(frac);
    }
    if percent {
        s.push('%');
    }
    s
}

/// The model's text with the typographic minus and spaces normalised the way Excel prints.
fn normalise(s: &str) -> String {
    s.replace('\u{2212}', "-")
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace(" %", "%")
}

/// The row of a table's column header in its sheet.
fn header_row(range: &Range<Data>, t: &Table) -> u32 {
    (0..range.height() as u32)
        .find(|&r| {
            t.columns
                .iter()
                .enumerate()
                .all(|(i, c)| text(range, r, i as u32) == c.label)
        })
        .unwrap_or_else(|| panic!("no header row for {}", t.id))
}

fn check_table(range: &Range<Data>, t: &Table) -> u32 {
    let all: Vec<String> = (0..range.height() as u32)
        .map(|r| text(range, r, 0))
        .collect();
    assert!(all.contains(&t.title()), "title {}", t.title());
    if let Some(n) = &t.sign_note {
        assert!(all.contains(n), "sign note");
    }
    for n in &t.notes {
        assert!(all.contains(n), "note {n}");
    }
    let h = header_row(range, t);
    if !t.groups.is_empty() {
        let mut col = 0u32;
        for g in &t.groups {
            assert_eq!(text(range, h - 1, col), g.label, "group header");
            col += g.span as u32;
        }
    }
    for (k, row) in t.rows.iter().enumerate() {
        let r = h + 1 + k as u32;
        for (i, col) in t.columns.iter().enumerate() {
            let cell = &row.cells[i];
            let got = range
                .get_value((r, i as u32))
                .cloned()
                .unwrap_or(Data::Empty);
            let want = cell.display_number(&col.format);
            match (&cell.value, want) {
                (Value::Number(_), Some(_)) if matches!(col.format, Format::Percent { .. }) => {
                    unreachable!("not in the sample")
                }
                (_, Some(exact)) if col.format.is_numeric() => {
                    let Data::Float(x) = got else {
                        panic!("{} {} {}: {got:?} is not a number", t.id, row.key, col.key)
                    };
                    let d = match col.format {
                        Format::Percent { decimals } => decimals as i32 + 2,
                        Format::Amount { decimals, .. } | Format::Number { decimals } => {
                            decimals as i32
                        }
                        _ => 0,
                    };
                    let p = 10f64.powi(d);
                    assert_eq!(
                        (x * p).round(),
                        (exact * p).round(),
                        "{} {} {}",
                        t.id,
                        row.key,
                        col.key
                    );
                    assert!((x - exact).abs() < 1e-9 || (x == 0.0 && (exact * p).round() == 0.0));
                    assert_eq!(
                        swedish_display(x, &col.format),
                        normalise(&cell.text),
                        "{} {} {}: Excel shows what the other formats print",
                        t.id,
                        row.key,
                        col.key
                    );
                }
                (Value::Empty, _) => assert_eq!(got, Data::Empty),
                _ => assert_eq!(
                    got,
                    Data::String(cell.text.clone()),
                    "{} {} {}",
                    t.id,
                    row.key,
                    col.key
                ),
            }
        }
    }
    h
}

#[test]
fn sample_renders_and_is_byte_identical() {
    let r = sample();
    let a = render(&r);
    let b = render(&r);
    assert!(a.starts_with(b"PK"));
    assert!(a == b, "two renders of the same report differ");
    let core = zip_part(&a, "docProps/core.xml");
    assert!(core.contains("2025-09-30T00:00:00Z"), "{core}");
}

#[test]
fn every_table_is_in_its_sheet_with_numbers_and_texts() {
    let r = sample();
    let bytes = render(&r);
    let mut wb = open(&bytes);
    let names = wb.sheet_names().to_vec();
    assert_eq!(
        names,
        vec![
            "Innehåll",
            "Tabell 1",
            "Tabell 2",
            "Tabell 3",
            "Diagram 1",
            "Diagram 2"
        ]
    );
    for (i, t) in r.tables().iter().enumerate() {
        let range = wb.worksheet_range(&names[i + 1]).unwrap();
        let h = check_table(&range, t);
        // The header row is frozen: the pane starts right below it.
        let xml = zip_part(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 2));
        assert!(
            xml.contains(&format!(r#"ySplit="{}""#, h + 1)) && xml.contains(r#"state="frozen""#),
            "frozen header in {}",
            names[i + 1]
        );
    }
    // The contents sheet lists every table with its caption and sheet, linked.
    let toc = wb.worksheet_range("Innehåll").unwrap();
    for (i, t) in r.tables().iter().enumerate() {
        let name = format!("Tabell {}", i + 1);
        let row = (0..toc.height() as u32)
            .find(|&k| text(&toc, k, 0) == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        assert!(text(&toc, row, 1).starts_with(&t.caption));
        assert_eq!(text(&toc, row, 2), name);
    }
    let xml = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("location=\"'Tabell 1'!A1\""));
}

#[test]
fn totals_are_bold_values() {
    let r = sample();
    let bytes = render(&r);
    let styles = zip_part(&bytes, "xl/styles.xml");
    assert!(styles.contains("<b/>"));
    // Totals are written as values, not formulas.
    let sheet = zip_part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(!sheet.contains("<f>"));
}

#[test]
fn charts_are_native_with_their_data() {
    let r = sample();
    let bytes = render(&r);
    let mut wb = open(&bytes);
    for (i, c) in r.charts().iter().enumerate() {
        let name = format!("Diagram {}", i + 1);
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(text(&range, 0, 0), c.title_line());
        let h = (0..range.height() as u32)
            .find(|&k| text(&range, k, 0) == "Kategori")
            .expect("data header");
        for (j, s) in c.series.iter().enumerate() {
            assert_eq!(text(&range, h, j as u32 + 1), s.name);
            for (k, v) in s.values.iter().enumerate() {
                let got = range.get_value((h + 1 + k as u32, j as u32 + 1));
                match v {
                    Some(v) => assert_eq!(got, Some(&Data::Float(*v))),
                    None => assert!(matches!(got, None | Some(Data::Empty))),
                }
            }
        }
        for (k, cat) in c.categories.iter().enumerate() {
            assert_eq!(&text(&range, h + 1 + k as u32, 0), cat);
        }
        let chart = zip_part(&bytes, &format!("xl/charts/chart{}.xml", i + 1));
        assert!(chart.contains(&c.title_line()), "chart title");
        let kind = match c.kind {
            delar_report::ChartKind::Line => "<c:lineChart>",
            _ => "<c:barChart>",
        };
        assert!(chart.contains(kind));
    }
    let drawing = zip_part(&bytes, "xl/drawings/drawing1.xml");
    assert!(drawing.contains("descr=\"Linjediagram") || drawing.contains("descr=\"Liggande"));
}

#[test]
fn draft_mark_only_in_drafts() {
    let mut r = sample();
    let bytes = render(&r);
    let mut wb = open(&bytes);
    let names = wb.sheet_names().to_vec();
    for (k, n) in names.iter().enumerate() {
        let range = wb.worksheet_range(n).unwrap();
        assert!(!text(&range, 0, 0).contains("UTKAST"));
        let xml = zip_part(&bytes, &format!("xl/worksheets/sheet{}.xml", k + 1));
        assert!(!xml.contains("UTKAST"));
    }
    r.meta.draft = true;
    let bytes = render(&r);
    let mut wb = open(&bytes);
    for (k, n) in names.iter().enumerate() {
        let range = wb.worksheet_range(n).unwrap();
        assert!(text(&range, 0, 0).starts_with("UTKAST"), "red cell on {n}");
        let xml = zip_part(&bytes, &format!("xl/worksheets/sheet{}.xml", k + 1));
        assert!(
            xml.contains("<oddHeader>") && xml.contains("UTKAST"),
            "page header on {n}"
        );
    }
    // Tables still read back with the extra row on top.
    for (i, t) in r.tables().iter().enumerate() {
        check_table(&wb.worksheet_range(&names[i + 1]).unwrap(), t);
    }
    assert!(zip_part(&bytes, "docProps/core.xml").contains("UTKAST"));
}

#[test]
fn awkward_text_is_kept() {
    let mut r = sample();
    let awkward = "Kostnader <i&o> \"vård\" & 'omsorg' ]]> &P";
    let long = "Mycket lång rad ".repeat(40);
    r.meta.title = format!("Rapport {awkward}");
    {
        let Block::Table(t) = &mut r.sections[2].blocks[0] else {
            panic!("the operating table")
        };
        t.rows[0].cells[0].text = awkward.to_string();
        t.rows[1].cells[0].text = long.clone();
        t.rows[0].cells[0].value = Value::Text(awkward.to_string());
        t.rows[1].cells[0].value = Value::Text(long.clone());
        t.caption = format!("Tabell med {awkward}");
        t.notes.push(awkward.to_string());
    }
    let bytes = render(&r);
    let mut wb = open(&bytes);
    let t = r.table("drift").unwrap();
    check_table(&wb.worksheet_range("Tabell 1").unwrap(), t);
    let toc = wb.worksheet_range("Innehåll").unwrap();
    assert_eq!(text(&toc, 0, 0), r.meta.title);
    // `&` in the page header is doubled so Excel does not read it as a code.
    let xml = zip_part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(xml.contains("&amp;&amp;P"));
}

#[test]
fn zero_after_rounding_is_written_as_zero_and_percent_numbers_are_scaled() {
    use delar_core::{Amount, Unit};
    use delar_report::Cell;
    let f = Format::Amount {
        unit: Unit::Mnkr,
        decimals: 1,
    };
    let tiny = Cell::new(Value::Amount(Amount::from_ore(-40_000)), &f);
    assert_eq!(delar_render_xlsx::sheet_number(&tiny, &f), Some(0.0));
    let p = Format::Percent { decimals: 1 };
    let n = Cell::new(Value::Number(95.44), &p);
    assert_eq!(n.text, "95,4\u{a0}%");
    let x = delar_render_xlsx::sheet_number(&n, &p).unwrap();
    assert!((x - 0.9544).abs() < 1e-12);
    assert_eq!(swedish_display(x, &p), normalise(&n.text));
}

#[test]
fn a_cell_with_its_own_format_is_a_number_in_that_format() {
    let mut r = sample();
    // Put an amount with its own format into the first table's text (label) column.
    let mut done = None;
    'outer: for s in &mut r.sections {
        for b in &mut s.blocks {
            if let Block::Table(t) = b {
                let money = Format::Amount {
                    unit: delar_core::Unit::Mnkr,
                    decimals: 1,
                };
                let cell = delar_report::Cell::new(
                    Value::Amount(delar_core::Amount::from_ore(123_456_789_012)),
                    &money,
                );
                assert_eq!(t.columns[0].format, Format::Text);
                t.rows[0].cells[0] = cell;
                done = Some(t.clone());
                break 'outer;
            }
        }
    }
    let t = done.expect("the sample has a table in a top-level section");
    let bytes = render(&r);
    let mut wb = open(&bytes);
    let range = wb.worksheet_range("Tabell 1").unwrap();
    let h = header_row(&range, &t);
    match range.get_value((h + 1, 0)) {
        Some(Data::Float(x)) => assert!((x - 1_234.567_890_12).abs() < 1e-9, "{x}"),
        other => panic!("expected a number, got {other:?}"),
    }
}

#[test]
fn bar_charts_read_like_the_pdf_colours_and_swedish_value_labels() {
    let r = sample();
    let bytes = render(&r);
    let (i, c) = r
        .charts()
        .into_iter()
        .enumerate()
        .find(|(_, c)| c.kind == delar_report::ChartKind::HorizontalBar)
        .expect("the sample has a deviation chart");
    let xml = zip_part(&bytes, &format!("xl/charts/chart{}.xml", i + 1));
    // one colour per bar as the SVG paints it: positive in the first palette colour,
    // negative in the second
    let points = xml.matches("<c:dPt>").count();
    assert_eq!(points, c.categories.len(), "{xml}");
    for (k, v) in c.series[0].values.iter().enumerate() {
        let want = delar_report::svg::bar_colour(c, 0, v.unwrap())
            .trim_start_matches('#')
            .to_uppercase();
        let start = xml
            .find(&format!("<c:dPt><c:idx val=\"{k}\"/>"))
            .unwrap_or_else(|| panic!("point {k}"));
        let end = start + xml[start..].find("</c:dPt>").unwrap();
        assert!(
            xml[start..end].contains(&want),
            "point {k}: {}",
            &xml[start..end]
        );
    }
    assert!(xml.contains("D55E00") && xml.contains("0072B2"));
    // the labels are the SVG's, in Swedish notation with a sign: +4,5 and −44,4
    for label in delar_report::svg::bar_value_labels(c)[0].iter().flatten() {
        assert!(
            xml.contains(&format!("<a:t>{label}</a:t>")),
            "label {label}"
        );
    }
    assert!(xml.contains("<a:t>+4,5</a:t>") && xml.contains("<a:t>−44,4</a:t>"));
    // Room for the labels beyond the bars' ends: the value axis reaches past the longest
    // bar on each side by at least a fifth of the range (−44,4 … 4,5: below −54,2 and
    // above 14,3).
    let val = |tag: &str| -> f64 {
        let i = xml
            .find(&format!("<c:{tag} val=\""))
            .unwrap_or_else(|| panic!("{tag}: {xml}"));
        let rest = &xml[i + tag.len() + 9..];
        rest[..rest.find('"').unwrap()].parse().unwrap()
    };
    let values: Vec<f64> = c.series[0].values.iter().flatten().copied().collect();
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let pad = (hi - lo) * 0.2;
    assert!(val("min") <= lo - pad, "min {} for {lo}", val("min"));
    assert!(val("max") >= hi + pad, "max {} for {hi}", val("max"));
}

#[test]
fn house_style_fills_the_table_headers() {
    let mut r = sample();
    let plain = render(&r);
    assert!(!zip_part(&plain, "xl/styles.xml").contains("FF1D4F6E"));
    r.meta.style = Some(delar_report::HouseStyle {
        primary: Some("#1D4F6E".into()),
        ..Default::default()
    });
    let styled = render(&r);
    let styles = zip_part(&styled, "xl/styles.xml");
    // the primary colour as the header fill, with white text on it
    assert!(styles.contains("FF1D4F6E"), "{styles}");
    assert!(styles.contains("FFFFFFFF"));
}
