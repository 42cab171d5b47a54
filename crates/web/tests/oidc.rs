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

/// An app over an existing database (another server behind the same load balancer).
fn server_over(p: &Provider, db: &str, groups: &str) -> App {
    App {
        db: db.to_string(),
        router: delar_web::router(delar_web::Config {
            db: db.to_string(),
            secure_cookies: false,
            oidc: Some(p.config(groups)),
        }),
    }
}

/// Store work off the runtime's threads (the PostgreSQL client is synchronous).
async fn with_store<T: Send + 'static>(
    db: &str,
    f: impl FnOnce(&mut delar_store::SqlStore) -> T + Send + 'static,
) -> T {
    let db = db.to_string();
    tokio::task::spawn_blocking(move || f(&mut delar_store::open(&db).unwrap()))
        .await
        .unwrap()
}

/// The `state` of a sign-in's URL at the provider.
fn state_of(url: &str) -> String {
    openidconnect::url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned()
}

fn pending_count(s: &delar_store::SqlStore, state_sha256: &str) -> i64 {
    s.connection()
        .query_row(
            "SELECT COUNT(*) FROM oidc_pending WHERE state_sha256 = ?1",
            [state_sha256],
            |r| r.get(0),
        )
        .unwrap()
}

/// A sign-in begun on one server ends on another (no sticky sessions): the flow's secrets are
/// in the database under the state's hash, taken once whichever server answers, and an
/// expired one is refused and gone.
async fn across_servers(db: String) {
    let p = Provider::start();
    let a = server_over(&p, &db, "");
    let b = server_over(&p, &db, "");
    let (to, binding) = begin(&a, "/").await;
    let state = state_of(&to);
    let hash = delar_app::auth::token_hash(&state);
    let (kept, raw) = {
        let (h, st) = (hash.clone(), state.clone());
        with_store(&db, move |s| (pending_count(s, &h), pending_count(s, &st))).await
    };
    assert_eq!((kept, raw), (1, 0), "kept under the hash, never the state");
    let back = p.approve(&to).unwrap();
    let r = b.get(&path_of(&back), Some(&binding)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(set_cookie(&r, "delar_session").is_some());
    {
        let h = hash.clone();
        assert_eq!(
            with_store(&db, move |s| pending_count(s, &h)).await,
            0,
            "taken"
        );
    }
    // Replayed at the first server: refused there too.
    let again = a.get(&path_of(&back), Some(&binding)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again
            .body
            .contains("hör inte till någon pågående inloggning"),
        "{}",
        again.body
    );
    // A sign-in older than ten minutes is refused and removed.
    let (to, binding) = begin(&a, "/").await;
    let hash = delar_app::auth::token_hash(&state_of(&to));
    {
        let h = hash.clone();
        with_store(&db, move |s| {
            s.connection()
                .execute(
                    "UPDATE oidc_pending SET expires_at = created_at WHERE state_sha256 = ?1",
                    [h.as_str()],
                )
                .unwrap()
        })
        .await;
    }
    let back = p.approve(&to).unwrap();
    let r = b.get(&path_of(&back), Some(&binding)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("äldre än 10 minuter"), "{}", r.body);
    assert_eq!(with_store(&db, move |s| pending_count(s, &hash)).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_begun_on_one_server_ends_on_another_through_the_database() {
    across_servers(App::new().db).await;
    let pg = tokio::task::spawn_blocking(App::on_postgres).await.unwrap();
    if let Some(app) = pg {
        across_servers(app.db).await;
    }
}

/// Leaving a group withdraws the role its mapping gave at the next sign-in; a role an
/// administrator granted stays.
async fn groups_withdrawn(db: String) {
    let p = Provider::start();
    let app = server_over(
        &p,
        &db,
        "[[grupproll]]\ngrupp = \"grp-ekonomer-sn\"\nroll = \"ekonom\"\nnod = \"SN\"\n\
         [[grupproll]]\ngrupp = \"grp-lasare-von\"\nroll = \"lasare\"\nnod = \"VON\"\n",
    );
    let with_groups = |groups: serde_json::Value| {
        let mut mode = Mode::default();
        mode.claims["oid"] = "oid-ekonom".into();
        mode.claims["preferred_username"] = "Erik.Ekonom@exempelkommun.se".into();
        mode.claims["groups"] = groups;
        mode
    };
    p.set(with_groups(serde_json::json!([
        "grp-ekonomer-sn",
        "grp-lasare-von"
    ])));
    let r = sign_in(&app, &p, "/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let session = set_cookie(&r, "delar_session").unwrap();
    let von = format!("/prognos/{ROUND}/VON21");
    assert_eq!(app.get(&von, Some(&session)).await.status, StatusCode::OK);
    // An administrator grants a role of their own, through the administration page.
    let admin = app.login("admin").await;
    let r = app
        .post(
            "/admin/anvandare/erik.ekonom/behorighet",
            Some(&admin),
            &[("roll", "enhetschef"), ("nod", "VON21")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Erik leaves the readers' group: at the next sign-in its role goes, the rest stays.
    p.set(with_groups(serde_json::json!(["grp-ekonomer-sn"])));
    let r = sign_in(&app, &p, "/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let session = set_cookie(&r, "delar_session").unwrap();
    let grants = |db: &str| {
        let db = db.to_string();
        async move {
            with_store(&db, |s| {
                s.user("erik.ekonom")
                    .unwrap()
                    .unwrap()
                    .grants
                    .into_iter()
                    .map(|g| format!("{} {}", g.role, g.node))
                    .collect::<Vec<_>>()
            })
            .await
        }
    };
    assert_eq!(grants(&db).await, ["ekonom SN", "enhetschef VON21"]);
    assert_eq!(
        app.get(&format!("/prognos/{ROUND}/VON22"), Some(&session))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "the readers' role on VON is gone"
    );
    assert_eq!(app.get(&von, Some(&session)).await.status, StatusCode::OK);
    let log = with_store(&db, |s| s.admin_events(1).unwrap()).await;
    assert_eq!(log[0].action, "grupproll-aterkallad", "{log:?}");
    assert!(
        log[0].detail.contains("erik.ekonom") && log[0].detail.contains("lasare på VON"),
        "{log:?}"
    );
    // No group at all: the mapped role goes too, the administrator's stays.
    p.set(with_groups(serde_json::json!([])));
    let r = sign_in(&app, &p, "/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(grants(&db).await, ["enhetschef VON21"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_from_a_group_is_withdrawn_when_the_person_leaves_the_group() {
    groups_withdrawn(App::new().db).await;
    let pg = tokio::task::spawn_blocking(App::on_postgres).await.unwrap();
    if let Some(app) = pg {
        groups_withdrawn(app.db).await;
    }
}
