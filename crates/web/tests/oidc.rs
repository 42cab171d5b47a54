//! Sign-in with the municipality's accounts (OpenID Connect) against a provider the test
//! starts on loopback (`oidc_provider`): a good sign-in (PKCE verified, client authenticated,
//! the account created at the first sign-in with no roles, a session like a password login's),
//! group mapping granting a role, and every refusal with its Swedish message: wrong issuer,
//! wrong audience, a signature by a key the provider did not publish, an expired token, a
//! wrong nonce, a replayed or unknown state, an answer in another browser, the provider's own
//! error.

mod common;
mod oidc_provider;

use axum::http::StatusCode;
use common::{App, Reply, ROUND};
use delar_store::prelude::*;
use oidc_provider::{Mode, Provider};

/// A test database with the app configured for the provider.
fn app_with(p: &Provider, groups: &str) -> App {
    let plain = App::new();
    let router = delar_web::router(delar_web::Config {
        db: plain.db.clone(),
        secure_cookies: false,
        oidc: Some(p.config(groups)),
    });
    App {
        db: plain.db,
        router,
    }
}

/// The value of a cookie a response sets (`name=value`), if it sets it.
fn set_cookie(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap().trim().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
}

/// The start of a sign-in: the provider's URL and the binding cookie.
async fn begin(app: &App, next: &str) -> (String, String) {
    let r = app
        .get(&format!("/logga-in/oidc?nasta={}", common::enc(next)), None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.header("location");
    let binding = set_cookie(&r, "delar_oidc").expect("the binding cookie");
    assert!(
        r.headers
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().contains("HttpOnly; SameSite=Lax")),
        "the binding cookie is HttpOnly and goes along on the provider's redirect"
    );
    (to, binding)
}

/// The path (with query) of the provider's answer.
fn path_of(url: &str) -> String {
    let u = openidconnect::url::Url::parse(url).unwrap();
    format!("{}?{}", u.path(), u.query().unwrap_or(""))
}

/// A whole sign-in: begin, approve at the provider, answer with the binding cookie.
async fn sign_in(app: &App, p: &Provider, next: &str) -> Reply {
    let (to, binding) = begin(app, next).await;
    let back = p.approve(&to).unwrap();
    app.get(&path_of(&back), Some(&binding)).await
}

