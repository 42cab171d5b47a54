//! A year without budget is never backtested as a budget of 0: the budget method leaves such
//! years out (and says so), and the recommended mix is not pulled off by them.

mod common;
use common::ok;
use std::path::Path;

/// Import small Exempelkommun into `p`; the SIE files of `without_budget` lose their #PBUDGET.
fn setup(p: &Path, without_budget: &[i32]) {
    ok(&["generate", "--out", "ek", "--scale", "small"], p);
    ok(&["import", "organisation", "ek/organisation.csv"], p);
    for y in 2021..=2025 {
        let file = p.join(format!("ek/sie/exempelkommun-{y}.se"));
        if without_budget.contains(&y) {
            let bytes = std::fs::read(&file).unwrap();
            let kept: Vec<&[u8]> = bytes
                .split_inclusive(|b| *b == b'\n')
                .filter(|l| !l.starts_with(b"#PBUDGET"))
                .collect();
            std::fs::write(&file, kept.concat()).unwrap();
        }
        ok(&["import", "sie", "-q", file.to_str().unwrap()], p);
    }
    ok(&["forecast", "run", "--round", "2025-P2"], p);
}

/// (line MAE, line n) of a method in `forecast backtest --json`, MAE in öre.
fn mae(json: &serde_json::Value, method: &str) -> (i64, u64) {
    let m = json["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["method"] == method)
        .unwrap_or_else(|| panic!("no {method}: {json}"));
    let a = delar_core::Amount::parse_sie(m["line"]["mae"].as_str().unwrap()).unwrap();
    (a.ore(), m["line"]["n"].as_u64().unwrap())
}

#[test]
fn years_without_budget_are_left_out_of_the_budget_methods_backtest() {
    let full = tempfile::tempdir().unwrap();
    setup(full.path(), &[]);
    let part = tempfile::tempdir().unwrap();
    setup(part.path(), &[2021, 2022]);

    let table = ok(&["forecast", "backtest"], part.path());
    assert!(
        table.contains("ingen budget för 2021, 2022"),
        "the table says which years have no budget: {table}"
    );
    let j_full: serde_json::Value =
        serde_json::from_str(&ok(&["forecast", "backtest", "--json"], full.path())).unwrap();
    let j_part: serde_json::Value =
        serde_json::from_str(&ok(&["forecast", "backtest", "--json"], part.path())).unwrap();
    let (b_full, n_full) = mae(&j_full, "budget");
    let (b_part, n_part) = mae(&j_part, "budget");
    // Fewer replayed years for the budget method, none of them a budget of 0 …
    assert!(n_part < n_full, "{n_part} < {n_full}");
    // … so its error is of the same size as with every year budgeted (a budget of 0 made it
    // four times larger), and so is the mix's (it was thirty times larger).
    assert!(b_part < 2 * b_full, "budget MAE {b_part} vs {b_full}");
    let (m_full, _) = mae(&j_full, "mix");
    let (m_part, _) = mae(&j_part, "mix");
    assert!(m_part < m_full * 3 / 2, "mix MAE {m_part} vs {m_full}");
    // The accuracy history has no budget-method rows for the years without budget.
    let acc: serde_json::Value = serde_json::from_str(&ok(
        &["forecast", "accuracy", "--methods", "--json"],
        part.path(),
    ))
    .unwrap();
    let rows = acc.as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["method"] == "budget" && r["year"] == 2024));
    assert!(!rows
        .iter()
        .any(|r| r["method"] == "budget" && (r["year"] == 2022 || r["year"] == 2021)));
}
