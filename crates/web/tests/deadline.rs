//! A round's deadline on the start page: the date per task, and for a controller the units
//! submitted, missing, returned and overdue (past the deadline and not submitted).

mod common;

use axum::http::StatusCode;
use common::{comment_all, App, ROUND};
use delar_app::workflow::{change_state, Step};
use delar_core::{Date, Round};
use delar_store::prelude::*;

/// SN41 submitted, SN42 submitted and returned; every other unit a draft. Returns the number
/// of units under SN.
fn states(app: &App) -> usize {
    let mut s = app.store();
    let r = Round::parse(ROUND).unwrap();
    for n in ["SN41", "SN42"] {
        comment_all(&mut s, n);
        let who = format!("enhetschef-{}", n.to_lowercase());
        change_state(&mut s, &who, &r, n, Step::Submit, None, "").unwrap();
    }
    change_state(
        &mut s,
        "ekonom-sn",
        &r,
        "SN42",
        Step::Return,
        None,
        "Rätta personalen.",
    )
    .unwrap();
    let tree = s.organisation().unwrap().tree_at(r.cutoff_month());
    let mut units: Vec<String> = s
        .forecast_lines(ROUND)
        .unwrap()
        .into_iter()
        .map(|l| l.node)
        .filter(|n| delar_app::auth::Access::covers(&tree, "SN", n))
        .collect();
    units.sort();
    units.dedup();
    units.len()
}

#[tokio::test]
async fn a_passed_deadline_shows_who_is_overdue() {
    let app = App::new();
    let ek = app.login("ekonom-sn").await;
    let r = app.get("/", Some(&ek)).await;
    assert!(r.body.contains("ingen tidsfrist"), "{}", r.body);
    let units = states(&app);
    assert!(units > 3);
    app.store()
        .set_round_deadline(ROUND, Some(Date::parse("2025-09-05").unwrap()), "admin")
        .unwrap();
    let r = app.get("/", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("Tidsfrist för inskickning: <strong>2025-09-05</strong> (passerad)"),
        "{}",
        r.body
    );
    // SN: one submitted (waiting), none approved, the drafts missing, one returned; every
    // unit not submitted is overdue.
    let row = format!(
        "<a href=\"/prognos/2025-P2/SN\">SN Socialnämnden</a></th><td class=\"tal\">{units}</td>\
         <td class=\"tal\">1</td><td class=\"tal\">0</td><td class=\"tal\">{}</td>\
         <td class=\"tal\">1</td><td class=\"tal minus\">{}</td>",
        units - 2,
        units - 1
    );
    assert!(r.body.contains(&row), "{row}\n{}", r.body);
    assert!(r.body.contains(&format!("{} enheter försenade", units - 1)));
    // The unit managers: the returned unit is overdue, the submitted one has no task.
    let chef42 = app.login("enhetschef-sn42").await;
    let r = app.get("/", Some(&chef42)).await;
    assert!(
        r.body
            .contains("försenad, skulle ha skickats in senast 2025-09-05"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("<caption>Läget"),
        "no controller's summary"
    );
    let chef41 = app.login("enhetschef-sn41").await;
    let r = app.get("/", Some(&chef41)).await;
    assert!(r.body.contains("2025-09-05"));
    assert!(!r.body.contains("skicka in senast"), "submitted already");
    assert!(!r.body.contains("försenad"));
}

#[tokio::test]
async fn before_the_deadline_nothing_is_overdue() {
    let app = App::new();
    let units = states(&app);
    app.store()
        .set_round_deadline(ROUND, Some(Date::parse("2099-09-05").unwrap()), "admin")
        .unwrap();
    let ek = app.login("ekonom").await;
    let r = app.get("/", Some(&ek)).await;
    assert!(
        r.body.contains("<strong>2099-09-05</strong>."),
        "{}",
        r.body
    );
    assert!(!r.body.contains("(passerad)"));
    assert!(!r.body.contains("försenad"), "{}", r.body);
    // The programme area's controller sees PO's units.
    assert!(
        r.body.contains("<a href=\"/prognos/2025-P2/PO\">PO "),
        "{}",
        r.body
    );
    let chef = app.login("enhetschef-sn43").await;
    let r = app.get("/", Some(&chef)).await;
    assert!(r.body.contains("skicka in senast 2099-09-05"), "{}", r.body);
    assert!(units > 0);
}
