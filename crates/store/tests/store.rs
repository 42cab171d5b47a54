//! Store tests on small hand-written SIE files.

#[macro_use]
mod common;

use delar_core::{AccountMapping, Amount, FinancialYear};
use delar_store::{
    BatchStatus, ImportOptions, ImportReport, ImportStatus, LedgerBy, LedgerRow, SqliteStore,
    Store, StoreError,
};
use rusqlite::types::Value;

const HEAD_2025: &str = r#"#FLAGGA 0
#PROGRAM "Testsystem" "1.0"
#FORMAT PC8
#GEN 20250905
#SIETYP 4
#ORGNR 212000-0000
#FNAMN "Exempelkommun"
#RAR 0 20250101 20251231
#RAR -1 20240101 20241231
#KONTO 1930 "Bank"
#KONTO 3110 "Avgifter"
#KONTO 4610 "Kop av huvudverksamhet"
#KONTO 5010 "Loner"
#DIM 1 "Ansvar"
#OBJEKT 1 "100" "Hemtjanst Norr"
#OBJEKT 1 "200" "Hemtjanst Syd"
#OBJEKT 6 "P10" "Projekt 10"
"#;

/// Year 2025 with vouchers in January and February, #PSALDO that agrees with them, budgets.
fn file_a() -> String {
    format!(
        "{HEAD_2025}{}",
        r#"#PSALDO 0 202501 4610 {} 1000.00
#PSALDO 0 202502 4610 {} 250.50
#PSALDO 0 202501 5010 {} 500.00
#PSALDO 0 202502 5010 {} 100.00
#PSALDO 0 202502 3110 {} -300.00
#PBUDGET 0 202501 4610 {} 1200
#PBUDGET 0 202502 4610 {} 1200
#PBUDGET 0 202501 4610 {1 "100"} 1100
#VER A 1 20250115 "Januari"
{
#TRANS 4610 {1 "100"} 1000.00
#TRANS 5010 {1 "200" 6 "P10"} 500.00
#TRANS 1930 {} -1500.00
}
#VER A 2 20250210 "Februari"
{
#TRANS 3110 {1 "100"} -300.00
#TRANS 4610 {1 "100"} 250.50
#TRANS 1930 {} 49.50
}
#VER A 3 20250220 "Rattelse"
{
#TRANS 5010 {} 100
#TRANS 1930 {} -100
#BTRANS 5010 {} 999
}
"#
    )
}

/// A later export of 2025: different vouchers and budget, no #PSALDO.
fn file_b() -> String {
    format!(
        "{HEAD_2025}{}",
        r#"#PBUDGET 0 202501 4610 {} 1300
#VER A 1 20250115 "Januari"
{
#TRANS 4610 {1 "100"} 900.00
#TRANS 1930 {} -900.00
}
#VER A 2 20250310 "Mars"
{
#TRANS 5010 {1 "200"} 40.00
#TRANS 1930 {} -40.00
}
"#
    )
}

/// Year 2024 as the current year, with vouchers and a result.
const FILE_2024: &str = r#"#FLAGGA 0
#PROGRAM "Testsystem" "1.0"
#FORMAT PC8
#SIETYP 4
#ORGNR 212000-0000
#FNAMN "Exempelkommun"
#RAR 0 20240101 20241231
#KONTO 1930 "Bank"
#KONTO 4610 "Kop av huvudverksamhet"
#RES 0 4610 300.00
#VER A 1 20240305 "Mars"
{
#TRANS 4610 {} 300.00
#TRANS 1930 {} -300.00
}
"#;

/// Only #RES for the previous year (2024).
fn file_res_only() -> String {
    format!("{HEAD_2025}#RES -1 4610 310.00\n")
}

fn kr(v: i64) -> Amount {
    Amount::from_ore(v * 100)
}

fn ore(v: i64) -> Amount {
    Amount::from_ore(v)
}

fn import(store: &mut SqliteStore, text: &str, name: &str) -> Result<ImportReport, StoreError> {
    store.import_sie_reader(
        &mut text.as_bytes(),
        name,
        None,
        &ImportOptions::default(),
        None,
    )
}

fn row<'a>(rows: &'a [LedgerRow], key: &str) -> &'a LedgerRow {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows:?}"))
}

