//! Failed logins counted per client address as well as per account (ASVS 2.2.1 against
//! password spraying: one guess tried against many names from one address), on SQLite and,
//! with `DELAR_TEST_PG`, on PostgreSQL: the address is stopped with one answer for every
//! name, known or not, and even for the right password; other addresses go on; a second
//! server over the same database refuses the address too; the security log names the event
//! and the address. Behind the HTTPS proxy the address is the last `X-Forwarded-For` entry,
//! and without it that header is ignored. Last, over real TCP (`delar_web::start`), the peer's
//! address reaches the handler.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::*;
use delar_app::auth::{ADDRESS_LIMIT, ADDRESS_REFUSED, LOGIN_REFUSED};
use delar_store::prelude::*;
use std::net::SocketAddr;
use tokio::runtime::Runtime;
use tower::ServiceExt;

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

/// A login form post from `peer` (as the server's connection gives it), with extra headers.
fn login_from(user: &str, password: &str, peer: &str, extra: &[(&str, &str)]) -> Request<Body> {
    let mut req = post(
        "/logga-in",
        None,
        &[("anvandare", user), ("losenord", password)],
        Some(&format!("http://{HOST}")),
    );
    for (k, v) in extra {
        req.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            axum::http::HeaderValue::from_str(v).unwrap(),
        );
    }
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    req
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The refusal's words on the login page (askama escapes nothing in these two texts but the
/// page also repeats the name typed, so only the message is compared).
fn says(body: &str, message: &str) -> bool {
    body.contains(message)
}

/// Store work off the runtime's threads (the PostgreSQL client is synchronous).
async fn with_store<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&delar_store::SqlStore) -> T + Send + 'static,
) -> T {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || f(&delar_store::open(&db).unwrap()))
        .await
        .unwrap()
}

fn a_router(db: &str, behind_proxy: bool) -> Router {
    delar_web::router(delar_web::Config {
        db: db.to_string(),
        secure_cookies: behind_proxy,
        oidc: None,
    })
}

#[test]
fn many_names_from_one_address_are_stopped_alike_for_every_name() {
    both(spraying);
}

