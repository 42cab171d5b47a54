//! The web application over PostgreSQL (`DELAR_TEST_PG`; skipped with a note without it): the
//! same Exempelkommun database copied to the server, then login, a line saved, a stale save
//! refused naming who, the workflow through submit and return with the history, and logout
//! ending the session in the store — every request on the pool's PostgreSQL connections.

mod common;

use axum::http::StatusCode;
use common::{comment_all, lines, App};
use delar_core::Amount;
use delar_store::prelude::*;

const SN41: &str = "/prognos/2025-P2/SN41";

/// A plain test thread drives the requests on a runtime of its own: the store calls in
/// between are synchronous PostgreSQL calls, which may not run on a runtime's thread (the
/// application runs them in `spawn_blocking`).
#[test]
fn a_round_is_worked_through_the_pages_on_postgresql() {
    let Some(app) = App::on_postgres() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    assert!(app.db.starts_with("postgres://"));
    let chef = rt.block_on(app.login("enhetschef-sn41"));
    let ekonom = rt.block_on(app.login("ekonom-sn"));
    let page = rt.block_on(app.get(SN41, Some(&chef)));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("name=\"belopp\""), "{}", page.body);

    // The controller saves a line; the manager, still on the older version, is refused.
    let d = &lines(&app.store(), "SN41")[1];
    let v = d.version.to_string();
    let path = format!("{SN41}/rad");
    let r = rt.block_on(app.post(
        &path,
        Some(&ekonom),
        &[
            ("grupp", &d.line.group),
            ("version", &v),
            ("belopp", "1 234,5"),
            ("kommentar", "Ekonomens bedömning."),
        ],
    ));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = rt.block_on(app.post(
        &path,
        Some(&chef),
        &[
            ("grupp", &d.line.group),
            ("version", &v),
            ("belopp", "612,5"),
            ("kommentar", "Min egen bedömning."),
        ],
    ));
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("ekonom-sn"), "names who: {}", r.body);
    assert!(
        r.body.contains("value=\"612,5\""),
        "the typed amount is kept"
    );
    let stored = &lines(&app.store(), "SN41")[1];
    assert_eq!(stored.line.base, Amount::from_ore(123_450_000));
    assert_eq!(stored.version, d.version + 1);

    // Submit, return with a comment; the history lists both, newest state on the sheet.
    comment_all(&mut app.store(), "SN41");
    let status = format!("{SN41}/status");
    let r = rt.block_on(app.post(
        &status,
        Some(&chef),
        &[("atgard", "skicka-in"), ("status", "utkast")],
    ));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = rt.block_on(app.post(
        &status,
        Some(&ekonom),
        &[
            ("atgard", "skicka-tillbaka"),
            ("status", "inskickad"),
            ("kommentar", "Motivera personalkostnaden."),
        ],
    ));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = rt.block_on(app.get(SN41, Some(&chef)));
    assert!(page.body.contains("återskickad"));
    assert!(page.body.contains("Motivera personalkostnaden."));
    let h = app
        .store()
        .workflow_history("2025-P2", Some("SN41"))
        .unwrap();
    assert_eq!(
        h.iter().map(|t| t.user.as_str()).collect::<Vec<_>>(),
        ["enhetschef-sn41", "ekonom-sn"]
    );
    let page = rt.block_on(app.get(&format!("{SN41}/historik"), Some(&chef)));
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Motivera personalkostnaden."));

    // Logout ends the session in the store.
    let token = chef.split_once('=').unwrap().1;
    let hash = delar_app::auth::token_hash(token);
    assert!(app.store().session(&hash).unwrap().is_some());
    let r = rt.block_on(app.post("/logga-ut", Some(&chef), &[]));
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store().session(&hash).unwrap(), None);

    // Shutting down with PostgreSQL connections idle in the pool, on the runtime (as
    // `delar serve` does after Ctrl-C), closes them without a panic.
    rt.block_on(async move { drop(app) });
}

/// The authorisation matrix of tests/web.rs (every role × every route × a node in and out of
/// scope, and the round's lock) on PostgreSQL, one fresh server database per case.
#[test]
fn authorisation_matrix_on_postgresql() {
    if common::pg_server().is_none() {
        eprintln!("obs: behörighetsmatrisen på PostgreSQL hoppas över: DELAR_TEST_PG är inte satt");
        return;
    }
    common::matrix::run(&|| App::on_postgres().expect("DELAR_TEST_PG"));
}

/// The report, the bridge, the sheet as Excel both ways and the deadline, on PostgreSQL.
#[test]
fn report_bridge_excel_and_deadline_on_postgresql() {
    use calamine::Data;
    use common::{read, set, upload_request, write};
    let Some(app) = App::on_postgres() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let chef = rt.block_on(app.login("enhetschef-sn41"));
    let ekonom = rt.block_on(app.login("ekonom-sn"));
    // The sheet downloaded, a line changed offline, uploaded back as the manager's edit.
    let r = rt.block_on(app.get(&format!("{SN41}.xlsx"), Some(&chef)));
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut s = read(&r.bytes);
    set(&mut s, 1, "Prognos (tkr)", Data::Float(2345.5));
    set(
        &mut s,
        1,
        "Kommentar",
        Data::String("Uppladdad på PostgreSQL.".into()),
    );
    let r = rt.block_on(app.send(upload_request(
        &format!("{SN41}/excel"),
        &chef,
        "prognos.xlsx",
        &write(&s),
    )));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = &lines(&app.store(), "SN41")[0];
    assert_eq!(d.line.base, Amount::from_ore(234_550_000));
    assert_eq!(d.changed_by.as_deref(), Some("enhetschef-sn41"));
    // The same file again is stale now: refused whole.
    let r = rt.block_on(app.send(upload_request(
        &format!("{SN41}/excel"),
        &chef,
        "prognos.xlsx",
        &write(&s),
    )));
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // The committee's report shows it; the bridge from P1 lists the line.
    let r = rt.block_on(app.get("/rapport/2025-P2", Some(&ekonom)));
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Uppladdad på PostgreSQL."));
    let r = rt.block_on(app.get(&format!("{SN41}/brygga"), Some(&ekonom)));
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("2\u{a0}346"), "{}", r.body);
    // A deadline that has passed: the unit is overdue on the start page.
    app.store()
        .set_round_deadline(
            "2025-P2",
            Some(delar_core::Date::parse("2025-09-05").unwrap()),
            "admin",
        )
        .unwrap();
    let r = rt.block_on(app.get("/", Some(&chef)));
    assert!(
        r.body
            .contains("försenad, skulle ha skickats in senast 2025-09-05"),
        "{}",
        r.body
    );
    rt.block_on(async move { drop(app) });
}
