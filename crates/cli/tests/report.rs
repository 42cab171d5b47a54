//! End to end on Exempelkommun: `delar demo` writes the report in every format; the formats
//! carry the same numbers (the PDF read back with pdftotext, the Word file's text, the Excel
//! cells with calamine); `delar check` passes; the same data gives byte-identical files; a
//! person's edit of a drafted paragraph is kept for the round, bound and shown in the report.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use delar_report::{Format, Report, RowKind, Value};
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

mod common;
use common::{delar, ok};

/// Text without any whitespace (renderers break lines and use different spaces).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pdf_text(path: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

fn docx_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    // The text runs, in order.
    let mut out = String::new();
    for part in xml.split("<w:t").skip(1) {
        let Some(start) = part.find('>') else {
            continue;
        };
        if let Some(end) = part.find("</w:t>") {
            out.push_str(&part[start + 1..end]);
            out.push(' ');
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Every number in every sheet of the workbook.
fn xlsx_numbers(path: &Path) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for c in range.used_cells() {
            if let Data::Float(x) = c.2 {
                out.push(*x);
            }
        }
    }
    out
}

#[test]
fn demo_report_formats_agree_check_clean_reproducible_and_edits_are_kept() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(&["demo", "--out", "ut"], p);
    let dir = p.join("ut/rapport");
    let stem = "delarsrapport-2025-P2";
    let report: Report =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{stem}.json"))).unwrap()).unwrap();

    // The checks pass on the demo's report.
    let out = ok(&["check", "--round", "2025-P2", "--db", "ut/delar.db"], p);
    assert!(out.contains("Inga fel"), "{out}");

    // The same numbers in every format: every numeric cell of the economic tables.
    let txt = squeeze(&std::fs::read_to_string(dir.join(format!("{stem}.txt"))).unwrap());
    let html = squeeze(&std::fs::read_to_string(dir.join(format!("{stem}.html"))).unwrap());
    let pdf = squeeze(&pdf_text(&dir.join(format!("{stem}.pdf"))));
    let docx = squeeze(&docx_text(&dir.join(format!("{stem}.docx"))));
    let xlsx = xlsx_numbers(&dir.join(format!("{stem}.xlsx")));
    let mut checked = 0;
    for id in [
        "drift",
        "ackumulerat",
        "kontogrupper-PO",
        "brygga",
        "sarskilda",
    ] {
        let t = report
            .table(id)
            .unwrap_or_else(|| panic!("the demo report has table {id}"));
        let caption = squeeze(&t.caption);
        for (name, text) in [
            ("txt", &txt),
            ("html", &html),
            ("pdf", &pdf),
            ("docx", &docx),
        ] {
            assert!(text.contains(&caption), "{name} lacks the caption of {id}");
        }
        for row in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
            for (col, cell) in t.columns.iter().zip(&row.cells) {
                if !col.format.is_numeric() || matches!(cell.value, Value::Empty) {
                    continue;
                }
                let shown = squeeze(&cell.text);
                for (name, text) in [
                    ("txt", &txt),
                    ("html", &html),
                    ("pdf", &pdf),
                    ("docx", &docx),
                ] {
                    assert!(
                        text.contains(&shown),
                        "{name} lacks {shown} ({id} {} {})",
                        row.key,
                        col.key
                    );
                }
                if let Some(x) = cell.display_number(&col.format) {
                    assert!(
                        xlsx.iter().any(|v| (v - x).abs() < 1e-9),
                        "the workbook lacks {x} ({id} {} {})",
                        row.key,
                        col.key
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "only {checked} cells compared");
    // Every bound figure of the analysis is in every text format.
    let analys = report.sections.iter().find(|s| s.id == "analys").unwrap();
    for b in &analys.blocks {
        if let delar_report::Block::Paragraph(par) = b {
            for n in par.numbers() {
                let shown = squeeze(&n.text);
                for (name, text) in [
                    ("txt", &txt),
                    ("html", &html),
                    ("pdf", &pdf),
                    ("docx", &docx),
                ] {
                    assert!(
                        text.contains(&shown),
                        "{name} lacks {shown} in the analysis"
                    );
                }
            }
        }
    }
    // Amounts in mnkr throughout the economic chapter.
    assert!(matches!(
        report.table("drift").unwrap().columns[1].format,
        Format::Amount { .. }
    ));

    // Same data, same bytes: a second run of the report writes identical files. Without
    // --format it writes every format, as the demo does.
    // the demo's definition (the built-in one with the demo's house style) gives the same
    // bytes again
    let written = ok(
        &[
            "report",
            "--round",
            "2025-P2",
            "--out",
            "igen",
            "--definition",
            "ut/indata/rapportdefinition.toml",
            "--db",
            "ut/delar.db",
        ],
        p,
    );
    for ext in ["txt", "json", "html", "docx", "xlsx", "pdf"] {
        assert!(
            written.contains(&format!("igen/{stem}.{ext}")),
            "{ext} not written: {written}"
        );
    }
    for ext in ["pdf", "docx", "xlsx", "html", "txt", "json"] {
        assert!(
            std::fs::read(dir.join(format!("{stem}.{ext}"))).unwrap()
                == std::fs::read(p.join(format!("igen/{stem}.{ext}"))).unwrap(),
            "{ext} differs between two runs"
        );
    }

    // A person rewrites the analysis of the committee with the largest deviation.
    let shown = ok(
        &["text", "visa", "--round", "2025-P2", "--db", "ut/delar.db"],
        p,
    );
    assert!(shown.contains("[analys.summa]"), "{shown}");
    assert!(shown.contains("{drift.summa.avvikelse|abs}"), "{shown}");
    let edit = "Programområdets underskott på {drift.summa.avvikelse|abs} beror främst på \
                fler placeringar än planerat.";
    ok(
        &[
            "text",
            "andra",
            "analys.summa",
            "--round",
            "2025-P2",
            "--av",
            "Controller",
            "--text",
            edit,
            "--db",
            "ut/delar.db",
        ],
        p,
    );
    // A figure that points nowhere is refused and nothing is stored.
    let o = delar(
        &[
            "text",
            "andra",
            "analys.SN",
            "--round",
            "2025-P2",
            "--av",
            "Controller",
            "--text",
            "Fel {drift.XX.avvikelse}.",
            "--db",
            "ut/delar.db",
        ],
        p,
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("drift.XX.avvikelse"));
    ok(
        &[
            "report",
            "--round",
            "2025-P2",
            "--format",
            "txt,json",
            "--out",
            "redigerad",
            "--db",
            "ut/delar.db",
        ],
        p,
    );
    let edited = std::fs::read_to_string(p.join(format!("redigerad/{stem}.txt"))).unwrap();
    let deficit = &report.table("drift").unwrap().row("summa").unwrap().cells
        [report.table("drift").unwrap().column("avvikelse").unwrap()]
    .text;
    let want = format!(
        "Programområdets underskott på {} mnkr beror främst på fler placeringar än planerat.",
        deficit.trim_start_matches('\u{2212}')
    );
    assert!(squeeze(&edited).contains(&squeeze(&want)), "{want}");
    // The other round is untouched, and the history says who changed what.
    let history = ok(
        &[
            "text",
            "historik",
            "--round",
            "2025-P2",
            "--db",
            "ut/delar.db",
        ],
        p,
    );
    assert!(
        history.contains("Controller ändrade analys.summa"),
        "{history}"
    );
    assert_eq!(history.lines().count(), 1, "{history}");
    ok(
        &[
            "text",
            "aterstall",
            "analys.summa",
            "--round",
            "2025-P2",
            "--av",
            "Controller",
            "--db",
            "ut/delar.db",
        ],
        p,
    );
    let shown = ok(
        &["text", "visa", "--round", "2025-P2", "--db", "ut/delar.db"],
        p,
    );
    assert!(!shown.contains("Redigerad text"), "{shown}");
}
