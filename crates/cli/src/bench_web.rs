//! `delar bench web`: the web application under load. The server runs in this process on a
//! free loopback port over the given database; each of N simulated unit managers logs in
//! (not measured: Argon2 is slow on purpose), then, until the time is up, reads its sheet and
//! the other pages of [`PAGES`] (and `--sidor`) and saves one of its own lines with the
//! version the sheet showed, over a kept-alive HTTP/1.1 connection. Reported: requests per
//! second, p50/p95/p99/max latency per page and for the saves, errors (any unexpected status
//! or I/O failure) and lost updates (a line whose stored amount is not the last amount its
//! user was told was saved), checked in the database afterwards.

use crate::out::{count, decimal};
use anyhow::{anyhow, bail, Result};
use delar_store::prelude::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The pages every simulated person reads in each round of the loop, in order, as (label,
/// path): `{omgång}` and `{nod}` in the path become the round and the person's unit. The sheet
/// comes first (the save takes the line's version from it). A page built later is measured
/// by adding its line here (e.g. `("målsidan", "/mal/{omgång}/{nod}")`) or, without a new
/// build, with `--sidor`.
pub const PAGES: &[(&str, &str)] = &[("bladet", "/prognos/{omgång}/{nod}")];

/// A page to read: its label in the report and its path with `{omgång}` and `{nod}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The label in the report.
    pub label: String,
    /// The path, with `{omgång}` and `{nod}` (also written `{omgang}`).
    pub path: String,
}

impl Page {
    /// A page from `--sidor`: `ETIKETT=/väg/{omgång}/{nod}` or just the path (its label is
    /// then the path's first part). Refused with a Swedish message unless the path starts
    /// with `/`.
    pub fn parse(s: &str) -> Result<Page> {
        let s = s.trim();
        let (label, path) = match s.split_once('=') {
            Some((l, p)) if !l.contains('/') => (l.trim().to_string(), p.trim().to_string()),
            _ => (String::new(), s.to_string()),
        };
        if !path.starts_with('/') {
            bail!(
                "sidan \"{s}\" i --sidor är ingen sökväg; skriv till exempel \
                 --sidor \"målsidan=/mal/{{omgång}}/{{nod}}\""
            );
        }
        let label = if label.is_empty() {
            path.trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("")
                .to_string()
        } else {
            label
        };
        Ok(Page { label, path })
    }

    /// The path for a round and a unit (both URL-encoded).
    fn url(&self, round: &str, node: &str) -> String {
        self.path
            .replace("{omgång}", &url_part(round))
            .replace("{omgang}", &url_part(round))
            .replace("{nod}", &url_part(node))
    }
}

/// The pages to read: [`PAGES`], then `extra` (from `--sidor`), each label once.
pub fn pages(extra: &[String]) -> Result<Vec<Page>> {
    let mut out: Vec<Page> = PAGES
        .iter()
        .map(|(label, path)| Page {
            label: label.to_string(),
            path: path.to_string(),
        })
        .collect();
    for e in extra.iter().flat_map(|e| e.split(',')) {
        if e.trim().is_empty() {
            continue;
        }
        let mut p = Page::parse(e)?;
        let base = p.label.clone();
        let mut n = 2;
        while out.iter().any(|o| o.label == p.label) {
            p.label = format!("{base} {n}");
            n += 1;
        }
        out.push(p);
    }
    Ok(out)
}

/// One kept-alive HTTP/1.1 connection with a session cookie.
struct Http {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
    cookie: String,
}

