//! The goal pages and the report's texts (issue 19 parts 1–2) through the router, over a copy
//! of Exempelkommun with its follow-up registers: indicator values entered with Swedish
//! numbers and versions, the goals' workflow, status decisions with a rationale, the history,
//! the texts with bindings, preview and refusals, and goal texts shown as text.

mod common;

use axum::http::StatusCode;
use common::goals::{app, COMMITTEE, REPORTER};
use common::ROUND;
use delar_followup::assess::GoalStatus;
use delar_followup::model::GoalTextKind;
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

fn text_form<'a>(
    goal: &'a str,
    kind: &'a str,
    version: &'a str,
    text: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("mal", goal),
        ("slag", kind),
        ("version", version),
        ("text", text),
    ]
}

#[tokio::test]
async fn analysis_texts_are_edited_per_round_versioned_and_in_the_report() {
    let app = app();
    let c = app.login(REPORTER).await;
    let page = app.get(PAGE, Some(&c)).await;
    assert!(
        page.body.contains("Spara sammanfattande analys för SN1"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Spara positiva iakttagelser för SN1"));
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form(
                "SN1",
                "analys",
                "0",
                "Öppenvården har vuxit under våren och placeringarna minskat.",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form(
                "SN1",
                "positiva",
                "0",
                "Fler barn i öppenvård.\r\n\r\nKortare väntetider.",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The goal area MO1 that SN1 serves: SN's analysis in the report's chapter for the area.
    let imported = app.store().followup(&Default::default()).unwrap().texts;
    let sn_mo1 = imported
        .iter()
        .find(|t| t.committee == "SN" && t.goal == "MO1" && t.kind == GoalTextKind::Analysis)
        .unwrap()
        .text
        .clone();
    let von_mo1 = imported
        .iter()
        .find(|t| t.committee == "VON" && t.goal == "MO1" && t.kind == GoalTextKind::Analysis)
        .unwrap()
        .text
        .clone();
    let page = app.get(PAGE, Some(&c)).await;
    assert!(page.body.contains("Målområde MO1"), "{}", page.body);
    assert!(page.body.contains(&sn_mo1), "SN's imported text to edit");
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form(
                "MO1",
                "analys",
                "0",
                "Socialnämndens bidrag till ett tryggt liv växer.",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A goal area SN's goals do not serve is not SN's to write about.
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("MO3", "analys", "0", "x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let page = app.get(&format!("{PAGE}?text=SN1"), Some(&c)).await;
    assert!(page.body.contains("Texten för mål SN1 är sparad."));
    assert!(page
        .body
        .contains("Öppenvården har vuxit under våren och placeringarna minskat."));
    assert!(page.body.contains("Ändrad för omgången av enhetschef-sn"));
    // A second tab still on version 0 is refused, naming who changed it.
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("SN1", "analys", "0", "Annan text."),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("enhetschef-sn ändrade den"), "{}", r.body);
    // Too long: a Swedish message with the limit.
    let long = "å".repeat(delar_app::goal_round::MAX_GOAL_TEXT + 1);
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("SN1", "analys", "1", &long),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("är för lång (4\u{a0}001 tecken)"),
        "{}",
        r.body
    );
    assert!(r.body.contains("högst 4\u{a0}000 tecken"));
    // A kind that does not exist, another committee's goal.
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("SN1", "slutsats", "0", "x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("textens slag &#34;slutsats&#34; finns inte"),
        "{}",
        r.body
    );
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("VON1", "analys", "0", "x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The imported register is untouched; the round's texts hold on the page and in the
    // report; the history has old → new.
    let reg = app.store().followup(&Default::default()).unwrap().texts;
    assert!(reg
        .iter()
        .all(|t| !t.text.contains("Öppenvården har vuxit")));
    let h = app.get(&format!("{PAGE}/historik"), Some(&c)).await;
    assert!(
        h.body.contains("sammanfattande analys ändrad"),
        "{}",
        h.body
    );
    assert!(h.body.contains("positiva iakttagelser ändrade"));
    let report = report_paragraphs(&delar_report_of(&app));
    assert!(
        report.contains("Öppenvården har vuxit under våren och placeringarna minskat."),
        "the round's text in the report"
    );
    assert!(report.contains("Fler barn i öppenvård.") && report.contains("Kortare väntetider."));
    assert!(report.contains("Socialnämndens bidrag till ett tryggt liv växer."));
    assert!(
        !report.contains(&sn_mo1),
        "the round's text replaces SN's imported one"
    );
    assert!(
        report.contains(&von_mo1),
        "another committee's text of the area stays"
    );
    // Submitted: the reporter may no longer change them; locked: nobody may.
    delar_app::goal_round::change_state(
        &mut app.store(),
        REPORTER,
        &delar_core::Round::parse(ROUND).unwrap(),
        "SN",
        delar_app::workflow::Step::Submit,
        None,
        "",
    )
    .unwrap();
    let page = app.get(PAGE, Some(&c)).await;
    assert!(
        !page.body.contains("Spara sammanfattande analys"),
        "no forms when submitted"
    );
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("SN1", "analys", "1", "Sent."),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("inskickad"), "{}", r.body);
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
    let ce = app.login("ekonom-sn").await;
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&ce),
            &text_form("SN1", "analys", "1", "Sent."),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("låst"), "{}", r.body);
}

#[tokio::test]
async fn an_edited_goal_text_is_shown_as_text() {
    let app = app();
    let c = app.login(REPORTER).await;
    let evil = "<script>alert('mal')</script><img src=x onerror=alert(1)>";
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("SN1", "forbattring", "0", evil),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // In the form (where it can be edited) and to a reader (as text).
    let ce = app.login("enhetschef-sn41").await;
    for (cookie, page) in [(&c, PAGE), (&ce, "/mal/2025-P2/SN41")] {
        let r = app.get(page, Some(cookie)).await;
        assert!(
            !r.body.contains("<script>alert"),
            "a goal text as markup on {page}"
        );
        assert!(!r.body.contains("<img src=x"));
        assert!(
            r.body.contains("&#60;script&#62;alert(") || r.body.contains("&lt;script&gt;alert("),
            "the text escaped on {page}"
        );
    }
    let h = app.get(&format!("{PAGE}/historik"), Some(&c)).await;
    assert!(!h.body.contains("<script>alert") && !h.body.contains("<img src=x"));
    // A control character cannot be stored (PostgreSQL refuses NUL): a Swedish message.
    let r = app
        .post(
            &format!("{PAGE}/text"),
            Some(&c),
            &text_form("SN1", "analys", "0", "a\u{0}b"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("styrtecken (U+0000)"), "{}", r.body);
}

/// Every paragraph and list item of the report, one per line (the words as the model holds
/// them, before any renderer wraps them).
fn report_paragraphs(report: &delar_report::Report) -> String {
    use delar_report::model::{Block, Inline, Paragraph};
    let line = |p: &Paragraph| {
        p.inlines
            .iter()
            .map(|i| match i {
                Inline::Text(t) | Inline::Strong(t) | Inline::Emph(t) => t.clone(),
                _ => String::new(),
            })
            .collect::<String>()
    };
    let mut out = Vec::new();
    for (_, s) in report.walk() {
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => out.push(line(p)),
                Block::List { items, .. } => out.extend(items.iter().map(line)),
                _ => {}
            }
        }
    }
    out.join("\n")
}

/// The status word the report's section of goal `code` gives.
fn report_goal_status(report: &delar_report::Report, code: &str) -> String {
    let id = format!("mal-{}", code.to_lowercase());
    let (_, s) = report
        .walk()
        .into_iter()
        .find(|(_, s)| s.id == id)
        .unwrap_or_else(|| panic!("no section {id} in the report"));
    s.blocks
        .iter()
        .find_map(|b| match b {
            delar_report::model::Block::Paragraph(p) => p.inlines.iter().find_map(|i| match i {
                delar_report::model::Inline::Status(st) => Some(st.label.clone()),
                _ => None,
            }),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no status in {id}"))
}

/// The cell of the report whose source is `fact`.
fn report_cell<'a>(report: &'a delar_report::Report, fact: &str) -> &'a delar_report::model::Cell {
    report
        .tables()
        .into_iter()
        .flat_map(|t| t.rows.iter())
        .flat_map(|r| r.cells.iter())
        .find(|c| c.source.as_ref().is_some_and(|s| s.fact == fact))
        .unwrap_or_else(|| panic!("no cell for {fact} in the report"))
}

#[test]
fn the_report_shows_the_values_and_statuses_the_goal_page_shows() {
    use delar_app::goal_round::{self as gr, EntryInput};
    let app = app();
    let round = delar_core::Round::parse(ROUND).unwrap();
    let mut s = app.store();
    for (kind, total) in [(EntryKind::ToDate, "41"), (EntryKind::Forecast, "Minskar")] {
        gr::save_entry(
            &mut s,
            REPORTER,
            &round,
            COMMITTEE,
            &EntryInput {
                indicator: "SN01",
                kind,
                version: 0,
                women: "",
                men: "",
                total,
            },
        )
        .unwrap();
    }
    let sheet = gr::goal_sheet(&s, REPORTER, &round, COMMITTEE).unwrap();
    let goal = sheet.goals.iter().find(|g| g.goal.code == "SN1").unwrap();
    let row = goal
        .indicators
        .iter()
        .find(|i| i.indicator.code == "SN01")
        .unwrap();
    let (month, figure) = row.to_date.unwrap();
    assert_eq!(month, round.cutoff_month());
    let delar_followup::model::Figure::Number(k) = figure else {
        panic!("{figure:?}")
    };
    assert_eq!(k.total, Some(41.0));
    let page_status = sheet.scale.label(goal.status).to_string();
    drop(s);
    let report = delar_report_of(&app);
    let value = report_cell(&report, "indikator/SN01/2025");
    assert_eq!(value.value, delar_report::model::Value::Number(41.0));
    assert_eq!(value.text, "41*", "a value to date is marked");
    assert_eq!(
        report_cell(&report, "indikator/SN01/2025/prognos").text,
        "Minskar"
    );
    // The goal's status in the report is the one the page shows (41 is far below 66).
    assert_eq!(report_goal_status(&report, "SN1"), page_status);
    assert_ne!(
        goal.status,
        GoalStatus::Met,
        "the entered value moved the status"
    );
    // A decision on the page holds in the report too.
    let mut s = app.store();
    gr::decide(
        &mut s,
        "ekonom-sn",
        &round,
        COMMITTEE,
        "SN1",
        "Uppnås",
        "Placeringarna minskar under hösten.",
        None,
    )
    .unwrap();
    drop(s);
    let report = delar_report_of(&app);
    assert_eq!(report_goal_status(&report, "SN1"), "Uppnås");
}

#[tokio::test]
async fn a_register_value_cannot_be_entered_on_the_page() {
    let app = app();
    let c = app.login(REPORTER).await;
    // SN02 takes its values from the volume series: its value to date comes from there.
    let r = app
        .post(
            &format!("{PAGE}/indikator"),
            Some(&c),
            &entry_form("SN02", "hittills", "0", "12"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("hämtar sitt värde hittills ur registret &#34;volymer&#34;"),
        "{}",
        r.body
    );
    let page = app.get(PAGE, Some(&c)).await;
    assert!(!page.body.contains("Spara hittills för SN02"));
    assert!(page.body.contains("Spara prognos för SN02"));
}

#[tokio::test]
async fn reading_the_goal_page_writes_nothing_and_shows_the_history() {
    let app = app();
    let c = app.login(REPORTER).await;
    assert!(app.store().goal_statuses(2025).unwrap().is_empty());
    let r = app.get(PAGE, Some(&c)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        app.store().goal_statuses(2025).unwrap().is_empty(),
        "a GET stored an assessment"
    );
    // The outcomes of the two years before the round's, as imported.
    let data = app.store().followup(&Default::default()).unwrap();
    let s = app.store();
    let sheet = delar_app::goal_round::goal_sheet(
        &s,
        REPORTER,
        &delar_core::Round::parse(ROUND).unwrap(),
        COMMITTEE,
    )
    .unwrap();
    let row = sheet
        .goals
        .iter()
        .flat_map(|g| g.indicators.iter())
        .find(|i| i.indicator.code == "SN01")
        .unwrap();
    for (year, figure) in &row.history {
        let imported = data
            .values
            .iter()
            .find(|v| {
                v.indicator == "SN01"
                    && v.year == *year
                    && v.kind == delar_followup::model::ValueKind::Outcome
            })
            .map(|v| v.figure);
        assert!(imported.is_some(), "the demo has SN01's outcome for {year}");
        assert_eq!(*figure, imported, "SN01 {year}");
    }
}
