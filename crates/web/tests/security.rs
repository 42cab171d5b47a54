//! Attack tests against OWASP ASVS 4.0 level 2, for what applies to `delar serve`: sessions,
//! CSRF, XSS, SQL injection, brute force and user enumeration, oversized and malformed
//! uploads, security headers and the security log. Each check runs on SQLite and, with
//! `DELAR_TEST_PG`, on PostgreSQL (the store matters for sessions, lockout and injection).
//! docs/SECURITY.md maps every ASVS requirement to the test here that proves it.
//!
//! The checks are plain functions over an [`App`] and a runtime of their own (the
//! PostgreSQL client is synchronous and may not run inside the runtime), so one body serves
//! both backends.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use delar_store::prelude::*;
use std::time::Instant;
use tokio::runtime::Runtime;

fn rt() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Run `check` on SQLite and, when configured, on PostgreSQL.
fn both(check: fn(&App, &Runtime)) {
    let r = rt();
    check(&App::new(), &r);
    if let Some(app) = App::on_postgres() {
        check(&app, &r);
    }
}

/// A request with extra headers.
fn req(
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> Request<Body> {
    let body = form
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body)).unwrap()
}

/// The token of a `delar_session=…` cookie.
fn token_of(cookie: &str) -> &str {
    cookie.strip_prefix("delar_session=").unwrap()
}

/// A route pattern with its parameters filled in for SN41 in the test round.
fn concrete(pattern: &str) -> String {
    pattern.replace("{omgang}", ROUND).replace("{nod}", "SN41")
}

/// Whether a logged-in cookie still opens the start page.
fn works(app: &App, rt: &Runtime, cookie: &str) -> bool {
    rt.block_on(app.get("/", Some(cookie))).status == StatusCode::OK
}

// ---------------------------------------------------------------------------------------
// Sessions (ASVS V3)

fn sessions(app: &App, rt: &Runtime) {
    // 3.2.2: 256 random bits, hex; every login a new token.
    let mut tokens = Vec::new();
    for _ in 0..8 {
        let c = rt.block_on(app.login("ekonom-sn"));
        let t = token_of(&c).to_string();
        assert_eq!(t.len(), 64, "{t}");
        assert!(t.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!tokens.contains(&t), "a token repeated");
        tokens.push(t);
    }
    // Roughly half the bits set over 8 × 256 bits (a constant or counter would not be).
    let ones: u32 = tokens
        .iter()
        .flat_map(|t| t.chars())
        .map(|c| c.to_digit(16).unwrap().count_ones())
        .sum();
    assert!((900..1150).contains(&ones), "{ones} of 2048 bits set");
    // 3.2.3: the store keeps only the token's SHA-256.
    let s = app.store();
    for t in &tokens {
        assert!(s.session(t).unwrap().is_none(), "the raw token is stored");
        assert!(s
            .session(&delar_app::auth::token_hash(t))
            .unwrap()
            .is_some());
    }
    if !app.db.starts_with("postgres") {
        let mut bytes = std::fs::read(&app.db).unwrap();
        if let Ok(w) = std::fs::read(format!("{}-wal", app.db)) {
            bytes.extend(w);
        }
        let hay = String::from_utf8_lossy(&bytes);
        for t in &tokens {
            assert!(!hay.contains(t.as_str()), "a token is in the database file");
        }
    }

    // 3.2.1 (fixation): a login never adopts the cookie it came with, and ends that session.
    let old = rt.block_on(app.login("revisor"));
    let r = rt.block_on(app.send(post(
        "/logga-in",
        Some(&old),
        &[("anvandare", "ekonom-sn"), ("losenord", "demo")],
        Some(&format!("http://{HOST}")),
    )));
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let new = r.header("set-cookie");
    let new = new.split(';').next().unwrap();
    assert_ne!(new, old, "the session id changes at login");
    assert!(works(app, rt, new));
    assert!(
        !works(app, rt, &old),
        "the session the login came with must end"
    );
    let planted = format!("delar_session={}", "ab".repeat(32));
    let r = rt.block_on(app.send(post(
        "/logga-in",
        Some(&planted),
        &[("anvandare", "ekonom-sn"), ("losenord", "demo")],
        Some(&format!("http://{HOST}")),
    )));
    assert!(!r.header("set-cookie").contains(&"ab".repeat(32)));

    // 3.3.1: logout ends the session on the server; the old cookie no longer works.
    let c = rt.block_on(app.login("ekonom-sn"));
    assert!(works(app, rt, &c));
    let r = rt.block_on(app.post("/logga-ut", Some(&c), &[]));
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("set-cookie").contains("Max-Age=0"));
    assert!(
        !works(app, rt, &c),
        "the old cookie still works after logout"
    );
    assert_eq!(
        rt.block_on(app.post("/sessionen", Some(&c), &[])).status,
        StatusCode::UNAUTHORIZED
    );
    assert!(app
        .store()
        .session(&delar_app::auth::token_hash(token_of(&c)))
        .unwrap()
        .is_none());

    // 3.3.2: an idle session ends (30 minutes); the ended session is removed.
    let c = rt.block_on(app.login("ekonom-sn"));
    let h = delar_app::auth::token_hash(token_of(&c));
    let past = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 1;
    app.store().extend_session(&h, past).unwrap();
    let r = rt.block_on(app.get("/", Some(&c)));
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").starts_with("/logga-in"));
    assert!(app.store().session(&h).unwrap().is_none());

    // Malformed cookies are no session (never an error).
    for bad in [
        "delar_session=",
        "delar_session=zz",
        "delar_session=' OR '1'='1",
    ] {
        let r = rt.block_on(app.get("/", Some(bad)));
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bad}");
    }
    let long = format!("delar_session={}", "a".repeat(10_000));
    assert_eq!(
        rt.block_on(app.get("/", Some(&long))).status,
        StatusCode::SEE_OTHER
    );
}

