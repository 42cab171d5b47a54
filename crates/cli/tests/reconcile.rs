//! Every krona of the ledger reaches the forecast and the report (R16): amounts on a
//! committee's own code, on a code the organisation does not have and without an ansvar are
//! placed on "Ej fördelat på enhet", warned about with codes and amounts, and the round's and
//! the report's totals equal the ledger's.

mod common;
use common::{delar, ok, stderr, stdout};
use std::path::Path;

/// An SIE 4 file from another source with one voucher in 2025: 5 000 000 kr on SN's own code,
/// 1 000 000 kr on a code not in the organisation, 500 000 kr without an ansvar.
const EXTRA: &str = "#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM \"test\" 1
#ORGNR 555555-0001
#FNAMN \"Extra bokforing\"
#RAR 0 20250101 20251231
#DIM 1 \"Ansvar\"
#KONTO 4610 \"Kop av verksamhet\"
#KONTO 1930 \"Bank\"
#VER A 1 20250315 \"Extra\"
{
#TRANS 4610 {1 \"SN\"} 5000000.00
#TRANS 4610 {1 \"X999\"} 1000000.00
#TRANS 4610 {} 500000.00
#TRANS 1930 {} -6500000.00
}
";

/// Öre from a JSON amount: a number of öre or a decimal kronor string.
fn ore(v: &serde_json::Value) -> i64 {
    match v {
        serde_json::Value::Number(n) => n.as_i64().unwrap(),
        serde_json::Value::String(s) => {
            let neg = s.starts_with('-');
            let t = s.trim_start_matches('-');
            let (k, o) = t.split_once('.').unwrap_or((t, "0"));
            let x =
                k.parse::<i64>().unwrap() * 100 + format!("{o:0<2}")[..2].parse::<i64>().unwrap();
            if neg {
                -x
            } else {
                x
            }
        }
        _ => panic!("not an amount: {v}"),
    }
}

/// The ledger's outcome January–`m` and annual budget for `year`, from `delar ledger`.
fn ledger_totals(p: &Path, year: i32, m: usize) -> (i64, i64) {
    let v: serde_json::Value = serde_json::from_str(&ok(
        &["ledger", "--year", &year.to_string(), "--format", "json"],
        p,
    ))
    .unwrap();
    let mut to_date = 0;
    let mut budget = 0;
    for r in v["rows"].as_array().unwrap() {
        to_date += r["outcome"].as_array().unwrap()[..m]
            .iter()
            .map(ore)
            .sum::<i64>();
        budget += ore(&r["budget_total"]);
    }
    (to_date, budget)
}

/// The round's outcome to date and budget at the root, from `delar forecast show`.
fn round_totals(p: &Path) -> (i64, i64) {
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["forecast", "show", "--format", "json"], p)).unwrap();
    let lines = v["lines"].as_array().unwrap();
    let get = |l: &serde_json::Value, k: &str| ore(l.get("line").unwrap_or(l).get(k).unwrap());
    (
        lines.iter().map(|l| get(l, "to_date")).sum(),
        lines.iter().map(|l| get(l, "budget")).sum(),
    )
}

fn setup(p: &Path) {
    ok(&["generate", "--out", "ek", "--scale", "small"], p);
    ok(&["import", "organisation", "ek/organisation.csv"], p);
    for y in 2021..=2025 {
        ok(
            &[
                "import",
                "sie",
                "-q",
                &format!("ek/sie/exempelkommun-{y}.se"),
            ],
            p,
        );
    }
    ok(&["import", "budget", "ek/budget.csv"], p);
    // A P1 round first: the P2 report compares with it.
    ok(&["forecast", "run", "--round", "2025-P1"], p);
}

