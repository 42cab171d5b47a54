//! The forecast sheet as an Excel workbook both ways: downloaded with Swedish headers, number
//! formats and the lines' versions; changed offline (the workbook is read and written again,
//! as Excel does when it saves) and uploaded back; checked cell by cell, all or nothing,
//! refused when a line changed since the download, recorded as the uploader's edits.

mod common;

use axum::http::StatusCode;
use calamine::Data;
use common::{comment_all, lines, read, set, sheet, upload_request, write, App, Sheets, ROUND};
use delar_core::Amount;
use delar_store::prelude::*;
use std::io::Read;

const SN21: &str = "/prognos/2025-P2/SN21";

async fn download(app: &App, cookie: &str) -> Sheets {
    let r = app.get(&format!("{SN21}.xlsx"), Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    read(&r.bytes)
}

/// The text of a page with askama's escapes undone (to compare messages).
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

fn ore(f: &Data) -> i64 {
    match f {
        Data::Float(f) => (f * 100_000.0).round() as i64,
        Data::Int(i) => i * 100_000,
        other => panic!("not a number: {other:?}"),
    }
}

#[tokio::test]
async fn the_sheet_downloads_as_a_workbook_with_the_lines_and_their_versions() {
    let app = App::new();
    let chef = app.login("enhetschef-sn21").await;
    let page = app.get(SN21, Some(&chef)).await;
    assert!(page.body.contains("href=\"/prognos/2025-P2/SN21.xlsx\""));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let r = app.get(&format!("{SN21}.xlsx"), Some(&chef)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r
        .header("content-disposition")
        .contains("filename=\"prognos-2025-P2-SN21.xlsx\""));
    let mut s = read(&r.bytes);
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Prognos", "Så fyller du i", "delar"]);
    let stored = lines(&app.store(), "SN21");
    let p = sheet(&mut s, "Prognos").clone();
    let headers: Vec<String> = p[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(headers, delar_app::sheet_xlsx::COLUMNS);
    assert_eq!(p.len(), stored.len() + 1, "one row per line");
    for (row, d) in p[1..].iter().zip(&stored) {
        assert_eq!(row[0], Data::String(d.line.group.clone()));
        assert_eq!(ore(&row[1]), d.line.budget.ore(), "budget");
        assert_eq!(ore(&row[2]), d.line.to_date.ore(), "outcome");
        assert_eq!(ore(&row[3]), d.budget_to_date.ore(), "periodised budget");
        assert_eq!(ore(&row[6]), d.line.base.ore(), "forecast");
        assert_eq!(ore(&row[10]), d.version * 100_000, "version");
    }
    let meta = sheet(&mut s, "delar");
    assert_eq!(meta[1][1], Data::String(ROUND.into()));
    assert_eq!(meta[2][1], Data::String("SN21".into()));
    // In the package: the version column hidden, the sheet protected with the forecast and
    // comment cells open, a Swedish number format, the metadata sheet hidden.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.bytes.clone())).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("<sheetProtection"), "protected");
    assert!(
        xml.contains("min=\"11\" max=\"11\"") && xml.contains("hidden=\"1\""),
        "version column hidden"
    );
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("#,##0.0"), "{styles}");
    assert!(styles.contains("locked=\"0\""), "open cells");
    let mut book = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut book)
        .unwrap();
    assert!(
        book.contains("name=\"delar\" sheetId=\"3\" state=\"hidden\""),
        "{book}"
    );
    // A higher node has no lines of its own: nothing to download.
    let ek = app.login("ekonom-sn").await;
    let r = app.get("/prognos/2025-P2/SN40.xlsx", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("inga egna prognosrader"), "{}", r.body);
}

