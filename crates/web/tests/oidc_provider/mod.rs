//! A small OpenID Connect provider the tests start on loopback (never the network): discovery,
//! the signing keys (JWKS), an authorisation endpoint that approves at once and sends the
//! browser back with a code, and a token endpoint that checks the code, the client's secret
//! and the PKCE verifier and issues an RS256-signed ID token. The key is generated when the
//! provider starts; what the token says (issuer, audience, expiry, nonce, signing key, claims)
//! can be set wrong on purpose ([`Mode`]) to see the application refuse it.
#![allow(dead_code)]

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::sha2::{Digest, Sha256};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The client the provider knows.
pub const CLIENT_ID: &str = "delar-test-klient";
/// Its secret.
pub const SECRET: &str = "test-hemlighet";
/// The redirect URL registered for the client.
pub const REDIRECT: &str = "http://127.0.0.1:9/logga-in/oidc/svar";
/// The key id in the JWKS.
pub const KID: &str = "testnyckel-1";

/// What the next ID token says; wrong on purpose when a test asks.
#[derive(Clone, Debug)]
pub struct Mode {
    /// `iss` (None: the provider's own issuer).
    pub issuer: Option<String>,
    /// `aud` (None: the client id).
    pub audience: Option<String>,
    /// Sign with a key that is not in the JWKS (same key id).
    pub foreign_key: bool,
    /// `exp` an hour ago.
    pub expired: bool,
    /// `nonce` (None: the one the authorisation request carried).
    pub nonce: Option<String>,
    /// Further claims (`oid`, `preferred_username`, `groups` …).
    pub claims: Value,
}

impl Default for Mode {
    fn default() -> Self {
        Mode {
            issuer: None,
            audience: None,
            foreign_key: false,
            expired: false,
            nonce: None,
            claims: json!({
                "oid": "5f0c7b1e-0000-4000-8000-00000000a001",
                "preferred_username": "Anna.Svensson@exempelkommun.se",
                "name": "Anna Svensson",
            }),
        }
    }
}

struct Grant {
    nonce: String,
    challenge: String,
    redirect: String,
}

struct Shared {
    issuer: String,
    key: RsaPrivateKey,
    foreign: RsaPrivateKey,
    mode: Mutex<Mode>,
    codes: Mutex<HashMap<String, Grant>>,
    /// What the token endpoint saw: (PKCE verified, client authenticated).
    pub exchanges: Mutex<Vec<(bool, bool)>>,
    /// Where the browser is sent instead of the registered redirect URL's origin (the
    /// application's real address, known only once a test serves it).
    redirect_origin: Mutex<Option<String>>,
}