fn months(values: &[(usize, Amount)]) -> Vec<Amount> {
    let mut v = vec![Amount::ZERO; 12];
    for (i, a) in values {
        v[*i] = *a;
    }
    v
}

/// Every row of every table, for comparing database content.
fn dump(store: &SqliteStore) -> String {
    let conn = store.connection();
    let mut out = String::new();
    for (table, _) in store.table_counts().unwrap() {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        out.push_str(table);
        out.push('\n');
        for r in rows {
            out.push_str(&format!("{:?}\n", r.unwrap()));
        }
    }
    out
}

/// Vouchers in force for a financial year (through the batch parts).
fn active_vouchers(store: &SqliteStore, start: &str) -> i64 {
    store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM voucher v
             JOIN financial_year y ON y.id = v.financial_year_id
             JOIN batch_part p ON p.batch_id = v.batch_id AND p.financial_year_id = y.id
                 AND p.part = 'vouchers' AND p.replaced_by IS NULL
             WHERE y.start_date = ?1",
            [start],
            |r| r.get(0),
        )
        .unwrap()
}

both! {
#[test]
fn import_then_ledger_by_account_group_and_object() {
    let mut s = common::store();
    let r = import(&mut s, &file_a(), "a.se").unwrap();
    assert_eq!(r.status, ImportStatus::Imported, "{r}");
    assert_eq!(r.source, "212000-0000");
    assert_eq!(r.vouchers, 3);
    assert_eq!(r.transactions, 9);
    assert_eq!(r.accounts, 4);
    assert_eq!(r.objects, 3);
    assert_eq!(r.months_outcome, 2);
    assert_eq!(r.months_budget, 2);
    assert_eq!(r.sie_type, "4E");
    assert_eq!(
        r.years,
        vec![FinancialYear::calendar(2024), FinancialYear::calendar(2025)]
    );
    assert!(
        r.findings.iter().any(|f| f.code == "psaldo-ignored"),
        "{:?}",
        r.findings
    );
    let text = r.to_string();
    assert!(text.contains("Importerade a.se som batch 1"), "{text}");
    assert!(text.contains("3 verifikationer, 9 transaktioner"), "{text}");

    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        ["3110", "4610", "5010"],
        "balance accounts are not in the ledger"
    );
    let a4610 = row(&rows, "4610");
    assert_eq!(a4610.name, "Kop av huvudverksamhet");
    assert_eq!(a4610.group, "kop_verksamhet");
    assert_eq!(a4610.outcome, months(&[(0, kr(1000)), (1, ore(25050))]));
    assert_eq!(a4610.outcome_total, ore(125050));
    // Budget without a filter: the account totals (empty object set) only.
    assert_eq!(a4610.budget, months(&[(0, kr(1200)), (1, kr(1200))]));
    assert_eq!(a4610.budget_total, kr(2400));
    // #PSALDO is not added on top of the transactions; #BTRANS does not count.
    assert_eq!(
        row(&rows, "5010").outcome,
        months(&[(0, kr(500)), (1, kr(100))])
    );
    assert_eq!(row(&rows, "3110").outcome_total, kr(-300));

    let groups = s.ledger(2025, LedgerBy::Group, None).unwrap();
    let keys: Vec<&str> = groups.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        ["avgifter", "personal", "kop_verksamhet"],
        "mapping order"
    );
    assert_eq!(row(&groups, "personal").name, "Personalkostnader");
    assert_eq!(row(&groups, "personal").outcome_total, kr(600));
    assert_eq!(row(&groups, "kop_verksamhet").budget_total, kr(2400));

    let obj = s.ledger(2025, LedgerBy::Account, Some((1, "100"))).unwrap();
    let keys: Vec<&str> = obj.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["3110", "4610"]);
    assert_eq!(
        row(&obj, "4610").outcome,
        months(&[(0, kr(1000)), (1, ore(25050))])
    );
    assert_eq!(row(&obj, "4610").budget, months(&[(0, kr(1100))]));
    assert_eq!(row(&obj, "3110").outcome_total, kr(-300));

    // Transactions on a set of two objects count for either object.
    let p10 = s.ledger(2025, LedgerBy::Group, Some((6, "P10"))).unwrap();
    assert_eq!(p10.len(), 1);
    assert_eq!(p10[0].key, "personal");
    assert_eq!(p10[0].outcome, months(&[(0, kr(500))]));
    let o200 = s.ledger(2025, LedgerBy::Account, Some((1, "200"))).unwrap();
    assert_eq!(o200.len(), 1);
    assert_eq!(o200[0].outcome_total, kr(500));

    assert!(matches!(
        s.ledger(2025, LedgerBy::Account, Some((1, "999"))),
        Err(StoreError::NoSuchObject { .. })
    ));
    let err = s.ledger(2031, LedgerBy::Account, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "räkenskapsåret 2031 finns inte i databasen"
    );
    assert!(s.ledger(2024, LedgerBy::Account, None).unwrap().is_empty());
    assert_eq!(
        s.years().unwrap(),
        vec![FinancialYear::calendar(2024), FinancialYear::calendar(2025)]
    );
}
}

