//! Sign-in with the municipality's accounts: OpenID Connect (Entra ID, AD FS 2016+ or any
//! OpenID provider) with the `openidconnect` crate.
//!
//! The authorisation code flow with PKCE (S256), `state` and `nonce`: `GET /logga-in/oidc`
//! (a link, not a form: the pages' `form-action 'self'` would stop a form's redirect to the
//! provider) keeps the flow's secrets (the PKCE verifier, the nonce, the page to go to) in the
//! database (`oidc_pending`, migration 27) under the SHA-256 of the random `state` for
//! [`PENDING_SECONDS`], so that any of several servers behind a load balancer can take the
//! answer; bound to this browser by a random value in a short-lived cookie (`delar_oidc`, only
//! its hash kept), and sends the browser to the provider. `GET /logga-in/oidc/svar` takes the
//! entry out in one statement (one use: a replayed or foreign `state` finds nothing, on every
//! server), checks the cookie, exchanges the code (with the PKCE verifier) for
//! an ID token and validates it: signature by the provider's published keys (JWKS), issuer
//! exactly the configured one, audience our client id, expiry, nonce. Then
//! `delar_app::external::sign_in` finds or creates the account and starts a session exactly
//! like a password login's.
//!
//! The session cookie is `SameSite=Strict`, which a browser does not send on a navigation that
//! began at the provider, so the answer is a page that moves on to the page asked for by
//! itself (`<meta http-equiv="refresh">`, no script), which makes the next request a same-site
//! one.
//!
//! The configuration is a TOML file (`delar serve --oidc oidc.toml`, [`OidcConfig`]);
//! docs/WEB.md has an Entra ID example.

use crate::pages::{render, Layout};
use crate::session;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use delar_app::auth::Role;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::url;
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The path the provider sends the browser back to (the configured redirect URL's path).
pub const CALLBACK_PATH: &str = "/logga-in/oidc/svar";

/// How long a sign-in may take at the provider before its `state` is forgotten.
pub const PENDING_SECONDS: i64 = 600;

/// Sign-ins under way at most (the oldest is forgotten first when there are more).
pub const MAX_PENDING: usize = 10_000;

/// How long the provider's discovery document and keys are kept before they are fetched
/// again (key rotation).
pub const METADATA_SECONDS: u64 = 3600;

/// The cookie that binds a sign-in to the browser that began it.
pub const BINDING_COOKIE: &str = "delar_oidc";

/// The client secret: never printed.
#[derive(Clone, Default)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "(ingen)"
        } else {
            "(dold)"
        })
    }
}

/// A group (or app role) whose members get a role on a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRole {
    /// The group's value in the group claim (Entra ID: the group's object id).
    pub group: String,
    /// The role.
    pub role: Role,
    /// The node it is granted on.
    pub node: String,
}

/// The sign-in configuration (`oidc.toml`).
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// The provider's name on the login page's button ("Logga in med …").
    pub name: String,
    /// The issuer: exactly the tenant-specific one
    /// (`https://login.microsoftonline.com/{tenant}/v2.0`).
    pub issuer: String,
    /// The client (application) id registered at the provider.
    pub client_id: String,
    /// The client secret (read from the environment variable the file names).
    pub secret: Secret,
    /// Where the provider sends the browser back: `https://<server>/logga-in/oidc/svar`.
    pub redirect_url: String,
    /// The claim that identifies a person (`oid` for Entra ID, `sub`, …).
    pub user_claim: String,
    /// The claim a new account's login name is made from (`preferred_username`, `email`).
    pub name_claim: String,
    /// The claim with the person's groups (`groups`, or `roles` for app roles).
    pub group_claim: String,
    /// Whether an unknown person gets an account at the first sign-in.
    pub create_users: bool,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// Groups whose members get roles.
    pub group_roles: Vec<GroupRole>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroupRole {
    grupp: String,
    roll: String,
    nod: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    namn: String,
    utfardare: String,
    klient_id: String,
    klienthemlighet_fran: Option<String>,
    omdirigering: String,
    anvandar_claim: Option<String>,
    namn_claim: Option<String>,
    grupp_claim: Option<String>,
    skapa_anvandare: Option<bool>,
    omfang: Option<Vec<String>>,
    #[serde(default)]
    grupproll: Vec<RawGroupRole>,
}