/// The running provider; stops when dropped.
pub struct Provider {
    /// Its issuer URL (`http://127.0.0.1:PORT/tenant-test/v2.0`).
    pub issuer: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A JSON response (the app's axum has no `json` feature).
fn json_reply(status: StatusCode, v: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn random() -> String {
    let mut b = [0u8; 16];
    rsa::rand_core::RngCore::fill_bytes(&mut rsa::rand_core::OsRng, &mut b);
    b64(&b)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Provider {
    /// Start on a free loopback port, on a thread with a runtime of its own.
    pub fn start() -> Provider {
        let mut rng = rsa::rand_core::OsRng;
        let key = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let foreign = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let issuer = format!("http://127.0.0.1:{port}/tenant-test/v2.0");
        let shared = Arc::new(Shared {
            issuer: issuer.clone(),
            key,
            foreign,
            mode: Mutex::new(Mode::default()),
            codes: Mutex::new(HashMap::new()),
            exchanges: Mutex::new(Vec::new()),
            redirect_origin: Mutex::new(None),
        });
        let app = Router::new()
            .route(
                "/tenant-test/v2.0/.well-known/openid-configuration",
                get(discovery),
            )
            .route("/tenant-test/keys", get(keys))
            .route("/tenant-test/authorize", get(authorize_route))
            .route("/tenant-test/token", post(token))
            .with_state(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::from_std(listener).unwrap();
                let _ = axum::serve(l, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            });
        });
        Provider {
            issuer,
            shared,
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    /// The application's sign-in configuration for this provider (as `oidc.toml` would give
    /// it), with an optional group → role mapping.
    pub fn config(&self, groups: &str) -> delar_web::oidc::OidcConfig {
        let text = format!(
            "namn = \"Exempelkommuns konto\"\n\
             utfardare = \"{}\"\n\
             klient_id = \"{CLIENT_ID}\"\n\
             klienthemlighet_fran = \"DELAR_TEST_OIDC_HEMLIGHET\"\n\
             omdirigering = \"{REDIRECT}\"\n\
             anvandar_claim = \"oid\"\n\
             {groups}",
            self.issuer
        );
        delar_web::oidc::OidcConfig::parse(&text, "oidc.toml", |k| {
            (k == "DELAR_TEST_OIDC_HEMLIGHET").then(|| SECRET.to_string())
        })
        .unwrap()
    }

    /// Set what the next ID tokens say.
    pub fn set(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
    }

    /// Send the browser to `origin` (the application's address) instead of the registered
    /// redirect URL's.
    pub fn redirect_to(&self, origin: &str) {
        *self.shared.redirect_origin.lock().unwrap() = Some(origin.to_string());
    }

    /// The token endpoint's exchanges so far: (PKCE verified, client authenticated).
    pub fn exchanges(&self) -> Vec<(bool, bool)> {
        self.shared.exchanges.lock().unwrap().clone()
    }

    /// The authorisation endpoint without HTTP: the URL the application sent the browser to
    /// → where the provider sends it back (the registered redirect URL with code and state).
    pub fn approve(&self, url: &str) -> Result<String, String> {
        let u = openidconnect::url::Url::parse(url).map_err(|e| e.to_string())?;
        let q: HashMap<String, String> = u.query_pairs().into_owned().collect();
        approve(&self.shared, &q)
    }
}

async fn discovery(State(s): State<Arc<Shared>>) -> Response {
    let base = s.issuer.trim_end_matches("/v2.0");
    json_reply(
        StatusCode::OK,
        json!({
            "issuer": s.issuer,
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
            "jwks_uri": format!("{base}/keys"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "oid", "preferred_username", "name", "groups"],
        }),
    )
}

async fn keys(State(s): State<Arc<Shared>>) -> Response {
    let p = s.key.to_public_key();
    json_reply(
        StatusCode::OK,
        json!({ "keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
            "n": b64(&p.n().to_bytes_be()), "e": b64(&p.e().to_bytes_be()),
        }]}),
    )
}

fn approve(s: &Shared, q: &HashMap<String, String>) -> Result<String, String> {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("client_id") != CLIENT_ID {
        return Err(format!("okänd klient {}", get("client_id")));
    }
    if get("redirect_uri") != REDIRECT {
        return Err(format!("oregistrerad redirect_uri {}", get("redirect_uri")));
    }
    if get("response_type") != "code" || get("code_challenge_method") != "S256" {
        return Err("bara code med PKCE S256".into());
    }
    if !get("scope").split(' ').any(|x| x == "openid") {
        return Err("omfånget openid saknas".into());
    }
    let code = random();
    s.codes.lock().unwrap().insert(
        code.clone(),
        Grant {
            nonce: get("nonce"),
            challenge: get("code_challenge"),
            redirect: get("redirect_uri"),
        },
    );
    let mut back = openidconnect::url::Url::parse(REDIRECT).unwrap();
    if let Some(origin) = s.redirect_origin.lock().unwrap().as_deref() {
        back = openidconnect::url::Url::parse(origin)
            .unwrap()
            .join(back.path())
            .unwrap();
    }
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &get("state"));
    Ok(back.to_string())
}

async fn authorize_route(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match approve(&s, &q) {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

fn oauth_error(code: &str, why: &str) -> Response {
    json_reply(
        StatusCode::BAD_REQUEST,
        json!({ "error": code, "error_description": why }),
    )
}

async fn token(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let basic = format!("Basic {}", STANDARD.encode(format!("{CLIENT_ID}:{SECRET}")));
    let authenticated = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(basic.as_str())
        || (get("client_id") == CLIENT_ID && get("client_secret") == SECRET);
    let Some(grant) = s.codes.lock().unwrap().remove(&get("code")) else {
        return oauth_error("invalid_grant", "okänd eller redan använd kod");
    };
    let verified = b64(&Sha256::digest(get("code_verifier").as_bytes())) == grant.challenge;
    s.exchanges.lock().unwrap().push((verified, authenticated));
    if !authenticated {
        return oauth_error("invalid_client", "fel klienthemlighet");
    }
    if !verified {
        return oauth_error("invalid_grant", "PKCE-verifieraren stämmer inte");
    }
    if get("grant_type") != "authorization_code" || get("redirect_uri") != grant.redirect {
        return oauth_error("invalid_grant", "fel grant_type eller redirect_uri");
    }
    let mode = s.mode.lock().unwrap().clone();
    let now = now();
    let mut claims = json!({
        "iss": mode.issuer.clone().unwrap_or_else(|| s.issuer.clone()),
        "aud": mode.audience.clone().unwrap_or_else(|| CLIENT_ID.to_string()),
        "sub": "parvis-sub-1",
        "iat": now - 5,
        "nbf": now - 5,
        "exp": if mode.expired { now - 3600 } else { now + 3600 },
        "nonce": mode.nonce.clone().unwrap_or(grant.nonce),
    });
    if let (Some(c), Some(extra)) = (claims.as_object_mut(), mode.claims.as_object()) {
        for (k, v) in extra {
            c.insert(k.clone(), v.clone());
        }
    }
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": KID });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let key = if mode.foreign_key { &s.foreign } else { &s.key };
    let sig = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes());
    let id_token = format!("{input}.{}", b64(&sig.to_bytes()));
    json_reply(
        StatusCode::OK,
        json!({
            "access_token": random(),
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": id_token,
        }),
    )
}