both! {
#[test]
fn identical_reimport_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.se");
    std::fs::write(&path, file_a()).unwrap();
    let mut s = common::store();
    let mut calls = Vec::new();
    let mut progress = |b: u64| calls.push(b);
    let first = s
        .import_sie(&path, &ImportOptions::default(), Some(&mut progress))
        .unwrap();
    assert_eq!(calls.last().copied(), Some(file_a().len() as u64));
    assert_eq!(first.sha256.len(), 64);
    let before = dump(&s);
    let counts = s.table_counts().unwrap();

    // From the path (hash known up front: stops after the header) …
    let again = s
        .import_sie(&path, &ImportOptions::default(), None)
        .unwrap();
    assert_eq!(again.status, ImportStatus::Unchanged);
    assert_eq!(again.batch_id, first.batch_id);
    assert_eq!(again.vouchers, 3);
    assert_eq!(
        again.to_string(),
        "Filen är redan importerad (batch 1); inget ändrades."
    );
    // … and from a reader (hashed while read).
    let again = import(&mut s, &file_a(), "kopia.se").unwrap();
    assert_eq!(again.status, ImportStatus::Unchanged);
    assert_eq!(again.sha256, first.sha256);
    assert_eq!(s.table_counts().unwrap(), counts);
    assert_eq!(dump(&s), before);

    // The same bytes under another source are a separate import.
    let other = ImportOptions {
        source: Some("annan".into()),
        ..Default::default()
    };
    let r = s.import_sie(&path, &other, None).unwrap();
    assert_eq!(r.status, ImportStatus::Imported);
    assert_eq!(r.source, "annan");
}
}

both! {
#[test]
fn new_export_replaces_the_year() {
    let mut s = common::store();
    import(&mut s, &file_a(), "a.se").unwrap();
    let r = import(&mut s, &file_b(), "b.se").unwrap();
    assert_eq!(r.status, ImportStatus::Replaced);
    assert_eq!(r.replaced_batches, vec![1]);
    assert!(r
        .to_string()
        .contains("Ersatte data för samma räkenskapsår från tidigare batch 1"));
    assert_eq!(active_vouchers(&s, "2025-01-01"), 2);

    let batches = s.batches().unwrap();
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0].status, BatchStatus::Replaced);
    assert_eq!(batches[0].replaced_by, Some(2));
    assert_eq!(batches[0].vouchers, 3);
    assert_eq!(batches[1].status, BatchStatus::Active);
    assert_eq!(batches[1].file_name, "b.se");
    assert_eq!(batches[1].vouchers, 2);
    assert_eq!(batches[1].source, "212000-0000");

    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&rows, "4610").outcome, months(&[(0, kr(900))]));
    assert_eq!(row(&rows, "5010").outcome, months(&[(2, kr(40))]));
    assert!(rows.iter().all(|r| r.key != "3110"));
    assert_eq!(row(&rows, "4610").budget, months(&[(0, kr(1300))]));

    // Importing the first file again is not "unchanged" (its data is no longer in force):
    // it replaces the second, and running it once more changes nothing.
    let r = import(&mut s, &file_a(), "a.se").unwrap();
    assert_eq!(r.status, ImportStatus::Replaced);
    assert_eq!(r.replaced_batches, vec![2]);
    assert_eq!(active_vouchers(&s, "2025-01-01"), 3);
    let r = import(&mut s, &file_a(), "a.se").unwrap();
    assert_eq!(r.status, ImportStatus::Unchanged);
    assert_eq!(r.batch_id, 3);
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&rows, "4610").outcome_total, ore(125050));
    let statuses: Vec<BatchStatus> = s.batches().unwrap().iter().map(|b| b.status).collect();
    assert_eq!(
        statuses,
        [
            BatchStatus::Replaced,
            BatchStatus::Replaced,
            BatchStatus::Active
        ]
    );
}
}

