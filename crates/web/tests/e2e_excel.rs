//! The forecast sheet's Excel round trip end to end in headless Chromium (issue 19 part 4),
//! with the shared harness (`tests/browser`): a unit manager downloads the sheet from the
//! page's link, changes it as a person does in Excel (an amount typed with a decimal comma and
//! a space, comments), uploads it through the page's file input and sees the new amounts and
//! totals and the upload in the history as their own edits. Then the conflict case: a fresh
//! download, the committee's controller changes one of those lines in a session of their own,
//! the upload is refused naming who changed what and nothing is applied. Last, a cell with text
//! in an amount column is refused with a Swedish message naming sheet, row and column. axe-core
//! on every page with an upload's result or refusal.
//!
//! Skipped with a note without Chromium, chromedriver or axe-core unless `DELAR_E2E=1`.
//! `DELAR_SKARMBILDER=1` saves `excel-uppladdning.png` and `excel-uppladdning-fel.png` under
//! `docs/images/`.

mod browser;
mod common;

use browser::Run;
use calamine::Data;
use common::{lines, read, set, write, App, Sheets};
use delar_core::Amount;
use delar_store::prelude::*;
use fantoccini::Locator;

const SHEET: &str = "/prognos/2025-P2/SN21";
const CHEF: &str = "enhetschef-sn21";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excel_round_trip_and_conflict_in_headless_chromium_with_axe() {
    let app = App::new();
    let pages = [
        "prognosblad",
        "excel uppladdad",
        "historik efter uppladdning",
        "excel i konflikt",
        "excel med felaktig cell",
    ];
    browser::run(app, &pages, |mut run, app| async move {
        run.login(CHEF).await;
        round_trip(&mut run, &app).await;
        conflict(&mut run, &app).await;
        bad_cell(&mut run, &app).await;
        run
    })
    .await;
}

/// The sheet's download link as the page shows it, followed with the browser's session.
async fn download_from_page(run: &mut Run) -> Sheets {
    run.goto(SHEET).await;
    let href = run
        .c
        .find(Locator::Css("section.excel a[download]"))
        .await
        .expect("the sheet links its Excel download")
        .attr("href")
        .await
        .unwrap()
        .expect("the link has an href");
    assert_eq!(href, format!("{SHEET}.xlsx"));
    let (status, kind, bytes) = run.download(&href).await;
    assert_eq!(status, 200);
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    read(&bytes)
}