fn spraying(app: &App, rt: &Runtime) {
    rt.block_on(async {
        let spray = "203.0.113.7";
        for i in 0..ADDRESS_LIMIT {
            // Mostly names that do not exist, some that do: none reaches its own lock.
            let name = if i % 5 == 0 {
                format!("enhetschef-sn{}", 41 + i / 5)
            } else {
                format!("gissat-namn-{i}")
            };
            let (status, body) =
                send(&app.router, login_from(&name, "Sommar2025!", spray, &[])).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
            assert!(says(&body, LOGIN_REFUSED), "attempt {i}: {body}");
        }
        // The address is stopped now: an unknown name, a known one with a wrong password and
        // the right password all get the same answer, and no password is checked.
        let mut answers = Vec::new();
        for (user, pw) in [
            ("finns-inte", "demo"),
            ("enhetschef-sn21", "fel"),
            ("enhetschef-sn21", "demo"),
        ] {
            let (status, body) = send(&app.router, login_from(user, pw, spray, &[])).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{user}");
            assert!(says(&body, ADDRESS_REFUSED), "{user}: {body}");
            assert!(!says(&body, LOGIN_REFUSED), "{user}");
            answers.push(body.replace(user, "NAMN"));
        }
        assert_eq!(answers[0], answers[1], "no hint whether the name exists");
        assert_eq!(answers[1], answers[2]);
        let (u, f) = with_store(app, move |s| {
            (
                s.user("enhetschef-sn21").unwrap().unwrap(),
                s.address_failures(spray).unwrap().unwrap(),
            )
        })
        .await;
        assert_eq!(
            (u.failed_logins, u.locked_until),
            (0, None),
            "attempts refused by the address do not count against the account"
        );
        assert_eq!(f.failures, ADDRESS_LIMIT);
        assert!(f.locked_until.is_some());
        // Another address logs in as usual.
        let (status, _) = send(
            &app.router,
            login_from("enhetschef-sn21", "demo", "198.51.100.20", &[]),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // A second server over the same database refuses the address too.
        let other = a_router(&app.db, false);
        let (status, body) = send(&other, login_from("enhetschef-sn21", "demo", spray, &[])).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(says(&body, ADDRESS_REFUSED), "{body}");
        // The security log names the event and the address, never the password.
        let log = delar_web::audit::recent();
        assert!(
            log.iter()
                .any(|l| l.contains("händelse=inloggning-stoppad-adress")
                    && l.contains("enhetschef-sn21")
                    && l.contains(&format!("från {spray}"))),
            "{log:#?}"
        );
        assert!(
            log.iter()
                .any(|l| l.contains("händelse=inloggning-misslyckad")
                    && l.contains("gissat-namn-1")
                    && l.contains(&format!("från {spray}"))),
            "{log:#?}"
        );
        assert!(log.iter().all(|l| !l.contains("Sommar2025")), "{log:#?}");
    });
}

#[test]
fn behind_the_proxy_the_last_forwarded_address_counts_and_otherwise_the_peer() {
    both(forwarded);
}

fn forwarded(app: &App, rt: &Runtime) {
    rt.block_on(async {
        let proxy = "10.0.0.2";
        let behind = a_router(&app.db, true);
        // Every client reaches the server through the proxy; the proxy appends the address it
        // saw. The client's own (forged) entries on the left change nothing.
        for i in 0..ADDRESS_LIMIT {
            let forged = format!("192.0.2.{i}, 203.0.113.50");
            let (status, _) = send(
                &behind,
                login_from(
                    "gissat-namn",
                    "fel",
                    proxy,
                    &[("x-forwarded-for", forged.as_str())],
                ),
            )
            .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, body) = send(
            &behind,
            login_from(
                "enhetschef-sn21",
                "demo",
                proxy,
                &[("x-forwarded-for", "203.0.113.50")],
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(says(&body, ADDRESS_REFUSED), "{body}");
        // Another client behind the same proxy is not affected.
        let (status, _) = send(
            &behind,
            login_from(
                "enhetschef-sn21",
                "demo",
                proxy,
                &[("x-forwarded-for", "203.0.113.51")],
            ),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            with_store(app, move |s| s.address_failures(proxy).unwrap())
                .await
                .is_none(),
            "the proxy itself is not counted"
        );
        // Without --bakom-https the header is anyone's to write: the peer counts, and a new
        // X-Forwarded-For on every try does not escape.
        let direct = a_router(&app.db, false);
        let peer = "198.51.100.77";
        for i in 0..ADDRESS_LIMIT {
            let fresh = format!("192.0.2.{i}");
            send(
                &direct,
                login_from(
                    "gissat-namn",
                    "fel",
                    peer,
                    &[("x-forwarded-for", fresh.as_str())],
                ),
            )
            .await;
        }
        let (_, body) = send(
            &direct,
            login_from(
                "enhetschef-sn21",
                "demo",
                peer,
                &[("x-forwarded-for", "192.0.2.250")],
            ),
        )
        .await;
        assert!(says(&body, ADDRESS_REFUSED), "{body}");
        let f = with_store(app, move |s| s.address_failures(peer).unwrap().unwrap()).await;
        assert_eq!(f.failures, ADDRESS_LIMIT);
    });
}

#[test]
fn the_served_application_counts_the_connections_peer() {
    let app = App::new();
    let server = delar_web::start(
        delar_web::Config {
            db: app.db.clone(),
            secure_cookies: false,
            oidc: None,
        },
        "127.0.0.1:0",
        2,
    )
    .unwrap();
    let url = format!("http://{}/logga-in", server.addr);
    rt().block_on(async {
        let client = openidconnect::reqwest::Client::builder()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let post = |user: &str, pw: &str| {
            client
                .post(&url)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(format!("anvandare={}&losenord={}", enc(user), enc(pw)))
                .send()
        };
        for i in 0..ADDRESS_LIMIT {
            let r = post(&format!("namn-{i}"), "fel").await.unwrap();
            assert_eq!(r.status().as_u16(), 401);
        }
        let r = post("enhetschef-sn21", "demo").await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
        let body = r.text().await.unwrap();
        assert!(says(&body, ADDRESS_REFUSED), "{body}");
    });
    let f = app.store().address_failures("127.0.0.1").unwrap().unwrap();
    assert_eq!(f.failures, ADDRESS_LIMIT);
}