fn is_loopback(u: &url::Url) -> bool {
    matches!(
        u.host_str(),
        Some("127.0.0.1") | Some("localhost") | Some("[::1]") | Some("::1")
    )
}

impl OidcConfig {
    /// Read the configuration file; the client secret from the environment variable it names.
    pub fn load(path: &std::path::Path) -> Result<OidcConfig, String> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!("inloggningsinställningen {file} kan inte läsas: {e}; ange en befintlig fil med --oidc")
        })?;
        OidcConfig::parse(&text, &file, |k| std::env::var(k).ok())
    }

    /// Parse and check a configuration; `env` gives environment variables (the secret).
    pub fn parse(
        text: &str,
        file: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<OidcConfig, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            format!(
                "{file}: inställningen kan inte läsas: {}; se exemplet i docs/WEB.md",
                e.to_string().trim()
            )
        })?;
        let bad = |field: &str, why: String| format!("{file}, fältet {field}: {why}");
        let issuer = raw.utfardare.trim().trim_end_matches('/').to_string();
        let iu = url::Url::parse(&issuer).map_err(|e| {
            bad(
                "utfardare",
                format!("\"{issuer}\" är ingen URL ({e}); skriv t.ex. https://login.microsoftonline.com/<katalog-id>/v2.0"),
            )
        })?;
        if iu.scheme() != "https" && !is_loopback(&iu) {
            return Err(bad(
                "utfardare",
                format!("\"{issuer}\" måste börja med https://"),
            ));
        }
        let lower = issuer.to_lowercase();
        if [
            "/common/",
            "/organizations/",
            "/consumers/",
            "{tenant}",
            "<",
        ]
        .iter()
        .any(|p| lower.contains(p) || lower.ends_with(p.trim_end_matches('/')))
        {
            return Err(bad(
                "utfardare",
                format!(
                    "\"{issuer}\" är inte en enskild katalogs (tenant) utfärdare; ange \
                     katalogens id: https://login.microsoftonline.com/<katalog-id>/v2.0"
                ),
            ));
        }
        let redirect = raw.omdirigering.trim().to_string();
        let ru = url::Url::parse(&redirect)
            .map_err(|e| bad("omdirigering", format!("\"{redirect}\" är ingen URL ({e})")))?;
        if ru.path() != CALLBACK_PATH {
            return Err(bad(
                "omdirigering",
                format!(
                    "\"{redirect}\" ska sluta på {CALLBACK_PATH} (t.ex. \
                     https://delar.kommun.se{CALLBACK_PATH}) och registreras likadant hos \
                     inloggningstjänsten"
                ),
            ));
        }
        if ru.scheme() != "https" && !is_loopback(&ru) {
            return Err(bad(
                "omdirigering",
                format!("\"{redirect}\" måste börja med https:// (servern bakom en HTTPS-proxy)"),
            ));
        }
        if raw.klient_id.trim().is_empty() {
            return Err(bad(
                "klient_id",
                "är tomt; ange programmets (klientens) id från inloggningstjänsten".into(),
            ));
        }
        let secret = match raw.klienthemlighet_fran.as_deref().map(str::trim) {
            None | Some("") => Secret::default(),
            Some(var) => match env(var) {
                Some(v) if !v.trim().is_empty() => Secret(v.trim().to_string()),
                _ => {
                    return Err(bad(
                        "klienthemlighet_fran",
                        format!(
                            "miljövariabeln {var} är inte satt; sätt den till klienthemligheten \
                             innan servern startas"
                        ),
                    ))
                }
            },
        };
        let mut group_roles = Vec::new();
        for (i, g) in raw.grupproll.iter().enumerate() {
            let role = Role::parse_or_err(&g.roll)
                .map_err(|e| bad(&format!("grupproll nr {}, roll", i + 1), e.to_string()))?;
            if g.grupp.trim().is_empty() || g.nod.trim().is_empty() {
                return Err(bad(
                    &format!("grupproll nr {}", i + 1),
                    "grupp och nod får inte vara tomma".into(),
                ));
            }
            group_roles.push(GroupRole {
                group: g.grupp.trim().to_string(),
                role,
                node: g.nod.trim().to_string(),
            });
        }
        let name = raw.namn.trim().to_string();
        if name.is_empty() {
            return Err(bad(
                "namn",
                "är tomt; skriv det namn knappen ska visa, t.ex. \"kommunens konto\"".into(),
            ));
        }
        Ok(OidcConfig {
            name,
            issuer,
            client_id: raw.klient_id.trim().to_string(),
            secret,
            redirect_url: redirect,
            user_claim: raw.anvandar_claim.unwrap_or_else(|| "sub".into()),
            name_claim: raw
                .namn_claim
                .unwrap_or_else(|| "preferred_username".into()),
            group_claim: raw.grupp_claim.unwrap_or_else(|| "groups".into()),
            create_users: raw.skapa_anvandare.unwrap_or(true),
            scopes: raw
                .omfang
                .unwrap_or_else(|| vec!["profile".into(), "email".into()])
                .into_iter()
                .filter(|s| s != "openid")
                .collect(),
            group_roles,
        })
    }

    /// The roles the groups in `claims` give.
    pub fn mapped_roles(&self, claims: &Value) -> Vec<(Role, String)> {
        let groups: Vec<String> = match claims.get(&self.group_claim) {
            Some(Value::Array(a)) => a.iter().filter_map(claim_text).collect(),
            Some(v) => claim_text(v).into_iter().collect(),
            None => Vec::new(),
        };
        self.group_roles
            .iter()
            .filter(|g| groups.contains(&g.group))
            .map(|g| (g.role, g.node.clone()))
            .collect()
    }
}

