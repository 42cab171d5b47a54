//! Handler tests of the web application on Exempelkommun: login and sessions, the security
//! headers and CSRF, the forecast sheet with saves (stale versions, escaping, bad input), the
//! workflow, and the authorisation matrix (every role × every route × a node in and out of
//! scope).

mod common;

use axum::http::StatusCode;
use common::{comment_all, lines, post, App, HOST};
use delar_core::{Amount, Unit};
use delar_store::prelude::*;

const SN41: &str = "/prognos/2025-P2/SN41";

#[tokio::test]
async fn health_answers_ok_with_strict_headers() {
    let app = App::new();
    let r = app.get("/halsa", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "ok");
    let csp = r.header("content-security-policy");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("cache-control"), "no-store");
    let css = app.get("/stil.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.body.contains(".tal"));
}

#[tokio::test]
async fn login_sets_a_strict_cookie_and_logout_ends_the_session_in_the_store() {
    let app = App::new();
    // Without a session: to the login page, remembering where to go.
    let r = app.get(SN41, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.header("location"),
        "/logga-in?nasta=/prognos/2025-P2/SN41"
    );
    let form = app.get("/logga-in?nasta=/prognos/2025-P2/SN41", None).await;
    assert!(form.body.contains("name=\"anvandare\""));
    assert!(form.body.contains("name=\"losenord\""));
    assert!(form.body.contains("value=\"/prognos/2025-P2/SN41\""));
    // A wrong password: 401 and a Swedish message, no cookie.
    let r = app
        .post(
            "/logga-in",
            None,
            &[("anvandare", "enhetschef-sn41"), ("losenord", "fel")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("fel användarnamn eller lösenord"),
        "{}",
        r.body
    );
    assert_eq!(r.header("set-cookie"), "");
    // The right one: a session cookie, HttpOnly and SameSite=Strict, and on to the page.
    let r = app
        .post(
            "/logga-in",
            None,
            &[
                ("anvandare", "enhetschef-sn41"),
                ("losenord", "demo"),
                ("nasta", SN41),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), SN41);
    let c = r.header("set-cookie");
    assert!(
        c.contains("HttpOnly") && c.contains("SameSite=Strict"),
        "{c}"
    );
    assert!(!c.contains("Secure"), "not configured behind HTTPS: {c}");
    let cookie = c.split(';').next().unwrap().to_string();
    let token = cookie.split_once('=').unwrap().1.to_string();
    let page = app.get(SN41, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page
        .body
        .contains("Inloggad som <strong>enhetschef-sn41</strong>"));
    // Logout ends the session in the store: the old cookie no longer works.
    let r = app.post("/logga-ut", Some(&cookie), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("set-cookie").contains("Max-Age=0"));
    let hash = delar_app::auth::token_hash(&token);
    assert!(app.store().session(&hash).unwrap().is_none());
    assert_eq!(
        app.get(SN41, Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_expired_session_sends_to_login_and_a_post_says_nothing_was_saved() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let token = cookie.split_once('=').unwrap().1;
    let hash = delar_app::auth::token_hash(token);
    // The session ended a second ago (as if 30 idle minutes had passed).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    app.store().extend_session(&hash, now - 1).unwrap();
    let r = app.get(SN41, Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").starts_with("/logga-in?nasta="));
    let d = &lines(&app.store(), "SN41")[0];
    let v = d.version.to_string();
    let r = app
        .post(
            &format!("{SN41}/rad"),
            Some(&cookie),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("kommentar", "Skrivet medan sessionen gick ut."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Din session har gått ut"), "{}", r.body);
    assert!(
        r.body.contains("value=\"/prognos/2025-P2/SN41\""),
        "back to the sheet after login"
    );
    assert_eq!(lines(&app.store(), "SN41")[0].line.comment, d.line.comment);
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_account() {
    let app = App::new();
    for _ in 0..delar_app::auth::LOCK_AFTER {
        let r = app
            .post(
                "/logga-in",
                None,
                &[("anvandare", "revisor"), ("losenord", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post(
            "/logga-in",
            None,
            &[("anvandare", "revisor"), ("losenord", "demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("är spärrat"), "{}", r.body);
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let d = &lines(&app.store(), "SN41")[0];
    let v = d.version.to_string();
    let form = [
        ("grupp", d.line.group.as_str()),
        ("version", v.as_str()),
        ("kommentar", "Från en annan webbplats."),
    ];
    let path = format!("{SN41}/rad");
    let r = app
        .send(post(
            &path,
            Some(&cookie),
            &form,
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("annan webbplats"), "{}", r.body);
    assert!(
        r.header("content-security-policy")
            .contains("default-src 'self'"),
        "a refusal carries the security headers too"
    );
    let mut req = post(&path, Some(&cookie), &form, None);
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    let r = app
        .send(post("/logga-ut", Some(&cookie), &[], Some("null")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        lines(&app.store(), "SN41")[0].version,
        d.version,
        "nothing saved"
    );
    // The same POST from this site goes through.
    let mut req = post(&path, Some(&cookie), &form, Some(&format!("http://{HOST}")));
    req.headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_sheet_shows_lines_in_swedish_and_saves_amounts_with_totals_recomputed() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let before = lines(&app.store(), "SN41");
    let page = app.get(SN41, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let mapping = app.store().account_mapping().unwrap();
    for d in &before {
        // Each line by its kontogrupp's name, as people know it; the code stays in the form.
        let name = &mapping.group(&d.line.group).expect("a kontogrupp").name;
        assert!(page
            .body
            .contains(&format!("<th scope=\"row\">{name}</th>")));
        assert!(page
            .body
            .contains(&format!("name=\"grupp\" value=\"{}\"", d.line.group)));
        assert!(page.body.contains(&d.line.budget.format(Unit::Tkr, 0)));
    }
    for label in [
        "Årsbudget",
        "Utfall hittills",
        "Periodiserad budget hittills",
        "Rekommenderad metod",
        "Avvikelse",
        "Alla metoder",
        "Skicka in",
    ] {
        assert!(page.body.contains(label), "{label}");
    }
    // A manual amount in tkr with a decimal comma and a space between thousands.
    let d = &before[0];
    let v = d.version.to_string();
    let r = app
        .post(
            &format!("{SN41}/rad"),
            Some(&cookie),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "1 234,5"),
                ("metod", ""),
                ("kommentar", "Två nya placeringar."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r
        .header("location")
        .starts_with("/prognos/2025-P2/SN41?sparat="));
    let after = lines(&app.store(), "SN41");
    assert_eq!(after[0].line.base, Amount::from_ore(123_450_000));
    let total: Amount = after.iter().map(|d| d.line.full_year()).sum();
    let page = app.get(&r.header("location"), Some(&cookie)).await;
    assert!(page.body.contains("är sparad"), "{}", page.body);
    // Named as the row shows it: the kontogrupp's name, not its code.
    let name = group_name(&app.store(), &d.line.group);
    assert_ne!(name, d.line.group);
    assert!(
        page.body.contains(&format!("Raden {name} är sparad.")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!(
            "<td class=\"tal\">{}</td>",
            total.format(Unit::Tkr, 0)
        )),
        "the total is the new sum"
    );
    assert!(page.body.contains("1\u{a0}235"), "the line in whole tkr");
    // The area above shows the new total too (the controller's view).
    let ek = app.login("ekonom-sn").await;
    let up = app.get("/prognos/2025-P2/SN40", Some(&ek)).await;
    assert_eq!(up.status, StatusCode::OK);
    assert!(up.body.contains("href=\"/prognos/2025-P2/SN41\""));
    assert!(up.body.contains(&total.format(Unit::Tkr, 0)));
}

/// A kontogrupp's name (as the sheet shows the line).
fn group_name(s: &dyn delar_store::Backend, code: &str) -> String {
    s.account_mapping()
        .unwrap()
        .groups()
        .iter()
        .find(|g| g.code == code)
        .map(|g| g.name.clone())
        .unwrap_or_else(|| panic!("kontogruppen {code}"))
}

#[tokio::test]
async fn a_stale_save_is_refused_naming_the_other_person_and_keeping_the_input() {
    let app = App::new();
    let chef = app.login("enhetschef-sn41").await;
    let ekonom = app.login("ekonom-sn").await;
    let d = &lines(&app.store(), "SN41")[1];
    let v = d.version.to_string();
    let path = format!("{SN41}/rad");
    // Both opened the sheet at the same version; the controller saves first.
    let r = app
        .post(
            &path,
            Some(&ekonom),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "500"),
                ("kommentar", "Ekonomens bedömning."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post(
            &path,
            Some(&chef),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "612,5"),
                ("kommentar", "Min egen bedömning."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("sparades inte"), "{}", r.body);
    let name = group_name(&app.store(), &d.line.group);
    assert!(
        r.body.contains(&format!("Raden {name} sparades inte")),
        "the kontogrupp's name: {}",
        r.body
    );
    assert!(r.body.contains("ekonom-sn"), "names who: {}", r.body);
    assert!(r.body.contains("500"), "the value now stored");
    assert!(
        r.body.contains("value=\"612,5\""),
        "the typed amount is kept"
    );
    assert!(
        r.body.contains(">Min egen bedömning.</textarea>"),
        "the comment is kept"
    );
    assert_eq!(
        lines(&app.store(), "SN41")[1].line.base,
        Amount::from_ore(50_000_000)
    );
}

#[tokio::test]
async fn markup_in_a_comment_is_shown_as_text() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let d = &lines(&app.store(), "SN41")[0];
    let v = d.version.to_string();
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let r = app
        .post(
            &format!("{SN41}/rad"),
            Some(&cookie),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("kommentar", evil),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(SN41, Some(&cookie)).await;
    assert!(!page.body.contains("<script>alert"), "never raw");
    assert!(!page.body.contains("<img src=x"), "never raw");
    assert!(page.body.contains("&#60;script&#62;") || page.body.contains("&lt;script&gt;"));
    let hist = app.get(&format!("{SN41}/historik"), Some(&cookie)).await;
    assert_eq!(hist.status, StatusCode::OK);
    assert!(!hist.body.contains("<script>alert"));
}

#[tokio::test]
async fn bad_input_is_refused_with_a_swedish_message_and_kept() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let d = &lines(&app.store(), "SN41")[0];
    let v = d.version.to_string();
    let path = format!("{SN41}/rad");
    let r = app
        .post(
            &path,
            Some(&cookie),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "tolv tusen"),
                ("kommentar", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("kan inte läsas"), "{}", r.body);
    assert!(r.body.contains("value=\"tolv tusen\""));
    let long = "a".repeat(10_000);
    let r = app
        .post(
            &path,
            Some(&cookie),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("kommentar", &long),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("högst 2000 tecken"), "{}", r.body);
    let r = app
        .post(
            &path,
            Some(&cookie),
            &[("grupp", &d.line.group), ("version", "inte ett tal")],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(lines(&app.store(), "SN41")[0].version, d.version);
}

#[tokio::test]
async fn submit_return_correct_and_approve_through_the_pages() {
    let app = App::new();
    comment_all(&mut app.store(), "SN41");
    let chef = app.login("enhetschef-sn41").await;
    let ekonom = app.login("ekonom-sn").await;
    let status = format!("{SN41}/status");
    let r = app
        .post(
            &status,
            Some(&chef),
            &[("atgard", "skicka-in"), ("status", "utkast")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), format!("{SN41}?klart=skicka-in"));
    let page = app.get(&r.header("location"), Some(&chef)).await;
    assert!(page.body.contains("Prognosen är inskickad"));
    assert!(page.body.contains("Återkalla"));
    assert!(
        !page.body.contains("name=\"belopp\""),
        "locked for the unit manager"
    );
    // A return without a comment is refused; with one it goes back.
    let r = app
        .post(
            &status,
            Some(&ekonom),
            &[("atgard", "skicka-tillbaka"), ("status", "inskickad")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &status,
            Some(&ekonom),
            &[
                ("atgard", "skicka-tillbaka"),
                ("status", "inskickad"),
                ("kommentar", "Motivera personalkostnaden."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(SN41, Some(&chef)).await;
    assert!(page.body.contains("återskickad"));
    assert!(page.body.contains("Motivera personalkostnaden."));
    assert!(page.body.contains("name=\"belopp\""), "editable again");
    // A second tab still showing "inskickad" cannot approve the returned node.
    let r = app
        .post(
            &status,
            Some(&ekonom),
            &[("atgard", "godkann"), ("status", "inskickad")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app
        .post(
            &status,
            Some(&chef),
            &[("atgard", "skicka-in"), ("status", "aterskickad")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post(
            &status,
            Some(&ekonom),
            &[("atgard", "godkann"), ("status", "inskickad")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let start = app.get("/", Some(&ekonom)).await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("1 av"), "{}", start.body);
    let hist = app.get(&format!("{SN41}/historik"), Some(&ekonom)).await;
    for w in [
        "inskickad",
        "återskickad",
        "godkänd",
        "Motivera personalkostnaden.",
    ] {
        assert!(hist.body.contains(w), "{w}");
    }
}

#[tokio::test]
async fn the_start_page_lists_the_persons_nodes() {
    let app = App::new();
    let chef = app.login("enhetschef-sn41").await;
    let r = app.get("/", Some(&chef)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"/prognos/2025-P2/SN41\""));
    assert!(!r.body.contains("href=\"/prognos/2025-P2/SN42\""));
    assert!(r.body.contains("utkast"));
    let ekonom = app.login("ekonom").await;
    let r = app.get("/", Some(&ekonom)).await;
    for n in ["PO", "SN41", "VON21", "FSN21"] {
        assert!(
            r.body.contains(&format!("href=\"/prognos/2025-P2/{n}\"")),
            "{n}"
        );
    }
}

/// Every role × every route × a node in and out of scope, on SQLite (tests/postgres.rs runs
/// the same matrix on PostgreSQL).
#[test]
fn authorisation_matrix() {
    common::matrix::run(&App::new);
}

#[tokio::test]
async fn unknown_paths_and_rounds_are_404_in_swedish() {
    let app = App::new();
    let cookie = app.login("ekonom").await;
    let r = app.get("/finns-inte", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("sidan finns inte"));
    let r = app.get("/prognos/2031-P1/SN41", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("2031-P1"), "{}", r.body);
    let r = app.get("/prognos/inte-en-omgang/SN41", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// The part of a page from `id="{id}"` to the end of that element's line.
fn element<'a>(body: &'a str, id: &str) -> &'a str {
    let at = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} is missing"));
    let end = body[at..].find('\n').map(|e| at + e).unwrap_or(body.len());
    &body[at..end]
}

#[tokio::test]
async fn a_refused_save_shows_its_message_next_to_the_field_it_is_about() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let all = lines(&app.store(), "SN41");
    let d = &all[1];
    let v = d.version.to_string();
    let path = format!("{SN41}/rad");
    // An own amount without a comment: the comment field is marked and described.
    let r = app
        .post(
            &path,
            Some(&cookie),
            &[("grupp", &d.line.group), ("version", &v), ("belopp", "250")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = element(&r.body, "fel-1");
    assert!(
        msg.contains("sparades inte") && msg.contains("kommentar"),
        "{msg}"
    );
    assert!(!msg.contains("hidden"), "{msg}");
    let field = element(&r.body, "kommentar-1");
    assert!(
        field.contains("aria-invalid=\"true\" aria-describedby=\"fel-1\""),
        "{field}"
    );
    assert!(!element(&r.body, "belopp-1").contains("aria-invalid"));
    // Other rows carry no message.
    assert!(element(&r.body, "fel-0").contains("hidden"));
    // An amount that cannot be read: the amount field.
    let r = app
        .post(
            &path,
            Some(&cookie),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "12 kr och 50"),
                ("kommentar", "Prov."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element(&r.body, "belopp-1").contains("aria-invalid=\"true\""));
    assert!(!element(&r.body, "kommentar-1").contains("aria-invalid"));
    // A stale version: the line as a whole (no field), naming who.
    let ekonom = app.login("ekonom-sn").await;
    let r = app
        .post(
            &path,
            Some(&ekonom),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "300"),
                ("kommentar", "Ekonomen först."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post(
            &path,
            Some(&cookie),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "250"),
                ("kommentar", "Min bedömning."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let msg = element(&r.body, "fel-1");
    assert!(msg.contains("ekonom-sn"), "{msg}");
    assert!(!r.body.contains("aria-invalid"), "no field is blamed");
    let now = lines(&app.store(), "SN41")[1].version.to_string();
    assert!(
        r.body.contains(&format!(
            "name=\"grupp\" value=\"{}\">\n<input type=\"hidden\" name=\"version\" value=\"{now}\">",
            d.line.group
        )),
        "the row carries the stored version, so saving again overwrites deliberately"
    );
}

#[tokio::test]
async fn the_script_is_embedded_and_no_page_has_inline_script() {
    let app = App::new();
    let r = app.get("/delar.js", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/javascript"));
    assert!(r
        .header("content-security-policy")
        .starts_with("default-src 'self'"));
    assert!(r.body.contains("fetch(form.action"), "saves with fetch");
    assert!(r.body.contains("/sessionen"), "the session warning");
    let cookie = app.login("enhetschef-sn41").await;
    for path in ["/logga-in", "/", SN41, &format!("{SN41}/historik")] {
        let page = app.get(path, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body
                .contains("<script src=\"/delar.js\" defer></script>"),
            "{path}"
        );
        assert_eq!(
            page.body.matches("<script").count(),
            1,
            "{path}: one script"
        );
        for handler in [
            " onclick=",
            " onchange=",
            " onsubmit=",
            " onload=",
            "javascript:",
        ] {
            assert!(!page.body.contains(handler), "{path}: {handler}");
        }
    }
    // The forms post without the script as before.
    let page = app.get(SN41, Some(&cookie)).await;
    assert!(page
        .body
        .contains("<form method=\"post\" action=\"/prognos/2025-P2/SN41/rad\""));
}

#[tokio::test]
async fn the_session_warning_gets_the_seconds_left_and_staying_signed_in_extends_it() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let page = app.get("/", Some(&cookie)).await;
    let header = element(&page.body, "inloggad");
    let left: i64 = header
        .split("data-kvar=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{header}"));
    assert!((1790..=1800).contains(&left), "{left}");
    assert!(header.contains("data-varna=\"300\""), "{header}");
    assert!(page.body.contains("Fortsätt vara inloggad"));
    // Four minutes left: asking does not extend it; the button does.
    let token = cookie.split_once('=').unwrap().1;
    let hash = delar_app::auth::token_hash(token);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    app.store().extend_session(&hash, now + 240).unwrap();
    let r = app.get("/sessionen", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    let n: i64 = r.body.parse().unwrap();
    assert!((230..=240).contains(&n), "{n}");
    assert_eq!(
        app.store().session(&hash).unwrap().unwrap().expires_at,
        now + 240
    );
    let r = app.post("/sessionen", Some(&cookie), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let n: i64 = r.body.parse().unwrap();
    assert!((1790..=1800).contains(&n), "{n}");
    assert!(app.store().session(&hash).unwrap().unwrap().expires_at >= now + 1790);
    // Without a session, or after it ended: 0, and "stay signed in" is refused in Swedish.
    assert_eq!(app.get("/sessionen", None).await.body, "0");
    app.store().extend_session(&hash, now - 1).unwrap();
    assert_eq!(app.get("/sessionen", Some(&cookie)).await.body, "0");
    let r = app.post("/sessionen", Some(&cookie), &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("logga in igen"), "{}", r.body);
    // From another site, refused like every other POST.
    let r = app
        .send(post(
            "/sessionen",
            Some(&cookie),
            &[],
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_lock_button_is_shown_to_those_who_may_lock_and_locking_refuses_changes() {
    let app = App::new();
    let ekonom = app.login("ekonom").await;
    let sn = app.login("ekonom-sn").await;
    let r = app.get("/", Some(&sn)).await;
    assert!(
        !r.body.contains("Lås omgången"),
        "a committee's controller may not lock"
    );
    let r = app.get("/", Some(&ekonom)).await;
    assert!(
        r.body.contains("action=\"/omgang/2025-P2/las\""),
        "{}",
        r.body
    );
    // Flagged lines without a comment keep the round open, with the store's message.
    let r = app.post("/omgang/2025-P2/las", Some(&ekonom), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("saknar kommentar"), "{}", r.body);
    common::comment_every_line(&mut app.store());
    let r = app.post("/omgang/2025-P2/las", Some(&ekonom), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.get(&r.header("location"), Some(&ekonom)).await;
    assert!(
        r.body.contains("Prognosomgången 2025-P2 är låst."),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("Lås omgången"),
        "no button on a locked round"
    );
    // Every save is refused now.
    let chef = app.login("enhetschef-sn41").await;
    let d = &lines(&app.store(), "SN41")[0];
    let v = d.version.to_string();
    let r = app
        .post(
            &format!("{SN41}/rad"),
            Some(&chef),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("kommentar", "Efter låsningen."),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.body.contains("låst"), "{}", r.body);
    assert_eq!(lines(&app.store(), "SN41")[0].version, d.version);
}
