//! The command line on PostgreSQL: `delar demo --db postgres://…` runs the whole demo against
//! a server database and writes the same report (JSON byte for byte, and every other output)
//! as the SQLite run; `delar db kopiera` moves the database both ways with verification;
//! `delar db status` names the backend; `delar anvandare lista` shows the demo's web accounts
//! alike; `DELAR_DB` chooses the database; a connection string
//! that cannot work fails with a Swedish message without the password. Runs when
//! `DELAR_TEST_PG` names a server where the test may create databases (scripts/test.sh sets
//! it); otherwise it prints a note.

mod common;

use common::{delar, ok, stderr, stdout};
use std::path::Path;

fn server() -> Option<String> {
    let s = std::env::var("DELAR_TEST_PG")
        .ok()
        .filter(|s| !s.trim().is_empty());
    if s.is_none() {
        eprintln!(
            "obs: PostgreSQL-testet hoppas över: DELAR_TEST_PG är inte satt \
             (scripts/test.sh startar en testserver och sätter den)"
        );
    }
    s
}

/// A new empty database on the server; its connection string.
fn database(server: &str, name: &str) -> String {
    let mut admin = postgres::Client::connect(server, postgres::NoTls).unwrap();
    let name = format!("{name}_{}", std::process::id());
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
        .unwrap();
    let (head, tail) = server.split_once('?').map_or((server, ""), |(h, t)| (h, t));
    let base = head.rsplit_once('/').map_or(head, |(b, _)| b);
    let url = format!("{base}/{name}");
    if tail.is_empty() {
        url
    } else {
        format!("{url}?{tail}")
    }
}

fn drop_database(server: &str, url: &str) {
    let name = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    let mut admin = postgres::Client::connect(server, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// The row counts `delar db status --json` shows.
fn rows(args: &[&str], dir: &Path) -> serde_json::Value {
    let out = ok(args, dir);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["rader"].clone()
}

#[test]
fn the_demo_on_postgres_writes_the_same_report_and_moves_between_backends() {
    let Some(server) = server() else { return };
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let url = database(&server, "delar_cli_demo");
    ok(&["demo", "--out", "lite"], p);
    let out = ok(&["demo", "--out", "pg", "--db", &url], p);
    assert!(out.contains("Importerar till postgres://"), "{out}");

    // Every report file and every other output is the same, byte for byte.
    let lite_files: Vec<String> = files(&p.join("lite"))
        .into_iter()
        .filter(|f| !f.starts_with("indata") && f != "delar.db" && !f.starts_with("delar.db-"))
        .collect();
    let pg_files: Vec<String> = files(&p.join("pg"))
        .into_iter()
        .filter(|f| !f.starts_with("indata"))
        .collect();
    assert_eq!(lite_files, pg_files);
    let jsons = lite_files.iter().filter(|f| f.ends_with(".json")).count();
    assert!(jsons >= 2, "{lite_files:?}");
    for f in &lite_files {
        let a = std::fs::read(p.join("lite").join(f)).unwrap();
        let b = std::fs::read(p.join("pg").join(f)).unwrap();
        assert!(a == b, "{f} differs between SQLite and PostgreSQL");
    }

    // Status names the backend; DELAR_DB chooses the database when --db is not given.
    let status = ok(&["db", "status", "--db", &url], p);
    assert!(
        status.contains("PostgreSQL") && status.contains("Schemaversion:"),
        "{status}"
    );
    let via_env = std::process::Command::new(env!("CARGO_BIN_EXE_delar"))
        .args(["db", "status", "--json"])
        .current_dir(p)
        .env("DELAR_DB", &url)
        .output()
        .unwrap();
    assert!(via_env.status.success(), "{}", stderr(&via_env));
    let env_rows: serde_json::Value = serde_json::from_slice(&via_env.stdout).unwrap();
    let lite_rows = rows(&["db", "status", "--db", "lite/delar.db", "--json"], p);
    assert_eq!(env_rows["rader"], lite_rows, "the same rows in every table");

    // The demo's web accounts are on the server as in the file.
    let pg_users = ok(&["anvandare", "lista", "--db", &url], p);
    assert_eq!(
        pg_users,
        ok(&["anvandare", "lista", "--db", "lite/delar.db"], p)
    );
    assert!(pg_users.contains("ekonom-sn"), "{pg_users}");

    // PostgreSQL → a new SQLite file → a new PostgreSQL database, verified each way.
    let out = ok(&["db", "kopiera", "--fran", &url, "--till", "kopia.db"], p);
    assert!(out.contains("Kontrollerat"), "{out}");
    assert_eq!(
        rows(&["db", "status", "--db", "kopia.db", "--json"], p),
        lite_rows
    );
    let back = database(&server, "delar_cli_back");
    let out = ok(&["db", "kopiera", "--fran", "kopia.db", "--till", &back], p);
    assert!(out.contains("Kontrollerat"), "{out}");
    assert_eq!(
        rows(&["db", "status", "--db", &back, "--json"], p),
        lite_rows
    );
    // The copies answer as the original: the ledger by kontogrupp.
    let ledger = |db: &str| ok(&["ledger", "--db", db, "--year", "2025"], p);
    assert_eq!(ledger(&back), ledger("lite/delar.db"));

    // A copy onto a database with data is refused, and changes nothing.
    let o = delar(&["db", "kopiera", "--fran", "kopia.db", "--till", &back], p);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("måldatabasen är inte tom"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        rows(&["db", "status", "--db", &back, "--json"], p),
        lite_rows
    );
    let o = delar(&["db", "kopiera", "--fran", &url, "--till", "kopia.db"], p);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("finns redan"), "{}", stderr(&o));

    drop_database(&server, &url);
    drop_database(&server, &back);
}

#[test]
fn a_connection_string_that_cannot_work_names_itself_without_the_password() {
    if server().is_none() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("postgres://anna:hemligt@127.0.0.1:{port}/delar");
    let o = delar(&["db", "status", "--db", &url], d.path());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(!err.contains("hemligt"), "{err}");
    assert!(
        err.contains(&format!("postgres://anna:***@127.0.0.1:{port}/delar"))
            && err.contains("servern tar inte emot anslutningar"),
        "{err}"
    );
}