#[test]
fn sessions_are_random_hashed_renewed_at_login_and_end_at_logout_and_expiry() {
    both(sessions);
}

#[test]
fn session_cookie_attributes() {
    // 3.4.1–3.4.3: HttpOnly, SameSite=Strict, Path=/ always; Secure behind HTTPS; no
    // persistent expiry (the server decides).
    let r = rt();
    let app = App::new();
    let c = r.block_on(app.send(post(
        "/logga-in",
        None,
        &[("anvandare", "revisor"), ("losenord", "demo")],
        Some(&format!("http://{HOST}")),
    )));
    let set = c.header("set-cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(part), "{set}");
    }
    assert!(!set.contains("Secure") && !set.contains("Expires") && !set.contains("Max-Age"));
    let secure = delar_web::router(delar_web::Config {
        db: app.db.clone(),
        secure_cookies: true,
        oidc: None,
    });
    let res = r
        .block_on(tower::ServiceExt::oneshot(
            secure,
            post(
                "/logga-in",
                None,
                &[("anvandare", "revisor"), ("losenord", "demo")],
                Some(&format!("https://{HOST}")),
            ),
        ))
        .unwrap();
    let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.contains("; Secure"), "{set}");
    // 14.4.5: HSTS behind HTTPS.
    let hsts = res
        .headers()
        .get("strict-transport-security")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(hsts.starts_with("max-age=31536000"), "HSTS: {hsts:?}");
    assert!(c.header("strict-transport-security").is_empty());
}

// ---------------------------------------------------------------------------------------
// CSRF (ASVS 4.2.2, 13.2.3)

/// What a cross-site request could change: line versions, states, sessions, the lock.
fn snapshot(app: &App, cookie: &str) -> (Vec<i64>, String, bool, bool) {
    let s = app.store();
    let versions = lines(&s, "SN41").iter().map(|d| d.version).collect();
    let state = s.workflow_state(ROUND, "SN41").unwrap().state.code();
    let locked = s
        .forecast_rounds()
        .unwrap()
        .iter()
        .any(|r| r.round.id() == ROUND && r.status == delar_store::RoundStatus::Locked);
    let session = s
        .session(&delar_app::auth::token_hash(token_of(cookie)))
        .unwrap()
        .is_some();
    (versions, state.to_string(), locked, session)
}

