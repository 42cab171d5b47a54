//! Importing the SIE quirk corpus (`crates/sie/tests/quirks/`, see its README): each file
//! imports (or is refused with its cause first) and the amounts land where they should.

#[macro_use]
mod common;

use delar_core::{AccountMapping, Amount, Date, FinancialYear, UNGROUPED};
use delar_store::{
    ImportOptions, ImportReport, LedgerBy, LedgerRow, SqliteStore, Store, StoreError,
};

fn corpus(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sie/tests/quirks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn import(store: &mut SqliteStore, bytes: &[u8], name: &str) -> Result<ImportReport, StoreError> {
    store.import_sie_reader(&mut &bytes[..], name, None, &ImportOptions::default(), None)
}

fn import_file(store: &mut SqliteStore, name: &str) -> Result<ImportReport, StoreError> {
    import(store, &corpus(name), name)
}

fn kr(v: i64) -> Amount {
    Amount::from_ore(v * 100)
}

fn ore(v: i64) -> Amount {
    Amount::from_ore(v)
}

fn row<'a>(rows: &'a [LedgerRow], key: &str) -> &'a LedgerRow {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows:#?}"))
}

fn months(values: &[(usize, Amount)]) -> Vec<Amount> {
    let mut v = vec![Amount::ZERO; 12];
    for (i, a) in values {
        v[*i] = *a;
    }
    v
}

fn year(start: &str, end: &str) -> FinancialYear {
    FinancialYear {
        start: Date::parse(start).unwrap(),
        end: Date::parse(end).unwrap(),
    }
}

fn codes(r: &ImportReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code).collect()
}

fn message<'a>(r: &'a ImportReport, code: &str) -> &'a str {
    &r.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", r.findings))
        .message
}

both! {
#[test]
fn a_4i_file_without_rar_lands_in_the_calendar_year_of_its_vouchers() {
    let mut s = common::store();
    let r = import_file(&mut s, "4i-lon-utan-rar.se").unwrap();
    assert_eq!(r.years, [year("2025-01-01", "2025-12-31")]);
    assert_eq!((r.vouchers, r.transactions), (3, 10));
    // A subsystem's file is a source of its own, beside the main ledger.
    assert_eq!(r.source, "Exempelkommun – Lönesystem");
    assert_eq!(codes(&r), ["no-rar-derived-year"], "{:#?}", r.findings);
    let m = message(&r, "no-rar-derived-year");
    assert!(m.contains("2025-01-01–2025-12-31 (kalenderåret)"), "{m}");
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(
        row(&rows, "5011").outcome,
        months(&[(0, kr(90_000)), (1, kr(52_500))])
    );
    assert_eq!(row(&rows, "5611").outcome, months(&[(0, kr(28_278))]));
    let by_unit = s.ledger(2025, LedgerBy::Account, Some((1, "200"))).unwrap();
    assert_eq!(
        row(&by_unit, "5611").outcome_total,
        Amount::from_ore(1_193_960)
    );
    // Importing it again changes nothing.
    let again = import_file(&mut s, "4i-lon-utan-rar.se").unwrap();
    assert_eq!(again.status, delar_store::ImportStatus::Unchanged);
}
}

both! {
#[test]
fn without_rar_a_financial_year_already_stored_is_used() {
    let mut s = common::store();
    // The main ledger of a broken financial year, July–June.
    let main = "#FLAGGA 0\n#SIETYP 4\n#FNAMN \"Exempelkommun\"\n#RAR 0 20240701 20250630\n\
                #KONTO 1930 \"Bank\"\n#KONTO 4610 \"Köp\"\n#VER A 1 20240815\n{\n\
                #TRANS 4610 {} 100\n#TRANS 1930 {} -100\n}\n";
    import(&mut s, main.as_bytes(), "huvudbok.se").unwrap();
    let r = import_file(&mut s, "4i-lon-utan-rar.se").unwrap();
    assert_eq!(r.years, [year("2024-07-01", "2025-06-30")]);
    let m = message(&r, "no-rar-derived-year");
    assert!(
        m.contains("2024-07-01–2025-06-30 (räkenskapsåret som redan finns i databasen)"),
        "{m}"
    );
    // January is the seventh month of that year; the main ledger's vouchers stay (the
    // payroll file is a source of its own and replaces nothing).
    assert!(r.replaced_batches.is_empty());
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(
        row(&rows, "5011").outcome,
        months(&[(6, kr(90_000)), (7, kr(52_500))])
    );
    assert_eq!(row(&rows, "4610").outcome_total, kr(100));
    assert_eq!(s.years().unwrap().len(), 1, "no calendar year was added");
}
}

