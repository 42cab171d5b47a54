//! Annual budget amounts (`månad` = the year) are periodised when the budget is read: like last
//! year's outcome of the same ansvar and account by default, evenly when last year has none or
//! when the account group says `periodisering = "jamn"`; exactly to the öre, and the same in
//! the ledger, the ledger per node and the budget in force.

#[macro_use]
mod common;

use delar_core::{AccountMapping, Amount, Date};
use delar_store::{ForecastStore, ImportOptions, LedgerBy, SqliteStore, Store, TemplateSource};
use delar_templates::{budget, organisation, Table};

const ORG: &str = "\
kod;namn;typ;överordnad;från;till;verksamhet
PO;Programområde;programområde;;;;
SN;Socialnämnden;nämnd;PO;;;
SN1;Enhet 1;enhet;SN;;;
SN2;Enhet 2;enhet;SN;;;
";

/// 2024: SN1's salaries 100 kr a month, 200 kr in July (holiday pay); nothing on SN2.
fn last_year_sie() -> String {
    let mut s = String::from(
        "#FLAGGA 0\n#SIETYP 4\n#FNAMN \"K\"\n#RAR 0 20240101 20241231\n#DIM 1 \"Ansvar\"\n",
    );
    for m in 1..=12 {
        let amount = if m == 7 { 200 } else { 100 };
        s.push_str(&format!(
            "#VER A {m} 2024{m:02}25 \"lön\"\n{{\n#TRANS 5010 {{1 \"SN1\"}} {amount}\n\
             #TRANS 1930 {{}} -{amount}\n}}\n"
        ));
    }
    s
}

const BUDGET: &str = "\
version;beslutad;månad;konto;ansvar;verksamhet;belopp;kommentar
Budget 2025;2024-11-20;2025;5010;SN1;;1300,01;Årsbelopp
Budget 2025;2024-11-20;2025;5010;SN2;;1200;Ny enhet
Budget 2025;2024-11-20;2025-03;4610;SN1;;50;
";

fn store(mapping: Option<&str>) -> SqliteStore {
    let mut s = common::store();
    if let Some(toml) = mapping {
        s.set_account_mapping(&AccountMapping::from_toml(toml).unwrap())
            .unwrap();
    }
    let t = Table::from_csv(ORG.as_bytes(), "organisation.csv").unwrap();
    let lines = delar_templates::lines(&t);
    let src = TemplateSource {
        file_name: "organisation.csv",
        sha256: "o",
        lines: &lines,
    };
    s.import_organisation(&src, &organisation::parse(&t).unwrap())
        .unwrap();
    let text = last_year_sie();
    s.import_sie_reader(
        &mut text.as_bytes(),
        "2024.se",
        None,
        &ImportOptions::default(),
        None,
    )
    .unwrap();
    let t = Table::from_csv(BUDGET.as_bytes(), "budget.csv").unwrap();
    let lines = delar_templates::lines(&t);
    let src = TemplateSource {
        file_name: "budget.csv",
        sha256: "b",
        lines: &lines,
    };
    let r = s.import_budget(&src, &budget::parse(&t).unwrap()).unwrap();
    assert!(
        r.summary.contains("2 årsbelopp periodiseras"),
        "{}",
        r.summary
    );
    s
}

fn ore(x: i64) -> Amount {
    Amount::from_ore(x)
}

/// SN1's and SN2's budget per month on account 5010 from the ledger per node.
fn per_node(s: &SqliteStore) -> (Vec<Amount>, Vec<Amount>) {
    let rows = s.ledger_by_node(2025, LedgerBy::Account, None).unwrap();
    let get = |node: &str| {
        rows.iter()
            .find(|r| r.node == node && r.row.key == "5010")
            .map(|r| r.row.budget.clone())
            .unwrap()
    };
    (get("SN1"), get("SN2"))
}

