//! PostgreSQL faults: the server goes away in the middle of an import or a round save (the
//! transaction rolls back, the message says so in Swedish, and the same command succeeds
//! again), and connection strings that cannot work (wrong host, database, user or password, a
//! server that is not PostgreSQL) give a Swedish message naming the connection string without
//! its password. Run when `DELAR_TEST_PG` names a server (see tests/common).

mod common;

use delar_core::{Amount, Round, RoundKind};
use delar_forecast::{ForecastLine, Method};
use delar_store::{
    ComputedLine, ForecastStore, ImportOptions, ImportStatus, LedgerBy, SqlStore, Store, StoreError,
};
use std::io::Write;

const HEAD: &str = r#"#FLAGGA 0
#PROGRAM "Testsystem" "1.0"
#FORMAT PC8
#GEN 20250905
#SIETYP 4
#ORGNR 212000-0000
#FNAMN "Exempelkommun"
#RAR 0 20250101 20251231
#KONTO 1930 "Bank"
#KONTO 4610 "Kop av huvudverksamhet"
"#;

fn ledger(n: usize) -> String {
    let mut text = HEAD.to_string();
    for v in 0..n {
        let month = v % 12 + 1;
        text.push_str(&format!(
            "#VER A {} 2025{month:02}10 \"v{v}\"\n{{\n#TRANS 4610 {{}} 100\n#TRANS 1930 {{}} -100\n}}\n",
            v + 1
        ));
    }
    text
}

fn admin() -> postgres::Client {
    postgres::Client::connect(&common::pg_server().unwrap(), postgres::NoTls).unwrap()
}

fn backend_pid(s: &SqlStore) -> i32 {
    s.connection()
        .query_row("SELECT pg_backend_pid()", [], |r| r.get(0))
        .unwrap()
}

fn count(s: &SqlStore, table: &str) -> i64 {
    s.table_counts()
        .unwrap()
        .into_iter()
        .find(|(t, _)| *t == table)
        .unwrap()
        .1
}

#[test]
fn the_server_going_away_mid_import_rolls_back_and_the_import_can_be_repeated() {
    if !common::set_backend(common::Backend::Postgres) {
        return;
    }
    let db = common::Persistent::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huvudbok.se");
    // More than one progress call (every 65 536 records) and more than one COPY.
    std::fs::write(&path, ledger(40_000)).unwrap();
    let mut s = db.create();
    let pid = backend_pid(&s);
    let mut killed = false;
    let mut progress = |_bytes: u64| {
        if !killed {
            killed = true;
            // The server ends this connection, as when it is stopped.
            admin()
                .execute("SELECT pg_terminate_backend($1)", &[&pid])
                .unwrap();
        }
    };
    let err = s
        .import_sie(&path, &ImportOptions::default(), Some(&mut progress))
        .unwrap_err();
    assert!(killed, "the import was cut while it ran");
    let msg = err.to_string();
    assert!(
        matches!(&err, StoreError::Db(e) if e.is_connection_lost()),
        "{err:?}"
    );
    assert!(
        msg.contains("anslutningen till PostgreSQL-servern bröts")
            && msg.contains("inget av kommandot sparades")
            && msg.contains("kör det igen"),
        "{msg}"
    );
    drop(s);

    // Nothing of it was stored, and the same import now succeeds.
    let mut again = db.open();
    assert_eq!(count(&again, "import_batch"), 0);
    assert_eq!(count(&again, "voucher"), 0);
    // The first import into empty tables drops their primary keys while it copies; the
    // rollback put them back.
    assert_eq!(primary_keys(&again), ["trans_pkey", "voucher_pkey"]);
    let r = again
        .import_sie(&path, &ImportOptions::default(), None)
        .unwrap();
    assert_eq!(r.status, ImportStatus::Imported);
    assert_eq!((r.vouchers, r.transactions), (40_000, 80_000));
    assert_eq!(count(&again, "import_batch"), 1);
    assert_eq!(r.batch_id, 1, "the cut import used no id");
    assert_eq!(primary_keys(&again), ["trans_pkey", "voucher_pkey"]);
}

