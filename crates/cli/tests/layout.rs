//! The demo report looked at in the programs people open it in: the HTML in headless
//! Chromium at 1 280 px, the Word and Excel files converted to PDF by LibreOffice and read
//! back with pdftotext. Each fails on what can be measured: a page wider than the window, a
//! table's title or sign note cut off by its scroll box, a date or figure wrapped, a header
//! word or date broken across lines ("Progno" / "s"), words running into each other across a
//! cell, `###` for a figure too wide for its Excel column.
//!
//! When Chromium, LibreOffice or pdftotext is missing and `DELAR_LAYOUT` is not set, a test
//! says why and returns; scripts/test.sh sets `DELAR_LAYOUT=1`, so there they must run.

mod common;
use common::ok;
use delar_report::{layout, Report};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Whether the programs are there; without them, a reason (and a panic under DELAR_LAYOUT).
fn have(programs: &[&str]) -> bool {
    let missing: Vec<&str> = programs
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {p}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("DELAR_LAYOUT").is_some() {
        panic!("DELAR_LAYOUT är satt men {} saknas", missing.join(", "));
    }
    eprintln!(
        "layouttestet hoppas över: {} saknas (installera, eller sätt DELAR_LAYOUT=1 för att kräva dem)",
        missing.join(", ")
    );
    false
}

/// The demo's report directory, made once for every test of this file.
fn demo() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("layout-demo");
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        ok(&["demo", "--out", "ut"], &d);
        d.join("ut/rapport")
    })
}

/// The report model the demo wrote next to the file (its JSON).
fn model(name: &str) -> Report {
    let json = std::fs::read_to_string(demo().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&json).unwrap()
}

/// Convert an office file to PDF with LibreOffice into its own directory; the PDF's path.
fn to_pdf(file: &str, kind: &str) -> PathBuf {
    let out = demo().join(format!("lo-{kind}"));
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lo-profile-{kind}"));
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&out)
        .arg(demo().join(file))
        .output()
        .expect("soffice runs");
    let pdf = out.join(Path::new(file).with_extension("pdf"));
    assert!(
        pdf.exists(),
        "LibreOffice gjorde ingen PDF av {file}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    pdf
}

/// A word of a PDF with its page and box (points).
#[derive(Debug)]
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// Every word of a PDF in reading order (`pdftotext -bbox`).
fn words(pdf: &Path) -> Vec<Word> {
    let o = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let xml = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f64 {
        let k = format!("{name}=\"");
        let i = tag.find(&k).unwrap() + k.len();
        tag[i..i + tag[i..].find('"').unwrap()].parse().unwrap()
    };
    let mut out = Vec::new();
    for (p, page) in xml.split("<page ").skip(1).enumerate() {
        for w in page.split("<word ").skip(1) {
            let (tag, rest) = w.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap();
            out.push(Word {
                page: p + 1,
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text: text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&"),
            });
        }
    }
    out
}

/// The texts of the reports' tables that must never break: every word of a column or group
/// header, and every date, code and figure without a space.
fn unbreakable_tokens(reports: &[Report]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let trim = |w: &str| {
        w.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | ':' | ';' | '.'))
            .to_string()
    };
    for r in reports {
        for t in r.tables() {
            let headers = t
                .columns
                .iter()
                .map(|c| c.label.as_str())
                .chain(t.groups.iter().map(|g| g.label.as_str()));
            for h in headers {
                // a header word longer than HEADER_WORD_CHARS may be hyphenated (with a
                // hyphen), so only shorter ones must stay whole
                for w in h.split_whitespace().map(trim) {
                    let n = w.chars().count();
                    if n >= 3 && n as f64 <= layout::HEADER_WORD_CHARS {
                        out.insert(w);
                    }
                }
            }
            for row in &t.rows {
                for c in row.cells.iter().skip(1) {
                    let s = c.text.trim();
                    if s.chars().count() >= 3
                        && !s.contains(char::is_whitespace)
                        && layout::unbreakable(s)
                    {
                        out.insert(s.to_string());
                    }
                }
            }
        }
    }
    out
}

/// What is wrong with a PDF of tables: a known token broken across lines (two or three
/// consecutive words that join to it, the later ones below), words overlapping on a line
/// (text running across a cell), `###` (a figure too wide for its column).
fn pdf_findings(pdf: &Path, tokens: &BTreeSet<String>) -> Vec<String> {
    let ws = words(pdf);
    let mut out = Vec::new();
    for (i, a) in ws.iter().enumerate() {
        if a.text.contains("###") {
            out.push(format!("sidan {}: ### i stället för ett tal", a.page));
        }
        if tokens.contains(&a.text) {
            continue;
        }
        let mut joined = a.text.trim_end_matches(['-', '\u{ad}']).to_string();
        for b in ws.iter().skip(i + 1).take(2) {
            let prev = &ws[ws.iter().position(|w| std::ptr::eq(w, b)).unwrap() - 1];
            // the next piece sits on the next line of the same cell: below, close, and
            // overlapping the previous piece's columns (left- or right-aligned)
            let height = prev.y1 - prev.y0;
            let below = b.y0 >= prev.y1 - 1.0 && b.y0 - prev.y1 < height * 0.8;
            let under = b.x0 < prev.x1 + 2.0 && b.x1 > prev.x0 - 2.0;
            if b.page != a.page || !below || !under {
                break;
            }
            joined.push_str(&b.text);
            // a figure ending in a digit and the next row's figure below it are two cells
            let figure_piece = !joined.chars().any(char::is_alphabetic)
                && prev.text.ends_with(|c: char| c.is_ascii_digit());
            if tokens.contains(&joined) && !figure_piece {
                out.push(format!(
                    "sidan {}: «{joined}» bryts över rader ({} …)",
                    a.page, a.text
                ));
                break;
            }
        }
    }
    for (i, a) in ws.iter().enumerate() {
        for b in ws.iter().skip(i + 1).take(30) {
            let same_line =
                b.page == a.page && (b.y0 - a.y0).abs() < 1.0 && (b.y1 - a.y1).abs() < 1.0;
            let overlap = a.x1.min(b.x1) - a.x0.max(b.x0);
            if same_line && overlap > 1.0 {
                out.push(format!(
                    "sidan {}: «{}» och «{}» ligger över varandra",
                    a.page, a.text, b.text
                ));
            }
        }
    }
    out
}

