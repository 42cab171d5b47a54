//! End to end in headless Chromium (Debian's `chromium` and `chromium-driver`), driven over
//! WebDriver with fantoccini against a server this test starts on a free loopback port, over a
//! copy of the Exempelkommun database with the demo's accounts: a unit manager logs in, edits
//! two lines in place (one refused until it has its comment), sees the total change, submits;
//! the controller returns it with a comment; the unit manager corrects and resubmits; the
//! controller approves; the controller for the whole organisation locks the round; the report
//! shows the new figures; a unit manager who opens another unit's URL gets 403. axe-core (npm,
//! `crates/web/node_modules`, installed by `scripts/test.sh`) runs on every page visited: no
//! serious or critical violations.
//!
//! Without Chromium, chromedriver or axe-core the test says why and passes, unless
//! `DELAR_E2E=1` (set by `scripts/test.sh`), where it fails. `DELAR_SKARMBILDER=1` saves
//! screenshots of the main pages under `docs/images/`.

mod browser;
mod common;

use browser::{pdf_text, Run, ENTER, TAB};
use common::{lines, App, ROUND};
use delar_core::{Amount, Unit};
use delar_store::prelude::*;
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;

/// A committee's forecast for one kontogrupp in mnkr as the report writes it, from the lines
/// as they were (`before`) and as they are now.
fn committee_forecast(
    app: &App,
    committee: &str,
    group: &str,
    before: &[delar_store::LineDetail],
) -> (String, String) {
    let s = app.store();
    let round = delar_core::Round::parse(ROUND).unwrap();
    let tree = s.organisation().unwrap().tree_at(round.cutoff_month());
    let now = s.forecast_line_details(ROUND).unwrap();
    let sum = |changed: &dyn Fn(&delar_store::LineDetail) -> Amount| -> String {
        let total: Amount = now
            .iter()
            .filter(|d| {
                d.line.group == group
                    && tree.committee_of(&d.line.node).map(|c| c.code.as_str()) == Some(committee)
            })
            .map(changed)
            .sum();
        total.format(Unit::Mnkr, 1).replace('\u{a0}', " ")
    };
    let was = sum(&|d| {
        before
            .iter()
            .find(|b| b.line.node == d.line.node && b.line.group == d.line.group)
            .map(|b| b.line.full_year())
            .unwrap_or(d.line.full_year())
    });
    (was, sum(&|d| d.line.full_year()))
}

/// The row index (`rad-N`) of a line of the sheet.
fn row_of(lines: &[delar_store::LineDetail], group: &str) -> usize {
    lines.iter().position(|d| d.line.group == group).unwrap()
}