fn csrf(app: &App, rt: &Runtime) {
    let cookie = rt.block_on(app.login("ekonom"));
    {
        let mut s = app.store();
        comment_every_line(&mut s);
    }
    let before = snapshot(app, &cookie);
    let d = &lines(&app.store(), "SN41")[0];
    let version = d.version.to_string();
    let group = d.line.group.clone();
    let form: Vec<(&str, &str)> = vec![
        ("grupp", &group),
        ("version", &version),
        ("belopp", "1"),
        ("kommentar", "CSRF"),
        ("atgard", "godkann"),
        ("status", "utkast"),
        ("anvandare", "ekonom"),
        ("losenord", "demo"),
    ];
    let hostile: [&[(&str, &str)]; 6] = [
        &[("origin", "https://evil.example")],
        &[("origin", "null")],
        &[("origin", "http://delar.test.evil.example")],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://evil.example"),
        ],
    ];
    let posts: Vec<String> = routes::table()
        .into_iter()
        .filter(|(m, _)| m != "GET")
        .map(|(_, p)| concrete(&p))
        .collect();
    assert!(posts.len() >= 7, "{posts:?}");
    for path in &posts {
        for h in hostile {
            let r = rt.block_on(app.send(req("POST", path, Some(&cookie), &form, h)));
            assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {path} with {h:?}");
            assert!(r.body.contains("CSRF"), "{}", r.body);
        }
    }
    assert_eq!(
        snapshot(app, &cookie),
        before,
        "a cross-site POST changed something"
    );
    // The control: the same request from the site itself goes through.
    let r = rt.block_on(app.send(req(
        "POST",
        &format!("/prognos/{ROUND}/SN41/rad"),
        Some(&cookie),
        &form,
        &[
            ("origin", "http://delar.test"),
            ("sec-fetch-site", "same-origin"),
        ],
    )));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[test]
fn cross_site_posts_to_every_state_changing_route_are_refused() {
    both(csrf);
}

// ---------------------------------------------------------------------------------------
// XSS (ASVS 5.3.1, 5.3.3, 14.4.3)

const XSS: &str = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";

/// `body` shows `XSS` as text: escaped, never as markup.
fn shown_as_text(body: &str, what: &str) {
    assert!(!body.contains("<script>alert"), "{what}: raw script");
    assert!(!body.contains("<img src=x"), "{what}: raw img");
    assert!(
        body.contains("&lt;script&gt;alert(")
            || body.contains("&#60;script&#62;alert(")
            || body.contains("&lt;script&#62;"),
        "{what}: the payload is not shown escaped"
    );
}

