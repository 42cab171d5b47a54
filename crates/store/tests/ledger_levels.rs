//! The ledger read whole and the ledger per ansvar give the same totals whatever levels a
//! file's #PSALDO and #PBUDGET come at, and amounts without an ansvar are kept (node "").

#[macro_use]
mod common;

use delar_core::{Amount, Date};
use delar_store::{ForecastStore, ImportOptions, LedgerBy, SqliteStore, Store};

fn import(s: &mut SqliteStore, name: &str, text: &str) {
    s.import_sie_reader(
        &mut text.as_bytes(),
        name,
        None,
        &ImportOptions::default(),
        None,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
}

const HEAD: &str = "#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM \"test\" 1
#FNAMN \"Test\"
#RAR 0 20250101 20251231
#DIM 1 \"Ansvar\"
#DIM 6 \"Projekt\"
#KONTO 5010 \"Loner\"
#KONTO 4610 \"Kop\"
";

fn totals(s: &SqliteStore) -> (Amount, Amount) {
    let rows = s.ledger(2025, LedgerBy::Group, None).unwrap();
    (
        rows.iter().map(|r| r.outcome_total).sum(),
        rows.iter().map(|r| r.budget_total).sum(),
    )
}

fn by_node(s: &SqliteStore) -> Vec<(String, Amount, Amount)> {
    let mut out: Vec<(String, Amount, Amount)> = Vec::new();
    for r in s.ledger_by_node(2025, LedgerBy::Group, None).unwrap() {
        match out.iter_mut().find(|(n, _, _)| *n == r.node) {
            Some(e) => {
                e.1 += r.row.outcome_total;
                e.2 += r.row.budget_total;
            }
            None => out.push((r.node.clone(), r.row.outcome_total, r.row.budget_total)),
        }
    }
    out.sort();
    out
}

fn kr(x: i64) -> Amount {
    Amount::from_kr(x).unwrap()
}

both! {
#[test]
fn budget_only_per_unit_is_the_ledgers_budget() {
    let mut s = common::store();
    let text = format!(
        "{HEAD}#PBUDGET 0 202501 5010 {{1 \"A\"}} 300.00
#PBUDGET 0 202502 5010 {{1 \"A\"}} 300.00
#PBUDGET 0 202501 5010 {{1 \"B\"}} 200.00
"
    );
    import(&mut s, "budget.se", &text);
    assert_eq!(totals(&s).1, kr(800));
    assert_eq!(
        by_node(&s),
        vec![
            ("A".into(), Amount::ZERO, kr(600)),
            ("B".into(), Amount::ZERO, kr(200))
        ]
    );
    let in_force = s
        .budget_in_force(
            2025,
            Date::parse("2025-12-31").unwrap(),
            LedgerBy::Group,
            None,
        )
        .unwrap();
    assert_eq!(in_force.iter().map(|b| b.total).sum::<Amount>(), kr(800));
}
}

both! {
#[test]
fn account_level_beyond_the_units_and_vouchers_without_ansvar_are_kept() {
    let mut s = common::store();
    let text = format!(
        "{HEAD}#PBUDGET 0 202501 5010 {{}} 1000.00
#PBUDGET 0 202501 5010 {{1 \"A\"}} 300.00
#PBUDGET 0 202501 5010 {{1 \"A\" 6 \"P\"}} 300.00
#PBUDGET 0 202501 5010 {{6 \"P\"}} 300.00
#VER A 1 20250115 \"x\"
{{
#TRANS 4610 {{1 \"A\"}} 40.00
#TRANS 4610 {{}} 2.00
#TRANS 4610 {{6 \"P\"}} 3.00
#TRANS 1930 {{}} -45.00
}}
"
    );
    import(&mut s, "levels.se", &text);
    assert_eq!(totals(&s), (kr(45), kr(1000)));
    assert_eq!(
        by_node(&s),
        vec![("".into(), kr(5), kr(700)), ("A".into(), kr(40), kr(300))]
    );
    // The per-object ledger for A gives A's part.
    let a = s.ledger(2025, LedgerBy::Group, Some((1, "A"))).unwrap();
    assert_eq!(a.iter().map(|r| r.budget_total).sum::<Amount>(), kr(300));
    assert_eq!(a.iter().map(|r| r.outcome_total).sum::<Amount>(), kr(40));
}
}
