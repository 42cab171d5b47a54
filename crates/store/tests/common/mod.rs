//! The store's tests run on both backends: a test written inside [`both!`] becomes two tests,
//! `NAME::sqlite` and `NAME::postgres`, and [`store`] gives the backend of the test running.
//!
//! PostgreSQL: `DELAR_TEST_PG` names a server where the tests may create databases
//! (`scripts/test.sh` starts a throwaway cluster and sets it); each [`store`] is a fresh
//! database, dropped when the test process exits. Without `DELAR_TEST_PG` the `postgres` tests
//! print a note and pass without running (a developer's machine without PostgreSQL).
#![allow(dead_code)]

use delar_store::SqlStore;
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// The backends the tests run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

thread_local! {
    static BACKEND: Cell<Backend> = const { Cell::new(Backend::Sqlite) };
}

/// Databases created by this process, dropped at exit.
static CREATED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static NEXT: AtomicU32 = AtomicU32::new(0);

/// The server for PostgreSQL tests, when the environment gives one.
pub fn pg_server() -> Option<String> {
    std::env::var("DELAR_TEST_PG")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// Choose the backend of this test (thread); false when it is PostgreSQL and no server is
/// configured (the test should return at once).
pub fn set_backend(b: Backend) -> bool {
    BACKEND.with(|c| c.set(b));
    if b == Backend::Postgres && pg_server().is_none() {
        eprintln!(
            "obs: PostgreSQL-testet hoppas över: DELAR_TEST_PG är inte satt \
             (scripts/test.sh startar en testserver och sätter den)"
        );
        return false;
    }
    true
}

/// The backend of the test running.
pub fn backend() -> Backend {
    BACKEND.with(|c| c.get())
}

/// The connection string of a fresh, empty PostgreSQL database on the test server.
pub fn fresh_pg_database() -> String {
    let server = pg_server().expect("DELAR_TEST_PG");
    let name = format!(
        "delar_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = postgres::Client::connect(&server, postgres::NoTls)
        .unwrap_or_else(|e| panic!("DELAR_TEST_PG={server}: {e}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
        .unwrap();
    let mut created = CREATED.lock().unwrap();
    if created.is_empty() {
        // SAFETY: registering a plain extern "C" function with the C library's atexit.
        unsafe {
            libc::atexit(drop_databases);
        }
    }
    created.push(name.clone());
    with_database(&server, &name)
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
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

extern "C" fn drop_databases() {
    let Some(server) = pg_server() else { return };
    let names = std::mem::take(&mut *CREATED.lock().unwrap());
    if let Ok(mut admin) = postgres::Client::connect(&server, postgres::NoTls) {
        for n in names {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"));
        }
    }
}

/// A fresh, empty store on the test's backend (SQLite in memory, or a new PostgreSQL
/// database).
pub fn store() -> SqlStore {
    match backend() {
        Backend::Sqlite => SqlStore::open_in_memory().unwrap(),
        Backend::Postgres => SqlStore::connect(&fresh_pg_database()).unwrap(),
    }
}

/// Rows whose keys point nowhere: SQLite's `foreign_key_check`; on PostgreSQL (which enforces
/// every declared key itself) the keys of `voucher` and `trans`, which the schema leaves
/// undeclared for the import's `COPY`.
pub fn key_violations(s: &SqlStore) -> i64 {
    let sql = match backend() {
        Backend::Sqlite => "SELECT COUNT(*) FROM pragma_foreign_key_check",
        Backend::Postgres => {
            "SELECT (SELECT COUNT(*) FROM trans t
                     WHERE NOT EXISTS (SELECT 1 FROM voucher v WHERE v.id = t.voucher_id)
                        OR NOT EXISTS (SELECT 1 FROM account a WHERE a.id = t.account_id)
                        OR NOT EXISTS (SELECT 1 FROM object_set o WHERE o.id = t.object_set_id))
                  + (SELECT COUNT(*) FROM voucher v
                     WHERE NOT EXISTS (SELECT 1 FROM import_batch b WHERE b.id = v.batch_id)
                        OR NOT EXISTS (SELECT 1 FROM financial_year y
                                       WHERE y.id = v.financial_year_id))"
        }
    };
    s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A database that outlives its store, to open again: an SQLite file in a temporary
/// directory, or a PostgreSQL database.
pub struct Persistent {
    /// The connection string (a path for SQLite).
    pub db: String,
    _dir: Option<tempfile::TempDir>,
}

impl Persistent {
    /// A new, empty database of the test's backend (not created yet for SQLite).
    pub fn new() -> Persistent {
        match backend() {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let db = dir.path().join("delar.db").display().to_string();
                Persistent {
                    db,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => Persistent {
                db: fresh_pg_database(),
                _dir: None,
            },
        }
    }

    /// Create (SQLite) or connect to (PostgreSQL) the database.
    pub fn create(&self) -> SqlStore {
        delar_store::open_or_create(&self.db).unwrap()
    }

    /// Open it again.
    pub fn open(&self) -> SqlStore {
        delar_store::open(&self.db).unwrap()
    }
}

/// Tests on both backends: each `fn NAME() { … }` inside becomes `NAME::sqlite` and
/// `NAME::postgres`, with [`store`] giving that backend.
#[macro_export]
macro_rules! both {
    ($($(#[$m:meta])* fn $name:ident() $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$m])*
            fn sqlite() {
                $crate::common::set_backend($crate::common::Backend::Sqlite);
                $body
            }

            $(#[$m])*
            fn postgres() {
                if !$crate::common::set_backend($crate::common::Backend::Postgres) {
                    return;
                }
                $body
            }
        }
    )*};
}