#[tokio::test]
async fn an_uploaded_workbook_is_applied_as_the_uploaders_edits() {
    let app = App::new();
    let chef = app.login("enhetschef-sn21").await;
    let mut s = download(&app, &chef).await;
    let before = lines(&app.store(), "SN21");
    let evil = "<script>alert('x')</script> Fler timmar i höst.";
    set(&mut s, 1, "Prognos (tkr)", Data::Float(1234.5));
    set(&mut s, 1, "Kommentar", Data::String(evil.into()));
    set(&mut s, 2, "Kommentar", Data::String("Enligt plan.".into()));
    let file = write(&s);
    let r = app
        .send(upload_request(
            &format!("{SN21}/excel"),
            &chef,
            "prognos-2025-P2-SN21.xlsx",
            &file,
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), format!("{SN21}?uppladdat=2"));
    let after = lines(&app.store(), "SN21");
    assert_eq!(after[0].line.base, Amount::from_ore(123_450_000));
    assert_eq!(after[0].line.comment.as_deref(), Some(evil));
    assert_eq!(after[1].line.comment.as_deref(), Some("Enligt plan."));
    assert_eq!(after[1].line.base, before[1].line.base, "amount untouched");
    for (a, b) in after.iter().zip(&before).skip(2) {
        assert_eq!(a.version, b.version, "{} untouched", a.line.group);
    }
    let page = app.get(&r.header("location"), Some(&chef)).await;
    assert!(page.body.contains("2 rader ändrades"), "{}", page.body);
    assert!(!page.body.contains("<script>alert"), "markup shown as text");
    assert!(page.body.contains("1\u{a0}235"));
    // In the history as the unit manager's edits.
    let hist = app.get(&format!("{SN21}/historik"), Some(&chef)).await;
    let audit = app.store().forecast_audit(ROUND).unwrap();
    let mine: Vec<_> = audit
        .iter()
        .filter(|e| e.user == "enhetschef-sn21")
        .collect();
    assert_eq!(mine.len(), 2, "{audit:?}");
    assert!(!hist.body.contains("<script>alert"));
    assert!(hist.body.contains("Enligt plan."));
    // The same file again: its versions are old now, so it is refused whole.
    let r = app
        .send(upload_request(
            &format!("{SN21}/excel"),
            &chef,
            "igen.xlsx",
            &file,
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("enhetschef-sn21 ändrade den"), "{}", r.body);
}

#[tokio::test]
async fn a_line_changed_since_the_download_refuses_the_whole_file_naming_who() {
    let app = App::new();
    let chef = app.login("enhetschef-sn21").await;
    let ek = app.login("ekonom-sn").await;
    let mut s = download(&app, &chef).await;
    // Meanwhile the controller changes the third line on the page.
    let d = &lines(&app.store(), "SN21")[2];
    let v = d.version.to_string();
    let r = app
        .post(
            &format!("{SN21}/rad"),
            Some(&ek),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "777"),
                ("kommentar", "Ekonomens bedömning."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let before = lines(&app.store(), "SN21");
    set(&mut s, 1, "Prognos (tkr)", Data::Float(999.0));
    set(
        &mut s,
        1,
        "Kommentar",
        Data::String("Min bedömning.".into()),
    );
    let r = app
        .send(upload_request(
            &format!("{SN21}/excel"),
            &chef,
            "prognos.xlsx",
            &write(&s),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("inget har ändrats"), "{}", r.body);
    assert!(
        r.body
            .contains(&format!("SN21:{}: ekonom-sn ändrade den", d.line.group)),
        "{}",
        r.body
    );
    assert!(
        unescape(&r.body).contains("; nu 777 tkr, kommentar \"Ekonomens bedömning.\""),
        "{}",
        r.body
    );
    let after = lines(&app.store(), "SN21");
    assert_eq!(after[0].version, before[0].version, "nothing applied");
    assert_eq!(after[0].line.base, before[0].line.base);
}

#[tokio::test]
async fn bad_cells_are_each_named_by_sheet_row_and_column_and_nothing_is_applied() {
    let app = App::new();
    let chef = app.login("enhetschef-sn21").await;
    let mut s = download(&app, &chef).await;
    let before = lines(&app.store(), "SN21");
    assert!(before.len() >= 5);
    set(
        &mut s,
        1,
        "Prognos (tkr)",
        Data::String("tolv tusen".into()),
    );
    set(&mut s, 2, "Prognos (tkr)", Data::Float(5.0));
    set(&mut s, 2, "Kommentar", Data::String(String::new()));
    set(
        &mut s,
        3,
        "Kontogrupp",
        Data::String("<b>påhittad</b>".into()),
    );
    set(&mut s, 4, "Kommentar", Data::String("x".repeat(2001)));
    // A good change in the same file is not applied either.
    set(&mut s, 5, "Prognos (tkr)", Data::Float(42.0));
    set(&mut s, 5, "Kommentar", Data::String("Rimligt.".into()));
    let r = app
        .send(upload_request(
            &format!("{SN21}/excel"),
            &chef,
            "<img src=x onerror=alert(1)>.xlsx",
            &write(&s),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        !r.body.contains("<img src=x"),
        "the file name is shown as text"
    );
    assert!(!r.body.contains("<b>påhittad"));
    let b = &unescape(&r.body);
    assert!(b.contains("4 celler att rätta"), "{b}");
    assert!(
        b.contains(
            "bladet Prognos, rad 2, kolumn \"Prognos (tkr) (G)\": \"tolv tusen\" kan inte läsas"
        ),
        "{b}"
    );
    assert!(
        b.contains("rad 3, kolumn \"Kommentar (J)\": skriv en kommentar"),
        "{b}"
    );
    assert!(
        b.contains("rad 4, kolumn \"Kontogrupp (A)\": kontogruppen \"<b>påhittad</b>\" finns inte"),
        "{b}"
    );
    assert!(
        b.contains("rad 5, kolumn \"Kommentar (J)\": kommentaren är 2001 tecken"),
        "{b}"
    );
    let after = lines(&app.store(), "SN21");
    for (a, d) in after.iter().zip(&before) {
        assert_eq!(a.version, d.version, "{} untouched", a.line.group);
    }
}

#[tokio::test]
async fn oversized_malformed_and_foreign_files_are_refused_cleanly() {
    let app = App::new();
    let chef = app.login("enhetschef-sn21").await;
    let path = format!("{SN21}/excel");
    // Larger than the limit.
    let big = vec![b'x'; delar_app::sheet_xlsx::MAX_UPLOAD + 100 * 1024];
    let r = app
        .send(upload_request(&path, &chef, "stor.xlsx", &big))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("större än 2048 kB"), "{}", r.body);
    // Not a workbook at all, and an empty file.
    let r = app
        .send(upload_request(
            &path,
            &chef,
            "text.xlsx",
            b"Kontogrupp;Prognos\n",
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("ingen Excel-arbetsbok"), "{}", r.body);
    let r = app
        .send(upload_request(&path, &chef, "tom.xlsx", b""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("är tom"), "{}", r.body);
    // A workbook that is not a sheet from delar.
    let mut other = rust_xlsxwriter::Workbook::new();
    other.add_worksheet().write_string(0, 0, "Hej").unwrap();
    let r = app
        .send(upload_request(
            &path,
            &chef,
            "annan.xlsx",
            &other.save_to_buffer().unwrap(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("inte ett prognosblad från delar"),
        "{}",
        r.body
    );
    // A compressed sheet that unpacks far beyond any sheet's size.
    let mut bomb = rust_xlsxwriter::Workbook::new();
    let ws = bomb.add_worksheet();
    let long = "a".repeat(32_000);
    for r in 0..800 {
        ws.write_string(r, 0, format!("{r}{long}")).unwrap();
    }
    let bomb = bomb.save_to_buffer().unwrap();
    assert!(bomb.len() < delar_app::sheet_xlsx::MAX_UPLOAD);
    let r = app
        .send(upload_request(&path, &chef, "bomb.xlsx", &bomb))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("packas upp till"), "{}", r.body);
    // Another unit's sheet uploaded here.
    let ek = app.login("ekonom-sn").await;
    let r = app.get("/prognos/2025-P2/SN22.xlsx", Some(&ek)).await;
    let r = app
        .send(upload_request(&path, &chef, "sn22.xlsx", &r.bytes))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("är prognosbladet för SN22"), "{}", r.body);
    // A form without the file.
    let r = app.post(&path, Some(&chef), &[("annat", "x")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Ladda upp"), "{}", r.body);
}

#[tokio::test]
async fn the_workflow_rules_hold_for_uploads() {
    let app = App::new();
    comment_all(&mut app.store(), "SN21");
    let chef = app.login("enhetschef-sn21").await;
    let ek = app.login("ekonom-sn").await;
    let mut s = download(&app, &chef).await;
    set(&mut s, 1, "Kommentar", Data::String("Ny kommentar.".into()));
    let file = write(&s);
    let path = format!("{SN21}/excel");
    let r = app
        .post(
            &format!("{SN21}/status"),
            Some(&chef),
            &[("atgard", "skicka-in"), ("status", "utkast")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Submitted: locked for the unit manager, open to the controller.
    let r = app
        .send(upload_request(&path, &chef, "p.xlsx", &file))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("inskickad och kan inte ändras"),
        "{}",
        r.body
    );
    let r = app.send(upload_request(&path, &ek, "p.xlsx", &file)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A reader may download but not upload.
    let rev = app.login("revisor").await;
    assert_eq!(
        app.get(&format!("{SN21}.xlsx"), Some(&rev)).await.status,
        StatusCode::OK
    );
    let r = app.send(upload_request(&path, &rev, "p.xlsx", &file)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A locked round refuses every upload.
    {
        let mut st = app.store();
        for d in st.forecast_line_details(ROUND).unwrap() {
            if !d.flags.is_empty() && d.review_note.is_none() {
                st.set_line_comment(
                    ROUND,
                    &d.line.node,
                    &d.line.group,
                    "Granskad.",
                    delar_store::CommentKind::Review,
                    "ekonom",
                )
                .unwrap();
            }
        }
        st.lock_round(ROUND, "ekonom").unwrap();
    }
    let s = download(&app, &ek).await;
    let r = app
        .send(upload_request(&path, &ek, "p.xlsx", &write(&s)))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("låst"), "{}", r.body);
}
