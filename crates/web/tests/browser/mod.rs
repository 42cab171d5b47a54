//! The headless-Chromium harness the end-to-end tests share: chromedriver on a free loopback
//! port, a fresh Chromium profile, the app served on another, axe-core run on every page
//! visited (serious and critical violations fail the test), screenshots when
//! `DELAR_SKARMBILDER=1`.
//!
//! Without Chromium, chromedriver or axe-core a test says why and passes, unless
//! `DELAR_E2E=1` (set by `scripts/test.sh`), where it fails.

#![allow(dead_code)]

use crate::common::App;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const ENTER: &str = "\u{E007}";
pub const TAB: &str = "\u{E004}";

pub fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js")
}

/// Why the test cannot run here, if it cannot.
pub fn missing() -> Option<String> {
    for p in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(p).exists() {
            return Some(format!(
                "{p} saknas (apt-get install chromium chromium-driver; scripts/test.sh gör det)"
            ));
        }
    }
    if !axe_path().exists() {
        return Some(format!(
            "{} saknas (kör npm ci i crates/web; scripts/test.sh gör det)",
            axe_path().display()
        ));
    }
    None
}

/// A process ended when the test ends, however it ends.
pub struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start chromedriver on a free loopback port and wait until it answers.
pub fn chromedriver() -> (Killed, String) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver startar");
    let guard = Killed(child);
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver svarade inte på port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (guard, format!("http://127.0.0.1:{port}"))
}

/// The browser: headless Chromium as root on this machine, a fresh profile.
pub async fn browser(driver: &str, profile: &Path) -> Client {
    let args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        "--lang=sv-SE".into(),
        "--window-size=1400,1000".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("en Chromium-session via chromedriver")
}

/// What one browser run keeps: axe's findings on every page, the pages visited.
pub struct Run {
    pub c: Client,
    pub base: String,
    pub axe: String,
    pub findings: Vec<String>,
    pub checked: Vec<String>,
    pub shots: Option<PathBuf>,
}

impl Run {
    pub async fn goto(&mut self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    pub async fn js(&self, script: &str) -> Value {
        self.c.execute(script, vec![]).await.unwrap()
    }

    pub async fn text(&self, css: &str) -> String {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    pub async fn path(&self) -> String {
        let u = self.c.current_url().await.unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }
    }

    /// Wait until a script returns true (within 10 s).
    pub async fn until(&self, what: &str, script: &str) {
        let start = Instant::now();
        loop {
            if self.js(script).await == Value::Bool(true) {
                return;
            }
            if start.elapsed() > Duration::from_secs(10) {
                let body = self.js("return document.body.innerText").await;
                panic!("väntade förgäves på {what}; sidan:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Run axe-core on the page as it is now; serious and critical violations are kept.
    pub async fn axe(&mut self, label: &str) {
        let loaded = self.js("return typeof window.axe !== 'undefined'").await;
        if loaded != Value::Bool(true) {
            self.c.execute(&self.axe, vec![]).await.unwrap();
        }
        let r = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact,
                       help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))))
                   .catch(e => done([{ id: 'axe-fel', impact: 'critical', help: String(e), nodes: [] }]));",
                vec![],
            )
            .await
            .unwrap();
        for v in r.as_array().cloned().unwrap_or_default() {
            let impact = v["impact"].as_str().unwrap_or("");
            if impact == "serious" || impact == "critical" {
                self.findings.push(format!("{label}: {v}"));
            }
        }
        self.checked.push(label.to_string());
    }

    /// Wait until no line is being saved (twice, a moment apart: a save may start another
    /// for what was typed meanwhile).
    pub async fn settle(&self) {
        for _ in 0..2 {
            self.until(
                "att sparandet är klart",
                "return document.querySelectorAll('form[aria-busy=true]').length === 0",
            )
            .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Save a screenshot when asked (`DELAR_SKARMBILDER`).
    pub async fn shot(&self, name: &str) {
        if let Some(dir) = &self.shots {
            let png = self.c.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
        }
    }

    /// The HTTP status of a GET from the page (the browser's own cookie goes along).
    pub async fn status_of(&self, path: &str) -> u64 {
        self.c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0], { redirect: 'manual' }).then(r => done(r.status));",
                vec![json!(path)],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap()
    }