both! {
#[test]
fn result_only_file_keeps_previous_years_vouchers() {
    let mut s = common::store();
    let r2024 = import(&mut s, FILE_2024, "2024.se").unwrap();
    assert_eq!(r2024.vouchers, 1);
    assert_eq!(active_vouchers(&s, "2024-01-01"), 1);
    let r = import(&mut s, &file_res_only(), "res.se").unwrap();
    // The result replaces the 2024 balances but not the 2024 vouchers.
    assert_eq!(r.replaced_batches, vec![r2024.batch_id]);
    assert_eq!(active_vouchers(&s, "2024-01-01"), 1);
    let rows = s.ledger(2024, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&rows, "4610").outcome, months(&[(2, kr(300))]));
    let batches = s.batches().unwrap();
    assert_eq!(
        batches[0].status,
        BatchStatus::Active,
        "its vouchers are still in force"
    );
    let res: i64 = s
        .connection()
        .query_row(
            "SELECT b.amount_ore FROM balance b
             JOIN batch_part p ON p.batch_id = b.batch_id
                AND p.financial_year_id = b.financial_year_id
                AND p.part = 'balances' AND p.replaced_by IS NULL
             WHERE b.kind = 'RES'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(res, 31000);
}
}

both! {
#[test]
fn unbalanced_voucher_changes_nothing() {
    let mut s = common::store();
    import(&mut s, &file_a(), "a.se").unwrap();
    let counts = s.table_counts().unwrap();
    let before = dump(&s);
    let bad = file_b().replace("#TRANS 1930 {} -40.00", "#TRANS 1930 {} -41.00");
    let err = import(&mut s, &bad, "fel.se").unwrap_err();
    let StoreError::Invalid {
        errors, findings, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert!(*errors >= 1);
    assert!(findings.iter().any(|f| f.code == "unbalanced-voucher"));
    let text = err.to_string();
    assert!(text.contains("ingenting importerades"), "{text}");
    assert!(text.contains("fel.se:"), "{text}");
    assert!(text.contains("balanserar inte"), "{text}");
    assert_eq!(s.table_counts().unwrap(), counts);
    assert_eq!(dump(&s), before);
    assert_eq!(s.batches().unwrap().len(), 1);
}
}

both! {
#[test]
fn account_outside_mapping_goes_to_ej_kontogrupperat() {
    let mut s = common::store();
    let text = format!(
        "{HEAD_2025}#KONTO 9123 \"Internt\"\n#VER A 1 20250115 \"\"\n{{\n#TRANS 9123 {{}} 10\n#TRANS 1930 {{}} -10\n}}\n"
    );
    let r = import(&mut s, &text, "nio.se").unwrap();
    let w = r
        .findings
        .iter()
        .find(|f| f.code == "ungrouped-account")
        .expect("a warning names the account");
    assert!(w.message.contains("9123 Internt 10,00 kr"), "{}", w.message);
    assert!(w.message.contains("Kommun-Bas standard"), "{}", w.message);
    let rows = s.ledger(2025, LedgerBy::Group, None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key, delar_core::UNGROUPED);
    assert_eq!(rows[0].outcome_total, kr(10));

    // With a mapping that covers class 9 the account moves to that group.
    let mut toml = delar_core::accounts::KOMMUN_BAS_TOML.to_string();
    toml.push_str("\n[[group]]\ncode = \"interna\"\nname = \"Interna poster\"\nkind = \"cost\"\nranges = [\"9\"]\n");
    let mapping = AccountMapping::from_toml(&toml).unwrap();
    s.set_account_mapping(&mapping).unwrap();
    assert_eq!(s.account_mapping().unwrap(), mapping);
    let rows = s.ledger(2025, LedgerBy::Group, None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key, "interna");
    assert_eq!(rows[0].outcome_total, kr(10));

    // Going back to Kommun-Bas puts 9123 back in "Ej kontogrupperat".
    s.set_account_mapping(&AccountMapping::kommun_bas())
        .unwrap();
    assert_eq!(
        s.ledger(2025, LedgerBy::Group, None).unwrap()[0].key,
        delar_core::UNGROUPED
    );
    assert_eq!(
        s.ungrouped_accounts(Some(2025)).unwrap(),
        [("9123".to_string(), "Internt".to_string(), kr(10))]
    );
}
}

both! {
#[test]
fn psaldo_only_gives_outcome_and_pbudget_budget() {
    let mut s = common::store();
    let text = format!(
        "{HEAD_2025}{}",
        r#"#IB 0 1930 100
#PSALDO 0 202501 4610 {} 700
#PSALDO 0 202501 4610 {1 "100"} 400
#PSALDO 0 202503 5010 {} 50
#PSALDO 0 202501 1930 {} 12345
#PBUDGET 0 202501 4610 {} 800
#PBUDGET 0 202504 4610 {} 800
#PBUDGET 0 202504 4610 {1 "100"} 300
"#
    );
    let r = import(&mut s, &text, "psaldo.se").unwrap();
    assert_eq!(r.vouchers, 0);
    assert_eq!(r.months_outcome, 2);
    assert_eq!(r.months_budget, 2);
    assert_eq!(r.sie_type, "4E");
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["4610", "5010"]);
    assert_eq!(row(&rows, "4610").outcome, months(&[(0, kr(700))]));
    assert_eq!(
        row(&rows, "4610").budget,
        months(&[(0, kr(800)), (3, kr(800))])
    );
    assert_eq!(row(&rows, "5010").outcome, months(&[(2, kr(50))]));
    let obj = s.ledger(2025, LedgerBy::Account, Some((1, "100"))).unwrap();
    assert_eq!(obj.len(), 1);
    assert_eq!(obj[0].outcome, months(&[(0, kr(400))]));
    assert_eq!(obj[0].budget, months(&[(3, kr(300))]));
    // The balance account's #PSALDO is stored as given.
    let stored: i64 = s
        .connection()
        .query_row(
            "SELECT m.amount_ore FROM monthly m JOIN account a ON a.id = m.account_id
             WHERE a.number = '1930' AND m.origin = 'psaldo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 1_234_500);

    // A later voucher export for the year replaces the #PSALDO outcome; without #PBUDGET it
    // leaves the budget in force (and the batch stays active).
    let b = file_b().replace("#PBUDGET 0 202501 4610 {} 1300\n", "");
    let r = import(&mut s, &b, "b.se").unwrap();
    assert_eq!(r.replaced_batches, vec![1]);
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&rows, "4610").outcome, months(&[(0, kr(900))]));
    assert_eq!(row(&rows, "4610").budget_total, kr(1600));
    assert_eq!(row(&rows, "5010").outcome, months(&[(2, kr(40))]));
    assert_eq!(s.batches().unwrap()[0].status, BatchStatus::Active);
}
}