/// Whole tkr as WebDriver reads the page's text (the non-breaking space comes back plain).
fn tkr(a: Amount) -> String {
    a.format(Unit::Tkr, 0).replace('\u{a0}', " ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_in_headless_chromium_with_axe_on_every_page() {
    let app = App::new();
    {
        // The rest of the organisation has done its part: every other unit's flagged lines
        // are commented (the store locks only such a round).
        let mut s = app.store();
        let round = delar_core::Round::parse(ROUND).unwrap();
        for d in s.forecast_line_details(ROUND).unwrap() {
            if d.line.node != "SN41" && delar_app::workflow::missing_comment(&d).is_some() {
                let input = delar_app::workflow::LineInput {
                    group: &d.line.group,
                    version: d.version,
                    amount: "",
                    method: "",
                    comment: "Granskad: följer utfallet hittills.",
                };
                delar_app::workflow::save_line(&mut s, "ekonom", &round, &d.line.node, &input)
                    .unwrap();
            }
        }
    }
    let pages = [
        "inloggning",
        "start",
        "prognos",
        "prognos med fel",
        "historik",
        "ekonomens översikt",
        "ingen behörighet",
        "rapport",
    ];
    browser::run(app, &pages, |mut run, app| async move {
        scenario(&mut run, &app).await;
        run
    })
    .await;
}

const SN41: &str = "/prognos/2025-P2/SN41";

async fn scenario(run: &mut Run, app: &App) {
    let before = lines(&app.store(), "SN41");
    let first = before
        .iter()
        .find(|d| d.line.group.contains("Personal"))
        .unwrap_or(&before[0]);
    let a = row_of(&before, &first.line.group);
    let total_before: Amount = before.iter().map(|d| d.line.full_year()).sum();

    // The unit manager logs in and opens the sheet from the start page.
    run.login("enhetschef-sn41").await;
    run.shot("start").await;
    run.axe("start").await;
    run.c
        .find(Locator::Css("a[href='/prognos/2025-P2/SN41']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    run.until(
        "prognosbladet",
        "return !!document.getElementById('summa') && !document.getElementById('snabbsparning').hidden",
    )
    .await;
    assert_eq!(run.path().await, SN41);
    run.shot("prognos").await;
    run.axe("prognos").await;
    let total_text = run.text("#summa tbody").await;
    assert!(total_text.contains(&tkr(total_before)), "{total_text}");

    // Line 1: an own amount typed with Enter and no comment is refused next to the comment
    // field, in Swedish, and nothing is stored.
    let amount = run
        .c
        .find(Locator::Id(&format!("belopp-{a}")))
        .await
        .unwrap();
    amount.send_keys("1 234,5").await.unwrap();
    amount.send_keys(ENTER).await.unwrap();
    run.until(
        "felet vid fältet",
        &format!(
            "const p = document.getElementById('fel-{a}'); return !!p && !p.hidden && \
             p.textContent.indexOf('kommentar') >= 0 && \
             document.getElementById('kommentar-{a}').getAttribute('aria-invalid') === 'true'"
        ),
    )
    .await;
    let err = run.text(&format!("#fel-{a}")).await;
    assert!(err.contains("sparades inte"), "{err}");
    assert_eq!(
        run.js("return document.activeElement.id").await,
        json!(format!("kommentar-{a}")),
        "focus goes to the field the message is about"
    );
    assert_eq!(
        run.js(&format!(
            "return document.getElementById('belopp-{a}').value"
        ))
        .await,
        json!("1 234,5"),
        "the typed amount is kept"
    );
    assert_eq!(
        lines(&app.store(), "SN41")[a].line.base,
        first.line.base,
        "nothing stored"
    );
    run.shot("prognos-med-fel").await;
    run.axe("prognos med fel").await;

    // The comment, then Tab: saved in place; the total is the server's new sum.
    let comment = run.c.active_element().await.unwrap();
    comment
        .send_keys("Två nya placeringar från mars.")
        .await
        .unwrap();
    comment.send_keys(TAB).await.unwrap();
    run.until(
        "sparat",
        &format!(
            "const p = document.getElementById('klart-{a}'); return !!p && !p.hidden && \
             document.getElementById('fel-{a}').hidden"
        ),
    )
    .await;
    run.settle().await;
    assert_eq!(run.path().await, SN41, "no page load: saved in place");
    let after = lines(&app.store(), "SN41");
    assert_eq!(after[a].line.base, Amount::from_ore(123_450_000));
    let total_after: Amount = after.iter().map(|d| d.line.full_year()).sum();
    assert_ne!(total_after, total_before);
    let total_text = run.text("#summa tbody").await;
    assert!(
        total_text.contains(&tkr(total_after)),
        "the total on the page is the new sum {}: {total_text}",
        tkr(total_after)
    );
    let row_text = run.text(&format!("#rad-{a}")).await;
    assert!(row_text.contains("1 235"), "{row_text}");
    let live = run.text("#meddelanden").await;
    let live = if live.is_empty() {
        tokio::time::sleep(Duration::from_millis(200)).await;
        run.js("return document.getElementById('meddelanden').textContent")
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    } else {
        live
    };
    assert!(live.contains("är sparad"), "announced: {live}");

    // Line 2 and every other line that waits for a comment: a comment only, by keyboard
    // (focus, type, Tab saves).
    let waiting: Vec<usize> = lines(&app.store(), "SN41")
        .iter()
        .enumerate()
        .filter(|(_, d)| delar_app::workflow::missing_comment(d).is_some())
        .map(|(i, _)| i)
        .collect();
    assert!(
        !waiting.is_empty() || before.len() > 1,
        "a second line to edit"
    );
    let second: Vec<usize> = if waiting.is_empty() {
        vec![if a == 0 { 1 } else { 0 }]
    } else {
        waiting
    };
    for i in &second {
        let t = run
            .c
            .find(Locator::Id(&format!("kommentar-{i}")))
            .await
            .unwrap();
        t.clear().await.unwrap();
        t.send_keys("Bedömningen följer utfallet hittills.")
            .await
            .unwrap();
        t.send_keys(TAB).await.unwrap();
        run.until(
            "kommentaren sparad",
            &format!("const p = document.getElementById('klart-{i}'); return !!p && !p.hidden"),
        )
        .await;
    }
    run.settle().await;
    let stored = lines(&app.store(), "SN41");
    for i in &second {
        assert_eq!(
            stored[*i].line.comment.as_deref(),
            Some("Bedömningen följer utfallet hittills.")
        );
    }
    assert!(stored
        .iter()
        .all(|d| delar_app::workflow::missing_comment(d).is_none()));

    // Submit (a plain form post).
    run.step("Skicka in", None).await;
    let status = run.text("#status-rubrik").await;
    assert!(status.contains("inskickad"), "{status}");
    run.logout().await;

    // The controller returns it with a comment.
    run.login("ekonom-sn").await;
    run.shot("ekonomens-oversikt").await;
    run.axe("ekonomens översikt").await;
    run.goto(SN41).await;
    run.step(
        "Skicka tillbaka",
        Some("Personalkostnaden: räkna med vakansen från maj."),
    )
    .await;
    assert!(run.text("#status-rubrik").await.contains("återskickad"));
    run.logout().await;

    // The unit manager sees the comment, corrects the amount (Enter saves) and resubmits.
    run.login("enhetschef-sn41").await;
    run.goto(SN41).await;
    let page = run.text("main").await;
    assert!(page.contains("räkna med vakansen från maj"), "{page}");
    let amount = run
        .c
        .find(Locator::Id(&format!("belopp-{a}")))
        .await
        .unwrap();
    amount.send_keys("1 180").await.unwrap();
    let comment = run
        .c
        .find(Locator::Id(&format!("kommentar-{a}")))
        .await
        .unwrap();
    comment.clear().await.unwrap();
    comment
        .send_keys("Två nya placeringar från mars; vakans från maj.")
        .await
        .unwrap();
    amount.send_keys(ENTER).await.unwrap();
    run.settle().await;
    run.until(
        "rättelsen sparad",
        &format!("const p = document.getElementById('klart-{a}'); return !!p && !p.hidden"),
    )
    .await;
    let corrected = lines(&app.store(), "SN41");
    assert_eq!(corrected[a].line.base, Amount::from_ore(118_000_000));
    assert_eq!(
        corrected[a].line.comment.as_deref(),
        Some("Två nya placeringar från mars; vakans från maj."),
        "the comment typed while the amount was being saved is saved too"
    );
    let total_corrected: Amount = corrected.iter().map(|d| d.line.full_year()).sum();
    assert!(run
        .text("#summa tbody")
        .await
        .contains(&tkr(total_corrected)));
    run.step("Skicka in", None).await;

    // A unit manager who edits the URL to another unit gets 403 (page and status).
    run.goto("/prognos/2025-P2/SN42").await;
    assert_eq!(run.text("h1").await, "Ingen behörighet");
    run.axe("ingen behörighet").await;
    assert_eq!(run.status_of("/prognos/2025-P2/SN42").await, 403);
    assert_eq!(run.status_of(SN41).await, 200);
    run.logout().await;

    // The controller approves; the history shows every step.
    run.login("ekonom-sn").await;
    run.goto(SN41).await;
    run.step("Godkänn", None).await;
    assert!(run.text("#status-rubrik").await.contains("godkänd"));
    run.goto(&format!("{SN41}/historik")).await;
    let hist = run.text("main").await;
    for w in [
        "inskickad",
        "återskickad",
        "godkänd",
        "enhetschef-sn41",
        "ekonom-sn",
    ] {
        assert!(hist.contains(w), "{w}: {hist}");
    }
    run.shot("historik").await;
    run.axe("historik").await;
    run.logout().await;

    // The controller for the whole organisation locks the round.
    run.login("ekonom").await;
    run.c
        .find(Locator::XPath(
            "//form[@class='las']//button[starts-with(normalize-space(), 'Lås omgången')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    run.until("låst", "return location.search.indexOf('last=1') >= 0")
        .await;
    let start = run.text("main").await;
    assert!(start.contains("är låst"), "{start}");
    let info = app
        .store()
        .forecast_rounds()
        .unwrap()
        .into_iter()
        .find(|r| r.round.id() == ROUND)
        .unwrap();
    assert_eq!(info.status, delar_store::RoundStatus::Locked);
    assert_eq!(info.locked_by.as_deref(), Some("ekonom"));

    // The committee's report, as a page and as a PDF download, holds the new figures: the
    // committee's forecast for the corrected kontogrupp (mnkr, the report's unit) is the sum
    // with the unit's corrected amount.
    let (sn_before, sn_after) = committee_forecast(app, "SN", &first.line.group, &before);
    assert_ne!(sn_before, sn_after, "the correction shows in mnkr");
    run.goto("/rapport/2025-P2?nod=SN").await;
    run.until("rapporten", "return !!document.querySelector('h1')")
        .await;
    let report = run.text("main").await;
    assert!(
        report.contains(&format!(" {sn_after} ")),
        "the report page holds the committee's new forecast {sn_after} (was {sn_before}):\n{}",
        &report[..report.len().min(3000)]
    );
    let (status, kind, pdf) = run.download("/rapport/2025-P2.pdf?nod=SN").await;
    assert_eq!(status, 200);
    assert_eq!(kind, "application/pdf");
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    if let Some(text) = pdf_text(&pdf) {
        let text = text.replace(['\u{a0}', '\u{202f}'], " ");
        assert!(
            text.contains(&format!(" {sn_after} ")),
            "the PDF holds the committee's new forecast {sn_after}"
        );
    }
    run.axe("rapport").await;
    run.logout().await;
    run.shot("inloggning").await;
}
