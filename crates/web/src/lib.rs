//! The web application of delar (`delar serve`): a forecast round carried out by unit
//! managers and controllers together, on the application layer (`delar_app`).
//!
//! Pages are rendered on the server (askama templates, Swedish, Swedish number formatting)
//! and every form works without JavaScript; the stylesheet is embedded in the binary. Every
//! request is authorised on the server against the node it touches
//! ([`delar_app::auth::authorize`]). Sessions live in the database (only a hash of the token),
//! behind an HttpOnly SameSite=Strict cookie; state-changing requests from another origin are
//! refused ([`security`]); strict security headers go on every response. docs/WEB.md lists
//! the routes, roles and security rules.
//!
//! The store is synchronous and a connection is not shared between threads: store work runs
//! in `spawn_blocking` on a connection taken from a small pool ([`pool::Pool`]), which is the
//! one place that opens the database.

pub mod admin;
pub mod audit;
pub mod bridge;
pub mod excel;
pub mod goals;
pub mod oidc;
pub mod overview;
pub mod pages;
pub mod pool;
pub mod report;
pub mod security;
pub mod session;
pub mod texts;
pub mod view;

use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use std::sync::Arc;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The database: an SQLite file or `postgres://…` (as `delar_store::open` takes it).
    pub db: String,
    /// Mark the session cookie `Secure` (the server is reached over HTTPS through a proxy).
    pub secure_cookies: bool,
    /// Sign-in with the municipality's accounts (OpenID Connect), when configured.
    pub oidc: Option<oidc::OidcConfig>,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store connections.
    pub pool: Arc<pool::Pool>,
    /// The configuration.
    pub config: Arc<Config>,
    /// The OpenID Connect sign-in, when configured.
    pub oidc: Option<Arc<oidc::Oidc>>,
}

/// The application's routes with their middleware, over a database.
pub fn router(config: Config) -> Router {
    let https = config.secure_cookies;
    let oidc = config.oidc.clone().and_then(|c| match oidc::Oidc::new(c) {
        Ok(o) => Some(Arc::new(o)),
        Err(e) => {
            eprintln!("obs: inloggning via OpenID Connect är avstängd: {e}");
            None
        }
    });
    let state = AppState {
        pool: Arc::new(pool::Pool::new(config.db.clone())),
        config: Arc::new(config),
        oidc,
    };
    Router::new()
        .route("/halsa", get(pages::health))
        .route("/stil.css", get(pages::stylesheet))
        .route("/delar.js", get(pages::script))
        .route(
            "/sessionen",
            get(pages::session_peek).post(pages::session_extend),
        )
        .route("/logga-in", get(pages::login_form).post(pages::login))
        .route("/logga-ut", post(pages::logout))
        .route("/", get(pages::start))
        .route("/omgang/{omgang}/las", post(pages::lock_round))
        .route("/prognos/{omgang}/{nod}", get(pages::sheet))
        .route("/prognos/{omgang}/{nod}/rad", post(pages::save_line))
        .route("/prognos/{omgang}/{nod}/status", post(pages::change_state))
        .route("/prognos/{omgang}/{nod}/historik", get(pages::history))
        .route("/prognos/{omgang}/{nod}/brygga", get(bridge::bridge))
        .route(
            "/prognos/{omgang}/{nod}/excel",
            post(excel::upload).layer(axum::extract::DefaultBodyLimit::max(excel::BODY_LIMIT)),
        )
        .route("/rapport/{omgang}", get(report::report))
        // Issue 19 parts 1–2: goals and indicators, the report's texts.
        .route("/mal/{omgang}/{nod}", get(goals::goals))
        .route("/mal/{omgang}/{nod}/indikator", post(goals::save_entry))
        .route("/mal/{omgang}/{nod}/bedomning", post(goals::decide))
        .route("/mal/{omgang}/{nod}/status", post(goals::change_state))
        .route("/mal/{omgang}/{nod}/text", post(goals::save_text))
        .route("/mal/{omgang}/{nod}/historik", get(goals::history))
        .route("/text/{omgang}", get(texts::texts).post(texts::change_text))
        // Issue 19 part 3: the controller's overview (with its .csv and .xlsx exports).
        .route("/oversikt/{omgang}", get(overview::overview))
        // Issue 19 part 5: sign-in with the municipality's accounts (OpenID Connect).
        .route("/logga-in/oidc", get(oidc::start))
        // The path as a literal (the route table the tests read lists literals); a test
        // holds it equal to `oidc::CALLBACK_PATH`, which the redirect URL must name.
        .route("/logga-in/oidc/svar", get(oidc::callback))
        // Issue 19 part 6: the administration pages (administrators for the whole
        // organisation only).
        .route("/admin", get(admin::overview))
        .route("/admin/anvandare", post(admin::add_user))
        .route("/admin/anvandare/{namn}", get(admin::user))
        .route("/admin/anvandare/{namn}/behorighet", post(admin::grant))
        .route(
            "/admin/anvandare/{namn}/ta-bort-behorighet",
            post(admin::revoke),
        )
        .route("/admin/anvandare/{namn}/ta-bort", post(admin::remove_user))
        .route("/admin/omgang/{omgang}/tidsfrist", post(admin::deadline))
        .route("/admin/omgang/{omgang}/las", post(admin::lock))
        .fallback(pages::not_found)
        // The last layer runs first: the headers go on every response, refusals included.
        .layer(axum::middleware::from_fn(security::csrf))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(https, security::hsts))
        .with_state(state)
}

/// Send each response at once (`TCP_NODELAY`): without it a small response written in two
/// parts (a 303 after a save: headers, then the body) waits for the client's delayed
/// acknowledgement, up to 40–200 ms on Linux, on every request of a kept-alive connection.
fn no_delay(tcp: &mut tokio::net::TcpStream) {
    // Only latency depends on it; a socket that refuses still serves.
    let _ = tcp.set_nodelay(true);
}

/// Serve the application on `address` until Ctrl-C (a runtime of its own: the caller is
/// synchronous). Fails with a Swedish message when the address cannot be used.
pub fn serve(config: Config, address: &str) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("kunde inte starta servern: {e}"))?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
            format!(
                "kunde inte lyssna på {address}: {e}; välj en annan adress eller port med \
                 --adress"
            )
        })?;
        // The peer's address goes along to the handlers (failed logins are counted per
        // client address as well as per account).
        axum::serve(
            listener.tap_io(no_delay),
            router(config).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("servern avbröts: {e}"))
    })
}

/// A server running on a thread of its own (for benchmarks and tests that drive it over
/// TCP); it stops when dropped.
pub struct Running {
    /// The address it listens on (a free port when asked for port 0).
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Start the application on `address` (e.g. `127.0.0.1:0`) on a thread with a runtime of its
/// own, with `workers` runtime threads; returns once it listens.
pub fn start(config: Config, address: &str, workers: usize) -> Result<Running, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_all()
        .build()
        .map_err(|e| format!("kunde inte starta servern: {e}"))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(address))
        .map_err(|e| format!("kunde inte lyssna på {address}: {e}; välj en annan adress"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("kunde inte läsa serverns adress: {e}"))?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        rt.block_on(async move {
            let _ = axum::serve(
                listener.tap_io(no_delay),
                router(config).into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        });
    });
    Ok(Running {
        addr,
        stop: Some(tx),
        thread: Some(thread),
    })
}