fn claim_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A sign-in under way, as taken from the store.
struct Pending {
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    next: String,
    binding: String,
}

impl From<delar_store::PendingSignIn> for Pending {
    fn from(p: delar_store::PendingSignIn) -> Pending {
        Pending {
            nonce: Nonce::new(p.nonce),
            verifier: PkceCodeVerifier::new(p.pkce_verifier),
            next: p.next_path,
            binding: p.binding_sha256,
        }
    }
}

/// The sign-in service: its configuration, HTTP client and the provider's cached metadata
/// (the sign-ins under way are in the database).
pub struct Oidc {
    /// The configuration.
    pub config: OidcConfig,
    http: openidconnect::reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl Oidc {
    /// The service over a configuration (no request is made until the first sign-in).
    pub fn new(config: OidcConfig) -> Result<Oidc, String> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the client to SSRF.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| format!("HTTP-klienten för inloggningen kunde inte skapas: {e}"))?;
        Ok(Oidc {
            config,
            http,
            metadata: tokio::sync::Mutex::new(None),
        })
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, String> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, m)) = cached.as_ref() {
            if at.elapsed() < Duration::from_secs(METADATA_SECONDS) {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| format!("utfärdaren {} är ingen URL: {e}", self.config.issuer))?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| {
                format!(
                    "inloggningstjänsten {} kunde inte nås eller svarade oväntat ({}); försök \
                     igen om en stund, eller logga in med användarnamn och lösenord",
                    self.config.issuer,
                    error_chain(&e)
                )
            })?;
        *cached = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    fn client(
        &self,
        m: CoreProviderMetadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        String,
    > {
        let secret = (!self.config.secret.0.is_empty())
            .then(|| ClientSecret::new(self.config.secret.0.clone()));
        let redirect = RedirectUrl::new(self.config.redirect_url.clone()).map_err(|e| {
            format!(
                "omdirigeringen {} är ingen URL: {e}",
                self.config.redirect_url
            )
        })?;
        Ok(CoreClient::from_provider_metadata(
            m,
            ClientId::new(self.config.client_id.clone()),
            secret,
        )
        .set_redirect_uri(redirect))
    }

    /// Exchange the code and validate the ID token: its claims as JSON.
    async fn validate(&self, code: String, p: Pending) -> Result<Value, String> {
        let meta = self.metadata().await?;
        let client = self.client(meta)?;
        let request = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| {
                format!(
                    "inloggningstjänsten {} anger ingen token-adress ({e}); kontrollera utfärdaren",
                    self.config.issuer
                )
            })?;
        let response = request
            .set_pkce_verifier(p.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| {
                format!(
                    "inloggningstjänsten godtog inte inloggningskoden ({}); börja om från \
                     inloggningssidan",
                    error_chain(&e)
                )
            })?;
        let id_token = response.id_token().ok_or_else(|| {
            "inloggningstjänsten skickade ingen ID-token; kontrollera att omfånget openid är \
             tillåtet för programmet"
                .to_string()
        })?;
        let verifier = client.id_token_verifier();
        id_token
            .claims(&verifier, &p.nonce)
            .map_err(|e| refused(&e, &self.config.issuer, &self.config.client_id))?;
        // The signature, issuer, audience, expiry and nonce hold: read the token's payload for
        // the claims the configuration names (oid, groups …), which the core claims omit.
        let jwt = id_token.to_string();
        let payload = jwt
            .split('.')
            .nth(1)
            .and_then(|p| {
                use base64::Engine;
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(p.trim_end_matches('='))
                    .ok()
            })
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .ok_or_else(|| "ID-tokens innehåll kunde inte läsas".to_string())?;
        Ok(payload)
    }
}