both! {
#[test]
fn vouchers_on_both_sides_of_the_new_year_land_in_two_years() {
    let mut s = common::store();
    let r = import_file(&mut s, "4i-fakturor-over-arsskifte.se").unwrap();
    assert_eq!(
        r.years,
        [
            year("2024-01-01", "2024-12-31"),
            year("2025-01-01", "2025-12-31")
        ]
    );
    let m = message(&r, "no-rar-derived-year");
    assert!(
        m.contains("2024-01-01–2024-12-31 (kalenderåret), 2025-01-01–2025-12-31"),
        "{m}"
    );
    let y2024 = s.ledger(2024, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&y2024, "3110").outcome, months(&[(11, kr(-12_400))]));
    let y2025 = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&y2025, "3110").outcome, months(&[(0, kr(-800))]));
}
}

both! {
#[test]
fn balances_without_rar_go_to_the_year_of_the_vouchers() {
    let mut s = common::store();
    let text = "#FLAGGA 0\n#SIETYP 4\n#FNAMN \"Exempelkommun\"\n#KONTO 1930 \"Bank\"\n\
                #KONTO 4610 \"Köp\"\n#IB 0 1930 1000\n#UB 0 1930 900\n#RES -1 4610 50\n\
                #VER A 1 20250305\n{\n#TRANS 4610 {} 100\n#TRANS 1930 {} -100\n}\n";
    let r = import(&mut s, text.as_bytes(), "utan-rar.se").unwrap();
    assert_eq!(
        r.years,
        [
            year("2024-01-01", "2024-12-31"),
            year("2025-01-01", "2025-12-31")
        ]
    );
    let balances: Vec<(String, String, i64)> = {
        let mut q = s
            .connection()
            .prepare(
                "SELECT y.start_date, b.kind, b.amount_ore FROM balance b
                 JOIN financial_year y ON y.id = b.financial_year_id ORDER BY 1, 2",
            )
            .unwrap();
        q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        balances,
        [
            ("2024-01-01".into(), "RES".into(), 5000),
            ("2025-01-01".into(), "IB".into(), 100_000),
            ("2025-01-01".into(), "UB".into(), 90_000),
        ]
    );
    // In a database with broken years (July–June), year −1 is the broken year before.
    let mut broken = common::store();
    let main = "#FLAGGA 0\n#SIETYP 4\n#FNAMN \"Annan kommun\"\n#RAR 0 20240701 20250630\n\
                #KONTO 1930 \"Bank\"\n";
    import(&mut broken, main.as_bytes(), "huvudbok.se").unwrap();
    let r = import(&mut broken, text.as_bytes(), "utan-rar.se").unwrap();
    assert_eq!(
        r.years,
        [
            year("2023-07-01", "2024-06-30"),
            year("2024-07-01", "2025-06-30")
        ]
    );
    assert!(message(&r, "no-rar-derived-year").contains("2023-07-01–2024-06-30 (året före)"));
    // Balances with nothing to take a year from: refused, saying what to add.
    let only = "#FLAGGA 0\n#SIETYP 4\n#KONTO 1930 \"Bank\"\n#IB 0 1930 1000\n";
    let err = import(&mut s, only.as_bytes(), "bara-ib.se").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("lägg till #RAR 0"), "{text}");
}
}