#[test]
fn open_create_and_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delar.db");
    let missing = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)));
    assert!(missing.to_string().contains("finns inte"), "{missing}");

    {
        let mut s = SqliteStore::create(&path).unwrap();
        let all: Vec<i64> = delar_store::schema::MIGRATIONS
            .iter()
            .map(|m| m.version)
            .collect();
        assert_eq!(s.migrations_applied(), all);
        import(&mut s, &file_a(), "a.se").unwrap();
    }
    let err = SqliteStore::create(&path).unwrap_err();
    assert!(matches!(err, StoreError::Exists(_)), "{err}");
    assert!(err.to_string().contains("finns redan"));

    let s = SqliteStore::open(&path).unwrap();
    assert!(s.migrations_applied().is_empty(), "nothing pending");
    let last = delar_store::schema::MIGRATIONS.last().unwrap().version;
    assert_eq!(s.schema_version().unwrap(), last);
    let (version, name): (i64, String) = s
        .connection()
        .query_row(
            "SELECT version, name FROM schema_migrations ORDER BY version",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, name.as_str()), (1, "grundschema"));
    let journal: String = s
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let fk: i64 = s
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    assert_eq!(s.batches().unwrap().len(), 1);
    assert_eq!(s.ledger(2025, LedgerBy::Account, None).unwrap().len(), 3);
    drop(s);

    // Not a delar database: a text file, and an SQLite file of some other program.
    let text = dir.path().join("text.db");
    std::fs::write(
        &text,
        "hej hej, det här är ingen databas alls, bara text ...........",
    )
    .unwrap();
    let err = SqliteStore::open(&text).unwrap_err();
    assert!(matches!(err, StoreError::NotDelar(_)), "{err}");
    assert!(err.to_string().contains("inte en delar-databas"));
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    assert!(matches!(
        SqliteStore::open(&other),
        Err(StoreError::NotDelar(_))
    ));

    // A database from a newer delar.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "INSERT INTO schema_migrations VALUES (99, 'framtid', '2030-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    }
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
}