/// Keep a sign-in under way in the database under the SHA-256 of its `state`.
async fn remember(st: &AppState, p: delar_store::PendingSignIn) -> Result<(), String> {
    let now = p.created_at;
    st.pool
        .write(move |s| Ok(s.put_pending_sign_in(&p, now, MAX_PENDING)?))
        .await
        .map_err(|e| format!("inloggningen kunde inte påbörjas: {e}; försök igen om en stund"))
}

/// Take the sign-in a `state` belongs to out of the database (once), if it has not expired.
async fn take(st: &AppState, state: &str) -> Result<Option<Pending>, String> {
    if state.is_empty() || state.len() > 512 {
        return Ok(None);
    }
    let hash = delar_app::auth::token_hash(state);
    let now = session::now();
    st.pool
        .write(move |s| Ok(s.take_pending_sign_in(&hash, now)?))
        .await
        .map(|p| p.map(Pending::from))
        .map_err(|e| format!("inloggningen kunde inte slutföras: {e}; försök igen om en stund"))
}

/// An error and its sources, as one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut s = e.source();
    while let Some(x) = s {
        out.push_str(": ");
        out.push_str(&x.to_string());
        s = x.source();
    }
    out
}

/// A refused ID token in Swedish.
fn refused(e: &ClaimsVerificationError, issuer: &str, client_id: &str) -> String {
    use ClaimsVerificationError as C;
    let why = match e {
        C::InvalidIssuer(_) => {
            format!("ID-token är utfärdad av någon annan än {issuer} (fel utfärdare)")
        }
        C::InvalidAudience(_) => format!(
            "ID-token är inte utfärdad till det här programmet (mottagaren är inte {client_id})"
        ),
        C::Expired(_) => "ID-token har gått ut; kontrollera att serverns klocka går rätt".into(),
        C::InvalidNonce(_) => "ID-token hör inte till den här inloggningen (fel nonce)".to_string(),
        C::SignatureVerification(s) => format!(
            "ID-tokens signatur stämmer inte med inloggningstjänstens publicerade nycklar ({s})"
        ),
        other => format!("ID-token godtogs inte ({other})"),
    };
    format!("inloggningen avvisades: {why}; börja om från inloggningssidan")
}

/// `Set-Cookie` for the binding cookie (or its removal).
fn binding_cookie(value: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v = match value {
        Some(v) => format!(
            "{BINDING_COOKIE}={v}; Path=/logga-in/oidc; HttpOnly; SameSite=Lax; \
             Max-Age={PENDING_SECONDS}{secure}"
        ),
        None => format!(
            "{BINDING_COOKIE}=; Path=/logga-in/oidc; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
        ),
    };
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("delar_oidc=; Max-Age=0"))
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[derive(Template)]
#[template(path = "oidc_fel.html")]
struct FailedPage {
    layout: Layout,
    provider: String,
    message: String,
}

fn failed(st: &AppState, status: StatusCode, message: String) -> Response {
    let provider = st
        .oidc
        .as_ref()
        .map(|o| o.config.name.clone())
        .unwrap_or_default();
    let mut res = render(
        &FailedPage {
            layout: Layout::default(),
            provider,
            message,
        },
        status,
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        binding_cookie(None, st.config.secure_cookies),
    );
    res
}

#[derive(Template)]
#[template(path = "oidc_klar.html")]
struct DonePage {
    layout: Layout,
    next: String,
    user: String,
    created: bool,
}