/// A response: status, the headers that matter here, body.
struct Reply {
    status: u16,
    location: String,
    set_cookie: String,
    body: String,
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        for (j, part) in [k, v].iter().enumerate() {
            if j == 1 {
                out.push('=');
            }
            for b in part.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

impl Http {
    fn new(addr: SocketAddr) -> Http {
        Http {
            addr,
            conn: None,
            cookie: String::new(),
        }
    }

    fn request(&mut self, method: &str, path: &str, form: Option<&str>) -> Result<Reply> {
        // One retry on a fresh connection when a kept-alive one was closed by the server.
        match self.try_request(method, path, form) {
            Ok(r) => Ok(r),
            Err(_) if self.conn.is_some() => {
                self.conn = None;
                self.try_request(method, path, form)
            }
            Err(e) => Err(e),
        }
    }

    fn try_request(&mut self, method: &str, path: &str, form: Option<&str>) -> Result<Reply> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.conn = Some(BufReader::new(s));
        }
        let conn = self.conn.as_mut().expect("connected");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nOrigin: http://{}\r\nConnection: keep-alive\r\n",
            self.addr, self.addr
        );
        if !self.cookie.is_empty() {
            head.push_str(&format!("Cookie: {}\r\n", self.cookie));
        }
        let body = form.unwrap_or("");
        if form.is_some() {
            head.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        head.push_str(body);
        conn.get_mut().write_all(head.as_bytes())?;
        let mut line = String::new();
        if conn.read_line(&mut line)? == 0 {
            bail!("servern stängde förbindelsen");
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("oläsbar statusrad: {line:?}"))?;
        let (mut length, mut chunked, mut close) = (0usize, false, false);
        let (mut location, mut set_cookie) = (String::new(), String::new());
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let v = v.trim();
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => length = v.parse().unwrap_or(0),
                    "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                    "connection" => close = v.eq_ignore_ascii_case("close"),
                    "location" => location = v.to_string(),
                    "set-cookie" => set_cookie = v.to_string(),
                    _ => {}
                }
            }
        }
        let mut bytes = Vec::new();
        if chunked {
            loop {
                line.clear();
                conn.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16)
                    .map_err(|_| anyhow!("oläsbar chunk-längd: {line:?}"))?;
                let mut chunk = vec![0; n + 2];
                conn.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&chunk[..n]);
            }
        } else {
            bytes.resize(length, 0);
            conn.read_exact(&mut bytes)?;
        }
        if close {
            self.conn = None;
        }
        Ok(Reply {
            status,
            location,
            set_cookie,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// The version of `group`'s line on a sheet page (the hidden field after the group's).
fn version_on_page(body: &str, group: &str) -> Option<i64> {
    let marker = format!("name=\"grupp\" value=\"{}\">", html_escape(group));
    let at = body.find(&marker)? + marker.len();
    let rest = &body[at..];
    let v = rest.find("name=\"version\" value=\"")? + "name=\"version\" value=\"".len();
    let end = rest[v..].find('"')?;
    rest[v..v + end].parse().ok()
}

fn html_escape(s: &str) -> String {
    askama_like_escape(s)
}

/// The escaping askama applies to attribute values (&, <, >, ", ').
fn askama_like_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&#38;"),
            '<' => o.push_str("&#60;"),
            '>' => o.push_str("&#62;"),
            '"' => o.push_str("&#34;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn url_part(s: &str) -> String {
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

/// How hard the simulated people work.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    /// People at once.
    pub users: usize,
    /// For how long.
    pub seconds: u64,
    /// Mean pause after each request in ms (each pause drawn between half and one and a half
    /// times it, so the people do not fall into step); 0 is a closed loop without pauses.
    pub think_ms: u64,
    /// How many of the people are controllers (the demo's `ekonom…` accounts, on their
    /// committee or the programme area): they read the same pages for their own node, whose
    /// sheet is a roll-up and whose overview is the whole committee, and save nothing.
    pub controllers: usize,
}

/// A pause of about `mean_ms` (±50 %, from a xorshift of `state`), never past `end_at`.
fn think(state: &mut u64, mean_ms: u64, end_at: Instant) {
    if mean_ms == 0 {
        return;
    }
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    let spread = (*state % 1001) as f64 / 1000.0; // 0..=1
    let pause = Duration::from_micros((mean_ms as f64 * 1000.0 * (0.5 + spread)) as u64);
    let left = end_at.saturating_duration_since(Instant::now());
    std::thread::sleep(pause.min(left));
}

/// One simulated person: an account, a unit, the lines it saves.
struct Person {
    user: String,
    node: String,
    groups: Vec<String>,
}

/// What one person measured.
#[derive(Default)]
struct Tally {
    /// Per page (in the order of the pages), the time of each read in µs.
    reads: Vec<Vec<u32>>,
    saves: Vec<u32>,
    errors: Vec<String>,
    /// The last amount (tkr) each of its lines was saved with, as the server confirmed.
    saved: BTreeMap<String, i64>,
}

#[allow(clippy::too_many_arguments)]
fn work(
    addr: SocketAddr,
    round: &str,
    pages: &[Page],
    p: &Person,
    index: usize,
    think_ms: u64,
    start_at: Instant,
    end_at: Instant,
) -> Tally {
    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ (index as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D);
    let mut t = Tally {
        reads: vec![Vec::new(); pages.len()],
        ..Tally::default()
    };
    let mut http = Http::new(addr);
    let login = form_encode(&[("anvandare", &p.user), ("losenord", "demo")]);
    match http.request("POST", "/logga-in", Some(&login)) {
        Ok(r) if r.status == 303 && !r.set_cookie.is_empty() => {
            http.cookie = r.set_cookie.split(';').next().unwrap_or("").to_string();
        }
        Ok(r) => {
            t.errors
                .push(format!("{}: inloggningen gav {}", p.user, r.status));
            return t;
        }
        Err(e) => {
            t.errors.push(format!("{}: inloggningen: {e}", p.user));
            return t;
        }
    }
    while Instant::now() < start_at {
        std::thread::sleep(Duration::from_millis(5));
    }
    let sheet = format!("/prognos/{}/{}", url_part(round), url_part(&p.node));
    let save_path = format!("{sheet}/rad");
    let urls: Vec<String> = pages.iter().map(|pg| pg.url(round, &p.node)).collect();
    let mut n: i64 = 0;
    // With pauses, people do not all begin in the same millisecond either.
    think(&mut rng, think_ms, end_at);
    'rounds: while Instant::now() < end_at {
        // The sheet's body (for the line's version) from the reads of this round.
        let mut body = None;
        for (i, url) in urls.iter().enumerate() {
            let t0 = Instant::now();
            match http.request("GET", url, None) {
                Ok(r) if r.status == 200 => {
                    t.reads[i].push(t0.elapsed().as_micros() as u32);
                    if *url == sheet {
                        body = Some(r.body);
                    }
                    think(&mut rng, think_ms, end_at);
                }
                Ok(r) => {
                    t.errors.push(format!("{} {url}: {}", p.user, r.status));
                    continue 'rounds;
                }
                Err(e) => {
                    t.errors.push(format!("{} {url}: {e}", p.user));
                    continue 'rounds;
                }
            }
        }
        let Some(page_body) = body else {
            t.errors
                .push(format!("{}: bladet {sheet} lästes inte (PAGES)", p.user));
            break;
        };
        if p.groups.is_empty() {
            continue;
        }
        n += 1;
        let group = &p.groups[(n as usize) % p.groups.len()];
        let Some(version) = version_on_page(&page_body, group) else {
            t.errors
                .push(format!("{} {sheet}: raden {group} saknas på sidan", p.user));
            continue;
        };
        // A different amount every time (tkr), distinct per person.
        let amount = 1000 + (index as i64) * 10_000 + n;
        let (v, a) = (version.to_string(), amount.to_string());
        let comment = format!("Belastningsprov {} nr {n}.", p.user);
        let body = form_encode(&[
            ("grupp", group),
            ("version", &v),
            ("belopp", &a),
            ("metod", ""),
            ("kommentar", &comment),
        ]);
        let t1 = Instant::now();
        match http.request("POST", &save_path, Some(&body)) {
            Ok(r) if r.status == 303 && r.location.contains("sparat=") => {
                t.saves.push(t1.elapsed().as_micros() as u32);
                t.saved.insert(group.clone(), amount);
            }
            Ok(r) => t.errors.push(format!(
                "{} sparade {group}: {} {}",
                p.user,
                r.status,
                r.body.chars().take(200).collect::<String>()
            )),
            Err(e) => t.errors.push(format!("{} sparade {group}: {e}", p.user)),
        }
        think(&mut rng, think_ms, end_at);
    }
    t
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// Run the benchmark: `users` people for `seconds` on `db` (changed: run it on a copy), each
/// reading `pages` ([`pages`]) and saving a line in every round of its loop.
pub fn run(db: &str, round: Option<&str>, load: &Load, pages: &[Page]) -> Result<()> {
    let Load {
        users,
        seconds,
        think_ms,
        controllers,
    } = *load;
    if controllers > users {
        bail!("--ekonomer ({controllers}) kan inte vara fler än --anvandare ({users})");
    }
    if pages.first().map(|p| p.path.as_str()) != Some(PAGES[0].1) {
        bail!("bladet ({}) måste vara den första sidan", PAGES[0].1);
    }
    let store = crate::db::open(db)?;
    let rounds = store.forecast_rounds()?;
    let info = match round {
        Some(r) => rounds
            .iter()
            .find(|x| x.round.id() == r)
            .ok_or_else(|| anyhow!("prognosomgången {r} finns inte i {db}"))?,
        None => rounds
            .iter()
            .rev()
            .find(|x| x.status == delar_store::RoundStatus::Open)
            .ok_or_else(|| {
                anyhow!("{db} har ingen öppen prognosomgång; kör delar demo och mät på den")
            })?,
    };
    let round_id = info.round.id();
    let summaries = delar_app::users::list_users(&store)?;
    let accounts: std::collections::BTreeSet<String> =
        summaries.iter().map(|u| u.name.clone()).collect();
    // The controllers' accounts and their nodes (the first ekonom grant of each).
    let ekonomer: Vec<(String, String)> = summaries
        .iter()
        .filter(|u| u.name.starts_with("ekonom"))
        .filter_map(|u| {
            u.grants
                .iter()
                .find(|(r, _)| *r == delar_app::auth::Role::Ekonom)
                .map(|(_, n)| (u.name.clone(), n.clone()))
        })
        .collect();
    if controllers > 0 && ekonomer.is_empty() {
        bail!("{db} har inga ekonomkonton (ekonom…); kör delar demo och mät på den databasen");
    }
    let mut by_node: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in store.forecast_line_details(&round_id)? {
        let user = format!("enhetschef-{}", d.line.node.to_lowercase());
        let state = store.workflow_state(&round_id, &d.line.node)?;
        if accounts.contains(&user) && state.state == delar_store::WorkflowState::Draft {
            by_node
                .entry(d.line.node.clone())
                .or_default()
                .push(d.line.group.clone());
        }
    }
    if by_node.is_empty() {
        bail!(
            "{db} har inga enheter med demokonton (enhetschef-<nod>) i utkast i {round_id}; kör \
             delar demo och mät på den databasen"
        );
    }
    drop(store);
    // People are spread over the units; people on the same unit save different lines.
    let nodes: Vec<(&String, &Vec<String>)> = by_node.iter().collect();
    let mut people: Vec<Person> = (0..users - controllers)
        .map(|i| {
            let (node, _) = nodes[i % nodes.len()];
            Person {
                user: format!("enhetschef-{}", node.to_lowercase()),
                node: node.clone(),
                groups: Vec::new(),
            }
        })
        .collect();
    for (node, groups) in &nodes {
        let sharers: Vec<usize> = (0..people.len())
            .filter(|i| people[*i].node == **node)
            .collect();
        for (j, g) in groups.iter().enumerate() {
            if let Some(&who) = sharers.get(j % sharers.len().max(1)) {
                people[who].groups.push(g.clone());
            }
        }
    }
    people.extend((0..controllers).map(|i| {
        let (user, node) = &ekonomer[i % ekonomer.len()];
        Person {
            user: user.clone(),
            node: node.clone(),
            groups: Vec::new(),
        }
    }));
    let config = delar_web::Config {
        db: db.to_string(),
        secure_cookies: false,
        oidc: None,
    };
    let server = delar_web::start(config, "127.0.0.1:0", 2).map_err(|e| anyhow!("{e}"))?;
    let addr = server.addr;
    let pause = match think_ms {
        0 => "utan betänketid".to_string(),
        ms => format!("betänketid {} ms i medel", count(ms as usize)),
    };
    let of_whom = match controllers {
        0 => String::new(),
        c => format!(" (varav {} ekonomer som läser)", count(c)),
    };
    println!(
        "{} personer{of_whom} på {} enheter i {round_id}, {seconds} s, {pause}, server på \
         {addr} (databas {})",
        count(users),
        count(nodes.len()),
        crate::db::shown(db)
    );
    let people = Arc::new(people);
    // Everyone logs in first (Argon2 on purpose slow; not measured), then starts together.
    let start_at = Instant::now() + Duration::from_secs(2 + users as u64 / 5);
    let end_at = start_at + Duration::from_secs(seconds);
    let round_arc = Arc::new(round_id.clone());
    let pages_arc: Arc<Vec<Page>> = Arc::new(pages.to_vec());
    let handles: Vec<_> = (0..users)
        .map(|i| {
            let people = Arc::clone(&people);
            let round = Arc::clone(&round_arc);
            let pages = Arc::clone(&pages_arc);
            std::thread::spawn(move || {
                work(
                    addr, &round, &pages, &people[i], i, think_ms, start_at, end_at,
                )
            })
        })
        .collect();
    let mut tallies = Vec::new();
    for h in handles {
        tallies.push(h.join().map_err(|_| anyhow!("en lasttråd avbröts"))?);
    }
    let elapsed = start_at.elapsed().as_secs_f64().min(seconds as f64 + 30.0);
    drop(server);

    let per_page: Vec<Vec<u32>> = (0..pages.len())
        .map(|i| {
            let mut v: Vec<u32> = tallies.iter().flat_map(|t| t.reads[i].clone()).collect();
            v.sort_unstable();
            v
        })
        .collect();
    let reads: usize = per_page.iter().map(Vec::len).sum();
    let mut saves: Vec<u32> = tallies.iter().flat_map(|t| t.saves.clone()).collect();
    let errors: Vec<&String> = tallies.iter().flat_map(|t| &t.errors).collect();
    saves.sort_unstable();
    let mut all: Vec<u32> = per_page
        .iter()
        .flatten()
        .chain(saves.iter())
        .copied()
        .collect();
    all.sort_unstable();

    // Lost updates: every line must hold the last amount its person was told was saved.
    let store = crate::db::open(db)?;
    let stored: BTreeMap<(String, String), (delar_core::Amount, bool)> = store
        .forecast_line_details(&round_id)?
        .into_iter()
        .map(|d| {
            (
                (d.line.node.clone(), d.line.group.clone()),
                (d.line.base, d.manual),
            )
        })
        .collect();
    let mut lost = 0usize;
    let mut checked = 0usize;
    for (p, t) in people.iter().zip(&tallies) {
        for (group, tkr) in &t.saved {
            checked += 1;
            let want = delar_core::Amount::from_ore(tkr * 100_000);
            match stored.get(&(p.node.clone(), group.clone())) {
                Some((base, true)) if *base == want => {}
                _ => lost += 1,
            }
        }
    }
    let wall = elapsed.max(seconds as f64).max(0.001);
    println!(
        "anrop:          {} ({} sidläsningar, {} sparade rader)",
        count(all.len()),
        count(reads),
        count(saves.len())
    );
    println!("anrop per s:    {}", decimal(all.len() as f64 / wall, 1));
    let mut kinds: Vec<(String, &Vec<u32>)> = vec![("alla".to_string(), &all)];
    for (p, v) in pages.iter().zip(&per_page) {
        kinds.push((p.label.clone(), v));
    }
    kinds.push(("sparande".to_string(), &saves));
    // With controllers among the people, each page also as each group saw it (the last
    // `controllers` people are the controllers).
    let split = users - controllers;
    let by_group: Vec<(String, Vec<u32>)> = if controllers == 0 {
        Vec::new()
    } else {
        let mut out = Vec::new();
        for (who, range) in [("enhetschefer", 0..split), ("ekonomer", split..users)] {
            for (i, p) in pages.iter().enumerate() {
                let mut v: Vec<u32> = tallies[range.clone()]
                    .iter()
                    .flat_map(|t| t.reads[i].clone())
                    .collect();
                v.sort_unstable();
                out.push((format!("{} ({who})", p.label), v));
            }
        }
        out
    };
    for (l, v) in &by_group {
        kinds.push((l.clone(), v));
    }
    let width = kinds
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (label, v) in kinds {
        let pad = " ".repeat(width - label.chars().count());
        println!(
            "{label}{pad}  {} st, p50 {} ms, p95 {} ms, p99 {} ms, max {} ms",
            count(v.len()),
            decimal(pct(v, 0.50), 1),
            decimal(pct(v, 0.95), 1),
            decimal(pct(v, 0.99), 1),
            decimal(pct(v, 1.0), 1)
        );
    }
    println!("fel:            {}", count(errors.len()));
    for e in errors.iter().take(10) {
        println!("  {e}");
    }
    println!(
        "förlorade uppdateringar: {} (av {} kontrollerade rader)",
        count(lost),
        count(checked)
    );
    if !errors.is_empty() || lost > 0 {
        bail!(
            "belastningsprovet hade {} fel och {} förlorade uppdateringar",
            errors.len(),
            lost
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_read_from_the_lines_form() {
        let page = "<input type=\"hidden\" name=\"grupp\" value=\"Övriga kostnader\">\n\
                    <input type=\"hidden\" name=\"version\" value=\"7\">\n\
                    <input type=\"hidden\" name=\"grupp\" value=\"Personal &#38; löner\">\n\
                    <input type=\"hidden\" name=\"version\" value=\"12\">";
        assert_eq!(version_on_page(page, "Övriga kostnader"), Some(7));
        assert_eq!(version_on_page(page, "Personal & löner"), Some(12));
        assert_eq!(version_on_page(page, "Intäkter"), None);
        assert_eq!(form_encode(&[("a b", "å&")]), "a%20b=%C3%A5%26");
    }

    #[test]
    fn a_pause_varies_around_its_mean_and_never_passes_the_end() {
        let far = Instant::now() + Duration::from_secs(60);
        let mut state = 7u64;
        let mut took = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            think(&mut state, 10, far);
            took.push(t.elapsed());
        }
        assert!(
            took.iter().all(|d| *d >= Duration::from_millis(5)),
            "{took:?}"
        );
        let distinct: std::collections::BTreeSet<u128> =
            took.iter().map(|d| d.as_micros() / 500).collect();
        assert!(distinct.len() > 3, "the pauses vary: {took:?}");
        // Without a mean there is no pause; with the end near, the pause stops there.
        let t = Instant::now();
        think(&mut state, 0, far);
        think(
            &mut state,
            10_000,
            Instant::now() + Duration::from_millis(20),
        );
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }

    #[test]
    fn pages_are_the_sheet_then_those_asked_for() {
        let p = pages(&["målsidan=/mal/{omgång}/{nod}".into()]).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].path, "/prognos/{omgång}/{nod}");
        assert_eq!(p[1].label, "målsidan");
        assert_eq!(p[1].url("2025-P2", "SN 41"), "/mal/2025-P2/SN%2041");
        let p = pages(&["/oversikt/{omgang},/mal/{omgång}/{nod}".into()]).unwrap();
        assert_eq!(
            p.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(),
            ["bladet", "oversikt", "mal"]
        );
        assert_eq!(p[1].url("2025-P2", "SN41"), "/oversikt/2025-P2");
        // The same label twice is told apart.
        let p = pages(&["/mal/{nod}".into(), "/mal/{omgång}/{nod}".into()]).unwrap();
        assert_eq!(p[2].label, "mal 2");
        let e = pages(&["mal/{nod}".into()]).unwrap_err().to_string();
        assert!(e.contains("--sidor") && e.contains("ingen sökväg"), "{e}");
    }
}