both! {
#[test]
fn default_mapping_is_kommun_bas_and_stored_on_import() {
    let mut s = common::store();
    assert_eq!(s.account_mapping().unwrap(), AccountMapping::kommun_bas());
    import(&mut s, FILE_2024, "2024.se").unwrap();
    let groups: i64 = s
        .connection()
        .query_row("SELECT COUNT(*) FROM account_group", [], |r| r.get(0))
        .unwrap();
    assert_eq!(groups as usize, AccountMapping::kommun_bas().groups().len());
    assert_eq!(s.account_mapping().unwrap(), AccountMapping::kommun_bas());
}
}

both! {
#[test]
fn many_vouchers_are_inserted_in_chunks_with_intact_keys() {
    // 150 vouchers of 3 lines: exercises full multi-row inserts and the remainder.
    let mut text = HEAD_2025.to_string();
    let mut expected = [0i64; 12];
    for v in 0..150i64 {
        let month = v % 12 + 1;
        let amount = 100 + v;
        expected[(month - 1) as usize] += amount * 100;
        text.push_str(&format!(
            "#VER B {} 2025{month:02}05 \"v{v}\"\n{{\n#TRANS 4610 {{1 \"{}\"}} {amount}\n#TRANS 5010 {{}} 1\n#TRANS 1930 {{}} -{}\n}}\n",
            v + 1,
            if v % 2 == 0 { "100" } else { "200" },
            amount + 1
        ));
    }
    let mut s = common::store();
    import(&mut s, &file_a(), "a.se").unwrap();
    let r = import(&mut s, &text, "b.se").unwrap();
    assert_eq!((r.vouchers, r.transactions), (150, 450));
    let counts: std::collections::HashMap<&str, i64> =
        s.table_counts().unwrap().into_iter().collect();
    assert_eq!(counts["voucher"], 153);
    assert_eq!(counts["trans"], 459);
    assert_eq!(active_vouchers(&s, "2025-01-01"), 150);
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    let got: Vec<i64> = row(&rows, "4610").outcome.iter().map(|a| a.ore()).collect();
    assert_eq!(got, expected);
    assert_eq!(row(&rows, "5010").outcome_total, kr(150));
    // Every voucher's lines sum to zero, and every foreign key holds although the import
    // does not enforce them while it writes.
    let unbalanced: i64 = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM (SELECT voucher_id FROM trans WHERE kind <> 'removed'
             GROUP BY voucher_id HAVING SUM(amount_ore) <> 0) unbalanced",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unbalanced, 0);
    let violations = common::key_violations(&s);
    assert_eq!(violations, 0);
    if common::backend() == common::Backend::Sqlite {
        let fk: i64 = s
            .connection()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1, "enforcement is back on after the import");
    }
}
}

/// The monthly sums and batch parts an import wrote.
fn monthly_dump(store: &SqliteStore) -> String {
    let conn = store.connection();
    let mut out = String::new();
    for q in [
        "SELECT financial_year_id, kind, period, account_id, object_set_id, amount_ore, origin
         FROM monthly ORDER BY 1, 2, 3, 4, 5, 7",
        "SELECT batch_id, financial_year_id, part, rows_count FROM batch_part ORDER BY 1, 2, 3",
    ] {
        let mut stmt = conn.prepare(q).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for r in rows {
            out.push_str(&format!("{:?}\n", r.unwrap()));
        }
    }
    out
}