/// The start link's query: the page to go to afterwards.
#[derive(Deserialize)]
pub struct StartQuery {
    nasta: Option<String>,
}

/// `GET /logga-in/oidc`: begin a sign-in at the provider (PKCE, state, nonce kept here,
/// bound to the browser by the `delar_oidc` cookie) and send the browser there.
pub async fn start(State(st): State<AppState>, Query(f): Query<StartQuery>) -> Response {
    let Some(oidc) = st.oidc.clone() else {
        return crate::pages::not_found().await;
    };
    let meta = match oidc.metadata().await {
        Ok(m) => m,
        Err(e) => return failed(&st, StatusCode::BAD_GATEWAY, e),
    };
    let client = match oidc.client(meta) {
        Ok(c) => c,
        Err(e) => return failed(&st, StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let binding = match delar_app::auth::random_hex::<32>("inloggningen") {
        Ok(b) => b,
        Err(e) => return failed(&st, StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut auth = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for s in &oidc.config.scopes {
        auth = auth.add_scope(Scope::new(s.clone()));
    }
    let (url, state, nonce) = auth.url();
    let now = session::now();
    let pending = delar_store::PendingSignIn {
        state_sha256: delar_app::auth::token_hash(state.secret()),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next_path: crate::pages::safe_next(f.nasta.as_deref()),
        binding_sha256: delar_app::auth::token_hash(&binding),
        created_at: now,
        expires_at: now + PENDING_SECONDS,
    };
    if let Err(e) = remember(&st, pending).await {
        return failed(&st, StatusCode::SERVICE_UNAVAILABLE, e);
    }
    let mut res = Redirect::to(url.as_str()).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        binding_cookie(Some(&binding), st.config.secure_cookies),
    );
    res
}

/// The provider's answer.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /logga-in/oidc/svar`: the provider's answer: the flow checked and the ID token
/// validated, the account found or created, a new session; the page then moves on to the page
/// asked for.
pub async fn callback(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(oidc) = st.oidc.clone() else {
        return crate::pages::not_found().await;
    };
    let name = oidc.config.name.clone();
    // The state is taken out first: whatever happens next, it cannot be used again.
    let pending = match q.state.as_deref() {
        Some(state) => match take(&st, state).await {
            Ok(p) => p,
            Err(e) => return failed(&st, StatusCode::SERVICE_UNAVAILABLE, e),
        },
        None => None,
    };
    if let Some(err) = q.error.as_deref() {
        let desc = q.error_description.as_deref().unwrap_or("");
        return failed(
            &st,
            StatusCode::UNAUTHORIZED,
            format!(
                "inloggningen hos {name} avbröts ({err}{}{}); försök igen, eller kontakta \
                 den som administrerar inloggningen",
                if desc.is_empty() { "" } else { ": " },
                desc.chars().take(300).collect::<String>()
            ),
        );
    }
    let Some(p) = pending else {
        return failed(
            &st,
            StatusCode::BAD_REQUEST,
            format!(
                "svaret från {name} hör inte till någon pågående inloggning (det har redan \
                 använts, är äldre än {} minuter eller kommer inte härifrån); börja om från \
                 inloggningssidan",
                PENDING_SECONDS / 60
            ),
        );
    };
    let browser = cookie(&headers, BINDING_COOKIE).map(|b| delar_app::auth::token_hash(&b));
    if browser.as_deref() != Some(p.binding.as_str()) {
        return failed(
            &st,
            StatusCode::BAD_REQUEST,
            "svaret från inloggningstjänsten kom till en annan webbläsare än den som började \
             inloggningen (eller utan dess kaka); börja om från inloggningssidan i samma \
             webbläsare"
                .to_string(),
        );
    }
    let Some(code) = q.code.filter(|c| !c.is_empty() && c.len() <= 4096) else {
        return failed(
            &st,
            StatusCode::BAD_REQUEST,
            format!("svaret från {name} saknar inloggningskod; börja om från inloggningssidan"),
        );
    };
    let next = p.next.clone();
    let claims = match oidc.validate(code, p).await {
        Ok(c) => c,
        Err(e) => return failed(&st, StatusCode::UNAUTHORIZED, e),
    };
    let cfg = &oidc.config;
    let subject = claims
        .get(&cfg.user_claim)
        .and_then(claim_text)
        .unwrap_or_default();
    let hint = claims
        .get(&cfg.name_claim)
        .and_then(claim_text)
        .or_else(|| claims.get("email").and_then(claim_text));
    let who = delar_app::external::Vouched {
        issuer: cfg.issuer.clone(),
        claim: cfg.user_claim.clone(),
        subject,
        name_hint: hint,
        mapped: cfg.mapped_roles(&claims),
    };
    let create = cfg.create_users;
    let old = session::token(&headers);
    let now = session::now();
    let r = st
        .pool
        .run(move |s| {
            // A session this browser had ends: the sign-in gets a new one.
            if let Some(t) = old {
                delar_app::auth::logout(s, &t)?;
            }
            delar_app::external::sign_in(s, &who, create, now)
        })
        .await;
    match r {
        Ok(done) => {
            let page = DonePage {
                layout: Layout::default(),
                next,
                user: done.session.user.clone(),
                created: done.created,
            };
            let mut res = render(&page, StatusCode::OK);
            res.headers_mut().append(
                header::SET_COOKIE,
                session::set_cookie(&done.session.token, st.config.secure_cookies),
            );
            res.headers_mut().append(
                header::SET_COOKIE,
                binding_cookie(None, st.config.secure_cookies),
            );
            res
        }
        Err(e) => failed(&st, crate::pages::status_of(&e), e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_router_serves_the_callback_path() {
        let lib = include_str!("lib.rs");
        assert!(
            lib.contains(&format!(".route(\"{CALLBACK_PATH}\", get(oidc::callback))")),
            "the router's callback route must be CALLBACK_PATH"
        );
    }

    use super::*;

    const GOOD: &str = r#"
namn = "kommunens konto"
utfardare = "https://login.microsoftonline.com/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/v2.0"
klient_id = "11111111-2222-3333-4444-555555555555"
klienthemlighet_fran = "DELAR_OIDC_HEMLIGHET"
omdirigering = "https://delar.kommun.se/logga-in/oidc/svar"
anvandar_claim = "oid"

[[grupproll]]
grupp = "aaaa-ekonomer-sn"
roll = "ekonom"
nod = "SN"
"#;

    fn env(k: &str) -> Option<String> {
        (k == "DELAR_OIDC_HEMLIGHET").then(|| "hemligt".to_string())
    }

    #[test]
    fn the_configuration_is_read_and_checked_in_swedish() {
        let c = OidcConfig::parse(GOOD, "oidc.toml", env).unwrap();
        assert_eq!(c.user_claim, "oid");
        assert_eq!(c.name_claim, "preferred_username");
        assert!(c.create_users);
        assert_eq!(
            format!("{:?}", c.secret),
            "(dold)",
            "the secret is never printed"
        );
        assert!(!format!("{c:?}").contains("hemligt"));
        let claims = serde_json::json!({"groups": ["x", "aaaa-ekonomer-sn"]});
        assert_eq!(
            c.mapped_roles(&claims),
            vec![(Role::Ekonom, "SN".to_string())]
        );
        assert!(c
            .mapped_roles(&serde_json::json!({"groups": "x"}))
            .is_empty());
        for (from, to, says) in [
            (
                "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/v2.0",
                "common/v2.0",
                "enskild katalogs",
            ),
            (
                "https://login.microsoftonline.com/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                "http://login.microsoftonline.com/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                "https://",
            ),
            (
                "/logga-in/oidc/svar",
                "/callback",
                "ska sluta på /logga-in/oidc/svar",
            ),
            (
                "roll = \"ekonom\"",
                "roll = \"chef\"",
                "grupproll nr 1, roll",
            ),
            ("anvandar_claim", "anvandarclaim", "kan inte läsas"),
        ] {
            let text = GOOD.replace(from, to);
            let e = OidcConfig::parse(&text, "oidc.toml", env).unwrap_err();
            assert!(e.starts_with("oidc.toml"), "{e}");
            assert!(e.contains(says), "{to}: {e}");
        }
        let e = OidcConfig::parse(GOOD, "oidc.toml", |_| None).unwrap_err();
        assert!(
            e.contains("miljövariabeln DELAR_OIDC_HEMLIGHET är inte satt"),
            "{e}"
        );
    }
}