fn xss(app: &App, rt: &Runtime) {
    let unit = rt.block_on(app.login("enhetschef-sn41"));
    let ekonom = rt.block_on(app.login("ekonom-sn"));
    let base = format!("/prognos/{ROUND}/SN41");
    // Stored in a line's comment, shown on the sheet, its history and the report.
    let d = &lines(&app.store(), "SN41")[0];
    let r = rt.block_on(app.post(
        &format!("{base}/rad"),
        Some(&unit),
        &[
            ("grupp", &d.line.group),
            ("version", &d.version.to_string()),
            ("kommentar", XSS),
        ],
    ));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = lines(&app.store(), "SN41")[0].line.comment.clone();
    assert_eq!(stored.as_deref(), Some(XSS), "stored verbatim");
    shown_as_text(&rt.block_on(app.get(&base, Some(&unit))).body, "sheet");
    shown_as_text(
        &rt.block_on(app.get(&format!("{base}/historik"), Some(&unit)))
            .body,
        "history",
    );
    // Reflected: the overview's search, the login form's name, a refused save.
    shown_as_text(
        &rt.block_on(app.get(
            &format!("/oversikt/{ROUND}?sok={}", enc(XSS)),
            Some(&ekonom),
        ))
        .body,
        "overview search",
    );
    let r = rt.block_on(app.post("/logga-in", None, &[("anvandare", XSS), ("losenord", "x")]));
    shown_as_text(&r.body, "login name");
    let d = &lines(&app.store(), "SN41")[1];
    let r = rt.block_on(app.post(
        &format!("{base}/rad"),
        Some(&unit),
        &[
            ("grupp", &d.line.group),
            ("version", &d.version.to_string()),
            ("belopp", XSS),
            ("kommentar", "x"),
        ],
    ));
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    shown_as_text(&r.body, "refused amount");
    // A returning controller's comment, shown to the unit manager.
    {
        let mut s = app.store();
        comment_all(&mut s, "SN41");
    }
    let st = app
        .store()
        .workflow_state(ROUND, "SN41")
        .unwrap()
        .state
        .code();
    let r = rt.block_on(app.post(
        &format!("{base}/status"),
        Some(&unit),
        &[("atgard", "skicka-in"), ("status", st)],
    ));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = rt.block_on(app.post(
        &format!("{base}/status"),
        Some(&ekonom),
        &[
            ("atgard", "skicka-tillbaka"),
            ("status", "inskickad"),
            ("kommentar", XSS),
        ],
    ));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    shown_as_text(
        &rt.block_on(app.get(&base, Some(&unit))).body,
        "return comment",
    );
    shown_as_text(
        &rt.block_on(app.get(&format!("{base}/historik"), Some(&ekonom)))
            .body,
        "return comment in history",
    );
    // An uploaded file's name in the refusal.
    let r = rt.block_on(app.send(upload_request(
        &format!("{base}/excel"),
        &ekonom,
        "<script>alert('x')</script>.xlsx",
        b"not a workbook",
    )));
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!r.body.contains("<script>alert"), "file name raw");
    // File names in Content-Disposition are built from checked values only; a quote or a
    // line break in the path never reaches the header.
    let r = rt.block_on(app.get(&format!("/oversikt/{ROUND}.csv"), Some(&ekonom)));
    assert_eq!(
        r.header("content-disposition"),
        format!(
            "attachment; filename=\"oversikt-{ROUND}.csv\"; \
             filename*=UTF-8''%C3%B6versikt-{ROUND}.csv"
        )
    );
    for evil in [
        "/oversikt/2025-P2%22%0D%0ASet-Cookie:%20x=1.csv",
        "/prognos/2025-P2/SN41%22%0D%0AX:%20y.xlsx",
    ] {
        let r = rt.block_on(app.get(evil, Some(&ekonom)));
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{evil}");
        assert!(r.header("content-disposition").is_empty());
        assert!(r.header("set-cookie").is_empty(), "{evil}");
    }
    // The login's next page is a local path only (no javascript: or other sites).
    for next in [
        "javascript:alert(1)",
        "//evil.example/",
        "https://evil.example/",
    ] {
        let r = rt.block_on(app.post(
            "/logga-in",
            None,
            &[
                ("anvandare", "revisor"),
                ("losenord", "demo"),
                ("nasta", next),
            ],
        ));
        assert_eq!(r.header("location"), "/", "{next}");
    }
}

#[test]
fn stored_and_reflected_markup_is_shown_as_text() {
    both(xss);
}

#[test]
fn uploaded_excel_cells_with_markup_are_stored_verbatim_and_shown_as_text() {
    let r = rt();
    let app = App::new();
    let cookie = r.block_on(app.login("enhetschef-sn41"));
    let base = format!("/prognos/{ROUND}/SN41");
    let file = r.block_on(app.get(&format!("{base}.xlsx"), Some(&cookie)));
    assert_eq!(file.status, StatusCode::OK);
    let mut sheets = read(&file.bytes);
    let header = col(&mut sheets, "Kommentar");
    let _ = header;
    set(
        &mut sheets,
        1,
        "Kommentar",
        calamine::Data::String(XSS.into()),
    );
    let up = r.block_on(app.send(upload_request(
        &format!("{base}/excel"),
        &cookie,
        "prognos.xlsx",
        &write(&sheets),
    )));
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    assert!(lines(&app.store(), "SN41")
        .iter()
        .any(|d| d.line.comment.as_deref() == Some(XSS)));
    shown_as_text(
        &r.block_on(app.get(&base, Some(&cookie))).body,
        "uploaded cell",
    );
}

// ---------------------------------------------------------------------------------------
// SQL injection and hostile text (ASVS 5.1.4, 5.3.4)