both! {
#[test]
fn monthly_sums_spilled_to_disk_are_the_same_as_in_memory() {
    // #PSALDO for 2024 only (kept), and file_a: 2025 with vouchers, so its #PSALDO is dropped.
    let psaldo_2024 = format!(
        "{HEAD_2025}#PSALDO -1 202401 4610 {{}} 100.00\n#PSALDO -1 202402 4610 {{1 \"100\"}} 50\n\
         #PSALDO -1 202401 4610 {{}} 0\n#PBUDGET -1 202401 4610 {{}} 10\n#PBUDGET -1 202401 5010 {{}} 20\n"
    );
    let run = |threshold: Option<usize>| {
        delar_store::set_spill_threshold(threshold);
        let mut s = common::store();
        let a = import(&mut s, &file_a(), "a.se").unwrap();
        let b = import(&mut s, &psaldo_2024, "b.se").unwrap();
        delar_store::set_spill_threshold(None);
        let ledger = (
            s.ledger(2025, LedgerBy::Account, None).unwrap(),
            s.ledger(2024, LedgerBy::Account, None).unwrap(),
        );
        (
            monthly_dump(&s),
            a.findings.len(),
            b.findings.len(),
            format!("{ledger:?}"),
        )
    };
    let memory = run(None);
    assert!(memory.0.contains("psaldo"), "{}", memory.0);
    for n in [1, 2, 3] {
        assert_eq!(run(Some(n)), memory, "spilling after {n} keys");
    }
}

#[test]
fn a_technical_budget_post_keeps_its_kind() {
    let toml = delar_core::accounts::KOMMUN_BAS_TOML.replace("\"79\"]", "\"790-798\"]")
        + "\n[[group]]\ncode = \"ofinansierat\"\nname = \"Ofinansierat underskott\"\nkind = \"technical\"\nranges = [\"799\"]\n";
    let m = AccountMapping::from_toml(&toml).unwrap();
    let mut s = common::store();
    s.set_account_mapping(&m).unwrap();
    let back = s.account_mapping().unwrap();
    assert_eq!(back, m);
    assert_eq!(
        back.group_of("7991").unwrap().kind,
        delar_core::GroupKind::Technical
    );
}
}

/// Every column of `table`'s rows in id order.
fn table_rows(store: &SqliteStore, table: &str) -> Vec<Vec<Value>> {
    let conn = store.connection();
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| r.get::<_, Value>(i))
            .collect::<Result<Vec<_>, _>>()
    })
    .unwrap()
    .collect::<Result<Vec<_>, _>>()
    .unwrap()
}

/// A ledger whose vouchers and lines use every optional field, texts outside ASCII (in CP437,
/// as `#FORMAT PC8` says), the kinds of line, dates, quantities and extreme amounts; `n`
/// vouchers, so that a large `n` needs several `COPY`s on PostgreSQL.
fn every_field(n: usize) -> Vec<u8> {
    let mut text = HEAD_2025.to_string();
    for v in 0..n {
        let day = v % 28 + 1;
        let month = v % 12 + 1;
        let ore = (v as i64 * 7919) % 1_000_000 - 500_000;
        let amount = format!(
            "{}{}.{:02}",
            if ore < 0 { "-" } else { "" },
            ore.abs() / 100,
            ore.abs() % 100
        );
        let neg = if ore < 0 {
            amount[1..].to_string()
        } else {
            format!("-{amount}")
        };
        match v % 4 {
            0 => text.push_str(&format!(
                "#VER A {v} 2025{month:02}{day:02} \"Inköp på Åsen {v}\" 2025{month:02}{day:02} \"anna\"\n{{\n\
                 #TRANS 4610 {{1 \"100\" 6 \"P10\"}} {amount} 2025{month:02}01 \"Rad ett ÄÖ\" 2.5 \"bo\"\n\
                 #TRANS 1930 {{}} {neg}\n}}\n"
            )),
            1 => text.push_str(&format!(
                "#VER B \"\" 2025{month:02}{day:02} \"\"\n{{\n\
                 #TRANS 5010 {{1 \"200\"}} {amount} \"\" \"\" -0.125\n\
                 #BTRANS 5010 {{}} 99.00 2025{month:02}02 \"Borttagen\" 1 \"eva\"\n\
                 #TRANS 1930 {{}} {neg}\n}}\n"
            )),
            // A large amount once.
            2 if v == 2 => text.push_str(&format!(
                "#VER C {v} 2025{month:02}{day:02}\n{{\n\
                 #TRANS 3110 {{}} 999999999999.99\n\
                 #TRANS 1930 {{}} -999999999999.99\n}}\n"
            )),
            2 => text.push_str(&format!(
                "#VER C {v} 2025{month:02}{day:02}\n{{\n\
                 #TRANS 3110 {{}} {amount}\n\
                 #TRANS 1930 {{}} {neg}\n}}\n"
            )),
            _ => text.push_str(&format!(
                "#VER A {v} 2025{month:02}{day:02} \"Tillägg\"\n{{\n\
                 #RTRANS 4610 {{6 \"P10\"}} {amount}\n\
                 #TRANS 4610 {{6 \"P10\"}} {amount}\n\
                 #TRANS 1930 {{}} {neg} 20251231 \"Sista\"\n}}\n"
            )),
        }
    }
    // PC8 is CP437: å, Å, ä, Ä, ö, Ö.
    text.chars()
        .map(|c| match c {
            'å' => 0x86,
            'Å' => 0x8f,
            'ä' => 0x84,
            'Ä' => 0x8e,
            'ö' => 0x94,
            'Ö' => 0x99,
            c if c.is_ascii() => c as u8,
            c => panic!("no CP437 byte for {c}"),
        })
        .collect()
}