#[test]
fn annual_amounts_follow_last_years_profile_else_even() {
    let s = store(None);
    let (sn1, sn2) = per_node(&s);
    // 1 300,01 kr like 2024's 100 × 11 + 200: July twice the other months, the odd öre on the
    // month with the largest remainder; the sum is exact.
    assert_eq!(sn1.iter().copied().sum::<Amount>(), ore(130_001));
    // (July's exact share is 200,0015 kr, the others' 100,0008 kr.)
    assert_eq!(sn1[6], ore(20_001));
    assert!(sn1[..6].iter().all(|a| *a == ore(10_000)));
    // SN2 had no outcome in 2024: evenly.
    assert!(sn2.iter().all(|a| *a == ore(10_000)));
    // The ledger read whole and the budget in force give the same year and months.
    let whole = s.ledger(2025, LedgerBy::Account, None).unwrap();
    let b5010 = whole.iter().find(|r| r.key == "5010").unwrap();
    assert_eq!(b5010.budget_total, ore(250_001));
    assert_eq!(b5010.budget[6], ore(30_001));
    let in_force = s
        .budget_in_force(
            2025,
            Date::parse("2025-08-31").unwrap(),
            LedgerBy::Account,
            None,
        )
        .unwrap();
    assert_eq!(
        in_force.iter().find(|r| r.key == "5010").unwrap().budget,
        b5010.budget
    );
    // A monthly line stays where it is.
    let b4610 = whole.iter().find(|r| r.key == "4610").unwrap();
    assert_eq!(b4610.budget[2], ore(5_000));
    assert_eq!(b4610.budget_total, ore(5_000));
    // What was periodised, and how.
    let p = s.budget_periodisation(2025, None).unwrap();
    assert_eq!(p.len(), 2);
    assert!(p
        .iter()
        .any(|x| x.responsible == "SN1" && x.spread == delar_core::budget::Spread::LastYear));
    assert!(p
        .iter()
        .any(|x| x.responsible == "SN2" && x.spread == delar_core::budget::Spread::Even));
}

#[test]
fn a_group_periodised_evenly_ignores_last_year() {
    let toml = delar_core::accounts::KOMMUN_BAS_TOML.replace(
        "code = \"personal\"\nname = \"Personalkostnader\"\nkind = \"cost\"",
        "code = \"personal\"\nname = \"Personalkostnader\"\nkind = \"cost\"\nperiodisering = \"jamn\"",
    );
    assert!(toml.contains("periodisering"));
    let s = store(Some(&toml));
    let (sn1, _) = per_node(&s);
    assert_eq!(sn1.iter().copied().sum::<Amount>(), ore(130_001));
    assert_eq!(sn1[6], sn1[5]);
    // The setting survives in the database.
    let m = s.account_mapping().unwrap();
    assert_eq!(
        m.group("personal").unwrap().periodisation,
        delar_core::Periodisation::Even
    );
}

both! {
#[test]
fn an_annual_pbudget_is_periodised_like_an_annual_csv_amount() {
    let mut s = common::store();
    let text = last_year_sie();
    s.import_sie_reader(
        &mut text.as_bytes(),
        "2024.se",
        None,
        &ImportOptions::default(),
        None,
    )
    .unwrap();
    let budget = "#FLAGGA 0\n#SIETYP 4\n#FNAMN \"K\"\n#RAR 0 20250101 20251231\n\
                  #DIM 1 \"Ansvar\"\n#PBUDGET 0 2025 5010 {1 \"SN1\"} 1300.01\n\
                  #PBUDGET 0 2025 5010 {} 1300.01\n";
    let r = s
        .import_sie_reader(
            &mut budget.as_bytes(),
            "budget-2025.se",
            None,
            &ImportOptions::default(),
            None,
        )
        .unwrap();
    assert!(
        r.findings.iter().any(|f| f.code == "annual-pbudget"),
        "{:?}",
        r.findings
    );
    let rows = s.ledger_by_node(2025, LedgerBy::Account, None).unwrap();
    let sn1 = &rows
        .iter()
        .find(|r| r.node == "SN1" && r.row.key == "5010")
        .unwrap()
        .row;
    assert_eq!(sn1.budget_total, ore(130_001));
    assert_eq!(sn1.budget[6], ore(20_001));
    assert_eq!(sn1.budget[0], ore(10_000));
    // The account level equals the ansvar level: nothing without ansvar, and the ledger read
    // whole has the same budget.
    assert!(!rows.iter().any(|r| r.node.is_empty()));
    let whole = s.ledger(2025, LedgerBy::Account, None).unwrap();
    assert_eq!(whole[0].budget, sn1.budget);
}
}