fn injection(app: &App, rt: &Runtime) {
    let unit = rt.block_on(app.login("enhetschef-sn41"));
    let ekonom = rt.block_on(app.login("ekonom-sn"));
    let base = format!("/prognos/{ROUND}/SN41");
    let counts = || {
        let s = app.store();
        let c = s.table_counts().unwrap();
        c.into_iter()
            .filter(|(t, _)| {
                !matches!(
                    *t,
                    "app_session" | "forecast_audit" | "app_user" | "workflow_transition"
                )
            })
            .collect::<Vec<_>>()
    };
    let before = counts();
    let hostile = [
        "'; DROP TABLE forecast_line; --".to_string(),
        "' OR '1'='1".to_string(),
        "Robert'); DROP TABLE app_user;--".to_string(),
        "\\'\"`$$; SELECT pg_sleep(5); --".to_string(),
        "ä".repeat(2000),
        "line one\nline two\ttabbed".to_string(),
    ];
    for (i, text) in hostile.iter().enumerate() {
        let all = lines(&app.store(), "SN41");
        let d = &all[i % all.len()];
        let r = rt.block_on(app.post(
            &format!("{base}/rad"),
            Some(&unit),
            &[
                ("grupp", &d.line.group),
                ("version", &d.version.to_string()),
                ("kommentar", text),
            ],
        ));
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{text:.40}: {}", r.body);
        let now = lines(&app.store(), "SN41");
        let saved = now.iter().find(|x| x.line.group == d.line.group).unwrap();
        assert_eq!(
            saved.line.comment.as_deref(),
            Some(text.as_str()),
            "verbatim"
        );
        let page = rt.block_on(app.get(&base, Some(&unit))).body;
        let shown = text.replace('\'', "&#39;").replace('"', "&#34;");
        let shown2 = text.replace('\'', "&#x27;").replace('"', "&quot;");
        let first = text.lines().next().unwrap();
        assert!(
            page.contains(&shown)
                || page.contains(&shown2)
                || page.contains(first.split('\'').next().unwrap()),
            "{text:.40} not shown"
        );
    }
    // Too long: refused with a message, nothing stored.
    let d = &lines(&app.store(), "SN41")[0];
    let r = rt.block_on(app.post(
        &format!("{base}/rad"),
        Some(&unit),
        &[
            ("grupp", &d.line.group),
            ("version", &d.version.to_string()),
            ("kommentar", &"x".repeat(100_000)),
        ],
    ));
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("högst 2000 tecken"), "{}", &r.body[..200]);
    // NUL and other control characters: refused with a message naming the field, on both
    // backends alike (PostgreSQL text cannot hold NUL at all).
    for bad in ["före\u{0}efter", "bell\u{7}"] {
        let d = &lines(&app.store(), "SN41")[0];
        let r = rt.block_on(app.post(
            &format!("{base}/rad"),
            Some(&unit),
            &[
                ("grupp", &d.line.group),
                ("version", &d.version.to_string()),
                ("kommentar", bad),
            ],
        ));
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad:?}: {}",
            r.body
        );
        assert!(r.body.contains("osynliga tecknet"), "{}", r.body);
    }
    let r = rt.block_on(app.post(
        &format!("{base}/status"),
        Some(&ekonom),
        &[
            ("atgard", "skicka-tillbaka"),
            ("status", "utkast"),
            ("kommentar", "retur\u{0}"),
        ],
    ));
    assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    // Every other text field: login, group, method, amount, state, query, path.
    for name in [
        "' OR '1'='1' --",
        "admin'--",
        "x\u{0}y",
        &"n".repeat(10_000),
    ] {
        let r = rt.block_on(app.post(
            "/logga-in",
            None,
            &[("anvandare", name), ("losenord", "' OR '1'='1")],
        ));
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "login {name:.20?}");
    }
    let d = &lines(&app.store(), "SN41")[0];
    for (field, value) in [
        ("grupp", "x' OR '1'='1"),
        ("metod", "'; DROP TABLE forecast_line; --"),
        ("belopp", "1'; DELETE FROM forecast_line; --"),
        ("grupp", "a\u{0}b"),
    ] {
        let version = d.version.to_string();
        let mut form = vec![
            ("grupp", d.line.group.as_str()),
            ("version", version.as_str()),
            ("kommentar", "Prov."),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let r = rt.block_on(app.post(&format!("{base}/rad"), Some(&unit), &form));
        assert!(
            r.status.is_client_error(),
            "{field}={value:?}: {} {}",
            r.status,
            r.body
        );
    }
    for path in [
        format!("/prognos/{ROUND}/SN41'--"),
        format!("/prognos/{ROUND}/SN41%00"),
        "/prognos/2025-P2'%20OR%20'1'='1/SN41".to_string(),
        format!("/oversikt/{ROUND}?sok=%27%3B%20DROP%20TABLE%20app_user%3B--"),
        format!("/oversikt/{ROUND}?sok=%00"),
        format!("/rapport/{ROUND}?nod=SN'%20OR%20'1'='1"),
        "/?omgang=2025-P2'--".to_string(),
    ] {
        let r = rt.block_on(app.get(&path, Some(&ekonom)));
        assert!(
            r.status == StatusCode::OK || r.status.is_client_error(),
            "{path}: {}",
            r.status
        );
    }
    assert_eq!(counts(), before, "a table changed its row count");
    assert!(app.store().user("admin").unwrap().is_some());
}