/// The primary keys of `voucher` and `trans`.
fn primary_keys(s: &SqlStore) -> Vec<String> {
    let conn = s.connection();
    let mut st = conn
        .prepare(
            "SELECT conname FROM pg_constraint
             WHERE contype = 'p' AND conrelid IN ('voucher'::regclass, 'trans'::regclass)
             ORDER BY conname",
        )
        .unwrap();
    st.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn line(node: &str) -> ComputedLine {
    let tk = |v: i64| Amount::from_ore(v * 100_000);
    ComputedLine {
        line: ForecastLine {
            node: node.into(),
            group: "kop_verksamhet".into(),
            method: Method::Seasonal,
            base: tk(950),
            explanation: "Säsong 950.".into(),
            adjustments: vec![],
            to_date: tk(633),
            budget: tk(950),
            comment: None,
        },
        recommended: Some(Method::Seasonal),
        budget_to_date: tk(633),
        estimates: vec![],
    }
}

#[test]
fn the_server_going_away_mid_round_save_rolls_back_and_the_save_can_be_repeated() {
    if !common::set_backend(common::Backend::Postgres) {
        return;
    }
    let db = common::Persistent::new();
    let round = Round::new(2025, RoundKind::P2).unwrap();
    let lines: Vec<ComputedLine> = ["SN41", "SN42"].iter().map(|n| line(n)).collect();
    drop(db.create());
    // Another writer holds the write lock, so the save waits inside its transaction…
    let s = db.open();
    let pid = backend_pid(&s);
    let mut holder = postgres::Client::connect(&db.db, postgres::NoTls).unwrap();
    let mut hold = holder.transaction().unwrap();
    hold.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&delar_store::db::WRITE_LOCK],
    )
    .unwrap();
    let saver = {
        let (round, lines) = (round, lines.clone());
        let mut s = s;
        std::thread::spawn(move || s.save_round(&round, LedgerBy::Group, &lines, "anna"))
    };
    // … and the server ends its connection there.
    let mut a = admin();
    for _ in 0..500 {
        let waiting: i64 = a
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
                &[&pid],
            )
            .unwrap()
            .get(0);
        if waiting == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    a.execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let err = saver.join().unwrap().unwrap_err();
    hold.rollback().unwrap();
    let msg = err.to_string();
    assert!(
        msg.contains("anslutningen till PostgreSQL-servern bröts")
            && msg.contains("inget av kommandot sparades"),
        "{msg}"
    );
    let mut again = db.open();
    assert!(again.forecast_round("2025-P2").unwrap().is_none());
    let summary = again
        .save_round(&round, LedgerBy::Group, &lines, "anna")
        .unwrap();
    assert_eq!(
        again.forecast_lines("2025-P2").unwrap().len(),
        2,
        "{summary:?}"
    );
}

/// The message for a connection string, which must not show `secret`.
fn connect_message(url: &str, secret: Option<&str>) -> String {
    let err = delar_store::open(url).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    if let Some(secret) = secret {
        assert!(!msg.contains(secret), "the password is shown: {msg}");
        assert!(msg.contains("***"), "{msg}");
    }
    msg
}

#[test]
fn connection_strings_that_cannot_work_get_swedish_messages_without_the_password() {
    if !common::set_backend(common::Backend::Postgres) {
        return;
    }
    let server = common::pg_server().unwrap();

    let missing = common::with_database(&server, "finns_inte_alls");
    let msg = connect_message(&missing, None);
    assert!(
        msg.contains("databasen finns inte") && msg.contains("finns_inte_alls"),
        "{msg}"
    );

    // A role that may not log in (the test server trusts everyone, so a wrong password
    // cannot be provoked; the server refuses the same way).
    admin()
        .batch_execute(
            "DO $$ BEGIN CREATE ROLE delar_nologin NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        )
        .unwrap();
    let host = server
        .split('@')
        .nth(1)
        .and_then(|h| h.split('/').next())
        .unwrap();
    let nologin = format!("postgres://delar_nologin:hemligt123@{host}/postgres");
    let msg = connect_message(&nologin, Some("hemligt123"));
    assert!(
        msg.contains("användaren eller lösenordet godtogs inte"),
        "{msg}"
    );

    // Nothing listens on the port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let msg = connect_message(
        &format!("postgres://anna:topphemligt@127.0.0.1:{port}/delar"),
        Some("topphemligt"),
    );
    assert!(msg.contains("servern tar inte emot anslutningar"), "{msg}");
    assert!(msg.contains(&format!("127.0.0.1:{port}")), "{msg}");

    // Something that is not PostgreSQL answers on the port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let fake = std::thread::spawn(move || {
        if let Ok((mut c, _)) = listener.accept() {
            let mut hello = [0u8; 8];
            let _ = std::io::Read::read(&mut c, &mut hello);
            let _ = c.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let msg = connect_message(&format!("postgres://anna@127.0.0.1:{port}/delar"), None);
    fake.join().unwrap();
    assert!(
        msg.contains("servern svarar inte som en PostgreSQL-server"),
        "{msg}"
    );

    let msg = connect_message("postgres://anna:x@[oklar/delar", Some(":x@"));
    assert!(msg.contains("anslutningssträngen kan inte tolkas"), "{msg}");
}

#[test]
fn a_database_with_other_tables_is_not_taken_over() {
    if !common::set_backend(common::Backend::Postgres) {
        return;
    }
    let url = common::fresh_pg_database();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute("CREATE TABLE kunder (id BIGINT)").unwrap();
    let msg = connect_message(&url, None);
    assert!(msg.contains("inte en delar-databas"), "{msg}");
}
