//! The web application over a temporary copy of an Exempelkommun database (small scale, round
//! 2025-P2 computed, the demo's accounts with password `demo`), driven with `oneshot`.

#![allow(dead_code)]

pub mod goals;
pub mod matrix;
pub mod routes;

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use calamine::{Data, Reader, Xlsx};
use delar_core::Round;
use delar_demo::kommun::{self, KommunOptions, Scale};
use delar_store::prelude::*;
use delar_store::{ImportOptions, SqlStore, TemplateKind};
use http_body_util::BodyExt;
use std::path::PathBuf;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The round the tests work in.
pub const ROUND: &str = "2025-P2";

/// The round before it in the test database (for the bridge).
pub const PREVIOUS: &str = "2025-P1";

/// The host the test requests name.
pub const HOST: &str = "delar.test";

/// Remove the databases earlier test runs left under the temporary directory (`PREFIX<pid>`
/// of a process that no longer runs): each is some 200 MB.
fn remove_stale_dirs(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(prefix)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Built once per test binary.
fn master() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        remove_stale_dirs("delar-web-");
        let dir = std::env::temp_dir().join(format!("delar-web-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let opts = KommunOptions {
            scale: Scale::Small,
            ..KommunOptions::default()
        };
        let input = dir.join("in");
        kommun::generate(&opts, &input, |_, _| {}).unwrap();
        let db = dir.join("delar.db");
        let mut s = SqlStore::create(&db).unwrap();
        delar_app::imports::import_template(
            &mut s,
            TemplateKind::Organisation,
            &input.join("organisation.csv"),
        )
        .unwrap();
        for year in 2022..=2025 {
            let p = input.join("sie").join(kommun::sie_name(year));
            s.import_sie(&p, &ImportOptions::default(), None).unwrap();
        }
        // P1 first (the bridge page compares P2 with it), then the round the tests work in.
        let p1 = Round::parse(PREVIOUS).unwrap();
        delar_app::forecast::run_round(&mut s, &p1, &Default::default()).unwrap();
        let round = Round::parse(ROUND).unwrap();
        delar_app::forecast::run_round(&mut s, &round, &Default::default()).unwrap();
        let tree = s.organisation().unwrap().tree_at(round.cutoff_month());
        delar_app::users::add_demo_accounts(&mut s, &tree, "demo", "test").unwrap();
        db
    })
}

/// A test's own copy of the database and the router over it.
pub struct App {
    /// The database: an SQLite file, or `postgres://…`.
    pub db: String,
    /// The application.
    pub router: Router,
}

/// Databases created on the PostgreSQL test server by this process, dropped at exit.
static CREATED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

extern "C" fn drop_databases() {
    let Some(server) = pg_server() else { return };
    let names = std::mem::take(&mut *CREATED.lock().unwrap());
    if let Ok(mut admin) = postgres::Client::connect(&server, postgres::NoTls) {
        for n in names {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"));
        }
    }
}

/// The PostgreSQL server for tests (`DELAR_TEST_PG`, as the store's tests use it).
pub fn pg_server() -> Option<String> {
    std::env::var("DELAR_TEST_PG")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (head, tail) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    format!("{base}/{name}{tail}")
}

impl App {
    /// A fresh copy.
    pub fn new() -> App {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let src = master();
        let db = src.with_file_name(format!("copy-{n}.db"));
        std::fs::copy(src, &db).unwrap();
        App::over(db.display().to_string())
    }