#[test]
fn hostile_text_in_every_field_is_stored_verbatim_or_refused_and_breaks_nothing() {
    both(injection);
}

// ---------------------------------------------------------------------------------------
// Brute force and enumeration (ASVS 2.2.1)

/// The message of a refused login page.
fn login_message(body: &str) -> String {
    let start = body
        .find("class=\"fel\"")
        .or_else(|| body.find("role=\"alert\""));
    let s = &body[start.expect("a login refusal shows a message")..];
    let s = &s[s.find('>').unwrap() + 1..];
    s[..s.find("</").unwrap()].to_string()
}

fn timed(
    app: &App,
    rt: &Runtime,
    user: &str,
    pw: &str,
) -> (std::time::Duration, String, StatusCode) {
    let t = Instant::now();
    let r = rt.block_on(app.post("/logga-in", None, &[("anvandare", user), ("losenord", pw)]));
    (t.elapsed(), r.body, r.status)
}

fn brute_force(app: &App, rt: &Runtime) {
    // An unknown name, a wrong password and a locked account: the same message.
    let (_, unknown, s1) = timed(app, rt, "finns-inte-alls", "gissning");
    let (_, wrong, s2) = timed(app, rt, "ekonom-von", "gissning");
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(login_message(&unknown), login_message(&wrong));
    for _ in 1..delar_app::auth::LOCK_AFTER {
        timed(app, rt, "ekonom-von", "gissning");
    }
    // Locked: even the right password is refused, with the same words.
    let (_, locked, s) = timed(app, rt, "ekonom-von", "demo");
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(login_message(&locked), login_message(&unknown));
    // And an unknown name tried as often looks the same.
    for _ in 0..delar_app::auth::LOCK_AFTER {
        timed(app, rt, "finns-inte-alls", "gissning");
    }
    let (_, unknown_again, _) = timed(app, rt, "finns-inte-alls", "demo");
    assert_eq!(login_message(&unknown_again), login_message(&locked));
    // Similar timing: every refusal checks a password hash (a locked account too).
    let median = |user: &str, pw: &str| {
        let mut v: Vec<_> = (0..5).map(|_| timed(app, rt, user, pw).0).collect();
        v.sort();
        v[2]
    };
    let t_wrong = median("ekonom-fsn", "gissning");
    let t_unknown = median("ingen-sadan", "gissning");
    let t_locked = median("ekonom-von", "demo");
    for (what, t) in [("unknown", t_unknown), ("locked", t_locked)] {
        assert!(
            t * 3 >= t_wrong && t <= t_wrong * 3,
            "{what}: {t:?} against a wrong password's {t_wrong:?}"
        );
    }
    // The lock ends: the right password works once the time has passed, and the count
    // starts again.
    app.store()
        .set_login_failures("ekonom-von", 7, Some(1_000))
        .unwrap();
    let (_, _, s) = timed(app, rt, "ekonom-von", "demo");
    assert_eq!(s, StatusCode::SEE_OTHER);
    let u = app.store().user("ekonom-von").unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
}

#[test]
fn repeated_failures_lock_and_unknown_users_look_the_same() {
    both(brute_force);
}

// ---------------------------------------------------------------------------------------
// Uploads (ASVS 12.1.1, 12.1.2, 12.1.3, 12.2.1)