both! {
#[test]
fn accounts_outside_the_groups_import_into_ej_kontogrupperat() {
    let mut s = common::store();
    let r = import_file(&mut s, "konton-utanfor-grupper.se").unwrap();
    assert_eq!(codes(&r), ["ungrouped-account"], "{:#?}", r.findings);
    let m = message(&r, "ungrouped-account");
    assert!(m.contains("9000 Interna poster 2\u{a0}500,00 kr"), "{m}");
    // The group row, in mapping order (last), and each account in it.
    let groups = s.ledger(2025, LedgerBy::Group, None).unwrap();
    let keys: Vec<&str> = groups.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["kop_verksamhet", UNGROUPED]);
    let g = row(&groups, UNGROUPED);
    assert_eq!(g.name, "Ej kontogrupperat");
    assert_eq!(g.outcome, months(&[(1, kr(1_200))]));
    let accounts = s.ledger(2025, LedgerBy::Account, None).unwrap();
    for (acc, outcome) in [
        ("0351", months(&[(1, kr(1_200))])),
        ("9000", months(&[(0, kr(2_500))])),
        ("9911", months(&[(0, kr(-2_500))])),
    ] {
        assert_eq!(row(&accounts, acc).group, UNGROUPED, "{acc}");
        assert_eq!(row(&accounts, acc).outcome, outcome, "{acc}");
    }
    let listed = |s: &SqliteStore, y: Option<i32>| -> Vec<(String, Amount)> {
        s.ungrouped_accounts(y)
            .unwrap()
            .into_iter()
            .map(|(a, _, amount)| (a, amount))
            .collect()
    };
    let expected: Vec<(String, Amount)> = vec![
        ("0351".into(), kr(1_200)),
        ("9000".into(), kr(2_500)),
        ("9911".into(), kr(-2_500)),
        ("9999".into(), Amount::ZERO),
    ];
    assert_eq!(listed(&s, Some(2025)), expected);
    assert_eq!(listed(&s, None), expected);
    assert_eq!(
        s.ungrouped_accounts(Some(2025)).unwrap()[1].1,
        "Interna poster"
    );

    // A mapping that covers them moves them out of the group; going back puts them back.
    let mut toml = delar_core::accounts::KOMMUN_BAS_TOML.to_string();
    toml.push_str("\n[[group]]\ncode = \"interna\"\nname = \"Interna poster\"\nkind = \"cost\"\nranges = [\"0\", \"9\"]\n");
    let mapping = AccountMapping::from_toml(&toml).unwrap();
    s.set_account_mapping(&mapping).unwrap();
    assert_eq!(s.account_mapping().unwrap(), mapping);
    assert_eq!(listed(&s, None), []);
    let groups = s.ledger(2025, LedgerBy::Group, None).unwrap();
    assert_eq!(row(&groups, "interna").outcome_total, kr(1_200));
    s.set_account_mapping(&AccountMapping::kommun_bas())
        .unwrap();
    assert_eq!(listed(&s, None), expected);
}
}

both! {
#[test]
fn a_mapping_stored_before_the_reserved_group_existed_still_imports() {
    let mut s = common::store();
    import_file(&mut s, "ktyp-tillgang-klass-3.se").unwrap();
    // As an older delar stored it: the groups without the reserved one.
    s.connection()
        .execute("DELETE FROM account_group WHERE code = ?1", [UNGROUPED])
        .unwrap();
    assert_eq!(s.account_mapping().unwrap(), AccountMapping::kommun_bas());
    import_file(&mut s, "konton-utanfor-grupper.se").unwrap();
    let violations = common::key_violations(&s);
    assert_eq!(violations, 0);
    assert_eq!(s.ungrouped_accounts(None).unwrap().len(), 4);
}
}

