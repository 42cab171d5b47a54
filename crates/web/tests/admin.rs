//! The administration pages over a copy of Exempelkommun: an administrator adds an account
//! with a password (who then logs in with it), grants and withdraws a role, removes the
//! account (only with the box ticked), sets and clears a round's deadline and locks a round;
//! the import log and the administrators' log show what happened; refusals are pages with
//! Swedish messages; no password hash is ever shown; a form from another site is refused.
//! Who may use the pages at all is in the authorisation matrix (`common/matrix.rs`).

mod common;

use axum::http::StatusCode;
use common::{App, PREVIOUS, ROUND};
use delar_store::prelude::*;

#[tokio::test]
async fn an_administrator_manages_accounts_rounds_and_sees_the_logs() {
    let app = App::new();
    let admin = app.login("admin").await;
    let page = app.get("/admin", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "<h1>Administration</h1>",
        "enhetschef-sn41",
        "enhetschef på SN41",
        "administratör på PO",
        ROUND,
        PREVIOUS,
        "Importloggen, senaste först",
        "verifikationer",
        "organisation",
    ] {
        assert!(page.body.contains(part), "{part} on the page");
    }
    assert!(!page.body.contains("$argon2"), "never a password hash");

    // A new account with a password and a first grant …
    let r = app
        .post(
            "/admin/anvandare",
            Some(&admin),
            &[
                ("namn", "ekonom-sn2"),
                ("losenord", "Vinter2025!"),
                ("roll", "ekonom"),
                ("nod", "SN"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        "/admin?klart=tillagd&namn=ekonom-sn2#anvandare"
    );
    let page = app
        .get("/admin?klart=tillagd&namn=ekonom-sn2", Some(&admin))
        .await;
    assert!(page.body.contains("Kontot ekonom-sn2 lades till."));
    assert!(page.body.contains("ekonom på SN"));
    // … who logs in with it and reads the committee's units.
    let login = app
        .post(
            "/logga-in",
            None,
            &[("anvandare", "ekonom-sn2"), ("losenord", "Vinter2025!")],
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let theirs = login
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let sheet = app
        .get(&format!("/prognos/{ROUND}/SN41"), Some(&theirs))
        .await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/prognos/{ROUND}/VON21"), Some(&theirs))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A refused account keeps what was typed (not the password) and says what to do.
    let r = app
        .post(
            "/admin/anvandare",
            Some(&admin),
            &[
                ("namn", "Ekonom SN"),
                ("losenord", "x"),
                ("roll", "ekonom"),
                ("nod", "SN"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("kan inte användas"), "{}", r.body);
    assert!(r.body.contains("value=\"Ekonom SN\""));
    let r = app
        .post(
            "/admin/anvandare",
            Some(&admin),
            &[
                ("namn", "ny"),
                ("losenord", "x"),
                ("roll", "chef"),
                ("nod", "SN"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("rollen &#34;chef&#34; finns inte"),
        "{}",
        r.body
    );

    // Grant, then withdraw, a role on a node.
    let base = "/admin/anvandare/ekonom-sn2";
    let r = app
        .post(
            &format!("{base}/behorighet"),
            Some(&admin),
            &[("roll", "lasare"), ("nod", "VON")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.get(&format!("/prognos/{ROUND}/VON21"), Some(&theirs))
            .await
            .status,
        StatusCode::OK
    );
    let user_page = app
        .get(&format!("{base}?klart=behorighet"), Some(&admin))
        .await;
    assert!(user_page.body.contains("ekonom-sn2 fick behörigheten."));
    assert!(user_page.body.contains("Ta bort rollen läsare på VON"));
    let r = app
        .post(
            &format!("{base}/ta-bort-behorighet"),
            Some(&admin),
            &[("roll", "lasare"), ("nod", "VON")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/prognos/{ROUND}/VON21"), Some(&theirs))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post(
            &format!("{base}/behorighet"),
            Some(&admin),
            &[("roll", "ekonom"), ("nod", "XX")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("noden XX finns inte"), "{}", r.body);

    // Removal needs the box ticked; one's own account cannot be removed.
    let r = app
        .post(&format!("{base}/ta-bort"), Some(&admin), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("kryssa i rutan"), "{}", r.body);
    let r = app
        .post(
            "/admin/anvandare/admin/ta-bort",
            Some(&admin),
            &[("bekrafta", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("ditt eget konto"));
    let r = app
        .post(
            &format!("{base}/ta-bort"),
            Some(&admin),
            &[("bekrafta", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app.store().user("ekonom-sn2").unwrap().is_none());
    assert_eq!(
        app.get("/sessionen", Some(&theirs)).await.body,
        "0",
        "the removed account's session has ended"
    );
    assert_eq!(
        app.get(base, Some(&admin)).await.status,
        StatusCode::NOT_FOUND
    );

    // A deadline set, refused when unreadable, cleared; a round locked.
    let dl = format!("/admin/omgang/{ROUND}/tidsfrist");
    let r = app
        .post(&dl, Some(&admin), &[("tidsfrist", "2025-09-05")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let info = app.store().forecast_round(ROUND).unwrap().unwrap();
    assert_eq!(info.deadline.unwrap().to_string(), "2025-09-05");
    let r = app
        .post(&dl, Some(&admin), &[("tidsfrist", "5 sept")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("skriv datumet som ÅÅÅÅ-MM-DD"),
        "{}",
        r.body
    );
    let r = app.post(&dl, Some(&admin), &[("tidsfrist", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app
        .store()
        .forecast_round(ROUND)
        .unwrap()
        .unwrap()
        .deadline
        .is_none());
    {
        let mut s = app.store();
        let round = delar_core::Round::parse(PREVIOUS).unwrap();
        for d in s.forecast_line_details(PREVIOUS).unwrap() {
            if delar_app::workflow::missing_comment(&d).is_some() {
                let input = delar_app::workflow::LineInput {
                    group: &d.line.group,
                    version: d.version,
                    amount: "",
                    method: "",
                    comment: "Granskad.",
                };
                delar_app::workflow::save_line(&mut s, "ekonom", &round, &d.line.node, &input)
                    .unwrap();
            }
        }
    }
    let lock = format!("/admin/omgang/{PREVIOUS}/las");
    let r = app.post(&lock, Some(&admin), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app
        .get(
            &format!("/admin?klart=last&omgang={PREVIOUS}"),
            Some(&admin),
        )
        .await;
    assert!(page
        .body
        .contains(&format!("Prognosomgången {PREVIOUS} är låst.")));
    assert!(page.body.contains("låst 20"), "who locked it and when");
    let r = app.post(&lock, Some(&admin), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("låst"), "{}", r.body);
    assert_eq!(
        app.post("/admin/omgang/2031-P9/las", Some(&admin), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The administrators' log, newest first.
    let log: Vec<String> = app
        .store()
        .admin_events(20)
        .unwrap()
        .into_iter()
        .map(|e| format!("{}: {}", e.user, e.detail))
        .collect();
    assert_eq!(
        log,
        [
            format!("admin: låste {PREVIOUS}"),
            format!("admin: tog bort tidsfristen för {ROUND}"),
            format!("admin: satte tidsfristen för {ROUND} till 2025-09-05"),
            "admin: tog bort ekonom-sn2".to_string(),
            "admin: tog bort rollen läsare på VON från ekonom-sn2".to_string(),
            "admin: gav ekonom-sn2 rollen läsare på VON".to_string(),
            "admin: lade till ekonom-sn2 som ekonom på SN".to_string(),
        ]
    );
    let page = app.get("/admin", Some(&admin)).await;
    assert!(page.body.contains("lade till ekonom-sn2 som ekonom på SN"));
}

#[tokio::test]
async fn a_form_from_another_site_and_markup_in_names_do_no_harm() {
    let app = App::new();
    let admin = app.login("admin").await;
    let r = app
        .send(common::post(
            "/admin/anvandare",
            Some(&admin),
            &[
                ("namn", "angripare"),
                ("losenord", "x"),
                ("roll", "administrator"),
                ("nod", "PO"),
            ],
            Some("https://ond.example"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(app.store().user("angripare").unwrap().is_none());
    let r = app
        .post(
            "/admin/anvandare",
            Some(&admin),
            &[
                ("namn", "<script>x</script>"),
                ("losenord", "x"),
                ("roll", "lasare"),
                ("nod", "SN"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.body.contains("<script>x"), "escaped");
    assert!(r.body.contains("&#60;script&#62;x"), "{}", r.body);
    // Not logged in: the login page (GET) or the session-ended page (POST).
    let r = app.get("/admin", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/logga-in?nasta=/admin");
}