#[tokio::test]
async fn a_first_sign_in_creates_the_account_and_starts_a_session() {
    let p = Provider::start();
    let app = app_with(&p, "");
    // The login page offers the provider next to the password form.
    let page = app.get("/logga-in", None).await;
    assert!(
        page.body.contains("Logga in med Exempelkommuns konto"),
        "{}",
        page.body
    );
    assert!(!App::new()
        .get("/logga-in", None)
        .await
        .body
        .contains("Logga in med"));
    let (to, binding) = begin(&app, &format!("/prognos/{ROUND}/SN41")).await;
    assert!(
        to.starts_with(&p.issuer.replace("/v2.0", "/authorize")),
        "{to}"
    );
    for part in [
        "response_type=code",
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "state=",
        "scope=openid",
    ] {
        assert!(to.contains(part), "{part} in {to}");
    }
    let back = p.approve(&to).unwrap();
    let r = app.get(&path_of(&back), Some(&binding)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("Du är inloggad som <strong>anna.svensson</strong>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("kontot skapades nu"), "{}", r.body);
    assert!(
        r.body.contains(&format!(
            "http-equiv=\"refresh\" content=\"0;url=/prognos/{ROUND}/SN41\""
        )),
        "{}",
        r.body
    );
    assert_eq!(
        p.exchanges(),
        vec![(true, true)],
        "PKCE and the client secret"
    );
    let session = set_cookie(&r, "delar_session").expect("a session cookie");
    assert_eq!(
        set_cookie(&r, "delar_oidc").as_deref(),
        Some("delar_oidc="),
        "the binding cookie is removed"
    );
    assert!(r
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().contains("HttpOnly; SameSite=Strict")));
    // The same session as a password login's: the start page knows the person …
    let start = app.get("/", Some(&session)).await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    assert!(start.body.contains("anna.svensson"), "{}", start.body);
    // … who has no roles until an administrator grants them.
    let sheet = app
        .get(&format!("/prognos/{ROUND}/SN41"), Some(&session))
        .await;
    assert_eq!(sheet.status, StatusCode::FORBIDDEN);
    let s = app.store();
    let u = s.user("anna.svensson").unwrap().unwrap();
    assert!(u.grants.is_empty());
    assert_eq!(u.password_hash, "", "no password signs the account in");
    let id = s
        .external_identity(&p.issuer, "5f0c7b1e-0000-4000-8000-00000000a001")
        .unwrap()
        .unwrap();
    assert_eq!(
        (id.user.as_str(), id.claim.as_str()),
        ("anna.svensson", "oid")
    );
    // The answer cannot be used twice.
    let again = app.get(&path_of(&back), Some(&binding)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again
            .body
            .contains("hör inte till någon pågående inloggning"),
        "{}",
        again.body
    );
    assert!(set_cookie(&again, "delar_session").is_none());
    // A second sign-in finds the account and gives a new session; the old one has ended.
    let (to, binding) = begin(&app, "/").await;
    let back = p.approve(&to).unwrap();
    let cookies = format!("{binding}; {session}");
    let r2 = app.get(&path_of(&back), Some(&cookies)).await;
    assert_eq!(r2.status, StatusCode::OK, "{}", r2.body);
    assert!(!r2.body.contains("kontot skapades nu"));
    let session2 = set_cookie(&r2, "delar_session").unwrap();
    assert_ne!(session2, session, "the session id is new");
    assert_eq!(
        app.get("/sessionen", Some(&session)).await.body,
        "0",
        "the old session ended"
    );
    assert_eq!(
        s.users()
            .unwrap()
            .iter()
            .filter(|u| u.name.starts_with("anna"))
            .count(),
        1
    );
}

#[tokio::test]
async fn a_group_in_the_mapping_grants_its_role() {
    let p = Provider::start();
    let app = app_with(
        &p,
        "[[grupproll]]\ngrupp = \"grp-ekonomer-sn\"\nroll = \"ekonom\"\nnod = \"SN\"\n",
    );
    let mut mode = Mode::default();
    mode.claims["oid"] = "oid-ekonom".into();
    mode.claims["preferred_username"] = "Erik.Ekonom@exempelkommun.se".into();
    mode.claims["groups"] = serde_json::json!(["grp-alla", "grp-ekonomer-sn"]);
    p.set(mode);
    let r = sign_in(&app, &p, "/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let session = set_cookie(&r, "delar_session").unwrap();
    let sheet = app
        .get(&format!("/prognos/{ROUND}/SN41"), Some(&session))
        .await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.body);
    let other = app
        .get(&format!("/prognos/{ROUND}/VON21"), Some(&session))
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let u = app.store().user("erik.ekonom").unwrap().unwrap();
    assert_eq!(
        u.grants
            .iter()
            .map(|g| (g.role.as_str(), g.node.as_str()))
            .collect::<Vec<_>>(),
        [("ekonom", "SN")]
    );
    let log = app.store().admin_events(5).unwrap();
    assert!(log[0].detail.contains("erik.ekonom skapades"), "{log:?}");
    assert!(log[0].detail.contains("ekonom på SN"), "{log:?}");
}

#[tokio::test]
async fn a_token_that_does_not_hold_is_refused_in_swedish() {
    let p = Provider::start();
    let app = app_with(&p, "");
    let cases: Vec<(&str, Mode, &str)> = vec![
        (
            "fel utfärdare",
            Mode {
                issuer: Some("https://login.microsoftonline.com/annan-katalog/v2.0".into()),
                ..Mode::default()
            },
            "utfärdad av någon annan än",
        ),
        (
            "fel mottagare",
            Mode {
                audience: Some("ett-annat-program".into()),
                ..Mode::default()
            },
            "inte utfärdad till det här programmet",
        ),
        (
            "fel nyckel",
            Mode {
                foreign_key: true,
                ..Mode::default()
            },
            "signatur stämmer inte",
        ),
        (
            "utgången",
            Mode {
                expired: true,
                ..Mode::default()
            },
            "ID-token har gått ut",
        ),
        (
            "fel nonce",
            Mode {
                nonce: Some("en-annan-nonce".into()),
                ..Mode::default()
            },
            "hör inte till den här inloggningen (fel nonce)",
        ),
    ];
    for (what, mode, says) in cases {
        p.set(mode);
        let r = sign_in(&app, &p, "/").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {}", r.body);
        assert!(r.body.contains("Inloggningen misslyckades"), "{what}");
        assert!(r.body.contains(says), "{what}: {}", r.body);
        assert!(r.body.contains("börja om från inloggningssidan"), "{what}");
        assert!(set_cookie(&r, "delar_session").is_none(), "{what}");
    }
    assert!(
        app.store()
            .users()
            .unwrap()
            .iter()
            .all(|u| !u.name.starts_with("anna")),
        "no account from a refused token"
    );
}

#[tokio::test]
async fn a_foreign_or_replayed_state_and_another_browser_are_refused() {
    let p = Provider::start();
    let app = app_with(&p, "");
    // A state the server never gave out (a forged answer).
    let (to, binding) = begin(&app, "/").await;
    let back = p.approve(&to).unwrap();
    let forged = path_of(&back).replace("state=", "state=x");
    let r = app.get(&forged, Some(&binding)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("hör inte till någon pågående inloggning"),
        "{}",
        r.body
    );
    // The real answer in a browser without the binding cookie (login CSRF) …
    let r = app.get(&path_of(&back), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("en annan webbläsare"), "{}", r.body);
    // … has used the state up: the right browser cannot use it afterwards either.
    let r = app.get(&path_of(&back), Some(&binding)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Another browser's binding cookie.
    let (to, _) = begin(&app, "/").await;
    let (_, other) = begin(&app, "/").await;
    let r = app
        .get(&path_of(&p.approve(&to).unwrap()), Some(&other))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The provider's own refusal is shown with its reason.
    let (to, binding) = begin(&app, "/").await;
    let state = openidconnect::url::Url::parse(&to)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let r = app
        .get(
            &format!(
                "/logga-in/oidc/svar?error=access_denied&error_description=Anv%C3%A4ndaren+avbr%C3%B6t&state={state}"
            ),
            Some(&binding),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body
            .contains("avbröts (access_denied: Användaren avbröt)"),
        "{}",
        r.body
    );
    assert!(app
        .store()
        .users()
        .unwrap()
        .iter()
        .all(|u| !u.name.starts_with("anna")));
    // Without a configured provider the routes do not exist.
    let plain = App::new();
    assert_eq!(
        plain.get("/logga-in/oidc", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unknown_people_are_refused_when_accounts_are_not_created_at_sign_in() {
    let p = Provider::start();
    let app = app_with(&p, "skapa_anvandare = false\n");
    let r = sign_in(&app, &p, "/").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert!(
        r.body
            .contains("det finns inget konto i delar för din inloggning"),
        "{}",
        r.body
    );
}