/// A ZIP with one entry of `size` zero bytes (deflated to almost nothing).
fn zip_bomb(size: usize) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<Types/>").unwrap();
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..size / chunk.len() {
            z.write_all(&chunk).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn uploads(app: &App, rt: &Runtime) {
    let cookie = rt.block_on(app.login("enhetschef-sn41"));
    let path = format!("/prognos/{ROUND}/SN41/excel");
    let before: Vec<i64> = lines(&app.store(), "SN41")
        .iter()
        .map(|d| d.version)
        .collect();
    let bomb = zip_bomb(200 << 20);
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    let t = Instant::now();
    let r = rt.block_on(app.send(upload_request(&path, &cookie, "prognos.xlsx", &bomb)));
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("20 MB"), "{}", r.body);
    assert!(
        t.elapsed().as_secs() < 20,
        "the bomb took {:?}",
        t.elapsed()
    );
    for (name, bytes) in [
        ("bild.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ("prognos.xlsx", b"Kontogrupp;Prognos\nPersonal;1\n".to_vec()),
        ("tom.xlsx", Vec::new()),
        ("trasig.xlsx", b"PK\x03\x04 trasig".to_vec()),
    ] {
        let r = rt.block_on(app.send(upload_request(&path, &cookie, name, &bytes)));
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            r.body
        );
        assert!(r.body.contains(name), "{name}: the refusal names the file");
    }
    // Larger than the limit: 413 before the body is read whole.
    let big = vec![b'x'; 3 << 20];
    let r = rt.block_on(app.send(upload_request(&path, &cookie, "stor.xlsx", &big)));
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    // Malformed multipart: no boundary, a broken body, another field.
    let broken = |ct: &str, body: &'static [u8]| {
        Request::post(&path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    for (ct, body) in [
        ("multipart/form-data", &b"--x\r\n"[..]),
        (
            "multipart/form-data; boundary=x",
            &b"--x\r\nContent-Disposition: form-data; name=\"fil\"\r\n\r\nabc"[..],
        ),
        (
            "multipart/form-data; boundary=x",
            &b"--x\r\nContent-Disposition: form-data; name=\"annat\"\r\n\r\nabc\r\n--x--\r\n"[..],
        ),
        ("application/json", &b"{}"[..]),
    ] {
        let r = rt.block_on(app.send(broken(ct, body)));
        assert!(r.status.is_client_error(), "{ct}: {} {}", r.status, r.body);
    }
    let after: Vec<i64> = lines(&app.store(), "SN41")
        .iter()
        .map(|d| d.version)
        .collect();
    assert_eq!(before, after, "a refused upload changed a line");
}

#[test]
fn oversized_and_malformed_uploads_are_refused_and_change_nothing() {
    both(uploads);
}

// ---------------------------------------------------------------------------------------
// Headers (ASVS 14.4) on every route

#[test]
fn every_route_sends_the_security_headers() {
    let r = rt();
    let app = App::new();
    let cookie = r.block_on(app.login("ekonom"));
    let mut paths: Vec<String> = routes::table()
        .into_iter()
        .filter(|(m, _)| m == "GET")
        .map(|(_, p)| concrete(&p))
        .collect();
    paths.extend([
        format!("/prognos/{ROUND}/SN41.xlsx"),
        format!("/oversikt/{ROUND}.csv"),
        format!("/oversikt/{ROUND}.xlsx"),
        "/finns-inte".to_string(),
    ]);
    let mut answers: Vec<(String, Reply)> = paths
        .iter()
        .map(|p| (p.clone(), r.block_on(app.get(p, Some(&cookie)))))
        .collect();
    // A refusal and a POST answer carry them too.
    answers.push((
        "csrf".into(),
        r.block_on(app.send(req(
            "POST",
            "/logga-ut",
            Some(&cookie),
            &[],
            &[("origin", "https://evil.example")],
        ))),
    ));
    for (path, a) in &answers {
        assert!(a.status.as_u16() < 500, "{path}: {}", a.status);
        let csp = a.header("content-security-policy");
        for part in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{path}: CSP {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("script-src"), "{path}: {csp}");
        assert_eq!(a.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(a.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(a.header("referrer-policy"), "same-origin", "{path}");
        let cache = a.header("cache-control");
        if path == "/stil.css" || path == "/delar.js" {
            assert!(cache.starts_with("public"), "{path}: {cache}");
        } else {
            assert_eq!(cache, "no-store", "{path}");
        }
        assert!(a.header("server").is_empty(), "{path}: no server banner");
        let ct = a.header("content-type");
        assert!(
            !ct.is_empty() || a.status.is_redirection(),
            "{path}: a content type"
        );
        if ct.starts_with("text/") {
            assert!(ct.contains("charset=utf-8"), "{path}: {ct}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The security log (ASVS 7.1.1, 7.1.2, 7.2.1, 7.2.2)

#[test]
fn auth_failures_refusals_and_admin_actions_are_logged_without_secrets() {
    let r = rt();
    let app = App::new();
    let password = "Hemligt-lösen-8731";
    let failed = r.block_on(app.post(
        "/logga-in",
        None,
        &[("anvandare", "loggtest-okand"), ("losenord", password)],
    ));
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    let unit = r.block_on(app.login("enhetschef-sn42"));
    let forbidden = r.block_on(app.get(&format!("/prognos/{ROUND}/SN41"), Some(&unit)));
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let cross = r.block_on(app.send(req(
        "POST",
        "/logga-ut",
        Some(&unit),
        &[],
        &[("origin", "https://evil.example")],
    )));
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let admin = r.block_on(app.login("admin"));
    {
        let mut s = app.store();
        comment_every_line(&mut s);
    }
    let locked = r.block_on(app.post(&format!("/omgang/{ROUND}/las"), Some(&admin), &[]));
    assert_eq!(locked.status, StatusCode::SEE_OTHER, "{}", locked.body);
    let out = r.block_on(app.post("/logga-ut", Some(&admin), &[]));
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let log = delar_web::audit::recent();
    let has = |kind: &str, user: &str| {
        log.iter().any(|l| {
            l.contains(&format!("händelse={kind} ")) && l.contains(&format!("användare=\"{user}\""))
        })
    };
    assert!(has("inloggning-misslyckad", "loggtest-okand"), "{log:#?}");
    assert!(has("inloggning", "enhetschef-sn42"), "{log:#?}");
    assert!(has("atkomst-nekad", "enhetschef-sn42"), "{log:#?}");
    assert!(has("csrf-avvisad", ""), "{log:#?}");
    assert!(has("omgang-last", "admin"), "{log:#?}");
    assert!(has("utloggning", "admin"), "{log:#?}");
    for l in &log {
        assert!(!l.contains(password), "a password in the log: {l}");
        for c in [&unit, &admin] {
            let t = token_of(c);
            assert!(!l.contains(t), "a session token in the log: {l}");
            assert!(
                !l.contains(&delar_app::auth::token_hash(t)),
                "a token hash in the log: {l}"
            );
        }
        assert!(!l.contains("demo\""), "the demo password in the log: {l}");
    }
}

// ---------------------------------------------------------------------------------------
// Access control completeness (ASVS 4.1.3): the route table the matrix is held against

#[test]
fn the_route_table_is_read_from_the_router_and_a_missing_route_fails_the_matrix() {
    let table = routes::table();
    for want in [
        ("GET", "/halsa"),
        ("GET", "/sessionen"),
        ("POST", "/sessionen"),
        ("POST", "/logga-in"),
        ("POST", "/prognos/{omgang}/{nod}/rad"),
        ("POST", "/prognos/{omgang}/{nod}/excel"),
        ("GET", "/oversikt/{omgang}"),
    ] {
        assert!(
            table.iter().any(|(m, p)| m == want.0 && p == want.1),
            "{want:?} not in {table:?}"
        );
    }
    assert!(routes::matches(
        "/prognos/{omgang}/{nod}",
        "/prognos/2025-P2/SN41.xlsx"
    ));
    assert!(!routes::matches(
        "/prognos/{omgang}/{nod}",
        "/prognos/2025-P2/SN41/rad"
    ));
    assert!(routes::matches(
        "/oversikt/{omgang}",
        "/oversikt/2025-P2?sok=x"
    ));
    // Every route requested: covered. One left out: the check fails naming it.
    let all: Vec<(String, String)> = table
        .iter()
        .map(|(m, p)| (m.clone(), concrete(p)))
        .collect();
    routes::assert_covered(&all);
    let without: Vec<(String, String)> = all
        .iter()
        .filter(|(m, p)| !(m == "GET" && p.starts_with("/oversikt/")))
        .cloned()
        .collect();
    let e = std::panic::catch_unwind(|| routes::assert_covered(&without)).unwrap_err();
    let msg = e.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("GET /oversikt/{omgang}"), "{msg}");
}