    /// A fresh copy on the PostgreSQL test server (`DELAR_TEST_PG`), made with the store's
    /// copy between backends; `None` with a note when no server is configured.
    pub fn on_postgres() -> Option<App> {
        let Some(server) = pg_server() else {
            eprintln!(
                "obs: PostgreSQL-testet hoppas över: DELAR_TEST_PG är inte satt \
                 (scripts/test.sh startar en testserver och sätter den)"
            );
            return None;
        };
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let name = format!(
            "delar_web_test_{}_{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let mut admin = postgres::Client::connect(&server, postgres::NoTls)
            .unwrap_or_else(|e| panic!("DELAR_TEST_PG={server}: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .unwrap();
        {
            let mut created = CREATED.lock().unwrap();
            if created.is_empty() {
                // SAFETY: registering a plain extern "C" function with the C library's atexit.
                unsafe {
                    libc::atexit(drop_databases);
                }
            }
            created.push(name.clone());
        }
        let url = with_database(&server, &name);
        let src = SqlStore::open(master()).unwrap();
        let mut dst = delar_store::open(&url).unwrap();
        delar_store::copy::copy_database(&src, &mut dst, None).unwrap();
        Some(App::over(url))
    }

    fn over(db: String) -> App {
        let router = delar_web::router(delar_web::Config {
            db: db.clone(),
            secure_cookies: false,
            oidc: None,
        });
        App { db, router }
    }

    /// The store behind it (another connection to the same database).
    pub fn store(&self) -> SqlStore {
        delar_store::open(&self.db).unwrap()
    }

    /// Send a request.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        Reply::read(res).await
    }

    /// GET with a session cookie (or none).
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        self.send(get(path, cookie)).await
    }

    /// POST a form from this site.
    pub async fn post(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Reply {
        self.send(post(path, cookie, form, Some(&format!("http://{HOST}"))))
            .await
    }

    /// Log in and return the session cookie (`delar_session=…`).
    pub async fn login(&self, user: &str) -> String {
        let r = self
            .post(
                "/logga-in",
                None,
                &[("anvandare", user), ("losenord", "demo")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{user}: {}", r.body);
        let c = r.header("set-cookie");
        c.split(';').next().unwrap().to_string()
    }
}

/// A response read whole.
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: axum::http::HeaderMap,
    /// Body as text.
    pub body: String,
    /// Body as bytes (downloads).
    pub bytes: Vec<u8>,
}

impl Reply {
    async fn read(res: Response<Body>) -> Reply {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

/// Form encoding of one value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A GET request.
pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path).header(header::HOST, HOST);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

/// A form POST with an `Origin` (or none).
pub fn post(
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
    origin: Option<&str>,
) -> Request<Body> {
    let body = form
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut b = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body)).unwrap()
}

/// Every sheet of a workbook: name and cells.
pub type Sheets = Vec<(String, Vec<Vec<Data>>)>;

pub fn read(bytes: &[u8]) -> Sheets {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|n| {
            let r = book.worksheet_range(&n).unwrap();
            let rows = r.rows().map(|row| row.to_vec()).collect();
            (n, rows)
        })
        .collect()
}

/// The workbook written again with the same cells (as a spreadsheet program saves it).
pub fn write(sheets: &Sheets) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::String(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64).unwrap();
                    }
                    _ => {}
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

pub fn sheet<'a>(s: &'a mut Sheets, name: &str) -> &'a mut Vec<Vec<Data>> {
    &mut s.iter_mut().find(|(n, _)| n == name).unwrap().1
}

/// Column index by header.
pub fn col(s: &mut Sheets, header: &str) -> usize {
    sheet(s, "Prognos")[0]
        .iter()
        .position(|h| *h == Data::String(header.into()))
        .unwrap_or_else(|| panic!("{header}"))
}

pub fn set(s: &mut Sheets, row: usize, header: &str, v: Data) {
    let c = col(s, header);
    let p = sheet(s, "Prognos");
    if p[row].len() <= c {
        p[row].resize(c + 1, Data::Empty);
    }
    p[row][c] = v;
}

/// A multipart form with the file in the field `fil`.
pub fn upload_request(path: &str, cookie: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "delarTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; \
             filename=\"{name}\"\r\nContent-Type: application/vnd.openxmlformats-\
             officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// The lines of a node in the round, as stored.
pub fn lines(s: &SqlStore, node: &str) -> Vec<delar_store::LineDetail> {
    s.forecast_line_details(ROUND)
        .unwrap()
        .into_iter()
        .filter(|d| d.line.node == node)
        .collect()
}

/// Give every line of a node that needs a comment one (as its unit manager).
pub fn comment_all(s: &mut SqlStore, node: &str) {
    let user = format!("enhetschef-{}", node.to_lowercase());
    let round = Round::parse(ROUND).unwrap();
    for d in lines(s, node) {
        if delar_app::workflow::missing_comment(&d).is_some() {
            let input = delar_app::workflow::LineInput {
                group: &d.line.group,
                version: d.version,
                amount: "",
                method: "",
                comment: "Följer budgeten enligt plan.",
            };
            delar_app::workflow::save_line(s, &user, &round, node, &input).unwrap();
        }
    }
}

/// Give every line of the round that waits for a comment one (as the controller for the
/// whole organisation), so that the round may be locked.
pub fn comment_every_line(s: &mut SqlStore) {
    let round = Round::parse(ROUND).unwrap();
    for d in s.forecast_line_details(ROUND).unwrap() {
        if delar_app::workflow::missing_comment(&d).is_some() {
            let input = delar_app::workflow::LineInput {
                group: &d.line.group,
                version: d.version,
                amount: "",
                method: "",
                comment: "Granskad: följer utfallet hittills.",
            };
            delar_app::workflow::save_line(s, "ekonom", &round, &d.line.node, &input).unwrap();
        }
    }
}