both! {
#[test]
fn fields_without_bearing_on_amounts_do_not_stop_the_import() {
    let mut s = common::store();
    let r = import_file(&mut s, "tomma-falt.se").unwrap();
    let mut got = codes(&r);
    got.sort();
    assert_eq!(
        got,
        [
            "bad-number",
            "missing-field",
            "missing-field",
            "no-rar-derived-year",
            "rar-without-dates"
        ],
        "{:#?}",
        r.findings
    );
    assert_eq!(r.years, [year("2025-01-01", "2025-12-31")]);
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&rows, "3010").outcome, months(&[(2, kr(-4_500))]));
    assert_eq!(row(&rows, "4010").outcome, months(&[(2, kr(1_800))]));
    // Source: the #FNAMN, since #ORGNR has no number, and the program, since the year came
    // from the vouchers.
    assert_eq!(r.source, "Exempelkommun – Redovisning");
}
}

both! {
#[test]
fn ktyp_t_on_a_class_3_account_makes_it_a_balance_account() {
    let mut s = common::store();
    let r = import_file(&mut s, "ktyp-tillgang-klass-3.se").unwrap();
    assert_eq!(codes(&r), Vec::<&str>::new(), "{:#?}", r.findings);
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["4610"], "3740 is an asset, not a result account");
    let (kind, group): (String, Option<String>) = s
        .connection()
        .query_row(
            "SELECT kind, group_code FROM account WHERE number = '3740'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), group), ("T", None));
    let ub: i64 = s
        .connection()
        .query_row(
            "SELECT b.amount_ore FROM balance b JOIN account a ON a.id = b.account_id
             WHERE a.number = '3740' AND b.kind = 'UB'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ub, 650_000);
    // A later 4I file without #KTYP keeps the type the account was given.
    let later = "#FLAGGA 0\n#SIETYP 4\n#ORGNR 212000-0001\n#KONTO 3740 \"Fordran\"\n\
                 #KONTO 1930 \"Bank\"\n#VER A 9 20250601\n{\n#TRANS 3740 {} 10\n\
                 #TRANS 1930 {} -10\n}\n";
    import(&mut s, later.as_bytes(), "senare.se").unwrap();
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert!(rows.iter().all(|r| r.key != "3740"), "{rows:#?}");
}
}

both! {
#[test]
fn psaldo_only_on_objects_imports() {
    let mut s = common::store();
    let r = import_file(&mut s, "psaldo-bara-objekt.se").unwrap();
    assert_eq!(codes(&r), ["psaldo-ignored"], "{:#?}", r.findings);
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(
        row(&rows, "4610").outcome,
        months(&[(0, kr(1_500)), (1, kr(700))])
    );
    assert_eq!(row(&rows, "5011").outcome, months(&[(0, kr(300))]));
}
}

both! {
#[test]
fn an_old_dos_file_imports() {
    let mut s = common::store();
    let r = import_file(&mut s, "dos-ctrl-z.se").unwrap();
    assert_eq!(r.encoding, "CP437 (PC8)");
    let rows = s.ledger(1998, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&rows, "4610").outcome, months(&[(11, kr(250))]));
}
}

/// The first lines of an import error: the header, then the findings as printed.
fn error_lines(err: &StoreError) -> Vec<String> {
    err.to_string().lines().map(str::to_string).collect()
}