#[test]
fn word_tables_break_no_header_word_or_date() {
    if !have(&["soffice", "pdftotext"]) {
        return;
    }
    let reports = [
        model("delarsrapport-2025-P2"),
        model("delarsrapport-2025-P2-SN"),
    ];
    let tokens = unbreakable_tokens(&reports);
    assert!(tokens.contains("Prognos") && tokens.contains("Budget"));
    let mut findings = pdf_findings(&to_pdf("delarsrapport-2025-P2.docx", "docx"), &tokens);
    findings.dedup();
    assert!(
        findings.is_empty(),
        "{} fynd i Word-filen (LibreOffice):\n{}",
        findings.len(),
        findings.join("\n")
    );
}

#[test]
fn excel_sheets_show_every_figure_and_header_whole() {
    if !have(&["soffice", "pdftotext"]) {
        return;
    }
    let tokens = unbreakable_tokens(&[model("delarsrapport-2025-P2")]);
    let mut findings = pdf_findings(&to_pdf("delarsrapport-2025-P2.xlsx", "xlsx"), &tokens);
    findings.dedup();
    assert!(
        findings.is_empty(),
        "{} fynd i Excel-filen (LibreOffice):\n{}",
        findings.len(),
        findings.join("\n")
    );
}

#[test]
fn html_tables_scroll_in_their_box_at_1280_px() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new("sh")
                .args(["-c", &format!("command -v {c}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        have(&["chromium"]);
        return;
    };
    let html = std::fs::read_to_string(demo().join("delarsrapport-2025-P2.html")).unwrap();
    // the page has no scripts; the measuring script is added to a copy
    let page = demo().join("matning.html");
    std::fs::write(
        &page,
        html.replace(
            "</body>",
            &format!(
                "<script>{}</script></body>",
                include_str!("layout/measure.js")
            ),
        ),
    )
    .unwrap();
    let profile = demo().join("chromium-profil");
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    let start = dom
        .find("<pre id=\"layout-result\">")
        .unwrap_or_else(|| panic!("inget mätresultat: {}", String::from_utf8_lossy(&o.stderr)))
        + "<pre id=\"layout-result\">".len();
    let json = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let findings: Vec<String> = serde_json::from_str(&json).unwrap();
    assert!(
        findings.is_empty(),
        "{} fynd i HTML-filen (Chromium, 1 280 px):\n{}",
        findings.len(),
        findings.join("\n")
    );
}

#[test]
fn the_demo_wears_its_house_style_in_every_format() {
    let r = model("delarsrapport-2025-P2");
    let style = r
        .meta
        .style
        .as_ref()
        .expect("the demo definition has [stil]");
    assert_eq!(style.primary.as_deref(), Some("#1D4F6E"));
    assert_eq!(style.accent.as_deref(), Some("#E07B00"));
    let logo = style.logo.as_ref().expect("the demo's logo");
    assert_eq!(logo.format, delar_report::LogoFormat::Svg);
    // the committee's report and the officer's report wear it too
    for name in ["delarsrapport-2025-P2-SN", "tjansteskrivelse-2025-P2"] {
        assert_eq!(model(name).meta.style.as_ref(), Some(style), "{name}");
    }
    let html = std::fs::read_to_string(demo().join("delarsrapport-2025-P2.html")).unwrap();
    assert!(html.contains("<img class=\"logo\" src=\"data:image/svg+xml;base64,"));
    assert!(html.contains("color: #1D4F6E;"));
    // the definition and logo the demo used are beside its input data
    let indata = demo().parent().unwrap().join("indata");
    assert!(indata.join("logotyp.svg").exists());
    let def = std::fs::read_to_string(indata.join("rapportdefinition.toml")).unwrap();
    assert!(def.contains("[stil]\nlogotyp = \"logotyp.svg\""));
}

#[test]
fn a_missing_logo_names_the_definition_and_the_key() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("min.toml");
    std::fs::write(
        &path,
        "[[avsnitt]]\nrubrik = \"A\"\n[stil]\nlogotyp = \"saknas.png\"\n",
    )
    .unwrap();
    let e = delar_app::report::definition(Some(&path))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!(
            "rapportdefinitionen {}, [stil] logotyp",
            path.display()
        )) && e.contains("saknas.png")
            && e.contains("relativ till definitionen"),
        "{e}"
    );
    // a file that is no image
    std::fs::write(d.path().join("logo.txt"), "inte en bild").unwrap();
    std::fs::write(
        &path,
        "[[avsnitt]]\nrubrik = \"A\"\n[stil]\nlogotyp = \"logo.txt\"\n",
    )
    .unwrap();
    let e = delar_app::report::definition(Some(&path))
        .unwrap_err()
        .to_string();
    assert!(e.contains("min.toml") && e.contains("varken en PNG"), "{e}");
    // a good one, relative to the definition's directory
    std::fs::write(
        d.path().join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::fs::write(
        &path,
        "[[avsnitt]]\nrubrik = \"A\"\n[stil]\nlogotyp = \"logo.svg\"\n",
    )
    .unwrap();
    let def = delar_app::report::definition(Some(&path)).unwrap();
    assert!(def.stil.unwrap().logo.is_some());
}