#[test]
fn amounts_off_the_units_reach_the_round_and_the_report() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    setup(p);
    let before = ledger_totals(p, 2025, 8);
    std::fs::write(p.join("extra.se"), EXTRA).unwrap();
    ok(&["import", "sie", "-q", "extra.se"], p);
    let ledger = ledger_totals(p, 2025, 8);
    assert_eq!(
        ledger.0 - before.0,
        650_000_000,
        "the ledger holds the extra voucher"
    );

    let o = delar(&["forecast", "run", "--round", "2025-P2"], p);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(o.status.success(), "{out}{err}");
    // Warned about with codes and amounts.
    for (code, amount) in [
        ("ansvar SN", "5\u{a0}000\u{a0}000,00 kr"),
        ("ansvar X999", "1\u{a0}000\u{a0}000,00 kr"),
        ("ansvar (utan ansvar)", "500\u{a0}000,00 kr"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(code))
            .unwrap_or_else(|| panic!("no warning for {code}: {err}"));
        assert!(line.contains(amount), "{line}");
        assert!(line.contains("Ej fördelat på enhet"), "{line}");
    }
    // The round's totals are the ledger's, to the öre.
    assert_eq!(round_totals(p), ledger);
    let show = ok(&["forecast", "show"], p);
    assert!(show.contains("Ej fördelat på enhet"), "{show}");

    // The report shows the unassigned amounts and passes R16.
    let o = delar(&["check", "--round", "2025-P2"], p);
    assert!(!stdout(&o).contains("R16 fel"), "{}", stdout(&o));
    ok(
        &[
            "report", "--round", "2025-P2", "--format", "txt", "--out", "r",
        ],
        p,
    );
    let txt = std::fs::read_to_string(p.join("r/delarsrapport-2025-P2.txt")).unwrap();
    assert!(
        txt.contains("Ej fördelat på enhet"),
        "the report names the unassigned line"
    );
    let sn = std::fs::read_to_string(p.join("r/delarsrapport-2025-P2-SN.txt")).unwrap();
    assert!(
        sn.contains("Ej fördelat på enhet"),
        "SN's own report shows its own code"
    );
}

#[test]
fn a_ledger_changed_after_the_round_is_caught_by_check() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    setup(p);
    ok(&["forecast", "run", "--round", "2025-P2"], p);
    ok(&["check", "--round", "2025-P2"], p);
    std::fs::write(p.join("extra.se"), EXTRA).unwrap();
    ok(&["import", "sie", "-q", "extra.se"], p);
    let o = delar(&["check", "--round", "2025-P2"], p);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let r16: Vec<&str> = out.lines().filter(|l| l.starts_with("R16 fel")).collect();
    assert!(
        r16.iter().any(|l| l.contains("Socialnämnden")
            && l.contains("skillnad \u{2212}5\u{a0}000\u{a0}000,00 kr")),
        "{out}"
    );
    assert!(
        r16.iter()
            .any(|l| l.contains("Totalt") && l.contains("6\u{a0}500\u{a0}000,00 kr")),
        "{out}"
    );
    assert!(out.contains("delar forecast run --round 2025-P2"), "{out}");
    // Recomputing the round reconciles it again.
    ok(&["forecast", "run", "--round", "2025-P2"], p);
    ok(&["check", "--round", "2025-P2"], p);
}

#[test]
fn accounts_outside_the_groups_are_flagged_by_check_until_mapped() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    setup(p);
    let sie = EXTRA
        .replace(
            "#KONTO 4610 \"Kop av verksamhet\"",
            "#KONTO 9010 \"Internt\"",
        )
        .replace(
            "#TRANS 4610 {1 \"SN\"} 5000000.00",
            "#TRANS 9010 {1 \"SN11\"} 250000.00",
        )
        .replace(
            "#TRANS 4610 {1 \"X999\"} 1000000.00\n#TRANS 4610 {} 500000.00\n",
            "",
        )
        .replace("-6500000.00", "-250000.00");
    std::fs::write(p.join("internt.se"), sie).unwrap();
    ok(&["import", "sie", "-q", "internt.se"], p);
    ok(&["forecast", "run", "--round", "2025-P2"], p);
    let out = ok(&["check", "--round", "2025-P2"], p);
    let line = out
        .lines()
        .find(|l| l.contains("Ej kontogrupperat"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.starts_with("R16 varning"), "{line}");
    assert!(line.contains("9010 Internt (250\u{a0}000,00 kr)"), "{line}");
    assert!(line.contains("delar kontogrupper"), "{line}");
    // The report shows them as their own kontogrupp row.
    ok(
        &[
            "report", "--round", "2025-P2", "--format", "txt", "--out", "r",
        ],
        p,
    );
    let txt = std::fs::read_to_string(p.join("r/delarsrapport-2025-P2.txt")).unwrap();
    assert!(txt.contains("Ej kontogrupperat"), "{txt}");
}