    /// A download through the browser (its session cookie goes along): status, content
    /// type and bytes.
    pub async fn download(&self, path: &str) -> (u64, String, Vec<u8>) {
        let v = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done({
                     status: r.status, kind: r.headers.get('content-type'),
                     bytes: Array.from(new Uint8Array(b)) })));",
                vec![json!(path)],
            )
            .await
            .unwrap();
        let bytes = v["bytes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_u64().unwrap() as u8)
            .collect();
        (
            v["status"].as_u64().unwrap(),
            v["kind"].as_str().unwrap_or("").to_string(),
            bytes,
        )
    }

    pub async fn login(&mut self, user: &str) {
        self.goto("/logga-in").await;
        self.axe("inloggning").await;
        let f = self.c.find(Locator::Id("anvandare")).await.unwrap();
        f.send_keys(user).await.unwrap();
        let p = self.c.find(Locator::Id("losenord")).await.unwrap();
        p.send_keys("demo").await.unwrap();
        p.send_keys(ENTER).await.unwrap();
        self.until(
            "startsidan",
            "return location.pathname === '/' && !!document.querySelector('h1')",
        )
        .await;
    }

    pub async fn logout(&mut self) {
        self.c
            .find(Locator::Css(".inloggad button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.until("inloggningen", "return location.pathname === '/logga-in'")
            .await;
    }

    /// Click a workflow button on the sheet (a plain form post) and wait for the page after.
    pub async fn step(&mut self, label: &str, comment: Option<&str>) {
        if let Some(text) = comment {
            let t = self
                .c
                .find(Locator::Css("form.steg textarea"))
                .await
                .unwrap();
            t.send_keys(text).await.unwrap();
        }
        // No save under way (a save replaces the status box with the server's new one).
        self.until(
            "att sparandet är klart",
            "return document.querySelectorAll('form[aria-busy=true]').length === 0",
        )
        .await;
        let xpath = format!("//form[@class='steg']//button[normalize-space()='{label}']");
        let mut tries = 0;
        loop {
            let b = self
                .c
                .find(Locator::XPath(&xpath))
                .await
                .unwrap_or_else(|e| panic!("knappen {label}: {e}"));
            match b.click().await {
                Ok(()) => break,
                Err(e) if tries < 3 => {
                    eprintln!("knappen {label} byttes ut, försöker igen: {e}");
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("knappen {label}: {e}"),
            }
        }
        self.until(
            "sidan efter steget",
            "return location.search.indexOf('klart=') >= 0",
        )
        .await;
    }
}

/// The text of a PDF by poppler's pdftotext (installed by scripts/test.sh for the PDF
/// renderer's tests); `None` with a note when it is missing and DELAR_E2E is not set.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let path = std::env::temp_dir().join(format!("delar-e2e-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ if std::env::var("DELAR_E2E").as_deref() == Ok("1") => {
            panic!("pdftotext saknas eller misslyckades (poppler-utils)")
        }
        _ => {
            eprintln!("obs: pdftotext saknas; PDF-rapportens innehåll kontrolleras inte");
            None
        }
    }
}

/// Run a scenario in headless Chromium against the app served on a free loopback port, then
/// assert that axe-core found no serious or critical violation and ran on every page named
/// in `pages`. Returns without running (and says why) when the browser or axe-core is
/// missing and `DELAR_E2E` is not set.
pub async fn run<F, Fut>(app: App, pages: &[&str], scenario: F)
where
    F: FnOnce(Run, App) -> Fut,
    Fut: Future<Output = Run> + Send + 'static,
{
    if let Some(why) = missing() {
        if std::env::var("DELAR_E2E").as_deref() == Ok("1") {
            panic!("DELAR_E2E=1 men webbläsartestet kan inte köras: {why}");
        }
        eprintln!("obs: webbläsartestet hoppas över: {why}");
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    let (_driver, driver_url) = chromedriver();
    let profile = std::env::temp_dir().join(format!(
        "delar-chromium-{}-{}",
        std::process::id(),
        free_port()
    ));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    let shots = std::env::var("DELAR_SKARMBILDER")
        .ok()
        .filter(|v| v == "1")
        .map(|_| {
            let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/images");
            std::fs::create_dir_all(&d).unwrap();
            d
        });
    let c = browser(&driver_url, &profile).await;
    let run = Run {
        c,
        base: format!("http://{addr}"),
        axe: std::fs::read_to_string(axe_path()).unwrap(),
        findings: Vec::new(),
        checked: Vec::new(),
        shots,
    };
    // The scenario runs in a task of its own so that the browser is closed (and Chromium
    // ends) when an assertion fails.
    let browser = run.c.clone();
    let outcome = tokio::spawn(scenario(run, app)).await;
    let _ = browser.close().await;
    server.abort();
    let _ = std::fs::remove_dir_all(&profile);
    let run = match outcome {
        Ok(run) => run,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    assert!(
        run.findings.is_empty(),
        "axe-core fann allvarliga brister:\n{}",
        run.findings.join("\n")
    );
    for page in pages {
        assert!(
            run.checked.iter().any(|c| c == page),
            "axe kördes inte på {page}: {:?}",
            run.checked
        );
    }
}