both! {
#[test]
fn a_missing_series_is_refused_with_the_series_named_first() {
    let mut s = common::store();
    let err = import_file(&mut s, "saknad-serie.se").unwrap_err();
    let lines = error_lines(&err);
    assert_eq!(
        lines[0],
        "saknad-serie.se har 3 fel, varav 2 följdfel; ingenting importerades"
    );
    assert!(lines[1].contains("Serie B saknas i filen"), "{lines:#?}");
    assert!(
        lines[2].starts_with("    följdfel: saknad-serie.se:15: fel: konto 1930"),
        "{lines:#?}"
    );
    assert!(
        lines[3].starts_with("    följdfel: saknad-serie.se:20: fel: konto 5011"),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(s.batches().unwrap().is_empty());
}
}

both! {
#[test]
fn a_truncated_file_is_refused_with_the_cut_named_first() {
    // A year with 300 accounts, cut off in the middle of its last voucher: the #RES of every
    // account whose vouchers were lost disagree, and all of that follows from the cut.
    let mut text = String::from(
        "#FLAGGA 0\n#SIETYP 4\n#ORGNR 212000-0001\n#RAR 0 20250101 20251231\n#KONTO 1930 \"Bank\"\n",
    );
    for i in 0..300 {
        text.push_str(&format!(
            "#KONTO {} \"Konto {i}\"\n#RES 0 {} 200.00\n",
            4000 + i,
            4000 + i
        ));
    }
    for i in 0..300 {
        for half in 0..2 {
            text.push_str(&format!(
                "#VER A {} 20250{}10 \"\"\n{{\n#TRANS {} {{}} 100.00\n#TRANS 1930 {{}} -100.00\n}}\n",
                i * 2 + half + 1,
                half + 1,
                4000 + i
            ));
        }
    }
    let cut = text.find("#VER A 301 ").unwrap() + 40;
    let bytes = &text.as_bytes()[..cut];
    let mut s = common::store();
    let err = import(&mut s, bytes, "avbruten.se").unwrap_err();
    let StoreError::Invalid {
        errors, findings, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert!(*errors > 150, "{errors}");
    let lines = error_lines(&err);
    assert!(
        lines[0].starts_with("avbruten.se har ") && lines[0].contains("följdfel"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("filen verkar avbruten"), "{lines:#?}");
    assert!(lines[1].contains("verifikationen A 301"), "{lines:#?}");
    assert!(lines[2].starts_with("    följdfel: "), "{lines:#?}");
    assert!(
        lines[5].contains("följdfel till av samma orsak"),
        "{lines:#?}"
    );
    assert!(lines.len() < 30, "a short message: {lines:#?}");
    // The kept findings are in order: the cut first, then what follows from it.
    let first_error = findings
        .iter()
        .find(|f| f.severity == delar_sie::Severity::Error)
        .unwrap();
    assert_eq!(first_error.code, "truncated");
    // The corpus's own truncated file says the same.
    let err = import_file(&mut s, "avbruten.se").unwrap_err();
    assert!(
        error_lines(&err)[1].contains("filen verkar avbruten"),
        "{err}"
    );
}
}

both! {
#[test]
fn files_that_are_not_sie_are_refused_with_one_error() {
    let mut s = common::store();
    for (file, what) in [
        ("html-sida.se", "HTML-sida"),
        ("excel-omdopt.se", "Excel-arbetsbok"),
        ("utf16.se", "UTF-16"),
        ("sie5.se", "SIE 5"),
    ] {
        let err = import_file(&mut s, file).unwrap_err();
        let lines = error_lines(&err);
        assert_eq!(lines.len(), 2, "{file}: {lines:#?}");
        assert_eq!(
            lines[0],
            format!("{file} har 1 fel; ingenting importerades")
        );
        assert!(lines[1].contains(what), "{file}: {}", lines[1]);
    }
    assert!(s.batches().unwrap().is_empty());
}
}

both! {
#[test]
fn an_unreadable_amount_is_named_before_what_it_unbalances() {
    let mut s = common::store();
    let err = import_file(&mut s, "felaktigt-belopp.se").unwrap_err();
    let lines = error_lines(&err);
    assert!(
        lines[1].contains("felaktigt-belopp.se:18: fel: #TRANS"),
        "{lines:#?}"
    );
    assert!(
        lines[2].contains("följdfel: felaktigt-belopp.se:14"),
        "{lines:#?}"
    );
    assert!(
        lines[3].contains("följdfel: felaktigt-belopp.se:16"),
        "{lines:#?}"
    );
    // The same file with the amount written as SIE says imports.
    let fixed: Vec<u8> = corpus("felaktigt-belopp.se")
        .iter()
        .map(|&b| b as char)
        .collect::<String>()
        .replace("1.250,00", "1250.00")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    import(&mut s, &fixed, "rattat.se").unwrap();
    let rows = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(row(&rows, "4610").outcome_total, ore(125_000));
}
}
