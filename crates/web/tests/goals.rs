//! The goal pages and the report's texts (issue 19 parts 1–2) through the router, over a copy
//! of Exempelkommun with its follow-up registers: indicator values entered with Swedish
//! numbers and versions, the goals' workflow, status decisions with a rationale, the history,
//! the texts with bindings, preview and refusals, and goal texts shown as text.

mod common;

use axum::http::StatusCode;
use common::goals::{app, COMMITTEE, REPORTER};
use common::ROUND;
use delar_followup::assess::GoalStatus;
use delar_store::prelude::*;
use delar_store::EntryKind;

const PAGE: &str = "/mal/2025-P2/SN";

fn entry_form<'a>(
    indicator: &'a str,
    kind: &'a str,
    version: &'a str,
    total: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("indikator", indicator),
        ("slag", kind),
        ("version", version),
        ("totalt", total),
    ]
}

#[tokio::test]
async fn the_goal_page_shows_goals_indicators_and_proposals() {
    let app = app();
    let c = app.login(REPORTER).await;
    let r = app.get(PAGE, Some(&c)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let data = app
        .store()
        .followup(&delar_store::FollowupFilter {
            year: Some(2025),
            committee: None,
        })
        .unwrap();
    // Every committee goal of SN, with its indicators and the proposal's reason.
    for g in data
        .goals
        .iter()
        .filter(|g| g.committee.as_deref() == Some(COMMITTEE) && g.year == 2025)
    {
        assert!(r.body.contains(&format!("{} ", g.code)), "{}", g.code);
    }
    assert!(r.body.contains("Förslag: "), "the proposal's reason");
    assert!(r
        .body
        .contains("Andel barn och unga med insats i öppenvård"));
    assert!(r.body.contains("Utfall 2023") && r.body.contains("Utfall 2024"));
    // The reporter enters values (forms) but does not decide statuses.
    assert!(r.body.contains("Spara hittills för SN01"));
    assert!(!r.body.contains("Spara bedömningen av SN1"));
    // Another committee's goals are not in scope.
    assert!(!r.body.contains("VON01"));
    // A unit under SN shows SN's goals to read, without forms and without a workflow.
    let c41 = app.login("enhetschef-sn41").await;
    let r = app.get("/mal/2025-P2/SN41", Some(&c41)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("SN01") && !r.body.contains("Spara hittills"));
    assert!(!r.body.contains("id=\"status-rubrik\""));
    // The controller decides.
    let ce = app.login("ekonom-sn").await;
    let r = app.get(PAGE, Some(&ce)).await;
    assert!(r.body.contains("Spara bedömningen av SN1"));
}

#[tokio::test]
async fn an_indicator_value_is_entered_in_swedish_with_versions() {
    let app = app();
    let c = app.login(REPORTER).await;
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN01", "hittills", "0", "67,5"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let e = app.store().indicator_entries(ROUND).unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].kind, e[0].total), (EntryKind::ToDate, Some(67.5)));
    assert_eq!(e[0].changed_by, REPORTER);
    let page = app.get(&format!("{PAGE}?sparat=SN01"), Some(&c)).await;
    assert!(page.body.contains("67,5"), "the value shown in Swedish");
    assert!(page.body.contains("Värdet för indikatorn SN01 är sparat."));
    // The assessment was stored with the round's value: 67,5 meets the target 66.
    let a = app.store().goal_statuses(2025).unwrap();
    assert!(a.contains_key("SN1"));
    // A second save from the same (stale) version is refused, naming who changed it.
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN01", "hittills", "0", "60"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("enhetschef-sn ändrade den"), "{}", r.body);
    assert!(r.body.contains("67,5"), "{}", r.body);
    // A number that cannot be read: 422 with a Swedish message saying how to write it.
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN01", "hittills", "1", "sextio"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("är inget tal"), "{}", r.body);
    // A forecast may be a direction word; by sex for an indicator broken down by sex.
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN02", "prognos", "0", "Minskar"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &[
                ("indikator", "SN03"),
                ("slag", "hittills"),
                ("version", "0"),
                ("kvinnor", "71"),
                ("man", "65,5"),
                ("totalt", "68,2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let e = app.store().indicator_entries(ROUND).unwrap();
    let sn03 = e.iter().find(|e| e.indicator == "SN03").unwrap();
    assert_eq!((sn03.women, sn03.men), (Some(71.0), Some(65.5)));
    // Another committee's indicator is not this page's.
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("VON01", "hittills", "0", "5"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("hör inte till SN"), "{}", r.body);
    // Everything is in the history.
    let h = app.get(&format!("{PAGE}/historik"), Some(&c)).await;
    assert_eq!(h.status, StatusCode::OK);
    assert!(h.body.contains("SN01 (SN)") && h.body.contains("67,5"));
    assert!(h.body.contains("Minskar"));
}

#[tokio::test]
async fn goals_are_submitted_returned_corrected_and_approved() {
    let app = app();
    let c = app.login(REPORTER).await;
    let ce = app.login("ekonom-sn").await;
    let step = |cookie: String, step: &'static str, seen: &'static str, comment: &'static str| {
        let app = &app;
        async move {
            app.post(
                &format!("{PAGE}/status"),
                Some(&cookie),
                &[("atgard", step), ("status", seen), ("kommentar", comment)],
            )
            .await
        }
    };
    let r = step(c.clone(), "skicka-in", "utkast", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Submitted: the reporter can no longer enter values.
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN01", "hittills", "0", "60"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("målen för SN är inskickad"), "{}", r.body);
    // A return needs a comment.
    let r = step(ce.clone(), "skicka-tillbaka", "inskickad", " ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = step(
        ce.clone(),
        "skicka-tillbaka",
        "inskickad",
        "SN01 saknar värde.",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(PAGE, Some(&c)).await;
    assert!(page.body.contains("SN01 saknar värde."));
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN01", "hittills", "0", "64"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A step from a state the node has left is refused (the page was stale).
    let r = step(c.clone(), "skicka-in", "utkast", "").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = step(c.clone(), "skicka-in", "aterskickad", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The unit manager cannot approve; the controller can.
    let r = step(c.clone(), "godkann", "inskickad", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = step(ce.clone(), "godkann", "inskickad", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let s = app.store();
    assert_eq!(
        s.goal_workflow_state(ROUND, "SN").unwrap().state,
        delar_store::WorkflowState::Approved
    );
    // The forecast's workflow is untouched.
    assert!(s.workflow_states(ROUND).unwrap().is_empty());
    let h = app.get(&format!("{PAGE}/historik"), Some(&c)).await;
    for w in ["inskickad", "återskickad", "godkänd", "SN01 saknar värde."] {
        assert!(h.body.contains(w), "{w}");
    }
    // A unit has no goals of its own to submit.
    let c41 = app.login("enhetschef-sn41").await;
    let r = app
        .post(
            "/mal/2025-P2/SN41/status",
            Some(&c41),
            &[("atgard", "skicka-in"), ("status", "utkast")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_status_decision_needs_a_rationale_and_a_current_version() {
    let app = app();
    let ce = app.login("ekonom-sn").await;
    delar_app::goal_round::reassess(&mut app.store(), &delar_core::Round::parse(ROUND).unwrap())
        .unwrap();
    let v = app.store().goal_statuses(2025).unwrap()["SN1"]
        .version
        .to_string();
    let r = app
        .post(
            &format!("{PAGE}/bedomning"),
            Some(&ce),
            &[("mal", "SN1"), ("version", &v), ("status", "Uppnås inte")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("skriv en motivering"), "{}", r.body);
    let r = app
        .post(
            &format!("{PAGE}/bedomning"),
            Some(&ce),
            &[
                ("mal", "SN1"),
                ("version", &v),
                ("status", "Uppnås inte"),
                ("motivering", "Placeringarna ökade under hösten."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let st = &app.store().goal_statuses(2025).unwrap()["SN1"];
    assert_eq!(st.status, GoalStatus::NotMet);
    assert_eq!(st.decision.as_ref().unwrap().by, "ekonom-sn");
    let page = app.get(PAGE, Some(&ce)).await;
    assert!(page
        .body
        .contains("Motivering: Placeringarna ökade under hösten."));
    // The same, stale version again: refused naming who decided.
    let r = app
        .post(
            &format!("{PAGE}/bedomning"),
            Some(&ce),
            &[
                ("mal", "SN1"),
                ("version", &v),
                ("status", "Uppnås"),
                ("motivering", "Annat."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("ekonom-sn"), "{}", r.body);
    // The reporter may not decide.
    let c = app.login(REPORTER).await;
    let r = app
        .post(
            &format!("{PAGE}/bedomning"),
            Some(&c),
            &[
                ("mal", "SN1"),
                ("version", "1"),
                ("status", "Uppnås"),
                ("motivering", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Back to the proposal; all in the history.
    let v = app.store().goal_statuses(2025).unwrap()["SN1"]
        .version
        .to_string();
    let r = app
        .post(
            &format!("{PAGE}/bedomning"),
            Some(&ce),
            &[("mal", "SN1"), ("version", &v), ("aterstall", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app.store().goal_statuses(2025).unwrap()["SN1"]
        .decision
        .is_none());
    let h = app.get(&format!("{PAGE}/historik"), Some(&ce)).await;
    assert!(h.body.contains("bedömning ändrad") && h.body.contains("förslaget gäller igen"));
}

#[tokio::test]
async fn a_locked_round_refuses_goal_changes() {
    let app = app();
    {
        let mut s = app.store();
        common::comment_every_line(&mut s);
        delar_app::workflow::lock_round(
            &mut s,
            "ekonom",
            &delar_core::Round::parse(ROUND).unwrap(),
        )
        .unwrap();
    }
    let c = app.login(REPORTER).await;
    let page = app.get(PAGE, Some(&c)).await;
    assert!(
        !page.body.contains("Spara hittills"),
        "no forms on a locked round"
    );
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN01", "hittills", "0", "60"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("låst"), "{}", r.body);
}

#[tokio::test]
async fn goal_texts_are_shown_as_text() {
    let app = app();
    let evil = "<script>alert('mal')</script><img src=x onerror=alert(1)>";
    app.store()
        .import_followup_rows(
            &[delar_followup::model::GoalText {
                year: 2025,
                committee: COMMITTEE.into(),
                goal: "SN1".into(),
                kind: delar_followup::model::GoalTextKind::Analysis,
                text: evil.into(),
            }],
            "maltexter.csv",
            "xss",
        )
        .unwrap();
    let c = app.login(REPORTER).await;
    let r = app.get(PAGE, Some(&c)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<script>alert"), "a goal text as markup");
    assert!(!r.body.contains("<img src=x"));
    assert!(
        r.body.contains("&#60;script&#62;alert(") || r.body.contains("&lt;script&gt;alert("),
        "the text escaped"
    );
}

const TEXTS: &str = "/text/2025-P2";

#[tokio::test]
async fn report_texts_are_edited_with_bindings_previewed_and_refused_in_swedish() {
    let app = common::App::new();
    let ce = app.login("ekonom").await;
    let r = app.get(TEXTS, Some(&ce)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("analys.summa"), "the keys delar text has");
    assert!(r.body.contains("Förhandsgranska"));
    // The drafted analysis binds figures: each shown with its value now.
    assert!(r.body.contains("Siffror i texten"), "{}", r.body);
    // Find a binding of the draft to reuse.
    let round = delar_core::Round::parse(ROUND).unwrap();
    let drafts = delar_app::texts::drafts(&app.store(), round, None, None).unwrap();
    let d = drafts.iter().find(|d| d.key == "analys.summa").unwrap();
    let b = delar_app::texts::bindings(&d.draft, &delar_report_of(&app));
    let (binding, value) = b.first().cloned().expect("the draft binds a figure");
    let text = format!("Prognosen pekar på {binding} för året.");
    // Preview: the value, not the binding; nothing stored.
    let r = app
        .post(
            TEXTS,
            Some(&ce),
            &[
                ("nyckel", "analys.summa"),
                ("version", "0"),
                ("text", &text),
                ("atgard", "forhandsgranska"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The value where the binding was (the report writes the table's unit after it).
    let shown = format!("Prognosen pekar på {value}");
    assert!(r.body.contains(&shown), "{shown} in {}", r.body);
    assert!(r.body.contains("Förhandsgranskning (inte sparad)"));
    assert_eq!(
        app.store()
            .report_text_version(ROUND, "analys.summa")
            .unwrap(),
        0
    );
    // A figure that points nowhere: refused in Swedish, what was typed kept.
    let bad = "Underskottet är {drift.FINNSINTE.avvikelse} mnkr.";
    let r = app
        .post(
            TEXTS,
            Some(&ce),
            &[
                ("nyckel", "analys.summa"),
                ("version", "0"),
                ("text", bad),
                ("atgard", "spara"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("sparades inte"), "{}", r.body);
    assert!(r.body.contains("FINNSINTE"));
    // Saved: the author and time shown, the binding kept as a binding.
    let r = app
        .post(
            TEXTS,
            Some(&ce),
            &[
                ("nyckel", "analys.summa"),
                ("version", "0"),
                ("text", &text),
                ("atgard", "spara"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.store().report_texts(ROUND).unwrap()["analys.summa"],
        text
    );
    let r = app.get(TEXTS, Some(&ce)).await;
    assert!(r.body.contains(&shown));
    assert!(r.body.contains("Ändringar av analys.summa"));
    assert!(r.body.contains("<td>ekonom</td>"));
    // A stale version is refused naming who changed it.
    let r = app
        .post(
            TEXTS,
            Some(&ce),
            &[
                ("nyckel", "analys.summa"),
                ("version", "0"),
                ("text", "Annan text."),
                ("atgard", "spara"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("ekonom ändrade den"));
    // A reader reads but has no form; a unit manager may not read the report's texts.
    let cr = app.login("revisor").await;
    let r = app.get(TEXTS, Some(&cr)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Spara texten"));
    let r = app
        .post(
            TEXTS,
            Some(&cr),
            &[
                ("nyckel", "analys.summa"),
                ("version", "1"),
                ("text", "x"),
                ("atgard", "spara"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let cu = app.login("enhetschef-sn41").await;
    assert_eq!(
        app.get(TEXTS, Some(&cu)).await.status,
        StatusCode::FORBIDDEN
    );
}

/// The round's report as built now (for the bindings' values).
fn delar_report_of(app: &common::App) -> delar_report::Report {
    let round = delar_core::Round::parse(ROUND).unwrap();
    let s = app.store();
    let inputs =
        delar_app::report::gather(&s, round, &delar_app::report::organisation_name(&s)).unwrap();
    let def = delar_app::report::definition(None).unwrap();
    delar_compose::build_with_drafts(&def, &inputs, false)
        .unwrap()
        .0
}