/// Save the workbook where the browser can read it and upload it through the page's form
/// (the file input takes a local path, as a person picks the file), then wait for the page
/// after the post.
async fn upload(run: &mut Run, sheets: &Sheets, name: &str) {
    let dir = std::env::temp_dir().join(format!("delar-e2e-excel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, write(sheets)).unwrap();
    run.goto(SHEET).await;
    let input = run
        .c
        .find(Locator::Css("section.excel input[type=file]"))
        .await
        .expect("the sheet has a file input");
    // The input is labelled (WCAG 1.3.1, 4.1.2).
    assert_eq!(
        input.attr("id").await.unwrap().as_deref(),
        Some("excel-fil")
    );
    let label = run.text("label[for=excel-fil]").await;
    assert!(label.contains("Excel-fil"), "{label}");
    input.send_keys(&path.display().to_string()).await.unwrap();
    run.js("window.delarUppladdning = 1").await;
    run.c
        .find(Locator::XPath(
            "//section[@class='excel']//button[normalize-space()='Ladda upp']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // A new page has loaded when the marker set on the old one is gone.
    run.until(
        "sidan efter uppladdningen",
        "return window.delarUppladdning === undefined && document.readyState === 'complete' \
         && !!document.querySelector('h1')",
    )
    .await;
    let _ = std::fs::remove_file(&path);
}

/// The sheet's total forecast as the application layer computes it, in the page's notation.
fn total_forecast(app: &App) -> String {
    let round = delar_core::Round::parse(common::ROUND).unwrap();
    let sheet = delar_app::workflow::sheet(&app.store(), CHEF, &round, "SN21").unwrap();
    // WebDriver reads a non-breaking space as a space.
    delar_web::view::tkr(sheet.node.view.total.forecast).replace('\u{a0}', " ")
}

async fn round_trip(run: &mut Run, app: &App) {
    run.goto(SHEET).await;
    run.axe("prognosblad").await;
    let before = lines(&app.store(), "SN21");
    let total_before = run.text("#summa").await;
    assert!(
        total_before.contains(&total_forecast(app)),
        "{total_before}"
    );

    let mut s = download_from_page(run).await;
    // As a person types it in Excel with Swedish settings: a text with a space and a decimal
    // comma, not a number cell.
    set(&mut s, 1, "Prognos (tkr)", Data::String("1 234,5".into()));
    set(
        &mut s,
        1,
        "Kommentar",
        Data::String("Fler timmar i hemtjänsten i höst.".into()),
    );
    set(&mut s, 2, "Kommentar", Data::String("Enligt plan.".into()));
    upload(run, &s, "prognos-2025-P2-SN21.xlsx").await;

    assert_eq!(run.path().await, format!("{SHEET}?uppladdat=2"));
    let notice = run.text("p.klart").await;
    assert_eq!(notice, "Excel-filen är uppladdad: 2 rader ändrades.");
    let after = lines(&app.store(), "SN21");
    assert_eq!(after[0].line.base, Amount::from_ore(123_450_000));
    assert_eq!(
        after[0].line.comment.as_deref(),
        Some("Fler timmar i hemtjänsten i höst.")
    );
    assert_eq!(after[1].line.comment.as_deref(), Some("Enligt plan."));
    assert_eq!(after[1].line.base, before[1].line.base, "amount untouched");
    for (a, b) in after.iter().zip(&before).skip(2) {
        assert_eq!(a.version, b.version, "{} untouched", a.line.group);
    }
    // The line and the totals on the page are the new ones.
    let row = run.text("#rad-0").await;
    assert!(row.contains("1 235"), "{row}");
    assert!(row.contains("Fler timmar i hemtjänsten i höst."), "{row}");
    let total_after = run.text("#summa").await;
    assert!(total_after.contains(&total_forecast(app)), "{total_after}");
    assert_ne!(total_after, total_before, "the totals follow the upload");
    run.axe("excel uppladdad").await;
    run.shot("excel-uppladdning").await;

    // The history lists the upload as the unit manager's own edits.
    run.c
        .find(Locator::LinkText("Historik"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    run.until(
        "historiken",
        &format!("return location.pathname === '{SHEET}/historik'"),
    )
    .await;
    let hist = run.text("main").await;
    assert!(hist.contains("Fler timmar i hemtjänsten i höst."), "{hist}");
    assert!(hist.contains("Enligt plan."), "{hist}");
    assert!(hist.contains(CHEF), "{hist}");
    let audit = app
        .store()
        .forecast_audit(common::ROUND)
        .unwrap()
        .into_iter()
        .filter(|e| e.user == CHEF)
        .count();
    assert_eq!(
        audit, 2,
        "one audit entry per changed line, as the uploader"
    );
    run.axe("historik efter uppladdning").await;
}

async fn conflict(run: &mut Run, app: &App) {
    let mut s = download_from_page(run).await;
    // Meanwhile the committee's controller changes the first line in a session of their own.
    let ek = app.login("ekonom-sn").await;
    let d = lines(&app.store(), "SN21")[0].clone();
    let v = d.version.to_string();
    let r = app
        .post(
            &format!("{SHEET}/rad"),
            Some(&ek),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "1 300"),
                ("kommentar", "Ekonomens bedömning efter dialog."),
            ],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    let before = lines(&app.store(), "SN21");
    set(&mut s, 1, "Prognos (tkr)", Data::String("1 250".into()));
    set(
        &mut s,
        1,
        "Kommentar",
        Data::String("Min bedömning.".into()),
    );
    set(&mut s, 3, "Kommentar", Data::String("Oförändrat.".into()));
    upload(run, &s, "prognos-andra.xlsx").await;

    let alert = run.text("p.fel[role=alert]").await;
    assert!(alert.contains("inget har ändrats"), "{alert}");
    assert!(
        alert.contains(&format!("SN21:{}: ekonom-sn ändrade den", d.line.group)),
        "{alert}"
    );
    assert!(
        alert.contains("nu 1 300 tkr, kommentar \"Ekonomens bedömning efter dialog.\""),
        "{alert}"
    );
    // All or nothing: the line the controller left alone is not changed either.
    let after = lines(&app.store(), "SN21");
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a.version, b.version, "{} untouched", a.line.group);
        assert_eq!(a.line.comment, b.line.comment);
    }
    assert_eq!(after[0].line.base, Amount::from_ore(130_000_000));
    assert_refusal_leads_to_the_input(run).await;
    run.axe("excel i konflikt").await;
}

async fn bad_cell(run: &mut Run, app: &App) {
    let mut s = download_from_page(run).await;
    let before = lines(&app.store(), "SN21");
    set(
        &mut s,
        2,
        "Prognos (tkr)",
        Data::String("tolv tusen".into()),
    );
    // A good change in the same file is not applied either.
    set(&mut s, 4, "Kommentar", Data::String("Rimligt.".into()));
    upload(run, &s, "prognos-fel.xlsx").await;

    let alert = run.text("p.fel[role=alert]").await;
    assert!(alert.contains("En cell att rätta"), "{alert}");
    assert!(
        alert.contains(
            "bladet Prognos, rad 3, kolumn \"Prognos (tkr) (G)\": \"tolv tusen\" kan inte läsas"
        ),
        "{alert}"
    );
    let after = lines(&app.store(), "SN21");
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a.version, b.version, "{} untouched", a.line.group);
    }
    // The refusal is announced (role=alert, checked above) and leads to the form: a link in
    // the message to the file input, which is marked invalid and described by a note beside
    // it; Enter on the link moves there.
    run.shot("excel-uppladdning-fel").await;
    assert_refusal_leads_to_the_input(run).await;
    run.axe("excel med felaktig cell").await;
}

async fn assert_refusal_leads_to_the_input(run: &Run) {
    let link = run
        .c
        .find(Locator::Css("p.fel[role=alert] a[href='#excel-fil']"))
        .await
        .expect("the refusal links to the file input");
    assert_eq!(
        link.text().await.unwrap(),
        "Till uppladdningen: välj den rättade filen"
    );
    let input = run.c.find(Locator::Id("excel-fil")).await.unwrap();
    assert_eq!(
        input.attr("aria-describedby").await.unwrap().as_deref(),
        Some("excel-fel")
    );
    assert_eq!(
        input.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    let note = run.text("#excel-fel").await;
    assert!(note.starts_with("Filen laddades inte upp"), "{note}");
    // From the keyboard: Enter on the link moves to the form.
    link.send_keys(browser::ENTER).await.unwrap();
    run.until(
        "länken till uppladdningen",
        "return location.hash === '#excel-fil'",
    )
    .await;
}