#[test]
fn postgres_stores_every_field_of_vouchers_and_lines_as_sqlite_does() {
    if !common::set_backend(common::Backend::Postgres) {
        return;
    }
    // Enough vouchers for several COPYs of lines and vouchers, after a first import so that
    // ids continue from rows already stored.
    let small = every_field(8);
    let large = every_field(60_000);
    let mut pg = common::store();
    let mut lite = SqliteStore::open_in_memory().unwrap();
    for s in [&mut pg, &mut lite] {
        for (name, bytes, source) in [("a.se", &small, "a"), ("b.se", &large, "b")] {
            let r = s
                .import_sie_reader(
                    &mut &bytes[..],
                    name,
                    None,
                    &ImportOptions {
                        source: Some(source.to_string()),
                        ..ImportOptions::default()
                    },
                    None,
                )
                .unwrap();
            assert_eq!(r.status, ImportStatus::Imported, "{r}");
        }
    }
    for table in ["voucher", "trans"] {
        let (p, l) = (table_rows(&pg, table), table_rows(&lite, table));
        assert_eq!(p.len(), l.len(), "{table}");
        for (a, b) in p.iter().zip(&l) {
            assert_eq!(a, b, "{table}");
        }
    }
    // The comparison covers what matters: texts outside ASCII, NULLs, quantities, kinds.
    let trans = table_rows(&pg, "trans");
    // Per four vouchers 2 + 3 + 2 + 2 lines (the #TRANS that repeats an #RTRANS is the same line).
    assert_eq!(trans.len(), (8 + 60_000) / 4 * 9);
    let first = &trans[0];
    assert_eq!(first[0], Value::Integer(1));
    assert_eq!(first[2], Value::Text("normal".into()));
    assert_eq!(first[6], Value::Text("2025-01-01".into()));
    assert_eq!(first[7], Value::Text("Rad ett ÄÖ".into()));
    assert_eq!(first[8], Value::Real(2.5));
    assert_eq!(first[9], Value::Text("bo".into()));
    assert_eq!(
        trans[1][6..],
        [Value::Null, Value::Null, Value::Null, Value::Null]
    );
    assert!(trans.iter().any(|t| t[2] == Value::Text("removed".into())));
    assert!(trans.iter().any(|t| t[2] == Value::Text("added".into())));
    assert!(trans
        .iter()
        .any(|t| t[5] == Value::Integer(99_999_999_999_999)));
    // The first import found the tables empty and built their primary keys at its end.
    let keys: i64 = pg
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM pg_constraint
             WHERE contype = 'p' AND conrelid IN ('voucher'::regclass, 'trans'::regclass)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keys, 2);
    let vouchers = table_rows(&pg, "voucher");
    assert_eq!(vouchers[0][6], Value::Text("Inköp på Åsen 0".into()));
    assert_eq!(vouchers[0][7], Value::Text("2025-01-01".into()));
}
